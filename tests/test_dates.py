import datetime as dt

import pytest

from tipweek.dates import parse_date, week_label, week_of
from tipweek.errors import BadInput

TODAY = dt.date(2026, 11, 25)  # Wednesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-06-24", dt.date(2025, 6, 24)),
        ("6/24/25", dt.date(2025, 6, 24)),
        ("June 24, 2025", dt.date(2025, 6, 24)),
        ("24 June 2025", dt.date(2025, 6, 24)),
        ("2025-W26", dt.date(2025, 6, 23)),
        ("2025w26", dt.date(2025, 6, 23)),
        ("2025-W26-2", dt.date(2025, 6, 24)),
        ("today", TODAY),
        ("Today", TODAY),
        ("yesterday", dt.date(2026, 11, 24)),
        ("tomorrow", dt.date(2026, 11, 26)),
        ("last week", dt.date(2026, 11, 18)),
        ("next week", dt.date(2026, 12, 2)),
        ("last tuesday", dt.date(2026, 11, 24)),
        ("last wednesday", dt.date(2026, 11, 18)),
        ("next monday", dt.date(2026, 11, 30)),
        ("next wednesday", dt.date(2026, 12, 2)),
        ("friday", dt.date(2026, 11, 27)),
        ("  next   Monday ", dt.date(2026, 11, 30)),
        ("0001-01-01", dt.date(1, 1, 1)),
        ("9999-12-31", dt.date(9999, 12, 31)),
    ],
)
def test_date_forms(text: str, expected: dt.date) -> None:
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "banana",
        "2025-13-45",
        "2025-02-30",
        "9999-W60",
        "2025-W00",
        "x" * 5000,
        "last fortnight",
        "13/45/25",
        "\x1b[31m2025",
        "💥",
    ],
)
def test_bad_dates_are_bad_input(text: str) -> None:
    with pytest.raises(BadInput) as info:
        parse_date(text, today=TODAY)
    assert len(str(info.value)) < 200
    assert "\x1b" not in str(info.value)


def test_week_of_runs_monday_to_sunday() -> None:
    assert week_of(dt.date(2026, 11, 25)) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    assert week_of(dt.date(2026, 11, 23)) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    assert week_of(dt.date(2026, 11, 29)) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    assert week_label(dt.date(2026, 11, 23)) == "2026-W48"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("W50", dt.date(2026, 12, 7)),
        ("w50", dt.date(2026, 12, 7)),
        ("W50-3", dt.date(2026, 12, 9)),
        ("week 50", dt.date(2026, 12, 7)),
        ("2027-W01", dt.date(2027, 1, 4)),
        ("in two weeks", dt.date(2026, 12, 9)),
        ("in 2 weeks", dt.date(2026, 12, 9)),
        ("in a week", dt.date(2026, 12, 2)),
        ("in three days", dt.date(2026, 11, 28)),
        ("in 2 months", dt.date(2027, 1, 25)),
        ("two weeks ago", dt.date(2026, 11, 11)),
        ("3 days ago", dt.date(2026, 11, 22)),
        ("next month", dt.date(2026, 12, 1)),
        ("this month", dt.date(2026, 11, 1)),
        ("last month", dt.date(2026, 10, 1)),
        ("next year", dt.date(2027, 1, 1)),
    ],
)
def test_weeks_and_relative_forms(text: str, expected: dt.date) -> None:
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("today", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),
        (dt.date(2026, 12, 15), 1, dt.date(2027, 1, 15)),
        (dt.date(2026, 3, 31), -1, dt.date(2026, 2, 28)),
        (dt.date(2026, 1, 10), -13, dt.date(2024, 12, 10)),
    ],
)
def test_months_stay_inside_shorter_months(today: dt.date, months: int, expected: dt.date) -> None:
    from tipweek.dates import add_months

    assert add_months(today, months) == expected


@pytest.mark.parametrize(
    "text", ["in 3 days ago", "in many weeks", "W60", "W00", "9999-12-31 + 1", "in 9999 years"]
)
def test_malformed_relative_forms_are_bad_input(text: str) -> None:
    with pytest.raises(BadInput):
        parse_date(text, today=TODAY)


def test_exact_and_relative_forms_never_import_dateutil() -> None:
    """`tip week 2026-W50` must not pay for dateutil (start-up time, issue #13)."""
    import subprocess
    import sys

    forms = ["2026-06-24", "2026-W26", "2026-W26-3", "W26", "next month", "in two weeks", "last friday"]
    code = (
        "import sys, datetime as dt; from tipweek.dates import parse_date\n"
        f"for text in {forms!r}: parse_date(text, today=dt.date(2026, 11, 25))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'dateutil'))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_free_forms_still_use_dateutil() -> None:
    assert parse_date("Dec 9, 2026", today=TODAY) == dt.date(2026, 12, 9)
