"""`tip import` of RSS and Atom feeds, and the round trip site -> feed.xml -> import -> same tips."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.conftest import Library

from tipweek.importers import detect, feed
from tipweek.library import LibrarySource, bundled_path, load

FEEDS = Path(__file__).parent / "fixtures" / "feeds"


def read(name: str) -> feed.ImportResult:
    return feed.parse((FEEDS / name).read_text(encoding="utf-8"), name)


@pytest.mark.parametrize("name", ["counter-notes.rss", "clinic-desk.atom", "saved-feed-page.html"])
def test_feeds_are_recognised_by_their_content(name: str) -> None:
    assert detect((FEEDS / name).read_text(encoding="utf-8"), "renamed.txt") == "feed"


def test_rss_posts_keep_dates_categories_authors_and_links() -> None:
    result = read("counter-notes.rss")
    assert result.problems == []
    by_id = {t.id: t for t in result.tips}
    assert list(by_id) == [
        "walk-them-to-the-aisle",
        "keys-cut-while-you-wait-and-other-promises",
        "ask-what-the-project-is",
    ]  # the item repeated at the end of the feed is read once
    walk = by_id["walk-them-to-the-aisle"]
    assert walk.date == dt.date(2019, 3, 11)  # 23:30 at -05:00 is still Monday where it was written
    assert walk.categories == ("In the Store", "Wayfinding")
    assert walk.author == "Rosalind Okafor"
    assert walk.source == "https://counter-notes.example.net/2019/03/walk-them-to-the-aisle/"
    assert walk.summary == "Pointing at aisle 14 saves you ten seconds and costs the customer five minutes."
    assert walk.takeaway == "Walk them there, or give them a landmark they cannot miss."
    assert walk.body.startswith("A customer asked **Tomás** where the hinge pins were.")
    assert "\n\n- If you can leave the counter" in walk.body
    assert "Takeaway" not in walk.body


def test_a_teaser_ending_in_an_ellipsis_becomes_an_excerpt() -> None:
    keys = next(t for t in read("counter-notes.rss").tips if t.id.startswith("keys"))
    assert keys.excerpt and keys.body == ""
    assert keys.title == "Keys Cut While You Wait & Other Promises"
    assert keys.summary.endswith("say so at the door, not at the counter")


def test_a_post_without_a_date_is_undated_and_scripts_are_dropped() -> None:
    project = next(t for t in read("counter-notes.rss").tips if t.id == "ask-what-the-project-is")
    assert project.date is None
    assert "evil.example" not in project.body and "<script" not in project.body
    assert "onclick" not in project.body
    assert project.body.endswith("Ask once, listen fully, then fetch.")


def test_atom_entries_html_xhtml_summaries_and_duplicate_ids() -> None:
    result = read("clinic-desk.atom")
    assert result.problems == []
    room, quiet, pen = result.tips  # the repost with the same id is read once
    assert room.title == "Read the Room Before the Chart"
    assert room.date == dt.date(2021, 6, 8)  # published, in the feed's own offset
    assert room.categories == ("Reception", "Empathy")  # labels, not terms
    assert room.body.startswith("## What happened\n\nAn older man")
    assert "*Marguerite*" in room.body and "\n1. Look up first.\n2. Ask how" in room.body
    assert room.takeaway == "The person in front of you comes before the record about them."
    assert quiet.excerpt and quiet.date is None
    assert quiet.summary == "Nobody in the waiting room needs to hear why someone came in."
    assert pen.body.split("\n\n") == [
        "Test every pen on the clipboard each morning.",
        "A dead pen at the desk tells patients nobody checked.",
    ]
    assert pen.date == dt.date(2021, 5, 4)  # no published date: updated stands in


def test_a_feed_saved_as_a_web_page_reads_like_the_feed() -> None:
    assert read("saved-feed-page.html").tips == read("counter-notes.rss").tips


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<rss version='2.0'><channel><title>x</title></channel></rss>", "the feed has no posts"),
        ("<feed xmlns='http://www.w3.org/2005/Atom'><entry><title>", "body"),
        (
            "<rss version='2.0'><channel><item><description>untitled</description></item></channel></rss>",
            "title",
        ),
    ],
)
def test_unreadable_feeds_and_posts_are_problems(text: str, message: str) -> None:
    result = feed.parse(text, "broken.xml")
    assert result.tips == []
    assert message in result.problems[0][1]


def test_import_command_reads_feeds_and_a_second_run_changes_nothing(run, tmp_path: Path) -> None:
    target = tmp_path / "team"
    first = run(
        "import", str(FEEDS / "counter-notes.rss"), str(FEEDS / "clinic-desk.atom"), "--into", str(target)
    )
    assert first.exit_code == 0, first.stderr
    assert "6 created" in first.stdout
    assert len(load([LibrarySource("t", target, True)]).tips) == 6
    again = run("import", str(FEEDS / "saved-feed-page.html"), "--into", str(target))
    assert again.exit_code == 0
    assert "3 unchanged" in again.stdout


def test_extra_categories_replace_imported_for_posts_without_any(run, tmp_path: Path) -> None:
    text = (
        "<rss version='2.0'><channel><item><title>Bare Post</title>"
        "<description>A post with no category at all.</description></item></channel></rss>"
    )
    assert feed.parse(text, "x").tips[0].categories == ("Imported",)
    assert feed.parse(text, "x", categories=["Retail"]).tips[0].categories == ("Retail",)


def test_round_trip_site_feed_import_gives_the_same_tips(run, tmp_path: Path) -> None:
    """Every bundled tip through `tip site build`, its feed.xml and `tip import`, unchanged."""
    out, target = tmp_path / "public", tmp_path / "again"
    built = run("site", "build", str(out), "--date", "2030-01-01", "--feed-entries", "1000")
    assert built.exit_code == 0, built.stderr
    imported = run("import", str(out / "feed.xml"), "--into", str(target))
    assert imported.exit_code == 0, imported.stderr
    original = sorted(load([LibrarySource("bundled", bundled_path())]).tips, key=lambda t: t.id)
    back = sorted(load([LibrarySource("again", target, True)]).tips, key=lambda t: t.id)
    assert len(back) == len(original) > 70
    for before, after in zip(original, back, strict=True):
        assert after == before, before.id  # every field: id, dates, body, takeaway, tags, ...


def test_round_trip_keeps_excerpts_sources_and_authors(run, library: Library, tmp_path: Path) -> None:
    library.add(
        "Only the Start Is Known",
        "2026-11-10",
        ("Retail",),
        excerpt=True,
        summary="The first lines of an old post.",
        body="",
        source="https://blog.example.org/start",
    )
    library.add(
        "Name the Next Step", "2026-11-17", ("Retail",), source="https://blog.example.org/next", author="Ines"
    )
    library.add("No Source Here", "2026-11-03", ("Retail", "Empathy"), takeaway="Keep it.", tags=["calm"])
    out, target = tmp_path / "public", tmp_path / "again"
    assert run("site", "build", str(out)).exit_code == 0
    assert (
        run("import", str(out / "categories" / "retail" / "feed.xml"), "--into", str(target)).exit_code == 0
    )
    back = {t.id: t for t in load([LibrarySource("again", target, True)]).tips}
    original = {t.id: t for t in load([LibrarySource("lib", library.root)]).tips}
    assert back == original


def test_a_blogs_name_is_the_publisher() -> None:
    text = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Counter Notes</title>'
        "<item><title>Say Hello</title><link>https://counter.example.org/hello</link>"
        "<description>Say hello first. Then ask how you can help.</description></item>"
        "</channel></rss>"
    )
    tip = feed.parse(text, "x").tips[0]
    assert (tip.publisher, tip.source) == ("Counter Notes", "https://counter.example.org/hello")
