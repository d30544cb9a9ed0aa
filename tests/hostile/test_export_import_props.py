"""Properties of export and import: `--json` export then import is the identity, the archive
importer finds every entry of generated well-formed pages, every document format renders any
tip, and the plain-text export keeps to 72 columns."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console
from tests.conftest import Library, Run, without_added

from tipweek import render
from tipweek.exporters import ExportOptions, export
from tipweek.exporters._shared import WIDTH
from tipweek.importers import archive
from tipweek.importers import json_ as json_importer
from tipweek.model import Tip
from tipweek.text import slugify

PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
OPTIONS = ExportOptions(when=dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC))

# --- arbitrary tips -----------------------------------------------------------------------

# Any character but lone surrogates (which UTF-8 cannot hold).
ANY = st.characters(exclude_categories=("Cs",))


def tip_strategy(chars: st.SearchStrategy[str]) -> st.SearchStrategy[Tip]:
    """Tips in the normal form `tip_from_dict` makes (stripped values, no blank or repeated
    categories and tags, a body without newlines at its ends), so a read-back must be equal."""
    stripped = st.text(chars, max_size=40).map(str.strip)
    non_blank = stripped.filter(bool)
    labels = st.lists(non_blank, max_size=3).map(lambda items: tuple(dict.fromkeys(items)))
    body = st.text(chars, min_size=1, max_size=200).map(lambda s: s.strip("\n")).filter(str.strip)

    @st.composite
    def build(draw: st.DrawFn) -> Tip:
        title = draw(non_blank)
        return Tip(
            id=slugify(title),  # what the JSON importer makes of an id: a slug stays itself
            title=title,
            categories=draw(
                st.lists(non_blank, min_size=1, max_size=3).map(lambda c: tuple(dict.fromkeys(c)))
            ),
            date=draw(st.none() | st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))),
            summary=draw(stripped),
            takeaway=draw(stripped),
            body=draw(body),
            tags=draw(labels),
            source=draw(stripped),
            author=draw(stripped),
            excerpt=draw(st.booleans()),
        )

    return build()


ARBITRARY_TIPS = tip_strategy(ANY)
# Text as people type it: no control (Cc), format (Cf: bidi marks, zero-width, BOM) or
# private-use (Co) characters.
PRINTABLE_TIPS = tip_strategy(st.characters(exclude_categories=("Cs", "Cc", "Cf", "Co")))


def json_round_trip(tip: Tip) -> dict[str, object]:
    document = export([tip], "json", OPTIONS).decode("utf-8")
    result = json_importer.parse(document, "tips.json")
    assert result.problems == []
    (back,) = result.tips
    return back.to_json()


# --- (a) json export -> import -> json is the identity -------------------------------------


@PROPERTY
@given(PRINTABLE_TIPS)
def test_json_export_import_is_identity_for_printable_text(tip: Tip) -> None:
    assert json_round_trip(tip) == tip.to_json()


@PROPERTY
@given(ARBITRARY_TIPS)
def test_json_export_import_is_identity_for_any_unicode(tip: Tip) -> None:
    """The importer's docstring promises the same JSON back; `--json` keeps controls exactly."""
    assert json_round_trip(tip) == tip.to_json()


def test_json_import_keeps_characters_the_json_export_writes_literally() -> None:
    """Found by the property above (the importer used to run `clean` over the whole document):
    U+007F-U+009F, bidi and zero-width marks and private-use characters, which JSON writes
    literally, come back exactly. (U+0085 is Unicode white space, so a trailing one is trimmed
    like any other; this example keeps it inside the text.)"""
    tip = Tip(
        id="t",
        title="Icons \ue000 and \u200d joiners",
        categories=("C\u0085D",),
        body="\u202eright-to-left\x7f \U0001f469\u200d\U0001f4bb",
        takeaway="\x9b",
    )
    assert json_round_trip(tip) == tip.to_json()


