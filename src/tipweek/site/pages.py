"""The site's HTML: one layout, a tip, teasers, paginated lists, the home and search pages.

Every link is relative to the page it is on (`Here.to`), so the same files work opened from
the file system, at a domain's root or under any sub-path; only feeds and the canonical link
use the base URL. Tip text is data: every value goes through `esc` and the body through the
HTML export's Markdown renderer (raw HTML escaped, only http(s) and mailto links, images shown
as their alt text), so nothing in a tip can add markup, scripts or outside requests.
"""

from __future__ import annotations

import datetime as dt
import functools
import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tipweek.exporters._shared import is_web_link, long_date
from tipweek.exporters.html import esc, markdown_html
from tipweek.model import Tip
from tipweek.text import category_key, one_line

HOME = "index.html"
SEARCH = "search.html"
FEED = "feed.xml"
TIPS_JSON = "tips.json"
CATEGORIES = "categories/index.html"
ARCHIVE = "archive/index.html"
STYLE = "assets/style.css"
SCRIPT = "assets/search.js"
SEARCH_INDEX = "search-index.js"
UNDATED = "undated"


@dataclass(frozen=True)
class SiteOptions:
    """How the site looks and where it lives; `base_url` is only for feeds and canonical links."""

    title: str = "Tip of the Week"
    description: str = "One short customer-service tip a week."
    base_url: str = ""
    page_size: int = 10
    recent: int = 8
    feed_entries: int = 50
    author: str = "tipweek"


@dataclass(frozen=True)
class Site:
    options: SiteOptions
    names: Mapping[str, str]  # category key -> the name shown


def slug_of(key: str) -> str:
    return key or "other"


def tip_path(tip: Tip) -> str:
    from tipweek.text import slugify

    return f"tips/{slugify(tip.id)}.html"


def category_path(key: str, page: int = 1) -> str:
    return f"categories/{slug_of(key)}/" + ("index.html" if page == 1 else f"page-{page}.html")


def category_feed(key: str) -> str:
    return f"categories/{slug_of(key)}/feed.xml"


def year_path(year: str, page: int = 1) -> str:
    return f"archive/{year}/" + ("index.html" if page == 1 else f"page-{page}.html")


@dataclass(frozen=True)
class Here:
    """The page being written: makes links relative to it."""

    site: Site
    path: str

    def to(self, target: str) -> str:
        """`target` (a site path) as a link from this page, escaped for an attribute."""
        rel = posixpath.relpath(target, posixpath.dirname(self.path) or ".")
        return esc(rel)

    def absolute(self, target: str) -> str:
        base = self.site.options.base_url
        return base.rstrip("/") + "/" + target if base else ""


def _time(day: dt.date | None) -> str:
    return f'<time datetime="{day.isoformat()}">{esc(long_date(day))}</time>' if day else "Undated"


def _categories(here: Here, tip: Tip) -> str:
    links = []
    for name in tip.categories:
        key = category_key(name)
        shown = here.site.names.get(key, name)
        links.append(f'<a href="{here.to(category_path(key))}">{esc(one_line(shown))}</a>')
    return ", ".join(links)


def meta_line(here: Here, tip: Tip) -> str:
    parts = [_time(tip.date), _categories(here, tip)]
    return f'<p class="meta">{" · ".join(p for p in parts if p)}</p>'


def _excerpt_note(tip: Tip) -> str:
    source = one_line(tip.source)
    link = f' <a href="{esc(source)}">Read the original</a>.' if is_web_link(source) else ""
    return f'<p class="excerpt-note"><strong>Excerpt:</strong> only the start of this tip is known.{link}</p>'


def _foot(tip: Tip) -> str:
    lines = []
    if tip.tags:
        lines.append(
            '<ul class="tags" aria-label="Tags">'
            + "".join(f"<li>#{esc(one_line(t))}</li>" for t in tip.tags)
            + "</ul>"
        )
    source = one_line(tip.source)
    if source and not tip.excerpt:
        shown = f'<a href="{esc(source)}">{esc(source)}</a>' if is_web_link(source) else esc(source)
        lines.append(f'<p class="source">Source: {shown}</p>')
    if tip.author:
        lines.append(f'<p class="author">By {esc(one_line(tip.author))}</p>')
    return f'<footer class="tip-foot">{"".join(lines)}</footer>' if lines else ""


@functools.lru_cache(maxsize=1024)  # the home page shows the week's tip again
def body_html(body: str) -> str:
    return markdown_html(body, styles=None)


def tip_article(here: Here, tip: Tip, *, kicker: str = "") -> str:
    """A whole tip: title, date and categories, body (or the excerpt), takeaway, tags, source."""
    head = f'<p class="kicker">{esc(kicker)}</p>' if kicker else ""
    if tip.excerpt or not tip.body.strip():
        body = f"<p>{esc(one_line(tip.blurb))}</p>" + (_excerpt_note(tip) if tip.excerpt else "")
    else:
        body = body_html(tip.body)
    takeaway = (
        '<aside class="takeaway" aria-label="Takeaway"><p class="label">Takeaway</p>'
        f"<p>{esc(one_line(tip.takeaway))}</p></aside>"
        if tip.takeaway
        else ""
    )
    return (
        f'<article class="tip{" excerpt" if tip.excerpt else ""}">{head}'
        f"<h1>{esc(one_line(tip.title))}</h1>{meta_line(here, tip)}"
        f'<div class="body">{body}</div>{takeaway}{_foot(tip)}</article>'
    )


