"""The fast route: `tip today`, `tip week`, `tip show ID`, `tip search WORDS`, `tip list` and
`tip categories` without Typer, and `today` and `week` with `--short` or `--json` without Rich
either.

These run from login scripts and status lines many times a day, so they must start in a
fraction of the time it takes Python to import Typer and Rich. This module imports only `os`,
`sys`, `datetime`, `sqlite3`, `zlib` and tipweek's lean modules, and runs the same code as the
full command line for everything that decides the answer:

- the libraries, the config and the index file are the ones the full CLI last resolved for the
  same inputs (environment, config file, working folder, `--library`): it leaves a *stamp* in
  the cache folder (`write_stamp`), and this route only checks the stamp still applies;
- the index is brought up to date by `index.watch` (and `index.sync` when files changed);
- the pick is `select.tip_for_day` / `tip_for_week` over `LeanStore`, whose statements come
  from `index.where`, like the `Index`'s;
- the output is `shapes.short_line` / `shapes.tip_json` + `shapes.dumps`, or the tip drawn by
  `drawing.draw_tip` (Rich, with the pager rules of `paging`), like the full CLI's;
- `search`, `list` and `categories` call the library functions the commands call (`searching.search`
  over the `Index`, `Index.tips`, `Index.categories`) and draw with `render` through `views`.

Anything else or anything unusual (`--help`, an unknown option, a bad date, a warning, an
error, no stamp yet) returns None before writing a byte, and the full CLI runs the command
line from the start, so every message comes from one place. tests/test_fast.py runs a table
of command lines through both routes and compares stdout, stderr and exit codes.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

HOT = ("today", "week", "show", "search", "list", "categories")
FLAGS = {
    "--short": "short", "-s": "short", "--json": "json", "-j": "json", "--pager": "pager", "--all": "every",
}  # fmt: skip
NEGATIVE = {"--no-pager": "pager"}
VALUED = {
    "--date": "date", "-d": "date", "--category": "category", "-c": "category",
    "--limit": "limit", "-n": "limit",
}  # fmt: skip
LIBRARY = ("--library", "-L")
_SHOWN = ("--json", "-j", "--pager", "--no-pager")
_PICKED = (*_SHOWN, "--short", "-s", "--date", "-d", "--category", "-c")
#: The options this route reads, per command (and `--library` for all): each is the command's own
#: option of that name (tests/test_fast.py checks), anything else is for the full CLI.
OPTIONS = {
    "today": _PICKED,
    "week": _PICKED,
    "show": _SHOWN,
    "search": (*_SHOWN, "--category", "-c", "--limit", "-n", "--all"),
    "list": (*_SHOWN, "--category", "-c", "--limit", "-n"),
    "categories": _SHOWN,
}
STAMP_VERSION = "tipweek fast route 3"
#: The environment the full CLI's choice of files depends on (paths, libraries, the clock is not).
STAMP_ENV = (
    "TIP_CONFIG", "TIP_DATA_DIR", "TIP_CACHE_DIR", "TIP_LIBRARY", "TIP_NO_BUNDLED",
    "HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME",
)  # fmt: skip


class Fallback(Exception):
    """The full CLI must run this command line."""


class Request:
    """A hot command line, parsed: which command, its options, and `--library` folders."""

    __slots__ = (
        "category", "command", "date", "every", "json", "libraries", "limit", "pager", "short", "words",
    )  # fmt: skip

    def __init__(self, command: str) -> None:
        self.command = command
        self.short = self.json = self.every = False
        self.limit: str | None = None
        self.pager: bool | None = None
        self.date: str | None = None
        self.category: str | None = None
        self.words: list[str] = []
        self.libraries: list[str] = []


def parse(argv: Sequence[str]) -> Request | None:
    """The command line if it is a hot one in a plain form, else None: only separate option
    values (`--date X`, `--date=X`), flags one at a time, date words, and `--library` before
    or after the command. Everything else is for the full CLI to parse (and to complain about)."""
    request: Request | None = None
    libraries: list[str] = []
    args = list(argv)
    while args:
        arg = args.pop(0)
        name, eq, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name in LIBRARY or name in VALUED:
            given = value if eq else _next_value(args)
            if given is None or not _take_value(name, given, request, libraries):
                return None
        elif arg.startswith("-") or (request is None and arg not in HOT):
            if not _take_flag(arg, request):
                return None
        elif request is None:
            request = Request(arg)
        else:
            request.words.append(arg)
    if request is None:
        return None
    request.libraries = libraries
    return request


def _take_flag(arg: str, request: Request | None) -> bool:
    """Record a flag of the command; False for anything this route does not know."""
    if request is None or (arg not in FLAGS and arg not in NEGATIVE) or arg not in OPTIONS[request.command]:
        return False
    setattr(request, FLAGS.get(arg) or NEGATIVE[arg], arg in FLAGS)
    return True


def _next_value(args: list[str]) -> str | None:
    """An option's value given separately; None when there is none (the full CLI says so)."""
    if not args or args[0].startswith("-"):
        return None
    return args.pop(0)


