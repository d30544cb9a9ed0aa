"""The customer-service thesaurus: groups of words that name the same situation.

Groups come from TOML files: the one shipped with tipweek, then any a trainer adds (see
docs/synonyms.md). Words are looked up by stem, so that "screaming" finds a group that lists
"scream", and several-word entries ("money back", "raising their voice") are found in a query
whatever the small words between them ("raised his voice").

Reading TOML and stemming a few thousand words takes longer than a whole search, so the
compiled thesaurus is cached as JSON beside the search index, keyed by the files' sizes and
modification times.
"""

from __future__ import annotations

import json
import os
import re
import zlib
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

from tipweek.errors import LibraryError
from tipweek.text import fold
from tipweek.understand.stemming import stems
from tipweek.understand.stopwords import is_stop_word

FORMAT = 1  # the `version` the files declare
CACHE_FORMAT = 4  # 3: indefinite pronouns count as persons; 4: so do "i" and "you"
MAX_ENTRY_WORDS = 6
_TOKEN = re.compile(r"[^\W_]+")

Entry = tuple[str, ...]  # a word or phrase, as folded tokens


class Match(NamedTuple):
    """Query tokens [start, stop) name an entry; `related` are the other entries of its groups.
    Tokens [slot[0], slot[1]) are not part of it: they fill the place of the entry's person
    ("ring a customer back" names "ring you back"), and stay words of their own."""

    start: int
    stop: int
    related: tuple[Entry, ...]
    slot: tuple[int, int] = (0, 0)

    def positions(self) -> list[int]:
        """The query tokens that make up the entry."""
        return [n for n in range(self.start, self.stop) if not self.slot[0] <= n < self.slot[1]]


def entry_tokens(text: str) -> Entry:
    return tuple(_TOKEN.findall(fold(text)))


def content_positions(tokens: Sequence[str]) -> list[int]:
    """Positions of the words that are not stop words (all of them if every word is one)."""
    kept = [i for i, t in enumerate(tokens) if not is_stop_word(t)]
    return kept or list(range(len(tokens)))


#: A phrasal verb's person may be a few words long in a query: "ring a customer back",
#: "turning the poor guy down". Up to this many words fill the place of "you", "them"…
MAX_SLOT = 3
MAX_HEAD = 3  # words before the person: "break it to them"

#: Words that stand for whoever the phrase is about: "raising their voice" is also "raised his
#: voice", so they compare equal in look-ups.
PERSONS = frozenset([
    "i", "you", "he", "she", "they", "him", "her", "them", "his", "hers", "their", "theirs", "my", "me",
    "mine", "your", "yours", "our", "us", "its", "someone", "somebody", "anyone", "anybody", "everyone",
    "everybody",
])  # fmt: skip


def key_token(token: str, token_stem: str) -> str:
    return "_" if token in PERSONS else token_stem


def _content_key(entry: Entry, key: str) -> str:
    """An entry's stem key without its persons and stop words."""
    stems_ = key.split()
    if len(stems_) != len(entry):
        return ""
    return " ".join(k for t, k in zip(entry, stems_, strict=True) if k != "_" and not is_stop_word(t))