def teaser(here: Here, tip: Tip, level: int = 2) -> str:
    """A tip in a list: linked title, date and categories, summary and "Read more"."""
    link = here.to(tip_path(tip))
    title = esc(one_line(tip.title))
    badge = ' <span class="badge">Excerpt</span>' if tip.excerpt else ""
    return (
        f'<article class="teaser"><h{level}><a href="{link}">{title}</a>{badge}</h{level}>'
        f"{meta_line(here, tip)}<p>{esc(one_line(tip.blurb))}</p>"
        f'<p class="more"><a href="{link}" aria-label="Read more: {title}">Read more</a></p></article>'
    )


def neighbours(here: Here, older: Tip | None, newer: Tip | None) -> str:
    if not (older or newer):
        return ""
    links = []
    if older:
        links.append(
            f'<a rel="prev" class="older" href="{here.to(tip_path(older))}">'
            f"<span>Older</span> {esc(one_line(older.title))}</a>"
        )
    if newer:
        links.append(
            f'<a rel="next" class="newer" href="{here.to(tip_path(newer))}">'
            f"<span>Newer</span> {esc(one_line(newer.title))}</a>"
        )
    return f'<nav class="neighbours" aria-label="Older and newer tips">{"".join(links)}</nav>'


def pagination(here: Here, paths: Sequence[str], index: int) -> str:
    """Newer/older links between the pages of one list (`index` counts from 0)."""
    if len(paths) < 2:
        return ""
    newer = f'<a rel="prev" href="{here.to(paths[index - 1])}">Newer tips</a>' if index > 0 else ""
    older = (
        f'<a rel="next" href="{here.to(paths[index + 1])}">Older tips</a>' if index + 1 < len(paths) else ""
    )
    return (
        f'<nav class="pagination" aria-label="Pages">{newer}'
        f"<span>Page {index + 1} of {len(paths)}</span>{older}</nav>"
    )


def list_page(
    here: Here, heading: str, tips: Sequence[Tip], paths: Sequence[str], index: int, feed: str = ""
) -> str:
    """One page of a paginated list of teasers (a category or a year)."""
    feed_link = f' · <a class="feed" href="{here.to(feed)}">Atom feed</a>' if feed else ""
    count = f"Page {index + 1} of {len(paths)}" if len(paths) > 1 else f"{len(tips)} tips"
    intro = f'<p class="lead">{esc(count)}{feed_link}</p>'
    body = "".join(teaser(here, t) for t in tips)
    return f"<h1>{esc(heading)}</h1>{intro}{body}{pagination(here, paths, index)}"


def home(here: Here, week: Tip, kicker: str, recent: Sequence[Tip]) -> str:
    more = "".join(teaser(here, t, level=3) for t in recent)
    section = (
        f'<section class="recent" aria-labelledby="recent"><h2 id="recent">Recent tips</h2>{more}'
        f'<p class="more"><a href="{here.to(ARCHIVE)}">Every tip, year by year</a></p></section>'
        if recent
        else ""
    )
    return tip_article(here, week, kicker=kicker) + section


def index_list(here: Here, heading: str, rows: Sequence[tuple[str, str, int]]) -> str:
    """A heading and a list of (label, site path, count) links: the categories or the years."""
    items = "".join(
        f'<li><a href="{here.to(path)}">{esc(label)}</a> <span class="count">{count}</span></li>'
        for label, path, count in rows
    )
    return f'<h1>{esc(heading)}</h1><ul class="index">{items}</ul>'


def search_page(here: Here) -> str:
    return (
        "<h1>Search</h1>"
        f'<form class="search" role="search" action="{here.to(SEARCH)}" method="get">'
        '<label for="q">Words from a title, a category, a tag or a summary</label>'
        '<div class="row"><input id="q" name="q" type="search" autocomplete="off">'
        '<button type="submit">Search</button></div></form>'
        '<p id="status" class="lead" role="status" aria-live="polite"></p>'
        '<ol id="results" class="results"></ol>'
        f'<noscript><p>Search needs JavaScript. Browse the <a href="{here.to(ARCHIVE)}">archive</a> '
        f'or the <a href="{here.to(CATEGORIES)}">categories</a> instead.</p></noscript>'
        f'<script src="{here.to(SEARCH_INDEX)}"></script><script src="{here.to(SCRIPT)}"></script>'
    )


def layout(
    here: Here, title: str, main: str, *, description: str = "", feeds: Sequence[tuple[str, str]] = ()
) -> str:
    """The whole document around a page's main content."""
    options = here.site.options
    site_title = esc(one_line(options.title))
    full_title = site_title if not title else f"{esc(one_line(title))} · {site_title}"
    alternates = "".join(
        f'<link rel="alternate" type="application/atom+xml" title="{esc(label)}" href="{here.to(path)}">'
        for label, path in ((f"{options.title}", FEED), *feeds)
    )
    canonical = here.absolute(here.path)
    head_extra = f'<link rel="canonical" href="{esc(canonical)}">' if canonical else ""
    current = ' aria-current="page"'
    nav = "".join(
        f'<a href="{here.to(path)}"{current if path == here.path else ""}>{label}</a>'
        for label, path in (("Archive", ARCHIVE), ("Categories", CATEGORIES), ("Search", SEARCH))
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{full_title}</title>
<meta name="description" content="{esc(one_line(description or options.description))}">
<meta name="generator" content="tipweek">
<link rel="stylesheet" href="{here.to(STYLE)}">
{alternates}{head_extra}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site"><div class="wrap"><a class="brand" href="{here.to(HOME)}">{site_title}</a>
<nav aria-label="Site">{nav}</nav></div></header>
<main id="main" class="wrap">
{main}
</main>
<footer class="site"><div class="wrap"><p>{esc(one_line(options.description))}</p>
<p><a href="{here.to(FEED)}">Atom feed</a> · <a href="{here.to(TIPS_JSON)}">All tips as JSON</a>
 · Made with tipweek</p>
</div></footer>
</body>
</html>
"""
