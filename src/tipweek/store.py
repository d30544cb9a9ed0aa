"""The read interface every command uses, and a plain in-memory implementation of it.

`index.Index` implements it over SQLite, and is what every command reads: from the cache
folder, or held in memory (`index.memory_index`) when the cache cannot be used.
`MemoryStore` is the same contract over a list of tips, for callers that hold tips rather
than a library; the rotation tests run against both.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from tipweek.categories import Aliases
from tipweek.errors import BadInput, NotFound
from tipweek.library import Problem
from tipweek.model import Tip
from tipweek.order import order_key
from tipweek.text import category_key, shown


class Filters(NamedTuple):
    """Filters shared by list, search, export and the pickers; `category` is a category key.

    `whole` keeps only tips that may be delivered (no excerpts); `hidden` reads the tips
    `tip hide` retired instead of the shown ones; `new_too` lets a pick take tips added on
    its day too (a random draw: only the rotation's periods must stay stable)."""

    category: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    whole: bool = False
    hidden: bool = False
    new_too: bool = False

    def accepts(self, tip: Tip) -> bool:
        if self.whole and tip.excerpt:
            return False
        if self.category and self.category not in {category_key(c) for c in tip.categories}:
            return False
        if self.since and (tip.date is None or tip.date < self.since):
            return False
        return not (self.until and (tip.date is None or tip.date > self.until))


class Category(NamedTuple):
    key: str
    name: str
    tips: int

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "slug": self.key, "count": self.tips}


class Curation(NamedTuple):
    """How the user reads the libraries: the ids they hid and their category aliases."""

    hidden: frozenset[str] = frozenset()
    aliases: Aliases = Aliases()


def deliverable_on(tip: Tip, as_of: dt.date, new_too: bool = False) -> bool:
    """Whether the rotation may pick `tip` for a period starting `as_of`: a whole tip (not an
    excerpt), not scheduled for later, and in the library before the period began, so that
    adding a tip never changes a day's or a week's pick once it has started (`new_too`
    drops that last rule, for a random draw)."""
    if tip.excerpt or (tip.date is not None and tip.date > as_of):
        return False
    return new_too or tip.added is None or tip.added < as_of


if TYPE_CHECKING:  # a Protocol only for the type checker: creating one costs start-up time

    class Store(Protocol):
        """What the commands need from a library, however it is stored."""

        @property
        def problems(self) -> Sequence[Problem]: ...

        def categories(self) -> list[Category]: ...

        def tips(self, filters: Filters = Filters(), limit: int | None = None) -> list[Tip]:
            """Tips newest first (undated last), filtered."""
            ...

        def count(self, filters: Filters = Filters()) -> int: ...

        def dated_between(self, start: dt.date, end: dt.date, category: str | None) -> list[Tip]:
            """Whole tips (never excerpts) dated in [start, end], newest first."""
            ...

        def eligible_count(self, as_of: dt.date, category: str | None, new_too: bool = False) -> int:
            """How many tips the rotation may show in a period starting `as_of` (`deliverable_on`)."""
            ...

        def eligible_at(
            self, as_of: dt.date, category: str | None, position: int, new_too: bool = False
        ) -> Tip:
            """The eligible tip at `position` in a stable order (`order_key`)."""
            ...

        def ids(self) -> list[str]: ...

        def ids_with_prefix(self, prefix: str, limit: int = 50) -> list[str]: ...

        def get_exact(self, tip_id: str) -> Tip | None: ...

        def hidden_ids(self) -> frozenset[str]:
            """The ids `tip hide` retired."""
            ...

        def blocks(self, tip: Tip) -> list[Any] | None:
            """The body's parsed Markdown, if the store caches it."""
            ...

        def similar(self, tip: Tip, limit: int = 3) -> list[Tip]:
            """The tips most like this one, best first."""
            ...


def sort_newest(tips: Iterable[Tip]) -> list[Tip]:
    """Newest first, undated last: the order of every list."""
    return sorted(tips, key=order_key)


def resolve_category(store: Store, name: str) -> str:
    """The key of a category the library has; unknown names are bad input with close matches."""
    import difflib

    key = category_key(name)
    known = {c.key: c.name for c in store.categories()}
    if key in known:
        return key
    close = difflib.get_close_matches(key, list(known), n=3, cutoff=0.5)
    hint = (
        ("did you mean: " + ", ".join(known[k] for k in close))
        if close
        else (
            "known categories: " + ", ".join(sorted(known.values())) if known else "the library has no tips"
        )
    )
    raise BadInput(f"unknown category '{shown(name)}'", hint=hint)


