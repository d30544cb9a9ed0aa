"""Searching the index: ranking tips for the concepts of a query, "more like this", and the
library's own words for typo correction and "did you mean".

Ranking lives here alone; keeping the index current is `sync`'s job and deciding what to look
for (stop words, synonyms, spelling) is `tipweek.understand`'s.

A tip's score is the sum, over the query's concepts, of its BM25 score for that concept: for
the words as typed, or for the thesaurus' words at `SYNONYM_WEIGHT` of theirs, whichever is
higher. Every concept is scored by its own MATCH, so a tip matching more (and rarer) concepts
ranks higher, and one matching only synonyms ranks below one matching the word typed.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from tipweek.index.queries import row_to_tip
from tipweek.index.schema import zdict
from tipweek.index.where import COLUMNS, TEXT, where_for
from tipweek.model import Tip
from tipweek.store import Filters

if TYPE_CHECKING:  # query understanding is imported by searches only, not by every command
    from tipweek.understand.plan import Concept

WEIGHTS = (10.0, 4.0, 3.0, 1.0, 2.0)  # title, takeaway, summary, body, tags
HEAD_WEIGHTS = (1.0, 1.0, 0.0, 0.0, 1.0)  # non-zero only for a match in the title, takeaway or tags
#: A match in the title, takeaway or tags multiplies a tip's score for that word by this much.
#: BM25 adds up a tip's matches in all columns before saturating, so on its own a title match
#: counts barely twice a body match; titles, takeaways and tags say what a tip is about.
HEAD_BONUS = 1.5
HEAD = "{title takeaway}"  # the columns a very common word is ranked by in a large library
SYNONYM_WEIGHT = 0.5  # a thesaurus word counts half as much as the word typed
BIG = 2000  # a part of a concept matched by more tips than this is ranked from HEAD only…
CAP = 400  # …and only its best CAP tips are candidates
HIT_START, HIT_END = "\ue000", "\ue001"  # snippet markers; `clean` strips them from tip text


class SearchHit(NamedTuple):
    tip: Tip
    score: float
    snippet: str  # plain text with HIT_START/HIT_END around matched words

    def to_json(self) -> dict[str, Any]:
        """The tip's JSON, with the score and the snippet as plain text."""
        return {
            **self.tip.to_json(),
            "score": round(self.score, 4),
            "snippet": self.snippet.replace(HIT_START, "").replace(HIT_END, ""),
        }


class Part(NamedTuple):
    scores: dict[int, float]  # rowid -> score (higher is better) for the tips fetched
    big: bool  # only the best of many matches were fetched


def _bm25(weights: Sequence[float]) -> str:
    return f"bm25(fts, {', '.join(str(float(w)) for w in weights)})"


def idf(matches: int, rows: int) -> float:
    """How telling a word is. FTS5's own idf is zero for a word in half the tips or more, so
    that a title about the very thing asked for ("call", in a library of call-centre tips)
    would count for nothing; this one (Lucene's) only shrinks."""
    return math.log(1 + (rows - matches + 0.5) / (matches + 0.5))


def _fts5_idf(matches: int, rows: int) -> float:
    return max(math.log((rows - matches + 0.5) / (matches + 0.5)), 1e-6)


def _counts(db: sqlite3.Connection, expressions: Sequence[str]) -> list[int]:
    """How many tips match each expression, counting no further than BIG + 1 (one statement)."""
    parts = " UNION ALL ".join(
        f"SELECT {n}, count(*) FROM (SELECT 1 FROM fts WHERE fts MATCH ? LIMIT {BIG + 1})"
        for n in range(len(expressions))
    )
    found = dict(db.execute(parts, list(expressions)).fetchall())
    return [int(found[n]) for n in range(len(expressions))]


def alternatives(expression: str) -> list[str]:
    """The phrases of an expression that is only phrases joined by OR (a word's forms:
    "forget" OR "forgot"), else the expression itself."""
    if "(" in expression or " OR " not in expression:
        return [expression]
    return expression.split(" OR ")


def part_scores(
    db: sqlite3.Connection, expressions: Sequence[str], rows: int, weights: Sequence[float] = WEIGHTS
) -> Part:
    """The best score of each tip over `expressions` (a word and its forms, or the synonyms of
    one): BM25 with the idf rescaled (see `idf`). In a large library an expression matched by
    more than `BIG` tips is ranked by its title and takeaway matches, best `CAP` only.

    FTS5 weighs each phrase of an OR by its own idf, so a rare form ("says") would outweigh the
    common one ("say") a hundredfold; each phrase is scored alone instead, all with the idf of
    the expression as a whole."""
    expressions = [e for e in expressions if e]
    if not expressions:
        return Part({}, False)
    split = [alternatives(e) for e in expressions]
    counts = iter(_counts(db, [p for e, alts in zip(expressions, split, strict=True) for p in [e, *alts]]))
    scores: dict[int, float] = {}
    big = False
    for expression, alts in zip(expressions, split, strict=True):
        used = next(counts)
        each = [next(counts) for _ in alts]
        if not used:
            continue
        if used > BIG:
            big = True
            _score(db, scores, [(f"{HEAD} : ({expression})", 1.0)], weights, CAP)
            continue
        alone = [(a, idf(used, rows) / _fts5_idf(n, rows)) for a, n in zip(alts, each, strict=True) if n]
        _score(db, scores, alone, weights, -1)
    return Part(scores, big)


