"""Category aliases: the spellings a team has merged into one category name.

Libraries merged from several places say the same thing in different words ("Sports" and
"Sports & Events"). An alias maps a spelling (compared like every category name: ignoring
case and punctuation) to the name the library should show. Aliases apply on import (the
files get the target name) and on read (the index stores the target), so a tip never shows
under two spellings of one category.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from tipweek.errors import BadInput
from tipweek.model import Tip
from tipweek.text import category_key, shown, unite_categories

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypeVar

    from tipweek.tipfile import Fields

    Shaped = TypeVar("Shaped", Tip, Fields)  # a tip, or a tip file's fields as the index stores them

MAX_CHAIN = 8  # an alias may point at another alias, up to this many steps


@dataclass(frozen=True)
class Aliases:
    """Spelling → target, as written (`pairs`), and looked up by category key (`table`)."""

    pairs: tuple[tuple[str, str], ...] = ()
    table: Mapping[str, str] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> Aliases:
        """Aliases from (spelling, target) pairs; a later pair for the same spelling wins."""
        kept: dict[str, tuple[str, str]] = {}
        for raw_spelling, raw_target in pairs:
            spelling, target = " ".join(raw_spelling.split()), " ".join(raw_target.split())
            key = category_key(spelling)
            if key and target and key != category_key(target):
                kept[key] = (spelling, target)
        return cls(tuple(kept.values()), {key: target for key, (_, target) in kept.items()})

    @classmethod
    def from_table(cls, table: Mapping[str, str]) -> Aliases:
        return cls.of(table.items())

    def __bool__(self) -> bool:
        return bool(self.pairs)

    def merged(self, other: Aliases) -> Aliases:
        """These aliases with `other`'s added (other wins for the same spelling)."""
        return Aliases.of((*self.pairs, *other.pairs))

    def name(self, category: str) -> str:
        """The name a category is shown under: its alias target (followed along a chain), or
        itself."""
        current = category
        for _ in range(MAX_CHAIN):
            target = self.table.get(category_key(current))
            if target is None:
                return current
            current = target
        return current

    def apply(self, categories: Iterable[str]) -> tuple[str, ...]:
        """Every category under its shown name, each once, in order."""
        return unite_categories(self.name(c) for c in categories)

    def tip(self, tip: Shaped) -> Shaped:
        """The tip with its categories under their shown names (the same object when none change)."""
        if not self.table:
            return tip
        renamed = self.apply(tip.categories)
        return tip if renamed == tip.categories else tip.with_changes(categories=renamed)

    @property
    def fingerprint(self) -> str:
        """Changes whenever what the aliases do changes: the index is rebuilt then."""
        if not self.table:
            return ""
        text = "\n".join(f"{k}\t{v}" for k, v in sorted(self.table.items()))
        return f"{zlib.crc32(text.encode()):08x}{len(text)}"

    def cycles(self) -> list[str]:
        """Spellings whose chain of aliases never ends (A → B → A)."""
        looping = []
        for spelling, _ in self.pairs:
            seen = {category_key(spelling)}
            current = spelling
            while (target := self.table.get(category_key(current))) is not None:
                if category_key(target) in seen:
                    looping.append(spelling)
                    break
                seen.add(category_key(target))
                current = target
        return looping


def parse_mapping(text: str) -> tuple[str, str]:
    """`"Sports=Sports & Events"` (from `tip import --map`) as a (spelling, target) pair."""
    spelling, sep, target = text.partition("=")
    if not sep or not spelling.strip() or not target.strip():
        raise BadInput(
            f"cannot read the category mapping '{shown(text)}'",
            hint="write it as OLD=NEW, for example --map 'Sports=Sports & Events'",
        )
    if category_key(spelling) == category_key(target):
        raise BadInput(f"'{shown(text)}' maps a category to itself")
    return spelling.strip(), target.strip()
