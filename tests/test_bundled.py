"""The shape of the bundled library (`tips/`), as the bundled-library issue specifies it."""

import datetime as dt
import re
from collections import Counter
from pathlib import Path

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
    "Retail",
    "Banking",
}
NEW_CATEGORIES = {"Retail", "Banking"}  # at least 6 tips each; every other category at least 8
# Retail tips are set in shops, Banking tips in banks: the body says where.
SETTING = {
    "Retail": re.compile(r"\b(?:shop|store|register|till|checkout|cashier|bakery)\b", re.I),
    "Banking": re.compile(r"\b(?:bank|branch|teller|credit union)\b", re.I),
}
FIRST, LAST, COUNT = dt.date(2025, 9, 2), dt.date(2027, 2, 9), 76
# The near-duplicate "fix the form" tips were merged into the one about the same box.
MERGED = {
    "a-complaint-form-residents-can-finish-in-two-minutes",
    "fix-the-registration-form-that-makes-the-phone-ring",
}
TAGS_DOC = Path(__file__).resolve().parent.parent / "docs" / "tags.md"


@pytest.fixture(scope="module")
def bundled():
    loaded = load([LibrarySource("bundled", bundled_path())])
    return loaded


@pytest.fixture(scope="module")
def vocabulary() -> dict[str, str]:
    """The controlled tag vocabulary: the rows of the table in docs/tags.md."""
    rows = re.findall(r"^\| `([^`]+)` \| (.*?) \|$", TAGS_DOC.read_text(encoding="utf-8"), flags=re.M)
    return dict(rows)


def test_no_problems(bundled) -> None:
    assert bundled.problems == ()


def test_every_tuesday_is_covered_by_exactly_one_tip(bundled) -> None:
    dates = sorted(t.date for t in bundled.tips)
    assert len(dates) == COUNT
    assert all(d.weekday() == 1 for d in dates)
    assert dates == [FIRST + dt.timedelta(weeks=n) for n in range(COUNT)]
    assert dates[-1] == LAST
    assert sum(d <= dt.date(2026, 11, 17) for d in dates) == 64


def test_merged_form_tips_stay_merged(bundled) -> None:
    ids = {t.id for t in bundled.tips}
    assert not MERGED & ids
    assert "if-everyone-asks-about-the-same-box-fix-the-box" in ids


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
    assert all(counts[c] >= (6 if c in NEW_CATEGORIES else 8) for c in CATEGORIES), counts
    assert all(1 <= len(t.categories) <= 3 for t in bundled.tips)
    # Business Advice is not the catch-all: at most one tip in eight, and never the largest.
    assert 8 * counts["Business Advice"] <= len(bundled.tips), counts
    assert counts["Business Advice"] < max(counts.values())


@pytest.mark.parametrize("category", sorted(SETTING))
def test_retail_and_banking_tips_are_set_in_shops_and_banks(bundled, category: str) -> None:
    for tip in bundled.tips:
        if category in tip.categories:
            assert SETTING[category].search(tip.body), tip.id


def test_tag_vocabulary_is_controlled(vocabulary: dict[str, str]) -> None:
    assert 35 <= len(vocabulary) <= 45
    for tag, meaning in vocabulary.items():
        assert tag == tag.lower() == tag.strip(), tag
        assert len(meaning.split()) >= 3, f"{tag}: give a one-line meaning"
        assert f"{tag}s" not in vocabulary and f"{tag}es" not in vocabulary, f"{tag}: singular and plural"


def test_every_tip_uses_two_to_four_tags_from_the_vocabulary(bundled, vocabulary: dict[str, str]) -> None:
    used: Counter[str] = Counter()
    for tip in bundled.tips:
        assert 2 <= len(tip.tags) <= 4, tip.id
        assert set(tip.tags) <= set(vocabulary), (tip.id, set(tip.tags) - set(vocabulary))
        used.update(tip.tags)
    assert set(used) == set(vocabulary), f"unused tags: {set(vocabulary) - set(used)}"


def test_every_tip_is_complete(bundled) -> None:
    for tip in bundled.tips:
        words = len(tip.body.split())
        assert 150 <= words <= 350, (tip.id, words)
        assert tip.title and tip.summary and tip.takeaway, tip.id
        assert 1 <= len(re.findall(r"[.!?](?=\s|$)", tip.summary.strip())) <= 2, (
            f"{tip.id}: summary of 1-2 sentences"
        )
        assert tip.author == "The tipweek team"
        assert "\n" not in tip.takeaway.strip(), tip.id
        assert not re.search(r"\.\s+\S", tip.takeaway.strip()), f"{tip.id}: takeaway is one sentence"


def test_titles_and_slugs_are_unique_and_match_files(bundled) -> None:
    assert len({t.title.casefold() for t in bundled.tips}) == COUNT
    assert len({t.id for t in bundled.tips}) == COUNT
    for tip in bundled.tips:
        assert tip.path.endswith(f"{tip.date.year}/{tip.date.isoformat()}-{tip.id}.toml")
        assert tip.id == slugify(tip.title), tip.id


