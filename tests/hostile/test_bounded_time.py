"""Bounded time: `tip send` gives up when `[smtp] timeout` is up, however slowly the server
trickles its replies (smtplib's timeout is per read); a read command whose index is locked by
another process reads the tip files after `index.lock_wait` (1 s) instead of waiting 15 s.

Both run `tip` in a child process with a time limit of a few seconds, so the old behaviour
(hanging forever, or 15 s) fails the test instead of stalling the suite; no test measures time.
"""

from __future__ import annotations

import socket
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import Library
from tests.hostile.bounded import run_bounded


class Trickler:
    """An SMTP server on 127.0.0.1 that sends its greeting one byte every `pause` seconds,
    as continuation lines (`220-`) that never end: every read gets a byte in time."""

    def __init__(self, pause: float = 0.1) -> None:
        self.pause = pause
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.listener.settimeout(0.1)
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn: socket.socket) -> None:
        with conn:
            line = b"220-slow.example.invalid says hello, very slowly\r\n"
            while not self.stop.is_set():
                for byte in line:
                    if self.stop.wait(self.pause):
                        return
                    try:
                        conn.sendall(bytes([byte]))
                    except OSError:
                        return

    def close(self) -> None:
        self.stop.set()
        self.thread.join(2)
        self.listener.close()


@pytest.fixture
def trickler() -> Iterator[Trickler]:
    server = Trickler()
    yield server
    server.close()


@pytest.mark.parametrize("security", ["none", "starttls"])
def test_send_to_a_trickling_server_stops_at_the_timeout(
    sample: Library, isolated: Path, trickler: Trickler, security: str
) -> None:
    isolated.mkdir(parents=True, exist_ok=True)
    (isolated / "config.toml").write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {trickler.port}\nsecurity = "{security}"\ntimeout = 1\n'
    )
    result = run_bounded("send", "--to", "team@example.org")
    assert result.returncode == 1
    assert result.stderr == f"error: SMTP server 127.0.0.1:{trickler.port} did not answer within 1s\n"
    assert not (isolated / "data" / "sent.log").exists()


def test_deadline_arithmetic() -> None:
    from tipweek.deadline import Deadline

    now = [100.0]
    deadline = Deadline(3, clock=lambda: now[0])
    assert deadline.remaining() == 3 and not deadline.expired
    now[0] = 102.5
    assert deadline.remaining() == 0.5 and not deadline.expired
    now[0] = 200
    assert deadline.remaining() == 0.001 and deadline.remaining(floor=0) == 0
    # Expired by the clock alone, before any timer ran: a socket timeout set from
    # remaining() can fire first on a loaded machine, and must be told apart all the same.
    assert deadline.expired


@pytest.fixture
def locked_index(sample: Library, isolated: Path) -> Iterator[sqlite3.Connection]:
    """The index built, then held under another connection's write lock."""
    assert run_bounded("list").returncode == 0
    (index,) = (isolated / "cache").glob("index-*.sqlite3")
    holder = sqlite3.connect(str(index), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield holder
    finally:
        holder.rollback()
        holder.close()


@pytest.mark.parametrize("wait", [None, "0", "0.5"])
def test_a_locked_index_falls_back_to_the_files(
    sample: Library, isolated: Path, locked_index: sqlite3.Connection, wait: str | None
) -> None:
    if wait is not None:
        (isolated / "config.toml").write_text(f"[index]\nlock_wait = {wait}\n")
    sample.add("Brand New Tip", "2026-11-23", ("Teamwork",))  # the index has something to write
    result = run_bounded("show", "brand-new-tip", "--json")
    assert result.returncode == 0, result.stderr
    assert '"title": "Brand New Tip"' in result.stdout
    assert result.stderr.startswith("warning: the search index is busy")
    assert result.stderr.count("\n") == 1


def test_login_script_line_with_a_locked_index(sample: Library, locked_index: sqlite3.Connection) -> None:
    assert run_bounded("today", "--short").returncode == 0  # the fast route's stamp is written
    sample.add("Brand New Tip", "2026-11-23", ("Teamwork",))
    result = run_bounded("today", "--short")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1 and " — " in result.stdout
    assert result.stderr.startswith("warning: the search index is busy")
