"""Typo correction against the library's own words.

A word the library does not contain is replaced by the closest word it does contain: fewest
edits (a missing, extra or wrong letter, or two letters swapped), then the word more tips use.
Real words the library lacks must not be turned into other real words ("rude" is one letter
from "rule", "stuff" from "staff"), and most of those pairs differ by one wrong letter, while
typing mostly drops, doubles or swaps letters. So short words are left alone, and a wrong
letter is only corrected in longer words: none up to 3 letters, one added letter for 4
("angy" → "angry"), one missing, extra or swapped letter for 5 and 6 ("refnd", "manger"), any
one edit from 7 letters and two from 8. A typed word that is itself common English is
kept unless the candidate is far more common (see `english`): "manger" still becomes
"manager", but "self" is not "shelf" and "shipped" is not "skipped".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

LETTERS = "abcdefghijklmnopqrstuvwxyz"
MIN_LENGTH = 4
MIN_SUBSTITUTION = 7  # shorter words are not corrected by replacing a letter


def max_edits(word: str) -> int:
    if len(word) < MIN_LENGTH or not word.isalpha():
        return 0
    return 2 if len(word) >= 8 else 1


def distance(a: str, b: str, limit: int = 2) -> int:
    """Edits between `a` and `b` (optimal string alignment: swaps of neighbours count one);
    anything above `limit` is reported as `limit + 1`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], previous2[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        previous2, previous = previous, row
    return min(previous[-1], limit + 1)


def one_edit(word: str) -> set[str]:
    """Every string one edit away from `word` (for exact look-ups in a vocabulary)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in LETTERS}
    inserts = {a + c + b for a, b in splits for c in LETTERS}
    return (deletes | swaps | replaces | inserts) - {word}


def acceptable(word: str, candidate: str) -> bool:
    """Whether `candidate` is close enough to replace `word`."""
    budget = max_edits(word)
    if not budget or candidate == word:
        return False
    if len(word) == MIN_LENGTH:  # only a dropped letter
        return len(candidate) == MIN_LENGTH + 1 and distance(word, candidate, 1) == 1
    if len(word) < MIN_SUBSTITUTION and len(candidate) == len(word) and sorted(candidate) != sorted(word):
        return False  # one wrong letter in a short word: too often another real word
    return distance(word, candidate, budget) <= budget


def best(
    word: str, candidates: Mapping[str, int], likely: Callable[[str, str], bool] | None = None
) -> str | None:
    """The closest acceptable candidate (word → how many tips use it): fewest edits, then the
    most used, then the first alphabetically. With `likely(word, candidate)`, only candidates
    it accepts (it is asked only about acceptable ones, so a costly check runs rarely)."""
    ranked = [
        (distance(word, c, max_edits(word)), -n, c) for c, n in candidates.items() if acceptable(word, c)
    ]
    if likely is not None:
        ranked = [r for r in ranked if likely(word, r[2])]
    return min(ranked)[2] if ranked else None


def suggestions(
    words: Iterable[str],
    lookup: Callable[[str], Mapping[str, int]],
    limit: int = 3,
    min_uses: int = 2,
    likely: Callable[[str, str], bool] | None = None,
) -> list[str]:
    """For "did you mean": frequent words (used by at least `min_uses` tips) close to `words`,
    where `lookup(word)` gives the library's candidate words and their use counts; with
    `likely(word, candidate)`, only candidates it accepts ("shipped" is not offered "skipped")."""
    found: list[tuple[int, int, str]] = []
    for word in words:
        budget = max(max_edits(word), 1 if len(word) >= 3 else 0)
        if not budget:
            continue
        for candidate, uses in lookup(word).items():
            if uses >= min_uses and candidate != word:
                edits = distance(word, candidate, budget)
                if edits <= budget and (likely is None or likely(word, candidate)):
                    found.append((edits, -uses, candidate))
    out: list[str] = []
    for _, _, candidate in sorted(found):
        if candidate not in out:
            out.append(candidate)
    return out[:limit]