def test_json_round_trip_through_the_cli(library: Library, run: Run, tmp_path: Path) -> None:
    library.add(
        "Say “Next” – Then Mean It?",
        "1999-12-31",
        ("Service Recovery", "Éclat & Co"),
        body="Ünïcödé body 東京 ✓\n\n- one\n- two\n\n> a quote",
        takeaway="Say it once.",
        tags=["queue", "tag with space"],
        author="Zoë",
        source="https://example.org/x",
    )
    library.add("Dated Again", "2100-01-05", ("Teamwork",), summary="Own summary.", excerpt=True, body="")
    first = run("list", "--json")
    assert first.exit_code == 0, first.stderr
    dump = tmp_path / "tips.json"
    # A digest is delivered, so it leaves excerpts out; `list --json` is the whole library.
    exported = run("export", "--format", "json", "--limit", "10", "-o", str(dump))
    assert exported.exit_code == 0, exported.stderr
    assert [t["id"] for t in json.loads(dump.read_text())] == ["say-next-then-mean-it"]
    dump.write_text(first.stdout, encoding="utf-8")
    other = tmp_path / "other"
    imported = run("import", str(dump), "--into", str(other))
    assert imported.exit_code == 0, imported.stderr
    assert "2 created" in imported.stdout
    again = run("--library", str(other), "list", "--json", env={"TIP_LIBRARY": ""})
    assert again.exit_code == 0, again.stderr
    assert without_added(json.loads(again.stdout)) == without_added(json.loads(first.stdout))


# --- (b) the archive importer on generated pages -------------------------------------------

# Invented vocabulary: none of it comes from real archive pages.
VOCABULARY = (
    "lantern",
    "pebble",
    "orbit",
    "quill",
    "marble",
    "harbor",
    "velvet",
    "cobalt",
    "meadow",
    "tundra",
    "zephyr",
    "glimmer",
    "sprocket",
    "thimble",
    "juniper",
    "saffron",
    "walnut",
    "ember",
    "cactus",
    "nimbus",
    "ribbon",
    "falcon",
    "tangerine",
)
WORDS = st.sampled_from(VOCABULARY)
TITLE = st.lists(WORDS, min_size=2, max_size=7).map(lambda ws: " ".join(w.capitalize() for w in ws))
TITLE_MARK = st.sampled_from(["", "?", "…", " & Co", " 24/7", " – Twice"])
SENTENCE = st.lists(WORDS, min_size=4, max_size=14).map(lambda ws: " ".join(ws).capitalize() + ".")
PARAGRAPH = st.lists(SENTENCE, min_size=1, max_size=4).map(" ".join)
CATEGORY = st.lists(WORDS, min_size=1, max_size=2).map(lambda ws: " ".join(w.capitalize() for w in ws))
# Two-digit years read as 1970-2069.
ARCHIVE_DATE = st.dates(dt.date(1970, 1, 1), dt.date(2069, 12, 31))


def us(day: dt.date, sep: str = "/") -> str:
    return f"{day.month}{sep}{day.day}{sep}{day.year % 100:02d}"


@st.composite
def archive_pages(draw: st.DrawFn) -> tuple[str, str, list[dict[str, object]]]:
    """A page in the archive shape, and the entries (title, date, ...) an importer must find."""
    category = draw(CATEGORY)
    lines = [f"{category} | Invented Service Blog - Page {draw(st.integers(1, 40))}", "", ""]
    titles = draw(
        st.lists(TITLE, min_size=1, max_size=8, unique_by=lambda t: t.lower()).filter(
            lambda ts: len({t.lower() for t in ts}) == len(ts)
        )
    )
    n_teasers = draw(st.integers(0, len(titles)))
    entries: list[dict[str, object]] = []
    for index, base in enumerate(titles):
        title = base + draw(TITLE_MARK)
        if index < n_teasers:
            day = draw(ARCHIVE_DATE)
            teaser = draw(PARAGRAPH)[:-1] + " and then"
            lines += [f"{title} - {us(day)}", "", "", teaser + "  Read more", "", ""]
            entries.append({"title": title, "date": day, "excerpt": True, "summary": teaser})
            continue
        listed = draw(st.lists(CATEGORY, max_size=2))
        paragraphs = draw(st.lists(PARAGRAPH, min_size=1, max_size=4))
        where = draw(st.sampled_from(["tow", "blog", "none"]))
        day = draw(ARCHIVE_DATE)
        dash = draw(st.sampled_from(["–", "-"]))
        title_line = f"{title} {dash} {us(day)} TOW" if where == "tow" else title
        first = f"Blog {us(day, '-')}{paragraphs[0]}" if where == "blog" else paragraphs[0]
        space = draw(st.sampled_from([" ", "\u00a0"]))
        comments = draw(st.sampled_from(["Please leave a comment", "1 Comment", "12 Comments"]))
        lines += [title_line, "", f"Posted on in{space}{', '.join(listed) or category} {comments}", ""]
        for paragraph in [first, *paragraphs[1:]]:
            lines += [paragraph, ""]
        lines.append("")
        cats = list(dict.fromkeys([*(listed or [category]), category]))
        entries.append(
            {
                "title": title,
                "date": None if where == "none" else day,
                "excerpt": False,
                "body": "\n\n".join(paragraphs),
                "categories": cats,
            }
        )
    if draw(st.booleans()):
        lines.append("« Previous   1 2 ... 6 7 8 ...   Next »")
    return category, "\n".join(lines) + "\n", entries


