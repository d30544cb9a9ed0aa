"""Blog archive pages saved as plain text (the shape is described in the archive format note).

A page is a header line naming the archive's category or tag, teaser entries (a dated title and
the cut start of the post ending in "Read more"), then full posts (a title, a "Posted on … in
<categories>" line and the body). What becomes of them:

- A teaser is an excerpt: its summary is the teaser up to its last whole sentence, then "…"
  (never a word cut in half).
- A full post keeps its body, minus the site's closing promotion; a short closing line becomes
  the takeaway and leaves the body; its summary is its first sentence, or its first two when
  the first is only a hook.
- The header names a category, or a tag when it is in lower case (a tag archive: blogs write
  tags in lower case, and the posts on such pages list other categories); the site's name is
  the tips' `publisher` (their `source` is left for a link, which the pages do not give).
- No-break and other odd spaces become plain spaces; curly quotes are kept.

Saved pages vary with the blog's theme and the browser, so the parser also reads: character
references, other date forms (in the title, or on a line of its own under it), other "Read
more" links, `Category:`/`Tag:` headers and first pages without a page number, and it leaves
page furniture (menus, sharing buttons, comments, sidebars, footers, page links) out of tips,
keeping the categories and tags printed under a post. A page saved as HTML is first turned
into that text (`PageText`): its `<title>` is the header line.

Every such choice is recorded for `tip import --dry-run` to show. The parser never raises on
odd input: whatever it cannot place becomes a problem with a line.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tipweek.importers.base import PLACEHOLDER, ImportResult, add_categories
from tipweek.model import Tip, TipValueError, tip_from_dict
from tipweek.sentences import cut_teaser, opening
from tipweek.text import category_key, clean, fold, slugify, unite_categories, unix_lines

NAME = "archive"
SUFFIXES: tuple[str, ...] = ()

# `Government | Site - Page 16`; also `Category: Government Archives | Site – Page 2 of 9` and a
# first page, which has no page number (sniffed only with an entry in sight: `looks_like_page`).
HEADER = re.compile(
    r"^(?P<name>\S.*?)\s+\|\s+(?P<site>\S.*?)(?:\s+[-–—|]\s+Page\s+(?P<page>\d{1,9})(?:\s+of\s+\d{1,9})?)?\s*$",
    re.I,
)
ARCHIVE_KIND = re.compile(r"^(?:(?P<kind>category|tag|topic)\s*:\s*)?(?P<name>.*?)(?:\s+archives?)?$", re.I)
MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# The date forms a title or a "Posted on" line may end with: 3/4/25, 3/4/2025, 2025-03-04,
# March 4, 2025, Mar. 4th 2025 and 4 March 2025.
DATE = (
    r"\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2}"
    rf"|{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH},?\s+\d{{4}}"
)
# `Title - 3/4/25`: the teaser's publication date (a hyphen, tolerating an en or em dash).
TITLE_DATE = re.compile(rf"^(?P<title>.*?\S)\s+[-–—|]\s+(?P<date>{DATE})\s*$", re.I)
# `Title – 9/2/14 TOW`: a tip-of-the-week date, with an en dash or a hyphen.
TITLE_TOW = re.compile(rf"^(?P<title>.*?\S)\s+[-–—]\s*(?P<date>{DATE})\s+TOW\s*$", re.I)
# `Blog 5-6-19When …`: a date at the start of a body, often glued to the first word.
BLOG_DATE = re.compile(
    r"^Blog\s+(?P<m>\d{1,2})([-/.])(?P<d>\d{1,2})\2(?:(?P<y4>(?:19|20)\d\d)(?!\d)|(?P<y2>\d\d))\s*"
)
POSTED = re.compile(r"^Posted\s+(?P<when>(?:on|by)\b.*?)?\bin\b(?P<rest>.*)$", re.I)
COMMENTS = re.compile(
    r"\s*(?:(?:please\s+)?leave\s+a\s+(?:comment|reply)|(?:\d+|no|one)\s+comments?|comments?\s*\(\d+\)"
    r"|comments?\s+(?:are\s+)?(?:off|closed)(?:\s+on\s+\S.*)?)\s*$",
    re.I,
)
# How a teaser ends: "Read more", "Read More »", "Continue reading →" (WordPress adds the post's
# title: "Continue reading Title →"), "Keep reading", "Read the full post", "(more…)", "[…]".
READ_MORE = re.compile(
    r"\s*(?:\bRead\s+more|\bContinue\s+reading(?:\s+\S[^\n]{0,200}?(?=\s*[»›→]))?|\bKeep\s+reading"
    r"|\bRead\s+(?:the\s+)?(?:full|rest)(?:\s+(?:of\s+the\s+)?(?:post|article|story|tip|entry))?"
    r"|\(\s*more\s*(?:…|\.\.\.)?\s*\)|\[\s*(?:…|\.\.\.)\s*\])\s*(?:[»›→….]|>>|&gt;)*\s*$",
    re.I,
)
# No-break, figure, narrow and other fixed-width spaces: plain spaces in imported text.
SPACES = str.maketrans(
    dict.fromkeys("\u00a0\u2007\u202f\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u3000", " ")
)
# Characters a saved page may hold that no reader wants: zero-width ones and soft hyphens.
INVISIBLE = str.maketrans(dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad"))
# Named and numeric character references (`&amp;`, `&#8217;`) left in text copied from a page's
# source; only with their closing semicolon, so "AT&T" and "R&D" stay as they are.
ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});", re.I)
# Page furniture that a browser's "save as text" keeps around the posts: menus, sharing buttons,
# comment forms, sidebar widgets, footers. A block that starts with one ends a post.
FURNITURE = re.compile(
    r"^(?:skip\s+to\s+(?:main\s+)?content|(?:primary\s+|main\s+|toggle\s+)?menu|search(?:\s+for)?\s*:?"
    r"|search\s*(?:…|\.\.\.)|share\s+this(?:\s+(?:post|tip|article|page))?\s*:?|like\s+this\s*:?"
    r"|like\s+loading\s*(?:…|\.\.\.)?|related(?:\s+posts|\s+articles)?\s*:?|leave\s+a\s+(?:reply|comment)\b.*"
    r"|cancel\s+reply|posts?\s+navigation|recent\s+(?:posts|comments)|archives|categories|tags|tag\s+cloud"
    r"|meta|blogroll|log\s+in|entries\s+(?:feed|rss)|comments\s+(?:feed|rss)|(?:proudly\s+)?powered\s+by\b.*"
    r"|back\s+to\s+top|follow\s+us\b.*|your\s+email\s+address\s+will\s+not\s+be\s+published.*"
    r"|required\s+fields\s+are\s+marked.*|(?:\d+|one|two|three)\s+(?:thoughts?|responses?|repl(?:y|ies)|comments?)"
    r"\s+(?:on|to)\s+[“\"‘'«].*|[«‹←]?\s*(?:previous|next)\s+(?:post|article)\s*(?:[:»›→].*)?|privacy\s+policy|cookie\s+(?:policy|settings)"
    r"|.*\ball\s+rights\s+reserved\b.*|(?:copyright|©)\s.*)$",
    re.I,
)
# Lines under a post naming its categories and tags.
TRAILING = re.compile(
    r"^(?:(?P<posted>posted\s+in)|this\s+entry\s+was\s+posted\s+in|filed\s+under|categori[sz]ed\s+(?:in|as)"
    r"|categories\s*:|tags\s*:|tagged(?:\s+with)?)\s*:?\s*(?P<list>[^|.]*)",
    re.I,
)
BULLET = re.compile(r"^\s*[•◦▪‣●○■□·*+-]\s+(?P<text>\S.*)$")
NUMBERED = re.compile(r"^\s*(?P<n>\d{1,3})[.)]\s+(?P<text>\S.*)$")
URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
# Site promotion that ends many posts, whatever the site: book and guide plugs, "interested in…",
# "did you like this post?", subscribe and share lines, "first appeared on".
PROMO = re.compile(
    r"^(?:(?:read|download|get|grab|order|buy|pre-?order|check\s+out)\s+(?:our|my)\s+"
    r"(?:(?:new|latest|free|recent)\s+)*(?:guide|book|e-?book|white\s*paper|report|newsletter|course|webinar"
    r"|podcast|article|checklist)"
    r"|(?:are\s+you\s+)?interested\s+in\b"
    r"|did\s+you\s+(?:like|enjoy|find)\s+this"
    r"|here\s+are\s+(?:some\s+)?(?:other|more)\b"
    r"|(?:other|more|related)\s+(?:\S+\s+){0,4}posts?\s*:"
    r"|(?:subscribe|sign\s+up)\s+(?:to|for)\b"
    r"|(?:follow|share|like)\s+(?:us|this)\b"
    r"|you\s+(?:may|might)\s+also\s+(?:like|enjoy)"
    r"|(?:this|the)\s+(?:post|article|tip)\s+(?:was\s+)?(?:originally\s+|first\s+)?(?:appeared|posted|published)"
    r"|click\s+here|want\s+(?:more\b|to\s+(?:learn|know|read|see)\s+more)|(?:please\s+)?contact\s+us\s+(?:at|today|now|to|for)"
    r"|call\s+us\s+(?:at|today|now)|visit\s+(?:us|our)\b|for\s+more\s+(?:information|info|tips|details|ideas)\b"
    r"|(?:to\s+)?learn\s+more\s+(?:at|about\s+(?:our|us|how\s+we))\b|see\s+more\b|about\s+the\s+author"
    r"|(?:get|order|grab|download)\s+(?:your|a|the)\s+(?:free\s+)?(?:copy|guide|e-?book|book|checklist)"
    r"|(?:book|schedule)\s+(?:a|your)\s+(?:free\s+)?(?:workshop|training|consultation|demo|call)"
    r"|join\s+our\s+(?:mailing|newsletter|list|community)"
    r"|(?:copyright|©))",
    re.I,
)
# The end of a promotion that introduces a list of the blog's other posts.
RELATED_LEAD = re.compile(r"\b(?:posts?|articles?|blog\s+entries|stories)\s*:", re.I)
SMALL_WORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "for",
        "in",
        "of",
        "on",
        "or",
        "the",
        "to",
        "v",
        "vs",
        "via",
        "with",
    }
)
MAX_TITLE = 300
MAX_TAKEAWAY = 200
SCAN_TAIL = 12


def sniff(text: str) -> bool:
    """An archive page's first line is `<archive name> | <site> - Page <N>` (a first page has
    no page number: then a dated title or a "Posted on" line must follow soon). A page saved as
    HTML has that line as its `<title>`."""
    if is_html(text):
        header = HEADER.match(html_title(text))
        if not header:
            return False
        return bool(header.group("page")) or sniff(html_page_text(text)[0])
    lines = prepare(text[:20_000]).lstrip("\n").split("\n")
    header = HEADER.match(lines[0].strip())
    if not header:
        return False
    return bool(header.group("page")) or any(
        TITLE_DATE.match(line.strip()) or TITLE_TOW.match(line.strip()) or POSTED.match(line.strip())
        for line in lines[1:80]
    )


# --- pages saved as HTML ("Save page as…", single-file pages) --------------------------------

HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|meta|title)\b", re.I | re.S)
TITLE_OPEN = re.compile(r"<title\b[^>]{0,500}>", re.I)
TITLE_CLOSE = re.compile(r"</title\s*>", re.I)
# Elements that are never a tip's text, and the parts of a page (by class, id or role) that
# hold menus, sidebars, sharing buttons, comments and footers.
SKIP_TAGS = frozenset(
    {
        "title",
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "math",
        "iframe",
        "object",
        "canvas",
        "form",
        "button",
        "select",
        "textarea",
        "nav",
        "aside",
        "head",
        "video",
        "audio",
        "map",
    }
)
SKIP_PART = re.compile(
    r"^(?:widget\S*|\S*sidebar\S*|secondary|comments?(?:-area|-list|-respond|-title)?|respond|comment-respond"
    r"|\S*sharing\S*|sharedaddy|share\S*|social\S*|\S*related\S*|\S*navigation|nav-links|pagination|page-numbers"
    r"|\S*menu\S*|breadcrumbs?|cookie\S*|skip-link|site-header|masthead|site-footer|colophon|site-info"
    r"|footer-widgets?|search\S*|addtoany\S*|newsletter\S*|subscribe\S*|author-(?:bio|box|info)|ads?|advert\S*"
    r"|page-header|archive-(?:header|description|title)|taxonomy-description|banner|contentinfo|complementary)$",
    re.I,
)
NEVER_SKIPPED = frozenset({"html", "body", "main", "article"})
BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "blockquote",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "ul",
        "details",
        "summary",
    }
)
# Inline parts of a post's meta line that themes print side by side with no space between.
META_PARTS = re.compile(
    r"^(?:cat-links|tags?-links|comments?-link|posted-on|byline|author|entry-date)$", re.I
)
# Far more elements than any archive page of ten posts has (a few thousand): past it, a page is
# junk, or a trap, and the rest of it is not read.
MAX_TAGS = 100_000
VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)


def is_html(text: str) -> bool:
    """A web page rather than text: it starts with a doctype, `<html>`, `<head>` or `<title>`."""
    return bool(HTML_START.match(text[:4096].lstrip("\ufeff")))


def html_title(text: str) -> str:
    """The page's `<title>`, wherever it is (a single-file page may inline megabytes before it)."""
    start = TITLE_OPEN.search(text)
    end = TITLE_CLOSE.search(text, start.end()) if start else None
    if not start or not end:
        return ""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", "", text[start.end() : end.start()][:2000])).split())