def _take_value(name: str, value: str, request: Request | None, libraries: list[str]) -> bool:
    """Record an option's value; False when this route cannot take it."""
    if name in LIBRARY:
        if not _plain_path(value):
            return False
        libraries.append(value)
        return True
    if request is None or name not in OPTIONS[request.command]:
        return False
    setattr(request, VALUED[name], value)
    return True


def _plain_path(value: str) -> bool:
    """A path written the way `str(Path(value))` writes it back, so the full CLI's record of
    `--library` (Path objects) and this route's (the strings given) agree."""
    return (
        bool(value)
        and value != "."
        and "//" not in value
        and "/./" not in value
        and (not value.startswith("./") and not value.endswith(("/", "/.")))
    )


# -- the stamp: what the full CLI resolved, for which inputs -----------------------------------


def stamp_key(env: Mapping[str, str], libraries: Sequence[str], config_file: str) -> str:
    """What the files a command reads depend on, as one line: the environment, the working
    folder, `--library`, and the config file's identity (it may list libraries)."""
    import zlib

    try:
        st = os.stat(config_file)
        config = f"{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"
    except OSError:
        config = "none"
    from tipweek import __version__

    parts = [__version__, os.getcwd(), config, *(f"{k}={env.get(k, '')}" for k in STAMP_ENV), *libraries]
    data = "\x00".join(parts).encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


def stamp_dirs(env: Mapping[str, str]) -> list[str]:
    """Where the stamp may be: TIP_CACHE_DIR, else the usual per-user cache folders. Only a
    guess: a stamp is used only when its key matches, and the full CLI writes it in the real
    cache folder (platformdirs), so a wrong guess only means the full route runs."""
    if env.get("TIP_CACHE_DIR"):
        return [env["TIP_CACHE_DIR"]]
    home = os.path.expanduser("~")
    xdg = env.get("XDG_CACHE_HOME", "").strip()
    return [
        os.path.join(xdg if os.path.isabs(xdg) else os.path.join(home, ".cache"), "tipweek"),
        os.path.join(home, "Library", "Caches", "tipweek"),
    ]


def config_guess(env: Mapping[str, str]) -> str:
    """The config file the key is made with: TIP_CONFIG, else the usual one (a guess, checked
    like the cache folder's: the key also holds the environment the full CLI resolved it in)."""
    if env.get("TIP_CONFIG"):
        return env["TIP_CONFIG"]
    xdg = env.get("XDG_CONFIG_HOME", "").strip()
    base = xdg if os.path.isabs(xdg) else os.path.join(os.path.expanduser("~"), ".config")
    return os.path.join(base, "tipweek", "config.toml")


