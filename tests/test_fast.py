"""The fast route (`tipweek.cli.fast`) answers exactly as the full command line does.

Every command line of `CASES` runs through both routes, in-process through `tipweek.cli.main`:
the full CLI (`TIP_FAST=0`) and then the fast route. stdout, stderr and the exit code must be
byte for byte the same, and the lines marked `FAST` must really have been answered by the
fast route (the others, unusual ones, by the full CLI).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.conftest import Library

from tipweek.cli import fast, load, main

FAST, FULL = True, False
CASES = [
    (FAST, ["today", "--short"]),
    (FAST, ["week", "--short"]),
    (FAST, ["today", "--json"]),
    (FAST, ["week", "--json"]),
    (FAST, ["today", "-s"]),
    (FAST, ["week", "-j"]),
    (FAST, ["today", "--short", "--json"]),
    (FAST, ["today", "yesterday", "--short"]),
    (FAST, ["week", "--short", "next", "week"]),
    (FAST, ["week", "2026-W50", "-s"]),
    (FAST, ["week", "W02", "--json"]),
    (FAST, ["today", "--date", "2026-11-17", "--json"]),
    (FAST, ["today", "--date=2026-11-03", "-s"]),
    (FAST, ["today", "-d", "in two weeks", "-s"]),
    (FAST, ["week", "-c", "service recovery", "--short"]),
    (FAST, ["today", "--category", "Communication", "-j"]),
    (FAST, ["week", "--category=teamwork", "--date", "2027-01-12", "-s"]),
    (FAST, ["today"]),
    (FAST, ["week"]),
    (FAST, ["week", "--no-pager"]),
    (FAST, ["week", "2026-W50"]),
    (FAST, ["today", "-c", "empathy", "--date", "2026-11-03"]),
    (FAST, ["week", "--pager", "--short"]),
    (FULL, ["week", "--unsent", "--short"]),
    (FULL, ["today", "--help"]),
    (FULL, ["week", "-h", "--short"]),
    (FULL, ["today", "--short", "--bogus"]),
    (FULL, ["today", "-sj"]),
    (FULL, ["today", "--date", "the day after never", "--short"]),
    (FULL, ["today", "--date", "", "--short"]),
    (FULL, ["today", "2026-11-03", "--date", "2026-11-04", "-s"]),
    (FULL, ["week", "-c", "no such category", "--short"]),
    (FULL, ["week", "--date", "--short"]),
    (FULL, ["today", "--short", "--", "x"]),
    (FULL, ["--version"]),
    (FAST, ["show", "greet-the-second-customer"]),
    (FAST, ["show", "explain", "--json"]),
    (FAST, ["show", "apologize-without-excuses", "--no-pager"]),
    (FULL, ["show", "no-such-tip"]),
    (FULL, ["show", "a"]),  # ambiguous: the full CLI lists the choices
    (FULL, ["show"]),
    (FULL, ["show", "greet", "--short"]),
    (FAST, ["search", "wait"]),
    (FAST, ["search", "customer", "--json"]),
    (FAST, ["search", "apologize", "sorry", "-n", "1"]),
    (FAST, ["search", "--limit=2", "customer", "-j"]),
    (FAST, ["search", "customer", "-c", "service recovery", "--no-pager"]),
    (FAST, ["search", "phone", "smile", "--all"]),
    (FULL, ["search", "xyzzy"]),  # nothing found: an error
    (FULL, ["search", "custmer"]),  # a word corrected: said on stderr
    (FULL, ["search", "customer", "-phone"]),
    (FULL, ["search", "customer", "-n", "0"]),
    (FULL, ["search", "customer", "-n2"]),
    (FULL, ["search", "customer", "-n", "two"]),
    (FULL, ["search", "customer", "--since", "2026-01-01"]),
    (FULL, ["search", "customer", "-c", "no such category"]),
    (FULL, ["search", "customer", "--short"]),
    (FULL, ["search", "--", "customer"]),
    (FULL, ["search"]),
    (FAST, ["list"]),
    (FAST, ["list", "--json"]),
    (FAST, ["list", "-c", "empathy", "-n", "1"]),
    (FAST, ["list", "--category=communication", "--limit", "5", "--no-pager"]),
    (FAST, ["list", "--limit", "3", "-j"]),
    (FAST, ["list", "-c", "government", "--json"]),
    (FULL, ["list", "--hidden"]),
    (FULL, ["list", "--year", "2026"]),
    (FULL, ["list", "--since", "2026-11-01"]),
    (FULL, ["list", "empathy"]),
    (FULL, ["list", "-n", "0"]),
    (FULL, ["list", "-s"]),
    (FULL, ["list", "-c", "no such category"]),
    (FULL, ["list", "--help"]),
    (FAST, ["categories"]),
    (FAST, ["categories", "-j"]),
    (FAST, ["categories", "--no-pager", "--json"]),
    (FULL, ["categories", "--aliases"]),
    (FULL, ["categories", "empathy"]),
    (FULL, ["categories", "-c", "empathy"]),
]


def both(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[tuple[str, str, int], bool]:
    """(stdout, stderr, exit code) of the full CLI, after checking the fast route gives the
    same; and whether the fast route answered."""

    def outcome(env_fast: str) -> tuple[tuple[str, str, int], bool]:
        os.environ["TIP_FAST"] = env_fast
        answered = env_fast == "1" and fast.run(argv) is not None
        code = 0
        if not answered:
            try:
                main(argv)
            except SystemExit as exit:
                code = int(exit.code or 0)
        captured = capsys.readouterr()
        return (captured.out, captured.err, code), answered

    try:
        full, _ = outcome("0")
        quick, answered = outcome("1")
    finally:
        os.environ.pop("TIP_FAST", None)
    assert quick == full
    return full, answered


@pytest.mark.parametrize(("route", "argv"), CASES, ids=[" ".join(a) or "-" for _, a in CASES])
def test_both_routes_answer_alike(
    sample: Library, argv: list[str], route: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    both(["today", "--short"], capsys)  # the full CLI leaves its stamp for the fast route
    (out, err, code), answered = both(argv, capsys)
    assert answered == route
    if route:
        assert code == 0 and err == "" and out.endswith("\n")


def test_library_after_and_before_the_command(
    sample: Library, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = Library(tmp_path / "other")
    other.add("Hold the Door", "2026-11-25", ("Teamwork",), takeaway="Small things count.")
    for argv in (["-L", str(other.root), "today", "-s"], ["today", "-s", "--library", str(other.root)]):
        both(argv, capsys)  # the stamp for this --library
        (out, _, code), answered = both(argv, capsys)
        assert answered and code == 0
        assert out == "Hold the Door — Small things count.\n"


def test_an_in_place_edit_reaches_the_fast_route(sample: Library, capsys: pytest.CaptureFixture[str]) -> None:
    both(["week", "--json"], capsys)
    (out, _, _), _ = both(["week", "--json"], capsys)
    path = Path(json.loads(out)["id"] and next(sample.root.rglob("*explain-the-wait.toml")))
    folder = os.stat(path.parent)
    path.write_text(path.read_text(encoding="utf-8").replace("how long and why", "how long, and why"))
    os.utime(path.parent, ns=(folder.st_atime_ns, folder.st_mtime_ns))  # as an in-place save leaves it
    os.environ["TIP_FAST"] = "1"
    try:
        assert fast.run(["week", "--short"]) == 0
    finally:
        os.environ.pop("TIP_FAST")
    assert capsys.readouterr().out == "Explain the Wait — Tell people how long, and why.\n"


def test_a_config_that_warns_keeps_the_full_route(
    sample: Library, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown table is a warning every time, so the fast route (which reads no config)
    must not answer for it."""
    isolated.mkdir(parents=True, exist_ok=True)
    (isolated / "config.toml").write_text('[smpt]\nhost = "mail.example.org"\n', encoding="utf-8")
    both(["today", "--short"], capsys)
    (_, err, code), answered = both(["today", "--short"], capsys)
    assert not answered and code == 0
    assert "smpt: unknown table, left out (did you mean [smtp]?)" in err