class TooManyTags(Exception):
    """Raised inside `PageText` to stop reading a page with more than `MAX_TAGS` elements."""


class PageText:
    """A saved web page as the archive text format: its `<title>` as the header line, then its
    blocks (headings, paragraphs, list items as bullets, table rows) separated by blank lines,
    without scripts, styles, menus, sidebars, sharing buttons, comments and footers."""

    def __init__(self) -> None:
        from html.parser import HTMLParser

        outer = self

        class Parser(HTMLParser):
            def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
                outer.start(tag, dict(attrs))

            def handle_endtag(self, tag: str) -> None:
                outer.end(tag)

            def handle_data(self, data: str) -> None:
                outer.data(data)

        self.parser = Parser(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping: tuple[str, int] | None = None  # (tag, depth) of the element left out
        self.lists: list[int] = []  # one counter per open list: -1 for bullets, else the number
        self.pre = 0
        self.tags = 0
        self.stopped = ""  # why the page was not read to its end

    def convert(self, markup: str) -> str:
        try:
            self.parser.feed(defuse(markup))
            self.parser.close()
        except TooManyTags:
            self.stopped = f"the page has more than {MAX_TAGS:,} HTML elements; the rest was not read"
        except (AssertionError, ValueError, IndexError) as exc:  # html.parser gives up on some junk
            self.stopped = f"the page's HTML is broken ({exc}); the rest was not read"[:200]
        text = "".join(self.out)
        lines = [re.sub(r"\s*\|(?:\s*\|)*\s*", " | ", line).strip(" |") for line in text.split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n") + "\n"

    def skipped(self, tag: str, attrs: dict[str, str | None]) -> bool:
        if tag in SKIP_TAGS:
            return True
        if tag in NEVER_SKIPPED or tag in VOID_TAGS:
            return False
        parts = f"{attrs.get('class') or ''} {attrs.get('id') or ''} {attrs.get('role') or ''}".split()
        return any(SKIP_PART.match(part) for part in parts)

    def start(self, tag: str, attrs: dict[str, str | None]) -> None:
        self.tags += 1
        if self.tags > MAX_TAGS:
            raise TooManyTags
        if self.skipping:
            if tag == self.skipping[0]:
                self.skipping = (tag, self.skipping[1] + 1)
            return
        if self.skipped(tag, attrs):
            self.skipping = (tag, 1)
            return
        self.open(tag, attrs)

    def open(self, tag: str, attrs: dict[str, str | None]) -> None:
        if tag in ("li", "tr", "td", "th", "br"):
            self.out.append(self.item_start(tag))
            return
        if tag in ("ul", "ol"):
            self.lists.append(-1 if tag == "ul" else 0)
            if len(self.lists) > 1:
                return  # a list inside a list item: its items join the outer list
        elif tag == "pre":
            self.pre += 1
        elif tag == "span" and any(META_PARTS.match(p) for p in (attrs.get("class") or "").split()):
            self.out.append(" | ")
            return
        if tag in BLOCK_TAGS:
            self.out.append("\n\n")

    def item_start(self, tag: str) -> str:
        """What starts a list item (a bullet, or its number), a table row or cell, a line break."""
        if tag == "li":
            number = self.lists[-1] + 1 if self.lists and self.lists[-1] >= 0 else -1
            if number > 0:
                self.lists[-1] = number
            return f"\n{number}. " if number > 0 else "\n• "
        if tag == "tr":
            return "\n• "
        if tag == "br":
            return "\n"
        return " – " if self.out and not self.out[-1].endswith("• ") else ""

    def end(self, tag: str) -> None:
        if self.skipping:
            name, depth = self.skipping
            if tag == name:
                self.skipping = (name, depth - 1) if depth > 1 else None
            return
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            if self.lists:
                return
        if tag == "pre":
            self.pre = max(0, self.pre - 1)
        if tag in BLOCK_TAGS:
            self.out.append("\n\n")

    def data(self, data: str) -> None:
        if self.skipping:
            return
        self.out.append(data if self.pre else re.sub(r"\s+", " ", data))


def html_page_text(markup: str) -> tuple[str, str]:
    """The page's text, headed by its title (see `PageText`), and why it was not read to its
    end ("" when it was): more than `MAX_TAGS` elements (no archive page has that many), or
    markup the parser gives up on."""
    converter = PageText()
    body = converter.convert(markup)
    return f"{html_title(markup)}\n\n{body}", converter.stopped


def defuse(markup: str) -> str:
    """The markup with every `<` that opens no tag (another `<` comes before its `>`) written
    as `&lt;`: html.parser rescans from each such `<` to the end, which on junk like
    `<a<a<a…` takes time quadratic in the page's size."""
    out: list[str] = []
    last, opened = 0, -1
    for match in re.finditer(r"[<>]", markup):
        if match.group() == ">":
            opened = -1
            continue
        if opened >= 0:
            out += [markup[last:opened], "&lt;"]
            last = opened + 1
        opened = match.start()
    if opened >= 0:
        out += [markup[last:opened], "&lt;"]
        last = opened + 1
    out.append(markup[last:])
    return "".join(out)


def prepare(text: str) -> str:
    """The page's text as the parser reads it: LF line ends, character references decoded, odd
    spaces plain, invisible characters gone, nothing that could drive a terminal."""
    text = unix_lines(text)
    if "&" in text:
        text = ENTITY.sub(lambda m: html.unescape(m.group()), text)
    return clean(text).translate(SPACES).translate(INVISIBLE)


def two_digit_year(yy: int) -> int:
    # Two-digit years: 00–69 are 2000–2069 and 70–99 are 1970–1999 (the POSIX strptime pivot).
    return 2000 + yy if yy < 70 else 1900 + yy


def make_date(month: str, day: str, year: str) -> dt.date | None:
    """A real date from US month/day/year parts (two- or four-digit year), else None."""
    try:
        y = int(year)
        return dt.date(two_digit_year(y) if len(year) <= 2 else y, int(month), int(day))
    except (ValueError, OverflowError):
        return None


MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def loose_date(text: str) -> dt.date | None:
    """A date in one of the forms of `DATE` (US order for the numeric one), else None."""
    text = " ".join(text.replace(",", " ").replace(".", " ").split()).lower()
    numeric = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})", text)
    if numeric:
        return make_date(*numeric.groups())
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if iso:
        return make_date(iso.group(2), iso.group(3), iso.group(1))
    named = re.fullmatch(r"([a-z]+) (\d{1,2})(?:st|nd|rd|th)? (\d{4})", text) or re.fullmatch(
        r"(\d{1,2})(?:st|nd|rd|th)? ([a-z]+) (\d{4})", text
    )
    if not named:
        return None
    month, day = (named.group(1), named.group(2)) if named.group(1).isalpha() else named.group(2, 1)
    if month[:3] not in MONTHS:
        return None
    return make_date(str(MONTHS.index(month[:3]) + 1), day, named.group(3))


