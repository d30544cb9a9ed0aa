"""One write path (`safewrite`) for every command that writes: no write escapes the library
through a link, a replaced file keeps its mode, new files follow the umask, what is written is
what the reader accepts, and a killed writer's temporary files are swept by the next writer.
"""

from __future__ import annotations

import json
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import Library, Run

from tipweek.errors import LibraryError

GOOD = '# Written by hand.\ntitle = "Hand Made"\ncategories = ["Teamwork"]\nbody = "Keep me."\n'


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


# --- links that lead out of the library ----------------------------------------------------


@pytest.fixture
def escaping(tmp_path: Path) -> tuple[Path, Path]:
    """A library whose `undated` folder is a link to a folder outside it."""
    lib, elsewhere = tmp_path / "team", tmp_path / "elsewhere"
    lib.mkdir()
    elsewhere.mkdir()
    (lib / "undated").symlink_to(elsewhere)
    return lib, elsewhere


def test_add_through_a_linked_folder_is_refused(run: Run, escaping: tuple[Path, Path]) -> None:
    lib, elsewhere = escaping
    result = run("add", "-t", "Sneaky", "-c", "A", "-b", "body", "--into", str(lib))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: refusing to write outside the library folder: {lib}/undated/")
    assert result.stdout == ""
    assert list(elsewhere.iterdir()) == []


def test_import_through_a_linked_folder_is_refused(
    run: Run, escaping: tuple[Path, Path], tmp_path: Path
) -> None:
    lib, elsewhere = escaping
    source = tmp_path / "in.json"
    source.write_text(json.dumps({"title": "Sneaky", "categories": ["A"], "body": "b"}))
    result = run("import", str(source), "--into", str(lib))
    assert result.exit_code == 1
    assert "refusing to write outside the library folder" in result.stderr
    assert "1 failed" in result.stdout
    assert list(elsewhere.iterdir()) == []


