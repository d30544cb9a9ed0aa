"""Faults while writing: concurrent imports into one library, writers killed with SIGKILL at
random points, and a full disk or an impossible target while writing an export or a tip.

Whatever happens, a library holds only whole tip files (each parses), every tip at most once,
and the next command works. A killed writer may leave a hidden `.<name>.<random>.tmp` file
beside its target: hidden names are ignored by every command (`tip list`, `tip check`).
"""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import Library, Run

from tipweek import fsutil, safewrite
from tipweek.library import read_tip

TIP = [sys.executable, "-m", "tipweek"]


# --- helpers ------------------------------------------------------------------------------


def write_inputs(folder: Path, prefix: str, count: int) -> dict[str, str]:
    """`count` small inputs, JSON and Markdown in turn; returns {id: body} of the tips in them."""
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str] = {}
    for n in range(count):
        title = f"{prefix} Tip {n:02d}"
        body = f"{prefix} body {n}: listen to the customer, then repeat what you heard."
        expected[f"{prefix.lower()}-tip-{n:02d}"] = body
        if n % 2:
            data = {"title": title, "categories": [prefix], "body": body, "tags": ["fault"]}
            (folder / f"{prefix.lower()}-{n:02d}.json").write_text(json.dumps(data), encoding="utf-8")
        else:
            (folder / f"{prefix.lower()}-{n:02d}.md").write_text(
                f'+++\ntitle = "{title}"\ncategories = ["{prefix}"]\ntags = ["fault"]\n+++\n\n{body}\n',
                encoding="utf-8",
            )
    return expected


def tip_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.toml") if not any(part.startswith(".") for part in p.parts))


def leftovers(root: Path) -> list[Path]:
    """Every file below `root` that is not a visible tip file."""
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".toml")


def assert_whole_files(root: Path) -> dict[str, Any]:
    """Every tip file is non-empty and parses; returns {id: tip}. Ids are unique."""
    tips: dict[str, Any] = {}
    for path in tip_files(root):
        assert path.stat().st_size > 0, f"empty tip file {path}"
        tip = read_tip(path)  # raises TipFileError for a partial file
        assert tip.id not in tips, f"{tip.id} twice: {path} and {tips[tip.id].path}"
        tips[tip.id] = tip
    return tips


def assert_only_hidden_temp_files(root: Path) -> None:
    for path in leftovers(root):
        assert path.name.startswith(".") and path.name.endswith(".tmp"), path


