"""Understanding what a person searches for: which words carry meaning.

The index stores and ranks; deciding which words of a query (or of a tip, for "See also")
are worth searching for belongs here, so that query understanding can grow (synonyms, typo
correction, optional words) without touching how the index is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tipweek.text import fold

#: Words too common to say anything about a tip.
# fmt: off
STOP_WORDS = frozenset([
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "how",
    "i", "if", "in", "into", "is", "it", "its", "me", "my", "no", "not", "of", "on", "or", "our",
    "so", "than", "that", "the", "their", "them", "then", "there", "they", "this", "to", "too",
    "up", "us", "was", "we", "what", "when", "which", "who", "why", "will", "with", "you", "your",
    "yours",
])
# fmt: on
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
