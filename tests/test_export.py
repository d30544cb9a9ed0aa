"""`tip export` and the export formats: structure, headers, escaping, wrapping, files."""

from __future__ import annotations

import datetime as dt
import email.policy
import json
import os
import re
import shutil
import subprocess
import tomllib
from email.message import EmailMessage
from email.parser import BytesParser
from html.parser import HTMLParser
from pathlib import Path

import pytest
from tests.conftest import TIP_KEYS

from tipweek.errors import BadInput
from tipweek.exporters import EXPORTERS, ExportOptions, export, format_for
from tipweek.model import Tip, tip_from_dict
from tipweek.text import slugify

# Elements that carry no presentation of their own and so need no style attribute.
UNSTYLED_OK = {"html", "head", "meta", "title", "tr", "br"}

WEEK_TIP = "Explain the Wait"  # dated 2026-11-24, in the pinned week of 2026-11-25
URL = "https://example.org/" + "a-very-long-path-segment-" * 4 + "end"

HOSTILE_BODY = (
    "Intro with <b onerror=x>raw html</b> inline.\n\n"
    '<div onclick="steal()">block html</div>\n\n'
    "[click me](javascript:alert(1)) and [relative](/etc/passwd) and [web](https://example.org/ok)"
    " and <mailto:help@example.org>.\n\n"
    "![tracker](https://evil.example/pixel.png)\n\n"
    "```\ncode <script>x</script>\n```\n"
)


def make_tip(title: str = "A Tip", **fields: object) -> Tip:
    data: dict[str, object] = {
        "title": title,
        "categories": ["Empathy"],
        "date": dt.date(2026, 11, 24),
        "body": "Say what happens next.\n\n- one\n- two",
        "takeaway": "Be clear.",
    }
    data.update(fields)
    return tip_from_dict(data, id=slugify(title))


def parse_eml(data: bytes) -> EmailMessage:
    message = BytesParser(policy=email.policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)
    return message


def parts(message: EmailMessage) -> tuple[str, str]:
    """The text and HTML parts, checking the structure on the way."""
    assert message.get_content_type() == "multipart/alternative"
    plain, html = message.iter_parts()
    assert plain.get_content_type() == "text/plain"
    assert html.get_content_type() == "text/html"
    assert plain.get_content_charset() == "utf-8"
    assert html.get_content_charset() == "utf-8"
    # MIME text has CRLF line ends (canonical form); compare as Python text.
    return plain.get_content().replace("\r\n", "\n"), html.get_content().replace("\r\n", "\n")


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = TagCollector()
    collector.feed(html)
    return collector.tags


def assert_email_safe(html: str) -> None:
    lowered = html.lower()
    for banned in ("<style", "<link", "<script", "<img", "<iframe", 'href="javascript', "class="):
        assert banned not in lowered, banned
    unstyled = [tag for tag, attrs in tags_of(html) if tag not in UNSTYLED_OK and not attrs.get("style")]
    assert unstyled == []


def assert_width(text: str, width: int = 72) -> None:
    for line in text.splitlines():
        if len(line) > width:
            # Only a single unbreakable word may push a line past the width.
            assert max(len(word) for word in line.split()) > width - 10, line


# --- eml -----------------------------------------------------------------------------------


