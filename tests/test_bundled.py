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
