"""The schedule as an iCalendar file (RFC 5545), for the trainer's calendar.

One all-day event per week, from its Monday to the next Monday (DTEND is exclusive), free
time (TRANSP:TRANSPARENT) so it never blocks a meeting. The UID is made from the week and
the category filter only, never from the tip: importing next month's file again updates each
week's event (a tip moved or a rotation pick changed) instead of adding a second one. A week
with a dated tip is CONFIRMED; a rotation pick is TENTATIVE, since adding tips can change it.
Written and tested with the `icalendar` package.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from tipweek.dates import week_label
from tipweek.text import one_line

if TYPE_CHECKING:
    from tipweek.model import Tip
    from tipweek.select import Pick

PRODID = "-//tipweek//Tip of the Week schedule//EN"
UID_DOMAIN = "tipweek.invalid"  # RFC 2606: a domain that is nobody's, as RFC 5545 asks for one


def uid(monday: dt.date, category: str | None = None) -> str:
    scope = f".{category}" if category else ""
    return f"{week_label(monday)}{scope}@{UID_DOMAIN}"


def _description(tip: Tip, url: str) -> str:
    lines = [one_line(tip.blurb)]
    if tip.takeaway:
        lines += ["", f"Takeaway: {one_line(tip.takeaway)}"]
    lines += ["", f"Read it: {url}" if url else f"Read it: tip show {tip.id}"]
    return "\n".join(lines)


def calendar(
    picks: Sequence[Pick],
    *,
    now: dt.datetime,
    name: str = "Tip of the Week",
    category: str | None = None,
    tip_url: Callable[[Tip], str] | None = None,
) -> bytes:
    """The picks as a VCALENDAR; `now` is the DTSTAMP (when this file was made)."""
    from icalendar import Calendar, Event

    stamp = now.astimezone(dt.UTC) if now.tzinfo else now.replace(tzinfo=dt.UTC)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", one_line(name))
    for pick in picks:
        tip = pick.tip
        url = tip_url(tip) if tip_url else ""
        event = Event()
        event.add("uid", uid(pick.start, category))
        event.add("dtstamp", stamp)
        event.add("dtstart", pick.start)
        event.add("dtend", pick.start + dt.timedelta(days=7))
        event.add("summary", f"Tip of the week: {one_line(tip.title)}")
        event.add("description", _description(tip, url))
        if tip.categories:
            event.add("categories", [one_line(c) for c in tip.categories])
        if url:
            event.add("url", url)
        event.add("status", "CONFIRMED" if pick.scheduled else "TENTATIVE")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return bytes(cal.to_ical())
