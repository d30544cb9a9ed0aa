"""Small pieces every document format shows the same way."""

from __future__ import annotations

import datetime as dt

from tipweek.model import Tip
from tipweek.text import one_line

WIDTH = 72  # plain-text line length: fits every mail reader and terminal


def long_date(day: dt.date | None) -> str:
    """`Tuesday 3 November 2026`: unambiguous in every locale, unlike 11/03/26."""
    return f"{day:%A} {day.day} {day:%B %Y}" if day else ""


def meta(tip: Tip) -> str:
    """The date and categories on one line, as data (control characters removed)."""
    parts = [long_date(tip.date), ", ".join(one_line(c) for c in tip.categories)]
    return " · ".join(p for p in parts if p)


def is_web_link(value: str) -> bool:
    """Only http(s) addresses become links; anything else in a tip stays text."""
    value = value.strip()
    return value.lower().startswith(("http://", "https://")) and len(value.split()) == 1