def canonical_category(name: str) -> str:
    """`customer service` → `Customer Service`; names with capitals are already as intended."""
    name = " ".join(name.split())
    if name != name.lower():
        return name
    words = name.split(" ")
    return " ".join(w if (i and w in SMALL_WORDS) else w[:1].upper() + w[1:] for i, w in enumerate(words))


@dataclass
class Block:
    """Consecutive non-blank lines; `line` is the 1-based line number of the first."""

    line: int
    lines: list[str]

    @property
    def first(self) -> str:
        return self.lines[0].strip()

    @property
    def last(self) -> str:
        return self.lines[-1].strip()

    @property
    def ending(self) -> str:
        """The last two lines as one: a "Read more" link may be wrapped onto a line of its own."""
        return " ".join(line.strip() for line in self.lines[-2:])

    @property
    def single(self) -> bool:
        return len(self.lines) == 1 and len(self.first) <= MAX_TITLE


PAGE_OF = re.compile(
    r"(?:pages?\s*:?\s*)?\d{1,9}\s+of\s+\d{1,9}|load\s+more(?:\s+posts)?|page\s+\d{1,9}\s+of\s+\d{1,9}", re.I
)
PAGE_WORDS = r"\b(?:previous|prev|next|older|newer)(?:\s+(?:page|posts|entries|articles))?\b"
PAGE_WORD = re.compile(PAGE_WORDS, re.I)
PAGE_LINK = re.compile(PAGE_WORDS + r"|\bpages?\s*:|[«»‹›←→|]|\.\.\.|…|\d+|\s", re.I)


