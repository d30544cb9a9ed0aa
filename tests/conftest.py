"""Shared fixtures: every test runs with its own config, data and cache folders, and a
small library built in `tmp_path`."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import tomli_w
import typer.main
import typer.testing
from typer.testing import CliRunner

from tipweek.cli import load

app = load()
# Typer builds the Click command tree on every invoke (about 30 ms with every command loaded);
# the tree never changes during the tests, so build it once.
_COMMAND = typer.main.get_command(app)
typer.testing._get_command = lambda typer_app: (
    _COMMAND if typer_app is app else typer.main.get_command(typer_app)
)  # type: ignore[attr-defined]

TODAY = dt.date(2026, 11, 25)  # a Wednesday
#: The keys of every tip in `--json` output, in order, as the library issue specifies them.
TIP_KEYS = [
    "id",
    "title",
    "date",
    "categories",
    "summary",
    "takeaway",
    "body",
    "tags",
    "source",
    "publisher",
    "author",
    "excerpt",
    "added",
]


def pytest_configure(config: pytest.Config) -> None:
    """Keep the tests' files in memory where the machine has a tmpfs: each test builds a
    library and an index, and the fsyncs of SQLite and of atomic writes on a shared disk
    cost more than the tests themselves. One folder per session, so sessions never meet."""
    shm = Path("/dev/shm")
    if config.option.basetemp is None and shm.is_dir() and os.access(shm, os.W_OK):
        config.option.basetemp = tempfile.mkdtemp(prefix="tipweek-tests-", dir=shm)
        config.stash[_IN_MEMORY] = config.option.basetemp


def pytest_unconfigure(config: pytest.Config) -> None:
    made = config.stash.get(_IN_MEMORY, None)
    if made:
        shutil.rmtree(made, ignore_errors=True)


_IN_MEMORY = pytest.StashKey[str]()


def without_added(tips: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """JSON tips without `added`: import stamps it with the day a tip entered a library."""
    return [{k: v for k, v in t.items() if k != "added"} for t in tips]


@pytest.fixture(scope="session")
def compiled_synonyms(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled thesaurus compiled once per session by the code under test, as the cache
    file `tip` itself writes. Compiling it costs about 0.1 s of stemming, and every command
    that searches in a fresh cache folder paid it again (most of test_search's time)."""
    from tipweek.searching import bundled_thesaurus
    from tipweek.understand.thesaurus import load

    folder = tmp_path_factory.mktemp("compiled-synonyms")
    load([bundled_thesaurus()], folder, warn=pytest.fail)
    (cached,) = folder.glob("synonyms-*.json")
    return cached


def default_sources(home: Path) -> list[Any]:
    """The libraries `tip` reads with no config and no TIP_LIBRARY: the bundled one, then the
    user's own in the data folder."""
    from tipweek.library import LibrarySource, bundled_path

    return [
        LibrarySource("bundled", bundled_path(), writable=False),
        LibrarySource("user", home / "data" / "tips", writable=True),
    ]


