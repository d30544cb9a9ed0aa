"""Keeping the index current: an edit is seen by the next command, however the file was saved.

A file rewritten in place (same inode, `open(path, "wb")`) changes only its own time, not its
folder's: these tests put the folder's time back after each edit to make sure that the files'
own times are what gives the edit away.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tipweek.index import open_store, watch
from tipweek.library import LibrarySource
from tipweek.store import Filters

SOURCE_YEARS = ("2024", "2025", "2026")


def make_library(root: Path, per_year: int = 6) -> list[Path]:
    paths = []
    for year in SOURCE_YEARS:
        folder = root / year
        folder.mkdir(parents=True)
        for n in range(per_year):
            path = folder / f"{year}-03-{n + 1:02d}-tip-{year}-{n}.toml"
            path.write_text(
                f'title = "Tip {year} {n}"\ndate = {year}-03-{n + 1:02d}\ncategories = ["Teamwork"]\n'
                f'body = "The usual wording, number {n}."\n',
                encoding="utf-8",
            )
            paths.append(path)
    return paths


def rewrite_in_place(path: Path, old: str, new: str) -> None:
    """Rewrite the file through the same inode, then put its folder's time back."""
    folder = os.stat(path.parent)
    text = path.read_text(encoding="utf-8").replace(old, new)
    with open(path, "w", encoding="utf-8") as handle:  # same inode: not an atomic replace
        handle.write(text)
    stamp = os.stat(path).st_mtime_ns + 1_000_000_000
    os.utime(path, ns=(stamp, stamp))  # a distinct time even on coarse file systems
    os.utime(path.parent, ns=(folder.st_atime_ns, folder.st_mtime_ns))


def bodies(index: object) -> dict[str, str]:
    return {t.id: t.body for t in index.tips(Filters())}  # type: ignore[attr-defined]


def test_every_file_is_compared_up_to_ten_thousand() -> None:
    assert watch.FULL_CHECK >= 10_000


@pytest.mark.parametrize("edited", [0, 7, 17])
def test_an_in_place_edit_is_seen_by_the_next_command(tmp_path: Path, edited: int) -> None:
    paths = make_library(tmp_path / "lib")
    source = LibrarySource("team", tmp_path / "lib")
    with open_store([source], tmp_path / "cache", warn=pytest.fail) as index:
        assert len(bodies(index)) == 18
    rewrite_in_place(paths[edited], "usual", "revised")
    with open_store([source], tmp_path / "cache", warn=pytest.fail) as index:
        changed = {k: v for k, v in bodies(index).items() if "revised" in v}
    assert list(changed) == [paths[edited].stem.split("-", 3)[3]]


def test_an_edit_of_the_same_size_is_seen(tmp_path: Path) -> None:
    """Only the file's time gives this one away: same inode, same size, same folder time."""
    paths = make_library(tmp_path / "lib")
    source = LibrarySource("team", tmp_path / "lib")
    open_store([source], tmp_path / "cache", warn=pytest.fail).close()
    rewrite_in_place(paths[4], "usual", "other")  # five letters for five
    assert paths[4].stat().st_size == paths[5].stat().st_size
    with open_store([source], tmp_path / "cache", warn=pytest.fail) as index:
        assert [k for k, v in bodies(index).items() if "other" in v] == ["tip-2024-4"]


def test_a_rename_is_seen_even_when_the_folder_keeps_its_time(tmp_path: Path) -> None:
    """On a file system with coarse times a rename may leave the folder's time as it was:
    the names are part of the folder's signature."""
    paths = make_library(tmp_path / "lib")
    source = LibrarySource("team", tmp_path / "lib")
    open_store([source], tmp_path / "cache", warn=pytest.fail).close()
    folder = os.stat(paths[0].parent)
    paths[0].rename(paths[0].with_name("2024-03-01-renamed-tip.toml"))
    os.utime(paths[0].parent, ns=(folder.st_atime_ns, folder.st_mtime_ns))
    with open_store([source], tmp_path / "cache", warn=pytest.fail) as index:
        ids = set(bodies(index))
    assert "renamed-tip" in ids and "tip-2024-0" not in ids and len(ids) == 18


def test_a_large_library_sees_an_in_place_edit_within_a_round_of_slices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above FULL_CHECK files, each command compares the folders holding about CHECK_BUDGET
    files, in turn: an edit is seen within as many commands as there are turns."""
    monkeypatch.setattr(watch, "FULL_CHECK", 5)
    monkeypatch.setattr(watch, "CHECK_BUDGET", 6)
    paths = make_library(tmp_path / "lib")
    source = LibrarySource("team", tmp_path / "lib")
    open_store([source], tmp_path / "cache", warn=pytest.fail).close()
    rewrite_in_place(paths[13], "usual", "revised")
    seen_after = None
    for command in range(1, 6):  # the root folder and three year folders: four turns
        with open_store([source], tmp_path / "cache", warn=pytest.fail) as index:
            if any("revised" in b for b in bodies(index).values()):
                seen_after = command
                break
    assert seen_after is not None and seen_after <= 4


def test_an_unchanged_library_writes_nothing(tmp_path: Path) -> None:
    make_library(tmp_path / "lib")
    source = LibrarySource("team", tmp_path / "lib")
    open_store([source], tmp_path / "cache", warn=pytest.fail).close()
    with open_store([source], tmp_path / "cache", warn=pytest.fail) as index:
        assert index.refresh() == 0
        assert not watch.scan(index.db, [str(source.path)])


def test_a_first_build_in_bulk_indexes_as_one_tip_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first build (worker processes, text packed there, full-text indexes filled in
    batches) gives the same index as adding the tips one by one."""
    from tipweek.index import sync

    make_library(tmp_path / "lib")
    source = LibrarySource("team", tmp_path / "lib")
    answers = []
    for bulk, batch in ((10**9, 10**9), (5, 4)):
        monkeypatch.setattr(sync, "BULK", bulk)
        monkeypatch.setattr(sync, "FTS_BATCH", batch)
        with open_store([source], tmp_path / f"cache-{bulk}", warn=pytest.fail) as index:
            db = index.db
            answers.append(
                (
                    bodies(index),
                    db.execute("SELECT rowid FROM fts WHERE fts MATCH 'wording' ORDER BY rowid").fetchall(),
                    db.execute("SELECT term, doc FROM words_vocab ORDER BY term").fetchall(),
                    db.execute("SELECT name FROM sqlite_temp_master").fetchall(),
                    db.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall(),
                )
            )
    assert answers[0] == answers[1]
    assert len(answers[0][1]) == 18 and answers[0][3] == []