def is_pagination(line: str) -> bool:
    """`« Previous 1 2 … 7 8 Next »`, `Older posts`, `Page 2 of 9`: page links, not a tip."""
    text = line.strip()
    if PAGE_OF.fullmatch(text):
        return True
    return bool(PAGE_WORD.search(text)) and not PAGE_LINK.sub("", text)


def is_furniture(line: str) -> bool:
    """A line of the page around the posts (menu, sharing, comments, sidebar, footer)."""
    return bool(FURNITURE.match(line.strip())) or is_pagination(line)


def is_title_line(line: str) -> bool:
    """A line that can be a post's title: short, and not ending like a sentence or a clause."""
    text = line.strip()
    return 0 < len(text) <= 150 and text[-1:] not in ".,;:" and not is_furniture(text)


def is_menu(block: Block) -> bool:
    """Short lines with no sentence in them: a menu, a widget's list of links, a stray label."""
    return all(len(line.strip()) <= 60 and line.strip()[-1:] not in ".!?" for line in block.lines)


def trailing_meta(line: str) -> tuple[list[str], list[str]] | None:
    """Categories and tags from a line some themes print under a post ("Posted in A, B | Tagged
    c | Leave a comment", "Filed under: A", "Tags: c, d"); None for any other line."""
    text = line.strip()
    match = TRAILING.match(text)
    if not match or (match.group("posted") and "|" not in text):
        return None
    categories: list[str] = []
    tags: list[str] = []
    for piece in re.split(r"\s+\|\s+|\s{2,}", text):
        part = COMMENTS.sub("", piece).strip()
        tagged = re.match(r"^(?:tags|tagged(?:\s+with)?)\s*:?\s*(?P<list>.*)$", part, re.I)
        filed = TRAILING.match(part)
        if tagged:
            tags += [t.strip() for t in tagged.group("list").split(",") if t.strip()]
        elif filed and filed.group("list"):
            categories += [canonical_category(c) for c in filed.group("list").split(",") if c.strip()]
    return categories, tags


