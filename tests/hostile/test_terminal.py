"""Hostile tip text must reach the terminal as plain data: no control, escape, bidi or
zero-width characters, and Rich markup shown literally instead of being interpreted."""

from __future__ import annotations

import re

import pytest
from tests.conftest import Library, Run

# Characters that must never reach a terminal from tip data (NO_COLOR is set by the fixture,
# so Rich itself writes no escape sequences either).
FORBIDDEN = ("\x1b", "\x07", "\x08", "\x00", "\r", "\u202e", "\u200b")
MARKUP = ("[bold]x[/]", "[/]", "[link=file:///etc/passwd]x[/link]", "[unbalanced")
ESCAPES = (
    "\x1b[31mred\x1b[0m \x1b]8;;http://evil\x07click\x1b]8;;\x07 cr\rbs\x08bel\x07nul\x00 \u202eevil\u200bzw"
)
SGR = re.compile(r"\x1b\[[0-9;]*m")


def hostile(word: str) -> str:
    """A value holding markup, escape sequences, controls, bidi and zero-width characters."""
    return f"{word} [bold]x[/] [/] [link=file:///etc/passwd]x[/link] [unbalanced {ESCAPES}"


@pytest.fixture
def evil(library: Library, monkeypatch: pytest.MonkeyPatch) -> Library:
    """One tip with hostile text in every field, dated this week, plus one plain tip."""
    monkeypatch.setenv("COLUMNS", "400")  # wide enough that no literal is wrapped or folded
    library.add(
        hostile("Zebra"),
        "2026-11-24",
        (hostile("Cat"),),
        slug="zebra",
        body=hostile("Body") + "\n\n- " + hostile("Item") + "\n\n> " + hostile("Quote"),
        summary=hostile("Summary"),
        takeaway=hostile("Takeaway"),
        tags=[hostile("Tag")],
        source=hostile("Source"),
        author=hostile("Author"),
    )
    library.add("Plain Neighbour", "2026-11-03", ("Cat",), body="Zebra crossing advice.")
    return library


def assert_safe(text: str) -> None:
    for char in FORBIDDEN:
        assert char not in text, f"{char!r} reached the terminal"


def assert_literal_markup(text: str) -> None:
    for literal in MARKUP:
        assert literal in text, f"markup {literal!r} was interpreted or lost"


@pytest.mark.parametrize(
    "args",
    [
        ("week",),
        ("today", "--date", "2026-11-24"),
        ("show", "zebra"),
        ("search", "zebra"),
    ],
    ids=["week", "today", "show", "search"],
)
def test_full_views_print_markup_literally_and_no_controls(
    evil: Library, run: Run, args: tuple[str, ...]
) -> None:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert_safe(result.stdout)
    assert_literal_markup(result.stdout)
    assert "Zebra [bold]x[/]" in result.stdout
    # What is left of the escape sequences once ESC/BEL/BS/NUL are removed: inert text.
    assert "[31mred" in result.stdout


def test_show_prints_every_field(evil: Library, run: Run) -> None:
    out = run("show", "zebra").stdout
    for word in ("Zebra", "Cat", "Body", "Item", "Quote", "Takeaway", "Tag", "Source"):
        assert f"{word} [bold]x[/]" in out, word
    assert_safe(out)


@pytest.mark.parametrize(
    "args", [("list",), ("categories",), ("schedule", "--from", "2026-11-23", "-w", "1")]
)
def test_tables_print_markup_literally_and_no_controls(
    evil: Library, run: Run, args: tuple[str, ...]
) -> None:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert_safe(result.stdout)
    assert_literal_markup(result.stdout)


def test_week_short_is_one_clean_line(evil: Library, run: Run) -> None:
    result = run("week", "--short")
    assert result.exit_code == 0
    assert result.stdout.count("\n") == 1
    assert_safe(result.stdout)
    assert result.stdout.startswith(
        "Zebra [bold]x[/] [/] [link=file:///etc/passwd]x[/link] [unbalanced [31mred"
    )
    assert " — Takeaway [bold]x[/]" in result.stdout


