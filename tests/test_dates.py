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