@PROPERTY
@given(archive_pages())
def test_archive_importer_finds_every_generated_entry(page: tuple[str, str, list[dict[str, object]]]) -> None:
    category, text, entries = page
    assert archive.sniff(text)
    result = archive.parse(text, "page.txt")
    assert result.problems == []
    found = [(t.title, t.date, t.excerpt) for t in result.tips]
    assert found == [(e["title"], e["date"], e["excerpt"]) for e in entries]
    for tip, entry in zip(result.tips, entries, strict=True):
        if entry["excerpt"]:
            # Cut after its last whole sentence (or word), then "…": a start of the teaser.
            kept = tip.summary.removesuffix("…").rstrip()
            assert tip.summary.endswith("…") and kept
            assert str(entry["summary"]).startswith(kept)
            # Else whole words: the last one (which may be cut off) and a dangling "and" go.
            assert kept.endswith(".") or kept == str(entry["summary"]).removesuffix(" and then")
            assert tip.categories == (category,)
        else:
            # The closing line, when it is the takeaway, is not left in the body too.
            assert tip.body + (f"\n\n{tip.takeaway}" if tip.takeaway else "") == entry["body"]
            assert [c.lower() for c in tip.categories] == [str(c).lower() for c in entry["categories"]]


# --- (c) rendering never raises -------------------------------------------------------------


@PROPERTY
@given(ARBITRARY_TIPS, st.booleans())
def test_every_document_format_renders_any_tip(tip: Tip, digest: bool) -> None:
    options = ExportOptions(when=OPTIONS.when, digest=digest)
    tips = [tip, tip] if digest else [tip]
    for fmt in ("text", "html", "eml", "markdown"):
        data = export(tips, fmt, options)
        assert isinstance(data, bytes) and data
        data.decode("utf-8")
    out = io.StringIO()
    Console(file=out, width=72).print(render.tip_panel(tip))
    assert out.getvalue()


# --- (d) the text export keeps to 72 columns --------------------------------------------------

# What may stand before the one word of an over-long line: indentation, quote bars, list
# marks ("- ", "12. "), the takeaway box's "| ", and the footer labels. Width is counted in
# code points (as textwrap counts it), not in terminal cells.
PREFIX = re.compile(r"^(?:[ ]+|>[ ]?|\|[ ]|[-*+][ ]|\d+[.)][ ]|Tags:[ ]|Source:[ ]|By:[ ])*")


def over_long(text: str) -> list[str]:
    """Lines wider than 72 that are not a single unbreakable word after its allowed prefix."""
    bad = []
    for line in text.split("\n"):
        if len(line) <= WIDTH:
            continue
        rest = line[PREFIX.match(line).end() :]  # type: ignore[union-attr]
        # A no-break space (U+00A0) joins words on purpose: only breakable white space counts.
        if not rest or re.search(r"[^\S\u00a0]", rest):
            bad.append(line)
    return bad


MARKDOWN_PIECE = st.one_of(
    st.text(ANY, max_size=60),
    WORDS,
    st.sampled_from(["\n", "\n\n", "- ", "1. ", "> ", "    ", "**", "# ", "`", " ", "  \n"]),
    st.text(st.characters(codec="ascii", exclude_categories=("Cc",)), min_size=60, max_size=120),
)
MARKDOWN_BODY = st.lists(MARKDOWN_PIECE, min_size=1, max_size=30).map("".join).filter(lambda s: s.strip("\n"))


@PROPERTY
@given(ARBITRARY_TIPS, MARKDOWN_BODY)
def test_text_export_keeps_to_72_columns(tip: Tip, body: str) -> None:
    tip = dataclasses.replace(tip, body=body.strip("\n"))
    text = export([tip], "text", OPTIONS).decode("utf-8")
    assert over_long(text) == []


def test_text_export_allows_only_one_long_word_per_line() -> None:
    url = "https://example.org/" + "x" * 100
    tip = Tip(
        id="t",
        title="Long Words",
        categories=("C",),
        body=f"See {url} now.\n\n- item {url}\n\n> quoted {url}",
        takeaway=f"Visit {url}",
        tags=("t" * 90,),
        source=url,
    )
    text = export([tip], "text", OPTIONS).decode("utf-8")
    long_lines = [line for line in text.split("\n") if len(line) > WIDTH]
    assert len(long_lines) == 6
    assert over_long(text) == []
    assert any(line.endswith(url) and line.startswith("| ") for line in long_lines)