def _score(
    db: sqlite3.Connection,
    scores: dict[int, float],
    queries: Iterable[tuple[str, float]],
    weights: Sequence[float],
    limit: int,
) -> None:
    """Each tip's best score over `queries` (an FTS5 query and the factor of its BM25), into `scores`."""
    for query, scale in queries:
        for rowid, score, head in db.execute(
            f"SELECT rowid, {_bm25(weights)} AS score, {_bm25(HEAD_WEIGHTS)} FROM fts "
            "WHERE fts MATCH ? ORDER BY score LIMIT ?",
            (query, limit),
        ):
            value = -score * scale * (HEAD_BONUS if head else 1.0)
            scores[rowid] = max(scores.get(rowid, 0.0), value)


def combine(
    parts: Sequence[tuple[Part, Part]], required: Sequence[bool], excluded: Iterable[int] = ()
) -> list[tuple[int, float]]:
    """Tips and scores, best first, from each concept's (typed, synonyms) parts: the sum over
    concepts of max(typed, SYNONYM_WEIGHT × synonyms). A tip must match the typed part of every
    required concept, and none of `excluded`; ties go to the lower rowid."""
    scores: dict[int, float] = {}
    satisfied: dict[int, int] = {}
    for (typed, synonyms), must in zip(parts, required, strict=True):
        for rowid in typed.scores.keys() | synonyms.scores.keys():
            best = max(typed.scores.get(rowid, 0.0), SYNONYM_WEIGHT * synonyms.scores.get(rowid, 0.0))
            scores[rowid] = scores.get(rowid, 0.0) + best
            if must and rowid in typed.scores:
                satisfied[rowid] = satisfied.get(rowid, 0) + 1
    gone = set(excluded)
    needed = sum(required)
    ranked = [(r, s) for r, s in scores.items() if r not in gone and satisfied.get(r, 0) == needed]
    return sorted(ranked, key=lambda rs: (-rs[1], rs[0]))


def rank(
    db: sqlite3.Connection,
    concepts: Sequence[Concept],
    excluded: str = "",
    filters: Filters = Filters(),
    limit: int | None = 20,
    exclude: str | None = None,
    weights: Sequence[float] = WEIGHTS,
) -> list[tuple[int, float]]:
    """The shown tips passing `filters` (rowid, score), best first, for `concepts`."""
    (rows,) = db.execute("SELECT count(*) FROM tips").fetchone()
    parts = []
    for concept in concepts:
        typed = part_scores(db, [concept.typed], rows, weights)
        # A word in thousands of tips has enough of its own: its synonyms cannot change the first page.
        synonyms = Part({}, False) if typed.big else part_scores(db, concept.synonyms, rows, weights)
        parts.append((typed, synonyms))
    gone = (
        [r[0] for r in db.execute("SELECT rowid FROM fts WHERE fts MATCH ?", (excluded,))] if excluded else []
    )
    ranked = combine(parts, [c.required for c in concepts], gone)
    return _shown(db, ranked, filters, limit, exclude)


def _shown(
    db: sqlite3.Connection,
    ranked: list[tuple[int, float]],
    filters: Filters,
    limit: int | None,
    exclude: str | None,
) -> list[tuple[int, float]]:
    """The ranked tips that are shown (not replaced by a later library) and pass the filters,
    checked a batch at a time in rank order."""
    where, args = where_for(filters, exclude=exclude)
    out: list[tuple[int, float]] = []
    step = max(50, 3 * (limit or 0))
    for start in range(0, len(ranked), step):
        batch = ranked[start : start + step]
        ok = {
            r[0]
            for r in db.execute(
                # json_each first, then each tip by its rowid: left to itself, the planner
                # reads every shown tip through the order index (10 ms at 100,000 tips).
                f"SELECT t.rowid FROM json_each(?) AS j CROSS JOIN tips t ON t.rowid = j.value WHERE {where}",
                [json.dumps([r for r, _ in batch]), *args],
            )
        }
        out += [(r, s) for r, s in batch if r in ok]
        if limit is not None and len(out) >= limit:
            return out[:limit]
    return out


