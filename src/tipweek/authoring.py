"""Writing tips by hand: the editor template, running the editor, ids, backups.

Nothing here prints or prompts; `tipweek.cli.authoring` does the talking. The editor works on
a draft outside the library, and every write goes through `library.write_tip` (`safewrite`),
so an interrupted command leaves either the old file or the new one.
"""

from __future__ import annotations

import datetime as dt
import os
import shlex
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from tipweek.errors import BadInput, LibraryError, TipFileError
from tipweek.library import LibrarySource
from tipweek.model import Tip, TipValueError, tip_from_dict
from tipweek.text import shown, slugify, title_key

TEMPLATE_INTRO = """\
# A new tip. Fill in at least the title, one category and the body, then save and close
# the editor. Lines starting with # are ignored; leave the title and body empty to cancel.
# A date schedules the tip as that week's tip: remove the # before `date` to set one.
# The body is Markdown: blank lines between paragraphs, "- " for bullet points.
"""


def _toml_value(value: Any) -> str:
    import tomli_w

    return tomli_w.dumps({"v": value}, multiline_strings=True).strip()[len("v = ") :]


def template(fields: Mapping[str, Any], today: dt.date) -> str:
    """The TOML the editor opens for `tip add --edit`, with the fields given so far filled in."""
    lines = [TEMPLATE_INTRO]
    lines.append(f"title = {_toml_value(fields.get('title') or '')}")
    date = fields.get("date")
    lines.append(f"date = {date.isoformat()}" if date else f"# date = {today.isoformat()}")
    for key in ("categories", "tags"):
        lines.append(f"{key} = [{', '.join(_toml_value(str(v)) for v in fields.get(key) or ())}]")
    for key in ("author", "publisher", "source", "summary", "takeaway"):
        lines.append(f"{key} = {_toml_value(fields.get(key) or '')}")
    body = str(fields.get("body") or "").strip("\n")
    quoted = _toml_value(f"{body}\n") if body else '"""\n\n"""'
    lines.append(f"body = {quoted}")
    return "\n".join(lines) + "\n"


