"""Paging like git, on a real pseudo-terminal: taller than the screen goes to the pager with its
colours, short output and pipes never do, and --pager/--no-pager/TIP_PAGER/PAGER are obeyed.

The pager is a small script that records what it was given and its environment."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shlex
import struct
import subprocess
import sys
import termios
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import Library

FAKE_PAGER = """\
import json, os, sys
data = sys.stdin.buffer.read().decode("utf-8")
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump({"text": data, "LESS": os.environ.get("LESS"), "stdout_tty": os.isatty(1)}, out)
"""
LONG_BODY = "\n\n".join(f"Paragraph {n}: say what happens next, then do it." for n in range(1, 25))


@pytest.fixture
def long_tip(library: Library) -> Library:
    library.add("A Tip Taller Than the Screen", "2026-11-24", body=LONG_BODY, takeaway="Keep the title.")
    library.add("A Short Undated Tip", None, body="One line.")
    return library


@pytest.fixture
def pager(tmp_path: Path) -> tuple[str, Path]:
    script = tmp_path / "fake_pager.py"
    script.write_text(FAKE_PAGER, encoding="utf-8")
    record = tmp_path / "paged.json"
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(script))} {shlex.quote(str(record))}", record


def _env(**extra: str) -> dict[str, str]:
    keep = ("PATH", "HOME", "TIP_CONFIG", "TIP_DATA_DIR", "TIP_CACHE_DIR", "TIP_TODAY", "TIP_LIBRARY")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.update(TIP_NO_BUNDLED="1", TERM="xterm-256color", PYTHONPATH=os.pathsep.join(sys.path))
    env.update(extra)
    return {k: v for k, v in env.items() if v is not None}


def run_in_pty(args: list[str], env: dict[str, str], rows: int = 24, cols: int = 80) -> tuple[int, str]:
    """Run `tip ARGS` with a terminal of `rows` x `cols` as stdin, stdout and stderr."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "tipweek", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError as exc:  # EIO: the other side closed
            if exc.errno != errno.EIO:
                raise
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return process.wait(timeout=10), b"".join(chunks).decode("utf-8", "replace")


def paged(record: Path) -> dict[str, Any] | None:
    return json.loads(record.read_text(encoding="utf-8")) if record.exists() else None


def test_taller_than_the_screen_goes_to_the_pager_with_colours(long_tip: Library, pager: Any) -> None:
    command, record = pager
    code, screen = run_in_pty(["week"], _env(TIP_PAGER=command))
    assert code == 0
    got = paged(record)
    assert got is not None, screen
    assert "A Tip Taller Than the Screen" in got["text"]
    assert "Paragraph 24" in got["text"]
    assert "\x1b[" in got["text"]  # colours kept
    assert got["LESS"] == "FRX"
    assert got["stdout_tty"]  # the pager draws on the terminal
    assert "Paragraph 24" not in screen  # nothing printed besides


def test_output_that_fits_is_not_paged(long_tip: Library, pager: Any) -> None:
    command, record = pager
    code, screen = run_in_pty(["week"], _env(TIP_PAGER=command), rows=200)
    assert code == 0
    assert paged(record) is None
    assert "Paragraph 24" in screen and "\x1b[" in screen


def test_no_pager_prints_straight_to_the_terminal(long_tip: Library, pager: Any) -> None:
    command, record = pager
    code, screen = run_in_pty(["week", "--no-pager"], _env(TIP_PAGER=command))
    assert code == 0
    assert paged(record) is None
    assert "Paragraph 24" in screen


def test_pager_pages_even_short_output(long_tip: Library, pager: Any) -> None:
    command, record = pager
    code, _ = run_in_pty(["show", "a-short-undated-tip", "--pager"], _env(TIP_PAGER=command), rows=200)
    assert code == 0
    got = paged(record)
    assert got is not None and "A Short Undated Tip" in got["text"]


def test_pager_variable_and_an_existing_less_setting_are_respected(long_tip: Library, pager: Any) -> None:
    command, record = pager
    code, _ = run_in_pty(["list", "--pager"], _env(PAGER=command, LESS="-S"))
    assert code == 0
    got = paged(record)
    assert got is not None and "a-tip-taller-than-the-screen" in got["text"]
    assert got["LESS"] == "-S"


@pytest.mark.parametrize("value", ["", "cat"])
def test_an_empty_pager_or_cat_means_no_pager(long_tip: Library, pager: Any, value: str) -> None:
    command, record = pager
    code, screen = run_in_pty(["week"], _env(TIP_PAGER=value, PAGER=command))
    assert code == 0
    assert paged(record) is None
    assert "Paragraph 24" in screen


def test_a_pipe_is_never_paged(long_tip: Library, pager: Any) -> None:
    command, record = pager
    result = subprocess.run(
        [sys.executable, "-m", "tipweek", "week", "--pager"],
        env=_env(TIP_PAGER=command),
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    assert result.returncode == 0
    assert paged(record) is None
    assert "Paragraph 24" in result.stdout and "\x1b[" not in result.stdout


def test_a_send_dry_run_is_paged_with_the_server_first(long_tip: Library, pager: Any) -> None:
    command, record = pager
    code, screen = run_in_pty(["send", "--to", "team@example.org", "--dry-run"], _env(TIP_PAGER=command))
    assert code == 0
    got = paged(record)
    assert got is not None, screen
    assert got["text"].startswith("server:   localhost:587 (STARTTLS, no login)\n")
    assert "Paragraph 24" in got["text"]
    assert "dry run: nothing sent" in screen  # stderr stays on the terminal


@pytest.mark.parametrize("rows", [24, 200])
def test_a_tip_drawn_again_is_paged_as_the_first_time(long_tip: Library, pager: Any, rows: int) -> None:
    """The full CLI, the fast route drawing (and keeping the text), then the text kept
    (`cli.drawn`): on a terminal all three page alike, colours and all."""
    command, record = pager
    seen = []
    for _ in range(3):
        code, screen = run_in_pty(["week"], _env(TIP_PAGER=command), rows=rows)
        assert code == 0
        seen.append((paged(record), screen))
        record.unlink(missing_ok=True)
    first, _, third = seen
    assert third == first
    assert list(Path(os.environ["TIP_CACHE_DIR"]).glob("drawn-*"))  # the third printed the text kept
    got, screen = first
    if rows == 24:
        assert got is not None and "\x1b[" in got["text"] and "Paragraph 24" in got["text"]
    else:
        assert got is None and "Paragraph 24" in screen and "\x1b[" in screen
