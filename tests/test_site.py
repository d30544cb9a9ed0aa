"""`tip site build`: a static site that works from disk, escapes tip text and rebuilds only changes."""

from __future__ import annotations

import datetime as dt
import json
import os
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import html5lib
import pytest
from tests.conftest import TODAY, Library

from tipweek.library import LibrarySource, bundled_path, load
from tipweek.select import tip_for_week
from tipweek.site import SiteOptions, build_site, published
from tipweek.site.writer import MANIFEST
from tipweek.store import MemoryStore


class Links(HTMLParser):
    """Every href and src of a page, and the scripts and style sheets it loads."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.assets: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        for name in ("href", "src", "action"):
            value = values.get(name)
            if value is None:
                continue
            self.links.append(value)
            if tag in ("script", "img", "iframe") or (tag == "link" and values.get("rel") == "stylesheet"):
                self.assets.append(value)


def links_of(page: Path) -> Links:
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def internal_target(page: Path, link: str) -> Path | None:
    """The file a relative link points to (query and fragment dropped); None for web links."""
    parts = urlsplit(link)
    if parts.scheme in ("http", "https", "mailto"):
        return None
    assert not parts.scheme, f"{page}: unexpected link scheme in {link!r}"
    assert not link.startswith("/"), f"{page}: root-relative link {link!r} breaks under a sub-path"
    if not parts.path:  # `#main`: a place on this page
        assert parts.fragment in links_of(page).ids, f"{page}: no id for {link!r}"
        return page.resolve()
    return (page.parent / unquote(parts.path)).resolve()


def bundled_tips() -> list:
    return load([LibrarySource("bundled", bundled_path())]).tips


@pytest.fixture(scope="module")
def bundled_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of the bundled library on the suite's pinned day."""
    out = tmp_path_factory.mktemp("site") / "public"
    tips = bundled_tips()
    week = tip_for_week(MemoryStore(tips), TODAY).tip
    build_site(tips, out, week=week, as_of=TODAY)
    return out


def html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_every_internal_link_resolves(bundled_site: Path) -> None:
    pages = html_pages(bundled_site)
    assert len(pages) > 60
    checked = 0
    for page in pages:
        for link in links_of(page).links:
            target = internal_target(page, link)
            if target is not None:
                assert target.is_file(), f"{page.relative_to(bundled_site)}: broken link {link}"
                assert target.is_relative_to(bundled_site.resolve())
                checked += 1
    assert checked > 1000


def test_nothing_is_fetched_from_elsewhere(bundled_site: Path) -> None:
    for page in html_pages(bundled_site):
        for asset in links_of(page).assets:
            assert internal_target(page, asset) is not None, f"{page}: loads {asset} from elsewhere"
    css = (bundled_site / "assets" / "style.css").read_text()
    assert "url(" not in css and "@import" not in css
    script = (bundled_site / "assets" / "search.js").read_text()
    assert "fetch(" not in script and "XMLHttpRequest" not in script and "innerHTML" not in script


def test_every_page_is_valid_html5(bundled_site: Path) -> None:
    parser = html5lib.HTMLParser(strict=True)
    for page in html_pages(bundled_site):
        parser.parse(page.read_bytes())  # raises ParseError on the first error


def test_only_published_tips_are_on_the_site(bundled_site: Path) -> None:
    tips = bundled_tips()
    later = [t for t in tips if t.date and t.date > TODAY + dt.timedelta(days=6 - TODAY.weekday())]
    shown = published(tips, TODAY)
    assert later and len(shown) == len(tips) - len(later)
    for tip in later:
        assert not (bundled_site / "tips" / f"{tip.id}.html").exists()
    for tip in shown:
        assert (bundled_site / "tips" / f"{tip.id}.html").is_file()
    data = json.loads((bundled_site / "tips.json").read_text())
    assert [d["id"] for d in data] == [t.id for t in shown]


def test_home_shows_the_week_tip_and_recent_teasers(bundled_site: Path) -> None:
    week = tip_for_week(MemoryStore(bundled_tips()), TODAY)
    home = (bundled_site / "index.html").read_text()
    assert "2026-W48" in home
    assert f"<h1>{week.tip.title}</h1>" in home
    assert home.count('class="teaser"') == SiteOptions().recent
    assert home.count(">Read more</a>") == SiteOptions().recent


def test_category_archive_is_paginated_with_read_more(bundled_site: Path) -> None:
    first = (bundled_site / "categories" / "empathy" / "index.html").read_text()
    second = (bundled_site / "categories" / "empathy" / "page-2.html").read_text()
    assert first.count('class="teaser"') == SiteOptions().page_size
    assert "Page 1 of 2" in first and 'rel="next" href="page-2.html"' in first
    assert 'rel="prev" href="index.html"' in second
    assert first.count(">Read more</a>") == SiteOptions().page_size
    assert 'href="feed.xml"' in first