def split_blocks(lines: Sequence[str], start: int) -> list[Block]:
    """Runs of non-blank lines. Pages saved without some blank lines read the same: a dated
    title and a "Posted on" line start blocks of their own, and a "Read more" link on a line
    of its own, after a blank line, still ends the teaser before it."""
    blocks: list[Block] = []
    current: Block | None = None
    for number, line in enumerate(lines[start:], start=start + 1):
        if not line.strip():
            current = None
            continue
        if is_pagination(line):  # a block of its own: page links end the post above them
            blocks.append(Block(number, [line.rstrip()]))
            current = None
            continue
        if current is None and blocks and READ_MORE.fullmatch(" " + line.strip()):
            blocks[-1].lines.append(line.rstrip())
            continue
        if current is None or POSTED.match(line.strip()):  # "Posted on" always starts a block
            current = Block(number, [])
            blocks.append(current)
        current.lines.append(line.rstrip())
        if TITLE_DATE.match(line.strip()) or TITLE_TOW.match(line.strip()):
            current = None  # a dated title is a block of its own, blank line or not
    return blocks


def unwrap(blocks: list[Block]) -> list[Block]:
    """Undo the wrapping of a page saved as text at a fixed width (72 columns, as some
    browsers do): a title wrapped over two or three lines (before its date, or before its
    "Posted on" line) and a "Posted on" line wrapped before its comment count are one line."""
    for i, block in enumerate(blocks):
        before_post = i + 1 < len(blocks) and bool(POSTED.match(blocks[i + 1].first))
        unwrap_title(block, before_post)
        if POSTED.match(block.first) and len(block.lines) > 1 and not COMMENTS.search(block.first):
            unwrap_posted(block)
    return blocks


def unwrap_title(block: Block, before_post: bool) -> None:
    if not 1 < len(block.lines) <= 3 or any(len(line.strip()) < 40 for line in block.lines[:-1]):
        return
    joined = " ".join(line.strip() for line in block.lines)
    ends_title = TITLE_DATE.match(joined) or TITLE_TOW.match(joined)
    if (ends_title or before_post) and len(joined) <= MAX_TITLE and is_title_line(block.lines[0]):
        block.lines = [joined]


def unwrap_posted(block: Block) -> None:
    for size in (2, 3):
        joined = " ".join(line.strip() for line in block.lines[:size])
        if len(block.lines) >= size and COMMENTS.search(joined) and len(block.lines[size - 1]) <= 72:
            block.lines[:size] = [joined]
            return


def split_title(raw: str) -> tuple[str, dt.date | None, str]:
    """Strip a trailing ` - M/D/YY` (or another date form) and ` – M/D/YY TOW` from a title;
    returns (title, date, problem)."""
    title, date, problem = raw.strip(), None, ""
    for pattern in (TITLE_DATE, TITLE_TOW):
        match = pattern.match(title)
        if match:
            title = match.group("title").strip()
            found = loose_date(match.group("date"))
            if found is None:
                problem = f"'{match.group('date')}' is not a real date; the tip is imported undated"
            date = found or date  # a TOW date, checked second, wins: it is the tip's own week
    return title, date, problem


def block_paragraphs(block: Block) -> list[str]:
    """A block as Markdown paragraphs: bullet lines become list items, other lines are joined."""
    groups: list[tuple[bool, list[str]]] = []
    for line in block.lines:
        bullet, numbered = BULLET.match(line), NUMBERED.match(line)
        if bullet:
            item = "- " + bullet.group("text").strip()
        elif numbered:
            item = f"{numbered.group('n')}. " + numbered.group("text").strip()
        else:
            item = ""
        is_item = bool(item)
        text = " ".join((item or line).split())
        if not is_item and groups and groups[-1][0] and line[:1].isspace():
            groups[-1][1][-1] += " " + text  # an indented line under an item: the item, wrapped
            continue
        if groups and groups[-1][0] == is_item:
            groups[-1][1].append(text)
        else:
            groups.append((is_item, [text]))
    return [("\n" if is_item else " ").join(texts) for is_item, texts in groups]


