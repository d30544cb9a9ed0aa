"""What every import format shares: the result type and the one rule for extra categories.
A floor below the formats, so none imports the registry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from tipweek.model import Tip
from tipweek.text import unite_categories


@dataclass
class ImportResult:
    """The tips read from one input, what could not be read (line numbers where known), and
    the choices made in reading each tip, as (title, choice), for `tip import --dry-run`."""

    tips: list[Tip] = field(default_factory=list)
    problems: list[tuple[int | None, str]] = field(default_factory=list)
    choices: list[tuple[str, str]] = field(default_factory=list)


class Importer(Protocol):
    def __call__(self, text: str, source: str, *, categories: Sequence[str] = ()) -> ImportResult: ...


#: The category of an imported tip whose own categories are unknown (a cookie, a teaser on a
#: tag archive page): any real category replaces it.
PLACEHOLDER = "Imported"


def without_placeholder(categories: Sequence[str]) -> tuple[str, ...]:
    """The categories, without the placeholder when there is any other."""
    real = tuple(c for c in categories if c != PLACEHOLDER)
    return real or tuple(categories)


def add_categories(tip: Tip, extra: Sequence[str]) -> Tip:
    """The tip with `extra` categories appended, skipping ones it already has (by category key);
    they replace the placeholder."""
    added = [c for c in unite_categories(tip.categories, extra) if c not in tip.categories]
    if not added:
        return tip
    return tip.with_changes(categories=without_placeholder((*tip.categories, *added)))