def test_no_stamp_means_the_full_route(sample: Library) -> None:
    assert fast.run(["today", "--short"]) is None  # nothing ran before: the full CLI resolves first


@pytest.mark.parametrize(
    ("argv", "parsed"),
    [
        (["today", "--short"], ("today", True, False, None, None, [], [])),
        (
            ["-L", "x", "week", "-j", "next", "week"],
            ("week", False, True, None, None, ["next", "week"], ["x"]),
        ),
        (["week", "--date=W50", "-c", "teamwork", "-s"], ("week", True, False, "W50", "teamwork", [], [])),
        (["today"], ("today", False, False, None, None, [], [])),
        (["today", "-s", "--unsent"], None),
        (["today", "-s", "-L", "lib/"], None),  # not written as the full CLI records it
        (["show", "x", "--json"], ("show", False, True, None, None, ["x"], [])),
        (["-s", "today"], None),
    ],
)
def test_parse(argv: list[str], parsed: tuple[object, ...] | None) -> None:
    request = fast.parse(argv)
    if parsed is None:
        assert request is None
    else:
        assert request is not None
        got = (request.command, request.short, request.json, request.date, request.category)
        assert (*got, request.words, request.libraries) == parsed


@pytest.mark.parametrize("command", fast.HOT)
def test_the_fast_options_are_the_commands_options(command: str) -> None:
    """Each option the fast route reads is one the full command defines, with or without a value."""
    params = load([command]).registered_commands
    info = next(c for c in params if c.name == command)
    import typer.main

    click_command = typer.main.get_command_from_info(
        info, pretty_exceptions_short=True, rich_markup_mode=None
    )
    by_flag = {opt: p for p in click_command.params for opt in (*p.opts, *p.secondary_opts)}
    for flag in fast.OPTIONS[command]:
        assert by_flag[flag].is_flag == (flag not in (*fast.VALUED, *fast.LIBRARY))