@pytest.fixture(scope="session")
def bundled_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The search index of the bundled library, built once per session by the code under
    test (for a user library that does not exist, so only the bundled tips are in it)."""
    from tipweek.index.core import index_path, open_store

    home = tmp_path_factory.mktemp("bundled-index")
    open_store(default_sources(home), home / "cache", warn=pytest.fail).close()
    return index_path(home / "cache", default_sources(home))


@pytest.fixture
def seeded_index(isolated: Path, bundled_index: Path) -> Path:
    """The bundled library's index copied to where this test's `tip` looks for it: the first
    command then reads only the user's own tips (the folders are told apart by path and
    time) instead of indexing a few hundred bundled tips again. Only for tests that keep the
    default libraries."""
    from tipweek.index.core import index_path

    target = index_path(isolated / "cache", default_sources(isolated))
    assert not bundled_index.with_name(bundled_index.name + "-wal").exists()  # all in one file
    shutil.copyfile(bundled_index, target)
    return target


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compiled_synonyms: Path) -> Path:
    """Keep every test away from the real home folder and pin the clock. The cache folder
    starts with the bundled thesaurus already compiled (a copy: tests may damage theirs); a
    library or config with its own synonyms has another cache key and is compiled afresh."""
    home = tmp_path / "home"
    (home / "cache").mkdir(parents=True)
    shutil.copyfile(compiled_synonyms, home / "cache" / compiled_synonyms.name)
    monkeypatch.setenv("TIP_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("TIP_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("TIP_CACHE_DIR", str(home / "cache"))
    monkeypatch.setenv("TIP_TODAY", TODAY.isoformat())
    monkeypatch.delenv("TIP_LIBRARY", raising=False)
    monkeypatch.delenv("TIP_NO_BUNDLED", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    return home


def tip_data(
    title: str,
    date: str | None = None,
    categories: tuple[str, ...] = ("Empathy",),
    body: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    data: dict[str, Any] = {"title": title, "categories": list(categories)}
    if date:
        data["date"] = dt.date.fromisoformat(date)
    data["body"] = body if body is not None else f"A short story about {title.lower()}.\n\nThen the lesson."
    data.update(extra)
    return data


@dataclass
class Library:
    """A tiny library folder that tests add tips to."""

    root: Path

    def add(
        self,
        title: str,
        date: str | None = None,
        categories: tuple[str, ...] = ("Empathy",),
        *,
        slug: str | None = None,
        **extra: Any,
    ) -> Path:
        from tipweek.text import slugify

        name = slug or slugify(title)
        path = (
            (self.root / date[:4] / f"{date}-{name}.toml")
            if date
            else (self.root / "undated" / f"{name}.toml")
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            tomli_w.dumps(tip_data(title, date, categories, **extra), multiline_strings=True),
            encoding="utf-8",
        )
        return path

    def write(self, relative: str, content: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Library:
    """An empty library that is the only one read (the bundled library is switched off)."""
    root = tmp_path / "lib"
    root.mkdir()
    monkeypatch.setenv("TIP_NO_BUNDLED", "1")
    monkeypatch.setenv("TIP_LIBRARY", str(root))
    return Library(root)


@pytest.fixture
def sample(library: Library) -> Library:
    """A handful of tips across categories and dates, two of them scheduled ahead."""
    library.add(
        "Greet the Second Customer",
        "2026-11-03",
        ("Service Recovery", "Empathy"),
        takeaway="Look up and nod at the next person.",
        tags=["queue", "greeting"],
    )
    library.add(
        "Answer the Phone Awake",
        "2026-11-10",
        ("Phone & Email",),
        takeaway="Smile before you pick up.",
        tags=["phone"],
    )
    library.add(
        "Apologize Without Excuses",
        "2026-11-17",
        ("Service Recovery",),
        takeaway="Say sorry, then say what happens next.",
        tags=["apology"],
    )
    library.add(
        "Explain the Wait",
        "2026-11-24",
        ("Healthcare", "Communication"),
        takeaway="Tell people how long and why.",
        tags=["waiting room"],
    )
    library.add("Plan the Snow Day", "2026-12-08", ("Government",), takeaway="One source of truth.")
    library.add("Start the Year Listening", "2027-01-12", ("Teamwork",))
    library.add("Thank Them for Something Specific", None, ("Communication",))
    return library


Run = Callable[..., Any]


@pytest.fixture
def run() -> Run:
    """Invoke `tip` in-process, with stdout and stderr kept apart."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Any:
        return runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)

    return invoke


@dataclass
class Script:
    """What the server answers, in order (the last answer repeats), and what it received.
    Status 0 never answers; -1 sends the answer's bytes (a raw HTTP response) one at a time."""

    answers: list[tuple[int, dict[str, str], bytes]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    hang: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def webhook() -> Iterator[tuple[str, Script]]:
    """A webhook receiver on 127.0.0.1 that records requests and answers as scripted."""
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            script.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            status, headers, answer = script.answers[min(len(script.requests), len(script.answers)) - 1]
            if status == 0:  # hang: never answer while the test runs
                script.hang.wait(5)
                return
            if status == -1:  # trickle: the raw answer, one byte every 0.2 s
                self.close_connection = True
                for byte in answer:
                    if script.hang.wait(0.2):
                        return
                    try:
                        self.wfile.write(bytes([byte]))
                    except OSError:  # the client gave up
                        return
                return
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/hooks/SECRET-TOKEN", script
    finally:
        script.hang.set()
        httpd.shutdown()
        httpd.server_close()