class Thesaurus:
    """Entries, the stem key of each, and groups of entries."""

    def __init__(
        self,
        entries: Sequence[Sequence[str]],
        keys: list[str],
        groups: list[tuple[list[int], list[int]]],
        maps: dict[str, Any] | None = None,
    ) -> None:
        self.entries = entries  # each a list or tuple of folded tokens
        self.entry_keys = keys  # the stems of each entry's words, space-joined
        self.groups = groups  # (sources, targets) as entry numbers; two-way groups have both equal
        # The look-up maps are derived once and cached with the rest (see `load`).
        maps = maps or _maps(entries, keys, groups)
        self.by_key: dict[str, list[int]] = maps["by_key"]  # stem key -> groups where it is a source
        self.by_content: dict[str, str] = maps["by_content"]  # content words' stems -> stem key
        self.longest: int = maps["longest"]

    def __len__(self) -> int:
        return len(self.groups)

    @cached_property
    def words(self) -> frozenset[str]:
        """The one-word entries: real words, for typo correction."""
        return frozenset(str(e[0]) for e in self.entries if len(e) == 1)

    def related(self, key: str) -> list[Entry]:
        """The entries that a query entry with this stem key may also be found as."""
        out: dict[Entry, None] = {}
        for group in self.by_key.get(key, ()):
            for e in self.groups[group][1]:
                if self.entry_keys[e] != key:
                    out.setdefault(tuple(self.entries[e]))
        return list(out)

    def find(self, tokens: Sequence[str], token_stems: Sequence[str]) -> list[Match]:
        """Entries named in a query (longest first, left to right, not overlapping): `tokens`
        are folded words, `token_stems` their stems. A lone stop word is never an entry."""
        keys = [key_token(t, s) for t, s in zip(tokens, token_stems, strict=True)]
        matches = self._around_slots(keys)
        used = {i for m in matches for i in m.positions()}
        n = 0
        while n < len(tokens):
            for size in range(min(self.longest, len(tokens) - n), 0, -1):
                key = " ".join(keys[n : n + size])
                entry = key in self.by_key and (size > 1 or not is_stop_word(tokens[n]))
                if entry and used.isdisjoint(range(n, n + size)):
                    matches.append(Match(n, n + size, tuple(self.related(key))))
                    n += size
                    break
            else:
                n += 1
        return sorted(matches + self._by_content_words(tokens, keys, matches))

    @cached_property
    def slotted(self) -> frozenset[str]:
        """The words before the person of entries that have one after their first word: "ring"
        ("ring you back"), "break it to" ("break it to them")."""
        return frozenset(k.split(" _", 1)[0] for k in self.by_key if " _" in k and not k.startswith("_"))

    def _around_slots(self, keys: list[str]) -> list[Match]:
        """Entries whose person is several words in the query ("ring a customer back", "break it
        to the dad"): found first, as a word on its own would take the entry's first word. The
        slot's own words stay free for other entries."""
        used: set[int] = set()
        found: list[Match] = []
        for n in range(len(keys)):
            for size in range(MAX_HEAD, 0, -1):
                head = keys[n : n + size]
                if n in used or len(head) < size or " ".join(head) not in self.slotted:
                    continue
                match = self._slot_match(keys, n, size, used)
                if match:
                    found.append(match)
                    used.update(match.positions())
                    break
        return found

    def _slot_match(self, keys: list[str], n: int, head: int, used: set[int]) -> Match | None:
        start = n + head
        if keys[start : start + 1] in ([], ["_"]) or used & set(range(n, start)):
            return None  # nothing in its place, or a person: the entry as written, found by `find`
        for size in range(1, MAX_SLOT + 1):
            after = start + size
            for tail in range(min(self.longest - head - 1, len(keys) - after), -1, -1):
                if (tail == 0 and head < 2) or used & set(range(after, after + tail)):
                    continue  # "thank _" must not take "thank the team for"; "went off on _" may
                key = " ".join([*keys[n:start], "_", *keys[after : after + tail]])
                if key in self.by_key:
                    return Match(n, after + tail, tuple(self.related(key)), (start, after))
        return None

    def _by_content_words(self, tokens: Sequence[str], keys: list[str], taken: list[Match]) -> list[Match]:
        """Phrases found among the content words left between the matches already made."""
        used = {i for m in taken for i in m.positions()}
        found: list[Match] = []
        run: list[int] = []
        for i in [*range(len(tokens)), -1]:
            if i in used or i == -1:
                found += self._phrases_in(run, keys)
                run = []
            elif not is_stop_word(tokens[i]) and keys[i] != "_":
                run.append(i)
        return found

    def _phrases_in(self, run: list[int], keys: list[str]) -> list[Match]:
        found: list[Match] = []
        n = 0
        while n < len(run) - 1:
            for size in range(len(run) - n, 1, -1):
                content = " ".join(keys[i] for i in run[n : n + size])
                if content in self.by_content:
                    related = self.related(self.by_content[content])
                    found.append(Match(run[n], run[n + size - 1] + 1, tuple(related)))
                    n += size
                    break
            else:
                n += 1
        return found

    def to_json(self) -> dict[str, Any]:
        return {
            "format": CACHE_FORMAT,
            "entries": self.entries,
            "keys": self.entry_keys,
            "groups": self.groups,
            "maps": {"by_key": self.by_key, "by_content": self.by_content, "longest": self.longest},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Thesaurus:
        """The thesaurus as `to_json` wrote it (no copying: this is on every search's path)."""
        if data.get("format") != CACHE_FORMAT:
            raise ValueError("another cache format")
        return cls(data["entries"], data["keys"], data["groups"], data["maps"])


def _maps(
    entries: Sequence[Sequence[str]], keys: list[str], groups: list[tuple[list[int], list[int]]]
) -> dict[str, Any]:
    by_key: dict[str, list[int]] = {}
    by_content: dict[str, str] = {}
    for number, (sources, _) in enumerate(groups):
        for e in sources:
            bucket = by_key.setdefault(keys[e], [])
            if number not in bucket:
                bucket.append(number)
            # Phrases by their content words alone, so "bringing something back" finds "bring back".
            content = _content_key(tuple(entries[e]), keys[e])
            if len(content.split()) >= 2:
                by_content.setdefault(content, keys[e])
    longest = max((len(k.split()) for k in by_key), default=1)
    return {"by_key": by_key, "by_content": by_content, "longest": longest}


Group = tuple[list[Entry], list[Entry]]  # (sources, targets)


def _entries(words: object, n: int, key: str) -> list[Entry]:
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise ValueError(f"group {n}: '{key}' must be a list of strings")
    return list(dict.fromkeys(e for e in (entry_tokens(w)[:MAX_ENTRY_WORDS] for w in words) if e))


def parse_groups(data: dict[str, Any]) -> list[Group]:
    """The groups of one file's data; raises ValueError when its shape is wrong."""
    if data.get("version", FORMAT) != FORMAT:
        raise ValueError(f"unknown version {data.get('version')!r} (this tip reads version {FORMAT})")
    groups = data.get("group", [])
    if not isinstance(groups, list):
        raise ValueError("'group' must be an array of tables: [[group]]")
    out: list[Group] = []
    for n, group in enumerate(groups, 1):
        if not isinstance(group, dict):
            raise ValueError(f"group {n}: not a table")
        if "words" in group:
            entries = _entries(group["words"], n, "words")
            if len(entries) >= 2:
                out.append((entries, entries))
        elif "from" in group and "to" in group:
            sources, targets = _entries(group["from"], n, "from"), _entries(group["to"], n, "to")
            if sources and targets:
                out.append((sources, targets))
        else:
            raise ValueError(f"group {n}: needs 'words', or 'from' and 'to'")
    return out


def compile_groups(groups: Sequence[Group]) -> Thesaurus:
    """The lookup structure for groups, with every entry's content words stemmed in one batch."""
    index: dict[Entry, int] = {}
    for sources, targets in groups:
        for entry in (*sources, *targets):
            index.setdefault(entry, len(index))
    entries = list(index)
    flat = iter(stems([t for e in entries for t in e]))
    keys = [" ".join(key_token(t, next(flat)) for t in e) for e in entries]
    compiled = [([index[e] for e in s], [index[e] for e in t]) for s, t in groups]
    return Thesaurus(entries, keys, compiled)


Warn = Callable[[str], None]


MAX_SYNONYMS_BYTES = 5_000_000


def _read(path: Path) -> list[Group]:
    """One thesaurus file, read as tip files are: a regular file only, bounded, never waiting
    on a pipe (a library's `synonyms.toml` may come from anyone)."""
    import tomllib

    from tipweek.fsutil import NotRegularFile, TooLarge, read_limited

    try:
        text = read_limited(path, MAX_SYNONYMS_BYTES).decode("utf-8")
        return parse_groups(tomllib.loads(text))
    except (
        OSError,
        NotRegularFile,
        TooLarge,
        UnicodeDecodeError,
        tomllib.TOMLDecodeError,
        ValueError,
    ) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise LibraryError(f"synonyms file {path}: {reason}") from None


def _signature(files: Sequence[Path]) -> tuple[str, list[Path]]:
    """A key that changes when any file changes, and the files that exist."""
    parts: list[str] = [str(CACHE_FORMAT)]
    present: list[Path] = []
    for path in files:
        try:
            st = os.stat(path)
        except OSError:
            continue
        present.append(path)
        parts.append(f"{path.absolute()}\t{st.st_mtime_ns}\t{st.st_size}")
    data = "\n".join(parts).encode()
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}", present