def test_json_keeps_the_data_exactly(evil: Library, run: Run) -> None:
    """JSON is data, not terminal output: controls are escaped by json, not dropped."""
    import json

    tip = json.loads(run("show", "zebra", "--json").stdout)
    assert tip["title"] == hostile("Zebra")
    assert "\x1b" not in run("show", "zebra", "--json").stdout  # json escapes it as \u001b


def test_hostile_file_name_as_id_is_cleaned(
    library: Library, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")
    library.add("Odd File", "2026-11-24", slug="odd\x1b[31m\u202e\u200bid[bold]")
    for args in (("list",), ("week",), ("week", "--short"), ("show", "odd")):
        result = run(*args)
        assert result.exit_code == 0, (args, result.stderr)
        assert_safe(result.stdout + result.stderr)
    assert "odd[31mid[bold]" in run("list").stdout


@pytest.mark.parametrize(
    ("args", "code", "start"),
    [
        (("show", "\x1b[31mx\x07\u202e"), 1, "error: no tip with id '[31mx'"),
        (("show", "[bold]x[/]"), 1, "error: no tip with id '[bold]x[/]'"),
        (
            ("list", "--category", "[bold]nope\x1b]8;;http://evil\x07"),
            2,
            "error: unknown category '[bold]nope]8;;http://evil'",
        ),
        (
            ("week", "--category", "[link=file:///etc/passwd]q\r\x08"),
            2,
            "error: unknown category '[link=file:///etc/passwd]q'",
        ),
        (("week", "--date", "[bold]\x1b[2J\x00"), 2, "error: not a date: '[bold][2J'"),
        (("search", "\x1b[31mzzzq\u200b"), 1, "error: no tips match '[31mzzzq'"),
        (("search", '"[bold]'), 2, "error: unbalanced quote in '\"[bold]'"),
    ],
    ids=[
        "show-esc",
        "show-markup",
        "list-category",
        "week-category",
        "week-date",
        "search-none",
        "search-quote",
    ],
)
def test_error_messages_are_one_clean_line(
    evil: Library, run: Run, args: tuple[str, ...], code: int, start: str
) -> None:
    result = run(*args)
    assert result.exit_code == code
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(start)
    assert_safe(result.stderr)


def test_unknown_category_hint_lists_hostile_names_safely(evil: Library, run: Run) -> None:
    result = run("list", "--category", "cat bold x unbalanced")
    assert result.exit_code == 2
    assert_safe(result.stderr)
    assert result.stderr.count("\n") == 1


FORCED = {"NO_COLOR": None, "FORCE_COLOR": "1", "TTY_COMPATIBLE": "1", "COLUMNS": "400"}


@pytest.mark.parametrize(
    "args",
    [("week",), ("show", "zebra"), ("list",), ("categories",), ("search", "zebra"), ("week", "--short")],
)
def test_forced_terminal_emits_only_styling_sequences(evil: Library, run: Run, args: tuple[str, ...]) -> None:
    result = run(*args, env=FORCED)  # type: ignore[dict-item]
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    if args != ("week", "--short"):
        assert SGR.search(out), "the console was not forced into terminal mode"
    rest = SGR.sub("", out)
    assert "\x1b" not in rest  # no cursor moves, OSC titles, OSC 8 links, …
    assert "\x1b]8;" not in out
    assert "file:///etc/passwd]x" in rest
    for char in FORBIDDEN[1:]:
        assert char not in rest


def test_check_and_warnings_clean_hostile_file_names_and_messages(library: Library, run: Run) -> None:
    library.add("Good One", "2026-11-24")
    path = library.write("undated/\x1b[31mbad\u202e\x07.toml", 'title = "\x1b]8;;http://evil\x07"\nbody = [')
    check = run("check")
    assert check.exit_code == 1
    assert_safe(check.stdout + check.stderr)
    assert check.stdout.startswith(str(path.parent / "[31mbad.toml"))
    listed = run("list")
    assert listed.exit_code == 0
    assert listed.stderr.count("\n") == 1
    assert listed.stderr.startswith("warning: skipped 1 unreadable tip file(s): ")
    assert_safe(listed.stderr)
