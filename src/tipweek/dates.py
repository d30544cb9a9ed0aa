"""Dates as people type them: ISO, US, long form, ISO weeks and relative words.

`today` is always passed in, so every rule here is testable without a clock. ISO dates, ISO
weeks and the relative words are parsed here by hand; only the free forms (`6/24/25`,
`June 24, 2025`) import dateutil, so `tip week 2026-W50` never pays for it.
"""

from __future__ import annotations

import datetime as dt

from tipweek.errors import BadInput
from tipweek.text import shown

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: Every form, as `--help` and the README list them.
FORMS = (
    "2025-06-24",
    "6/24/25",
    "June 24, 2025",
    "2025-W26",
    "W26",
    "today",
    "yesterday",
    "tomorrow",
    "last week",
    "next week",
    "last tuesday",
    "next monday",
    "next month",
    "in two weeks",
    "3 days ago",
)
_HINT = "try 2025-06-24, 6/24/25, 'June 24, 2025', 2025-W26, W26, 'next monday' or 'in two weeks'"
# Compiled on first use (`_match`): `week_of` and `week_label` are on the fast route, which
# must not pay for importing `re`.
_PATTERNS = {
    "iso_day": r"^(\d{4})-(\d{2})-(\d{2})$",
    "iso_week": r"^(?:(\d{4})-?)?w(?:eek\s*)?(\d{1,2})(?:-?([1-7]))?$",
    "relative": r"^(last|next|this)\s+(week|month|year|" + "|".join(WEEKDAYS) + r")$",
    "count": r"^(?:in\s+)?(\w+)\s+(day|week|month|year)s?(\s+ago)?$",
}
_COMPILED: dict[str, re.Pattern[str]] = {}


def _match(name: str, text: str) -> re.Match[str] | None:
    import re

    if name not in _COMPILED:
        _COMPILED[name] = re.compile(_PATTERNS[name])
    return _COMPILED[name].match(text)


_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier), kept inside shorter months (Jan 31 + 1 = Feb 28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(f"no such month: {year}-{month + 1}")


def _shift(today: dt.date, unit: str, count: int) -> dt.date:
    if unit == "day":
        return today + dt.timedelta(days=count)
    if unit == "week":
        return today + dt.timedelta(weeks=count)
    return add_months(today, count * (12 if unit == "year" else 1))


def _counted(text: str, today: dt.date) -> dt.date | None:
    """`in two weeks`, `in 3 days`, `2 months ago`, `a week ago`."""
    match = _match("count", text)
    if not match or text.startswith("in ") == bool(match.group(3)):
        return None  # either "in N units" or "N units ago", not both and not neither
    word, unit, _ = match.groups()
    count = int(word) if word.isdigit() else _NUMBERS.get(word)
    if count is None:
        return None
    return _shift(today, unit, -count if match.group(3) else count)


def _relative(text: str, today: dt.date) -> dt.date | None:
    words = {"today": 0, "now": 0, "yesterday": -1, "tomorrow": 1}
    if text in words:
        return today + dt.timedelta(days=words[text])
    if text in WEEKDAYS:
        text = f"this {text}"
    match = _match("relative", text)
    if not match:
        return _counted(text, today)
    which, unit = match.groups()
    step = {"last": -1, "next": 1, "this": 0}[which]
    if unit == "week":
        return today + dt.timedelta(weeks=step)
    if unit == "month":  # a month as a whole: its first day
        return add_months(today.replace(day=1), step)
    if unit == "year":
        return dt.date(today.year + step, 1, 1)
    delta = WEEKDAYS.index(unit) - today.weekday()
    if which == "last":
        return today - dt.timedelta(days=(-delta) % 7 or 7)
    if which == "next":
        return today + dt.timedelta(days=delta % 7 or 7)
    return today + dt.timedelta(days=delta)


def _exact(text: str, today: dt.date) -> dt.date | None:
    """ISO dates and ISO weeks (`2026-W50`, `W50` of this ISO year, `2026-W50-3`)."""
    day = _match("iso_day", text)
    if day:
        return dt.date(*(int(part) for part in day.groups()))
    week = _match("iso_week", text)
    if week:
        year, number, weekday = week.groups()
        this_year = today.isocalendar()[0]
        return dt.date.fromisocalendar(int(year or this_year), int(number), int(weekday or 1))
    return None


def parse_date(text: str, *, today: dt.date) -> dt.date:
    """Parse any supported date form; raises `BadInput` naming the value and the forms."""
    raw = " ".join(text.split()).lower()
    if not raw:
        raise BadInput("empty date", hint=_HINT)
    try:
        known = _exact(raw, today) or _relative(raw, today)
    except (ValueError, OverflowError):
        raise BadInput(f"no such date: '{shown(text)}'", hint=_HINT) from None
    if known is not None:
        return known
    if len(raw) > 64 or not any(c.isdecimal() for c in raw):
        raise BadInput(f"not a date: '{shown(text)}'", hint=_HINT)
    from dateutil import parser  # only the free forms pay for dateutil

    try:
        return parser.parse(raw, default=dt.datetime(today.year, today.month, 1)).date()
    except (ValueError, OverflowError, parser.ParserError):
        raise BadInput(f"not a date: '{shown(text)}'", hint=_HINT) from None


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The ISO week (Monday to Sunday) that holds `day`."""
    monday = day - dt.timedelta(days=day.weekday())
    sunday = dt.date.max if dt.date.max - monday < dt.timedelta(days=6) else monday + dt.timedelta(days=6)
    return monday, sunday


def week_label(monday: dt.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year:04d}-W{week:02d}"