def listed(root: Path, env: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """`tip --library ROOT list --json` in a new process: exit 0, no error line."""
    done = subprocess.run(
        [*TIP, "--library", str(root), "list", "--json"],
        env=env or dict(os.environ),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "error" not in done.stderr, done.stderr
    return json.loads(done.stdout)


def assert_index_consistent(home: Path, count: int) -> None:
    indexes = sorted((home / "cache").glob("index-*.sqlite3"))
    assert indexes, "no index was built"
    for path in indexes:
        with sqlite3.connect(path) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert db.execute("SELECT count(*) FROM tips WHERE visible = 1").fetchone() == (count,)


# --- concurrency --------------------------------------------------------------------------

SEARCHER = """
import subprocess, sys, time
stop = sys.argv[1]
runs = 0
import os
while not os.path.exists(stop) and runs < 200:
    done = subprocess.run([sys.executable, "-m", "tipweek", "search", "listen", "--json"],
                          capture_output=True, text=True)
    runs += 1
    if done.returncode not in (0, 1) or "Traceback" in done.stderr or "unexpected" in done.stderr:
        sys.exit(f"search failed: {done.returncode} {done.stderr}")
print(runs)
"""


def start_searcher(stop: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", SEARCHER, str(stop)],
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def start_import(into: Path, *inputs: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*TIP, "import", *map(str, inputs), "--into", str(into)],
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_imports_of_different_inputs_into_one_library_while_searching(
    library: Library, run: Run, isolated: Path, tmp_path: Path
) -> None:
    expected = write_inputs(tmp_path / "in-a", "Alpha", 25)
    expected |= write_inputs(tmp_path / "in-b", "Beta", 25)
    stop = tmp_path / "stop"
    searcher = start_searcher(stop)
    importers = [start_import(library.root, tmp_path / name) for name in ("in-a", "in-b")]
    for process in importers:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        assert err == ""
        assert "25 created" in out
    stop.touch()
    out, err = searcher.communicate(timeout=60)
    assert searcher.returncode == 0, err
    assert int(out) >= 1

    tips = assert_whole_files(library.root)
    assert {i: t.body for i, t in tips.items()} == expected
    assert leftovers(library.root) == []  # finished writers leave no temp file
    ids = [t["id"] for t in listed(library.root)]
    assert sorted(ids) == sorted(expected)  # each exactly once
    assert len(ids) == len(tip_files(library.root))
    checked = run("check")
    assert checked.exit_code == 0, checked.stderr
    assert_index_consistent(isolated, len(expected))


def test_two_imports_of_the_same_inputs_at_once(library: Library, run: Run, tmp_path: Path) -> None:
    expected = write_inputs(tmp_path / "in", "Same", 30)
    importers = [start_import(library.root, tmp_path / "in") for _ in range(2)]
    for process in importers:
        _, err = process.communicate(timeout=60)
        assert "Traceback" not in err and "unexpected" not in err, err
        # Under load one may wait out the other's index lock: it then reads the files directly.
        err = "".join(line for line in err.splitlines(keepends=True) if "search index is busy" not in line)
        if process.returncode != 0:
            # The loser of a race for a file is told, one line per tip, that it already exists.
            assert process.returncode == 1
            lines = err.splitlines()
            assert lines
            assert all(line.startswith("error: same-tip-") and "already exists" in line for line in lines), (
                err
            )
        else:
            assert err == ""
    tips = assert_whole_files(library.root)
    assert sorted(tips) == sorted(expected)  # no `-2` copies
    assert leftovers(library.root) == []
    again = run("import", str(tmp_path / "in"), "--into", str(library.root))
    assert again.exit_code == 0, again.stderr
    assert "30 unchanged" in again.stdout
    assert len(tip_files(library.root)) == 30


# --- SIGKILL at random points -------------------------------------------------------------


def timed(args: list[str]) -> float:
    start = time.monotonic()
    subprocess.run(args, env=dict(os.environ), capture_output=True, timeout=60, check=False)
    return time.monotonic() - start


def kill_after(args: list[str], delay: float) -> None:
    process = subprocess.Popen(
        args, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)


def assert_library_survives(root: Path, run: Run) -> dict[str, Any]:
    """After a kill: only whole tip files, hidden temp files at most, and commands still work."""
    tips = assert_whole_files(root)
    assert_only_hidden_temp_files(root)
    result = run("list", "--json")
    assert result.exit_code == 0, result.stderr
    assert sorted(t["id"] for t in json.loads(result.stdout)) == sorted(tips)  # temp files unseen
    checked = run("check")
    assert checked.exit_code == 0, checked.stderr
    return tips


@pytest.mark.parametrize("seed", [1, 2])
def test_import_killed_at_random_points(library: Library, run: Run, tmp_path: Path, seed: int) -> None:
    expected = write_inputs(tmp_path / "in", "Killed", 40)
    args = [*TIP, "import", str(tmp_path / "in"), "--into", str(library.root)]
    scratch = tmp_path / "scratch"
    duration = timed([*TIP, "import", str(tmp_path / "in"), "--into", str(scratch)])
    rng = random.Random(seed)
    for _ in range(5):
        kill_after(args, rng.uniform(0.0, duration * 1.2))
        tips = assert_library_survives(library.root, run)
        for tip_id, tip in tips.items():
            assert tip.body == expected[tip_id]
    # Whatever the kills left, one more import completes the library without duplicates.
    done = run("import", str(tmp_path / "in"), "--into", str(library.root))
    assert done.exit_code == 0, done.stderr
    assert sorted(assert_library_survives(library.root, run)) == sorted(expected)


def test_add_killed_at_random_points(library: Library, run: Run) -> None:
    def args(n: int) -> list[str]:
        return [
            *TIP,
            "add",
            "--into",
            str(library.root),
            "--title",
            f"Added While Killing {n:02d}",
            "--category",
            "Faults",
            "--body",
            body(n),
        ]

    def body(n: int) -> str:
        return f"Body {n}: " + "say what happens next. " * 200

    duration = timed(args(99))
    (library.root / "undated" / "added-while-killing-99.toml").unlink()
    rng = random.Random(7)
    for n in range(8):
        kill_after(args(n), rng.uniform(0.0, duration * 1.2))
        tips = assert_library_survives(library.root, run)
        for tip in tips.values():
            assert tip.body == body(int(tip.id[-2:]))


# --- disk full and impossible targets ------------------------------------------------------


def no_space(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def half_write(fd: int, data: bytes) -> None:
    """Store half the data, then fail as a full disk does."""
    os.write(fd, data[: len(data) // 2])
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture(params=["fsync", "write"])
def disk_full(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Call the returned function to make every atomic write fail with ENOSPC from then on."""

    def arm() -> None:
        if request.param == "fsync":
            monkeypatch.setattr(fsutil.os, "fsync", no_space)
        else:
            monkeypatch.setattr(safewrite, "_write_all", half_write)

    return arm


def assert_one_error_line(result: Any, starts: str) -> None:
    assert result.exit_code == 1, result.stderr
    assert result.stderr.startswith(starts), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_export_on_a_full_disk(sample: Library, run: Run, tmp_path: Path, disk_full: Any) -> None:
    out = tmp_path / "out" / "tip.eml"
    out.parent.mkdir()
    disk_full()
    result = run("export", "greet", "-o", str(out))
    assert_one_error_line(result, f"error: cannot write {out}: No space left on device")
    assert result.stdout == ""
    assert list(out.parent.iterdir()) == []  # neither the file nor a temp file


def test_export_with_force_on_a_full_disk_keeps_the_old_file(
    sample: Library, run: Run, tmp_path: Path, disk_full: Any
) -> None:
    out = tmp_path / "out" / "tip.html"
    out.parent.mkdir()
    out.write_text("old content\n", encoding="utf-8")
    disk_full()
    result = run("export", "greet", "-o", str(out), "--force")
    assert_one_error_line(result, f"error: cannot write {out}: No space left on device")
    assert out.read_text(encoding="utf-8") == "old content\n"
    assert list(out.parent.iterdir()) == [out]


def test_add_on_a_full_disk(library: Library, run: Run, disk_full: Any) -> None:
    library.add("Already There", "2026-01-06")
    before = tip_files(library.root)
    disk_full()
    result = run(
        "add",
        "--into",
        str(library.root),
        "--title",
        "Name the Next Step",
        "--category",
        "Recovery",
        "--body",
        "Say it.",
    )
    target = library.root / "undated" / "name-the-next-step.toml"
    assert_one_error_line(result, f"error: cannot write {target}: No space left on device")
    assert tip_files(library.root) == before
    assert leftovers(library.root) == []


def test_import_on_a_full_disk(library: Library, run: Run, tmp_path: Path, disk_full: Any) -> None:
    write_inputs(tmp_path / "in", "Full", 3)
    disk_full()
    result = run("import", str(tmp_path / "in"), "--into", str(library.root))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 3
    for n, line in enumerate(lines):
        path = library.root / "undated" / f"full-tip-{n:02d}.toml"
        assert line == f"error: full-tip-{n:02d}: cannot write {path}: No space left on device"
    assert "3 failed" in result.stdout
    assert tip_files(library.root) == []
    assert leftovers(library.root) == []  # not even the write probe's file


@pytest.mark.parametrize("below", ["a-file/out.eml", "a-file/deeper/out.eml"])
def test_export_below_a_regular_file(sample: Library, run: Run, tmp_path: Path, below: str) -> None:
    (tmp_path / "a-file").write_text("not a folder\n", encoding="utf-8")
    out = tmp_path / below
    result = run("export", "greet", "-o", str(out))
    assert_one_error_line(result, f"error: cannot write {out}: ")
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "not a folder\n"


def test_add_into_a_regular_file(sample: Library, run: Run, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder\n", encoding="utf-8")
    result = run("add", "--into", str(tmp_path / "a-file"), "--title", "T", "--category", "C", "--body", "B.")
    assert result.exit_code == 1, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert str(tmp_path / "a-file") in result.stderr
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "not a folder\n"


def test_import_into_a_regular_file(library: Library, run: Run, tmp_path: Path) -> None:
    write_inputs(tmp_path / "in", "Blocked", 2)
    (tmp_path / "a-file").write_text("not a folder\n", encoding="utf-8")
    result = run("import", str(tmp_path / "in"), "--into", str(tmp_path / "a-file"))
    assert result.exit_code == 1, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert str(tmp_path / "a-file") in result.stderr
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "not a folder\n"