def is_promo(paragraph: str) -> bool:
    text = fold(paragraph).strip()
    if PROMO.match(text):
        return True
    if "\n" in text or len(text) > 300:
        return False
    # A short line that is, or points at, a web address: "See more at …", a bare URL.
    return bool(URL.search(text))


def is_link_like(paragraph: str) -> bool:
    """A short line without a full stop: a post title in a "related posts" list."""
    text = paragraph.strip()
    return "\n" not in text and len(text) <= 120 and not text.endswith((".", "!", ":", ";", "”", '"'))


def strip_boilerplate(paragraphs: list[str]) -> list[str]:
    """Drop the trailing run of site promotion (and the related-post links that follow it).
    A promotion that leads into a list of other posts ("Here are other … posts:") ends the
    post, however long the list after it."""
    tail = range(max(0, len(paragraphs) - SCAN_TAIL), len(paragraphs))
    lead = next((k for k in tail if RELATED_LEAD.search(paragraphs[k]) and is_promo(paragraphs[k])), None)
    paragraphs = paragraphs[:lead] if lead is not None else paragraphs
    cut = len(paragraphs)
    for index in range(len(paragraphs) - 1, max(-1, len(paragraphs) - 1 - SCAN_TAIL), -1):
        paragraph = paragraphs[index]
        if is_promo(paragraph):
            cut = index
        elif not is_link_like(paragraph):
            break
    return paragraphs[:cut]


def sentence_count(text: str) -> int:
    return len(re.findall(r"[.!?…]+[\"”’')\]]*(?=\s|$)", text.strip()))


def closing_takeaway(paragraphs: list[str]) -> str:
    """The body's last paragraph when it is short (one or two sentences): the tip in a line."""
    if not paragraphs:
        return ""
    last = paragraphs[-1].strip()
    if "\n" in last or len(last) > MAX_TAKEAWAY or len(last.split()) < 3:
        return ""
    if BULLET.match(last) or NUMBERED.match(last) or URL.search(last):
        return ""
    if not re.search(r"[.!?…][\"”’')\]]*$", last) or sentence_count(last) > 2:
        return ""
    return last


def parse_posted(line: str) -> tuple[list[str], dt.date | None, str]:
    """The categories (and any date and author) of a `Posted on … in A, B  N Comments` line."""
    match = POSTED.match(line)
    if not match:
        return [], None, ""
    rest = COMMENTS.sub("", match.group("rest").split(" | ")[0])
    categories = [canonical_category(c.strip()) for c in rest.split(",") if c.strip()]
    when = " ".join((match.group("when") or "").split())
    author = re.search(r"\bby\s+(?P<who>.+?)(?=\s+on\b|$)", when)
    date = re.search(r"\bon\s+(?P<day>.+?)(?=\s+by\b|$)", when)
    return categories, loose_date(date.group("day")) if date else None, author.group("who") if author else ""


DATELINE = re.compile(
    rf"(?:(?:posted|published|written)(?:\s+on)?\s+)?(?P<date>{DATE})(?:\s+by\s+(?P<author>[^|]{{1,80}}?))?",
    re.I,
)
BYLINE = re.compile(rf"by\s+(?P<author>[^|]{{1,80}}?)\s*(?:on\s|[·•–—-])?\s*(?P<date>{DATE})", re.I)


def dateline(line: str) -> tuple[dt.date, str] | None:
    """A line between a title and its text that only dates it (and may name the author):
    `March 4, 2025`, `Posted on 3/4/25 by Lena`, `By Lena on 2025-03-04`; else None."""
    if len(line) > 200 or not any(c.isdigit() for c in line):
        return None
    text = " ".join(COMMENTS.sub("", line.strip()).strip(" |·•-–—").replace(" | ", " ").split())
    match = DATELINE.fullmatch(text) or BYLINE.fullmatch(text)
    if not match:
        return None
    date = loose_date(match.group("date"))
    return (date, (match.group("author") or "").strip()) if date else None


