"""An Atom feed (RFC 4287) of tips, for feed readers and for `tip import` on another machine.

Written with the standard library's ElementTree rather than a feed package: an Atom document
is a dozen elements, ElementTree escapes every value, and the one package that writes Atom
(feedgen) pulls in lxml. The tests read every feed back with feedparser.

What each tip becomes, and why:
- `id`: `urn:uuid:` from the tip's id (UUID 5), so moving the site to another address never
  makes readers show every tip again as new.
- `published` and `updated`: the tip's date at 12:00 UTC, which every time zone from UTC-11 to
  UTC+11 shows as the same day (a tip has a date, not a time). Undated tips are left out: a
  feed is a timeline.
- `summary`: the one or two sentences a reader shows in a list; `content`: the body as HTML
  (escaped, like the HTML export) and the takeaway as a last "Takeaway:" paragraph. An excerpt
  has no `content` (only its start is known), and then a link to the page is required.
- `category`: one per category; tags are categories with the scheme `TAG_SCHEME`, so an import
  can tell them apart. The tip's own source is a `via` link.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tipweek.exporters._shared import is_web_link
from tipweek.exporters.base import ExportFormat
from tipweek.model import Tip
from tipweek.text import clean, one_line

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from tipweek.exporters.base import ExportOptions

ATOM_NS = "http://www.w3.org/2005/Atom"
#: The scheme of categories that are really tags.
TAG_SCHEME = "urn:tipweek:tag"
#: Names the documents this module writes, so an import knows how to read them back.
GENERATOR = "tipweek"
_UUID_NS = "5f1d7c2e-6a43-4e0b-9d7e-2b8c1a0f4e61"  # ids are UUID 5 names in this namespace
# Characters XML 1.0 cannot hold at all (not even escaped): most C0 controls, lone surrogates,
# U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class FeedInfo:
    """The feed itself: what it is called and where it and the tips' pages live.

    `self_url` and `site_url` may be relative (then resolved against the feed's own address,
    as RFC 4287 allows); `tip_url` gives a tip's page, or "" when there is none.
    """

    title: str = "Tips of the Week"
    subtitle: str = ""
    key: str = "feed"  # what the feed's id is made from: the same key gives the same id
    self_url: str = ""
    site_url: str = ""
    author: str = "tipweek"
    tip_url: Callable[[Tip], str] | None = None
    updated: dt.date | None = None  # for a feed without entries


def _urn(name: str) -> str:
    import uuid

    return f"urn:uuid:{uuid.uuid5(uuid.UUID(_UUID_NS), name)}"


def entry_id(tip: Tip) -> str:
    return _urn("tip:" + tip.id)


def feed_id(key: str) -> str:
    return _urn("feed:" + key)


def stamp(day: dt.date) -> str:
    """RFC 3339 at noon UTC: the same calendar day almost everywhere a reader lives."""
    return f"{day.isoformat()}T12:00:00Z"


def xml_text(value: str) -> str:
    """Text XML can hold: control characters and unpaired surrogates removed."""
    return _NOT_XML.sub("", clean(value))


def _add(parent: Element, tag: str, text: str = "", **attrs: str) -> Element:
    from xml.etree import ElementTree as ET

    element = ET.SubElement(parent, tag, {k.rstrip("_"): xml_text(v) for k, v in attrs.items() if v})
    if text:
        element.text = xml_text(text)
    return element


@functools.lru_cache(maxsize=1024)  # a site's feeds show each tip several times
def content_html(tip: Tip) -> str:
    """The body as HTML (raw HTML in a tip escaped, unsafe links unlinked) and the takeaway."""
    import html

    from tipweek.exporters.html import markdown_html

    parts = [markdown_html(tip.body, styles=None)]
    if tip.takeaway:
        parts.append(f"<p><strong>Takeaway:</strong> {html.escape(one_line(tip.takeaway))}</p>\n")
    return "".join(parts)


def _entry(feed: Element, tip: Tip, info: FeedInfo) -> None:
    assert tip.date is not None
    entry = _add(feed, "entry")
    _add(entry, "id", entry_id(tip))
    _add(entry, "title", one_line(tip.title), type="text")
    _add(entry, "published", stamp(tip.date))
    _add(entry, "updated", stamp(tip.date))
    if tip.author:
        _add(_add(entry, "author"), "name", one_line(tip.author))
    page = info.tip_url(tip) if info.tip_url else ""
    source = one_line(tip.source)
    if page:
        _add(entry, "link", rel="alternate", type="text/html", href=page)
    if source and is_web_link(source):
        _add(entry, "link", rel="via" if page else "alternate", href=source)
    for category in tip.categories:
        _add(entry, "category", term=one_line(category))
    for tag in tip.tags:
        _add(entry, "category", term=one_line(tag), scheme=TAG_SCHEME)
    _add(entry, "summary", one_line(tip.blurb), type="text")
    has_link = bool(page) or (bool(source) and is_web_link(source))
    if not tip.excerpt or not has_link:  # an entry without content must link somewhere (4.1.2)
        _add(entry, "content", content_html(tip) if tip.body.strip() else one_line(tip.blurb), type="html")


def render(tips: Sequence[Tip], info: FeedInfo) -> str:
    """The feed document, newest tip first; undated tips are left out."""
    from xml.etree import ElementTree as ET

    from tipweek import __version__

    dated = sorted((t for t in tips if t.date), key=lambda t: (t.date, t.id), reverse=True)
    feed = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": "en"})
    _add(feed, "id", feed_id(info.key))
    _add(feed, "title", one_line(info.title), type="text")
    if info.subtitle:
        _add(feed, "subtitle", one_line(info.subtitle), type="text")
    newest = dated[0].date if dated else (info.updated or dt.date(1970, 1, 1))
    assert newest is not None
    _add(feed, "updated", stamp(newest))
    _add(_add(feed, "author"), "name", one_line(info.author) or GENERATOR)
    _add(feed, "generator", GENERATOR, version=__version__)
    if info.self_url:
        _add(feed, "link", rel="self", type="application/atom+xml", href=info.self_url)
    if info.site_url:
        _add(feed, "link", rel="alternate", type="text/html", href=info.site_url)
    for tip in dated:
        _entry(feed, tip, info)
    ET.indent(feed, space="  ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def export(tips: Sequence[Tip], options: ExportOptions) -> str:
    """`tip export --format atom`: the chosen tips as a feed with no site around it."""
    return render(tips, FeedInfo(title=options.heading, key="export"))


FORMAT = ExportFormat("atom", (), "application/atom+xml", export)
