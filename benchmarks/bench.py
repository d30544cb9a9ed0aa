#!/usr/bin/env python3
"""Speed benchmark for the `tip` command line.

Generates synthetic tip libraries in the real file format (1,000, 10,000 and 100,000 tips by
default), then times `tip` commands as whole processes: the median wall time of several runs
after one warm-up, as a ratio to `python -c "import typer, rich.console"` (the "import floor",
measured in the same run), and the peak memory (RSS) of each process. It also times the first
index build and the first command after one tip file is edited (atomic replace and in-place).

    python benchmarks/bench.py                              # 1,000, 10,000 and 100,000 tips
    python benchmarks/bench.py --sizes 1000 --runs 5        # quick
    python benchmarks/bench.py --keep --markdown out.md     # keep the libraries for the next run

Run it with the interpreter of the environment `tipweek` is installed in: the `tip` script
next to that interpreter is what gets timed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

GENERATOR_VERSION = 1
SEED = 20260624
TODAY = dt.date(2026, 6, 24)  # TIP_TODAY for every command
SEARCH_WORD = "refund"
LIST_CATEGORY = "Empathy"
FLOOR_CODE = "import typer, rich.console"
MB = 1024 * 1024

CATEGORIES = (
    "Empathy",
    "Service Recovery",
    "Phone Skills",
    "Email Writing",
    "Live Chat",
    "De-escalation",
    "Teamwork",
    "Product Knowledge",
    "Self Care",
    "Retail",
    "Onboarding",
)
SERVICE_WORDS = (
    "customer", "caller", "refund", "apology", "ticket", "queue", "escalation", "supervisor",
    "invoice", "order", "delivery", "return", "warranty", "complaint", "feedback", "empathy",
    "listen", "patience", "promise", "callback", "hold", "transfer", "account", "billing",
    "shipment", "replacement", "survey", "policy", "exception", "manager", "team", "handover",
    "follow-up", "deadline", "greeting", "tone", "chat", "email", "phone", "store", "checkout",
    "receipt", "discount", "voucher", "subscription", "cancellation", "password", "login",
    "outage", "status", "update", "resolution", "satisfaction", "loyalty", "trust", "question",
    "answer", "problem", "solution", "colleague",
)  # fmt: skip
FUNCTION_WORDS = (
    "the", "the", "the", "a", "a", "and", "and", "to", "to", "of", "of", "you", "you", "your",
    "is", "it", "in", "for", "that", "with", "on", "they", "their", "we", "our", "not", "be",
    "when", "what", "if", "can", "will", "just", "before", "after", "then", "so", "but", "one",
    "more", "every", "don't", "you're", "it's", "them", "this", "who", "how", "about",
)  # fmt: skip
AUTHORS = (
    "The tipweek team", "Ana Ruiz", "Ben Okafor", "Chloe Martin", "Dev Patel", "Erin Walsh",
    "Farah Haddad", "Gus Lindqvist", "Hana Sato", "Ivo Novak", "Jade Moreau", "Kofi Mensah",
)  # fmt: skip
ONSETS = ("b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
          "br", "ch", "dr", "fl", "gr", "pl", "sh", "st", "th", "tr")  # fmt: skip
VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "oo", "ou")
CODAS = ("", "", "", "n", "r", "s", "l", "m", "nd", "st", "ck", "x")

TEMPLATE_DATED = '''title = "{title}"
date = {date}
categories = [{categories}]
tags = [{tags}]
author = "{author}"
{summary}takeaway = "{takeaway}"
body = """
{body}
"""
'''
TEMPLATE_UNDATED = TEMPLATE_DATED.replace("date = {date}\n", "")


# -- generating libraries ---------------------------------------------------------------------


class TextMaker:
    """Deterministic pseudo-English: invented words (Zipf-distributed), function words and
    customer-service words, so that FTS sees a realistic vocabulary and `search` a real word."""

    def __init__(self, rng: random.Random, vocabulary: int = 4000) -> None:
        self.rng = rng
        words: set[str] = set()
        while len(words) < vocabulary:
            syllables = rng.choice((2, 2, 2, 3, 3, 4))
            words.add(
                "".join(rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(syllables)) + rng.choice(CODAS)
            )
        self.invented = sorted(words)
        rng.shuffle(self.invented)
        self.invented_cum = list(
            itertools.accumulate(1.0 / (rank + 10) for rank in range(len(self.invented)))
        )
        self.tags = [*SERVICE_WORDS[:30], *self.invented[:30]]

    def words(self, n: int) -> list[str]:
        rng = self.rng
        invented = rng.choices(self.invented, cum_weights=self.invented_cum, k=n)
        function = rng.choices(FUNCTION_WORDS, k=n)
        service = rng.choices(SERVICE_WORDS, k=n)
        kinds = rng.choices((0, 1, 2), weights=(45, 45, 10), k=n)
        return [(invented, function, service)[k][i] for i, k in enumerate(kinds)]

    def sentence(self, n: int) -> str:
        words = self.words(n)
        return " ".join(words)[:1].upper() + " ".join(words)[1:] + "."

    def sentences(self, total: int) -> str:
        out: list[str] = []
        while total > 0:
            n = min(total, self.rng.randint(8, 18))
            total -= n
            out.append(self.sentence(n))
        return " ".join(out)

    def title(self) -> str:
        return " ".join(w.capitalize() for w in self.words(self.rng.randint(4, 8)))

    def body(self) -> tuple[str, int]:
        """A Markdown body of 200–300 words: 2–4 paragraphs, then a bullet list."""
        rng = self.rng
        total = rng.randint(200, 300)
        bullets = rng.randint(3, 5)
        bullet_words = [rng.randint(6, 12) for _ in range(bullets)]
        left = total - sum(bullet_words) - 6
        paragraphs = rng.randint(2, 4)
        cuts = sorted(rng.sample(range(20, left - 20), paragraphs - 1))
        sizes = [b - a for a, b in itertools.pairwise([0, *cuts, left])]
        parts = [self.sentences(n) for n in sizes]
        parts.append(self.sentence(6)[:-1] + ":")
        items = []
        for n in bullet_words:
            head, *rest = self.words(n)
            items.append(f"- **{head.capitalize()}** {' '.join(rest)}.")
        parts.append("\n".join(items))
        return "\n\n".join(parts), total


@dataclass
class Library:
    size: int
    path: Path
    show_id: str
    search_hits: int
    dated: int
    undated: int
    first_year: int
    last_year: int
    files: list[str]  # relative paths, in generation order
    bytes: int = 0


def _quoted(items: Sequence[str]) -> str:
    return ", ".join(f'"{i}"' for i in items)


def generate(size: int, root: Path, seed: int) -> Library:
    """Write `size` tip files below `root` (which must not exist)."""
    rng = random.Random(seed * 1_000_003 + size)
    text = TextMaker(rng)
    undated = max(1, size // 20)
    dated = size - undated
    years = min(50, max(5, -(-dated // (3 * 52 * 1))))  # about 3 tips a week, 5–50 years
    weeks = years * 52
    end_monday = TODAY - dt.timedelta(days=TODAY.weekday()) + dt.timedelta(weeks=26)
    start_monday = end_monday - dt.timedelta(weeks=weeks - 1)
    files: list[str] = []
    hits = 0
    total_bytes = 0
    made_dirs: set[Path] = set()
    for n in range(size):
        title = text.title()
        slug = "-".join(w.lower().replace("'", "") for w in title.split()[:5]) + f"-{n}"
        body, _ = text.body()
        summary = text.sentence(rng.randint(14, 24)) if rng.random() < 0.8 else ""
        takeaway = text.sentence(rng.randint(8, 14))
        fields = {
            "title": title,
            "categories": _quoted(rng.sample(CATEGORIES, rng.randint(1, 3))),
            "tags": _quoted(rng.sample(text.tags, rng.randint(2, 4))),
            "author": rng.choice(AUTHORS),
            "summary": f'summary = "{summary}"\n' if summary else "",
            "takeaway": takeaway,
            "body": body,
        }
        if n < dated:
            # Every week gets a dated tip (n % weeks), several per week in large libraries.
            day = start_monday + dt.timedelta(weeks=n % weeks, days=rng.randint(0, 6))
            rel = f"{day.year:04d}/{day.isoformat()}-{slug}.toml"
            content = TEMPLATE_DATED.format(date=day.isoformat(), **fields)
        else:
            rel = f"undated/{slug}.toml"
            content = TEMPLATE_UNDATED.format(**fields)
        if SEARCH_WORD in f"{title} {summary} {takeaway} {body}".lower():
            hits += 1
        path = root / rel
        if path.parent not in made_dirs:
            path.parent.mkdir(parents=True, exist_ok=True)
            made_dirs.add(path.parent)
        data = content.encode("utf-8")
        total_bytes += len(data)
        with open(path, "wb") as f:
            f.write(data)
        files.append(rel)
    show_rel = files[dated // 2]
    return Library(
        size=size,
        path=root,
        show_id=Path(show_rel).stem.split("-", 3)[3],
        search_hits=hits,
        dated=dated,
        undated=undated,
        first_year=start_monday.year,
        last_year=(start_monday + dt.timedelta(weeks=weeks)).year,
        files=files,
        bytes=total_bytes,
    )


def ensure_library(workdir: Path, size: int, seed: int) -> tuple[Library, float | None]:
    """The library of `size` tips in `workdir`, generated unless a complete one is there."""
    root = workdir / f"lib-{size}"
    manifest = workdir / f"lib-{size}.json"
    if root.is_dir() and manifest.is_file():
        meta = json.loads(manifest.read_text())
        if meta.get("version") == GENERATOR_VERSION and meta.get("seed") == seed:
            meta.pop("version")
            meta.pop("seed")
            return Library(**{**meta, "path": root}), None
    for stale in (root, workdir / f"lib-{size}.partial"):
        shutil.rmtree(stale, ignore_errors=True)
    manifest.unlink(missing_ok=True)
    partial = workdir / f"lib-{size}.partial"
    start = time.perf_counter()
    lib = generate(size, partial, seed)
    elapsed = time.perf_counter() - start
    for rel in lib.files[:: max(1, size // 200)]:  # the template must give valid TOML
        tomllib.loads((partial / rel).read_text(encoding="utf-8"))
    partial.rename(root)
    lib.path = root
    meta = {k: v for k, v in vars(lib).items() if k != "path"}
    manifest.write_text(json.dumps({"version": GENERATOR_VERSION, "seed": seed, **meta}))
    return lib, elapsed


# -- running commands -------------------------------------------------------------------------


class CommandFailed(RuntimeError):
    pass


@dataclass
class Run:
    seconds: float
    rss_bytes: int
    code: int


# Children are started by this small launcher process, not by the benchmark itself: on Linux a
# child's ru_maxrss starts at the RSS of the process that spawned it (vfork/posix_spawn share its
# memory until exec), so a benchmark holding 100,000 file names would inflate every reading.
_LAUNCHER = """
import json, os, resource, sys, time
err = open(sys.argv[1], "w+b")
for line in sys.stdin:
    argv, env = json.loads(line)
    err.seek(0)
    err.truncate()
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, env, file_actions=[
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_DUP2, err.fileno(), 2),
    ])
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - start
    err.seek(0)
    try:  # this process's own high-water mark (ru_maxrss would include its parent's, see above)
        own = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
    except (OSError, StopIteration):
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps([seconds, usage.ru_maxrss, os.waitstatus_to_exitcode(status),
                      err.read().decode("utf-8", "replace"), own]), flush=True)