def write_stamp(
    cache_dir: str,
    env: Mapping[str, str],
    libraries: Sequence[str],
    index_file: str,
    roots: Sequence[tuple[str, str]],
    hidden: tuple[str, str] = ("", "none"),
    thesaurus: Sequence[str] = (),
) -> None:
    """Called by the full CLI once it has opened the index: remember what it resolved, the
    hidden list (path, `file_signature`) whose ids the index holds, and the thesaurus files."""
    key = stamp_key(env, libraries, config_guess(env))
    lines = [
        STAMP_VERSION,
        f"index\t{index_file}",
        f"hidden\t{hidden[0]}\t{hidden[1]}",
        *(f"root\t{name}\t{path}" for name, path in roots),
        *(f"thesaurus\t{path}" for path in thesaurus),
    ]
    text = "\n".join(lines) + "\n"
    names = (index_file, hidden[0], *(p for r in roots for p in r), *thesaurus)
    if any("\n" in part or "\t" in part for part in names):
        return  # odd names are left to the full CLI
    path = os.path.join(cache_dir, f"fast-{key}.txt")
    try:
        with open(path, encoding="utf-8") as handle:
            if handle.read() == text:
                return
    except OSError:
        pass
    from contextlib import suppress

    from tipweek.safewrite import write_cache

    with suppress(OSError):  # only a hint for the fast route
        write_cache(path, text.encode("utf-8"))


class Stamp:
    """What the full CLI resolved: the index file, the libraries (name, path), the thesaurus
    files, and the cache folder the stamp was found in."""

    __slots__ = ("cache_dir", "index", "key", "lines", "roots", "thesaurus")

    def __init__(self, cache_dir: str, key: str, lines: list[str]) -> None:
        fields = [line.split("\t") for line in lines[3:]]
        self.key, self.lines = key, lines
        self.cache_dir, self.index = cache_dir, lines[1].split("\t", 1)[1]
        self.roots = [(f[1], f[2]) for f in fields if f[0] == "root"]
        self.thesaurus = [f[1] for f in fields if f[0] == "thesaurus"]


def read_stamp(env: Mapping[str, str], libraries: Sequence[str]) -> Stamp:
    """What the full CLI used for these inputs (see `Stamp`)."""
    from tipweek.signature import file_signature

    key = stamp_key(env, libraries, config_guess(env))
    for folder in stamp_dirs(env):
        try:
            with open(os.path.join(folder, f"fast-{key}.txt"), encoding="utf-8") as handle:
                lines = handle.read().splitlines()
        except OSError:
            continue
        if len(lines) < 3 or lines[0] != STAMP_VERSION or not lines[1].startswith("index\t"):
            break
        _, hidden, signature = lines[2].split("\t")
        if file_signature(hidden) != signature:
            raise Fallback("the hidden list changed: the full CLI brings the index up to date")
        return Stamp(folder, key, lines)
    raise Fallback("no stamp for these inputs")


# -- reading the index -----------------------------------------------------------------------


class Row:
    """A tip as read from the index, with what `shapes` needs (a `Tip` would need `dataclasses`)."""

    __slots__ = (
        "author", "body", "categories", "excerpt", "id", "iso_added", "iso_date", "publisher", "row",
        "source", "summary", "tags", "takeaway", "title",
    )  # fmt: skip

    def __init__(self, row: sqlite3.Row, packed_with: bytes | None) -> None:
        from tipweek.index.schema import unpack
        from tipweek.shapes import loads_strings

        self.row = row
        self.id, self.title, self.takeaway = row["id"], row["title"], row["takeaway"]
        self.iso_date: str | None = row["date"]
        self.categories = loads_strings(row["categories"])
        self.tags = loads_strings(row["tags"])
        self.source, self.author, self.excerpt = row["source"], row["author"], bool(row["excerpt"])
        self.publisher: str = row["publisher"] or ""
        self.iso_added: str | None = row["added"] or None
        self.summary, _, self.body = unpack(row["z"], packed_with)


class Filters:
    """What `index.where` reads of `store.Filters`."""

    __slots__ = ("category", "hidden", "new_too", "since", "until", "whole")

    def __init__(
        self,
        category: str | None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        whole: bool = False,
        new_too: bool = False,
    ):
        self.category, self.since, self.until = category, since, until
        self.whole, self.hidden, self.new_too = whole, False, new_too


