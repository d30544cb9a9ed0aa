"""Broken, odd and hostile tip files: `tip check` names each problem (with the line where
known) and exits 1; every other command prints one warning line and serves the good tips."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from tests.conftest import Library, Run

from tipweek.errors import TipFileError
from tipweek.library import MAX_FILE_BYTES, read_tip

GOOD = 'title = "Fine"\ncategories = ["x"]\nbody = "b"\n'
HINT = " (run `tip check` for the full list)\n"


@pytest.fixture
def good(library: Library) -> Library:
    library.add("Good One", "2026-11-03")
    return library


def assert_reported(run: Run, path: Path, problem: str) -> None:
    """`tip check` lists `problem`; `tip list` warns once and still serves the good tip."""
    check = run("check")
    assert check.exit_code == 1
    assert check.stdout == f"{problem}\n"
    assert check.stderr == "1 tips checked, 1 error(s)\n"
    listed = run("list", "--json")
    assert listed.exit_code == 0
    assert listed.stderr == f"warning: skipped 1 unreadable tip file(s): {problem}{HINT}"
    assert [t["id"] for t in json.loads(listed.stdout)] == ["good-one"]
    week = run("week", "--date", "2026-11-03", "--short")
    assert week.exit_code == 0
    assert week.stdout.startswith("Good One")
    assert week.stderr.count("\n") == 1


CASES = {
    "empty": (b"", None, "empty tip file (it needs at least title, categories and body)"),
    "not-utf8": (
        b'title = "A"\ncategories = ["x"]\nbody = "caf\xe9"\n',
        3,
        "not UTF-8 text (save the file as UTF-8)",
    ),
    "latin1-bom-less": (b"\xff\xfet\x00i\x00", 1, "not UTF-8 text (save the file as UTF-8)"),
    "invalid-toml": (b'title = "A"\ncategories = [\nbody = "b"\n', 3, "invalid TOML: Invalid value"),
    "binary-with-nul": (b"SQLite format 3\x00\x10\x00\x01", None, "not a text file (it contains NUL bytes)"),
    "binary-png": (b"\x89PNG\r\n\x1a\n\x00\x00", 1, "not UTF-8 text (save the file as UTF-8)"),
    "impossible-toml-date": (
        b'title = "A"\ndate = 2026-02-30\ncategories = ["x"]\nbody = "b"\n',
        2,
        "invalid TOML: Invalid date or datetime",
    ),
    "impossible-month": (
        b'title = "A"\ndate = 2026-13-01\ncategories = ["x"]\nbody = "b"\n',
        2,
        "invalid TOML: Expected newline or end of document after a statement",
    ),
    "impossible-string-date": (
        b'title = "A"\ndate = "2026-02-30"\ncategories = ["x"]\nbody = "b"\n',
        2,
        "'date' is not a real date: '2026-02-30'",
    ),
    "unknown-key": (
        GOOD.encode() + b"colour = 1\n",
        4,
        "unknown key 'colour' (known keys: title, date, added, categories, "
        "tags, author, publisher, source, excerpt, summary, takeaway, body)",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_broken_file(good: Library, run: Run, name: str) -> None:
    content, line, message = CASES[name]
    path = good.write(f"undated/{name}.toml", content)
    assert_reported(run, path, f"{path}:{line}: {message}" if line else f"{path}: {message}")


# Each key with a wrong type, placed on line 2 of an otherwise valid file.
WRONG_TYPES = {
    "title": ("title = 1", "'title' must be a string, not int"),
    "date": ('date = "June"', "'date' is not a real date: 'June'"),
    "categories": ("categories = 1", "'categories' must be a list of strings"),
    "tags": ("tags = { a = 1 }", "'tags' must be a list of strings"),
    "excerpt": ('excerpt = "yes"', "'excerpt' must be true or false"),
    "summary": ('summary = ["a"]', "'summary' must be a string, not list"),
    "body": ("body = 1", "'body' must be a string, not int"),
    "author": ('author = ["a", "b"]', "'author' must be a string, not list"),
    "source": ("source = 3", "'source' must be a string, not int"),
    "takeaway": ("takeaway = 1.5", "'takeaway' must be a string, not float"),
}


@pytest.mark.parametrize("key", list(WRONG_TYPES))
def test_wrong_type(good: Library, run: Run, key: str) -> None:
    assignment, message = WRONG_TYPES[key]
    base = {"title": '"Typed"', "categories": '["x"]', "body": '"b"'}
    base.pop(key, None)
    text = "# a tip with one bad key\n" + assignment + "\n" + "".join(f"{k} = {v}\n" for k, v in base.items())
    path = good.write(f"undated/wrong-{key}.toml", text)
    assert_reported(run, path, f"{path}:2: {message}")


def test_bom_prefixed_file_loads(good: Library, run: Run) -> None:
    good.write("undated/bom.toml", "\ufeff" + GOOD)
    check = run("check")
    assert check.exit_code == 0
    assert check.stdout == ""
    assert check.stderr == "2 tips checked, 0 error(s)\n"
    tip = json.loads(run("show", "bom", "--json").stdout)
    assert tip["title"] == "Fine"


def test_crlf_file_loads(good: Library, run: Run) -> None:
    good.write("undated/crlf.toml", GOOD.replace("\n", "\r\n").encode())
    assert run("check").exit_code == 0
    assert json.loads(run("show", "crlf", "--json").stdout)["title"] == "Fine"


def test_huge_file_is_reported_as_too_large_quickly(good: Library, run: Run) -> None:
    body = "word " * 2_000_000  # 10 MB
    path = good.write("undated/huge.toml", f'title = "Huge"\ncategories = ["x"]\nbody = "{body}"\n')
    assert path.stat().st_size > 10 * MAX_FILE_BYTES
    started = time.monotonic()
    assert_reported(run, path, f"{path}: file is too large (10.0 MB; a tip file may be at most 1 MB)")
    assert time.monotonic() - started < 5


def test_directory_named_toml_is_a_folder(good: Library, run: Run) -> None:
    """A folder whose name ends in .toml is walked like any folder, never read as a file."""
    good.root.joinpath("odd.toml").mkdir()
    good.write("odd.toml/inside.toml", GOOD)
    check = run("check")
    assert check.exit_code == 0
    assert check.stderr == "2 tips checked, 0 error(s)\n"
    assert sorted(t["id"] for t in json.loads(run("list", "--json").stdout)) == ["good-one", "inside"]


def test_read_tip_on_a_folder_names_it(tmp_path: Path) -> None:
    folder = tmp_path / "x.toml"
    folder.mkdir()
    with pytest.raises(TipFileError) as caught:
        read_tip(folder)
    assert str(caught.value) == f"{folder}: is a folder, not a tip file"


def test_directory_symlink_loop_is_not_followed(good: Library, run: Run) -> None:
    (good.root / "2026" / "loop").symlink_to(good.root, target_is_directory=True)
    started = time.monotonic()
    check = run("check")
    assert check.exit_code == 0
    assert check.stderr == "1 tips checked, 0 error(s)\n"
    listed = run("list", "--json")
    assert listed.stderr == ""
    assert [t["id"] for t in json.loads(listed.stdout)] == ["good-one"]
    assert time.monotonic() - started < 5


def test_symlink_named_toml_to_a_folder(good: Library, run: Run) -> None:
    link = good.root / "2026" / "loop.toml"
    link.symlink_to(good.root, target_is_directory=True)
    assert_reported(run, link, f"{link}: is a folder, not a tip file")


def test_file_symlink_loop(good: Library, run: Run) -> None:
    a, b = good.root / "a.toml", good.root / "b.toml"
    a.symlink_to(b)
    b.symlink_to(a)
    check = run("check")
    assert check.exit_code == 1
    assert check.stdout == (
        f"{a}: cannot read: Too many levels of symbolic links\n"
        f"{b}: cannot read: Too many levels of symbolic links\n"
    )
    listed = run("list", "--json")
    assert listed.exit_code == 0
    assert listed.stderr == (
        f"warning: skipped 2 unreadable tip file(s): {a}: cannot read: Too many levels of symbolic links"
        f" and 1 more{HINT}"
    )
    assert [t["id"] for t in json.loads(listed.stdout)] == ["good-one"]


def test_unreadable_file(good: Library, run: Run) -> None:
    path = good.write("undated/secret.toml", GOOD)
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root (or with CAP_DAC_OVERRIDE): chmod 000 does not stop reads here")
        assert_reported(run, path, f"{path}: cannot read: Permission denied")
    finally:
        path.chmod(0o644)


def test_hidden_and_non_toml_files_are_ignored(good: Library, run: Run) -> None:
    good.write("undated/.hidden.toml", "garbage = [")
    good.write(".git/x.toml", "garbage = [")
    good.write("undated/notes.txt", "garbage = [")
    good.write("undated/backup.toml~", "garbage = [")
    check = run("check")
    assert check.exit_code == 0
    assert check.stderr == "1 tips checked, 0 error(s)\n"


def test_missing_library_path(good: Library, run: Run, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-library"
    listed = run("--library", str(missing), "list", "--json")
    assert listed.exit_code == 0
    assert listed.stderr == f"warning: library folder not found: {missing}\n"
    assert [t["id"] for t in json.loads(listed.stdout)] == ["good-one"]
    check = run("--library", str(missing), "check")
    assert f"{missing}: library folder does not exist" in check.stdout
    # Checking a library that is not there must not pass silently (a typo in CI would).
    assert check.exit_code == 1


def test_library_path_that_is_a_file(good: Library, run: Run, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file.toml"
    not_a_folder.write_text(GOOD)
    listed = run("--library", str(not_a_folder), "list", "--json")
    assert listed.exit_code == 0
    assert listed.stderr == f"warning: library folder not found: {not_a_folder}\n"
    assert [t["id"] for t in json.loads(listed.stdout)] == ["good-one"]


def test_duplicate_ids_across_libraries_later_wins(good: Library, run: Run, tmp_path: Path) -> None:
    later = Library(tmp_path / "later")
    later.root.mkdir()
    first = good.add("Same Name", "2026-11-10", body="From the first library.")
    second = later.add("Same Name", "2026-11-17", body="From the later library.")
    shown = json.loads(run("--library", str(later.root), "show", "same-name", "--json").stdout)
    assert shown["body"] == "From the later library."
    assert shown["date"] == "2026-11-17"
    ids = [t["id"] for t in json.loads(run("--library", str(later.root), "list", "--json").stdout)]
    assert ids == ["same-name", "good-one"]
    check = run("--library", str(later.root), "check")
    assert check.exit_code == 0  # a replacement is a warning, not an error
    assert check.stdout == f"{second}: warning: replaces 'same-name' from {first}\n"
    assert check.stderr == "2 tips checked, 0 error(s), 1 warning(s)\n"


def test_duplicate_ids_in_one_library_is_an_error(good: Library, run: Run) -> None:
    dated = good.add("Twice", "2026-11-10")
    undated = good.add("Twice", None)
    check = run("check")
    assert check.exit_code == 1
    first, second = sorted([str(dated), str(undated)])
    assert check.stdout == f"{second}: duplicate id 'twice': {first} has it too\n"
