"""Search queries as people type them, compiled to SQLite FTS5 syntax.

All words must match; "quoted phrases" match as phrases; word* is a prefix; OR joins
alternatives; -word excludes. Everything else is escaped, so no input reaches FTS5 as syntax.
"""

from __future__ import annotations

import re
import shlex
from typing import NamedTuple

from tipweek.errors import BadInput
from tipweek.text import fold, shown

_TOKEN = re.compile(r"\w+")
# Suffixes stripped to make a prefix that also finds other forms of a word (apologize → apolog*);
# the index's Porter stemmer handles the regular cases, this catches the ones it keeps apart.
_SUFFIXES = (
    "izations",
    "ization",
    "ational",
    "fulness",
    "iveness",
    "ations",
    "ation",
    "izing",
    "ising",
    "ized",
    "ised",
    "izes",
    "ises",
    "ize",
    "ise",
    "ying",
    "ing",
    "edly",
    "ied",
    "ies",
    "ed",
    "ly",
    "es",
    "y",
    "s",
)
MIN_STEM = 5


class Query(NamedTuple):
    expression: str  # the FTS5 MATCH expression
    words: tuple[str, ...]  # plain positive words, for "did you mean"


def stem_prefix(word: str) -> str | None:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            return word[: -len(suffix)]
    return None


def _phrase(tokens: list[str]) -> str:
    return '"' + " ".join(tokens) + '"'


def _term(raw: str) -> tuple[str, list[str]] | None:
    """One user term as FTS5 syntax, plus its plain words; None when it holds no word at all."""
    prefix = raw.endswith("*")
    tokens = _TOKEN.findall(fold(raw).replace("_", " "))
    if not tokens:
        return None
    if prefix:
        return ((_phrase(tokens[:-1]) + " + " if len(tokens) > 1 else "") + f'"{tokens[-1]}" *'), []
    if len(tokens) > 1:
        return _phrase(tokens), []
    word = tokens[0]
    stem = stem_prefix(word)
    return (f'("{word}" OR "{stem}" *)' if stem else f'"{word}"'), [word]


class _Terms(NamedTuple):
    groups: list[list[str]]  # all groups must match; the terms of a group are alternatives
    excluded: list[str]
    words: list[str]


def _split(text: str) -> list[str]:
    """The query's terms, as a shell would split them ("quoted phrases" stay whole)."""
    if text.count('"') % 2:
        raise BadInput(f"unbalanced quote in '{shown(text)}'", hint='close the "quoted phrase"')
    try:
        return shlex.split(text.replace("'", "_"), posix=True)
    except ValueError:
        raise BadInput(f"cannot read the query '{shown(text)}'") from None


def _collect(parts: list[str]) -> _Terms:
    """Sort terms into required groups (OR joins a term to the group before it) and exclusions."""
    terms = _Terms([], [], [])
    joining = False
    for part in parts:
        if part == "or" and terms.groups:
            joining = True
            continue
        negative = part.startswith("-") and len(part) > 1
        term = _term(part[1:] if negative else part)
        if term is None:
            continue
        expression, plain = term
        if negative:
            terms.excluded.append(expression)
        elif joining:
            terms.groups[-1].append(expression)
        else:
            terms.groups.append([expression])
        terms.words.extend([] if negative else plain)
        joining = False
    return terms


def compile_query(text: str) -> Query:
    """Compile a user query; raises `BadInput` for unbalanced quotes or nothing to search for."""
    text = fold(text).strip()
    if not text:
        raise BadInput("empty search", hint="try a word or two, like: tip search angry caller")
    terms = _collect(_split(text))
    if not terms.groups:
        if terms.excluded:
            raise BadInput("a search needs at least one word to find, not only -excluded ones")
        raise BadInput(f"nothing to search for in '{shown(text)}'", hint="use letters or digits")
    positive = " AND ".join(g[0] if len(g) == 1 else "(" + " OR ".join(g) + ")" for g in terms.groups)
    expression = f"({positive})" + "".join(f" NOT {e}" for e in terms.excluded)
    return Query(expression, tuple(terms.words))