def test_yearly_archives_hold_every_published_tip(bundled_site: Path) -> None:
    shown = published(bundled_tips(), TODAY)
    years = {t.date.year for t in shown if t.date}
    archive = (bundled_site / "archive" / "index.html").read_text()
    total = 0
    for year in years:
        assert f'href="{year}/index.html"' in archive
        for page in (bundled_site / "archive" / str(year)).glob("*.html"):
            total += page.read_text().count('class="teaser"')
    assert total == len(shown)


def test_the_feed_parses_and_links_to_the_pages(bundled_site: Path) -> None:
    feed = feedparser.parse((bundled_site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    shown = [t for t in published(bundled_tips(), TODAY) if t.date]
    assert [e.title for e in feed.entries] == [t.title for t in shown][: SiteOptions().feed_entries]
    first = feed.entries[0]
    assert first.published.startswith(shown[0].date.isoformat())
    assert {t.term for t in first.tags} >= set(shown[0].categories)
    assert (bundled_site / first.link).is_file()
    assert "<strong>Takeaway:</strong>" in first.content[0].value


def test_each_category_has_a_feed_of_its_own(bundled_site: Path) -> None:
    path = bundled_site / "categories" / "healthcare" / "feed.xml"
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo
    assert feed.entries and all("Healthcare" in {t.term for t in e.tags} for e in feed.entries)
    assert all((path.parent / e.link).resolve().is_file() for e in feed.entries)


def test_search_index_lists_every_page(bundled_site: Path) -> None:
    text = (bundled_site / "search-index.js").read_text()
    prefix = "window.TIPWEEK_INDEX = "
    assert text.startswith(prefix)
    index = json.loads(text[len(prefix) :].rstrip().rstrip(";"))
    assert len(index["tips"]) == len(published(bundled_tips(), TODAY))
    assert all((bundled_site / entry["u"]).is_file() for entry in index["tips"])


HOSTILE_TITLE = '<script>alert("title")</script> & "Quotes"'


@pytest.fixture
def hostile(library: Library) -> Library:
    library.add(
        HOSTILE_TITLE,
        "2026-11-10",
        ('<b onmouseover="x()">Bold</b> Category', "Empathy"),
        body=(
            'Plain start. <img src="http://tracker.example/p.gif" onerror="alert(1)">\n\n'
            "[click me](javascript:alert(2)) and ![pixel](http://tracker.example/q.gif)\n\n"
            "<script>alert(3)</script>"
        ),
        takeaway="</p><script>alert(4)</script>",
        tags=['"><svg onload=alert(5)>'],
        source="javascript:alert(6)",
        author="<i>Mallory</i>",
    )
    library.add("Calm Tip", "2026-11-17", ("Empathy",))
    return library


def test_tip_text_is_escaped_everywhere(run, hostile: Library, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run("site", "build", str(out))
    assert result.exit_code == 0, result.output
    for page in html_pages(out):
        text = page.read_text()
        assert "<script>alert" not in text and "onerror=" not in text.replace("onerror=&quot;", "")
        assert "<svg" not in text and "<b onmouseover" not in text and "<i>Mallory" not in text
        for link in links_of(page).links:
            assert not link.lower().startswith("javascript:"), f"{page}: {link}"
        for asset in links_of(page).assets:
            assert "tracker.example" not in asset
        html5lib.HTMLParser(strict=True).parse(page.read_bytes())
    tip_page = next((out / "tips").glob("script*.html"))
    text = tip_page.read_text()
    assert "&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; &amp; &quot;Quotes&quot;" in text
    assert "[pixel]" in text  # an image is shown as its alt text, never loaded
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not feed.bozo
    entry = next(e for e in feed.entries if "alert" in e.title)
    assert entry.title == HOSTILE_TITLE
    assert "<script" not in entry.content[0].value


def test_a_second_build_writes_nothing_and_keeps_time_stamps(run, sample: Library, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert run("site", "build", str(out)).exit_code == 0
    page = out / "tips" / "explain-the-wait.html"
    os.utime(page, (1_000_000, 1_000_000))
    result = run("site", "build", str(out))
    assert "(0 written," in result.stdout and "0 removed)" in result.stdout
    assert page.stat().st_mtime == 1_000_000


def test_a_changed_tip_rebuilds_its_pages_and_a_deleted_one_goes(
    run, sample: Library, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    assert run("site", "build", str(out)).exit_code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    sample.add(
        "Answer the Phone Awake",
        "2026-11-10",
        ("Phone & Email",),
        takeaway="Breathe out before you pick up.",
        tags=["phone"],
    )
    (sample.root / "2026" / "2026-11-03-greet-the-second-customer.toml").unlink()
    result = run("site", "build", str(out))
    assert result.exit_code == 0
    assert not (out / "tips" / "greet-the-second-customer.html").exists()
    assert "Breathe out" in (out / "tips" / "answer-the-phone-awake.html").read_text()
    changed = {p for p, data in before.items() if p.exists() and p.read_bytes() != data}
    untouched = out / "tips" / "explain-the-wait.html"
    assert untouched not in changed  # the newest tip: neither it nor its neighbour changed
    assert (out / "categories" / "phone-email" / "feed.xml") in changed  # the feed shows takeaways
    assert (out / "categories" / "phone-email" / "index.html") not in changed  # teasers do not
    assert (out / "tips.json") in changed
    # Greet was the only tip in Empathy: its page, the category's page and feed go, and the folder.
    assert "3 removed)" in result.stdout
    assert not (out / "categories" / "empathy").exists()
    assert (out / "categories" / "service-recovery" / "index.html").is_file()


def test_future_tips_wait_for_their_week(run, sample: Library, tmp_path: Path) -> None:
    out = tmp_path / "site"
    run("site", "build", str(out))
    assert not (out / "tips" / "plan-the-snow-day.html").exists()
    run("site", "build", str(out), "--date", "2026-12-07")  # the Monday of its week
    assert (out / "tips" / "plan-the-snow-day.html").is_file()
    assert "Plan the Snow Day</h1>" in (out / "index.html").read_text()


def test_base_url_makes_feed_links_absolute_and_pages_stay_relative(
    run, sample: Library, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    result = run("site", "build", str(out), "--base-url", "https://tips.example.org/front-desk")
    assert result.exit_code == 0
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert feed.feed.links[0].href == "https://tips.example.org/front-desk/feed.xml"
    assert feed.entries[0].link == "https://tips.example.org/front-desk/tips/explain-the-wait.html"
    home = (out / "index.html").read_text()
    assert '<link rel="canonical" href="https://tips.example.org/front-desk/index.html">' in home
    assert 'href="tips/explain-the-wait.html"' not in home  # the week's tip is on the home page itself
    assert 'href="tips/answer-the-phone-awake.html"' in home


@pytest.mark.parametrize("url", ["ftp://example.org/", "example.org", "https://", "https://x.org/?a=1"])
def test_a_bad_base_url_is_refused(run, sample: Library, tmp_path: Path, url: str) -> None:
    result = run("site", "build", str(tmp_path / "site"), "--base-url", url)
    assert result.exit_code == 2
    assert "not a site address" in result.stderr


def test_a_folder_it_did_not_make_is_left_alone(run, sample: Library, tmp_path: Path) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    result = run("site", "build", str(folder))
    assert result.exit_code == 1
    assert "not empty" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_a_tampered_manifest_never_deletes_outside_the_folder(run, sample: Library, tmp_path: Path) -> None:
    out = tmp_path / "site"
    run("site", "build", str(out))
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    manifest = json.loads((out / MANIFEST).read_text())
    manifest["files"]["../victim.txt"] = "x"
    manifest["files"][str(victim)] = "x"
    (out / MANIFEST).write_text(json.dumps(manifest))
    assert run("site", "build", str(out)).exit_code == 0
    assert victim.read_text() == "keep me"


def test_excerpts_are_marked(run, library: Library, tmp_path: Path) -> None:
    library.add("A Whole Tip", "2026-11-03")  # the home page shows the week's tip: never an excerpt
    library.add(
        "Only the Start Is Known",
        "2026-11-10",
        excerpt=True,
        summary="The first lines of an old post.",
        body="",
        source="https://blog.example.org/start",
    )
    out = tmp_path / "site"
    assert run("site", "build", str(out)).exit_code == 0
    page = (out / "tips" / "only-the-start-is-known.html").read_text()
    assert "<strong>Excerpt:</strong> only the start of this tip is known" in page
    assert 'href="https://blog.example.org/start"' in page
    listing = (out / "archive" / "2026" / "index.html").read_text()
    assert '<span class="badge">Excerpt</span>' in listing
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert "content" not in feed.entries[0]  # only a summary: a reader links to the page


def test_export_writes_an_atom_feed_of_the_chosen_tips(run, sample: Library) -> None:
    result = run("export", "--format", "atom", "--category", "service recovery")
    assert result.exit_code == 0
    feed = feedparser.parse(result.stdout_bytes)
    assert not feed.bozo and feed.version == "atom10"
    assert [e.title for e in feed.entries] == ["Apologize Without Excuses", "Greet the Second Customer"]
    assert feed.entries[0].id.startswith("urn:uuid:")
    again = feedparser.parse(run("export", "--format", "atom", "--category", "service recovery").stdout_bytes)
    assert [e.id for e in again.entries] == [e.id for e in feed.entries]  # stable ids
