"""The shape of the bundled library (`tips/`), as the bundled-library issue specifies it."""

import datetime as dt
import re
from collections import Counter

import pytest

from tipweek.library import LibrarySource, bundled_path, load
from tipweek.text import slugify

CATEGORIES = {
    "Service Recovery",
    "Empathy",
    "Communication",
    "Phone & Email",
    "Government",
    "Healthcare",
    "Education",
    "Sports & Events",
    "Teamwork",
    "Leadership & Coaching",
    "Business Advice",
}
FIRST, COUNT = dt.date(2025, 9, 2), 72


@pytest.fixture(scope="module")
def bundled():
    loaded = load([LibrarySource("bundled", bundled_path())])
    return loaded


def test_no_problems(bundled) -> None:
    assert bundled.problems == ()


def test_count_and_consecutive_tuesdays(bundled) -> None:
    dates = sorted(t.date for t in bundled.tips)
    assert len(dates) == COUNT
    assert dates == [FIRST + dt.timedelta(weeks=n) for n in range(COUNT)]
    assert dates[-1] == dt.date(2027, 1, 12)
    assert sum(d <= dt.date(2026, 11, 17) for d in dates) == 64


# Season-bound tips and the months they belong in (the holiday-hours notice by mid-November).
SEASONS = {
    "announce-holiday-hours-early-and-everywhere": lambda d: (d.month, d.day) <= (11, 15) and d.month >= 10,
    "answer-questions-at-the-door-of-the-flu-shot-clinic": lambda d: d.month == 10,
    "neutral-words-and-extra-patience-at-the-elections-office": lambda d: d.month == 10,
    "conference-night-begins-at-the-front-office": lambda d: d.month in (3, 10),
    "put-people-at-the-corners-where-signs-fail": lambda d: d.month == 8,
    "snow-days-need-one-source-of-truth": lambda d: d.month in (12, 1, 2),
    "name-the-worry-before-the-paperwork": lambda d: d.month in (8, 9),
}


@pytest.mark.parametrize("slug", sorted(SEASONS))
def test_season_bound_tips_sit_in_their_season(bundled, slug: str) -> None:
    tip = next(t for t in bundled.tips if t.id == slug)
    assert tip.date is not None and SEASONS[slug](tip.date), (slug, tip.date)


def test_categories(bundled) -> None:
    counts = Counter(c for t in bundled.tips for c in t.categories)
    assert set(counts) == CATEGORIES
    assert min(counts.values()) >= 6
    assert all(1 <= len(t.categories) <= 3 for t in bundled.tips)


def test_every_tip_is_complete(bundled) -> None:
    for tip in bundled.tips:
        words = len(tip.body.split())
        assert 150 <= words <= 350, (tip.id, words)
        assert tip.summary and tip.takeaway, tip.id
        assert 2 <= len(tip.tags) <= 5 and all(t == t.lower() for t in tip.tags), tip.id
        assert tip.author == "The tipweek team"
        assert not re.search(r"\.\s+\S", tip.takeaway.strip()), f"{tip.id}: takeaway is one sentence"


def test_titles_and_slugs_are_unique_and_match_files(bundled) -> None:
    assert len({t.title.casefold() for t in bundled.tips}) == COUNT
    assert len({t.id for t in bundled.tips}) == COUNT
    for tip in bundled.tips:
        assert tip.path.endswith(f"{tip.date.year}/{tip.date.isoformat()}-{tip.id}.toml")
        assert tip.id == slugify(tip.title), tip.id


def test_cli_categories_shows_all_eleven(run, monkeypatch) -> None:
    import json

    result = run("categories", "--json")
    assert {c["name"] for c in json.loads(result.stdout)} == CATEGORIES


def test_cli_week_shows_a_dated_tip_now(run) -> None:
    import json

    tip = json.loads(run("week", "--json").stdout)  # TIP_TODAY is 2026-11-25
    assert tip["date"] == "2026-11-24"
    assert run("check").exit_code == 0
