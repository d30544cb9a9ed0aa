"""Archive pages unlike the format note's examples: other encodings and line ends, character
references, other date forms, other "Read more" links, page furniture around the posts (menus,
sharing buttons, comments, sidebars, footers), first pages, tag pages, duplicates, very long and
very short posts. All pages here are invented."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import textwrap
from pathlib import Path

import pytest

from tipweek.importers import archive, detect
from tipweek.importing import combine, decode_input, read_inputs
from tipweek.model import Tip
from tipweek.text import NotText

VARIANTS = Path(__file__).parent / "fixtures" / "archive-variants"
TELLER = VARIANTS / "teller-line-page-4.txt"
CLINIC = VARIANTS / "clinic-desk-tag-page-1.txt"
PANTRY = VARIANTS / "pantry-desk-page-2.html"
FURNITURE_WORDS = ("Share this", "Facebook", "Like Loading", "Leave a Reply", "Recent Posts", "©", "says:")


def tips_of(text: str, source: str = "page.txt") -> list[Tip]:
    result = archive.parse(text, source)
    assert result.problems == []
    return result.tips


def by_title(tips: list[Tip]) -> dict[str, Tip]:
    return {t.title: t for t in tips}


def page(*blocks: str, header: str = "Banking | Teller Line Notes - Page 2") -> str:
    return "\n\n".join([header, *blocks]) + "\n"


@pytest.fixture(scope="module")
def teller() -> dict[str, Tip]:
    assert detect(TELLER.read_text(encoding="utf-8"), str(TELLER)) == "archive"
    return by_title(tips_of(TELLER.read_text(encoding="utf-8"), str(TELLER)))


# --- the teller page, field by field ------------------------------------------------------------

TELLER_TIPS = {
    # title: (date, excerpt, categories, tags, author, summary, takeaway)
    "Count It Back Twice": (
        dt.date(2025, 3, 4),
        True,
        ("Banking",),
        (),
        "",
        "Ravi slid the envelope across the counter and waited. The teller, Bea, fanned the bills out & "
        "counted aloud – slowly – so he could follow along. …",
        "",
    ),
    "A Pen That Works": (
        dt.date(2025, 2, 25),
        True,
        ("Banking",),
        (),
        "",
        "Nothing says “we weren’t expecting you” like a chained pen with no ink. …",
        "",
    ),
    "The Deposit Slip Nobody Reads": (
        dt.date(2025, 2, 18),
        True,
        ("Banking",),
        (),
        "",
        "Every branch has a stack of slips printed years ago with a routing number that no longer exists. …",
        "",
    ),
    "When the Line Reaches the Door": (
        dt.date(2025, 2, 4),
        True,
        ("Banking",),
        (),
        "",
        "A long line is not a failure. A silent long line is. …",
        "",
    ),
    "Coins, Counted Kindly": (
        dt.date(2025, 1, 28),
        True,
        ("Banking",),
        (),
        "Priya Anand",
        "Nobody enjoys the customer who brings four jars of pennies at ten to five. …",
        "",
    ),
    "Say No to the Overdraft Fee, Kindly": (
        dt.date(2025, 3, 1),
        False,
        ("Banking", "Policies"),
        ("fees", "alerts"),
        "Lena Ortiz",
        "Customers rarely argue with the fee itself. They argue with the surprise.",
        "Fees land better when they are never a surprise.",
    ),
    "The Drive-Up Window Is Still a Face": (
        dt.date(2024, 6, 3),
        False,
        ("Banking",),
        (),
        "",
        "Tomás works the drive-up lane on Saturdays. Through the speaker, every voice sounds like a bus "
        "announcement, so he leans into the microphone and says his name before anything else.",
        "Say your name first, even through a speaker.",
    ),
    "Closing Time Is Not a Door Slam": (
        None,
        False,
        ("Banking",),
        (),
        "",
        "Lock the door at closing, but finish with everyone already inside as if you had all afternoon.",
        "",
    ),
}


def test_teller_page_gives_exactly_its_entries_in_order() -> None:
    tips = tips_of(TELLER.read_text(encoding="utf-8"))
    assert [t.title for t in tips] == list(TELLER_TIPS)


@pytest.mark.parametrize("title", list(TELLER_TIPS))
def test_teller_page_fields(teller: dict[str, Tip], title: str) -> None:
    date, excerpt, categories, tags, author, summary, takeaway = TELLER_TIPS[title]
    tip = teller[title]
    assert (tip.date, tip.excerpt, tip.categories, tip.tags) == (date, excerpt, categories, tags)
    assert (tip.author, tip.summary, tip.takeaway) == (author, summary, takeaway)
    assert tip.publisher == "Teller Line Notes" and tip.source == ""
    if excerpt:
        assert tip.body == ""
    else:
        assert tip.body.startswith(summary.split(". ")[0])
        assert not tip.takeaway or tip.takeaway not in tip.body
    for words in FURNITURE_WORDS:
        assert words not in tip.body + tip.summary + tip.takeaway


def test_teller_post_body_keeps_its_list_and_quote_and_loses_the_furniture(teller: dict[str, Tip]) -> None:
    body = teller["Say No to the Overdraft Fee, Kindly"].body
    assert body.split("\n\n") == [
        "Customers rarely argue with the fee itself. They argue with the surprise.",
        "Start with what you can do:",
        "1. Explain the fee in one plain sentence.\n"
        "2. Offer the one-time waiver if your branch allows it.\n"
        "3. Show how to set up a low-balance alert before they leave.",
        "“I can’t undo this one, but I can make sure it never sneaks up on you again” — that line has "
        "saved more accounts than any waiver.",
    ]


def test_comments_under_a_post_are_not_its_body(teller: dict[str, Tip]) -> None:
    tip = teller["The Drive-Up Window Is Still a Face"]
    assert tip.body.split("\n\n")[-1] == (
        "Drivers who hear a name answer like they are talking to a person. "
        "Drivers who hear a beep answer like they are talking to a machine."
    )
    assert "honking" not in tip.body


def test_dry_run_says_what_was_left_out() -> None:
    result = archive.parse(TELLER.read_text(encoding="utf-8"), "p")
    said = [choice for title, choice in result.choices if title == "Say No to the Overdraft Fee, Kindly"]
    assert any("page furniture" in choice for choice in said)


# --- encodings and line ends: the same page whatever its bytes -----------------------------------

LINE_ENDS = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}
ENCODINGS = {
    "utf-8": ("utf-8", ""),
    "utf-8-bom": ("utf-8-sig", ""),
    "utf-16-bom": ("utf-16", "UTF-16"),
    "utf-16-be-bom": ("utf-16-be", "UTF-16"),
    "windows-1252": ("cp1252", "cp1252"),
}


def as_dicts(tips: list[Tip]) -> list[dict[str, object]]:
    return [{**dataclasses.asdict(t), "path": ""} for t in tips]


@pytest.mark.parametrize("ends", list(LINE_ENDS))
@pytest.mark.parametrize("encoding", list(ENCODINGS))
def test_any_encoding_and_line_end_reads_the_same(tmp_path: Path, encoding: str, ends: str) -> None:
    text = CLINIC.read_text(encoding="utf-8")
    codec, said = ENCODINGS[encoding]
    data = text.replace("\n", LINE_ENDS[ends]).encode(codec)
    if encoding == "utf-16-be-bom":
        data = b"\xfe\xff" + data
    path = tmp_path / "page.txt"
    path.write_bytes(data)
    inputs = read_inputs([path])
    assert inputs.problems == []
    assert as_dicts(inputs.tips) == as_dicts(archive.parse(text, "x").tips)
    notes = [c for choices in inputs.choices.values() for c in choices if c.startswith("read as")]
    assert bool(notes) == bool(said)
    assert all(said in note for note in notes)


def test_a_page_naming_its_charset_is_read_in_it() -> None:
    text = "<meta charset='iso-8859-15'>\nCafé crème, 5 €"
    assert decode_input(text.encode("iso-8859-15")) == (text, "iso8859-15")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"caf\xe9\x00\x01\x02", "not UTF-8 text"),
        (b"cafe\x00\x01\x02", "not a text file (it contains NUL bytes)"),
        (b"\xff\xfeA\x00\x00\x00", "not a text file (it contains NUL characters)"),
        (b"\xfe\xff\xd8\x00", "not UTF-16-BE text, though it starts like it"),
    ],
)
def test_binary_is_still_refused(data: bytes, message: str) -> None:
    with pytest.raises(NotText) as caught:
        decode_input(data)
    assert str(caught.value) == message


# --- small tables: dates, "Read more" links, headers, furniture ---------------------------------


@pytest.mark.parametrize(
    ("line", "title", "date"),
    [
        ("Wave Them Over - 3/4/25", "Wave Them Over", dt.date(2025, 3, 4)),
        ("Wave Them Over - 3/4/2025", "Wave Them Over", dt.date(2025, 3, 4)),
        ("Wave Them Over – 2025-03-04", "Wave Them Over", dt.date(2025, 3, 4)),
        ("Wave Them Over - March 4, 2025", "Wave Them Over", dt.date(2025, 3, 4)),
        ("Wave Them Over - Mar. 4th, 2025", "Wave Them Over", dt.date(2025, 3, 4)),
        ("Wave Them Over — 4 March 2025", "Wave Them Over", dt.date(2025, 3, 4)),
        ("Wave Them Over | Sept 30, 2024", "Wave Them Over", dt.date(2024, 9, 30)),
        ("Wave Them Over – 3/4/25 TOW", "Wave Them Over", dt.date(2025, 3, 4)),
        ("Wave Them Over - Smarch 4, 2025", "Wave Them Over - Smarch 4, 2025", None),
        ("Top 10 Habits - 2025", "Top 10 Habits - 2025", None),
    ],
)
def test_title_dates_in_other_forms(line: str, title: str, date: dt.date | None) -> None:
    (tip,) = tips_of(page(line, "A few words about waving first.  Read more"))
    assert (tip.title, tip.date) == (title, date)


@pytest.mark.parametrize(
    "link",
    [
        "Read more",
        "Read More »",
        "read more…",
        "Read more >>",
        "Continue reading →",
        "Continue reading Wave Them Over →",
        "Continue reading “Wave Them Over” »",
        "Keep reading",
        "Read the full post",
        "Read the rest of the article",
        "(more…)",
        "[…]",
        "[&hellip;]",
        "[...]",
    ],
)
def test_read_more_variants_end_a_teaser(link: str) -> None:
    (tip,) = tips_of(page("Wave Them Over - 3/4/25", f"Nadia waves at the door. Then she walks {link}"))
    assert tip.excerpt
    assert tip.summary == "Nadia waves at the door. …"


@pytest.mark.parametrize(
    ("header", "category", "tag", "site"),
    [
        ("Banking | Teller Line Notes - Page 2", "Banking", "", "Teller Line Notes"),
        ("Banking | Teller Line Notes – Page 2 of 9", "Banking", "", "Teller Line Notes"),
        ("Banking Archives | Teller Line Notes - Page 2", "Banking", "", "Teller Line Notes"),
        ("Category: Drive-Up | Teller Line Notes", "Drive-Up", "", "Teller Line Notes"),
        ("Tag: coins | Teller Line Notes - Page 3", "Imported", "coins", "Teller Line Notes"),
        ("Tag: Coins | Teller Line Notes", "Imported", "Coins", "Teller Line Notes"),
        ("counting money | Teller Line Notes - Page 5", "Imported", "counting money", "Teller Line Notes"),
    ],
)
def test_header_forms(header: str, category: str, tag: str, site: str) -> None:
    text = page("Wave Them Over - 3/4/25", "Nadia waves at the door. Then she  Read more", header=header)
    assert archive.sniff(text)
    (tip,) = tips_of(text)
    assert tip.categories == (category,)
    assert tip.tags == ((tag,) if tag else ())
    assert tip.publisher == site


def test_a_first_page_without_a_page_number_needs_an_entry_in_sight() -> None:
    assert not archive.sniff("Lunch | Dinner\n\nJust a line with a bar in it.\n")
    assert archive.sniff("Banking | Teller Line Notes\n\nWave Them Over - 3/4/25\n\nWords  Read more\n")


POST = (
    "Wave Them Over",
    "Posted on in Banking 2 Comments",
    "Nadia waves at the door first.",
    "Always wave first.",
)


@pytest.mark.parametrize(
    "furniture",
    [
        "Share this:\nEmail\nPrint",
        "Like this:\nLike Loading...",
        "Related",
        "Leave a Reply\nCancel reply",
        "3 thoughts on “Wave Them Over”\nOmar says:\nWe tried it and loved it!",
        "One response to “Wave Them Over”",
        "Post navigation\n← Previous Post\nNext Post →",
        "Recent Posts\nThe Other One\nAnd Another",
        "Archives\nMarch 2025",
        "Categories\nBanking",
        "Search for:",
        "© 2025 Teller Line Notes",
        "Copyright 2025 Teller Line Notes. All rights reserved.",
        "Proudly powered by WordPress",
        "Your email address will not be published. Required fields are marked *",
        "« Older posts",
        "Older Entries   Newer Entries",
        "Page 2 of 9",
        "Load more posts",
    ],
)
def test_page_furniture_after_a_post_is_left_out(furniture: str) -> None:
    (tip,) = tips_of(page(*POST, furniture, "Home\nAbout\nContact"))
    assert (tip.body, tip.takeaway) == ("Nadia waves at the door first.", "Always wave first.")


@pytest.mark.parametrize(
    ("meta", "categories", "tags"),
    [
        (
            "Posted in Banking, Lobby | Tagged greetings | Leave a comment",
            ("Banking", "Lobby"),
            ("greetings",),
        ),
        ("This entry was posted in Lobby. Bookmark the permalink.", ("Banking", "Lobby"), ()),
        ("Filed under: Lobby, Greeters", ("Banking", "Lobby", "Greeters"), ()),
        ("Tags: greetings, doors", ("Banking",), ("greetings", "doors")),
        ("Tagged: doors", ("Banking",), ("doors",)),
    ],
)
def test_categories_and_tags_printed_under_a_post(
    meta: str, categories: tuple[str, ...], tags: tuple[str, ...]
) -> None:
    (tip,) = tips_of(page(*POST, meta))
    assert (tip.categories, tip.tags, tip.takeaway) == (categories, tags, "Always wave first.")


@pytest.mark.parametrize(
    ("line", "date", "author"),
    [
        ("March 4, 2025", dt.date(2025, 3, 4), ""),
        ("Posted on 3/4/25 by Hal Brandt", dt.date(2025, 3, 4), "Hal Brandt"),
        ("Published 2025-03-04", dt.date(2025, 3, 4), ""),
        ("By Hal Brandt on March 4, 2025", dt.date(2025, 3, 4), "Hal Brandt"),
        ("By Hal Brandt | 4 March 2025 | 2 Comments", dt.date(2025, 3, 4), "Hal Brandt"),
    ],
)
def test_a_date_line_under_the_title(line: str, date: dt.date, author: str) -> None:
    text = page("Wave Them Over", line, "Nadia waves at the door first.", "Always wave first.")
    (tip,) = tips_of(text)
    assert (tip.date, tip.author, tip.excerpt, tip.takeaway) == (date, author, False, "Always wave first.")
    teaser = page("Wave Them Over", line, "Nadia waves at the door first. Then  Read more")
    (cut,) = tips_of(teaser)
    assert (cut.date, cut.author, cut.excerpt, cut.summary) == (
        date,
        author,
        True,
        "Nadia waves at the door first. …",
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Fees &amp; waivers, explained", "Fees & waivers, explained"),
        ("It&#8217;s the &#x201C;why&#x201D; that matters", "It’s the “why” that matters"),
        ("AT&T and R&D stay as written", "AT&T and R&D stay as written"),
        ("A&nbsp;no-break&nbsp;space", "A no-break space"),
        ("Zero\u200bwidth and soft\u00adhyphen", "Zerowidth and softhyphen"),
        ("&bogus; is left alone", "&bogus; is left alone"),
    ],
)
def test_character_references_and_invisible_characters(raw: str, expected: str) -> None:
    (tip,) = tips_of(page("Wave Them Over", "Posted on in Banking", raw + "."))
    assert tip.body == expected + "."


# --- a tag page with the same post twice, and very long and very short posts ---------------------


def test_clinic_tag_page_merges_its_duplicates() -> None:
    inputs = read_inputs([CLINIC])
    assert inputs.problems == []
    tips = by_title(combine(inputs.tips))
    assert list(tips) == ["The Clipboard Is Not a Greeting", "Running Late Without Running Away"]
    clipboard, late = tips.values()
    assert (clipboard.excerpt, clipboard.date, clipboard.categories) == (
        False,
        dt.date(2023, 11, 6),
        ("Healthcare",),
    )
    assert clipboard.tags == ("front line",)
    assert clipboard.takeaway == "Greet the person before you hand over the paperwork."
    assert clipboard.body.startswith("A new patient walks in")
    assert late.categories == ("Healthcare", "Scheduling", "Patient Experience")
    assert late.date is None and late.publisher == "Clinic Desk Diary"


def test_a_very_long_post_is_kept_whole() -> None:
    paragraphs = [
        f"Shift {n} opened the vault at the usual hour and counted the drawer twice." for n in range(1, 81)
    ]
    (tip,) = tips_of(page("The Long Week", "Posted on in Banking", *paragraphs, "Count twice, every shift."))
    assert tip.body.split("\n\n") == paragraphs
    assert tip.takeaway == "Count twice, every shift."
    assert tip.summary == paragraphs[0]


def test_a_one_line_post_is_its_own_summary_without_a_takeaway() -> None:
    (tip,) = tips_of(page("Short One", "Posted on in Banking", "Smile at the next person in line."))
    assert (tip.body, tip.summary, tip.takeaway) == (
        "Smile at the next person in line.",
        "Smile at the next person in line.",
        "",
    )


def test_text_that_is_no_tip_is_still_reported() -> None:
    result = archive.parse(page("Some prose that belongs to nothing at all.", *POST), "p")
    assert [t.title for t in result.tips] == ["Wave Them Over"]
    assert result.problems == [
        (3, "skipped text that is not part of a tip: 'Some prose that belongs to nothing at al'")
    ]


# --- through the command line ---------------------------------------------------------------------


def test_import_of_the_variant_pages(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    into = tmp_path / "lib"
    planned = run("import", str(VARIANTS), "--into", str(into), "--dry-run")
    assert planned.exit_code == 0, planned.stderr
    assert not into.exists() or not any(into.rglob("*.toml"))
    done = run("import", str(VARIANTS), "--into", str(into))
    assert done.exit_code == 0, done.stderr
    listed = run("-L", str(into), "list", "--json", env={"TIP_NO_BUNDLED": "1"})
    tips = {t["title"]: t for t in json.loads(listed.stdout)}
    assert set(tips) == {
        *TELLER_TIPS,
        "The Clipboard Is Not a Greeting",
        "Running Late Without Running Away",
        "The Price Check That Took Too Long",
        "No Receipt, No Problem & No Lecture",
    }
    assert tips["Say No to the Overdraft Fee, Kindly"]["tags"] == ["fees", "alerts"]
    assert tips["Coins, Counted Kindly"]["excerpt"] is True
    again = run("import", str(VARIANTS), "--into", str(into), "--dry-run")
    assert again.exit_code == 0
    assert "would be created" not in again.stdout


# --- pages saved as HTML ------------------------------------------------------------------------


def test_pantry_html_page_field_by_field() -> None:
    text = PANTRY.read_text(encoding="utf-8")
    assert detect(text, "page.html") == "archive"
    teaser, post = tips_of(text)
    assert (teaser.title, teaser.date, teaser.excerpt, teaser.author) == (
        "The Price Check That Took Too Long",
        dt.date(2025, 5, 13),
        True,
        "Odile Brandt",
    )
    # The teaser ended in "…" mid-sentence: the summary ends at its last whole sentence.
    assert teaser.summary == (
        "The scanner beeped twice and the register froze on a jar of olives. "
        "Behind the customer, six carts waited. …"
    )
    assert (post.title, post.date, post.excerpt) == (
        "No Receipt, No Problem & No Lecture",
        dt.date(2025, 5, 6),
        False,
    )
    assert (post.categories, post.tags, post.publisher) == (
        ("Grocery", "Returns"),
        ("receipts",),
        "The Pantry Desk",
    )
    assert (
        post.summary
        == "A customer with a bag of unopened pasta and no receipt is not trying to cheat the store."
    )
    assert post.takeaway == "Make the no-receipt return the easiest conversation of the day."
    assert post.body.split("\n\n") == [
        "A customer with a bag of unopened pasta and no receipt is not trying to cheat the store. "
        "Most of the time they simply threw the receipt away with the bag.",
        "Wendell keeps the return short:",
        "- Look the item up by its barcode, not by the customer’s memory.\n"
        "- Offer store credit at the lowest price of the last thirty days.\n"
        "- Thank them for bringing it back unopened.",
        "“I can do store credit today — would that work for you?”",
        "- Say this – Not that\n- Let me look it up. – Where is your receipt?",
    ]
    for tip in (teaser, post):
        everything = tip.title + tip.summary + tip.body + tip.takeaway
        for leak in (
            "gtag",
            "font-family",
            "crumpled",
            "Skip to content",
            "Recent Posts",
            "Everything we have",
            "Share this",
            "Related",
            "Search",
            "©",
            "Home",
            "checkout lane",
        ):
            assert leak not in everything


def html_page(body: str, *, head: str = "", title: str = "Produce | The Pantry Desk - Page 3") -> str:
    return f"<!doctype html><html><head>{head}<title>{title}</title></head><body>{body}</body></html>"


def html_post(content: str, meta: str = "Posted on March 4, 2025") -> str:
    return (
        f"<article><h2 class='entry-title'><a href='/x/'>Weigh It Where They Can See</a></h2>"
        f"<div class='entry-meta'>{meta}</div><div class='entry-content'>{content}</div></article>"
    )


CLOSING = "<p>Put the scale where the customer can read it.</p>"


@pytest.mark.parametrize(
    ("content", "body"),
    [
        (
            "<p>Lena <em>always</em> turns the <strong>scale <em>display</em></strong> around.</p>",
            "Lena always turns the scale display around.",
        ),
        (
            "<p>See <a href='https://pantry.example/scales'>the <code>tare</code> guide</a> first.</p>",
            "See the tare guide first.",
        ),
        (
            "<ol><li>Tare the bowl.</li><li>Weigh the <b>apples</b>.</li></ol>",
            "1. Tare the bowl.\n2. Weigh the apples.",
        ),
        ("<ul><li>Tare.<ul><li>Then weigh.</li></ul></li></ul>", "- Tare.\n- Then weigh."),
        (
            "<blockquote><p>Nothing to hide, nothing to guess.</p></blockquote>",
            "Nothing to hide, nothing to guess.",
        ),
        (
            "<p><img src='data:image/png;base64,iVBORw0KGgo=' alt='A scale with apples'>Show the number.</p>",
            "Show the number.",
        ),
        ("<p>Lines<br>held<br/>apart.</p>", "Lines held apart."),
        (
            "<p>Show it.</p><script>alert('no')</script><style>p{}</style>"
            "<!-- a note --><noscript>Enable it</noscript>",
            "Show it.",
        ),
        ("<div><div><div><section><p>Deep but fine.</p></section></div></div></div>", "Deep but fine."),
        ("<p>Price:&nbsp;$2&#46;50 &amp; a smile&#x2026; or two.</p>", "Price: $2.50 & a smile… or two."),
        ("<table><tr><td>Say</td><td>Here it is.</td></tr></table>", "- Say – Here it is."),
        ("<pre>Scale\n  check</pre>", "Scale check"),
    ],
)
def test_html_inline_markup_becomes_plain_text(content: str, body: str) -> None:
    (tip,) = tips_of(html_page(html_post(content + CLOSING)))
    assert (tip.body, tip.takeaway) == (body, "Put the scale where the customer can read it.")


@pytest.mark.parametrize(
    "around",
    [
        "<nav><ul><li>Home</li><li>Recipes</li></ul></nav>",
        "<aside><h2>Recent Posts</h2><p>Some other post entirely.</p></aside>",
        "<div class='widget-area'><p>A widget with prose in it.</p></div>",
        "<div id='comments' class='comments-area'><p>Great post, thanks!</p></div>",
        "<footer class='site-footer'><p>Copyright and so on.</p></footer>",
        "<div class='cookie-notice'><p>We use cookies to improve things.</p><button>OK</button></div>",
        "<form><input name='q'><p>Search the site.</p></form>",
        "<div class='sidebar'><div><div><p>Nested sidebar text.</p></div></div></div>",
    ],
)
def test_html_page_parts_around_the_posts_are_left_out(around: str) -> None:
    text = html_page(around + html_post("<p>Lena turns the display around.</p>" + CLOSING) + around)
    (tip,) = tips_of(text)
    assert (tip.body, tip.takeaway) == (
        "Lena turns the display around.",
        "Put the scale where the customer can read it.",
    )


@pytest.mark.parametrize(
    ("meta", "date", "author", "categories"),
    [
        ("Posted on March 4, 2025", dt.date(2025, 3, 4), "", ("Produce",)),
        (
            "<span class='posted-on'>Posted on <time datetime='2025-03-04'>March 4, 2025</time></span>"
            "<span class='byline'> by <span class='author'>Hal</span></span>",
            dt.date(2025, 3, 4),
            "Hal",
            ("Produce",),
        ),
        ("<time>2025-03-04</time>", dt.date(2025, 3, 4), "", ("Produce",)),
        ("Posted on in Produce, Deli 2 Comments", None, "", ("Produce", "Deli")),
    ],
)
def test_html_post_meta(meta: str, date: dt.date | None, author: str, categories: tuple[str, ...]) -> None:
    (tip,) = tips_of(html_page(html_post("<p>Lena turns the display around.</p>" + CLOSING, meta)))
    assert (tip.date, tip.author, tip.categories) == (date, author, categories)


def test_a_saved_page_in_its_declared_charset(tmp_path: Path) -> None:
    markup = html_page(
        html_post("<p>Crème fraîche goes on the scale too.</p>" + CLOSING),
        head="<meta http-equiv='Content-Type' content='text/html; charset=windows-1252'>",
    )
    path = tmp_path / "page.htm"
    path.write_bytes(markup.encode("cp1252"))
    inputs = read_inputs([path])
    assert inputs.problems == []
    assert [t.body for t in inputs.tips] == ["Crème fraîche goes on the scale too."]


def test_a_single_file_page_with_inlined_resources() -> None:
    heavy = "<style>" + ".x{background:url(data:image/png;base64," + "A" * 200_000 + ")}</style>"
    (tip,) = tips_of(html_page(html_post("<p>Lena turns the display around.</p>" + CLOSING), head=heavy))
    assert tip.body == "Lena turns the display around."


@pytest.mark.parametrize(
    "markup",
    [
        "<!doctype html><html><head><title>Just a page</title></head><body><p>Hello.</p></body></html>",
        "<!doctype html><html><head><title>Lunch | Dinner</title></head><body><p>None.</p></body></html>",
        "<html><body><p>No title at all.</p></body></html>",
    ],
)
def test_other_web_pages_are_not_archive_pages(markup: str) -> None:
    assert not archive.sniff(markup)


def test_deeply_nested_and_unclosed_html_stays_bounded() -> None:
    deep = "<div>" * 50_000 + "<p>Deep.</p>" + "</div>" * 10
    text = html_page(html_post("<p>Lena turns the display around.</p>" + CLOSING) + deep)
    tips = tips_of(text)
    assert [t.title for t in tips] == ["Weigh It Where They Can See"]
    unclosed = html_page("<div class='sidebar'>" + html_post("<p>Hidden.</p>"))
    assert archive.parse(unclosed, "x").tips == []


def test_a_page_with_too_many_elements_is_read_up_to_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "MAX_TAGS", 500)
    first = html_post("<p>Lena turns the display around.</p>" + CLOSING)
    result = archive.parse(html_page(first + "<i>" * 2000 + html_post("<p>Never read.</p>")), "x")
    assert [t.body for t in result.tips] == ["Lena turns the display around."]
    assert result.problems == [(None, "the page has more than 500 HTML elements; the rest was not read")]


# --- the site's closing promotion, in other words --------------------------------------------------

TAKEAWAY = "Answer while they wait, not after they hang up."


@pytest.mark.parametrize(
    "promo",
    [
        ["Click here to subscribe to our weekly tip."],
        ["Want more tips like this? Contact us today to book a workshop for your team."],
        ["For more information on our training programs, call us at 555-0142."],
        ["Visit our store for posters of every tip."],
        ["Learn more about our coaching at the front desk."],
        ["Get your free copy of the desk checklist today!"],
        ["Book a free consultation for your lobby team."],
        ["About the author: Wren Osei trains hotel staff."],
        ["This tip was originally published in our spring newsletter."],
        ["Join our mailing list and never miss a tip."],
        ["Did you like this post? Here are other Hospitality-related posts:", "Keep the Queue Moving"],
        [
            "Here are some other posts:",
            "Keep the Queue Moving\nThe Lobby at Six and Other Early Shifts\nGreet the Second Guest First",
        ],
        ["Interested in better phone manners? See more at our site.", "© 2016 Front Desk Academy"],
    ],
)
def test_closing_promotion_in_other_words_is_left_out(promo: list[str]) -> None:
    body = "When a guest calls about a lost charger, Ivo checks the bin while they are still on the phone."
    (tip,) = tips_of(page("Lost and Found", "Posted on in Hospitality", body, TAKEAWAY, *promo))
    assert (tip.body, tip.takeaway) == (body, TAKEAWAY)


def test_a_list_introduced_inside_the_tip_is_kept() -> None:
    items = "  • Carry the heavy bag.\n  • Point out the ice machine."
    text = page("Hold It", "Posted on in Hospitality", "Here are other ways to help:", items, TAKEAWAY)
    (tip,) = tips_of(text)
    assert tip.body == "Here are other ways to help:\n\n- Carry the heavy bag.\n- Point out the ice machine."
    assert tip.takeaway == TAKEAWAY


@pytest.mark.parametrize(
    ("posted", "categories"),
    [
        ("Posted on in Banking, Lobby Comments Off on Wave Them Over", ("Banking", "Lobby")),
        ("Posted on in Banking Comments (4)", ("Banking",)),
        ("Posted on in Lobby Leave a reply", ("Lobby", "Banking")),
        ("Posted on in Banking 1 Comment", ("Banking",)),
    ],
)
def test_comment_counts_on_the_posted_line(posted: str, categories: tuple[str, ...]) -> None:
    (tip,) = tips_of(page("Wave Them Over", posted, "Nadia waves at the door first."))
    assert tip.categories == categories


@pytest.mark.parametrize("stamp", ["Blog 3-4-25", "Blog 3/4/25", "Blog 3.4.2025", "Blog 03-04-2025 "])
def test_blog_dates_with_other_separators(stamp: str) -> None:
    (tip,) = tips_of(page("Wave Them Over", "Posted on in Banking", stamp + "Nadia waves at the door first."))
    assert (tip.date, tip.body) == (dt.date(2025, 3, 4), "Nadia waves at the door first.")


def test_a_title_glued_to_its_teaser_is_still_a_teaser() -> None:
    text = page("Wave Them Over\nNadia waves at the door. Then she  Read more", *POST[1:])
    teaser, post = tips_of(text.replace("Posted on in", "Wave Them Over Again\n\nPosted on in"))
    assert (teaser.title, teaser.excerpt, teaser.summary) == (
        "Wave Them Over",
        True,
        "Nadia waves at the door. …",
    )
    assert (post.title, post.excerpt) == ("Wave Them Over Again", False)


def test_wrapped_list_items_stay_whole() -> None:
    items = "  • Carry the heavy bag all the way\n    to the elevator.\n  • Point out the ice machine."
    (tip,) = tips_of(page("Hold It", "Posted on in Hospitality", "Two habits:", items, TAKEAWAY))
    assert (
        tip.body
        == "Two habits:\n\n- Carry the heavy bag all the way to the elevator.\n- Point out the ice machine."
    )


@pytest.mark.parametrize(
    "paragraph",
    [
        "Two responses to an angry caller work better than any script.",
        "Three replies to a complaint: thank, fix, follow up.",
        "Next post is where the queue starts, so greet it.",
    ],
)
def test_sentences_that_start_like_page_furniture_stay_in_the_body(paragraph: str) -> None:
    first = "Nadia waves at the door first."
    (tip,) = tips_of(page("Wave Them Over", "Posted on in Banking", first, paragraph, TAKEAWAY))
    assert tip.body == f"{first}\n\n{paragraph}"


@pytest.mark.parametrize(
    ("blocks", "summary"),
    [
        (["  • Count twice.\n  • Smile once.", "Count twice, then smile."], "Count twice, then smile."),
        (
            ["Three things to remember:", "  1. Count.\n  2. Smile.", "Count and smile, every time."],
            "Count and smile, every time.",
        ),
        (
            ["  • Count the notes twice.\n  • Smile once.\n  • Thank them by name."],
            "Count the notes twice. Smile once.",
        ),
        (
            ["Count twice and smile once and then say thanks", "and mean it"],
            "Count twice and smile once and then say thanks and mean it…",
        ),
    ],
)
def test_a_post_without_an_opening_sentence_still_has_a_summary(blocks: list[str], summary: str) -> None:
    (tip,) = tips_of(page("Counting", "Posted on in Banking", *blocks))
    assert tip.summary == summary


@pytest.mark.parametrize("path", sorted(VARIANTS.iterdir()), ids=lambda p: p.name)
def test_every_variant_page_gives_clean_whole_tips(path: Path) -> None:
    inputs = read_inputs([path])
    assert inputs.problems == []
    for tip in combine(inputs.tips):
        text = tip.title + tip.summary + tip.body + tip.takeaway
        assert not any(c in text for c in "\u00a0\u200b\ufeff\r<>")
        assert "&amp;" not in text and "http" not in text
        assert tip.summary.endswith(("…", ".", "!", "?", "”")), tip.title
        assert not tip.takeaway or tip.takeaway not in tip.body.split("\n\n")
        assert tip.categories and tip.publisher and not tip.source
        assert tip.excerpt == (tip.body == "")


# --- pages saved as text wrapped at a fixed width -----------------------------------------------

TEXT_PAGES = sorted([*VARIANTS.glob("*.txt"), *(VARIANTS.parent / "archive").glob("*.txt")])


def wrapped(text: str, width: int) -> str:
    """The page as a browser that wraps saved text at `width` columns writes it."""
    lines = []
    for number, line in enumerate(text.split("\n")):
        if number == 0 or len(line) <= width:
            lines.append(line)
            continue
        indent = re.match(r"\s*", line).group() if re.match(r"\s*(?:•|\d+\.)\s", line) else ""  # type: ignore[union-attr]
        lines += textwrap.wrap(
            line,
            width,
            subsequent_indent=indent + "  " if indent else "",
            break_long_words=False,
            break_on_hyphens=False,
        )
    return "\n".join(lines)


@pytest.mark.parametrize("width", [60, 72, 80])
@pytest.mark.parametrize("path", TEXT_PAGES, ids=lambda p: p.name)
def test_a_page_wrapped_at_a_fixed_width_reads_the_same(path: Path, width: int) -> None:
    text = path.read_text(encoding="utf-8")
    assert wrapped(text, width) != text
    before, after = archive.parse(text, "x"), archive.parse(wrapped(text, width), "x")
    assert after.problems == before.problems
    assert as_dicts(after.tips) == as_dicts(before.tips)


@pytest.mark.parametrize(
    ("posted", "date", "author"),
    [
        ("Posted on in Banking", None, ""),
        ("Posted on March 4, 2025 in Banking", dt.date(2025, 3, 4), ""),
        ("Posted on 3/4/25 by Linh Tran in Banking 2 Comments", dt.date(2025, 3, 4), "Linh Tran"),
        ("Posted by Linh Tran on 2025-03-04 in Banking", dt.date(2025, 3, 4), "Linh Tran"),
        ("Posted by Linh Tran in Banking", None, "Linh Tran"),
        ("Posted on by in Banking", None, ""),
    ],
)
def test_posted_lines_with_an_author_and_a_date(posted: str, date: dt.date | None, author: str) -> None:
    (tip,) = tips_of(page("Wave Them Over", posted, "Nadia waves at the door first."))
    assert (tip.date, tip.author, tip.categories) == (date, author, ("Banking",))


def test_a_teaser_of_two_paragraphs_under_a_posted_line_is_an_excerpt() -> None:
    text = page(
        "Wave Them Over",
        "Posted on 3/4/25 in Banking, Lobby 2 Comments",
        "Nadia waves at the door first. Every time.",
        "Then she walks over and  Read more",
    )
    (tip,) = tips_of(text)
    assert (tip.excerpt, tip.body, tip.date, tip.categories) == (
        True,
        "",
        dt.date(2025, 3, 4),
        ("Banking", "Lobby"),
    )
    assert tip.summary == "Nadia waves at the door first. Every time. …"


def test_a_web_archive_page_is_named_with_its_fix(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page_file = tmp_path / "page.mhtml"
    page_file.write_bytes(
        b"From: <Saved by a browser>\r\nSubject: Produce | The Pantry Desk - Page 3\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/related;\r\n\ttype="text/html";\r\n\tboundary="--b--"\r\n\r\n----b--\r\n'
        b"Content-Type: text/html\r\n\r\n"
        b"<html><head><title>Produce | The Pantry Desk - Page 3</title></head></html>\r\n"
    )
    result = run("import", str(page_file), "--dry-run", "--into", str(tmp_path / "lib"))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {page_file}: a web archive (MHTML) page, which is not read: "
        "save the page as 'Web Page, HTML only' or as text\n"
    )