def test_cli_categories_shows_all_thirteen(run, monkeypatch) -> None:
    import json

    result = run("categories", "--json")
    assert {c["name"] for c in json.loads(result.stdout)} == CATEGORIES


def test_cli_week_shows_a_dated_tip_now(run) -> None:
    import json

    tip = json.loads(run("week", "--json").stdout)  # TIP_TODAY is 2026-11-25
    assert tip["date"] == "2026-11-24"
    assert run("check").exit_code == 0


# Forms trainers use besides "a story with a **bolded** name, a lesson and a bullet list", each
# recognised by its layout. A tip is in a form when its body has that layout, not because of a flag.
FORMS = {
    "say this, not that": re.compile(r"^- \*\*Say:\*\* .+\*\*Not:\*\* ", re.M),
    "role-play dialogue": re.compile(r"^\*\*(?!Myth:|Fact:|Say:|Not:)[A-Z][A-Za-z .'-]{0,24}:\*\* ", re.M),
    "checklist": re.compile(r"^- \[ \] ", re.M),
    "myth and fact": re.compile(r"^\*\*(?:Myth|Fact):\*\* ", re.M),
    "team exercise": re.compile(r"^\*\*Team exercise\b", re.M),
}
MINIMUM = {
    "say this, not that": 3,
    "role-play dialogue": 4,
    "checklist": 4,
    "myth and fact": 4,
    "team exercise": 1,
}
BOLD_NAME = re.compile(r"\*\*([A-Z][a-z]+(?:-[a-z]+)?)\*\*")
BULLETS = re.compile(r"^(?:- |\d+\. )", re.M)


def form_of(body: str) -> str | None:
    """The first alternative form whose layout the body has (enough matching lines), if any."""
    for name, pattern in FORMS.items():
        if len(pattern.findall(body)) >= MINIMUM[name]:
            return name
    return None


def is_template(body: str) -> bool:
    """A story that opens on a **bolded** first name and ends in a bullet list, in no other form."""
    opening = body.strip().split("\n\n", 1)[0]
    return bool(BOLD_NAME.search(opening)) and bool(BULLETS.search(body)) and form_of(body) is None


@pytest.mark.parametrize(
    ("body", "form", "template"),
    [
        ("**Ana** met a caller.\n\nLesson.\n\n- one\n- two", None, True),
        ("Ana met a caller.\n\n- one", None, False),
        (
            "Intro.\n\n- **Say:** a **Not:** b\n- **Say:** c **Not:** d\n- **Say:** e **Not:** f",
            "say this, not that",
            False,
        ),
        (
            "**Ana** x.\n\n**Caller:** a\n\n**Agent:** b\n\n**Caller:** c\n\n**Agent:** d\n\n- e",
            "role-play dialogue",
            False,
        ),
        ("**Myth:** a\n\n**Fact:** b\n\n**Myth:** c\n\n**Fact:** d", "myth and fact", False),
        ("**Myth:** a\n\n**Fact:** b", None, False),
        ("x\n\n- [ ] a\n- [ ] b\n- [ ] c\n- [ ] d", "checklist", False),
        ("x\n\n**Team exercise (one minute)**\n\n1. a", "team exercise", False),
    ],
)
def test_form_detection(body: str, form: str | None, template: bool) -> None:
    assert form_of(body) == form
    assert is_template(body) is template


def test_at_least_a_third_of_tips_are_in_another_form(bundled) -> None:
    tips = bundled.tips
    forms = Counter(form_of(t.body) for t in tips)
    assert 3 * (len(tips) - forms[None]) >= len(tips), forms
    assert all(forms[name] >= 4 for name in FORMS), forms
    assert 3 * sum(is_template(t.body) for t in tips) <= 2 * len(tips)


def _ranks(values: list[int]) -> list[float]:
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in order[i : j + 1]:
            ranks[k] = (i + j) / 2
        i = j + 1
    return ranks


def test_story_names_do_not_run_through_the_alphabet(bundled) -> None:
    """The bolded names that open stories, in date order, must not march from A to Z in blocks."""
    import statistics

    dated = sorted(bundled.tips, key=lambda t: t.date)
    names = [m.group(1) for t in dated if (m := BOLD_NAME.search(t.body.strip().split("\n\n", 1)[0]))]
    assert len(names) >= 10
    letters = [ord(n[0]) for n in names]
    rho = statistics.correlation(_ranks(list(range(len(letters)))), _ranks(letters))
    assert abs(rho) < 0.4, (rho, "".join(n[0] for n in names))
    assert len(set(names)) == len(names), "each story has its own protagonist"


def test_takeaway_is_not_repeated_in_the_body(bundled) -> None:
    for tip in bundled.tips:
        assert tip.takeaway.strip().rstrip(".!").casefold() not in tip.body.casefold(), tip.id