class Page:
    """One archive page being read: its header, its entries, and the problems found.

    Entries are read first and finished together (`finish`), because what the header names
    (a category, or a tag) is decided from the whole page."""

    def __init__(self, text: str, source: str) -> None:
        self.source = source
        self.lines = prepare(text).split("\n")
        self.result = ImportResult()
        self.header = ""
        self.site = ""
        self.kind = ""  # "category" or "tag" when the header says so ("Tag: …")
        self.entries: list[Entry] = []
        self.furniture = 0  # blocks of menus, sharing buttons, comments and sidebars left out

    def problem(self, line: int | None, message: str) -> None:
        self.result.problems.append((line, message))

    def read(self) -> ImportResult:
        start = next((i for i, line in enumerate(self.lines) if line.strip()), None)
        if start is None:
            self.problem(None, "empty file")
            return self.result
        header = HEADER.match(self.lines[start].strip())
        if not header:
            self.problem(
                start + 1,
                "not an archive page: the first line should be '<archive name> | <site> - Page <N>'",
            )
            return self.result
        named = ARCHIVE_KIND.match(" ".join(header.group("name").split()))
        self.header = named.group("name") if named and named.group("name") else header.group("name")
        self.kind = (named.group("kind") or "").lower().replace("topic", "category") if named else ""
        self.site = " ".join(header.group("site").split())
        self.walk(unwrap(split_blocks(self.lines, start + 1)))
        self.finish()
        return self.result

    # Where entries start: a one-line title, then a "Posted on" line, a date line, or a teaser.
    def is_title(self, block: Block) -> bool:
        return block.single and not is_furniture(block.first) and trailing_meta(block.first) is None

    def is_post(self, blocks: list[Block], i: int) -> bool:
        if i + 1 >= len(blocks) or not self.is_title(blocks[i]):
            return False
        meta = blocks[i + 1].first
        if POSTED.match(meta):
            return trailing_meta(meta) is None
        return dateline(meta) is not None and len(blocks[i + 1].lines) == 1

    def is_teaser(self, blocks: list[Block], i: int) -> bool:
        if i + 1 >= len(blocks) or not self.is_title(blocks[i]) or POSTED.match(blocks[i + 1].first):
            return False
        if READ_MORE.search(blocks[i + 1].ending):
            return not blocks[i].first.endswith(".") or bool(TITLE_DATE.match(blocks[i].first))
        # A dated title whose teaser lost its "Read more": the next entry (or the end) follows.
        after = i + 2
        return bool(TITLE_DATE.match(blocks[i].first)) and (
            after >= len(blocks)
            or self.is_post(blocks, after)
            or (
                after + 1 < len(blocks)
                and blocks[after].single
                and bool(READ_MORE.search(blocks[after + 1].ending))
            )
        )

    def starts(self, blocks: list[Block], i: int) -> bool:
        return self.is_post(blocks, i) or self.is_teaser(blocks, i)

    def walk(self, blocks: list[Block]) -> None:
        i = 0
        while i < len(blocks):
            if self.is_post(blocks, i):
                end = i + 2
                while end < len(blocks) and not self.starts(blocks, end):
                    end += 1
                self.post(blocks[i], blocks[i + 1], blocks[i + 2 : end])
                i = end
            elif self.is_teaser(blocks, i):
                self.teaser(blocks[i], blocks[i + 1])
                i += 2
            else:
                self.stray(blocks[i])
                i += 1

    def stray(self, block: Block) -> None:
        """Text outside any tip: page furniture is left out quietly, anything else is reported.
        A title glued to its teaser (saved without the blank line) is still a teaser."""
        if len(block.lines) > 1 and READ_MORE.search(block.ending) and is_title_line(block.first):
            self.teaser(Block(block.line, block.lines[:1]), Block(block.line + 1, block.lines[1:]))
            return
        if is_furniture(block.first) or trailing_meta(block.first) is not None or is_menu(block):
            self.furniture += 1
            return
        snippet = " ".join(block.first.split())[:40]
        self.problem(block.line, f"skipped text that is not part of a tip: '{snippet}'")

    def title(self, block: Block, entry: Entry) -> tuple[str, dt.date | None]:
        title, date, problem = split_title(block.first)
        if problem:
            self.problem(block.line, problem)
        if date:
            entry.chose(f"date {date.isoformat()}: from the title")
        return title, date

    def teaser(self, title_block: Block, text_block: Block, entry: Entry | None = None) -> None:
        entry = entry or Entry(title_block.line)
        entry.data["excerpt"] = True
        title, date = self.title(title_block, entry)
        raw = READ_MORE.sub("", " ".join(line.strip() for line in text_block.lines))
        # A teaser that ends in "…" is cut by the blog, not at a sentence's end: its last words
        # go, as for any teaser, so that the summary ends at a whole sentence.
        summary, how = cut_teaser(re.sub(r"\s*(?:…|\.\.\.)\s*$", "", raw))
        entry.data.update(title=title, date=date or entry.data.get("date"), summary=summary)
        entry.chose(f"excerpt: a teaser; summary: {how}")
        self.entries.append(entry)

    def post(self, title_block: Block, posted: Block, body_blocks: list[Block]) -> None:
        entry = Entry(title_block.line)
        body_blocks = self.without_furniture(body_blocks, entry)
        listed, posted_date, author = parse_posted(posted.first)
        if not POSTED.match(posted.first):
            posted_date, author = dateline(posted.first) or (None, "")
        entry.data.update(author=author, listed=[*listed, *entry.data.get("listed", [])])
        if posted_date:
            entry.data["date"] = posted_date
        extra = [Block(posted.line + 1, posted.lines[1:])] if len(posted.lines) > 1 else []
        text_blocks = [*extra, *body_blocks]
        if 0 < len(text_blocks) <= 3 and READ_MORE.search(text_blocks[-1].ending):
            # A teaser under a date or "Posted on" line (of one paragraph, or a few): an excerpt.
            lines = [line for block in text_blocks for line in block.lines]
            self.teaser(title_block, Block(text_blocks[0].line, lines), entry)
            return
        title, date = self.title(title_block, entry)
        paragraphs = [p for block in (*extra, *body_blocks) for p in block_paragraphs(block)]
        date = self.post_date(entry, date, take_blog_date(paragraphs), posted_date)
        kept = strip_boilerplate(paragraphs)
        if len(kept) < len(paragraphs):
            entry.chose(f"left out {len(paragraphs) - len(kept)} closing paragraph(s) of site promotion")
        if not kept:
            self.problem(title_block.line, f"'{title}': the post has no text")
            return
        entry.data.update(title=title, date=date, **body_and_takeaway(kept, entry))
        self.entries.append(entry)

    @staticmethod
    def post_date(
        entry: Entry, date: dt.date | None, blog_date: dt.date | None, posted_date: dt.date | None
    ) -> dt.date | None:
        """The title's date, else the body's `Blog M-D-YY`, else the "Posted on" line's."""
        if not date and blog_date:
            entry.chose(f"date {blog_date.isoformat()}: from 'Blog M-D-YY' at the start of the body")
            return blog_date
        if not date and posted_date:
            entry.chose(f"date {posted_date.isoformat()}: from the 'Posted on' line")
            return posted_date
        if not date:
            entry.chose("no date found: undated")
        return date

    def without_furniture(self, blocks: list[Block], entry: Entry) -> list[Block]:
        """The post's blocks up to the first piece of page furniture (sharing buttons, the
        comments, a sidebar); categories and tags printed under the post are kept."""
        cut = next((k for k, b in enumerate(blocks) if is_furniture(b.first) or trailing_meta(b.first)), None)
        if cut is None:
            return blocks
        for line in (line for block in blocks[cut:] for line in block.lines):
            meta = trailing_meta(line)
            if meta:
                entry.data.setdefault("listed", []).extend(meta[0])
                entry.data.setdefault("tags", []).extend(meta[1])
        entry.chose(
            f"left out {len(blocks) - cut} block(s) of page furniture after the post (menus, comments)"
        )
        self.furniture += len(blocks) - cut
        return blocks[:cut]

    def finish(self) -> None:
        """Give every entry the header's name (as a category, or as a tag when the page is a tag
        archive) and the site as its publisher, and make the tips."""
        as_tag = self.is_tag_archive()
        for entry in self.entries:
            listed = entry.data.pop("listed", [])
            tags = list(dict.fromkeys(entry.data.pop("tags", [])))
            if as_tag:
                categories = list(unite_categories(listed))
                tags = [self.header, *(t for t in tags if t.casefold() != self.header.casefold())]
                why = "says 'Tag:'" if self.kind == "tag" else "is in lower case"
                entry.chose(f"tag '{self.header}': the page header {why}, a tag archive")
            else:
                categories = list(unite_categories(listed, [canonical_category(self.header)]))
                entry.chose(f"category '{canonical_category(self.header)}': from the page header")
            if not categories:
                categories = [PLACEHOLDER]
                entry.chose(f"category '{PLACEHOLDER}': no category is known for it")
            entry.data.update(categories=categories, tags=tags, publisher=self.site)
            self.add(entry)

    def is_tag_archive(self) -> bool:
        """A header in lower case names a tag archive (blogs write tags in lower case and
        categories capitalised), unless the page's own posts list it among their categories.
        A header that says which it is ("Tag: …", "Category: …") is taken at its word."""
        if self.kind:
            return self.kind == "tag"
        if self.header != self.header.lower() or not any(c.isalpha() for c in self.header):
            return False
        key = category_key(self.header)
        return not any(key in {category_key(c) for c in e.data.get("listed", [])} for e in self.entries)

    def add(self, entry: Entry) -> None:
        data = {k: v for k, v in entry.data.items() if v not in (None, "", [])}
        try:
            tip: Tip = tip_from_dict(data, id=slugify(str(data.get("title", ""))), path=self.source)
        except TipValueError as exc:
            self.problem(entry.line, f"'{data.get('title', '')}': {exc}")
            return
        self.result.tips.append(tip)
        self.result.choices += [(tip.title, choice) for choice in entry.choices]