def find_tip(store: Store, query: str) -> Tip:
    """A tip by id or unique id prefix; unknown or ambiguous ids list close matches."""
    import difflib

    wanted = query.strip().lower()
    if not wanted:
        raise BadInput("empty tip id")
    exact = store.get_exact(wanted)
    if exact:
        return exact
    starts = store.ids_with_prefix(wanted, 50)
    if len(starts) == 1:
        tip = store.get_exact(starts[0])
        if tip:
            return tip
    if len(starts) > 1:
        listed = ", ".join(sorted(starts)[:5]) + (", …" if len(starts) > 5 else "")
        raise BadInput(f"'{shown(wanted)}' matches {len(starts)} tips", hint=f"say which: {listed}")
    if wanted in store.hidden_ids():
        raise NotFound(f"'{shown(wanted)}' is hidden", hint=f"`tip unhide {shown(wanted)}` brings it back")
    ids = store.ids()
    close = difflib.get_close_matches(wanted, ids, n=3, cutoff=0.6)
    close += [i for i in ids if wanted in i and i not in close][: 3 - len(close)]
    hint = "did you mean: " + ", ".join(close) if close else "`tip list` shows every id"
    raise NotFound(f"no tip with id '{shown(wanted)}'", hint=hint)


class MemoryStore:
    """A `Store` over a list of tips held in memory."""

    def __init__(
        self, tips: Iterable[Tip], problems: Sequence[Problem] = (), hidden: Iterable[str] = ()
    ) -> None:
        self._hidden_ids = frozenset(hidden)
        everything = sort_newest(tips)
        self._tips = [t for t in everything if t.id not in self._hidden_ids]
        self._hidden = [t for t in everything if t.id in self._hidden_ids]
        self._by_id = {t.id: t for t in self._tips}
        self.problems = list(problems)

    def categories(self) -> list[Category]:
        counts: Counter[str] = Counter()
        spellings: dict[str, Counter[str]] = {}
        for tip in self._tips:
            for name in tip.categories:
                key = category_key(name)
                counts[key] += 1
                spellings.setdefault(key, Counter())[name] += 1
        return [Category(k, canonical_name(spellings[k]), n) for k, n in counts.items() if k]

    def tips(self, filters: Filters = Filters(), limit: int | None = None) -> list[Tip]:
        found = [t for t in (self._hidden if filters.hidden else self._tips) if filters.accepts(t)]
        return found[:limit] if limit is not None else found

    def count(self, filters: Filters = Filters()) -> int:
        return len(self.tips(filters))

    def dated_between(self, start: dt.date, end: dt.date, category: str | None) -> list[Tip]:
        return self.tips(Filters(category, start, end, whole=True))

    def _eligible(self, as_of: dt.date, category: str | None, new_too: bool) -> list[Tip]:
        wanted = Filters(category)
        return [t for t in self._tips if wanted.accepts(t) and deliverable_on(t, as_of, new_too)]

    def eligible_count(self, as_of: dt.date, category: str | None, new_too: bool = False) -> int:
        return len(self._eligible(as_of, category, new_too))

    def eligible_at(self, as_of: dt.date, category: str | None, position: int, new_too: bool = False) -> Tip:
        return self._eligible(as_of, category, new_too)[position]

    def ids(self) -> list[str]:
        return list(self._by_id)

    def ids_with_prefix(self, prefix: str, limit: int = 50) -> list[str]:
        return sorted(i for i in self._by_id if i.startswith(prefix))[:limit]

    def get_exact(self, tip_id: str) -> Tip | None:
        return self._by_id.get(tip_id)

    def hidden_ids(self) -> frozenset[str]:
        return self._hidden_ids

    def blocks(self, tip: Tip) -> list[Any] | None:
        return None

    def similar(self, tip: Tip, limit: int = 3) -> list[Tip]:
        """Tips sharing the most categories and tags; the index does better with full text."""
        mine = {category_key(c) for c in tip.categories} | {f"#{t.lower()}" for t in tip.tags}
        scored = []
        for other in self._tips:
            if other.id == tip.id:
                continue
            theirs = {category_key(c) for c in other.categories} | {f"#{t.lower()}" for t in other.tags}
            if shared := len(mine & theirs):
                scored.append((-shared, other.id, other))
        return [t for *_, t in sorted(scored)[:limit]]


def canonical_name(spellings: Counter[str]) -> str:
    """The spelling shown for a category: the most used one, capitalised ones winning ties."""
    return max(spellings.items(), key=lambda kv: (kv[1], kv[0] != kv[0].lower(), kv[0]))[0]
