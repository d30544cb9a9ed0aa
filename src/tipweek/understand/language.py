"""The search query language, as staff type it: plain words, every one of them optional.

    angry caller refund      best match first: more (and rarer) words matched rank higher
    +refund                  a word every result must contain
    "waiting room"           a phrase (+"waiting room" to require it)
    -online  NOT online      leave out tips with this word (NOT in capitals)
    apolog*                  words that start with apolog

`OR` in capitals is accepted and ignored (alternatives are the default). Everything else,
punctuation and FTS5 operators included, is only ever read as words.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from tipweek.errors import BadInput
from tipweek.text import QUOTES, fold, shown
from tipweek.understand.stopwords import is_stop_word

#: At most this many different terms are read from one query: enough for a paragraph, and it
#: keeps a pasted page from turning into thousands of lookups. Small words typed again (kept
#: for phrases, see `_glue`) do not count, up to MAX_WORDS words in all.
MAX_TERMS = 32
MAX_WORDS = 4 * MAX_TERMS
_CHUNK = re.compile(r'[+-]?"[^"]*"|[^\s"]+')
_TOKEN = re.compile(r"[^\W_]+")
# The endings of contractions and possessives: "customer's" is the word customer.
_CLITICS = frozenset({"s", "t", "re", "ve", "ll", "d", "m"})
MIN_PREFIX = 2
#: Negative contractions typed without the apostrophe, as people often do.
_BARE_NEGATIONS = frozenset([
    "dont", "doesnt", "didnt", "cant", "wont", "isnt", "wasnt", "arent", "werent", "havent", "hasnt",
    "hadnt", "couldnt", "wouldnt", "shouldnt",
])  # fmt: skip


class Term(NamedTuple):
    """One thing to look for: a word, a phrase of several words, or a prefix."""

    tokens: tuple[str, ...]  # folded words (several for a phrase)
    required: bool = False
    prefix: bool = False  # the last token is the start of a word (word*)
    quoted: bool = False  # typed as "a phrase"

    @property
    def text(self) -> str:
        joined = " ".join(self.tokens) + ("*" if self.prefix else "")
        return f'"{joined}"' if self.quoted else joined

    @property
    def is_word(self) -> bool:
        """A single plain word: what stop words, synonyms and spelling apply to."""
        return len(self.tokens) == 1 and not self.prefix and not self.quoted


class ParsedQuery(NamedTuple):
    terms: tuple[Term, ...]  # what to find, in typed order, without repeats but of small words
    excluded: tuple[Term, ...]  # what results must not contain


def _tokens(chunk: str) -> list[str]:
    tokens = _TOKEN.findall(fold(chunk))
    if len(tokens) == 2 and tokens[1] in _CLITICS and "'" in chunk:
        return tokens[:1]
    return tokens


def _negations(chunks: list[str]) -> list[str]:
    """ "won't" and "wont" as the two words the index and the thesaurus see in "won't" (won, t),
    so that phrases with them are found ("won't turn on", "doesn't trust us"); other
    contractions stay one word ("customer's" is customer)."""
    out: list[str] = []
    for chunk in chunks:
        tokens = _TOKEN.findall(fold(chunk)) if chunk[0] not in '+-"' else []
        if len(tokens) == 2 and tokens[1] == "t" and "'" in chunk:
            out += tokens
        elif len(tokens) == 1 and tokens[0] in _BARE_NEGATIONS:
            out += [tokens[0][:-1], "t"]
        else:
            out.append(chunk)
    return out


def _term(chunk: str, required: bool) -> Term | None:
    quoted = chunk.startswith('"')
    body = chunk.strip('"') if quoted else chunk
    prefix = not quoted and body.endswith("*")
    tokens = _tokens(body)
    if not tokens:
        return None
    if prefix and len(tokens[-1]) < MIN_PREFIX:
        prefix = False
    return Term(tuple(tokens), required, prefix, quoted and len(tokens) > 1)


def _chunks(text: str) -> list[str]:
    """The query cut into words and "quoted phrases", with the operators NOT and OR read
    (in capitals only: "not happy" is two words)."""
    chunks = _CHUNK.findall(text)
    out: list[str] = []
    negate = False
    for n, chunk in enumerate(chunks):
        last = n == len(chunks) - 1
        if chunk == "NOT" and not last:
            negate = True
            continue
        if chunk == "OR" and out and not last:
            continue
        out.append("-" + chunk if negate and not chunk.startswith(("-", "+")) else chunk)
        negate = False
    return out


def parse(text: str) -> ParsedQuery:
    """Read a query. Raises `BadInput` for an unbalanced quote or when there is nothing to
    look for."""
    text = text.translate(QUOTES).replace("\x00", " ")
    if not text.strip():
        raise BadInput("empty search", hint="try a word or two, like: tip search angry caller")
    if text.count('"') % 2:
        raise BadInput(f"unbalanced quote in '{shown(text)}'", hint='close the "quoted phrase"')
    terms: list[Term] = []
    seen: dict[tuple[tuple[str, ...], bool], int] = {}
    excluded: dict[tuple[tuple[str, ...], bool], Term] = {}
    for chunk in _negations(_chunks(text)):
        sign = chunk[0] if chunk[0] in "+-" and len(chunk) > 1 else ""
        term = _term(chunk[len(sign) :], required=sign == "+")
        if term is None:
            continue
        key = (term.tokens, term.prefix)
        if sign == "-":
            excluded.setdefault(key, term._replace(required=False))
        elif key in seen and not _glue(term):
            if term.required:
                terms[seen[key]] = terms[seen[key]]._replace(required=True)
        elif _room(len(terms), len(seen), key in seen):
            seen.setdefault(key, len(terms))
            terms.append(term)
    if not terms:
        if excluded:
            raise BadInput("a search needs at least one word to find, not only -excluded ones")
        raise BadInput(f"nothing to search for in '{shown(text)}'", hint="use letters or digits")
    return ParsedQuery(tuple(terms), tuple(excluded.values()))


def _room(words: int, different: int, again: bool) -> bool:
    """Whether a query with this many words, this many of them different, takes one more."""
    return words < MAX_WORDS and (again or different < MAX_TERMS)


def _glue(term: Term) -> bool:
    """A small word, kept each time it is typed: phrases need their own ("like I said I would")."""
    return term.is_word and not term.required and is_stop_word(term.tokens[0])
