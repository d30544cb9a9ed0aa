"""The `Tip` record, and how it maps to the TOML file format and to JSON."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from tipweek.text import derive_summary

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
#: Keys of a tip in `--json` output and in `export --format json`, in order.
JSON_KEYS = (
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
)


#: Limits on a tip's shape, checked alike when a tip is read, written and by `tip check`, so
#: that one tip cannot stall the tool (docs/reliability.md lists them).
MAX_TITLE = 500
MAX_CATEGORIES = 20
MAX_TAGS = 50
MAX_NAME = 200  # characters in one category or tag


class TipValueError(ValueError):
    """A field has the wrong type or value; `key` names it so a line can be found."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True, slots=True)
class Tip:
    """One tip. `id` is the file's slug; `path` is where it was read from, if anywhere."""

    id: str
    title: str
    categories: tuple[str, ...]
    date: dt.date | None = None
    summary: str = ""
    takeaway: str = ""
    body: str = ""
    tags: tuple[str, ...] = ()
    source: str = ""  # a URL: where the whole tip can be read
    author: str = ""
    excerpt: bool = False  # only the start is known: shown when browsed, never delivered
    publisher: str = ""  # the site or organisation the tip comes from, by name
    # When it entered the library: the rotation admits it only after that day. Bookkeeping,
    # like `path`: two tips are the same tip whatever day each entered its library.
    added: dt.date | None = field(default=None, compare=False)
    path: str = field(default="", compare=False)

    @property
    def blurb(self) -> str:
        """The summary, or one derived from the body when the file has none."""
        return self.summary or derive_summary(self.body)

    @property
    def excerpt_text(self) -> str:
        """What is known of an excerpt, on one line and ending in "…": only its start."""
        text = " ".join(self.blurb.split())
        return text if text.endswith(("…", "...")) else f"{text}…"

    @property
    def iso_date(self) -> str | None:
        return self.date.isoformat() if self.date else None

    @property
    def iso_added(self) -> str | None:
        return self.added.isoformat() if self.added else None

    def to_json(self) -> dict[str, Any]:
        """The tip as the JSON object every `--json` command prints."""
        from tipweek.shapes import tip_json

        return tip_json(self)

    def to_file(self) -> dict[str, Any]:
        """The tip as a TOML table for `tomli_w`: empty optional keys are left out."""
        data: dict[str, Any] = {
            "title": self.title,
            "date": self.date,
            "added": self.added,
            "categories": list(self.categories),
            "tags": list(self.tags),
            "author": self.author,
            "publisher": self.publisher,
            "source": self.source,
            "excerpt": self.excerpt or None,
            "summary": self.summary,
            "takeaway": self.takeaway,
            "body": self.body,
        }
        return {k: data[k] for k in FILE_KEYS if data[k] not in (None, "", [], False)}

    def with_changes(self, **changes: Any) -> Tip:
        return replace(self, **changes)


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


def tip_from_dict(data: dict[str, Any], *, id: str, path: str = "") -> Tip:
    """Validate a parsed tip file (or JSON object) and build a `Tip`; raises `TipValueError`."""
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
    return Tip(
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
