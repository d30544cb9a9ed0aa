"""The rules of one tip file, without the `Tip` model: its id from its name, reading it with a
bound, TOML, and checking every field into plain `Fields`.

`model.tip_from_dict` and `library.read_tip_stat` build a `Tip` from these `Fields`, and the
index stores its rows from them (`index.sync`): one set of rules for both. It lives apart
from the model because the fast route (`cli.fast`) re-reads a file edited since the last
command, and the model's `dataclasses` and `typing` cost more to import than the whole rest
of that command. So this module imports only `os` and `datetime` (and tipweek's lean modules)
at first, the TOML parser when a file is read, and `re` only to explain a broken file.
"""

from __future__ import annotations

import datetime as dt
import os

from tipweek.errors import TipFileError
from tipweek.text import derive_summary

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from tipweek.fsutil import FileStat, Listing

#: Keys of a tip file, in the order they are written.
FILE_KEYS = (
    "title",
    "date",
    "added",
    "categories",
    "tags",
    "author",
    "publisher",
    "source",
    "excerpt",
    "summary",
    "takeaway",
    "body",
)

#: Limits on a tip's shape, checked alike when a tip is read, written and by `tip check`, so
#: that one tip cannot stall the tool (docs/reliability.md lists them).
MAX_TITLE = 500
MAX_CATEGORIES = 20
MAX_TAGS = 50
MAX_NAME = 200  # characters in one category or tag
MAX_FILE_BYTES = 1_000_000

#: A library's own thesaurus (docs/synonyms.md): at the top of the folder, and not a tip.
SYNONYMS_FILE = "synonyms.toml"