"""


class Launcher:
    """Runs one command at a time with stdout discarded: wall time, exit code, the child's peak RSS."""

    def __init__(self, workdir: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _LAUNCHER, str(workdir / "stderr.txt")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.own_rss = 0

    def run(self, argv: Sequence[str], env: dict[str, str], *, check: bool = True) -> Run:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps([list(argv), env]) + "\n")
        self.proc.stdin.flush()
        reply = self.proc.stdout.readline()
        if not reply:
            raise CommandFailed(f"the launcher process died running {' '.join(argv)}")
        seconds, maxrss, code, stderr, own = json.loads(reply)
        stderr = stderr.strip()
        if check and (code != 0 or stderr):
            raise CommandFailed(f"{' '.join(argv)} exited with {code}\n{stderr or '(no stderr output)'}")
        unit = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KB on Linux
        self.own_rss = own * unit
        return Run(seconds, maxrss * unit, code)

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait()


@dataclass
class Row:
    name: str
    runs: list[Run] = field(default_factory=list)
    target_ratio: float | None = None
    target_mb: float | None = None
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def fastest(self) -> float:
        return min(r.seconds for r in self.runs)

    @property
    def rss(self) -> int:
        return max(r.rss_bytes for r in self.runs)


@dataclass
class SizeResult:
    lib: Library
    generated_in: float | None
    floor: Row
    rows: list[Row]
    build: Run
    build_target_s: float | None
    build_target_mb: float | None
    index: int = 0  # bytes on disk
    toml: tuple[int, int] = (0, 0)  # the library: bytes on disk, bytes in files