class LeanStore:
    """The part of the `Store` contract that picking a tip uses, over the same statements."""

    def __init__(self, db: sqlite3.Connection) -> None:
        from tipweek.index.schema import zdict

        self.db = db
        self.packed_with = zdict(db)  # what the text is packed with

    def dated_between(self, start: dt.date, end: dt.date, category: str | None) -> list[Row]:
        from tipweek.index.where import rows_sql

        sql, args = rows_sql(Filters(category, start, end, whole=True), "LIMIT ?")  # type: ignore[arg-type]
        return [Row(r, self.packed_with) for r in self.db.execute(sql, [*args, -1])]

    def eligible_count(self, as_of: dt.date, category: str | None, new_too: bool = False) -> int:
        from tipweek.index.where import count_sql

        wanted = Filters(category, new_too=new_too)
        return int(self.db.execute(*count_sql(wanted, as_of)).fetchone()[0])  # type: ignore[arg-type]

    def eligible_at(self, as_of: dt.date, category: str | None, position: int, new_too: bool = False) -> Row:
        from tipweek.index.where import TIP_SQL, nth_sql

        wanted = Filters(category, new_too=new_too)
        (rowid,) = self.db.execute(*nth_sql(wanted, position, as_of)).fetchone()  # type: ignore[arg-type]
        return Row(self.db.execute(TIP_SQL, (rowid,)).fetchone(), self.packed_with)

    def category_key(self, name: str) -> str:
        """The key of a category the library has, as `store.resolve_category` finds it; any
        other name is the full CLI's to explain."""
        from tipweek.text import category_key

        key = category_key(name)
        if not self.db.execute(
            "SELECT 1 FROM category_counts WHERE key = ? AND count > 0", (key,)
        ).fetchone():
            raise Fallback("unknown category")
        return key


def _raise(*_args: object) -> None:
    raise Fallback("this needs the full CLI (progress, a warning)")


def open_current(index_file: str, roots: Sequence[tuple[str, str]]) -> sqlite3.Connection:
    """The index, brought up to date; a version, a damage or a change that needs telling about
    (a warning, a progress bar) is the full CLI's."""
    from tipweek.index import schema, watch

    for name, path in roots:
        if name not in ("bundled", "user") and not os.path.isdir(path):
            raise Fallback("a library folder is missing: the full CLI warns")
    if not os.path.isfile(index_file):
        raise Fallback("no index yet")
    # Never wait for another process's lock here: the full CLI waits `index.lock_wait` (1 s by
    # default) and then reads the files, so the whole command stays within that bound.
    db = schema.connect(index_file, busy_ms=0)
    if schema.version(db) != schema.SCHEMA_VERSION:
        raise Fallback("another version of the index")
    db.execute("PRAGMA synchronous = NORMAL")
    found = watch.scan(db, [path for _, path in roots])
    if found:
        if db.execute("SELECT 1 FROM meta WHERE key = 'aliases' AND value != ''").fetchone():
            raise Fallback("category aliases apply to new files: the full CLI reads the config")
        # What the full CLI would do, with the same code: `sync` reads a tip file into its
        # checked fields (`tipfile`) and stores its rows without the model, `pathlib` or `json`.
        # A file with a problem is recorded as one, and the full CLI then says so (below).
        from tipweek.index import sync

        with schema.writing(db):
            sync.apply(db, [path for _, path in roots], found, _raise)  # the hidden list recorded is kept
    if db.execute("SELECT 1 FROM files WHERE problem IS NOT NULL LIMIT 1").fetchone():
        raise Fallback("unreadable tip files: the full CLI warns")
    return db


# -- running ---------------------------------------------------------------------------------


