"""The one way tipweek writes, replaces, appends to or removes a file.

Every writer (add, edit, rm, import, hide, exports with -o, the send log, site pages, backups)
comes through here, so the rules hold everywhere:

* Inside a library (`root`), real paths decide: a target whose real path, or the real path of
  any folder above it, is outside the library is refused, so a symlinked sub-folder or tip
  file cannot carry a write elsewhere. A link to a file inside the library replaces the file
  it points to.
* A file is replaced by writing a hidden temporary file beside it (`.<name>.<8 hex>.tmp`),
  fsync, then a rename: a crash, a full disk or a kill leaves the old file or the new one.
  The rename replaces the directory entry, so a symlink is never followed while replacing.
* New files get the mode the umask gives (0644 under the usual 022); a replaced file keeps
  its mode and, where the process may set it, its owner and group.
* Temporary files a killed writer left behind (same pattern, older than a minute) are
  removed by the next writer in that folder.
* Cache files (`write_cache`: the fast route's stamp, kept drawn output) take the same
  temporary file and rename, without the fsync: losing one costs a slower command, not data.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import time

from tipweek.errors import LibraryError
from tipweek.fsutil import inside

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path  # imported where paths are built: a kept drawing needs none

STALE_SECONDS = 60
TEMP_NAME = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_swept: set[str] = set()


def _fail(path: Path | str, exc: OSError) -> LibraryError:
    return LibraryError(f"cannot write {path}: {exc.strerror or exc}")


def outside(target: Path | str) -> LibraryError:
    return LibraryError(
        f"refusing to write outside the library folder: {target}",
        hint="a folder or file on the way is a link that leads out of the library",
    )


# --- finding the real target -----------------------------------------------------------


def _folder_inside(folder: Path, root: Path, *, create: bool, target: Path | None = None) -> str:
    """The real path of `folder` (creating what is missing), walking down from `root` so
    that no link on the way may lead outside it."""
    from pathlib import Path

    shown = target or folder
    base = os.path.realpath(root)
    lexical_root = os.path.normpath(os.path.abspath(root))
    lexical = os.path.normpath(os.path.abspath(folder))
    if not inside(lexical, lexical_root):
        raise outside(shown)
    current = base
    if create:
        try:
            os.makedirs(base, exist_ok=True)
        except OSError as exc:
            raise _fail(shown, exc) from None
    for part in Path(os.path.relpath(lexical, lexical_root)).parts:
        if part == ".":
            continue
        step = os.path.join(current, part)
        try:
            st = os.lstat(step)
        except FileNotFoundError:
            if not create:
                raise
            try:
                os.mkdir(step)
            except FileExistsError:
                pass
            except OSError as exc:
                raise _fail(shown, exc) from None
            st = os.lstat(step)
        if stat.S_ISLNK(st.st_mode):
            step = os.path.realpath(step)
            if not inside(step, base):
                raise outside(shown)
            st = os.stat(step)
        if not stat.S_ISDIR(st.st_mode):
            raise LibraryError(f"cannot write {shown}: {step} is a file, not a folder")
        current = step
    return current


def _plain_folder(folder: Path, target: Path) -> str:
    """Outside any library: create the folder, refusing a path that runs through a file."""
    blocker = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise LibraryError(f"cannot write {target}: {blocker} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _fail(target, exc) from None
    return os.path.abspath(folder)


def real_target(path: Path | str, root: Path | str | None = None, *, create: bool = True) -> str:
    """Where a write to `path` really lands. Inside `root`: the real path, refused when it
    (or a folder above it) leaves the library; a link to a file inside it leads to that file.
    Without `root`: the path as given (a link there is replaced, never written through)."""
    from pathlib import Path

    path = Path(path)
    if root is None:
        folder = _plain_folder(path.parent, path) if create else os.path.abspath(path.parent)
        return os.path.join(folder, path.name)
    folder = _folder_inside(path.parent, Path(root), create=create, target=path)
    target = os.path.join(folder, path.name)
    if os.path.islink(target):
        real = os.path.realpath(target)
        if not inside(real, os.path.realpath(root)):
            raise outside(path)
        return real
    return target


# --- writing -----------------------------------------------------------------------------


def _copy_owner_and_mode(fd: int, old: os.stat_result) -> None:
    """The replaced file's owner, group and mode (owner first: a chown clears set-id bits)."""
    if (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
        with contextlib.suppress(OSError):
            os.fchown(fd, old.st_uid, old.st_gid)
        with contextlib.suppress(OSError):
            os.fchown(fd, -1, old.st_gid)  # not root: at least the group, if we belong to it
    os.fchmod(fd, stat.S_IMODE(old.st_mode))


def _temp_file(folder: str, name: str) -> tuple[int, str]:
    for _ in range(100):
        tmp = os.path.join(folder, f".{name[:40]}.{os.urandom(4).hex()}.tmp")
        try:
            return os.open(tmp, _CREATE, 0o666), tmp  # the umask decides the mode
        except FileExistsError:
            continue
    raise FileExistsError(folder)


def sweep(folder: str, now: float | None = None) -> list[str]:
    """Remove hidden temporary files older than a minute that a killed writer left in
    `folder` (once per folder per process); returns the names removed."""
    if folder in _swept:
        return []
    _swept.add(folder)
    limit = (now if now is not None else time.time()) - STALE_SECONDS
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        if not TEMP_NAME.match(entry.name):
            continue
        with contextlib.suppress(OSError):
            if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < limit:
                os.unlink(entry.path)
                removed.append(entry.name)
    return removed


def write_file(
    path: Path | str,
    data: bytes,
    *,
    root: Path | str | None = None,
    overwrite: bool = False,
    limit: int | None = None,
) -> Path:
    """Write `data` to `path` atomically and return the path really written.

    Without `overwrite`, an existing file is never replaced (checked atomically with a hard
    link where the file system has them). `limit` refuses data the reader would refuse.
    """
    from pathlib import Path

    if limit is not None and len(data) > limit:
        raise LibraryError(
            f"cannot write {path}: {len(data) / 1e6:.1f} MB is too large (the limit is {limit / 1e6:g} MB)"
        )
    target = real_target(path, root)
    folder, name = os.path.split(target)
    old = _existing(path, target, overwrite=overwrite)
    sweep(folder)
    try:
        fd, tmp = _temp_file(folder, name)
    except OSError as exc:
        raise _fail(path, exc) from None
    try:
        try:
            if old is not None and stat.S_ISREG(old.st_mode):
                _copy_owner_and_mode(fd, old)
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        if overwrite:
            os.replace(tmp, target)
        else:
            _place_new(tmp, target)
    except FileExistsError:
        raise LibraryError(f"{path} already exists", hint="use --force to overwrite it") from None
    except OSError as exc:
        raise _fail(path, exc) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return Path(target)


def write_cache(path: str, data: bytes) -> None:
    """Replace the cache file `path` atomically (never through a link, as `write_file`), with
    no fsync; raises OSError, which the caller may ignore: a cache is only a hint."""
    folder, name = os.path.split(path)
    sweep(folder)
    fd, tmp = _temp_file(folder, name)
    try:
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _existing(path: Path | str, target: str, *, overwrite: bool) -> os.stat_result | None:
    """What is at `target` now (None: nothing); refused unless `overwrite`, and refused
    anyway when it is not a regular file (or a link to be replaced)."""
    try:
        old = os.lstat(target)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _fail(path, exc) from None
    if not overwrite:
        raise LibraryError(f"{path} already exists", hint="use --force to overwrite it")
    if not (stat.S_ISREG(old.st_mode) or stat.S_ISLNK(old.st_mode)):
        raise LibraryError(f"cannot write {path}: it is not a regular file")
    return old


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _place_new(tmp: str, target: str) -> None:
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise
    except OSError:
        # No hard links here (some network and FAT file systems): a best-effort check.
        if os.path.lexists(target):
            raise FileExistsError(target) from None
        os.replace(tmp, target)


def probe(folder: Path | str, root: Path | str | None = None) -> None:
    """Prove `folder` takes new files (creating it), to fail before a long import starts;
    raises `OSError` for the reason it does not."""
    from pathlib import Path

    os.makedirs(folder, exist_ok=True)
    real = real_target(Path(folder) / "x", root)
    fd, tmp = _temp_file(os.path.dirname(real), "tip-probe")
    os.close(fd)
    os.unlink(tmp)


def append_text(path: Path | str, text: str, *, root: Path | str | None = None) -> None:
    """Append to a log: created with the umask's mode, never through a link, never a pipe."""
    target = real_target(path, root)
    flags = (
        os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    )
    try:
        fd = os.open(target, flags, 0o666)
    except OSError as exc:
        raise _fail(path, exc) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise LibraryError(f"cannot write {path}: it is not a regular file")
        _write_all(fd, text.encode("utf-8"))
    except OSError as exc:
        raise _fail(path, exc) from None
    finally:
        os.close(fd)


def remove_file(path: Path | str, root: Path | str) -> Path:
    """Delete one file (a link itself, never what it points to) whose folder is really
    inside `root`."""
    from pathlib import Path

    path = Path(path)
    folder = _folder_inside(path.parent, Path(root), create=False) if path.parent.exists() else None
    if folder is None:
        raise LibraryError(f"cannot remove {path}: no such file")
    target = os.path.join(folder, path.name)
    try:
        os.unlink(target)
    except OSError as exc:
        raise LibraryError(f"cannot remove {path}: {exc.strerror or exc}") from None
    return Path(target)


def write_stream(path: Path | str, data: bytes) -> None:
    """Write into an existing pipe or device (`-o /dev/null`, a FIFO), without creating,
    truncating or waiting for a reader that is not there."""
    flags = os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _fail(path, exc) from None
    try:
        mode = os.fstat(fd).st_mode
        if not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
            raise LibraryError(f"cannot write {path}: not a pipe or device")
        os.set_blocking(fd, True)
        _write_all(fd, data)
    except OSError as exc:
        raise _fail(path, exc) from None
    finally:
        os.close(fd)


def is_stream(path: Path | str) -> bool:
    """Whether `path` names an existing pipe or device (written into, never replaced)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)