def tip_env(workdir: Path, lib: Path, cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIP_", "PYTHON"))}
    env.pop("FORCE_COLOR", None)
    env.update(
        TIP_NO_BUNDLED="1",
        TIP_LIBRARY=str(lib),
        TIP_CACHE_DIR=str(cache),
        TIP_DATA_DIR=str(workdir / "data"),
        TIP_CONFIG=str(workdir / "config.toml"),  # absent: the defaults
        TIP_TODAY=TODAY.isoformat(),
        NO_COLOR="1",
        COLUMNS="100",
        LINES="40",
    )
    return env


def tip_command() -> list[str]:
    script = Path(sys.executable).parent / "tip"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "tipweek"]


HOT = ("today --short", "week --short", "today --json")
RENDERED = ("week", "today", "show")
#: A tip drawn in full, a list and the categories are kept (`cli/drawn.py`) and printed again
#: while nothing that decided them changed, so the timed rounds (after a warm-up) print them
#: again; these rows draw them every time, as the first command after a change does
#: (`TIP_DRAWN_CACHE=0`).
DRAWN_ANEW = " (drawn anew)"


def targets(size: int, name: str) -> tuple[float | None, float | None]:
    """(ratio, MB) targets from issue #13 for one command at one library size: the 1,000-tip
    ones up to 1,000 tips, the 100,000-tip ones above (at 10,000 tips the 100,000-tip bound, the
    after-edit runs included: "an in-place edit is seen by the very next command at 10,000
    tips, within the targets above"). Peers have none."""
    if name.startswith("peer"):
        return None, None
    name = name.split(": ", 1)[-1]  # "after an in-place edit: today --short" is timed as today --short
    small = size <= 1_000
    mb = None if small else 60.0
    if name in HOT:
        return (0.4 if small else 0.6), mb
    if name.split(" ")[0] in RENDERED:
        return (1.0 if small else 1.3), mb
    return (1.2 if small else 1.6), mb