class Drawing:
    """A tip to draw in full, and how (`drawing.draw_tip`); `key`: where to keep the text
    drawn (`drawn`), when it may be kept."""

    def __init__(
        self, tip: Any, blocks: Any, label: str, pager: bool | None, similar: Any = (), key: Any = None
    ) -> None:
        self.tip, self.blocks, self.label, self.pager = tip, blocks, label, pager
        self.similar, self.key = similar, key


class Cached:
    """A tip drawn before for the very same inputs (`drawn.Entry`), to print (or page) again."""

    def __init__(self, entry: Any, pager: bool | None) -> None:
        self.entry, self.pager = entry, pager


def _drawn(
    stamp: Stamp, request: Request, env: Mapping[str, str], state: str, *parts: str
) -> tuple[Any, Cached | None]:
    """The key of what `request` draws from the data `state` stands for (None when it is not
    drawn or not to be kept) and, when it was drawn before for the same key, that drawing."""
    if request.json or request.short or env.get("TIP_DRAWN_CACHE", "1") == "0":
        return None, None
    from tipweek.cli import drawn

    parts = (request.command, *parts, repr(request.pager))
    key = drawn.make_key(stamp.cache_dir, stamp.index, parts, state, env)
    entry = drawn.load(key) if key is not None else None
    return key, (Cached(entry, request.pager) if entry is not None else None)


class Page:
    """Anything else to print with Rich (a table, search results), through `paging.page`;
    `key`: where to keep the text drawn (`drawn`), when it may be kept."""

    def __init__(self, renderable: Any, pager: bool | None, key: Any = None) -> None:
        self.renderable, self.pager, self.key = renderable, pager, key


def _today(env: Mapping[str, str]) -> dt.date:
    """`State.today`: TIP_TODAY pins the clock."""
    pinned = env.get("TIP_TODAY")
    return dt.date.fromisoformat(pinned) if pinned else dt.date.today()


def answer(request: Request, env: Mapping[str, str]) -> str | Drawing | Page | Cached:
    """The text the full CLI would print for `request`, or the tip it would draw."""
    from tipweek import select, shapes

    if request.command == "show":
        return _show(request, env)
    if request.command not in ("today", "week"):
        return _listing(request, env)
    today = _today(env)
    if request.words and request.date is not None:
        raise Fallback("the date twice")
    day = today
    if request.words or request.date is not None:
        from tipweek.dates import parse_date

        day = parse_date(" ".join(request.words) if request.words else str(request.date), today=today)
    stamp = read_stamp(env, request.libraries)
    db = open_current(stamp.index, stamp.roots)
    try:
        store = LeanStore(db)
        key = store.category_key(request.category) if request.category else None
        pick_for = select.tip_for_day if request.command == "today" else select.tip_for_week
        pick: Any = pick_for(store, day, key)  # type: ignore[arg-type]
        if request.json:
            return shapes.dumps(shapes.tip_json(pick.tip)) + "\n"
        if request.short:
            return shapes.short_line(pick.tip.title, pick.tip.takeaway) + "\n"
        # The whole row drawn, its text as unpacked (and the day and category that chose it)
        # is the key: exact.
        drawn = repr((tuple(pick.tip.row), pick.tip.summary, pick.tip.body))
        drawn_key, cached = _drawn(stamp, request, env, drawn, day.isoformat(), str(key))
        if cached is not None:
            return cached
        drawing = _drawing(db, request, pick, day, store.packed_with)
        drawing.key = drawn_key
        return drawing
    finally:
        db.close()


def _drawing(
    db: sqlite3.Connection, request: Request, pick: Any, day: dt.date, packed_with: bytes | None
) -> Drawing:
    """The tip drawn in full, as `cli.read` draws it (the parsed body cached as it caches it)."""
    from tipweek.dates import week_label
    from tipweek.index import queries

    tip = queries.row_to_tip(pick.tip.row, packed_with)
    if request.command == "today":
        what = f"tip of the day {day.isoformat()}"
    else:
        what = f"tip of the week {week_label(pick.start)}"
    return Drawing(tip, queries.blocks(db, tip), f"{what} · ", request.pager)