@dataclass
class Entry:
    """A tip being read: its first line, its fields so far, and the choices made reading it."""

    line: int
    data: dict[str, Any] = field(default_factory=dict)
    choices: list[str] = field(default_factory=list)

    def chose(self, choice: str) -> None:
        self.choices.append(choice)


def take_blog_date(paragraphs: list[str]) -> dt.date | None:
    """Remove a `Blog M-D-YY` date from the start of the body (it is often glued to the first
    word) and return it."""
    if not paragraphs:
        return None
    blog = BLOG_DATE.match(paragraphs[0])
    if not blog:
        return None
    paragraphs[0] = paragraphs[0][blog.end() :].strip()
    if not paragraphs[0]:
        paragraphs.pop(0)
    return make_date(blog.group("m"), blog.group("d"), blog.group("y4") or blog.group("y2"))


def body_and_takeaway(paragraphs: list[str], entry: Entry) -> dict[str, str]:
    """The body, its summary and takeaway: a short closing paragraph becomes the takeaway and
    leaves the body (shown once, set apart); the summary is the post's opening."""
    takeaway = closing_takeaway(paragraphs) if len(paragraphs) > 1 else ""
    if takeaway:
        paragraphs = paragraphs[:-1]
        entry.chose(f"takeaway: the closing line '{shorten(takeaway)}' (taken out of the body)")
    else:
        entry.chose("takeaway: none (the closing paragraph is not one short sentence or two)")
    summary, how = opening(paragraphs)
    if not summary:
        summary, how = fallback_summary(paragraphs, takeaway)
    entry.chose(f"summary: {how}")
    return {"body": "\n\n".join(paragraphs), "takeaway": takeaway, "summary": summary}


def fallback_summary(paragraphs: list[str], takeaway: str) -> tuple[str, str]:
    """A summary for a post that opens with no whole sentence of prose (a list, a lead-in
    ending in a colon): its takeaway, else the sentences of its list, else its start, cut at a
    whole word, then "…"."""
    if takeaway:
        return takeaway, "the takeaway (the post opens with no whole sentence)"
    items = [re.sub(r"^(?:- |\d{1,3}\. )", "", line) for p in paragraphs for line in p.split("\n")]
    listed, _ = opening([" ".join(items)])
    if listed:
        return listed, "the opening of its list (the post has no sentence of prose)"
    cut, _ = cut_teaser(" ".join(" ".join(items).split()[:60]) + " x")
    return cut, "its start, cut at a whole word (the post has no whole sentence)"


def shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def parse(text: str, source: str, *, categories: Sequence[str] = ()) -> ImportResult:
    """Read one archive page; `categories` are added to every tip on it."""
    stopped = ""
    if is_html(text):
        text, stopped = html_page_text(text)
    result = Page(text, source).read()
    if stopped:
        result.problems.append((None, stopped))
    if categories:
        result.tips = [add_categories(t, categories) for t in result.tips]
    return result
