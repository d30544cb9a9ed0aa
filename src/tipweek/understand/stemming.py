"""Word stems, from the same Porter stemmer that the search index uses.

The thesaurus is looked up by stem, so that "screaming" finds a group that lists "scream" and
"refunds" one that lists "refund". Taking the stems from SQLite's own `porter` tokenizer (an
in-memory table that is never written to disk) means a stem here is exactly what the index
matches, with no extra dependency.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from functools import lru_cache


@lru_cache(maxsize=1)
def _stemmer() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:", check_same_thread=False)
    db.execute("CREATE VIRTUAL TABLE words USING fts5(w, tokenize='porter unicode61 remove_diacritics 2')")
    db.execute("CREATE VIRTUAL TABLE stems USING fts5vocab(words, instance)")
    return db


def stems(words: Sequence[str]) -> list[str]:
    """The stem of each word (a word of several tokens gives its stems joined by spaces)."""
    if not words:
        return []
    db = _stemmer()
    with db:
        db.executemany("INSERT INTO words(rowid, w) VALUES (?, ?)", enumerate(words))
        found: dict[int, list[str]] = {}
        for doc, term in db.execute("SELECT doc, term FROM stems ORDER BY doc, offset"):
            found.setdefault(doc, []).append(term)
        db.execute("DELETE FROM words")
    return [" ".join(found.get(n, [])) for n in range(len(words))]


@lru_cache(maxsize=4096)
def stem(word: str) -> str:
    return stems([word])[0]
