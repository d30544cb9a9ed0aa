"""RSS 2.0 and Atom feeds: how most old blogs can be exported, and what `tip site build` writes.

feedparser reads the feed (it copes with the broken XML real blogs produce, and removes scripts
and other active content from posts), markdownify turns each post's HTML into Markdown. A post
becomes a tip like this:

- title, date (as written in the feed, in its own time zone: a post of Monday 23:30 at -05:00
  is Monday's), categories (or the `--category` ones, or "Imported"), author;
- body: the post's content; a last paragraph starting "Takeaway:" becomes the takeaway;
- excerpt: an Atom entry with a summary and no content, or an RSS item whose only text ends in
  "[…]", "…" or "Read more" (blogs cut teasers that way) keeps only its summary;
- source: the post's link. Feeds written by tipweek link their own site's pages, so there the
  tip's source is the `via` link and a tip without one has none: a site's feed imported back
  gives the same tips. Categories with the tag scheme are tags.
- publisher: the feed's title (the blog's name), except in tipweek's own feeds.

A file saved from a browser that shows the feed as text inside a web page is read too.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from tipweek.importers.base import PLACEHOLDER, ImportResult, add_categories
from tipweek.model import Tip, TipValueError, tip_from_dict
from tipweek.text import derive_summary, one_line, slugify

NAME = "feed"
SUFFIXES: tuple[str, ...] = (".rss", ".atom", ".xml")
DEFAULT_CATEGORIES = (PLACEHOLDER,)
TAG_SCHEME = "urn:tipweek:tag"  # as `exporters.atom` writes it
_ROOT = re.compile(r"<(?:rss|feed|rdf:RDF)\b", re.I)
_ESCAPED_ROOT = re.compile(r"&lt;(?:rss|feed|rdf:RDF)\b", re.I)
# How blogs end a teaser: "[…]", "…", "Read more", "Continue reading".
_TEASER_END = re.compile(
    r"(?:\[\s*(?:…|\.\.\.)\s*\]|…|\.\.\.|\bread\s+more\W*|\bcontinue\s+reading\W*)\s*$", re.I
)
# A last paragraph "Takeaway: …" (bold or not), after at least one other paragraph.
_TAKEAWAY = re.compile(r"\n\n(?:\*\*|__)?Takeaway(?::(?:\*\*|__)?|(?:\*\*|__)?:)\s+(?P<text>[^\n]+)$", re.I)


def sniff(text: str) -> bool:
    """An RSS, Atom or RDF root element near the start, raw or escaped inside a saved page."""
    head = text.lstrip("\ufeff \t\r\n")[:4000]
    return bool(_ROOT.search(head) and not head.lower().startswith("<!doctype html")) or bool(
        _ESCAPED_ROOT.search(head)
    )


def _unwrap(text: str) -> str:
    """The feed itself: a page that shows the feed's source as text gives back that text."""
    head = text.lstrip("\ufeff \t\r\n")[:4000]
    if _ROOT.search(head) and not head.lower().startswith("<!doctype html"):
        return text.lstrip("\ufeff \t\r\n")
    from html import unescape
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=False)
            self.parts: list[str] = []

        def handle_data(self, data: str) -> None:
            self.parts.append(data)

        def handle_entityref(self, name: str) -> None:
            self.parts.append(f"&{name};")

        def handle_charref(self, name: str) -> None:
            self.parts.append(f"&#{name};")

    page = Text()
    page.feed(text)
    shown = "".join(page.parts)
    start = _ESCAPED_ROOT.search(shown) or re.search(r"&lt;\?xml", shown)
    return unescape(shown[start.start() :] if start else shown).strip()


def _date(entry: Any) -> dt.date | None:
    """The day as the feed wrote it (its own offset), else feedparser's UTC reading."""
    from email.utils import parsedate_to_datetime

    for key in ("published", "updated", "created"):
        raw = str(entry.get(key) or "").strip()
        if not raw:
            continue
        try:
            return dt.datetime.fromisoformat(raw.replace("Z", "+00:00")).date()
        except ValueError:
            pass
        try:
            return parsedate_to_datetime(raw).date()
        except (TypeError, ValueError, IndexError):
            pass
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            return dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
    return None


def _plain(value: str, kind: str) -> str:
    """Text from a title or summary that may be HTML."""
    if "html" not in kind:
        return one_line(value)
    from html import unescape

    return one_line(unescape(re.sub(r"<[^>]*>", " ", value)))