def is_empty_draft(text: str) -> bool:
    """True when the user left the title and body empty: they cancelled."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    return not str(data.get("title", "")).strip() and not str(data.get("body", "")).strip()


def check_tip(data: bytes, path: str) -> Tip:
    """Validate a tip file's bytes as the library will read them; every failure is a
    `TipFileError` (even TOML nested too deeply for the parser)."""
    from tipweek.library import MAX_FILE_BYTES, parse_tip

    if len(data) > MAX_FILE_BYTES:
        raise TipFileError(path, None, f"file is too large ({len(data) / 1e6:.1f} MB; at most 1 MB)")
    try:
        return parse_tip(data, path)
    except RecursionError:
        raise TipFileError(path, None, "invalid TOML: nested too deeply") from None


def write_draft(text: str | bytes, name: str = "draft", suffix: str = ".toml") -> Path:
    """A private temporary file for the editor, outside every library: the library file is
    only ever replaced whole, after the edit validates. The caller removes it."""
    fd, path = tempfile.mkstemp(prefix=f"tip-{name[:40]}-", suffix=suffix)
    with os.fdopen(fd, "wb") as handle:
        handle.write(text.encode("utf-8") if isinstance(text, str) else text)
    return Path(path)


def editor_command(path: Path, env: Mapping[str, str]) -> list[str]:
    """`$VISUAL`, else `$EDITOR`, else `vi`, split like a shell would, then the file."""
    editor = env.get("VISUAL", "").strip() or env.get("EDITOR", "").strip() or "vi"
    try:
        words = shlex.split(editor)
    except ValueError:
        raise BadInput(
            f"cannot understand the editor command '{shown(editor)}'",
            hint="check the quotes in $VISUAL or $EDITOR",
        ) from None
    return [*words, str(path)]


def run_editor(path: Path, env: Mapping[str, str]) -> None:
    """Open the editor on `path` and wait for it; a failed editor is an error, not a save."""
    command = editor_command(path, env)
    try:
        status = subprocess.run(command, check=False).returncode
    except OSError as exc:
        raise LibraryError(
            f"cannot run the editor '{shown(command[0])}': {exc.strerror or exc}",
            hint="set $VISUAL or $EDITOR to your editor",
        ) from None
    if status != 0:
        raise LibraryError(f"the editor exited with status {status}; nothing was saved")


def build_tip(fields: Mapping[str, Any], *, id: str = "") -> Tip:
    """A validated tip from command-line fields; a bad field is bad input naming it."""
    data = {key: value for key, value in fields.items() if value not in (None, "", [], ())}
    if "categories" in data:
        data["categories"] = list(data["categories"])
    if "tags" in data:
        data["tags"] = list(data["tags"])
    try:
        return tip_from_dict(data, id=id or slugify(str(data.get("title", ""))))
    except TipValueError as exc:
        raise BadInput(str(exc)) from None


def choose_id(tip: Tip, in_target: Iterable[Tip], preferred: str = "") -> str:
    """The new tip's id: its title's slug, or `slug-2`… when another tip has that id.

    A tip with the same title (and a date that agrees) is a duplicate and is refused.
    """
    tips = list(in_target)
    for other in tips:
        same_date = other.date is None or tip.date is None or other.date == tip.date
        if title_key(other.title) == title_key(tip.title) and same_date:
            raise BadInput(
                f"the library already has a tip titled '{shown(other.title)}' (id {other.id})",
                hint=f"choose a different title, or change that one with `tip edit {other.id}`",
            )
    taken = {t.id for t in tips}
    base = preferred or tip.id or slugify(tip.title)
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def source_of(sources: Sequence[LibrarySource], path: Path) -> LibrarySource | None:
    """The library a file belongs to (the innermost, when libraries are nested)."""
    absolute = path.absolute()
    holders = [s for s in sources if s.path.absolute() in absolute.parents]
    return max(holders, key=lambda s: len(s.path.absolute().parts), default=None)


def library_name(source: LibrarySource) -> str:
    """A library as a sentence names it: "the bundled library", "your own library"."""
    if source.name == "bundled":
        return "the bundled library"
    if source.name == "user":
        return "your own library"
    return f"the library {source.path}"


def shadowing(
    tip_id: str,
    target: LibrarySource,
    holders: Sequence[tuple[LibrarySource, str]],
    sources: Sequence[LibrarySource],
) -> str:
    """What writing a tip with this id into `target` means when other libraries have the id
    too: which one is shown from now on ("" when no other library has it). `holders` are the
    libraries holding the id, in reading order: the last one wins."""
    root = target.path.absolute()
    others = [(source, path) for source, path in holders if source.path.absolute() != root]
    if not others:
        return ""
    top, top_path = others[-1]
    layers = [s.path.absolute() for s in sources]
    if root not in layers:
        return (
            f"'{tip_id}' is also in {library_name(top)} ({top_path}), which is the one shown: "
            f"{target.path} is not one of the libraries tip reads"
        )
    if layers.index(root) > layers.index(top.path.absolute()):
        return (
            f"'{tip_id}' replaces the tip with the same id in {library_name(top)} ({top_path}): "
            "yours now wins"
        )
    return (
        f"'{tip_id}' is also in {library_name(top)} ({top_path}), which is read later and still "
        "wins: yours is not shown"
    )


def guard_target(sources: Sequence[LibrarySource], target: LibrarySource) -> LibrarySource:
    """Refuse a target that is (or is inside) a read-only library such as the bundled one."""
    where = target.path.absolute()
    for source in sources:
        root = source.path.absolute()
        if not source.writable and (where == root or root in where.parents):
            raise LibraryError(
                f"{target.path} is the {source.name} library, which is read-only",
                hint="write to your own library (leave out --into) or another folder",
            )
    return target


def rejected_path(path: Path) -> Path:
    """`.name.rejected` beside the file: hidden, so libraries never read it as a tip."""
    return path.with_name(f".{path.name}.rejected")


def read_draft(path: Path) -> bytes:
    """What the editor saved, bounded like a tip file (an editor may save anything)."""
    from tipweek.fsutil import NotRegularFile, TooLarge, read_limited
    from tipweek.library import MAX_FILE_BYTES

    try:
        return read_limited(path, MAX_FILE_BYTES)
    except TooLarge as exc:
        raise TipFileError(
            str(path), None, f"file is too large ({exc.size / 1e6:.1f} MB; at most 1 MB)"
        ) from None
    except (NotRegularFile, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise TipFileError(str(path), None, f"cannot read: {reason}") from None


# --- asking for a new tip: the date, the categories ---------------------------------------------

TUESDAY = 1  # the bundled library's tips fall on Tuesdays; a new one is offered the same


def next_free_day(today: dt.date, dated: Iterable[dt.date], weekday: int = TUESDAY) -> dt.date:
    """The first `weekday` after `today` in a week no tip is dated in: the date `tip add`
    offers, so that a new tip takes a week of its own."""
    taken = {d.isocalendar()[:2] for d in dated}
    day = today + dt.timedelta(days=(weekday - today.weekday()) % 7 or 7)
    for _ in range(10 * 53):
        if day.isocalendar()[:2] not in taken:
            return day
        day += dt.timedelta(weeks=1)
    return day


def match_category(name: str, known: Iterable[str]) -> tuple[str, str]:
    """A category as the library spells it: the same key (`phone & email`, `Phone and Email`)
    is that category, "known"; a near miss (`Servce Recovery`) is "close", to be confirmed;
    anything else is a "new" category, kept as typed."""
    import difflib

    from tipweek.text import category_key

    names = {category_key(k): k for k in known}
    key = category_key(name)
    if key in names:
        return names[key], "known"
    close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.8)
    if close:
        return names[close[0]], "close"
    return " ".join(name.split()), "new"
