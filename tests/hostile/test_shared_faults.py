"""Writers killed with SIGKILL at random points in a shared library: `add`, `edit` (with a slow
editor), `rm` and `import --update`, five rounds each (20 in all), each killed after a delay
drawn by `random.Random(seed)`.

After every kill, every hand-written tip (comments, its own layout, mode 0640) is still there
exactly once, whole, with its comment, body and mode; every visible tip file parses; the only
other files are hidden temporary files, which the next writer sweeps once they are a minute
old. Afterwards `tip check` passes.
"""

from __future__ import annotations

import os
import random
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.conftest import Library

from tipweek.library import read_tip

TIP = [sys.executable, "-m", "tipweek"]
HAND = {
    "ask-twice": ("Ask Twice", "# Mina's tip: keep the wording.\n"),
    "name-the-wait": ("Name the Wait", "# From the clinic front desk, 2025.\n"),
    "close-the-loop": ("Close the Loop", "# Reviewed by the team lead.\n"),
}
SLOW_EDITOR = """\
import sys, time
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
time.sleep(0.15)
new = text.replace('takeaway = "', 'takeaway = "Edited. ', 1)
with open(path, "w", encoding="utf-8") as handle:
    handle.write(new[: len(new) // 2])
    handle.flush()
    time.sleep(0.15)
    handle.write(new[len(new) // 2 :])
"""


def hand_written(root: Path) -> dict[str, Path]:
    paths = {}
    for tip_id, (title, comment) in HAND.items():
        path = root / "undated" / f"{tip_id}.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f'{comment}title = "{title}"   # as the team wrote it\n'
            f'categories = ["Teamwork"]\ntakeaway = "Say it once more."\n'
            f"body = '''\n{title}: the body a person wrote.\n'''\n",
            encoding="utf-8",
        )
        path.chmod(0o640)
        paths[tip_id] = path
    return paths


def assert_hand_written_intact(root: Path, paths: dict[str, Path]) -> None:
    visible = [
        p for p in root.rglob("*.toml") if not any(part.startswith(".") for part in p.relative_to(root).parts)
    ]
    tips = {}
    for path in visible:
        tip = read_tip(path, root)  # raises for a partial file
        assert tip.id not in tips, f"{tip.id} twice"
        tips[tip.id] = tip
    for tip_id, path in paths.items():
        title, comment = HAND[tip_id]
        assert tip_id in tips, f"{tip_id} lost"
        text = path.read_text(encoding="utf-8")
        assert text.startswith(comment), f"{tip_id} lost its comment"
        assert tips[tip_id].body == f"{title}: the body a person wrote."
        assert stat.S_IMODE(path.stat().st_mode) == 0o640, f"{tip_id} changed mode"
    for path in root.rglob("*"):
        if path.is_file() and path.suffix != ".toml":
            assert path.name.startswith(".") and path.name.endswith((".tmp", ".rejected")), path


def kill_after(args: list[str], delay: float, env: dict[str, str]) -> bool:
    """Run `tip ARGS`, killing it (and its editor) after `delay` s; True if it was killed."""
    process = subprocess.Popen(
        [*TIP, *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # the editor goes down with it
    )
    try:
        process.wait(delay)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return True
    return False


def round_args(command: str, n: int, root: Path, tmp_path: Path) -> list[str]:
    if command == "add":
        return ["add", "-t", f"Scratch {n}", "-c", "Teamwork", "-b", "word " * 800, "--into", str(root)]
    if command == "edit":
        return ["edit", list(HAND)[n % len(HAND)]]
    if command == "rm":
        scratch = root / "undated" / f"scratch-{n}.toml"
        scratch.write_text(f'title = "Scratch {n}"\ncategories = ["A"]\nbody = "b"\n', encoding="utf-8")
        return ["rm", f"scratch-{n}", "--yes"]
    source = tmp_path / f"update-{n}.json"
    items = [
        f'{{"title": "{title}", "categories": ["Round {n}"], "tags": ["r{n}"]}}' for title, _ in HAND.values()
    ]
    source.write_text("[" + ", ".join(items).replace("}", ', "body": "x"}') + "]", encoding="utf-8")
    return ["import", str(source), "--update", "--into", str(root)]


#: (command, seed, rounds): 20 rounds in all, split so that each test stays short.
ROUNDS = [("add", 1, 5), ("rm", 3, 5), ("edit", 2, 3), ("edit", 5, 2), ("import", 4, 3), ("import", 6, 2)]
#: Kill delays are drawn up to about 1.5 times an uninterrupted run (0.4 s for add and rm,
#: 0.7 s for an edit with the slow editor, 0.6 s for an import), so some rounds finish.
LATEST = {"add": 0.6, "rm": 0.6, "edit": 1.0, "import": 0.9}


@pytest.mark.parametrize(("command", "seed", "rounds"), ROUNDS)
def test_kills_leave_hand_written_tips_whole(
    library: Library, tmp_path: Path, isolated: Path, command: str, seed: int, rounds: int
) -> None:
    paths = hand_written(library.root)
    editor = tmp_path / "slow_editor.py"
    editor.write_text(SLOW_EDITOR, encoding="utf-8")
    env = {**os.environ, "EDITOR": f"{sys.executable} {editor}", "VISUAL": ""}
    draw = random.Random(seed)
    old = os.umask(0o022)
    try:
        for n in range(rounds):
            delay = draw.uniform(0.05, LATEST[command])
            kill_after(round_args(command, n, library.root, tmp_path), delay, env)
            assert_hand_written_intact(library.root, paths)
    finally:
        os.umask(old)
    check = subprocess.run([*TIP, "check"], env=env, capture_output=True, text=True, timeout=20, check=False)
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_stale_temporary_file_is_swept_by_the_next_add(library: Library, isolated: Path) -> None:
    folder = library.root / "undated"
    folder.mkdir()
    left = folder / ".scratch-9.toml.0badc0de.tmp"
    left.write_text("half a tip")
    stale = time.time() - 3600
    os.utime(left, (stale, stale))
    done = subprocess.run(
        [*TIP, "add", "-t", "After The Kill", "-c", "A", "-b", "b", "--into", str(library.root)],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert not left.exists()
