"""Hostile dates and search queries: an exact exit code and one stderr line, or a sensible
answer; never a traceback, and nothing reaches SQLite's FTS5 parser as syntax."""

from __future__ import annotations

import json

import pytest
from tests.conftest import Library, Run

HINT = " (try 2025-06-24, 6/24/25, 'June 24, 2025', 2025-W26, W26, 'next monday' or 'in two weeks')\n"
DATE_OPTIONS = [
    ("today", "--date"),
    ("week", "--date"),
    ("list", "--since"),
    ("list", "--until"),
    ("schedule", "--from"),
]
OPTION_IDS = ["today", "week", "list-since", "list-until", "schedule"]
BAD_DATES = {
    "huge": ("x" * 10_000, "not a date: '" + "x" * 59 + "…'"),
    "huge-digits": ("1" * 10_000, "not a date: '" + "1" * 59 + "…'"),
    "nonsense": ("banana", "not a date: 'banana'"),
    "nonsense-digits": ("99/99/99", "not a date: '99/99/99'"),
    "year-zero": ("0000-01-01", "no such date: '0000-01-01'"),
    "week-54": ("2026-W54", "no such date: '2026-W54'"),
    "sql": ("2026-01-01'; DROP TABLE tips; --", "not a date: '2026-01-01'; DROP TABLE tips; --'"),
    "fts": ('NEAR("a" *)', "not a date: 'NEAR(\"a\" *)'"),
}


@pytest.mark.parametrize("option", DATE_OPTIONS, ids=OPTION_IDS)
@pytest.mark.parametrize("case", list(BAD_DATES))
def test_bad_date_is_bad_input(sample: Library, run: Run, option: tuple[str, str], case: str) -> None:
    value, message = BAD_DATES[case]
    result = run(*option, value)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"error: {message}{HINT}"


@pytest.mark.parametrize(
    "option",
    [("today", "--date"), ("week", "--date"), ("schedule", "--from")],
    ids=["today", "week", "schedule"],
)
def test_empty_date_is_bad_input(sample: Library, run: Run, option: tuple[str, str]) -> None:
    result = run(*option, "   ")
    assert result.exit_code == 2
    assert result.stderr == f"error: empty date{HINT}"


@pytest.mark.parametrize("option", ["--since", "--until"])
def test_empty_since_until_is_no_limit(sample: Library, run: Run, option: str) -> None:
    """`--since ''` is treated as no bound at all (the option's value is falsy)."""
    result = run("list", option, "", "--json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 7


def test_far_past_day_and_week_fall_back_to_the_undated_tip(sample: Library, run: Run) -> None:
    for command in ("today", "week"):
        result = run(command, "--date", "0001-01-01", "--json")
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["id"] == "thank-them-for-something-specific"


def test_far_future_day_and_week_use_the_rotation(sample: Library, run: Run) -> None:
    for command in ("today", "week"):
        result = run(command, "--date", "9999-12-31", "--json")
        assert result.exit_code == 0, result.stderr
        assert result.stderr == ""
        assert json.loads(result.stdout)["id"]


def test_list_with_far_bounds(sample: Library, run: Run) -> None:
    assert (
        len(json.loads(run("list", "--since", "0001-01-01", "--json").stdout)) == 6
    )  # the undated one has no date
    assert len(json.loads(run("list", "--until", "9999-12-31", "--json").stdout)) == 6
    none = run("list", "--since", "9999-12-31")
    assert none.exit_code == 1
    assert none.stderr == "error: no tips match those filters\n"
    none = run("list", "--until", "0001-01-01")
    assert none.exit_code == 1
    assert none.stderr == "error: no tips match those filters\n"


def test_since_after_until_is_bad_input(sample: Library, run: Run) -> None:
    result = run("list", "--since", "9999-12-31", "--until", "0001-01-01")
    assert result.exit_code == 2
    assert result.stderr == "error: --since 9999-12-31 is after --until 0001-01-01\n"


@pytest.mark.parametrize("year", ["0", "10000", "-5", "99999999999999999999"])
def test_list_year_out_of_range(sample: Library, run: Run, year: str) -> None:
    result = run("list", "--year", year)
    assert result.exit_code == 2
    assert result.stderr.count("\n") <= 1 or "Usage" in result.stderr
    assert "Traceback" not in result.stderr


def test_schedule_from_the_first_day(sample: Library, run: Run) -> None:
    result = run("schedule", "--from", "0001-01-01", "--weeks", "2", "--json")
    assert result.exit_code == 0, result.stderr
    assert [w["week"] for w in json.loads(result.stdout)] == ["0001-W01", "0001-W02"]


def test_schedule_past_the_last_day(sample: Library, run: Run) -> None:
    """The calendar ends in week 9999-W52: the schedule stops there instead of crashing."""
    result = run("schedule", "--from", "9999-12-31", "--weeks", "8", "--json")
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    weeks = json.loads(result.stdout)
    assert weeks
    assert weeks[0]["start"] == "9999-12-27"
    assert all(w["start"] <= "9999-12-31" for w in weeks)


# Every FTS5 syntax character, alone and next to a real word; (exit code alone, exit code with "wait").
# Every word is optional, so next to "wait" each finds the tips about waiting (exit 0), unless it
# is a broken quote, or leaves "wait" itself out.
QUERIES = {
    '"': (2, 2),
    "*": (2, 0),
    "NEAR(": (1, 0),
    "NEAR(a b)": (1, 0),
    "^": (2, 0),
    ":": (2, 0),
    "title:x": (1, 0),
    "(": (2, 0),
    ")": (2, 0),
    "AND": (0, 0),  # a plain word: it occurs in the sample ("… and why")
    "OR": (1, 0),
    "NOT": (1, 0),  # with nothing after it, NOT is the (stop) word "not"
    "-": (2, 0),
    "+": (2, 0),
    "{a b}": (1, 0),
    "-wait": (2, 1),
    "'": (2, 0),
    "\\": (2, 0),
    "\x00": (2, 0),
}


@pytest.mark.parametrize("query", list(QUERIES), ids=[f"q{n}" for n in range(len(QUERIES))])
def test_fts_syntax_is_escaped(sample: Library, run: Run, query: str) -> None:
    alone, with_word = QUERIES[query]
    for args, code in (((query,), alone), (("wait", query), with_word)):
        result = run("search", *args)
        assert result.exit_code == code, (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert "fts5" not in result.stderr.lower()
        assert result.stderr.count("\n") == (0 if code == 0 else 1)
        if code == 0:
            assert "Explain the Wait" in result.stdout


def test_huge_query(sample: Library, run: Run) -> None:
    result = run("search", "wait " * 2000)
    assert result.exit_code == 0, result.stderr
    assert "Explain the Wait" in result.stdout


def test_huge_query_of_distinct_words(sample: Library, run: Run) -> None:
    words = " ".join(f"w{n}" for n in range(2000))
    result = run("search", words)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no tips match 'w0 w1 w2")
    assert result.stderr.count("\n") == 1


def test_search_error_messages_are_short(sample: Library, run: Run) -> None:
    result = run("search", '"' + "x" * 5000)
    assert result.exit_code == 2
    assert result.stderr == "error: unbalanced quote in '\"" + "x" * 58 + '…\' (close the "quoted phrase")\n'
