"""Importing tips into a library: reading inputs, planning what to write, and writing it.

The plan is a pure function of the tips already in the library and the incoming ones, so every
rule (what counts as the same tip, what an update may change) is testable without a disk.
Hand edits are never overwritten: without `update` an existing tip is left alone, and with it
only empty fields are filled and categories and tags added; the one exception is an excerpt,
which a full body replaces.
"""

from __future__ import annotations

import codecs
import datetime as dt
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Literal

from tipweek.categories import Aliases
from tipweek.errors import LibraryError, TipError
from tipweek.fsutil import walk_visible
from tipweek.importers.base import without_placeholder
from tipweek.library import LibrarySource, Problem, write_tip
from tipweek.model import Tip
from tipweek.text import NotText, category_key, decode_text, title_key, unite_categories, unix_lines

#: What importing one tip does.
Kind = Literal["create", "update", "merge", "skip", "unchanged"]
MAX_INPUT_BYTES = 20_000_000
_TEXT_FIELDS = ("takeaway", "author", "publisher", "source")


@dataclass(frozen=True)
class Action:
    """What importing one tip does. `tip` is what gets written (or, for skip/unchanged, the
    incoming tip); `existing` is the library's tip it was matched with."""

    kind: Kind
    tip: Tip
    existing: Tip | None = None
    note: str = ""

    @property
    def writes(self) -> bool:
        return self.kind in ("create", "update", "merge")


@dataclass(frozen=True)
class Outcome:
    """One applied action: where it was written, or why it failed."""

    action: Action
    path: Path | None = None
    error: str = ""


@dataclass
class Inputs:
    """Everything read from the inputs: tips in input order, the problems, with paths, and
    the choices the importers made for each tip (by title key), for `--dry-run` to show."""

    tips: list[Tip] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    choices: dict[str, list[str]] = field(default_factory=dict)

    def chose(self, title: str, choice: str) -> None:
        said = self.choices.setdefault(title_key(title), [])
        if choice not in said:
            said.append(choice)


# --- reading inputs ---------------------------------------------------------------------


