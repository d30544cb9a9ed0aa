"""An overall time limit for a conversation over a socket (SMTP today, any HTTP poster too).

A socket's own timeout bounds each read, not the conversation: a server that trickles one byte
a second never trips it. `Deadline.guard` runs a timer that, when the time is up, shuts the
socket down (`shutdown(2)` on its file descriptor), which wakes any read or write blocked on
it at once; the caller then sees a closed connection and `Deadline.expired` says why. Connect
with `Deadline.remaining()` as the socket timeout so that connecting is bounded too: that
timeout may then fire a moment before the timer does, which is why `expired` also asks the
clock rather than only whether the timer has run.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class Deadline:
    """`seconds` from now; `clock` is passed in so the arithmetic can be tested alone."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._end = clock() + seconds
        self._fired = False
        self._fd: int | None = None
        self._lock = threading.Lock()

    @property
    def expired(self) -> bool:
        """The time is up: the timer has shut the socket, or the clock has passed the end (a
        socket timeout set from `remaining()` can fire first on a loaded machine)."""
        return self._fired or self._clock() >= self._end

    def remaining(self, floor: float = 0.001) -> float:
        """Seconds left (at least `floor`, so it can be a socket timeout)."""
        return max(floor, self._end - self._clock())

    def watch(self, fd: int) -> None:
        """The socket (by descriptor) to shut down when the time is up."""
        with self._lock:
            self._fd = fd

    def _expire(self) -> None:
        with self._lock:
            self._fired = True
            if self._fd is not None:
                shutdown_fd(self._fd)

    @contextmanager
    def guard(self) -> Iterator[Deadline]:
        """Watch the socket given to `watch` until the block ends; on leaving, the timer is
        stopped and will not touch the descriptor again (so it may be closed and reused)."""
        timer = threading.Timer(self.remaining(), self._expire)
        timer.daemon = True
        timer.start()
        try:
            yield self
        finally:
            timer.cancel()
            with self._lock:
                self._fd = None


def shutdown_fd(fd: int) -> None:
    """`shutdown(SHUT_RDWR)` on a socket descriptor without taking ownership of it."""
    try:
        sock = socket.socket(fileno=fd)
    except OSError:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        sock.detach()
