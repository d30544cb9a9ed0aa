"""Planning the site: which pages exist, what each one shows, and the key it is rebuilt on."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

from tipweek.dates import week_label, week_of
from tipweek.exporters._shared import long_date
from tipweek.model import Tip
from tipweek.site import pages as P
from tipweek.site.pages import Here, Site, SiteOptions
from tipweek.site.writer import Page, page_key, write_pages
from tipweek.text import category_key, one_line

#: Bump when the pages' HTML changes, so every page is rendered again after an upgrade.
SITE_FORMAT = 2


@dataclass(frozen=True)
class SiteReport:
    out: Path
    tips: int
    pages: int
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]


def base_url(value: str) -> str:
    """An absolute http(s) address for the site, ending in one slash; "" stays "" (relative)."""
    from urllib.parse import urlsplit

    from tipweek.errors import BadInput
    from tipweek.text import shown

    value = value.strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise BadInput(
            f"not a site address: '{shown(value)}'", hint="write it like https://tips.example.org/team/"
        )
    return value.rstrip("/") + "/"


def published(tips: Sequence[Tip], as_of: dt.date) -> list[Tip]:
    """The tips on the site on `as_of`: undated ones and those dated up to that week's Sunday,
    newest first, undated last."""
    _, sunday = week_of(as_of)
    shown = [t for t in tips if t.date is None or t.date <= sunday]
    return sorted(shown, key=lambda t: (t.date is not None, t.date or dt.date.min, t.id), reverse=True)


def _names(tips: Sequence[Tip]) -> dict[str, str]:
    names: dict[str, str] = {}
    for tip in tips:
        for name in tip.categories:
            names.setdefault(category_key(name), one_line(name))
    return names


def _chunks(tips: Sequence[Tip], size: int) -> list[Sequence[Tip]]:
    return [tips[i : i + size] for i in range(0, len(tips), size)] or [[]]


def _data(tips: Sequence[Tip]) -> list[dict[str, object]]:
    return [t.to_json() for t in tips]


class _Planner:
    """Makes the `Page` list; `frame` is in every key (options, category names, versions)."""

    def __init__(self, tips: list[Tip], options: SiteOptions) -> None:
        from tipweek import __version__

        self.tips = tips
        self.options = options
        self.site = Site(options, _names(tips))
        self.frame = (SITE_FORMAT, __version__, asdict(options))

    def names_of(self, tips: Sequence[Tip]) -> list[str]:
        """The shown names of these tips' categories: the only names their pages depend on."""
        keys = {category_key(c) for t in tips for c in t.categories}
        return sorted(self.site.names[k] for k in keys)

    def html(self, path: str, data: object, title: str, make: Callable[[Here], str], **extra: object) -> Page:
        def render() -> bytes:
            here = Here(self.site, path)
            feeds = extra.get("feeds", ())
            description = str(extra.get("description", ""))
            return P.layout(here, title, make(here), description=description, feeds=feeds).encode()  # type: ignore[arg-type]

        return Page(path, page_key(self.frame, path, title, data, sorted(extra.items(), key=str)), render)

    def tip_pages(self) -> Iterator[Page]:
        for i, tip in enumerate(self.tips):
            older = self.tips[i + 1] if i + 1 < len(self.tips) else None
            newer = self.tips[i - 1] if i > 0 else None
            data = (tip.to_json(), _data([t for t in (older, newer) if t]), self.names_of([tip]))
            yield self.html(
                P.tip_path(tip),
                data,
                tip.title,
                lambda here, t=tip, o=older, n=newer: P.tip_article(here, t) + P.neighbours(here, o, n),  # type: ignore[misc]
                description=tip.blurb,
            )

    def listing(
        self, tips: Sequence[Tip], heading: str, path_of: Callable[[int], str], feed: str = ""
    ) -> Iterator[Page]:
        chunks = _chunks(tips, self.options.page_size)
        paths = [path_of(n + 1) for n in range(len(chunks))]
        feeds = ((f"{self.options.title}: {heading}", feed),) if feed else ()
        for index, chunk in enumerate(chunks):
            yield self.html(
                paths[index],
                (_data(chunk), paths, index, self.names_of(chunk)),
                heading if index == 0 else f"{heading}, page {index + 1}",
                lambda here, c=chunk, i=index: P.list_page(here, heading, c, paths, i, feed),  # type: ignore[misc]
                feeds=feeds,
            )

    def categories(self) -> Iterator[Page]:
        groups: dict[str, list[Tip]] = {}
        for tip in self.tips:
            for key in dict.fromkeys(category_key(c) for c in tip.categories):
                groups.setdefault(key, []).append(tip)
        rows = sorted(
            ((self.site.names[k], P.category_path(k), len(v)) for k, v in groups.items()),
            key=lambda row: row[0].casefold(),
        )
        yield self.html(P.CATEGORIES, rows, "Categories", lambda here: P.index_list(here, "Categories", rows))
        for key, tips in groups.items():
            name = self.site.names[key]
            yield from self.listing(tips, name, lambda n, k=key: P.category_path(k, n), P.category_feed(key))  # type: ignore[misc]
            yield self.feed(P.category_feed(key), tips, f"{self.options.title}: {name}", P.category_path(key))

    def archive(self) -> Iterator[Page]:
        years: dict[str, list[Tip]] = {}
        for tip in self.tips:
            years.setdefault(str(tip.date.year) if tip.date else P.UNDATED, []).append(tip)
        rows = [(y.capitalize(), P.year_path(y), len(v)) for y, v in years.items()]
        yield self.html(P.ARCHIVE, rows, "Archive", lambda here: P.index_list(here, "Archive", rows))
        for year, tips in years.items():
            heading = "Undated tips" if year == P.UNDATED else f"Tips of {year}"
            yield from self.listing(tips, heading, lambda n, y=year: P.year_path(y, n))  # type: ignore[misc]

    def feed(self, path: str, tips: Sequence[Tip], title: str, alternate: str) -> Page:
        from tipweek.exporters import atom

        base = self.options.base_url.rstrip("/")
        here = Here(self.site, path)

        def url(target: str) -> str:
            return f"{base}/{target}" if base else posixpath_rel(here, target)

        entries = [t for t in tips if t.date][: self.options.feed_entries]
        info = atom.FeedInfo(
            title=title,
            subtitle=self.options.description,
            key=f"{self.options.title}/{path}",
            self_url=url(path),
            site_url=url(alternate),
            author=self.options.author,
            tip_url=lambda t: url(P.tip_path(t)),
        )
        return Page(
            path,
            page_key(self.frame, path, title, _data(entries)),
            lambda: atom.render(entries, info).encode(),
        )

    def home(self, week: Tip, monday: dt.date, recent_count: int) -> Page:
        recent = [t for t in self.tips if t.id != week.id][:recent_count]
        kicker = f"Tip of the week {week_label(monday)} · from {long_date(monday)}"
        return self.html(
            P.HOME,
            (week.to_json(), kicker, _data(recent), self.names_of([week, *recent])),
            "",
            lambda here: P.home(here, week, kicker, recent),
            description=week.blurb,
        )

    def data_files(self) -> Iterator[Page]:
        tips_json = json.dumps(_data(self.tips), ensure_ascii=False, indent=2) + "\n"
        yield Page(P.TIPS_JSON, page_key(tips_json), tips_json.encode)
        index = [
            {
                "u": P.tip_path(t),
                "t": one_line(t.title),
                "d": t.iso_date or "",
                "c": [self.site.names.get(category_key(c), c) for c in t.categories],
                "s": one_line(t.blurb),
                "k": one_line(t.takeaway),
                "g": [one_line(g) for g in t.tags],
                "x": t.excerpt,
            }
            for t in self.tips
        ]
        script = "window.TIPWEEK_INDEX = " + json.dumps({"tips": index}, ensure_ascii=False) + ";\n"
        script = script.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        yield Page(P.SEARCH_INDEX, page_key(script), script.encode)
        yield self.html(P.SEARCH, (), "Search", P.search_page)
        for asset in (P.STYLE, P.SCRIPT):
            data = resources.files("tipweek.site").joinpath(asset).read_bytes()
            yield Page(asset, page_key(data.decode()), lambda d=data: d)  # type: ignore[misc]


def posixpath_rel(here: Here, target: str) -> str:
    import posixpath

    return posixpath.relpath(target, posixpath.dirname(here.path) or ".")


def build_site(
    tips: Sequence[Tip],
    out: Path,
    *,
    week: Tip,
    as_of: dt.date,
    options: SiteOptions | None = None,
    rebuild: bool = False,
) -> SiteReport:
    """Write the site for `as_of` into `out`; `week` is that week's tip (see `select`)."""
    options = options or SiteOptions()
    shown = published(tips, as_of)
    if week.id not in {t.id for t in shown}:
        shown = published([*shown, week], as_of)
    planner = _Planner(shown, options)
    monday, _ = week_of(as_of)
    plan: list[Page] = [
        planner.home(week, monday, options.recent),
        *planner.tip_pages(),
        *planner.categories(),
        *planner.archive(),
        planner.feed(P.FEED, shown, options.title, P.HOME),
        *planner.data_files(),
    ]
    report = write_pages(out, plan, rebuild=rebuild)
    return SiteReport(out, len(shown), len(plan), report.written, report.unchanged, report.removed)