def hits(
    db: sqlite3.Connection, ranked: Sequence[tuple[int, float]], highlight: str, *, snippets: bool = True
) -> list[SearchHit]:
    """Whole rows and snippets for ranked tips, in rank order; `highlight` is an FTS5
    expression for the words to mark."""
    from tipweek.understand.snippets import snippet

    if not ranked:
        return []
    ids = json.dumps([r for r, _ in ranked])
    marked: dict[int, list[str]] = {}
    if highlight and snippets:
        marks = ", ".join(f"highlight(fts, {c}, '{HIT_START}', '{HIT_END}')" for c in (3, 2, 1))
        for row in db.execute(
            f"SELECT rowid, {marks} FROM fts WHERE fts MATCH ? AND rowid IN (SELECT value FROM json_each(?))",
            (highlight, ids),
        ):
            marked[row[0]] = [str(v or "") for v in row[1:]]
    rows = {
        r["rowid"]: r
        for r in db.execute(
            f"SELECT t.rowid AS rowid, {COLUMNS} FROM tips t {TEXT} "
            "WHERE t.rowid IN (SELECT value FROM json_each(?))",
            (ids,),
        )
    }
    out = []
    packed_with = zdict(db)
    for rowid, score in ranked:
        if (row := rows.get(rowid)) is None:
            continue
        tip = row_to_tip(row, packed_with)
        fields = marked.get(rowid) or [tip.body, tip.blurb, tip.takeaway or ""]
        out.append(SearchHit(tip, score, snippet(fields, HIT_START, HIT_END) if snippets else ""))
    return out


def similar(
    db: sqlite3.Connection, tip: Tip, limit: int = 3, terms: int = 5, candidates: int = 10
) -> list[Tip]:
    """More like this, ranked like a search: the tip's most telling words (see
    `understand.telling_words`) that a minority of tips use, each an optional concept."""
    from tipweek.understand import telling_words
    from tipweek.understand.plan import Concept, word_expression

    picked = telling_words(tip.title, tip.body, tip.tags, candidates)
    telling = _rare(db, [word_expression(w) for w in picked], terms)
    if not telling:
        return []
    concepts = [Concept(e, e) for e in telling]
    try:
        ranked = rank(db, concepts, limit=limit, exclude=tip.id)
    except sqlite3.Error:
        return []
    return [h.tip for h in hits(db, ranked, "")]


def _rare(db: sqlite3.Connection, queries: Iterable[str], wanted: int) -> list[str]:
    """The first `wanted` queries that match at least two tips and at most a tenth of them
    (any that match at least two, in a small library)."""
    (size,) = db.execute("SELECT coalesce(max(rowid), 0) FROM tips").fetchone()
    rare: list[str] = []
    for query in queries:
        # Counting stops early: all that matters is whether the word is rare enough.
        (used,) = db.execute(
            "SELECT count(*) FROM (SELECT 1 FROM fts WHERE fts MATCH ? LIMIT ?)", (query, size // 10 + 2)
        ).fetchone()
        if 2 <= used <= size // 10 + 1 or size < 50:
            rare.append(query)
        if len(rare) == wanted:
            break
    return rare


class Vocabulary:
    """The library's words, as query understanding asks about them (`understand.plan.Vocabulary`)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def has(self, expression: str) -> bool:
        return (
            self.db.execute("SELECT 1 FROM fts WHERE fts MATCH ? LIMIT 1", (expression,)).fetchone()
            is not None
        )

    def near(self, word: str) -> Mapping[str, int]:
        """Words one edit from `word`, and for long words those of a similar length with the
        same first letter, with how many tips use each."""
        from tipweek.understand.spelling import max_edits, one_edit

        found: dict[str, int] = {}
        for edit in sorted(one_edit(word)):  # one look-up each: an IN list makes SQLite scan the vocabulary
            row = self.db.execute("SELECT doc FROM words_vocab WHERE term = ?", (edit,)).fetchone()
            if row:
                found[edit] = row[0]
        if max_edits(word) > 1:
            found.update(
                (r[0], r[1])
                for r in self.db.execute(
                    "SELECT term, doc FROM words_vocab "
                    "WHERE term >= ? AND term < ? AND length(term) BETWEEN ? AND ?",
                    (word[:1], word[:1] + "\U0010ffff", len(word) - 2, len(word) + 2),
                )
            )
        return found


def suggest(db: sqlite3.Connection, words: Iterable[str], limit: int = 3) -> list[str]:
    """Frequent words the library does contain that are close to ones it does not."""
    from tipweek.understand.english import likely_typo
    from tipweek.understand.spelling import suggestions

    return suggestions(words, Vocabulary(db).near, limit, likely=likely_typo)