def row_for(name: str, size: int) -> Row:
    ratio, mb = targets(size, name)
    return Row(name, target_ratio=ratio, target_mb=mb)


def edited(original: bytes, marker: str) -> bytes:
    """The tip with a new word at the start of its body (the file changes size)."""
    return original.replace(b'body = """\n', f'body = """\n{marker} '.encode(), 1)


def replace_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.bench-tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def rewrite_in_place(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:  # same inode, the folder's mtime does not change
        f.write(data)


#: Where an index keeps a file's packed text, newest layout first: (packed text, the
#: dictionary it is packed with) for a file's path.
TEXT_QUERIES = (
    "SELECT x.z, (SELECT value FROM meta WHERE key = 'zdict') FROM dirs d JOIN files f ON f.dir = d.id "
    "JOIN texts x ON x.rowid = f.rowid WHERE d.path || f.name = ?",  # v9: folder + name, a dictionary
    "SELECT x.z, NULL FROM files f JOIN texts x ON x.rowid = f.rowid WHERE f.path = ?",  # v7, v8
)


def index_has(cache: Path, path: Path, marker: str) -> bool | None:
    """Whether the index already holds the edited text: read directly (read-only, so that no
    `tip` command refreshes it first); None if its layout is not one of those expected."""
    import zlib

    for db_path in cache.glob("index-*.sqlite3"):
        row = None
        try:
            db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
            try:
                for query in TEXT_QUERIES:
                    try:
                        row = db.execute(query, (str(path),)).fetchone()
                        break
                    except sqlite3.OperationalError:
                        continue
                else:
                    return None
            finally:
                db.close()
        except sqlite3.Error:
            return None
        if not row:
            return False
        unpacker = zlib.decompressobj(-15, zdict=row[1]) if row[1] else zlib.decompressobj(-15)
        return marker in unpacker.decompress(row[0]).decode("utf-8", "replace")
    return None


def disk_usage(root: Path) -> tuple[int, int]:
    """(bytes on disk, bytes in files) of every file below `root`, as `du` and `du -b` count."""
    used = size = 0
    for folder, _, names in os.walk(root):
        for name in names:
            st = os.stat(os.path.join(folder, name))
            used += st.st_blocks * 512
            size += st.st_size
    return used, size


def peers(workdir: Path, lib: Library) -> dict[str, list[str]]:
    """Other programs that answer the same questions, where installed: C `fortune` (a random
    saying, and `-m`, a search of its sayings), `grep` over the library's TOML (a search with
    no index), and jrnl (a Python journal CLI: its newest entry)."""
    found: dict[str, list[str]] = {}
    fortune = shutil.which("fortune") or (
        "/usr/games/fortune" if os.access("/usr/games/fortune", os.X_OK) else ""
    )
    if fortune:
        found["peer: fortune"] = [fortune]
        found["peer: fortune -m refund"] = [fortune, "-m", "refund"]
    grep = shutil.which("grep")
    if grep:
        found[f"peer: grep -rlw {SEARCH_WORD} (the library's TOML)"] = [
            grep,
            "-rlw",
            SEARCH_WORD,
            str(lib.path),
        ]
    jrnl = shutil.which("jrnl") or os.environ.get("BENCH_JRNL", "")
    if jrnl:
        journal = workdir / "journal.txt"
        if not journal.exists():
            journal.write_text(
                "".join(
                    f"[2026-01-{d:02d} 09:00] Entry {d}\nSomething happened on day {d}.\n\n"
                    for d in range(1, 29)
                )
            )
        config = workdir / "jrnl" / "jrnl.yaml"
        config.parent.mkdir(exist_ok=True)
        config.write_text(
            f"journals:\n  default:\n    journal: {journal}\nencrypt: false\ndefault_hour: 9\n"
            "default_minute: 0\neditor: ''\nhighlight: false\nindent_character: '|'\n"
            "linewrap: 79\ntagsymbols: '#@'\ntemplate: false\ntimeformat: '%F %r'\nversion: v4.0\n"
            "colors: {body: none, date: none, tags: none, title: none}\n"
        )
        found["peer: jrnl -n 1"] = [jrnl, "--config-file", str(config), "-n", "1"]
    return found


def bench_size(launcher: Launcher, size: int, workdir: Path, runs: int, seed: int) -> SizeResult:
    say = print
    say(f"\n== {size:,} tips ==", flush=True)
    lib, generated_in = ensure_library(workdir, size, seed)
    if generated_in is None:
        say(f"reusing {lib.path} ({lib.bytes / MB:.0f} MB)")
    else:
        say(f"generated {lib.path} in {generated_in:.1f} s ({lib.bytes / MB:.0f} MB)")
    cache = workdir / f"cache-{size}"
    shutil.rmtree(cache, ignore_errors=True)
    env = tip_env(workdir, lib.path, cache)
    tip = tip_command()

    # The first index build: a fresh cache folder, one run.
    say("first index build (tip categories) ...", flush=True)
    build = launcher.run([*tip, "categories"], env)
    say(f"  {build.seconds:.2f} s, {build.rss_bytes / MB:.1f} MB")

    floor = Row("import floor", target_ratio=None)
    commands: dict[str, list[str]] = {
        "today --short": ["today", "--short"],
        "week --short": ["week", "--short"],
        "today --json": ["today", "--json"],
        "week": ["week"],
        "today": ["today"],
        "show <id>": ["show", lib.show_id],
        f"week{DRAWN_ANEW}": ["week"],
        f"show <id>{DRAWN_ANEW}": ["show", lib.show_id],
        f"search {SEARCH_WORD}": ["search", SEARCH_WORD],
        f"list --category {LIST_CATEGORY.lower()} --limit 10": [
            "list",
            "--category",
            LIST_CATEGORY.lower(),
            "--limit",
            "10",
        ],
        "categories": ["categories"],
        f"list --category {LIST_CATEGORY.lower()} --limit 10{DRAWN_ANEW}": [
            "list",
            "--category",
            LIST_CATEGORY.lower(),
            "--limit",
            "10",
        ],
        f"categories{DRAWN_ANEW}": ["categories"],
    }
    others = peers(workdir, lib)
    rows = {name: row_for(name, size) for name in [*commands, *others]}
    floor_argv = [sys.executable, "-c", FLOOR_CODE]
    anew = {**env, "TIP_DRAWN_CACHE": "0"}
    env_for = {name: anew if name.endswith(DRAWN_ANEW) else env for name in commands}
    # One warm-up of each, then rounds that interleave the commands, so drift hits all alike.
    launcher.run(floor_argv, env)
    for name, argv in commands.items():
        launcher.run([*tip, *argv], env_for[name])
    for argv in others.values():
        launcher.run(argv, env, check=False)
    for n in range(runs):
        if sys.stdout.isatty():
            say(f"  round {n + 1}/{runs}", end="\r", flush=True)
        floor.runs.append(launcher.run(floor_argv, env))
        for name, argv in commands.items():
            rows[name].runs.append(launcher.run([*tip, *argv], env_for[name]))
        for name, argv in others.items():
            rows[name].runs.append(launcher.run(argv, env, check=False))
    if sys.stdout.isatty():
        say(" " * 30, end="\r")
    rows.update(after_edits(launcher, lib, cache, env, runs, seed))
    return SizeResult(
        lib=lib,
        generated_in=generated_in,
        floor=floor,
        rows=list(rows.values()),
        build=build,
        build_target_s=25.0 if size >= 100_000 else None,
        build_target_mb=60.0 if size >= 100_000 else None,
        index=disk_usage(cache)[0],
        toml=disk_usage(lib.path),
    )


def after_edits(
    launcher: Launcher, lib: Library, cache: Path, env: dict[str, str], runs: int, seed: int
) -> dict[str, Row]:
    """The first command after one tip file is edited (a different file every run): in place
    (the folder's time does not change) then `today --short`, and by atomic replace then
    `search`. "edit indexed k/n": in how many runs that command had indexed the edit."""
    pick = random.Random(seed + lib.size)
    dated = [f for f in lib.files if not f.startswith("undated/")]
    candidates = [lib.path / f for f in pick.sample(dated, 2 * runs)]
    originals = {p: p.read_bytes() for p in candidates}
    tip = tip_command()
    rows: dict[str, Row] = {}
    try:
        for label, write, files, argv in (
            ("after an in-place edit", rewrite_in_place, candidates[:runs], ["today", "--short"]),
            ("after an atomic-replace edit", replace_atomically, candidates[runs:], ["search", SEARCH_WORD]),
        ):
            row = row_for(f"{label}: {' '.join(argv)}", lib.size)
            seen: int | None = 0  # None: the index could not be read to tell
            for n, path in enumerate(files):
                marker = f"benchedit{n}x{lib.size}"
                time.sleep(0.01)  # a distinct mtime even on coarse-grained file systems
                write(path, edited(originals[path], marker))
                row.runs.append(launcher.run([*tip, *argv], env))
                found = index_has(cache, path, marker)
                seen = None if seen is None or found is None else seen + found
            row.note = f"edit indexed {'?' if seen is None else seen}/{len(files)}"
            rows[row.name] = row
    finally:
        for path, data in originals.items():
            replace_atomically(path, data)
    return rows


# -- reporting --------------------------------------------------------------------------------


def verdict(ok: Sequence[bool]) -> str:
    if not ok:
        return "—"
    return "pass" if all(ok) else "FAIL"


def table(result: SizeResult) -> tuple[list[str], list[list[str]]]:
    floor = result.floor.median
    head = ["command", "median ms", "min ms", "× floor", "peak RSS MB", "target", "result"]
    body = [
        [
            "`python -c 'import typer, rich.console'` (floor)",
            f"{floor * 1000:.0f}",
            f"{result.floor.fastest * 1000:.0f}",
            "1.00",
            f"{result.floor.rss / MB:.1f}",
            "",
            "",
        ]
    ]
    for row in result.rows:
        ratio = row.median / floor
        wanted, ok = [], []
        if row.target_ratio is not None:
            wanted.append(f"≤ {row.target_ratio:.1f}×")
            ok.append(ratio <= row.target_ratio)
        if row.target_mb is not None:
            wanted.append(f"≤ {row.target_mb:.0f} MB")
            ok.append(row.rss <= row.target_mb * MB)
        name = f"`tip {row.name}`" if not row.name.startswith(("after", "peer")) else row.name
        if row.note:
            name += f" [{row.note}]"
        body.append(
            [
                name,
                f"{row.median * 1000:.0f}",
                f"{row.fastest * 1000:.0f}",
                f"{ratio:.2f}",
                f"{row.rss / MB:.1f}",
                ", ".join(wanted),
                verdict(ok),
            ]
        )
    build, wanted, ok = result.build, [], []
    if result.build_target_s is not None:
        wanted.append(f"≤ {result.build_target_s:.0f} s")
        ok.append(build.seconds <= result.build_target_s)
    if result.build_target_mb is not None:
        wanted.append(f"≤ {result.build_target_mb:.0f} MB")
        ok.append(build.rss_bytes <= result.build_target_mb * MB)
    body.append(
        [
            "first index build (`tip categories`, empty cache, 1 run)",
            f"{build.seconds * 1000:.0f}",
            "",
            "",
            f"{build.rss_bytes / MB:.1f}",
            ", ".join(wanted),
            verdict(ok),
        ]
    )
    on_disk, in_files = result.toml
    if result.index and on_disk:
        ratio = result.index / on_disk
        limited = result.lib.size >= 100_000
        body.append(
            [
                f"index on disk: {result.index / MB:.0f} MB; the TOML {on_disk / MB:.0f} MB on disk "
                f"({in_files / MB:.0f} MB in files, index {result.index / in_files:.2f}× that)",
                "",
                "",
                f"{ratio:.2f}",
                "",
                "≤ 0.6× the TOML on disk" if limited else "",
                verdict([ratio <= 0.6] if limited else []),
            ]
        )
    return head, body


def plain_table(head: list[str], body: list[list[str]]) -> str:
    rows = [[c.replace("`", "") for c in r] for r in [head, *body]]
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = []
    for n, r in enumerate(rows):
        cells = [c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(head: list[str], body: list[list[str]]) -> str:
    align = ["---"] + ["---:"] * (len(head) - 1)
    return "\n".join("| " + " | ".join(r) + " |" for r in [head, align, *body])


def describe(result: SizeResult) -> str:
    lib = result.lib
    return (
        f"{lib.size:,} tips ({lib.dated:,} dated {lib.first_year}–{lib.last_year}, {lib.undated:,} undated, "
        f"{lib.bytes / MB:.0f} MB of TOML); `{SEARCH_WORD}` occurs in {lib.search_hits:,} tips; "
        f"`show {lib.show_id}`"
    )


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"


def machine() -> list[str]:
    def run(*argv: str) -> str:
        try:
            return subprocess.run(argv, capture_output=True, text=True, check=False).stdout.strip()
        except OSError:
            return "?"

    mem = run("free", "-h").splitlines()
    total = mem[1].split()[1] if len(mem) > 1 else "?"
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    sqlite = sqlite3.sqlite_version
    repo = Path(__file__).resolve().parent.parent
    head = run("git", "-C", str(repo), "rev-parse", "--short", "HEAD") or "?"
    dirty = run("git", "-C", str(repo), "status", "--porcelain", "--", "src").splitlines()
    tree = f"git {head}" + (f" with {len(dirty)} uncommitted change(s) in src/" if dirty else "")
    names = ("tipweek", "typer", "click", "rich", "markdown-it-py", "platformdirs")
    versions = ", ".join(f"{n} {package_version(n)}" for n in names if package_version(n) != "?")
    return [
        f"- code: {tree}; {versions}",
        f"- date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- CPU: {cpu}, `nproc` = {os.cpu_count() and run('nproc')}, `uname -m` = {platform.machine()}",
        f"- memory (`free -h` total): {total}",
        f"- OS: {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()} ({sys.executable}), SQLite {sqlite}",
    ]


def markdown(results: Sequence[SizeResult], runs: int, launcher_rss: int) -> str:
    out = [
        f"Median of {runs} runs after one warm-up; ratios are to the import floor measured in the same run. "
        f"Peak RSS is the child's `ru_maxrss` from `wait4`, started by a launcher process of "
        f"{launcher_rss / MB:.1f} MB (a reading cannot be lower than that).",
        "",
        *machine(),
        "",
    ]
    for result in results:
        out += [f"### {result.lib.size:,} tips", "", describe(result) + ".", ""]
        out += [markdown_table(*table(result)), ""]
    return "\n".join(out)


def compile_package() -> None:
    """Byte-compile tipweek as `pip install` does, so that no run pays for compiling its source
    (an editable install under PYTHONDONTWRITEBYTECODE=1 would otherwise compile on every run)."""
    import compileall

    import tipweek

    compileall.compile_dir(str(Path(tipweek.__file__).parent), quiet=1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time `tip` commands as whole processes on synthetic libraries, as ratios to the "
        "time of `python -c 'import typer, rich.console'`, with the peak memory of each.",
        epilog="The libraries are written once into --workdir; with --keep they stay there and later runs "
        "reuse them (100,000 tips are about 200 MB and take a while to write).",
    )
    parser.add_argument(
        "--sizes",
        default="1000,10000,100000",
        help="comma-separated library sizes (default: %(default)s)",
    )
    parser.add_argument("--runs", type=int, default=7, help="timed runs per command (default: %(default)s)")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(__file__).resolve().parent / ".work",
        help="where libraries, caches and settings go (default: benchmarks/.work)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the generated libraries and caches in --workdir for the next run (default: delete them)",
    )
    parser.add_argument("--seed", type=int, default=SEED, help="seed of the generated libraries")
    parser.add_argument("--markdown", type=Path, metavar="FILE", help="write the Markdown tables to FILE")
    args = parser.parse_args(argv)
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes must be numbers separated by commas, not {args.sizes!r}")
    if not sizes or min(sizes) < 100:
        parser.error("every size must be at least 100")
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    workdir: Path = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    compile_package()
    print(f"timing {' '.join(tip_command())} with {sys.executable}; work folder {workdir}")
    results: list[SizeResult] = []
    launcher = Launcher(workdir)
    try:
        for size in sizes:
            result = bench_size(launcher, size, workdir, args.runs, args.seed)
            results.append(result)
            print(describe(result).replace("`", ""))
            print(plain_table(*table(result)), flush=True)
    except CommandFailed as error:
        print(f"\nbenchmark failed: {error}", file=sys.stderr)
        return 1
    finally:
        launcher.close()
        if not args.keep:
            for size in sizes:
                for name in (f"lib-{size}", f"cache-{size}", f"lib-{size}.partial"):
                    shutil.rmtree(workdir / name, ignore_errors=True)
                (workdir / f"lib-{size}.json").unlink(missing_ok=True)
            (workdir / "stderr.txt").unlink(missing_ok=True)
    text = markdown(results, args.runs, launcher.own_rss)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
        print(f"\nMarkdown written to {args.markdown}")
    else:
        print("\n" + text)
    failed = [r for res in results for r in table(res)[1] if r[-1] == "FAIL"]
    print(f"\n{len(failed)} target(s) missed" if failed else "\nall targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