def test_eml_has_both_parts_and_every_header(sample, run, tmp_path: Path) -> None:
    out = tmp_path / "tip.eml"
    result = run(
        "export",
        "-o",
        str(out),
        "--to",
        "team@example.org",
        "--to",
        '"Doe, Jane" <jane@example.org>',
        "--cc",
        "boss@example.org",
        "--from",
        "Lead <lead@example.org>",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"wrote {out} (eml, 1 tip)\n"
    raw = out.read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # RFC 5322 line ends
    message = parse_eml(raw)
    assert message["Subject"] == f"Tip of the Week: {WEEK_TIP}"
    assert message["From"] == "Lead <lead@example.org>"
    assert [a.addr_spec for a in message["To"].addresses] == ["team@example.org", "jane@example.org"]
    assert message["To"].addresses[1].display_name == "Doe, Jane"
    assert [a.addr_spec for a in message["Cc"].addresses] == ["boss@example.org"]
    assert message["X-Unsent"] == "1"
    assert re.fullmatch(r"<[^<>@\s]+@example\.org>", message["Message-ID"])
    assert message["Date"].datetime.tzinfo is not None
    assert "Bcc" not in message
    plain, html = parts(message)
    assert WEEK_TIP in plain and "Tell people how long and why." in plain
    assert "<h1 style=" in html and f">{WEEK_TIP}</h1>" in html
    assert_email_safe(html)


def test_eml_defaults_come_from_the_config(sample, run, isolated: Path) -> None:
    isolated.mkdir(parents=True, exist_ok=True)
    (isolated / "config.toml").write_text(
        '[export]\nsubject = "Weekly: {title} ({date})"\n'
        'from = "desk@example.org"\nto = ["all@example.org"]\n',
        encoding="utf-8",
    )
    result = run("export", "--format", "eml")
    assert result.exit_code == 0, result.stderr
    message = parse_eml(result.stdout_bytes)
    assert message["Subject"] == f"Weekly: {WEEK_TIP} (2026-11-24)"
    assert message["From"] == "desk@example.org"
    assert message["To"] == "all@example.org"
    assert "Cc" not in message
    # Command-line values win over the config.
    result = run(
        "export",
        "--format",
        "eml",
        "--subject",
        "Read me: {title}",
        "--from",
        "me@example.org",
        "--to",
        "one@example.org",
    )
    message = parse_eml(result.stdout_bytes)
    assert (message["Subject"], message["From"], message["To"]) == (
        f"Read me: {WEEK_TIP}",
        "me@example.org",
        "one@example.org",
    )


def test_eml_default_sender_without_config(sample, run) -> None:
    message = parse_eml(run("export", "--format", "eml").stdout_bytes)
    assert message["From"] == "tipweek@localhost"
    assert "To" not in message


def test_header_injection_in_title_stays_in_the_subject(library, run) -> None:
    library.add("Hello\r\nBcc: evil@example.org\nX-Evil: 1", "2026-11-24", takeaway="x")
    result = run("export", "--format", "eml")
    assert result.exit_code == 0, result.stderr
    message = parse_eml(result.stdout_bytes)
    assert message.get_all("Subject") == ["Tip of the Week: Hello Bcc: evil@example.org X-Evil: 1"]
    assert "Bcc" not in message and "X-Evil" not in message
    # The title is one line in the text part and in the HTML <title> too.
    plain, html = parts(message)
    assert "Hello Bcc: evil@example.org X-Evil: 1\n" in plain
    assert "<title>Hello Bcc: evil@example.org X-Evil: 1</title>" in html


def test_header_injection_in_subject_option(sample, run) -> None:
    result = run("export", "--format", "eml", "--subject", "Hi\r\nBcc: evil@example.org")
    message = parse_eml(result.stdout_bytes)
    assert message.get_all("Subject") == ["Hi Bcc: evil@example.org"]
    assert "Bcc" not in message


@pytest.mark.parametrize(
    "address",
    [
        "jane@example.org\r\nBcc: evil@example.org",
        "not an address",
        "jane@example.org junk",
        "Doe, Jane <jane@example.org>",
        "",
    ],
)
def test_bad_address_is_bad_input(sample, run, address: str) -> None:
    result = run("export", "--format", "eml", "--to", address)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: not an email address")
    assert len(result.stderr.splitlines()) == 1


def test_bad_subject_template_is_bad_input(sample, run) -> None:
    result = run("export", "--format", "eml", "--subject", "{nope}")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: unknown field '{nope}' in the subject")
    assert run("export", "--format", "eml", "--subject", "{title").exit_code == 2
    assert run("export", "--format", "eml", "--subject", "{title.__class__}").exit_code == 2


def test_non_ascii_title_round_trips_through_the_subject() -> None:
    title = "Café crème: say „Grüß Gott“ — 日本語 😀"
    raw = export([make_tip(title)], "eml")
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert head.isascii()  # encoded words, no raw UTF-8 in the headers
    message = parse_eml(raw)
    assert message["Subject"] == f"Tip of the Week: {title}"
    plain, html = parts(message)
    assert title in plain and title in html


def test_very_long_title_is_folded_not_broken() -> None:
    title = " ".join(["Listen"] * 71) + " now"  # 500 characters
    assert len(title) == 500
    raw = export([make_tip(title)], "eml")
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert all(len(line) <= 78 for line in head.split(b"\r\n"))
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    message = parse_eml(raw)
    assert message["Subject"] == f"Tip of the Week: {title}"
    assert_width(parts(message)[0])


def test_library_options_set_date_and_draft_flag() -> None:
    when = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    message = parse_eml(export([make_tip()], "eml", ExportOptions(when=when, unsent=False)))
    assert message["Date"] == "Mon, 23 Nov 2026 09:30:00 +0100"
    assert "X-Unsent" not in message


# --- html ----------------------------------------------------------------------------------


def test_html_is_email_safe_and_escapes_everything() -> None:
    tip = make_tip(
        "<script>alert(1)</script> & co",
        body=HOSTILE_BODY,
        takeaway="<i>bold</i> move",
        categories=["<Care>"],
        tags=["<t>"],
        source="https://example.org/src?a=1&b=2",
    )
    html = export([tip], "html").decode()
    assert_email_safe(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</title>" in html
    assert "&lt;b onerror=x&gt;raw html&lt;/b&gt;" in html
    assert "&lt;div onclick=&quot;steal()&quot;&gt;block html&lt;/div&gt;" in html
    assert "&lt;i&gt;bold&lt;/i&gt; move" in html
    assert "&lt;Care&gt;" in html and "#&lt;t&gt;" in html
    assert "code &lt;script&gt;x&lt;/script&gt;" in html
    hrefs = [attrs.get("href") for tag, attrs in tags_of(html) if tag == "a"]
    assert hrefs == ["https://example.org/ok", "mailto:help@example.org", "https://example.org/src?a=1&b=2"]
    assert "click me" in html and "relative" in html  # the text of dropped links stays
    assert "[tracker]" in html and "evil.example" not in html  # images become their alt text
    for tag, attrs in tags_of(html):
        assert not any(name.startswith("on") for name in attrs), tag


def test_html_layout_is_a_centred_600px_table() -> None:
    html = export([make_tip()], "html").decode()
    tags = tags_of(html)
    assert ("meta", {"name": "color-scheme", "content": "light only"}) in tags
    tables = [attrs for tag, attrs in tags if tag == "table"]
    assert tables[1]["width"] == "600" and "max-width:600px" in str(tables[1]["style"])
    assert any(tag == "td" and attrs.get("align") == "center" for tag, attrs in tags)
    # Every coloured element sets both colours so dark-mode rewriting cannot leave it unreadable.
    assert 'style="margin:0;padding:0;background-color:#eef1f4;color:#1f2933;"' in html
    styled_text = [attrs["style"] for tag, attrs in tags if tag in ("p", "li", "h1") and attrs.get("style")]
    assert styled_text and all("color:#" in str(s) for s in styled_text)
    assert "font-family:" in html and "@import" not in html and "url(" not in html


def test_html_headings_sit_below_the_title() -> None:
    html = export([make_tip(body="# Part one\n\ntext\n\n## Part two")], "html").decode()
    assert [t for t, _ in tags_of(html) if re.fullmatch("h[1-6]", t)] == ["h1", "h2", "h3"]
    assert html.count("<h1") == 1


def test_html_export_to_file_is_inferred_from_extension(sample, run, tmp_path: Path) -> None:
    out = tmp_path / "tip.html"
    assert run("export", "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


# --- text ----------------------------------------------------------------------------------


def test_text_wraps_at_72_and_sets_the_takeaway_apart() -> None:
    body = (
        "word " * 80
        + "\n\n- "
        + "item " * 30
        + "\n- short\n\n1. first "
        + "x " * 40
        + "\n2. second\n\n> quoted "
        + "q " * 50
        + f"\n\nSee {URL} for more.\n\n```\n"
        + "c" * 90
        + "\n```"
    )
    text = export([make_tip("T " * 60, body=body, takeaway="Keep going " * 12)], "text").decode()
    assert_width(text)
    lines = text.splitlines()
    assert lines[0] == "TIP OF THE WEEK"
    assert "- item item" in text and "  item" in text  # hanging indent under the bullet
    assert "- short" in lines and any(line.startswith("1. first") for line in lines)
    assert "2. second" in lines
    assert any(line.startswith("> quoted") for line in lines)
    assert URL in text
    box = lines.index("| TAKEAWAY" + " " * 60 + " |")
    assert lines[box - 1] == lines[box + 3] == "+" + "-" * 70 + "+"
    assert lines[box + 1] == "| " + ("Keep going " * 6).rstrip().ljust(68) + " |"
    assert lines[box + 2] == "| " + ("Keep going " * 6).rstrip().ljust(68) + " |"
    assert all(len(line) == 72 for line in lines[box - 1 : box + 4])


def test_text_is_the_default_on_stdout(sample, run) -> None:
    result = run("export")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"TIP OF THE WEEK\n\n{WEEK_TIP}\n{'=' * len(WEEK_TIP)}\n")
    assert "Tuesday 24 November 2026 · Healthcare, Communication" in result.stdout
    assert "| Tell people how long and why." in result.stdout
    assert_width(result.stdout)


def test_text_strips_terminal_control_characters() -> None:
    text = export(
        [make_tip("Bad\x1b[31m title\u202e", body="body \x07bell", takeaway="t\x1b]0;x\x07")], "text"
    ).decode()
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text


# --- markdown ------------------------------------------------------------------------------


def split_markdown(doc: str) -> list[tuple[dict[str, object], str]]:
    """(front matter, body) per document, split the way the format defines it."""
    out = []
    chunks = doc.split("+++\n")
    assert chunks[0] == ""
    for front, body in zip(chunks[1::2], chunks[2::2], strict=True):
        out.append((tomllib.loads(front), body))
    return out


def test_markdown_front_matter_has_the_tip_file_keys() -> None:
    tip = make_tip(
        "A Tip",
        summary="line one\n+++\nline three",
        tags=["a", "b"],
        author="Ann",
        source="https://example.org",
    )
    doc = export([tip], "markdown").decode()
    [(data, body)] = split_markdown(doc)
    assert list(data) == [k for k in tip.to_file() if k != "body"]
    assert body == "\n" + tip.body + "\n"
    assert tip_from_dict({**data, "body": body.strip("\n")}, id=tip.id) == tip


def test_markdown_keeps_ids_and_fence_lines() -> None:
    renamed = make_tip("A Tip").with_changes(id="custom-id")
    fenced = make_tip("Fenced", body="Body\n\n+++\n\nmore")
    [(first, body1), (second, body2)] = split_markdown(export([renamed, fenced], "markdown").decode())
    assert next(iter(first)) == "id" and first["id"] == "custom-id"
    assert body1 == "\nSay what happens next.\n\n- one\n- two\n\n"
    assert "id" not in second  # the title's slug is the id already
    assert second["body"] == "Body\n\n+++\n\nmore" and body2 == ""


def test_markdown_round_trips_through_the_importer(sample, run) -> None:
    importer = pytest.importorskip("tipweek.importers.markdown")
    tips = [
        make_tip("A Tip", summary="one\n+++\ntwo", tags=["x"], author="Ann", source="Book", excerpt=False),
        make_tip("Fenced", body="Body\n\n+++\n\n**more** <b>x</b>").with_changes(id="renamed"),
        make_tip('Café — ünïcode "quoted"', body="- a\n- b", takeaway=""),
    ]
    doc = export(tips, "markdown", ExportOptions(digest=True)).decode()
    result = importer.parse(doc, "tips.md")
    assert result.problems == []
    assert result.tips == tips
    # And from the command line, a digest is one file with one document per tip.
    out = json.loads(run("export", "--format", "json", "--category", "service recovery").stdout)
    doc = run("export", "--format", "md", "--category", "service recovery").stdout
    assert [t.id for t in importer.parse(doc, "x.md").tips] == [t["id"] for t in out]


# --- json ----------------------------------------------------------------------------------


def test_json_is_an_object_for_one_tip_and_a_list_for_a_digest(sample, run) -> None:
    one = json.loads(run("export", "explain", "--format", "json").stdout)
    assert one["id"] == "explain-the-wait" and one["title"] == WEEK_TIP
    assert list(one) == TIP_KEYS
    many = json.loads(run("export", "--format", "json", "--category", "service-recovery").stdout)
    assert [t["id"] for t in many] == ["apologize-without-excuses", "greet-the-second-customer"]
    single_digest = json.loads(run("export", "--format", "json", "--limit", "1").stdout)
    assert isinstance(single_digest, list) and len(single_digest) == 1


# --- fortune -------------------------------------------------------------------------------


def fortune_cookies(text: str) -> list[str]:
    assert text.endswith("\n%\n")
    cookies = text[: -len("\n%\n")].split("\n%\n")
    for cookie in cookies:
        assert cookie.strip()
        assert not any(line.startswith("%") for line in cookie.split("\n"))
    return cookies


def test_fortune_file_parses(sample, run, tmp_path: Path) -> None:
    out = tmp_path / "tips.fortune"
    result = run("export", "--category", "service-recovery", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    cookies = fortune_cookies(out.read_text(encoding="utf-8"))
    assert cookies == [
        "Apologize Without Excuses\u00a0— Say sorry, then say what happens next.",
        "Greet the Second Customer\u00a0— Look up and nod at the next person.",
    ]


def test_fortune_never_lets_tip_text_end_a_cookie() -> None:
    tips = [
        make_tip("%", takeaway="100%"),
        make_tip("%%", takeaway=""),
        make_tip("Long " * 20 + "%", takeaway="% " * 10),
    ]
    text = export(tips, "fortune", ExportOptions(digest=True)).decode()
    cookies = fortune_cookies(text)
    assert len(cookies) == 3
    assert_width(text)
    assert cookies[1].startswith(" %%\n")  # title, then the blurb


def test_fortune_is_accepted_by_strfile(sample, run, tmp_path: Path) -> None:
    strfile = shutil.which("strfile")
    if strfile is None:
        pytest.skip("strfile is not installed")
    out = tmp_path / "tips"
    assert run("export", "--format", "fortune", "--since", "2026-01-01", "-o", str(out)).exit_code == 0
    done = subprocess.run([strfile, str(out)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "There were 6 strings" in done.stdout
    assert (tmp_path / "tips.dat").exists()


# --- svg -----------------------------------------------------------------------------------


def test_svg_is_the_terminal_panel(sample, run) -> None:
    result = run("export", "--format", "svg")
    assert result.exit_code == 0
    svg = result.stdout
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "Explain&#160;the&#160;Wait" in svg or "Explain the Wait" in svg
    # In colour even though the tests set NO_COLOR: the picture must not depend on the terminal.
    assert len(set(re.findall(r"fill: (#[0-9a-f]{6})", svg))) >= 3


def test_svg_escapes_markup() -> None:
    svg = export([make_tip("<script>alert(1)</script>")], "svg").decode()
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


# --- files, formats and selection ----------------------------------------------------------


def test_output_refuses_to_overwrite_without_force(sample, run, tmp_path: Path) -> None:
    out = tmp_path / "tip.txt"
    out.write_text("keep me", encoding="utf-8")
    result = run("export", "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr == f"error: {out} already exists (use --force to overwrite it)\n"
    assert out.read_text(encoding="utf-8") == "keep me"
    result = run("export", "-o", str(out), "--force")
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("TIP OF THE WEEK\n")
    assert sorted(os.listdir(tmp_path / ".")) == sorted(p.name for p in tmp_path.iterdir())
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # no temporary left


def test_output_creates_missing_folders(sample, run, tmp_path: Path) -> None:
    out = tmp_path / "new" / "deep" / "tip.json"
    assert run("export", "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["title"] == WEEK_TIP


@pytest.mark.parametrize(
    ("name", "output", "expected"),
    [
        (None, None, "text"),
        (None, "x.eml", "eml"),
        (None, "x.HTML", "html"),
        (None, "x.htm", "html"),
        (None, "x.txt", "text"),
        (None, "x.md", "markdown"),
        (None, "x.json", "json"),
        (None, "x.svg", "svg"),
        (None, "x.fortune", "fortune"),
        (None, "tips", "eml"),
        ("md", "x.md", "markdown"),
        ("md", "notes", "markdown"),
        ("eml", "x.docx", "eml"),
        ("JSON", None, "json"),
        ("fortune", None, "fortune"),
    ],
)
def test_format_for(name: str | None, output: str | None, expected: str) -> None:
    assert format_for(name, Path(output) if output else None) == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["-o", "tip.docx"],
            "error: -o tip.docx: no export format writes .docx files (give --format, or use one of "
            ".eml, .html, .txt, .md, .json, .fortune, .svg, .atom)\n",
        ),
        (
            ["-f", "markdown", "-o", "tip.html"],
            "error: -o tip.html is html, but --format is markdown "
            "(change one: --format html, or -o tip.md)\n",
        ),
        (
            ["--format", "eml", "-o", "week.txt"],
            "error: -o week.txt is text, but --format is eml (change one: --format text, or -o week.eml)\n",
        ),
    ],
)
def test_an_output_name_that_contradicts_the_format_is_refused(
    sample, run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = run("export", *args)
    assert result.exit_code == 2
    assert result.stderr == message
    assert list(work.iterdir()) == []  # nothing written


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["-o", "plan.ics", "--format", "json"],
            "error: -o plan.ics is ics, but --format is json (change one)\n",
        ),
        (
            ["-o", "plan.txt"],
            "error: -o plan.txt: schedule writes ics or json files (use -o FILE.ics or --format ics)\n",
        ),
    ],
)
def test_schedule_checks_the_output_name_too(
    sample, run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = run("schedule", *args)
    assert (result.exit_code, result.stderr) == (2, message)
    assert list(work.iterdir()) == []


def test_unknown_format_lists_the_formats(sample, run) -> None:
    result = run("export", "--format", "pdf")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: unknown export format 'pdf' (formats: eml, html, text, markdown, json, fortune, svg, atom)\n"
    )
    with pytest.raises(BadInput):
        export([make_tip()], "pdf")
    assert set(EXPORTERS) == {"eml", "html", "text", "markdown", "json", "fortune", "svg", "atom"}


def test_today_week_and_id_pick_the_right_tip(sample, run) -> None:
    day = json.loads(run("today", "--json").stdout)["id"]
    assert json.loads(run("export", "today", "--format", "json").stdout)["id"] == day
    assert json.loads(run("export", "week", "--format", "json").stdout)["id"] == "explain-the-wait"
    assert json.loads(run("export", "greet", "--format", "json").stdout)["id"] == "greet-the-second-customer"
    picked = json.loads(run("export", "week", "--date", "2026-12-09", "--format", "json").stdout)
    assert picked["id"] == "plan-the-snow-day"
    today_eml = parse_eml(run("export", "today", "--format", "eml").stdout_bytes)
    assert "TIP OF THE DAY" in parts(today_eml)[0]


def test_unknown_id_and_misused_options(sample, run) -> None:
    result = run("export", "no-such-tip")
    assert result.exit_code == 1 and result.stderr.startswith("error: no tip with id 'no-such-tip'")
    result = run("export", "greet", "--category", "empathy")
    assert result.exit_code == 2 and "takes no tip id" in result.stderr
    assert run("export", "greet", "--date", "2026-11-03").exit_code == 2
    assert run("export", "--category", "empathy", "--date", "today").exit_code == 2
    result = run("export", "--since", "2030-01-01")
    assert result.exit_code == 1 and result.stderr == "error: no tips match those filters\n"


def test_digest_by_category_is_one_email(sample, run) -> None:
    result = run("export", "--category", "service recovery", "--format", "eml", "--to", "team@example.org")
    assert result.exit_code == 0, result.stderr
    message = parse_eml(result.stdout_bytes)
    assert message["Subject"] == "Tips of the Week: 2 tips"
    plain, html = parts(message)
    assert plain.startswith("TIPS OF THE WEEK\n")
    assert plain.index("Apologize Without Excuses") < plain.index("Greet the Second Customer")
    assert html.count("<h1 ") == 2
    assert "Answer the Phone Awake" not in plain
    assert_email_safe(html)
    assert_width(plain)
    custom = parse_eml(
        run(
            "export",
            "--category",
            "service recovery",
            "--format",
            "eml",
            "--subject",
            "{count} tips, newest: {title}",
        ).stdout_bytes
    )
    assert custom["Subject"] == "2 tips, newest: Apologize Without Excuses"


def test_excerpt_tips_export_their_summary(library, run) -> None:
    library.add("Short One", "2026-11-24", body="", excerpt=True, summary="Only the start is known.")
    plain, html = parts(parse_eml(run("export", "short-one", "--format", "eml").stdout_bytes))
    assert "Only the start is known." in plain and "Excerpt" in plain
    assert "Only the start is known." in html


def test_help_has_examples(run) -> None:
    for command in ("export", "send"):
        result = run(command, "--help")
        assert result.exit_code == 0
        assert "Examples" in result.stdout
        # The examples keep their own lines.
        assert len(re.findall(rf"^\s+tip {command} \S", result.stdout, re.M)) >= 5
