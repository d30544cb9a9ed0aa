"""How common a word is in English: what tells a typo from a real word the library lacks.

Correcting "self" to "shelf" or "shipped" to "skipped" because the library happens to have
only the second word turns a sensible query into nonsense. The word frequencies bundled with
`pyspellchecker` (a list of real English words, each with how often it occurs) say whether a
typed word is English at all, and how much more common a candidate is. Reading the list
costs a few hundred milliseconds, so it is read only when a query word is unknown to the
library and to the thesaurus, never for an ordinary search.
"""

from __future__ import annotations

from functools import lru_cache

#: A typed English word is corrected only to a word this many times more common in English
#: ("manger" → "manager" is about 60 times; "rude" → "rule" 4, "self" → "shelf" under 1).
FAR_MORE_COMMON = 20


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, int]:
    import gzip
    import json
    from importlib.resources import files

    data = files("spellchecker").joinpath("resources", "en.json.gz").read_bytes()
    loaded: dict[str, int] = json.loads(gzip.decompress(data))
    return loaded


def frequency(word: str) -> int:
    """How often `word` occurs in the English list; 0 when it is not an English word."""
    return _frequencies().get(word.lower(), 0)


def likely_typo(typed: str, candidate: str) -> bool:
    """Whether `typed` is more likely a mistyped `candidate` than a word meant as typed: it is
    not an English word, or `candidate` is far more common."""
    typed_count = frequency(typed)
    return not typed_count or frequency(candidate) >= FAR_MORE_COMMON * typed_count
