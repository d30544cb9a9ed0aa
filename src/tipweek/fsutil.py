"""Writing files so that a crash, a full disk or a kill leaves either the old file or the new one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from tipweek.errors import LibraryError


def atomic_write(path: Path, data: bytes, *, overwrite: bool = False) -> None:
    """Write `data` to a hidden temporary file beside `path`, then move it into place.

    Without `overwrite`, an existing `path` is never replaced (checked atomically with a hard
    link where the file system has them).
    """
    path = Path(path)
    blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise LibraryError(f"cannot write {path}: {blocker} is a file, not a folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:40]}.", suffix=".tmp")
    except OSError as exc:
        raise LibraryError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            _place_new(tmp, path)
    except FileExistsError:
        raise LibraryError(f"{path} already exists", hint="use --force to overwrite it") from None
    except OSError as exc:
        raise LibraryError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _place_new(tmp: str, path: Path) -> None:
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:
        # No hard links here (some network and FAT file systems): a best-effort check.
        if path.exists():
            raise FileExistsError(path) from None
        os.replace(tmp, path)
