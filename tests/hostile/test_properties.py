"""Properties over arbitrary Unicode: a tip survives the file format unchanged, and
rendering any tip never raises nor lets a control, escape or bidi character through."""

from __future__ import annotations

import io
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from tipweek import render
from tipweek.library import parse_tip, tip_to_toml
from tipweek.model import Tip

# Any character but lone surrogates (which UTF-8, and so a tip file, cannot hold).
CHARS = st.characters(exclude_categories=("Cs",))


# tip_from_dict strips the white space around title, summary, takeaway, source, author and each
# category and tag, drops blank and repeated categories and tags, and strips newlines around the
# body: values are generated already in that normal form, so a read-back must be equal.
# The file format adds one more normalisation: tomli_w writes a string with a newline as a
# multi-line TOML string, where a literal CRLF reads back as LF (TOML spec), so values never
# hold "\r\n" (lone CRs are escaped and survive); see test_crlf_in_a_field_reads_back_as_lf.
def _no_crlf(value: str) -> bool:
    return "\r\n" not in value


STRIPPED = st.text(CHARS, max_size=40).map(str.strip).filter(_no_crlf)
NON_BLANK = STRIPPED.filter(bool)
BODY = (
    st.text(CHARS, min_size=1, max_size=200)
    .map(lambda s: s.strip("\n"))
    .filter(lambda s: s.strip() and _no_crlf(s))
)
LABELS = st.lists(NON_BLANK, max_size=4).map(lambda items: tuple(dict.fromkeys(items)))

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def tips(draw: st.DrawFn) -> Tip:
    return Tip(
        id="t",
        title=draw(NON_BLANK),
        categories=draw(LABELS.filter(bool)),
        date=draw(st.none() | st.dates()),
        summary=draw(STRIPPED),
        takeaway=draw(STRIPPED),
        body=draw(BODY),
        tags=draw(LABELS),
        source=draw(STRIPPED),
        author=draw(STRIPPED),
        excerpt=draw(st.booleans()),
    )


@PROPERTY
@given(tips())
def test_tip_round_trips_through_toml(tip: Tip) -> None:
    assert parse_tip(tip_to_toml(tip), "lib/undated/t.toml") == tip


@PROPERTY
@given(
    st.text(CHARS, max_size=60).filter(lambda s: s.strip() and _no_crlf(s)),
    st.text(CHARS, max_size=200).filter(lambda s: s.strip() and _no_crlf(s)),
)
def test_unnormalised_values_read_back_normalised(title: str, body: str) -> None:
    """Values with surrounding white space come back in the normal form `tip_from_dict` makes."""
    tip = Tip(id="t", title=title, categories=(" a ", "a", " "), body=body, tags=("  x", "x "))
    back = parse_tip(tip_to_toml(tip), "lib/undated/t.toml")
    assert back.title == title.strip()
    assert back.body == body.strip("\n")
    assert back.categories == ("a",)
    assert back.tags == ("x",)


def test_crlf_in_a_field_reads_back_as_lf() -> None:
    tip = Tip(id="t", title="T", categories=("x",), body="one\r\ntwo", author="a\r\nb", takeaway="lone\rcr")
    back = parse_tip(tip_to_toml(tip), "lib/undated/t.toml")
    assert (back.body, back.author, back.takeaway) == ("one\ntwo", "a\nb", "lone\rcr")


FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069]")
SGR = re.compile(r"\x1b\[[0-9;]*m")
HOSTILE_CHARS = st.sampled_from(
    [
        "\x1b",
        "\x1b[31m",
        "\x1b]8;;http://evil\x07",
        "\x07",
        "\x08",
        "\x00",
        "\r",
        "\u202e",
        "\u200b",
        "\u2066",
        "\x9b",
        "[bold]",
        "[/]",
        "[link=file:///etc/passwd]",
        "[",
        "\n",
        "*",
        "#",
        "> ",
        "- ",
        "`",
    ]
)
HOSTILE_TEXT = st.lists(HOSTILE_CHARS | st.text(CHARS, max_size=5), max_size=12).map("".join)


@st.composite
def hostile_tips(draw: st.DrawFn) -> Tip:
    text = st.one_of(HOSTILE_TEXT, st.text(CHARS, max_size=40))
    return Tip(
        id=draw(text),
        title=draw(text),
        categories=tuple(draw(st.lists(text, max_size=3))),
        date=draw(st.none() | st.dates()),
        summary=draw(text),
        takeaway=draw(text),
        body=draw(st.one_of(HOSTILE_TEXT, st.text(CHARS, max_size=200))),
        tags=tuple(draw(st.lists(text, max_size=3))),
        source=draw(text),
        excerpt=draw(st.booleans()),
    )


@PROPERTY
@given(hostile_tips(), st.booleans())
def test_tip_panel_never_raises_nor_leaks_controls(tip: Tip, labelled: bool) -> None:
    out = io.StringIO()
    Console(file=out, width=60).print(render.tip_panel(tip, label="tip of the week · " if labelled else ""))
    text = out.getvalue()
    assert not FORBIDDEN.search(text.replace("\n", "").replace("\t", ""))
    assert "\x1b" not in text


@PROPERTY
@given(hostile_tips())
def test_tip_panel_on_a_colour_terminal_writes_only_styling(tip: Tip) -> None:
    out = io.StringIO()
    Console(file=out, width=60, force_terminal=True, color_system="truecolor").print(render.tip_panel(tip))
    rest = SGR.sub("", out.getvalue())
    assert "\x1b" not in rest
    assert not FORBIDDEN.search(rest.replace("\n", "").replace("\t", ""))


@PROPERTY
@given(hostile_tips())
def test_one_line_views_are_one_clean_line(tip: Tip) -> None:
    line = render.short_line(tip)
    assert "\n" not in line
    assert not FORBIDDEN.search(line)
    out = io.StringIO()
    Console(file=out, width=60).print(render.tips_table([tip]))
    assert not FORBIDDEN.search(out.getvalue().replace("\n", ""))
