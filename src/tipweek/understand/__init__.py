"""Understanding what a person searches for: which words carry meaning.

The index stores and ranks; deciding which words of a query (or of a tip, for "See also")
are worth searching for belongs here, in plain Python tested without SQLite's index:

- `language`: the query language (optional words, +required, "phrases", -excluded, prefix*);
- `stopwords`: words that never decide a result;
- `spelling`: typo correction against the library's own words;
- `stemming` and `thesaurus`: the customer-service synonyms, looked up by stem;
- `irregular`: the forms of irregular verbs ("forgot" is also "forget");
- `plan`: from a parsed query to the concepts the index ranks;
- `snippets`: plain-text passages around the matched words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tipweek.text import fold
from tipweek.understand.stopwords import STOP_WORDS

MIN_TELLING = 4  # shorter words are rarely specific enough to find related tips


def words(text: str) -> list[str]:
    """The folded words of `text` longer than two characters, in order."""
    return [w for w in re.findall(r"[a-z0-9]+", fold(text)) if len(w) > 2]


def is_telling(word: str) -> bool:
    """Whether a word may say what a tip is about: not a stop word, and long enough."""
    return word not in STOP_WORDS and len(word) >= MIN_TELLING


def telling_words(title: str, body: str, tags: Iterable[str], limit: int) -> list[str]:
    """Candidate words for "more like this", most telling first: the tags, the three most
    repeated body words, the title, then the other repeated body words."""
    counts: dict[str, int] = {}
    for word in words(body):
        if is_telling(word):
            counts[word] = counts.get(word, 0) + 1
    repeated = sorted(counts, key=lambda w: (-counts[w], w))
    picked: list[str] = []
    for word in [*words(" ".join(tags)), *repeated[:3], *words(title), *repeated[3:]]:
        if is_telling(word) and word not in picked:
            picked.append(word)
        if len(picked) == limit:
            break
    return picked
