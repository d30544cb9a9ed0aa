"""The search index is a cache: damaged, locked or impossible to create, every command still
answers from the tip files, with at most one warning line; concurrent use never corrupts it."""

from __future__ import annotations

import gc
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.conftest import Library, Run


@pytest.fixture
def many(library: Library) -> Library:
    """Enough tips, with long bodies, that the index spans many pages."""
    for n in range(40):
        library.add(
            f"Tip Number {n:02d}",
            f"2026-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
            ("Empathy",),
            body=f"Body of tip {n}. " + "Listen carefully to the customer. " * 60,
        )
    return library


def index_file(home: Path) -> Path:
    (path,) = (home / "cache").glob("index-*.sqlite3")
    return path


def settle(path: Path) -> None:
    """Fold the WAL into the main file so that damaging the file damages the data.

    In-process runs may leave their connection to be closed by the garbage collector: close it
    first, as the end of a real `tip` process would, so no live connection sees the damage."""
    gc.collect()
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def assert_serves_all(run: Run, count: int = 40) -> str:
    result = run("list", "--json")
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)) == count
    assert result.stderr.count("\n") <= 1
    return result.stderr


def test_index_truncated_to_zero_bytes(many: Library, run: Run, isolated: Path) -> None:
    assert_serves_all(run)
    path = index_file(isolated)
    settle(path)
    path.write_bytes(b"")
    assert assert_serves_all(run) == ""  # an empty file is a new, empty database
    search = run("search", "listen")
    assert search.exit_code == 0
    assert search.stderr == ""


def test_index_filled_with_garbage(many: Library, run: Run, isolated: Path) -> None:
    assert_serves_all(run)
    path = index_file(isolated)
    settle(path)
    path.write_bytes(os.urandom(64 * 1024))
    stderr = assert_serves_all(run)
    assert stderr == "warning: the search index was damaged (file is not a database); rebuilding it\n"
    assert assert_serves_all(run) == ""  # rebuilt once, then quiet
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_index_half_truncated(many: Library, run: Run, isolated: Path) -> None:
    assert_serves_all(run)
    path = index_file(isolated)
    settle(path)
    size = path.stat().st_size
    assert size > 8 * 4096
    with path.open("r+b") as handle:
        handle.truncate(size // 2)
    first = run("list", "--json")
    assert first.exit_code == 0, first.stderr
    assert len(json.loads(first.stdout)) == 40
    assert first.stderr.startswith("warning: the search index was damaged (")
    assert first.stderr.endswith("); rebuilding it\n")
    assert first.stderr.count("\n") == 1
    for args in (("search", "listen", "--json", "--limit", "100"), ("show", "tip-number-07", "--json")):
        result = run(*args)
        assert result.exit_code == 0, (args, result.stderr)
        assert result.stderr == ""  # rebuilt by the first command
    assert len(json.loads(run("search", "listen", "--json", "--limit", "100").stdout)) == 40
    gc.collect()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_index_with_a_foreign_schema(many: Library, run: Run, isolated: Path) -> None:
    assert_serves_all(run)
    path = index_file(isolated)
    settle(path)
    path.unlink()
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE tips(x)")
        db.execute("PRAGMA user_version = 99")
    stderr = assert_serves_all(run)
    assert stderr == "warning: the search index is from another version of tip; rebuilding it\n"


def test_index_locked_by_another_process_reads_still_answer(many: Library, run: Run, isolated: Path) -> None:
    """A writer holding the lock does not block a command that has nothing to write (WAL).

    Not tested here because each waits the full 15 s busy_timeout: a command that must write
    (a tip file changed meanwhile) waits 15 s, then warns and reads the files directly; and
    `tip show` waits 15 s caching the parsed body, then answers."""
    assert_serves_all(run)
    path = index_file(isolated)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("UPDATE meta SET value = value")
    try:
        started = time.monotonic()
        assert assert_serves_all(run) == ""
        search = run("search", "listen", "--json")
        assert search.exit_code == 0
        assert time.monotonic() - started < 5
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_cache_folder_cannot_be_created(
    many: Library, run: Run, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache path below a regular file can never be created (chmod does not stop root)."""
    blocker = isolated / "blocker"
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("not a folder")
    cache = blocker / "cache"
    monkeypatch.setenv("TIP_CACHE_DIR", str(cache))
    stderr = assert_serves_all(run)
    assert stderr.startswith(f"warning: cannot use the search index in {cache} (")
    assert stderr.endswith("); reading the tip files directly\n")
    for args in (("search", "listen"), ("show", "tip-number-07"), ("week",), ("categories",)):
        result = run(*args)
        assert result.exit_code == 0, (args, result.stderr)
        assert result.stderr.count("\n") == 1


def test_read_only_cache_folder(many: Library, run: Run, isolated: Path) -> None:
    cache = isolated / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    cache.chmod(0o555)
    try:
        if os.access(cache, os.W_OK):
            pytest.skip(
                "running as root: chmod 0o555 does not stop writes (see test_cache_folder_cannot_be_created)"
            )
        stderr = assert_serves_all(run)
        assert stderr.startswith(f"warning: cannot use the search index in {cache} (")
    finally:
        cache.chmod(0o755)


ADDER = """
import os, sys, tomli_w
root = sys.argv[1]
os.makedirs(os.path.join(root, "undated"), exist_ok=True)
for n in range(30):
    data = {"title": f"Added Tip {n:02d}", "categories": ["Added"], "body": f"Added body {n}, listen."}
    final = os.path.join(root, "undated", f"added-tip-{n:02d}.toml")
    tmp = os.path.join(root, "undated", f".added-{n}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(tomli_w.dumps(data).encode())
    os.replace(tmp, final)
"""
SEARCHER = """
import subprocess, sys
codes = set()
for _ in range(6):
    done = subprocess.run([sys.executable, "-m", "tipweek", "search", "listen", "--json"],
                          capture_output=True, text=True)
    if done.returncode not in (0, 1) or "Traceback" in done.stderr:
        sys.exit(f"search failed: {done.returncode} {done.stderr}")
"""


def test_concurrent_searches_while_tips_are_added(many: Library, run: Run, isolated: Path) -> None:
    assert_serves_all(run)
    env = dict(os.environ)
    searchers = [
        subprocess.Popen([sys.executable, "-c", SEARCHER], env=env, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    adder = subprocess.Popen(
        [sys.executable, "-c", ADDER, str(many.root)], env=env, stderr=subprocess.PIPE, text=True
    )
    for process in (adder, *searchers):
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
    listed = run("list", "--json")
    assert listed.exit_code == 0
    assert listed.stderr == ""
    ids = {t["id"] for t in json.loads(listed.stdout)}
    assert len(ids) == 70
    assert {f"added-tip-{n:02d}" for n in range(30)} <= ids
    with sqlite3.connect(index_file(isolated)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT count(*) FROM tips WHERE visible = 1").fetchone() == (70,)
        # The full-text tables agree with the tips table.
        db.execute("INSERT INTO fts(fts) VALUES ('integrity-check')")
