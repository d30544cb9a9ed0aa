"""Writing a generated folder incrementally: only pages whose inputs changed are rendered again.

Every page comes with a key, a hash of everything its content depends on. The folder keeps a
manifest (`MANIFEST`) of the pages it holds and their keys; a page whose key is unchanged (and
whose file is still there) is not rendered at all, a rendered page whose bytes are unchanged is
not rewritten (its time stamp stays, so `rsync` and web caches see nothing new), and files the
previous build wrote that this build no longer has are deleted. Files the manifest does not
list are never touched, and a folder with other files but no manifest is refused, so a typo in
OUT cannot empty someone's home folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tipweek.errors import LibraryError
from tipweek.safewrite import write_file

MANIFEST = ".tipweek-site.json"
FORMAT = 1


@dataclass(frozen=True)
class Page:
    """One output file: its path (POSIX, relative to the folder), its key and how to make it."""

    path: str
    key: str
    render: Callable[[], bytes]


@dataclass(frozen=True)
class WriteReport:
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]


def page_key(*parts: object) -> str:
    """A key for a page from plain data (strings, numbers, tuples, lists, dicts)."""
    data = json.dumps(parts, sort_keys=True, ensure_ascii=True, default=str)
    return hashlib.sha256(data.encode("ascii")).hexdigest()[:32]


def _read_manifest(out: Path) -> dict[str, str] | None:
    from tipweek.fsutil import NotRegularFile, TooLarge, read_limited

    try:
        data = json.loads(read_limited(out / MANIFEST, 50_000_000))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, NotRegularFile, TooLarge):
        return {}  # damaged: every page is rebuilt, nothing stale can be known
    files = data.get("files") if isinstance(data, dict) and data.get("format") == FORMAT else None
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def _check_folder(out: Path) -> dict[str, str]:
    if out.exists() and not out.is_dir():
        raise LibraryError(f"{out} is a file, not a folder")
    previous = _read_manifest(out) if out.is_dir() else None
    if previous is None and out.is_dir() and any(out.iterdir()):
        raise LibraryError(
            f"{out} is not empty and was not made by `tip site build` (it has no {MANIFEST})",
            hint="choose a new or empty folder",
        )
    return previous or {}


def _safe(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return bool(parts) and not PurePosixPath(path).is_absolute() and ".." not in parts


def _remove(out: Path, paths: Iterable[str]) -> list[str]:
    removed = []
    for path in paths:
        if not _safe(path):
            continue  # a hand-edited manifest must not reach outside the folder
        target = out / path
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
            removed.append(path)
        for parent in target.parents:  # prune folders the build emptied
            if parent == out or not parent.is_relative_to(out):
                break
            try:
                parent.rmdir()
            except OSError:
                break
    return removed


def write_pages(out: Path, pages: Iterable[Page], *, rebuild: bool = False) -> WriteReport:
    """Bring `out` up to date with `pages`; with `rebuild`, render every page again."""
    previous = _check_folder(out)
    current: dict[str, str] = {}
    written: list[str] = []
    unchanged = 0
    for page in pages:
        if not _safe(page.path) or page.path == MANIFEST:
            raise ValueError(f"bad page path {page.path!r}")
        current[page.path] = page.key
        target = out / page.path
        if not rebuild and previous.get(page.path) == page.key and target.is_file():
            unchanged += 1
            continue
        data = page.render()
        try:
            same = target.read_bytes() == data
        except OSError:
            same = False
        if same:
            unchanged += 1
        else:
            write_file(target, data, root=out, overwrite=True)
            written.append(page.path)
    removed = _remove(out, sorted(set(previous) - set(current)))
    manifest = {"format": FORMAT, "files": dict(sorted(current.items()))}
    write_file(
        out / MANIFEST, (json.dumps(manifest, indent=1) + "\n").encode("utf-8"), root=out, overwrite=True
    )
    return WriteReport(tuple(written), unchanged, tuple(removed))
