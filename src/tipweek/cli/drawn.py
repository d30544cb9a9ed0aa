"""A tip drawn in full (`tip today`, `tip week`, `tip show ID`), or the table of `tip list` or
`tip categories`, kept as the text Rich wrote, so that the same command with the same inputs
prints it again without importing Rich (issue #13). A search is never kept: its words vary.

An entry is used only when everything that decided its text is the same, compared whole (the
file is named after the command line; the whole key inside is checked):

- the command line as the fast route read it (for `today` and `week`, the day it resolved to);
- the data drawn: for `today` and `week`, the picked tip's whole row in the index and its
  text as unpacked (so the entry is right whatever else changed); for `show` (whose "See also" reads the whole
  library), `list` and `categories`, the index's state as `cli.fast.library_state` reads it
  (every folder's signature in `dirs`, the aliases and hidden ids it holds, the stamp: config
  file and hidden list), and for `list` today's date (tips after it are marked scheduled);
- what Rich reads to lay out and colour the text: the variables in `RICH_ENV`, whether each of
  stdin, stdout and stderr is a terminal and its size, and stdout's encoding;
- the code that drew it: Python's version, and the size and time of every tipweek and Rich
  module loaded when it was drawn (an upgrade or an edit of either is a miss).

The pager rules are applied afresh every time (`paging.page_text`), with the height and
Rich's verdict on the terminal recorded with the text (both follow from the key). Entries are
written by `safewrite.write_cache` (a temporary file, then a rename; never through a link); at
most `ENTRIES` are kept. `TIP_DRAWN_CACHE=0` turns the cache off; it is off on Windows, where
Rich also asks the console itself what it can draw.
"""

from __future__ import annotations

import os
import sys

from tipweek.signature import file_signature

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

VERSION = "tipweek drawn 1"
ENTRIES = 64  # the most entries kept in a cache folder: the oldest go first
MAX_TEXT = 256 * 1024  # a longer text (a list of thousands of tips) is drawn every time
#: The environment variables Rich's `Console` reads (rich/console.py, rich/_unicode_data).
RICH_ENV = (
    "COLUMNS", "LINES", "JUPYTER_COLUMNS", "JUPYTER_LINES", "NO_COLOR", "FORCE_COLOR", "TERM",
    "COLORTERM", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "UNICODE_VERSION", "DATABRICKS_RUNTIME_VERSION",
)  # fmt: skip
_MODULES = ("tipweek", "rich")


class Key:
    """Where an entry goes (`path`: one per command line), and all it must have been drawn
    for (`text`)."""

    __slots__ = ("path", "text")

    def __init__(self, path: str, text: str) -> None:
        self.path, self.text = path, text


class Entry:
    """Drawn text, and what `paging.page_text` needs to page it as it was first paged."""

    __slots__ = ("height", "terminal", "text")

    def __init__(self, text: str, terminal: bool, height: int) -> None:
        self.text, self.terminal, self.height = text, terminal, height


def _terminal() -> list[str]:
    """What Rich sees of the terminal: per standard stream, a terminal or not, and its size."""
    seen = []
    for fd in (0, 1, 2):
        try:
            size = os.get_terminal_size(fd)
            seen.append(f"{os.isatty(fd)}:{size.columns}x{size.lines}")
        except (OSError, ValueError):
            seen.append(f"{fd}:-")
    return seen


def make_key(
    cache_dir: str, index_file: str, request: Sequence[str], state: str, env: Mapping[str, str]
) -> Key | None:
    """The key for drawing `request` (the command line's parts as read) from the data `state`
    stands for, now; None: not to be cached."""
    import zlib

    if sys.platform == "win32":
        return None  # Rich asks the Windows console what it can do: not a key to keep
    from tipweek import __version__

    try:
        stdout = f"{sys.stdout.encoding}:{sys.stdout.isatty()}"
    except (AttributeError, ValueError):
        return None
    named = "\x00".join([index_file, *request]).encode("utf-8", "surrogateescape")
    name = f"drawn-{zlib.crc32(named):08x}{zlib.adler32(named):08x}.txt"
    parts = [
        VERSION, sys.version, __version__, index_file, *request, state, stdout,
        *(f"{k}={env[k]}" if k in env else f"{k}!" for k in RICH_ENV), *_terminal(),
    ]  # fmt: skip
    return Key(os.path.join(cache_dir, name), repr(parts))  # one line, and no two lists alike


def load(key: Key) -> Entry | None:
    """The entry drawn for exactly `key`, with the same code; else None."""
    try:
        with open(key.path, encoding="utf-8", errors="surrogateescape", newline="") as handle:
            data = handle.read()
        head, key_text, rest = data.split("\n", 2)
        version, terminal, height, count = head.split("\t")
        if version != VERSION or key_text != key.text:
            return None
        lines = rest.split("\n", int(count))
        for line in lines[:-1]:
            path, signature = line.split("\t")
            if file_signature(path) != signature:
                return None
        return Entry(lines[-1], terminal == "1", int(height))
    except (OSError, ValueError):
        return None


def store(key: Key, entry: Entry) -> None:
    """Keep `entry` for `key`, with the signatures of the modules that drew it."""
    if len(entry.text) > MAX_TEXT:
        return
    modules = sorted(
        str(m.__file__)
        for name, m in list(sys.modules.items())
        if name.partition(".")[0] in _MODULES and getattr(m, "__file__", None)
    )
    if any("\n" in path or "\t" in path for path in modules):
        return
    lines = [
        f"{VERSION}\t{int(entry.terminal)}\t{entry.height}\t{len(modules)}",
        key.text,
        *(f"{path}\t{file_signature(path)}" for path in modules),
    ]
    data = "\n".join(lines) + "\n" + entry.text
    from tipweek.safewrite import write_cache

    try:
        write_cache(key.path, data.encode("utf-8", "surrogateescape"))
        _forget_the_oldest(os.path.dirname(key.path))
    except OSError:
        pass  # only a cache: the next command draws the tip again


def _forget_the_oldest(folder: str) -> None:
    """Keep at most `ENTRIES` entries (a day's tip is a new entry every day)."""
    with os.scandir(folder) as found:
        entries = [
            (e.stat().st_mtime_ns, e.path)
            for e in found
            if e.name.startswith("drawn-") and e.name.endswith(".txt")
        ]
    for _, path in sorted(entries)[: max(0, len(entries) - ENTRIES)]:
        os.unlink(path)