def input_files(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """The files to read: files as given, folders recursed in name order, hidden names skipped."""
    found: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found.extend(_walk(path))
        elif path.is_file():
            found.append(path)
        elif path.exists():
            problems.append(Problem(str(path), None, "not a regular file"))
        else:
            problems.append(Problem(str(path), None, "no such file or folder"))
    return list(dict.fromkeys(found)), problems


def _walk(folder: Path) -> Iterator[Path]:
    for listing in walk_visible(folder):
        for file in listing.files:
            yield Path(file.path)


def read_text(path: Path) -> str:
    """A file's text; raises `LibraryError` (with the line for bad UTF-8) when it is not text."""
    return read_input(path)[0]


def read_input(path: Path) -> tuple[str, str]:
    """A file's text and, when it was not UTF-8, the encoding it was read in (see
    `decode_input`); raises `LibraryError` when it is not text."""
    from tipweek.fsutil import NotRegularFile, TooLarge, read_limited

    try:
        data = read_limited(path, MAX_INPUT_BYTES)  # never a pipe or device, never unbounded
    except TooLarge as exc:
        raise LibraryError(f"file is too large ({exc.size / 1e6:.1f} MB)") from None
    except NotRegularFile as exc:
        raise LibraryError(str(exc)) from None
    except OSError as exc:
        raise LibraryError(f"cannot read: {exc.strerror or exc}") from None
    try:
        return decode_input(data)
    except NotText as exc:
        raise LibraryError(f"line {exc.line}: {exc}" if exc.line else str(exc)) from None


_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([a-z0-9_.:-]{1,40})", re.I)


def decode_input(data: bytes) -> tuple[str, str]:
    """Text to import, and the encoding when it was not UTF-8 ("" when it was).

    Saved pages are not always UTF-8: Windows saves "Unicode" text as UTF-16 with a byte-order
    mark, a web page names its charset in a `<meta>` tag, and an old page saved as text on
    Windows is in Windows-1252. Those are read as such; anything else that is not UTF-8 is
    refused as before, with the line of the first bad byte."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError:
                raise NotText(f"not {codec.upper()} text, though it starts like it") from None
            if "\x00" in text:
                raise NotText("not a text file (it contains NUL characters)")
            return text, codec[:6].upper()
    try:
        return decode_text(data), ""
    except NotText as exc:
        if exc.line is None or b"\x00" in data:
            raise  # binary: no encoding makes it text
        error = exc
    declared = _CHARSET.search(data[:4096])
    for codec in ([declared.group(1).decode("ascii")] if declared else []) + ["cp1252"]:
        try:
            return data.decode(codec), codecs.lookup(codec).name
        except (LookupError, UnicodeDecodeError):
            continue
    raise error


def read_inputs(
    paths: Iterable[Path], fmt: str = "auto", categories: Sequence[str] = (), aliases: Aliases = Aliases()
) -> Inputs:
    """Read every input with its importer; one bad file never stops the others. Category
    aliases are applied to every tip read, and a `source` that is a name, not a link, becomes
    the `publisher`."""
    from tipweek.importers import FORMATS, IMPORTERS, detect

    files, problems = input_files(paths)
    inputs = Inputs(problems=problems, files=len(files))
    for path in files:
        try:
            text, encoding = read_input(path)
        except LibraryError as exc:
            inputs.problems.append(Problem(str(path), None, exc.message))
            continue
        name = detect(text, str(path)) if fmt == "auto" else fmt
        if name not in IMPORTERS:
            inputs.problems.append(Problem(str(path), None, _unknown_format(text, FORMATS)))
            continue
        try:
            result = IMPORTERS[name](text, str(path), categories=categories)
        except Exception as exc:  # an importer bug must not cost the user the other files
            if os.environ.get("TIP_DEBUG"):
                raise
            inputs.problems.append(
                Problem(str(path), None, f"could not be read ({type(exc).__name__}: {exc})")
            )
            continue
        for title, choice in result.choices:
            inputs.chose(title, choice)
        for tip in result.tips if encoding else ():
            inputs.chose(tip.title, f"read as {encoding}: the file is not UTF-8")
        inputs.tips.extend(tidy(tip, aliases, inputs) for tip in result.tips)
        inputs.problems.extend(Problem(str(path), line, message) for line, message in result.problems)
    return inputs


_MHTML = re.compile(r"^(?:[\w-]+:[^\n]*\n)*?content-type:\s*multipart/related", re.I)


def _unknown_format(text: str, formats: Sequence[str]) -> str:
    """Why a file was not read: a web archive (MHTML, what "Save page as… single file" writes
    in some browsers) is named, since saving the page again as HTML or text is the fix."""
    if _MHTML.search(unix_lines(text[:4000])):
        return (
            "a web archive (MHTML) page, which is not read: save the page as 'Web Page, HTML only' or as text"
        )
    return f"cannot tell the format of this file (use --format {'|'.join(formats)})"


def tidy(tip: Tip, aliases: Aliases, inputs: Inputs) -> Tip:
    """Categories under their alias targets; a site name in `source` moved to `publisher`."""
    from tipweek.curation import looks_like_url

    renamed = aliases.tip(tip)
    for before, after in zip(tip.categories, (aliases.name(c) for c in tip.categories), strict=True):
        if after != before:
            inputs.chose(tip.title, f"category '{before}' → '{after}' (alias)")
    if renamed.source and not looks_like_url(renamed.source):
        inputs.chose(tip.title, f"'{renamed.source}' is a name, not a link: publisher")
        renamed = renamed.with_changes(publisher=renamed.publisher or renamed.source, source="")
    return renamed


# --- planning -----------------------------------------------------------------------------


def _dates_agree(a: Tip, b: Tip) -> bool:
    return a.date is None or b.date is None or a.date == b.date


def same_tip(a: Tip, b: Tip) -> bool:
    """Identity: the same id or title (ignoring case, punctuation and quotes), with dates that
    agree: a title reused on another date is another tip, but a missing date matches any."""
    return (a.id == b.id or title_key(a.title) == title_key(b.title)) and _dates_agree(a, b)


def _unite_tags(*groups: Sequence[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for group in groups:
        for tag in group:
            seen.setdefault(tag.casefold(), tag)
    return tuple(seen.values())


def merge_tips(base: Tip, other: Tip) -> Tip:
    """`base` with what `other` adds: categories and tags united, empty fields filled.

    Where both have a value `base` wins, except that a full body replaces an excerpt (and the
    excerpt's summary, which is only the start of the body, goes with it).
    """
    changes: dict[str, object] = {
        "date": base.date or other.date,
        "categories": without_placeholder(unite_categories(base.categories, other.categories)),
        "tags": _unite_tags(base.tags, other.tags),
    }
    for name in _TEXT_FIELDS:
        changes[name] = getattr(base, name) or getattr(other, name)
    if base.excerpt and not other.excerpt:
        changes.update(body=other.body, excerpt=False, summary=other.summary)
    elif not base.excerpt and other.excerpt:
        changes.update(summary=base.summary)  # a teaser is not a summary of a full post
    else:
        changes.update(body=base.body or other.body, summary=base.summary or other.summary)
    return replace(base, **changes)  # type: ignore[arg-type]


def combine(incoming: Iterable[Tip]) -> list[Tip]:
    """The same post seen in several inputs (same title, dates that agree) becomes one tip:
    categories united, the full body preferred over a teaser, a date from any of them."""
    merged: list[Tip] = []
    by_title: dict[str, list[int]] = {}
    for tip in incoming:
        key = title_key(tip.title)
        for index in by_title.get(key, ()):
            seen = merged[index]
            if _dates_agree(seen, tip):
                full, other = (tip, seen) if seen.excerpt and not tip.excerpt else (seen, tip)
                merged[index] = merge_tips(full, other)
                break
        else:
            by_title.setdefault(key, []).append(len(merged))
            merged.append(tip)
    return merged


def _content(tip: Tip) -> Tip:
    return replace(tip, id="", path="")


def _additions(
    label: str, after: Sequence[str], before: Sequence[str], key: Callable[[str], str]
) -> list[str]:
    known = {key(b) for b in before}
    added = [a for a in after if key(a) not in known]
    return [f"adds {label} " + ", ".join(added)] if added else []


def describe(before: Tip, after: Tip) -> str:
    """What a merge changes, for the table: "adds categories Retail; fills takeaway"."""
    parts = ["full body replaces the excerpt"] if before.excerpt and not after.excerpt else []
    parts += _additions("categories", after.categories, before.categories, category_key)
    parts += _additions("tags", after.tags, before.tags, str.casefold)
    filled = [
        f.name
        for f in fields(Tip)
        if f.name in ("date", *_TEXT_FIELDS, "summary")
        and not getattr(before, f.name)
        and getattr(after, f.name)
    ]
    if filled:
        parts.append("fills " + ", ".join(filled))
    return "; ".join(parts)


def _free_id(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def plan_import(
    existing: Sequence[Tip], incoming: Sequence[Tip], update: bool, added: dt.date | None = None
) -> list[Action]:
    """Decide, for each incoming tip, whether to create, update, merge, skip or leave it.

    `existing` are the tips of the library being imported into. Incoming duplicates are
    combined first. New tips, and excerpts that become whole tips, are stamped `added` (the
    rotation admits them from the next day or week on). Nothing here touches the disk.
    """
    pool = list(existing)
    taken = {t.id for t in pool}
    by_id: dict[str, list[int]] = {}
    by_title: dict[str, list[int]] = {}
    for i, t in enumerate(pool):  # indexes, so that big imports into big libraries stay fast
        by_id.setdefault(t.id, []).append(i)
        by_title.setdefault(title_key(t.title), []).append(i)
    actions: list[Action] = []
    for tip in combine(incoming):
        candidates = sorted({*by_id.get(tip.id, ()), *by_title.get(title_key(tip.title), ())})
        index = next((i for i in candidates if same_tip(pool[i], tip)), None)
        if index is None:
            actions.append(_create(replace(tip, added=added or tip.added), taken))
            continue
        action = _meet(pool[index], tip, update, added)
        actions.append(action)
        if action.writes:
            pool[index] = action.tip
    return actions


def _create(tip: Tip, taken: set[str]) -> Action:
    """A new tip, under a free id (noted when its own was taken)."""
    new_id = _free_id(tip.id, taken)
    taken.add(new_id)
    notes = ["excerpt" if tip.excerpt else "", f"id {tip.id} is taken" if new_id != tip.id else ""]
    return Action("create", replace(tip, id=new_id), None, "; ".join(n for n in notes if n))


def _meet(current: Tip, tip: Tip, update: bool, added: dt.date | None = None) -> Action:
    """What an incoming tip does to the library's tip it matched."""
    if _content(current) == _content(tip):
        return Action("unchanged", tip, current, "already in the library")
    merged = replace(merge_tips(current, tip), id=current.id, path=current.path)
    if _content(merged) == _content(current):
        return Action("skip", tip, current, "exists; differs, but has nothing to add")
    if not update:
        return Action("skip", tip, current, "exists; use --update")
    if current.excerpt and not merged.excerpt:  # now deliverable: a new tip to the rotation
        whole = replace(merged, added=added or merged.added)
        return Action("update", whole, current, describe(current, merged))
    return Action("merge", merged, current, describe(current, merged))


# --- writing ------------------------------------------------------------------------------


def apply(source: LibrarySource, actions: Iterable[Action]) -> list[Outcome]:
    """Write what the plan says, each file atomically; a failed write is recorded, not raised.

    An update rewrites only the keys it changes in the existing file, keeping its comments,
    order and layout (`library.update_file`), and the file's mode and owner (`safewrite`)."""
    outcomes: list[Outcome] = []
    for action in actions:
        if not action.writes:
            outcomes.append(Outcome(action))
            continue
        try:
            if action.existing is not None and action.existing.path:
                path = _update(source, action.existing, action.tip)
            else:
                path = write_tip(source, action.tip)
        except TipError as exc:
            outcomes.append(Outcome(action, error=str(exc)))
            continue
        outcomes.append(Outcome(action, path))
    return outcomes


def _update(source: LibrarySource, existing: Tip, merged: Tip) -> Path:
    from tipweek.errors import TipFileError
    from tipweek.fsutil import NotRegularFile, TooLarge, read_limited
    from tipweek.library import MAX_FILE_BYTES, update_file

    path = Path(existing.path)
    try:
        data = read_limited(path, MAX_FILE_BYTES, root=source.path)
    except (OSError, NotRegularFile, TooLarge) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise TipFileError(str(path), None, f"cannot read: {reason}") from None
    return write_tip(source, merged, overwrite=True, path=path, data=update_file(data, existing, merged))