def test_the_fast_route_imports_neither_typer_nor_rich(sample: Library, isolated: Path) -> None:
    env = {**os.environ, "TIP_FAST": "0"}
    full = [sys.executable, "-m", "tipweek", "today", "--short"]
    subprocess.run(full, env=env, check=True, capture_output=True)
    heavy = ("typer", "rich", "typing", "dataclasses", "json", "re", "pathlib", "platformdirs", "dateutil")
    probe = (
        "import sys\nfrom tipweek.cli import fast\ncode = fast.run(['week', '--short'])\n"
        f"print(code, sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r}), file=sys.stderr)"
    )
    env["TIP_FAST"] = "1"
    done = subprocess.run([sys.executable, "-c", probe], env=env, check=True, capture_output=True, text=True)
    assert done.stderr.strip() == "0 []"
    drawn = probe.replace("'--short'", "'--no-pager'")  # the tip drawn in full: Rich, but no Typer
    env["TIP_DRAWN_CACHE"] = "0"  # drawn every time
    done = subprocess.run([sys.executable, "-c", drawn], env=env, check=True, capture_output=True, text=True)
    code, imported = done.stderr.strip().split(" ", 1)
    assert code == "0" and "'rich'" in imported and "'typer'" not in imported
    # Into a pipe nothing is paged: no subprocess, shutil or pathlib; a tip drawn is no table.
    lean = ("typer", "pathlib", "subprocess", "shutil", "shlex", "signal")
    done = subprocess.run(
        [sys.executable, "-c", drawn.replace(repr(heavy), repr(lean))],
        env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    assert done.stderr.strip() == "0 []"
    # Drawn again for the same inputs: the text kept (`cli.drawn`), as lean as a short line.
    env["TIP_DRAWN_CACHE"] = "1"
    for expected in ("'rich'", "0 []"):
        done = subprocess.run(
            [sys.executable, "-c", drawn], env=env, check=True, capture_output=True, text=True
        )
        assert expected in done.stderr.strip()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


TERMINAL_CONTROLS = re.compile("[\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


@given(JSON)
def test_dumps_is_json_dumps_with_terminal_controls_escaped(value: object) -> None:
    from tipweek.shapes import dumps

    text = dumps(value)
    expected = json.dumps(value, ensure_ascii=False, indent=2)
    assert not TERMINAL_CONTROLS.search(text)
    # The same data: it reads back to what json.dumps wrote.
    assert json.dumps(json.loads(text), ensure_ascii=False, indent=2) == expected
    if not TERMINAL_CONTROLS.search(expected):
        assert text == expected


def _fast(argv: list[str]) -> int | None:
    os.environ["TIP_FAST"] = "1"
    try:
        return fast.run(argv)
    finally:
        os.environ.pop("TIP_FAST")


def test_the_fast_route_follows_the_hidden_list(
    sample: Library, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    both(["week", "--short"], capsys)
    assert _fast(["week", "--short"]) == 0
    assert capsys.readouterr().out.startswith("Explain the Wait")
    from tipweek.curation import write_hidden

    write_hidden(isolated / "data" / "hidden.toml", ["explain-the-wait"])
    assert _fast(["week", "--short"]) is None  # a new hidden list: the full CLI syncs the index
    (out, _, _), answered = both(["week", "--short"], capsys)
    assert not out.startswith("Explain the Wait")
    assert answered  # the stamp now records the list the index holds
    sample.add("New Undated Tip", None, ("Teamwork",))  # files change: the fast route syncs them
    (again, _, _), answered = both(["week", "--short"], capsys)
    assert answered and not again.startswith("Explain the Wait")


def test_the_fast_route_never_picks_an_excerpt(sample: Library, capsys: pytest.CaptureFixture[str]) -> None:
    sample.add("Only a Teaser", "2026-11-26", body="", excerpt=True, summary="The start of it.")
    both(["week", "--short"], capsys)
    (out, _, _), answered = both(["week", "--json"], capsys)
    assert answered and json.loads(out)["id"] == "explain-the-wait"


def test_the_fast_route_leaves_aliased_libraries_that_changed_to_the_full_cli(
    sample: Library, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    isolated.mkdir(parents=True, exist_ok=True)
    (isolated / "config.toml").write_text('[categories]\naliases = { "Teamwork" = "Team" }\n')
    both(["week", "--short"], capsys)
    assert _fast(["week", "--short"]) == 0  # nothing changed: the index is already aliased
    capsys.readouterr()
    sample.add("Another Teamwork Tip", None, ("Teamwork",))
    assert _fast(["week", "--short"]) is None
    (_, _, code), _ = both(["week", "--short"], capsys)
    assert code == 0


def test_the_fast_search_reads_the_thesaurus_the_config_names(
    sample: Library, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The stamp records the thesaurus files the full CLI resolved (the config's included), so
    a word known only to the trainers' own thesaurus finds the same tips on both routes."""
    isolated.mkdir(parents=True, exist_ok=True)
    (isolated / "ours.toml").write_text('version = 1\n[[group]]\nwords = ["zorblet", "wait"]\n')
    (isolated / "config.toml").write_text('synonyms = "ours.toml"\n', encoding="utf-8")
    both(["categories"], capsys)  # the full CLI leaves its stamp
    (out, err, code), answered = both(["search", "zorblet"], capsys)
    assert answered and code == 0 and err == ""
    assert out.startswith("Explain the Wait")


def test_a_list_after_a_new_tip_is_the_same_on_both_routes(
    sample: Library, capsys: pytest.CaptureFixture[str]
) -> None:
    both(["list"], capsys)
    sample.add("Name the Next Step", "2026-11-05", ("Empathy",), takeaway="Say what happens next.")
    (out, _, _), answered = both(["list", "-c", "empathy", "--json"], capsys)
    assert answered and "name-the-next-step" in [t["id"] for t in json.loads(out)]


# -- a tip file edited in place since the last command ------------------------------------------


def edit_in_place(path: Path, old: str, new: str) -> None:
    """Rewrite the file through the same inode with a later time, and put its folder's time
    back, as an in-place save leaves them: only the file's own time gives the edit away."""
    folder = os.stat(path.parent)
    text = path.read_text(encoding="utf-8")
    assert old in text
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text.replace(old, new, 1))
    stamp = os.stat(path).st_mtime_ns + 1_000_000_000
    os.utime(path, ns=(stamp, stamp))
    os.utime(path.parent, ns=(folder.st_atime_ns, folder.st_mtime_ns))


def full_run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[str, str, int]:
    os.environ["TIP_FAST"] = "0"
    code = 0
    try:
        main(argv)
    except SystemExit as exit:
        code = int(exit.code or 0)
    finally:
        os.environ.pop("TIP_FAST")
    captured = capsys.readouterr()
    return captured.out, captured.err, code


#: (the tip's id, text replaced in its file, by what, whether the fast route still answers)
EDITS = [
    ("explain-the-wait", "how long and why", "how long, and why, kindly", FAST),  # the week's pick
    ("explain-the-wait", '"Communication",', '"Communication", "Kindness",', FAST),  # its categories
    ("explain-the-wait", "2026-11-24", "2026-12-01", FAST),  # moved to next week: another pick
    ("greet-the-second-customer", "queue", "queue kindly", FAST),  # a tag, not the pick
    ("thank-them-for-something-specific", "Then the lesson.", "Then kindly the lesson.", FAST),
    ("plan-the-snow-day", "title = ", "title = 5\nnote = ", FULL),  # now invalid: the full CLI warns
    ("apologize-without-excuses", "[", "[[", FULL),  # no longer TOML
]
AFTER_EDIT = [
    ["week", "--json"],
    ["today", "-c", "teamwork", "--short"],
    ["list", "--json"],
    ["categories"],
    ["search", "kindly"],
    ["show", "explain-the-wait", "--json"],
    ["check"],
]


@pytest.mark.parametrize(("tip", "old", "new", "route"), EDITS, ids=[f"{e[0]}:{e[2][:12]}" for e in EDITS])
def test_an_edited_file_is_read_again_alike_by_both_routes(
    sample: Library,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tip: str,
    old: str,
    new: str,
    route: bool,
) -> None:
    """The same edit in two copies of a library: the first command after it goes through
    the fast route in one (which re-reads the file itself) and the full CLI in the other.
    That command, then a table of commands reading the index, answer byte for byte alike."""
    import shutil

    twin = Library(tmp_path / "twin")
    shutil.copytree(sample.root, twin.root)
    answers = {}
    for lib, fast_first in ((sample, True), (twin, False)):
        monkeypatch.setenv("TIP_LIBRARY", str(lib.root))
        full_run(["week", "--short"], capsys)  # the index, and the stamp for the fast route
        edit_in_place(next(lib.root.rglob(f"*{tip}.toml")), old, new)
        answered = fast_first and _fast(["week", "--json"]) is not None
        assert answered == (route and fast_first)
        first = (capsys.readouterr().out, "", 0) if answered else full_run(["week", "--json"], capsys)
        seen = [first, *(full_run(argv, capsys) for argv in AFTER_EDIT)]
        answers[fast_first] = [tuple(str(part).replace(str(lib.root), "LIB") for part in s) for s in seen]
    assert answers[True] == answers[False]
    if route:  # the edit was seen: each edit brings a word new to the library
        marker = next(word for word in ("kindly", "Kindness", "2026-12-01") if word in new)
        assert any(marker in out for out, _, _ in answers[True])
    else:
        assert f"{tip}.toml" in answers[True][0][1]  # the full CLI's warning names the file


def test_an_edited_file_is_read_again_without_the_model(sample: Library, isolated: Path) -> None:
    """Re-reading one edited file on the fast route imports the TOML parser and the lean
    reading modules, not the model, the library module, `dataclasses`, `typing`, `pathlib`
    or `json` (each costs more than reading the file)."""
    env = {**os.environ, "TIP_FAST": "0"}
    subprocess.run(
        [sys.executable, "-m", "tipweek", "week", "--short"], env=env, check=True, capture_output=True
    )
    edit_in_place(next(sample.root.rglob("*explain-the-wait.toml")), "how long and why", "how long, and why")
    heavy = ("typer", "rich", "typing", "dataclasses", "json", "pathlib", "platformdirs", "dateutil")
    ours = (
        "tipweek.model",
        "tipweek.library",
        "tipweek.store",
        "tipweek.categories",
        "tipweek.index.queries",
    )
    probe = (
        "import sys\nfrom tipweek.cli import fast\ncode = fast.run(['week', '--short'])\n"
        f"print(code, 'tipweek.index.sync' in sys.modules, sorted(m for m in sys.modules if "
        f"m.split('.')[0] in {heavy!r} or m in {ours!r}), file=sys.stderr)"
    )
    env["TIP_FAST"] = "1"
    done = subprocess.run([sys.executable, "-c", probe], env=env, check=True, capture_output=True, text=True)
    assert done.stderr.strip() == "0 True []"
    assert done.stdout == "Explain the Wait — Tell people how long, and why.\n"


DRAWN = [
    ["week"],
    ["today", "-c", "empathy"],
    ["week", "2026-W50", "--no-pager"],
    ["show", "greet-the-second-customer"],
    ["show", "explain"],
    ["list"],
    ["list", "-c", "empathy", "-n", "2", "--no-pager"],
    ["categories"],
]


def _never(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("drawn again: the text kept should have been printed")


@pytest.mark.parametrize("argv", DRAWN, ids=" ".join)
def test_a_tip_drawn_again_is_the_text_kept(
    sample: Library, argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    both(["today", "--short"], capsys)
    (out, _, _), answered = both(argv, capsys)  # the full CLI, then the fast route keeps the text
    assert answered
    from tipweek.cli import drawing

    monkeypatch.setattr(drawing, "make_console", _never)
    assert _fast(argv) == 0
    assert capsys.readouterr().out == out


def _fast_then_full(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """The fast route's output, the first to see the library as it is now, after checking the
    full CLI prints the same."""
    assert _fast(argv) == 0
    quick = capsys.readouterr().out
    (full, _, _), _ = both(argv, capsys)
    assert quick == full
    return quick


def test_the_text_kept_follows_an_edit_of_the_tip(
    sample: Library, capsys: pytest.CaptureFixture[str]
) -> None:
    both(["today", "--short"], capsys)
    both(["week"], capsys)
    path = next(sample.root.rglob("*explain-the-wait.toml"))
    edit_in_place(path, "how long and why", "how long, and why")
    assert "how long, and why" in _fast_then_full(["week"], capsys)


def test_the_text_kept_follows_an_edit_of_a_tip_under_see_also(
    sample: Library, capsys: pytest.CaptureFixture[str]
) -> None:
    both(["today", "--short"], capsys)
    (out, _, _), _ = both(["show", "greet-the-second-customer"], capsys)
    similar = out.split("See also", 1)[1].split()[1:]
    title_word = next(w for w in similar if w[:1].isupper())
    path = next(p for p in sample.root.rglob("*.toml") if f'title = "{title_word}' in p.read_text("utf-8"))
    edit_in_place(path, f'title = "{title_word}', f'title = "Zebra {title_word}')
    assert f"Zebra {title_word}" in _fast_then_full(["show", "greet-the-second-customer"], capsys)


def test_the_text_kept_follows_the_width(
    sample: Library, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    both(["today", "--short"], capsys)
    wide = both(["week"], capsys)[0][0]
    monkeypatch.setenv("COLUMNS", "60")
    narrow = _fast_then_full(["week"], capsys)
    assert narrow != wide and max(len(line) for line in narrow.splitlines()) == 60


def test_no_text_kept_when_the_cache_is_off(
    sample: Library, isolated: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIP_DRAWN_CACHE", "0")
    both(["today", "--short"], capsys)
    both(["week"], capsys)
    assert _fast(["week"]) == 0
    assert not list((isolated / "cache").glob("drawn-*"))
    monkeypatch.delenv("TIP_DRAWN_CACHE")
    assert _fast(["week"]) == 0
    assert len(list((isolated / "cache").glob("drawn-*"))) == 1


@pytest.mark.parametrize(
    "argv", [["search", "customer", "--json"], ["list", "-j"], ["categories", "--json"]], ids=" ".join
)
def test_json_from_the_other_reads_needs_neither_typer_nor_rich(
    sample: Library, isolated: Path, argv: list[str]
) -> None:
    env = {**os.environ, "TIP_FAST": "0"}
    subprocess.run([sys.executable, "-m", "tipweek", "categories"], env=env, check=True, capture_output=True)
    probe = (
        f"import sys\nfrom tipweek.cli import fast\ncode = fast.run({argv!r})\n"
        "print(code, sorted(m for m in sys.modules if m.split('.')[0] in ('typer', 'rich')), file=sys.stderr)"
    )
    env["TIP_FAST"] = "1"
    done = subprocess.run([sys.executable, "-c", probe], env=env, check=True, capture_output=True, text=True)
    assert done.stderr.strip() == "0 []"


def test_a_list_kept_follows_edits_and_the_day(
    sample: Library, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    both(["today", "--short"], capsys)
    both(["list"], capsys)
    path = next(sample.root.rglob("*plan-the-snow-day.toml"))
    edit_in_place(path, 'title = "Plan the Snow Day"', 'title = "Plan the Snowy Day"')
    assert "Plan the Snowy Day" in _fast_then_full(["list"], capsys)
    scheduled = _fast_then_full(["list"], capsys).count("scheduled")
    monkeypatch.setenv("TIP_TODAY", "2027-06-01")  # no tip is ahead any more
    assert _fast_then_full(["list"], capsys).count("scheduled") == 0 < scheduled


def test_categories_kept_follow_a_new_tip(sample: Library, capsys: pytest.CaptureFixture[str]) -> None:
    both(["today", "--short"], capsys)
    both(["categories"], capsys)
    sample.add("Count the Chairs", None, ("Facilities",))
    assert "Facilities" in _fast_then_full(["categories"], capsys)


def test_only_the_newest_entries_are_kept(
    sample: Library, isolated: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tipweek.cli import drawn

    monkeypatch.setattr(drawn, "ENTRIES", 2)
    both(["today", "--short"], capsys)
    for argv in (["week"], ["today"], ["categories"]):
        assert _fast(argv) == 0
        time.sleep(0.02)  # file times a clock tick apart: the oldest is well defined
    capsys.readouterr()
    kept = [p.read_text(encoding="utf-8") for p in (isolated / "cache").glob("drawn-*.txt")]
    assert len(kept) == 2
    assert any("Categor" in text for text in kept)  # the newest stays
    assert not any("tip of the week" in text for text in kept)  # the oldest went


def test_nothing_is_kept_on_windows(
    sample: Library, isolated: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rich asks a Windows console what it can draw (not in the key): draw every time there."""
    both(["today", "--short"], capsys)
    monkeypatch.setattr(sys, "platform", "win32")
    (out, _, _), answered = both(["week"], capsys)
    assert answered and out
    assert not list((isolated / "cache").glob("drawn-*"))