def to_markdown(html: str) -> str:
    """Post HTML as Markdown: ATX headings, `-` bullets, no stray blank lines or trailing spaces."""
    from markdownify import markdownify

    text = markdownify(html, heading_style="ATX", bullets="-", strip=["script", "style"])
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return _fewer_escapes(re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n"))


def _fewer_escapes(markdown: str) -> str:
    """markdownify escapes every `_` and `*`; keep only the escapes that change how a paragraph
    renders, so `When you ___` stays as a person would write it."""
    if "\\_" not in markdown and "\\*" not in markdown:
        return markdown
    from tipweek.exporters.html import markdown_html

    blocks = markdown.split("\n\n")
    for i, block in enumerate(blocks):
        plain = block.replace("\\_", "_").replace("\\*", "*")
        if plain != block and markdown_html(plain, None) == markdown_html(block, None):
            blocks[i] = plain
    return "\n\n".join(blocks)


def _content(entry: Any) -> tuple[str, bool]:
    """The post's body as Markdown, and whether the feed gave a body at all."""
    contents = entry.get("content") or []
    best = next((c for c in contents if "html" in c.get("type", "")), contents[0] if contents else None)
    if best is not None:
        value = str(best.get("value", ""))
        return (to_markdown(value) if "html" in best.get("type", "html") else value.strip()), True
    return "", False


def _terms(entry: Any) -> tuple[list[str], list[str]]:
    categories: list[str] = []
    tags: list[str] = []
    for tag in entry.get("tags") or []:
        name = one_line(str(tag.get("label") or tag.get("term") or ""))
        if name:
            (tags if tag.get("scheme") == TAG_SCHEME else categories).append(name)
    return categories, tags


def _links(entry: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for link in entry.get("links") or []:
        found.setdefault(str(link.get("rel", "alternate")), str(link.get("href", "")))
    return found


def _body_and_summary(entry: Any, is_atom: bool) -> dict[str, Any]:
    """body, summary, takeaway and excerpt of one post."""
    body, has_content = _content(entry)
    detail = entry.get("summary_detail")  # absent when feedparser only copied the content
    summary = _plain(str(entry.get("summary", "")), str(detail.get("type", ""))) if detail else ""
    if not has_content and detail:
        raw = str(entry.get("summary", ""))
        teaser = is_atom or bool(_TEASER_END.search(_plain(raw, "html")))
        if teaser:
            return {"body": "", "summary": _TEASER_END.sub("", summary).strip() or summary, "excerpt": True}
        body = to_markdown(raw) if "html" in str(detail.get("type", "")) else raw.strip()
        summary = ""
    takeaway = ""
    match = _TAKEAWAY.search(body)
    if match:
        takeaway, body = one_line(match.group("text")), body[: match.start()].rstrip()
    if summary and summary == derive_summary(body):
        summary = ""  # only the start of the body: not worth storing
    return {"body": body, "summary": summary, "takeaway": takeaway, "excerpt": False}


def _tip(
    entry: Any, ours: bool, is_atom: bool, source: str, extra: Sequence[str], publisher: str = ""
) -> Tip:
    detail = entry.get("title_detail") or {}
    title = _plain(str(entry.get("title", "")), str(detail.get("type", "")))
    categories, tags = _terms(entry)
    links = _links(entry)
    link = links.get("via", "") if ours else (links.get("alternate") or str(entry.get("link", "")))
    author = entry.get("author_detail") or {}
    data: dict[str, Any] = {
        "title": title,
        "categories": categories or [c for c in extra if c.strip()] or list(DEFAULT_CATEGORIES),
        "tags": tags,
        "author": one_line(str(author.get("name") or "")),
        "publisher": publisher,
        "source": link if link.lower().startswith(("http://", "https://")) else "",
        **_body_and_summary(entry, is_atom),
    }
    day = _date(entry)
    if day:
        data["date"] = day
    data = {k: v for k, v in data.items() if v not in ("", [], None)}
    return tip_from_dict(data, id=slugify(title), path=source)


def parse(text: str, source: str, *, categories: Sequence[str] = ()) -> ImportResult:
    """Read every post of an RSS or Atom feed; a post that cannot be a tip is a problem."""
    import io

    import feedparser

    result = ImportResult()
    parsed = feedparser.parse(io.BytesIO(_unwrap(text).encode("utf-8")))
    if not parsed.entries:
        error = parsed.get("bozo_exception")
        line = error.getLineNumber() if hasattr(error, "getLineNumber") else None
        reason = f"not a readable RSS or Atom feed ({error})" if error else "the feed has no posts"
        result.problems.append((line, reason))
        return result
    ours = str((parsed.feed.get("generator_detail") or {}).get("name", "")) == "tipweek"
    is_atom = str(parsed.get("version", "")).startswith("atom")
    # The blog's name is the publisher; a tipweek site's own feed is our library coming back.
    publisher = "" if ours else one_line(str(parsed.feed.get("title", "")))
    seen: set[str] = set()
    for number, entry in enumerate(parsed.entries, start=1):
        key = str(entry.get("id") or entry.get("link") or "")
        if key and key in seen:
            continue  # the same post twice in one feed
        seen.add(key)
        try:
            tip = _tip(entry, ours, is_atom, source, categories, publisher)
        except TipValueError as exc:
            result.problems.append((None, f"post {number}: {exc}"))
            continue
        result.tips.append(add_categories(tip, categories))
    return result