class TipValueError(ValueError):
    """A field has the wrong type or value; `key` names it so a line can be found."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


#: The fields of a tip, in the order `Fields` (and `model.Tip`) take them.
FIELD_NAMES = (
    "id", "title", "categories", "date", "summary", "takeaway", "body", "tags", "source",
    "author", "excerpt", "publisher", "added", "path",
)  # fmt: skip


class Fields:
    """A checked tip, field by field, under the names of `model.Tip`'s fields (which it
    becomes) and with the `blurb` and `iso_date` the index stores."""

    __slots__ = FIELD_NAMES

    def __init__(
        self,
        id: str,
        title: str,
        categories: tuple[str, ...],
        date: dt.date | None,
        summary: str,
        takeaway: str,
        body: str,
        tags: tuple[str, ...],
        source: str,
        author: str,
        excerpt: bool,
        publisher: str,
        added: dt.date | None,
        path: str,
    ) -> None:
        self.id, self.title, self.categories, self.date = id, title, categories, date
        self.summary, self.takeaway, self.body, self.tags = summary, takeaway, body, tags
        self.source, self.author, self.excerpt, self.publisher = source, author, excerpt, publisher
        self.added, self.path = added, path

    def values(self) -> tuple[Any, ...]:
        """Every field, in `FIELD_NAMES` order (the arguments of `Fields` itself)."""
        return tuple(getattr(self, name) for name in FIELD_NAMES)

    def __reduce__(self) -> tuple[type[Fields], tuple[Any, ...]]:
        # Sent back from the worker processes of a first build: positional, not per slot.
        return Fields, self.values()

    def with_changes(self, **changes: Any) -> Fields:
        """A copy with some fields changed (as `model.Tip.with_changes`)."""
        return Fields(
            *(changes.get(name, value) for name, value in zip(FIELD_NAMES, self.values(), strict=True))
        )

    @property
    def blurb(self) -> str:
        """The summary, or one derived from the body when the file has none."""
        return self.summary or derive_summary(self.body)

    @property
    def iso_date(self) -> str | None:
        return self.date.isoformat() if self.date else None


# -- checking the fields --------------------------------------------------------------------


def _text(data: dict[str, Any], key: str, *, required: bool = False) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise TipValueError(key, f"'{key}' must be a string, not {type(value).__name__}")
    if required and not value.strip():
        raise TipValueError(key, f"'{key}' is required and must not be empty")
    return value


def _strings(data: dict[str, Any], key: str, most: int, *, required: bool = False) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TipValueError(key, f"'{key}' must be a list of strings")
    if len(value) > most:  # before any work on the items: a list may be huge
        raise TipValueError(key, f"'{key}' has {len(value)} entries; a tip may have at most {most}")
    items = tuple(dict.fromkeys(v.strip() for v in value if v.strip()))
    if required and not items:
        raise TipValueError(key, f"'{key}' needs at least one entry")
    long = next((v for v in items if len(v) > MAX_NAME), None)
    if long is not None:
        raise TipValueError(
            key, f"an entry of '{key}' has {len(long)} characters; at most {MAX_NAME} are allowed"
        )
    return items


def _date(data: dict[str, Any], key: str = "date") -> dt.date | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise TipValueError(key, f"'{key}' is not a real date: {value!r}") from None
    raise TipValueError(key, f"'{key}' must be a TOML date like 2025-06-24, not {type(value).__name__}")


def check(data: dict[str, Any], *, id: str, path: str = "") -> Fields:
    """Validate a parsed tip file (or JSON object); raises `TipValueError`."""
    unknown = sorted(set(data) - set(FILE_KEYS) - {"id"})
    if unknown:
        raise TipValueError(unknown[0], f"unknown key '{unknown[0]}' (known keys: {', '.join(FILE_KEYS)})")
    excerpt = data.get("excerpt", False)
    if not isinstance(excerpt, bool):
        raise TipValueError("excerpt", "'excerpt' must be true or false")
    body = _text(data, "body")
    summary = _text(data, "summary")
    if not excerpt and not body.strip():
        raise TipValueError("body", "'body' is required (or set excerpt = true and give a summary)")
    if excerpt and not (summary.strip() or body.strip()):
        raise TipValueError("summary", "an excerpt needs a 'summary'")
    title = _text(data, "title", required=True).strip()
    if len(title) > MAX_TITLE:
        raise TipValueError("title", f"'title' has {len(title)} characters; at most {MAX_TITLE} are allowed")
    return Fields(
        id=id,
        title=title,
        date=_date(data),
        categories=_strings(data, "categories", MAX_CATEGORIES, required=True),
        summary=summary.strip(),
        takeaway=_text(data, "takeaway").strip(),
        body=body.strip("\n"),
        tags=_strings(data, "tags", MAX_TAGS),
        source=_text(data, "source").strip(),
        author=_text(data, "author").strip(),
        excerpt=excerpt,
        publisher=_text(data, "publisher").strip(),
        added=_date(data, "added"),
        path=path,
    )


# -- the file -------------------------------------------------------------------------------


def tip_id(name: str) -> str:
    """A tip's id is its file name's slug: `2025-06-24-greet-them.toml` is `greet-them`.

    The rule is the regular expression `^\\d{4}-\\d{2}-\\d{2}-(.+)$` on the name without its
    suffix, written out by hand so that no `re` is imported to read a file (a test holds the
    two to the same answers)."""
    dot = name.rfind(".")
    stem = name[:dot] if 0 < dot < len(name) - 1 else name
    if len(stem) < 12 or stem[4] != "-" or stem[7] != "-" or stem[10] != "-":
        return stem
    if not (stem[:4].isdecimal() and stem[5:7].isdecimal() and stem[8:10].isdecimal()):
        return stem
    rest = stem[11:]
    rest = rest[:-1] if rest.endswith("\n") else rest  # `$` also matches before a last newline
    return rest if rest and "\n" not in rest else stem


def tip_files(root: str, listing: Listing) -> list[FileStat]:
    """The tip files of one listed folder of the library at `root`."""
    if listing.folder != root:
        return listing.files
    return [f for f in listing.files if os.path.basename(f.path) != SYNONYMS_FILE]


def _line_of(text: str, key: str) -> int | None:
    import re

    match = re.search(rf"^\s*\"?{re.escape(key)}\"?\s*=", text, flags=re.M)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _toml() -> Any:
    """The TOML parser: `tomli` (tomllib's own source, compiled: about 4x faster, which is most
    of a first index build) when installed, else the standard library's. Imported only when a
    file is (re)read, not on every command."""
    try:
        import tomli

        return tomli
    except ImportError:  # pragma: no cover - tomli is a dependency; kept for odd platforms
        import tomllib

        return tomllib


def parse_fields(data: bytes, path: str) -> Fields:
    """Decode and validate one tip file's bytes; raises `TipFileError` with the line if known."""
    from tipweek.text import NotText, decode_text

    try:
        text = decode_text(data)
    except NotText as exc:
        raise TipFileError(path, exc.line, f"{exc} ({exc.hint})" if exc.hint else str(exc)) from None
    toml = _toml()
    try:
        raw = toml.loads(text)
    except RecursionError:
        raise TipFileError(path, None, "invalid TOML: nested too deeply") from None
    except toml.TOMLDecodeError as exc:
        import re

        match = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise TipFileError(path, int(match.group(1)) if match else None, f"invalid TOML: {message}") from None
    if not raw:
        raise TipFileError(path, None, "empty tip file (it needs at least title, categories and body)")
    try:
        return check(raw, id=tip_id(os.path.basename(path)), path=path)
    except TipValueError as exc:
        raise TipFileError(path, _line_of(text, exc.key), str(exc)) from None
    except (ValueError, OverflowError) as exc:
        raise TipFileError(path, None, str(exc)) from None


def read_fields_stat(path: str, root: str | None = None) -> tuple[Fields, os.stat_result]:
    """Read one tip file and its `fstat`; every failure is a `TipFileError` naming the file.

    Only a regular file is read, never more than `MAX_FILE_BYTES` (whatever `stat` says) and
    never waiting on a pipe; with `root`, a link is read only if it leads to a file inside
    the library."""
    from tipweek.fsutil import NotRegularFile, TooLarge, read_limited_stat

    try:
        data, st = read_limited_stat(path, MAX_FILE_BYTES, root=root)
    except NotRegularFile as exc:
        message = str(exc) if exc.kind == "link" else f"is a {exc.kind}, not a tip file"
        raise TipFileError(path, None, message) from None
    except TooLarge as exc:
        raise TipFileError(
            path, None, f"file is too large ({exc.size / 1e6:.1f} MB; a tip file may be at most 1 MB)"
        ) from None
    except OSError as exc:
        raise TipFileError(path, None, f"cannot read: {exc.strerror or exc}") from None
    return parse_fields(data, path), st