def _show(request: Request, env: Mapping[str, str]) -> str | Drawing | Cached:
    """`tip show ID`: the tip `store.find_tip` finds in the `Index`, then its JSON, or the tip
    drawn with "See also" (`Index.similar`), as `cli.read.show` does."""
    if len(request.words) != 1 or request.short or request.date is not None or request.category:
        raise Fallback("not a plain show")
    stamp = read_stamp(env, request.libraries)
    db = open_current(stamp.index, stamp.roots)
    try:
        state = "" if request.json else library_state(db, stamp)
        key, cached = _drawn(stamp, request, env, state, request.words[0])
        if cached is not None:
            return cached  # drawn before from the same library: neither the Index nor Rich
        from pathlib import Path

        from tipweek import shapes
        from tipweek.index.core import Index
        from tipweek.library import LibrarySource
        from tipweek.store import find_tip

        index = Index(db, [LibrarySource(name, Path(path)) for name, path in stamp.roots])
        tip = find_tip(index, request.words[0])
        if request.json:
            return shapes.dumps(tip.to_json()) + "\n"
        drawing = Drawing(tip, index.blocks(tip), "", request.pager, index.similar(tip, 3))
        drawing.key = key if library_state(db, stamp) == state else None  # not if it moved meanwhile
        return drawing
    finally:
        db.close()


def library_state(db: sqlite3.Connection, stamp: Stamp) -> str:
    """What the index holds, as one string that changes whenever its tips do: every folder's
    signature of its files (`index.watch` keeps them with the tips they hold, in the same
    transaction), the aliases and hidden ids recorded, and the stamp (the config file, the
    hidden list's signature and the index file it names)."""
    folders = db.execute(
        "SELECT group_concat(d, '|') FROM "
        "(SELECT path || ':' || mtime_ns || ':' || sig || ':' || files AS d FROM dirs ORDER BY path)"
    )
    aliases = db.execute("SELECT value FROM meta WHERE key = 'aliases'").fetchone()
    (hidden,) = db.execute("SELECT count(*) FROM hidden").fetchone()
    return repr((folders.fetchone()[0], aliases and aliases[0], hidden, stamp.key, stamp.lines))


def _listing(request: Request, env: Mapping[str, str]) -> str | Page | Cached:
    """`tip search WORDS`, `tip list` and `tip categories` in their plain forms, over the
    `Index` as the full CLI opens it, the category resolved by `store.resolve_category`."""
    if bool(request.words) != (request.command == "search"):
        raise Fallback("words where the command takes none, or a search without any")
    limit = _limit(request.limit)
    stamp = read_stamp(env, request.libraries)
    db = open_current(stamp.index, stamp.roots)
    try:
        key, state = None, ""
        if request.command != "search":  # a search's words vary: never kept
            state = "" if request.json else library_state(db, stamp)
            day = _today(env).isoformat() if request.command == "list" else ""  # "scheduled" moves
            key, cached = _drawn(stamp, request, env, state, str(request.category), str(limit), day)
            if cached is not None:
                return cached
        from pathlib import Path

        from tipweek.index.core import Index
        from tipweek.library import LibrarySource
        from tipweek.store import Filters, resolve_category

        index = Index(db, [LibrarySource(name, Path(path)) for name, path in stamp.roots])
        filters = Filters(resolve_category(index, request.category) if request.category else None)
        if request.command == "search":
            return _search(index, request, filters, limit or 10, stamp)
        shown = _list_or_categories(index, request, filters, limit, env)
        if isinstance(shown, Page) and library_state(db, stamp) == state:
            shown.key = key  # not if the library moved meanwhile
        return shown
    finally:
        db.close()


def _limit(value: str | None) -> int | None:
    """`--limit N` as the full CLI reads it (a whole number from 1 up); else its complaint."""
    if value is None:
        return None
    if not value or value.strip("0123456789") or int(value) < 1:
        raise Fallback("not a plain limit")
    return int(value)