def load(files: Sequence[Path], cache_dir: Path | None, *, warn: Warn) -> Thesaurus:
    """The thesaurus of `files` (the bundled one first); a file that cannot be read is left out
    with a warning. Compiled once, then read from `cache_dir` while the files are unchanged."""
    from tipweek.fsutil import NotRegularFile, TooLarge, read_limited

    signature, present = _signature(files)
    cached = cache_dir / f"synonyms-{signature}.json" if cache_dir else None
    if cached:
        try:
            return Thesaurus.from_json(json.loads(read_limited(cached, 10 * MAX_SYNONYMS_BYTES)))
        except (OSError, ValueError, KeyError, TypeError, NotRegularFile, TooLarge):
            pass
    groups: list[Group] = []
    for path in present:
        try:
            groups += _read(path)
        except LibraryError as error:
            warn(f"{error.message}; its synonyms are not used")
    thesaurus = compile_groups(groups)
    if cached:
        _store(cached, thesaurus)
    return thesaurus


def _store(path: Path, thesaurus: Thesaurus) -> None:
    """Write the cache atomically, replacing older versions; a cache that cannot be written is
    only slower."""
    from tipweek.safewrite import write_cache

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob("synonyms-*.json"):
            old.unlink(missing_ok=True)
        write_cache(str(path), json.dumps(thesaurus.to_json()).encode("utf-8"))
    except OSError:
        pass
