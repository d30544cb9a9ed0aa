"""Output: `-o -` (and `-o /dev/stdout`) means stdout for every command that writes a file,
a pipe or device is written into rather than replaced, and every document on stdout goes
through the one sanitiser: no escape sequence, C0/C1 control or bidi override from tip data
reaches a terminal, while JSON keeps the data exactly by escaping them (`\\u009b`)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tests.conftest import Library, Run
from tests.hostile.bounded import run_bounded

OSC52 = "\x1b]52;c;ZWNobyBwd25lZA==\x07"  # asks the terminal to set the clipboard
OSC8 = "\x1b]8;;http://evil.invalid\x1b\\link\x1b]8;;\x1b\\"
CSI = "\x1b[2J\x1b[31m"
C1 = "\x9b31m\x9d0;title\x9c"
BIDI = "\u202eevil\u202c"
HOSTILE = f"Plain start. {OSC52}{OSC8}{CSI}{C1}{BIDI} plain end."
NEVER = ("\x1b", "\x07", "\x9b", "\x9d", "\x9c", "\u202e", "\u202c")


@pytest.fixture
def hostile(sample: Library) -> Library:
    sample.add(
        "Hostile Body",
        "2026-11-24",
        ("Communication",),
        slug="hostile",
        body=HOSTILE,
        takeaway=f"Take {C1}{BIDI}",
    )
    return sample


@pytest.mark.parametrize("fmt", ["markdown", "text", "fortune", "html", "eml", "svg", "atom"])
@pytest.mark.parametrize("output", [None, "-", "/dev/stdout"])
def test_stdout_documents_carry_no_terminal_controls(
    run: Run, hostile: Library, fmt: str, output: str | None
) -> None:
    args = ["export", "hostile", "--format", fmt] + (["-o", output] if output else [])
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout_bytes, "nothing on stdout"
    for char in NEVER:
        assert char not in result.stdout, (fmt, repr(char))
    assert not Path("-").exists()


@pytest.mark.parametrize("args", [("export", "hostile", "--format", "json"), ("show", "hostile", "--json")])
def test_json_escapes_controls_and_keeps_the_data(run: Run, hostile: Library, args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    for char in ("\x9b", "\x9d", "\x9c", "\u202e", "\u202c"):
        assert char not in result.stdout
    assert "\\u009b" in result.stdout and "\\u202e" in result.stdout
    assert json.loads(result.stdout)["body"] == HOSTILE


def test_a_file_keeps_the_data_exactly(run: Run, hostile: Library, tmp_path: Path) -> None:
    out = tmp_path / "tip.md"
    assert run("export", "hostile", "-o", str(out)).exit_code == 0
    assert HOSTILE in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("output", ["-", "/dev/stdout"])
def test_schedule_ics_to_stdout(run: Run, sample: Library, output: str) -> None:
    result = run("schedule", "--format", "ics", "-o", output, "--weeks", "2")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("BEGIN:VCALENDAR")
    assert result.stdout_bytes.count(b"\r\n") > 10  # RFC 5545 line ends survive the sanitiser
    assert not Path("-").exists()


def test_dev_stdout_in_a_real_process(sample: Library) -> None:
    result = run_bounded("export", "greet", "--format", "text", "-o", "/dev/stdout")
    assert result.returncode == 0, result.stderr
    assert "Greet the Second Customer" in result.stdout


def test_dev_null_is_written_into_without_force(run: Run, sample: Library) -> None:
    result = run("export", "greet", "-o", os.devnull)
    assert result.exit_code == 0, result.stderr
    assert Path(os.devnull).is_char_device()


def test_a_named_pipe_with_nobody_reading_is_an_error_not_a_wait(sample: Library, tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    result = run_bounded("export", "greet", "-o", str(pipe))
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: cannot write {pipe}: ")