def _search(index: Any, request: Request, filters: Any, limit: int, stamp: Stamp) -> str | Page:
    """What `cli.search.search` prints: the hits as JSON, or `render.search_results`. A word
    corrected (a note on stderr) or nothing found (an error) is the full CLI's to say."""
    from pathlib import Path

    from tipweek import shapes
    from tipweek.searching import load_thesaurus, search

    thesaurus = load_thesaurus([Path(p) for p in stamp.thesaurus], Path(stamp.cache_dir), _raise)
    found = search(index, request.words, thesaurus, filters=filters, limit=limit, every=request.every)
    if found.plan.corrections or not found.hits:
        raise Fallback("a correction to mention, or no hits")
    if request.json:
        return shapes.dumps([h.to_json() for h in found.hits]) + "\n"
    from tipweek import render  # Rich: only to draw

    return Page(render.search_results(found.hits), request.pager)


def _list_or_categories(
    index: Any, request: Request, filters: Any, limit: int | None, env: Mapping[str, str]
) -> str | Page:
    """What `cli.read.list_` and `cli.read.categories` print, through `views` (Rich only to
    draw: `--json` does without it)."""
    from tipweek import shapes
    from tipweek.cli import views

    if request.command == "categories":
        cats = views.sorted_categories(index)
        if request.json:
            return shapes.dumps([c.to_json() for c in cats]) + "\n"
        from tipweek import render

        return Page(render.categories_table(cats), request.pager)
    tips = index.tips(filters, limit)
    if request.json:
        return shapes.dumps([t.to_json() for t in tips]) + "\n"
    if not tips:
        raise Fallback("nothing listed: the full CLI says so")
    return Page(views.list_table(index, filters, tips, _today(env)), request.pager)


def _draw(drawing: Drawing | Page | Cached, env: Mapping[str, str]) -> None:
    from tipweek.cli import paging

    if isinstance(drawing, Cached):
        entry = drawing.entry
        paging.page_text(entry.text, entry.terminal, entry.height, drawing.pager, env)
        return
    from tipweek.cli.drawing import draw_tip, make_console

    out = make_console()
    if isinstance(drawing, Page) and drawing.key is None:
        paging.page(out, drawing.renderable, drawing.pager, env)
        return
    if isinstance(drawing, Page):
        _draw_and_keep(out, drawing.renderable, drawing.key, drawing.pager, env)
        return
    if drawing.key is not None:
        from tipweek.cli.drawing import tip_view

        view = tip_view(drawing.tip, drawing.blocks, label=drawing.label, similar=drawing.similar)
        _draw_and_keep(out, view, drawing.key, drawing.pager, env)
        return
    draw_tip(
        out,
        env,
        drawing.tip,
        drawing.blocks,
        label=drawing.label,
        pager=drawing.pager,
        similar=drawing.similar,
    )


def _draw_and_keep(out: Any, renderable: Any, key: Any, pager: bool | None, env: Mapping[str, str]) -> None:
    """Draw as `paging.page` does, keeping the text for the next time (`drawn`)."""
    from tipweek.cli import drawn, paging

    with out.capture() as capture:
        out.print(renderable)
    entry = drawn.Entry(capture.get(), paging.is_terminal(out), out.size.height)
    drawn.store(key, entry)
    paging.page_text(entry.text, entry.terminal, entry.height, pager, env)


def run(argv: Sequence[str], env: Mapping[str, str] | None = None) -> int | None:
    """Run a hot command line and return its exit code, or None for the full CLI to run it."""
    env = os.environ if env is None else env
    if env.get("TIP_FAST", "1") == "0":
        return None
    request = parse(argv)
    if request is None:
        return None
    try:
        text = answer(request, env)
    except Exception:  # whatever it is, the full CLI says it (or does not, and answers)
        return None
    try:
        if isinstance(text, (Drawing, Page, Cached)):
            _draw(text, env)
        else:
            sys.stdout.write(text)
        sys.stdout.flush()
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `tip today --short | head -c 10`: the reader went away; that is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
