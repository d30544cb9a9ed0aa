"""Reading is bounded: only regular files are read as tips, config or inputs, a link only when
it leads to a file inside its library, and never more than the limit whatever `stat` says.

A file that is a link to /dev/zero or a named pipe once froze every command. Each case runs
`tip` in a child process with a time limit, so a regression fails instead of hanging.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.conftest import Library
from tests.hostile.bounded import run_bounded


def plant(library: Library, kind: str, outside: Path) -> Path:
    """One hostile entry named like a tip, beside the sample's good tips."""
    path = library.root / "undated" / "hostile.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(path)
    else:  # a link to a good tip file outside the library
        outside.mkdir(parents=True, exist_ok=True)
        (outside / "secret.toml").write_text('title = "Secret"\ncategories = ["X"]\nbody = "b"\n')
        path.symlink_to(outside / "secret.toml")
    return path


MESSAGES = {
    "dev-zero": "is a link to a file outside the library",
    "fifo": "is a named pipe, not a tip file",
    "outside-link": "is a link to a file outside the library",
}


@pytest.mark.parametrize("kind", list(MESSAGES))
def test_week_skips_it_with_one_warning(sample: Library, tmp_path: Path, kind: str) -> None:
    path = plant(sample, kind, tmp_path / "elsewhere")
    result = run_bounded("week", "--short")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Explain the Wait")
    assert result.stderr.count("\n") == 1
    assert f"skipped 1 unreadable tip file(s): {path}: {MESSAGES[kind]}" in result.stderr


@pytest.mark.parametrize("kind", list(MESSAGES))
def test_check_reports_it(sample: Library, tmp_path: Path, kind: str) -> None:
    path = plant(sample, kind, tmp_path / "elsewhere")
    result = run_bounded("check")
    assert result.returncode == 1
    assert result.stdout == f"{path}: {MESSAGES[kind]}\n"
    assert result.stderr == "7 tips checked, 1 error(s)\n"


@pytest.mark.parametrize("kind", ["dev-zero", "fifo"])
def test_import_dry_run_of_a_folder_with_it(sample: Library, tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "inputs"
    folder.mkdir()
    (folder / "good.json").write_text('{"title": "Good One", "categories": ["A"], "body": "b"}')
    odd = folder / "odd.md"
    if kind == "fifo":
        os.mkfifo(odd)
    else:
        odd.symlink_to("/dev/zero")
    result = run_bounded("import", str(folder), "--dry-run", "--into", str(tmp_path / "target"))
    assert result.returncode == 1
    expected = "is a named pipe, not a regular file" if kind == "fifo" else "is a device, not a regular file"
    assert f"error: {odd}: {expected}" in result.stderr
    assert "1 would be created" in result.stdout


@pytest.mark.parametrize("source", ["/dev/zero", "fifo", "/dev/urandom"])
def test_body_file_that_never_ends(tmp_path: Path, source: str) -> None:
    if source == "fifo":
        source = str(tmp_path / "pipe")
        os.mkfifo(source)
    result = run_bounded(
        "add", "-t", "Endless", "-c", "A", "--body-file", source, "--into", str(tmp_path / "lib")
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: cannot read the body file {source}: is a ")
    assert not (tmp_path / "lib").exists() or not list((tmp_path / "lib").rglob("*.toml"))


def test_link_to_a_tip_inside_the_library_is_read(sample: Library) -> None:
    real = sample.root / "shared" / "real-one.toml"
    real.parent.mkdir()
    real.write_text('title = "Real One"\ncategories = ["Teamwork"]\nbody = "b"\n')
    (sample.root / "undated" / "alias.toml").symlink_to(real)
    result = run_bounded("check")
    assert result.returncode == 0, result.stdout
    assert result.stderr == "9 tips checked, 0 error(s)\n"


def test_read_limited_stops_at_the_limit_whatever_stat_says(tmp_path: Path) -> None:
    from tipweek.fsutil import NotRegularFile, TooLarge, read_limited

    proc = Path("/proc/self/maps")  # a regular file whose stat says 0 bytes
    assert proc.stat().st_size == 0
    with pytest.raises(TooLarge):
        read_limited(proc, 10)
    assert len(read_limited(proc, 10_000_000)) > 10
    with pytest.raises(NotRegularFile, match="is a device"):
        read_limited("/dev/zero", 10)
    big = tmp_path / "big.toml"
    big.write_bytes(b"x" * 101)
    with pytest.raises(TooLarge):
        read_limited(big, 100)
    assert read_limited(big, 101) == b"x" * 101
