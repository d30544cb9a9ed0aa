"""Dates as people type them: ISO, US, long form, ISO weeks and a few relative words.

`today` is always passed in, so every rule here is testable without a clock.
"""

from __future__ import annotations

import datetime as dt
import re

from tipweek.errors import BadInput
from tipweek.text import shown

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
FORMS = (
    "2025-06-24",
    "6/24/25",
    "June 24, 2025",
    "2025-W26",
    "today",
    "yesterday",
    "tomorrow",
    "last week",
    "next week",
    "last tuesday",
    "next monday",
)
_ISO_WEEK = re.compile(r"^(\d{4})-?w(\d{1,2})(?:-?([1-7]))?$")
_RELATIVE = re.compile(r"^(last|next|this)\s+(week|" + "|".join(WEEKDAYS) + r")$")


def _relative(text: str, today: dt.date) -> dt.date | None:
    if text in ("today", "now"):
        return today
    if text == "yesterday":
        return today - dt.timedelta(days=1)
    if text == "tomorrow":
        return today + dt.timedelta(days=1)
    if text in WEEKDAYS:
        text = f"this {text}"
    match = _RELATIVE.match(text)
    if not match:
        return None
    which, unit = match.groups()
    if unit == "week":
        return today + dt.timedelta(weeks={"last": -1, "next": 1, "this": 0}[which])
    delta = WEEKDAYS.index(unit) - today.weekday()
    if which == "last":
        return today - dt.timedelta(days=(-delta) % 7 or 7)
    if which == "next":
        return today + dt.timedelta(days=delta % 7 or 7)
    return today + dt.timedelta(days=delta)


def parse_date(text: str, *, today: dt.date) -> dt.date:
    """Parse any supported date form; raises `BadInput` naming the value and the forms."""
    raw = " ".join(text.split()).lower()
    hint = "try " + ", ".join(FORMS[:4]) + " or today / last week / next monday"
    if not raw:
        raise BadInput("empty date", hint=hint)
    try:
        relative = _relative(raw, today)
        if relative is not None:
            return relative
        week = _ISO_WEEK.match(raw)
        if week:
            year, number, day = week.groups()
            return dt.date.fromisocalendar(int(year), int(number), int(day or 1))
    except (ValueError, OverflowError):
        raise BadInput(f"no such date: '{shown(text)}'", hint=hint) from None
    if len(raw) > 64 or not re.search(r"\d", raw):
        raise BadInput(f"not a date: '{shown(text)}'", hint=hint)
    from dateutil import parser  # only absolute forms pay for dateutil

    try:
        return parser.parse(raw, default=dt.datetime(today.year, today.month, 1)).date()
    except (ValueError, OverflowError, parser.ParserError):
        raise BadInput(f"not a date: '{shown(text)}'", hint=hint) from None


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The ISO week (Monday to Sunday) that holds `day`."""
    monday = day - dt.timedelta(days=day.weekday())
    sunday = dt.date.max if dt.date.max - monday < dt.timedelta(days=6) else monday + dt.timedelta(days=6)
    return monday, sunday


def week_label(monday: dt.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year:04d}-W{week:02d}"
