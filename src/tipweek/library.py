"""Tip libraries on disk: finding them, reading and validating tip files, writing tips.

A library is a folder of TOML files, `<YYYY>/<YYYY-MM-DD>-<slug>.toml` or `undated/<slug>.toml`.
Libraries are layered (bundled, then the user's, then configured and `--library` paths): a tip
in a later library replaces one with the same id in an earlier one.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from tipweek import tipfile
from tipweek.errors import LibraryError, NotFound, TipFileError
from tipweek.fsutil import FileStat, Listing, walk_visible
from tipweek.model import FILE_KEYS, Tip, from_fields
from tipweek.text import decode_text, slugify

if TYPE_CHECKING:
    from tipweek.config import Config, Paths

MAX_FILE_BYTES = tipfile.MAX_FILE_BYTES
SYNONYMS_FILE = tipfile.SYNONYMS_FILE  # a library's own thesaurus (docs/synonyms.md)


class LibrarySource(NamedTuple):
    """One layer: a folder of tips. Only writable layers are ever written to."""

    name: str
    path: Path
    writable: bool = False


class Problem(NamedTuple):
    path: str
    line: int | None
    message: str
    severity: str = "error"

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "message": self.message, "severity": self.severity}

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}" if self.severity == "error" else f"{where}: warning: {self.message}"


def bundled_path() -> Path:
    """The library shipped inside the package (or, in a source checkout, the repo's `tips/`)."""
    here = Path(__file__).resolve().parent
    packaged = here / "tips"
    if packaged.is_dir():
        return packaged
    return here.parent.parent / "tips"


def expand(path: Path) -> Path:
    """`~` and `~user` expanded; a `~user` that does not exist is kept as written (it then
    names a folder that is not found) instead of failing the command."""
    try:
        return path.expanduser()
    except RuntimeError:
        return path


def resolve_sources(
    paths: Paths, config: Config, extra: Iterable[Path] = (), env: Mapping[str, str] = os.environ
) -> list[LibrarySource]:
    """All layers in order of precedence, lowest first."""
    sources: list[LibrarySource] = []
    if config.bundled and env.get("TIP_NO_BUNDLED", "") in ("", "0"):
        sources.append(LibrarySource("bundled", bundled_path(), writable=False))
    sources.append(LibrarySource("user", paths.user_library, writable=True))
    listed = [
        *config.libraries,
        *(Path(p) for p in env.get("TIP_LIBRARY", "").split(os.pathsep) if p),
        *extra,
    ]
    seen = {expand(s.path).absolute() for s in sources}
    for listed_path in listed:
        path = expand(listed_path).absolute()
        if path not in seen:
            seen.add(path)
            sources.append(LibrarySource(str(path), path, writable=True))
    return sources


def tip_id(path: Path) -> str:
    """A tip's id is its file name's slug: `2025-06-24-greet-them.toml` is `greet-them`."""
    return tipfile.tip_id(path.name)


def tip_files(root: Path | str, listing: Listing) -> list[FileStat]:
    """The tip files of one listed folder of the library at `root`."""
    return tipfile.tip_files(str(root), listing)


def scan(root: Path) -> Iterator[FileStat]:
    """Every visible `*.toml` file below `root`, without following links to folders (no loops)."""
    for listing in walk_visible(root, ".toml"):
        yield from tip_files(root, listing)


def parse_tip(data: bytes, path: str) -> Tip:
    """Decode and validate one tip file's bytes; raises `TipFileError` with the line if known."""
    return from_fields(tipfile.parse_fields(data, path))


def read_tip_stat(path: Path | str, root: Path | str | None = None) -> tuple[Tip, os.stat_result]:
    """Read one tip file and its `fstat` (`tipfile.read_fields_stat`); every failure is a
    `TipFileError` naming the file."""
    fields, st = tipfile.read_fields_stat(str(path), None if root is None else str(root))
    return from_fields(fields), st


def read_tip(path: Path | str, root: Path | str | None = None) -> Tip:
    """Read one tip file (see `read_tip_stat`)."""
    return read_tip_stat(path, root)[0]


class Loaded(NamedTuple):
    """Every readable tip (later layers replacing earlier ones) and every problem found."""

    tips: tuple[Tip, ...]
    problems: tuple[Problem, ...]


def load(sources: Iterable[LibrarySource]) -> Loaded:
    """Read every layer from disk; used by `tip check` and when no index is available."""
    by_id: dict[str, tuple[Tip, LibrarySource]] = {}
    problems: list[Problem] = []
    for source in sources:
        if not source.path.exists():
            if source.name not in ("bundled", "user"):
                problems.append(Problem(str(source.path), None, "library folder does not exist"))
            continue
        local: dict[str, str] = {}
        for stat in sorted(scan(source.path), key=lambda s: s.path):
            try:
                tip = read_tip(stat.path, source.path)
            except TipFileError as exc:
                problems.append(Problem(exc.path, exc.line, exc.problem))
                continue
            if tip.id in local:
                problems.append(
                    Problem(stat.path, None, f"duplicate id '{tip.id}': {local[tip.id]} has it too")
                )
                continue
            local[tip.id] = stat.path
            if tip.id in by_id:
                earlier = by_id[tip.id][0].path
                problems.append(Problem(stat.path, None, f"replaces '{tip.id}' from {earlier}", "warning"))
            by_id[tip.id] = (tip, source)
    return Loaded(tuple(t for t, _ in by_id.values()), tuple(problems))


def relative_tip_path(tip: Tip) -> Path:
    """Where a tip lives inside its library: always a safe name below the library folder."""
    slug = slugify(tip.id or tip.title)
    if tip.date:
        return Path(f"{tip.date.year:04d}") / f"{tip.date.isoformat()}-{slug}.toml"
    return Path("undated") / f"{slug}.toml"


def tip_to_toml(tip: Tip) -> bytes:
    import tomli_w

    return tomli_w.dumps(tip.to_file(), multiline_strings=True).encode("utf-8")


def update_file(data: bytes, before: Tip, after: Tip) -> bytes:
    """The tip file `data` (which reads as `before`) changed to read as `after`, keeping what
    a person wrote: comments, key order, layout, and every unchanged value as it is spelled.

    Only the keys whose value changes are touched (`tomlkit`); new categories and tags are
    appended to the existing list. Raises `BadInput` if the result would not read as `after`.
    """
    import tomlkit

    from tipweek.errors import BadInput

    doc = tomlkit.parse(decode_text(data))
    old, new = before.to_file(), after.to_file()
    for key in FILE_KEYS:
        value = new.get(key)
        if value == old.get(key):
            continue
        current = doc.get(key)
        if value is None:
            doc.pop(key, None)
        elif isinstance(value, list) and isinstance(current, list) and value[: len(current)] == list(current):
            for item in value[len(current) :]:
                current.append(item)
        elif isinstance(value, str) and "\n" in value:
            doc[key] = tomlkit.string(value, multiline=True)
        else:
            doc[key] = value
    merged = tomlkit.dumps(doc).encode("utf-8")
    try:
        same = parse_tip(merged, before.path).with_changes(id=after.id, path=after.path) == after
    except TipFileError:
        same = False
    if not same:
        raise BadInput(
            f"cannot merge into {before.path} without changing what it says", hint="edit it by hand"
        )
    return merged


def check_writable(source: LibrarySource, *, probe: bool = False) -> None:
    """Refuse a read-only library, with the same message wherever tips are written; with
    `probe`, also prove the folder takes new files, to fail before a long import starts."""
    if not source.writable:
        raise LibraryError(
            f"the {source.name} library is read-only",
            hint="write to your own library (leave out --into) or another folder",
        )
    if not probe:
        return
    from tipweek import safewrite

    try:
        safewrite.probe(source.path, source.path)
    except OSError as exc:
        raise LibraryError(
            f"cannot write to the library at {source.path}: {exc.strerror or exc}",
            hint="choose a folder you can write to with --into",
        ) from None


def checked_bytes(tip: Tip, data: bytes | None = None) -> bytes:
    """A tip file's bytes, refused (`BadInput`) unless the reader would take them: within the
    size limit, and parsing back to a tip that passes the same shape limits."""
    from tipweek.errors import BadInput

    data = tip_to_toml(tip) if data is None else data
    if len(data) > MAX_FILE_BYTES:
        raise BadInput(
            f"'{tip.id}' is too large to save ({len(data) / 1e6:.1f} MB; a tip file may be at most 1 MB)",
            hint="shorten the body, or split it into several tips",
        )
    try:
        parse_tip(data, tip.path or tip.id)
    except TipFileError as exc:
        raise BadInput(f"'{tip.id}' cannot be saved: {exc.problem}") from None
    return data


def write_tip(
    source: LibrarySource,
    tip: Tip,
    *,
    overwrite: bool = False,
    path: Path | None = None,
    data: bytes | None = None,
) -> Path:
    """Write a tip into a writable library (atomically, through `safewrite`) and return its
    path; `data` replaces the standard serialisation (an update that keeps comments)."""
    check_writable(source)
    from tipweek.safewrite import write_file

    root = Path(os.path.normpath(source.path.absolute()))
    target = path if path is not None else root / relative_tip_path(tip)
    target = Path(os.path.normpath(target.absolute()))
    if root not in target.parents:
        raise LibraryError(f"refusing to write outside the library folder: {target}")
    write_file(target, checked_bytes(tip, data), root=root, overwrite=overwrite)
    return target


def remove_tip(sources: Iterable[LibrarySource], tip: Tip) -> Path:
    """Delete a tip's file, if it is in a writable library (its real folder inside it)."""
    from tipweek.safewrite import remove_file

    path = Path(tip.path)
    for source in sources:
        root = source.path.absolute()
        if root in path.absolute().parents:
            if not source.writable:
                raise LibraryError(f"'{tip.id}' is in the {source.name} library, which is read-only")
            remove_file(path, root)
            return path
    raise NotFound(f"'{tip.id}' is not in any library this command can change")
