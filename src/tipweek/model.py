"""The `Tip` record, and how it maps to the TOML file format and to JSON."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from tipweek.text import derive_summary
from tipweek.tipfile import (
    FIELD_NAMES,
    FILE_KEYS,
    MAX_CATEGORIES,
    MAX_NAME,
    MAX_TAGS,
    MAX_TITLE,
    Fields,
    TipValueError,
    check,
)

# The file format's rules are `tipfile`'s; these names are kept here for the modules that
# import them from the model.
__all__ = [
    "FILE_KEYS",
    "JSON_KEYS",
    "MAX_CATEGORIES",
    "MAX_NAME",
    "MAX_TAGS",
    "MAX_TITLE",
    "Tip",
    "TipValueError",
    "from_fields",
    "tip_from_dict",
]

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


def tip_from_dict(data: dict[str, Any], *, id: str, path: str = "") -> Tip:
    """Validate a parsed tip file (or JSON object) and build a `Tip`; raises `TipValueError`.
    The rules are `tipfile.check`'s, which the index also stores tips by."""
    return from_fields(check(data, id=id, path=path))


def from_fields(fields: Fields) -> Tip:
    """The `Tip` of a checked tip (`tipfile.check`)."""
    return Tip(**dict(zip(FIELD_NAMES, fields.values(), strict=True)))