def test_edit_of_a_link_to_an_outside_file_is_refused(
    run: Run, sample: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside.toml"
    outside.write_text(GOOD.replace("Hand Made", "Outside"))
    link = sample.root / "undated" / "outside.toml"
    link.symlink_to(outside)
    monkeypatch.setenv("EDITOR", "sh -c 'echo broken >> \"$0\"'")
    result = run("edit", "outside")
    assert result.exit_code == 1
    assert outside.read_text() == GOOD.replace("Hand Made", "Outside")
    assert link.is_symlink()


def test_edit_of_a_link_inside_the_library_changes_the_file_it_points_to(
    run: Run, sample: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = sample.root / "shared" / "hand-made.toml"
    real.parent.mkdir()
    real.write_text(GOOD)
    link = sample.root / "undated" / "alias.toml"
    link.symlink_to(real)
    monkeypatch.setenv("EDITOR", "sed -i s/Keep/Still\\ keep/")
    result = run("edit", "alias")
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink()
    assert 'body = "Still keep me."' in real.read_text()


def test_rm_through_a_linked_folder_is_refused(escaping: tuple[Path, Path]) -> None:
    from tipweek import safewrite

    lib, elsewhere = escaping
    (elsewhere / "victim.toml").write_text(GOOD)
    with pytest.raises(LibraryError, match="outside the library"):
        safewrite.remove_file(lib / "undated" / "victim.toml", lib)
    assert (elsewhere / "victim.toml").exists()


def test_export_over_a_link_replaces_the_link_not_its_target(
    run: Run, sample: Library, tmp_path: Path
) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("precious\n")
    link = tmp_path / "out.txt"
    link.symlink_to(target)
    assert run("export", "greet", "-o", str(link)).exit_code == 1  # exists: needs --force
    result = run("export", "greet", "-o", str(link), "--force")
    assert result.exit_code == 0, result.stderr
    assert target.read_text() == "precious\n"
    assert not link.is_symlink() and "Greet the Second Customer" in link.read_text()


# --- modes --------------------------------------------------------------------------------


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_new_files_follow_the_umask(
    run: Run, sample: Library, tmp_path: Path, isolated: Path, mask: int, expected: int
) -> None:
    from tipweek import safewrite

    old = os.umask(mask)
    try:
        assert (
            run("add", "-t", "Shared Tip", "-c", "A", "-b", "body", "--into", str(sample.root)).exit_code == 0
        )
        assert run("export", "greet", "-o", str(tmp_path / "tip.html")).exit_code == 0
        assert run("schedule", "--format", "ics", "-o", str(tmp_path / "tips.ics")).exit_code == 0
        log = isolated / "data" / "sent.log"
        safewrite.append_text(log, "line\n")
    finally:
        os.umask(old)
    for path in (
        sample.root / "undated" / "shared-tip.toml",
        tmp_path / "tip.html",
        tmp_path / "tips.ics",
        log,
    ):
        assert mode(path) == expected, path


@pytest.mark.parametrize("kept", [0o600, 0o640, 0o664])
def test_edit_keeps_the_mode_of_the_file_it_replaces(
    run: Run, sample: Library, monkeypatch: pytest.MonkeyPatch, umask: None, kept: int
) -> None:
    path = sample.root / "undated" / "hand-made.toml"
    path.write_text(GOOD)
    path.chmod(kept)
    monkeypatch.setenv("EDITOR", "sed -i s/Keep/Still\\ keep/")
    assert run("edit", "hand-made").exit_code == 0
    assert mode(path) == kept
    assert "Still keep me." in path.read_text()


def test_write_file_keeps_mode_and_group(tmp_path: Path, umask: None) -> None:
    from tipweek import safewrite

    path = tmp_path / "lib" / "x.toml"
    path.parent.mkdir()
    path.write_text("old")
    path.chmod(0o604)
    gid = next((g for g in os.getgroups() if g != os.getegid()), os.getegid())
    os.chown(path, -1, gid)
    safewrite.write_file(path, b"new", root=tmp_path / "lib", overwrite=True)
    assert path.read_text() == "new"
    assert mode(path) == 0o604 and path.stat().st_gid == gid


# --- the reader's limits before success ---------------------------------------------------


def test_add_of_a_body_too_large_is_refused(run: Run, sample: Library, tmp_path: Path) -> None:
    body = tmp_path / "body.md"
    body.write_text("word " * 250_000)  # 1.25 MB
    result = run("add", "-t", "Huge", "-c", "A", "--body-file", str(body), "--into", str(sample.root))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: the body file {body} is too large")
    assert not (sample.root / "undated" / "huge.toml").exists()


def test_add_of_a_tip_just_over_the_limit_once_written_is_refused(run: Run, sample: Library) -> None:
    body = "\\" * 600_000  # fits the body limit, but each backslash is written as two
    result = run("add", "-t", "Escaped", "-c", "A", "--body", body, "--into", str(sample.root))
    assert result.exit_code == 2
    assert "is too large to save (1.2 MB; a tip file may be at most 1 MB)" in result.stderr
    assert not (sample.root / "undated" / "escaped.toml").exists()


def test_import_of_a_tip_too_large_fails_that_tip(run: Run, sample: Library, tmp_path: Path) -> None:
    source = tmp_path / "big.json"
    source.write_text(json.dumps([
        {"title": "Big One", "categories": ["A"], "body": "x " * 1_000_000},
        {"title": "Small One", "categories": ["A"], "body": "fine"},
    ]))  # fmt: skip
    result = run("import", str(source), "--into", str(sample.root))
    assert result.exit_code == 1
    assert "error: big-one: 'big-one' is too large to save (2.0 MB" in result.stderr
    assert "1 created" in result.stdout and "1 failed" in result.stdout
    assert run("check").exit_code == 0


def test_add_with_too_many_categories_is_refused(run: Run, sample: Library) -> None:
    args = [arg for n in range(21) for arg in ("-c", f"Cat {n}")]
    result = run("add", "-t", "Everywhere", *args, "-b", "body", "--into", str(sample.root))
    assert result.exit_code == 2
    assert "'categories' has 21 entries; a tip may have at most 20" in result.stderr


# --- temporary files a killed writer left ----------------------------------------------------


def test_the_next_writer_sweeps_stale_temporary_files(run: Run, sample: Library) -> None:
    folder = sample.root / "undated"
    stale = folder / ".killed.toml.1a2b3c4d.tmp"
    fresh = folder / ".running.toml.5e6f7a8b.tmp"
    other = folder / ".notes.txt"
    for path in (stale, fresh, other):
        path.write_text("partial")
    old = time.time() - 120
    for path in (stale, other):
        os.utime(path, (old, old))
    from tipweek import safewrite

    safewrite._swept.clear()
    assert run("add", "-t", "Next Writer", "-c", "A", "-b", "body", "--into", str(sample.root)).exit_code == 0
    assert not stale.exists()
    assert fresh.exists() and other.exists()  # too new, or not a temporary file's name


def test_a_cache_file_replaces_a_link_not_its_target(tmp_path: Path, umask: None) -> None:
    # The fast route's stamp and the kept drawings go through safewrite.write_cache: a link
    # planted where a cache file goes is replaced, and what it pointed to stays as it was.
    from tipweek.safewrite import write_cache

    cache, elsewhere = tmp_path / "cache", tmp_path / "precious.txt"
    cache.mkdir()
    elsewhere.write_text("keep me\n")
    planted = cache / "drawn-0123.txt"
    planted.symlink_to(elsewhere)
    write_cache(str(planted), b"drawn text\n")
    assert not planted.is_symlink() and planted.read_bytes() == b"drawn text\n"
    assert elsewhere.read_text() == "keep me\n"
    assert mode(planted) == 0o644
    write_cache(str(planted), b"drawn again\n")
    assert planted.read_bytes() == b"drawn again\n"
    assert sorted(p.name for p in cache.iterdir()) == ["drawn-0123.txt"]  # no temporary left
