"""From what someone typed to what the index looks for: a list of concepts.

A concept is one thing the query is about ("angry", "money back", "waiting room"): the words as
typed (with their other forms), and the thesaurus' other words for it, which count for less.
Stop words are dropped, unknown words are corrected to the library's own words, and every
concept is optional unless it was typed with + (or the search asks for --all).
Each part of a concept is an FTS5 expression built only from quoted tokens, so nothing typed
reaches FTS5 as syntax.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple, Protocol

from tipweek.understand import english, spelling
from tipweek.understand.irregular import verb_forms
from tipweek.understand.language import ParsedQuery, Term
from tipweek.understand.stemming import stem, stems
from tipweek.understand.stopwords import is_stop_word
from tipweek.understand.thesaurus import Entry, content_positions

if TYPE_CHECKING:
    from tipweek.understand.thesaurus import Thesaurus

#: Words are also looked for by the start of their stem when the stem is this long: the
#: index's Porter stemmer keeps some forms apart (apologize / apology → apolog*).
MIN_STEM = 5
NEAR = 3  # a phrase from the thesaurus may have this many other words between its words
_SUFFIXES = (
    "izations", "ization", "ational", "fulness", "iveness", "ations", "ation", "izing", "ising",
    "ized", "ised", "izes", "ises", "ize", "ise", "ying", "ing", "edly", "ied", "ies", "ed", "ly",
    "es", "y", "s",
)  # fmt: skip


class Vocabulary(Protocol):
    """What planning needs to know about the library's words."""

    def has(self, expression: str) -> bool:
        """Whether any tip matches this FTS5 expression."""
        ...

    def near(self, word: str) -> Mapping[str, int]:
        """Words of the library that may be `word` mistyped, with how many tips use each."""
        ...


class Concept(NamedTuple):
    label: str  # the words as typed (or as corrected)
    typed: str  # FTS5 expression: the typed words and their forms
    synonyms: tuple[str, ...] = ()  # FTS5 expressions: the thesaurus' other words for it, one each
    required: bool = False


class Plan(NamedTuple):
    concepts: tuple[Concept, ...]
    excluded: str  # FTS5 expression of what results must not contain ("" when nothing)
    corrections: tuple[tuple[str, str], ...]  # (typed, used instead)
    unknown: tuple[str, ...]  # typed words the library does not have (for "did you mean")
    searched: str  # the query as searched, with corrections: `showing results for "..."`

    def everything(self) -> str:
        """One expression matching any concept: for highlighting."""
        return _either([p for c in self.concepts for p in (c.typed, *c.synonyms)])


def stem_prefix(word: str) -> str | None:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            return word[: -len(suffix)]
    return None


def quote(tokens: Sequence[str]) -> str:
    return '"' + " ".join(tokens) + '"'


def word_expression(word: str) -> str:
    """A word and its other forms. The index holds Porter stems, which the start of a long word
    covers (apologize, apology → apolog*); the word itself is not added beside its prefix, or a
    tip using it would count twice. Unless the prefix is longer than the index's own stem of
    the word ("stopp" for "stopped", stem "stop"; "annoy" for "annoying", stem "annoi"): then
    the prefix alone would miss the word's own forms, and the word as typed is added. An
    irregular verb's other forms are the same word ("forgot" is also "forget")."""
    forms = verb_forms(word)
    if forms:
        return _either([_forms_of(form) for form in forms])
    return _forms_of(word)


def _forms_of(word: str) -> str:
    prefix = stem_prefix(word)
    if not prefix:
        return quote([word])
    return f'"{prefix}" *' if stem(word).startswith(prefix) else f'"{prefix}" * OR {quote([word])}'


def term_expression(term: Term) -> str:
    """A typed term: a word (with its forms), a phrase, or a prefix."""
    if term.prefix:
        head = f"{quote(term.tokens[:-1])} + " if len(term.tokens) > 1 else ""
        return f'{head}"{term.tokens[-1]}" *'
    if len(term.tokens) > 1:
        return quote(term.tokens)
    return word_expression(term.tokens[0])


def entry_expression(entry: Entry) -> str:
    """Several words as one concept: their content words near each other ("raised his voice"
    finds "raising their voice"), or the exact phrase when it has one content word at most
    ("in a state" must not find every "state")."""
    if len(entry) == 1:
        return word_expression(entry[0])
    kept = [entry[i] for i in content_positions(entry) if not is_stop_word(entry[i])]
    if len(kept) < 2:
        return quote(entry)
    return f"NEAR({' '.join(quote([t]) for t in kept)}, {NEAR})"


def _either(expressions: Sequence[str]) -> str:
    unique = list(dict.fromkeys(e for e in expressions if e))
    return " OR ".join(f"({e})" if " OR " in e else e for e in unique)


def _correct(
    term: Term, vocabulary: Vocabulary, thesaurus: Thesaurus | None, stem: str
) -> tuple[Term, tuple[str, str] | None, bool]:
    """The term, corrected when the library lacks it and its synonyms: (term, correction,
    whether the library knows the word or its synonyms)."""
    word = term.tokens[0]
    if vocabulary.has(word_expression(word)):
        return term, None, True
    related = thesaurus.related(stem) if thesaurus else []
    if related and vocabulary.has(_either([entry_expression(e) for e in related])):
        return term, None, True  # a real word, found through its synonyms: not a typo
    fixed = (
        spelling.best(word, _candidates(word, vocabulary, thesaurus), english.likely_typo)
        if spelling.max_edits(word)
        else None
    )
    if fixed:
        return term._replace(tokens=(fixed,)), (word, fixed), True
    return term, None, False


def _candidates(word: str, vocabulary: Vocabulary, thesaurus: Thesaurus | None) -> dict[str, int]:
    """Corrections to consider: the library's words near `word` (with how many tips use each),
    and the thesaurus' words near it whose synonyms the library has (counted as used by none)."""
    found = dict(vocabulary.near(word))
    if thesaurus:
        close = [
            w
            for w in thesaurus.words
            if w not in found and abs(len(w) - len(word)) <= 2 and w[:1] == word[:1]
        ]
        close += [w for w in spelling.one_edit(word) & thesaurus.words if w not in close and w not in found]
        for candidate in close:
            if spelling.acceptable(word, candidate) and _known(candidate, vocabulary, thesaurus):
                found[candidate] = 0
    return found


def _known(word: str, vocabulary: Vocabulary, thesaurus: Thesaurus) -> bool:
    related = thesaurus.related(stems([word])[0])
    return bool(related) and vocabulary.has(_either([entry_expression(e) for e in related]))


def plan(
    query: ParsedQuery, vocabulary: Vocabulary, thesaurus: Thesaurus | None, *, every: bool = False
) -> Plan:
    """The concepts of a parsed query (see the module's docstring)."""
    terms = list(query.terms)
    plain = [n for n, t in enumerate(terms) if t.is_word]
    wanted, stop_only = _wanted(terms, plain)
    word_stems = dict(zip(plain, stems([terms[n].tokens[0] for n in plain]), strict=True))
    typed = [] if stop_only else [n for n in sorted(wanted) if not terms[n].required]
    corrections, unknown = _correct_all(terms, typed, word_stems, vocabulary, thesaurus)
    found = _entries(terms, plain, word_stems, thesaurus) if thesaurus and not stop_only else {}
    left_out = {term_expression(t) for t in query.excluded}
    concepts = [c for c in _concepts(terms, wanted, found, every) if c.typed not in left_out]
    excluded = _either([term_expression(t) for t in query.excluded])
    return Plan(
        tuple(concepts), excluded, tuple(corrections), tuple(unknown), " ".join(t.text for t in terms)
    )


def _wanted(terms: list[Term], plain: list[int]) -> tuple[set[int], bool]:
    """The plain words that count (stop words do not, unless required or all there is), and
    whether the query is stop words only."""
    stop_only = all(
        n in plain and is_stop_word(terms[n].tokens[0]) and not terms[n].required for n in range(len(terms))
    )
    wanted = {n for n in plain if stop_only or terms[n].required or not is_stop_word(terms[n].tokens[0])}
    return wanted, stop_only


def _correct_all(
    terms: list[Term],
    positions: list[int],
    word_stems: dict[int, str],
    vocabulary: Vocabulary,
    thesaurus: Thesaurus | None,
) -> tuple[list[tuple[str, str]], list[str]]:
    """Correct the typos among the words at `positions` (in place, in `terms` and
    `word_stems`); returns the corrections made and the words neither known nor corrected."""
    corrections: list[tuple[str, str]] = []
    unknown: list[str] = []
    for n in positions:
        terms[n], fixed, known = _correct(terms[n], vocabulary, thesaurus, word_stems[n])
        if fixed:
            corrections.append(fixed)
            word_stems[n] = stems([fixed[1]])[0]
        elif not known:
            unknown.append(terms[n].tokens[0])
    return corrections, unknown


Found = dict[int, tuple[tuple[int, ...], tuple[Entry, ...]]]  # first term -> (its terms, related entries)


def _entries(terms: list[Term], plain: list[int], word_stems: dict[int, str], thesaurus: Thesaurus) -> Found:
    """Thesaurus entries named by runs of consecutive plain words, longest first; an entry's
    terms need not be consecutive ("ring a customer back")."""
    found: Found = {}
    run: list[int] = []
    for n in [*plain, -1]:
        if run and n != run[-1] + 1:
            tokens = [terms[k].tokens[0] for k in run]
            for match in thesaurus.find(tokens, [word_stems[k] for k in run]):
                found[run[match.start]] = (tuple(run[i] for i in match.positions()), match.related)
            run = []
        run.append(n)
    return found


def _concepts(terms: list[Term], wanted: set[int], found: Found, every: bool) -> list[Concept]:
    """Concepts in typed order: thesaurus entries, other wanted words alone, phrases and
    prefixes as typed."""
    concepts: list[Concept] = []
    taken: set[int] = set()
    for n, term in enumerate(terms):
        if n in taken:
            continue
        if n in found:
            positions, related = found[n]
            taken.update(positions)
            concepts.append(_entry_concept(terms, positions, related, every))
        elif n in wanted or not term.is_word:
            concepts.append(Concept(term.text, term_expression(term), (), term.required or every))
    return _once(concepts)


def _entry_concept(
    terms: list[Term], positions: tuple[int, ...], related: tuple[Entry, ...], every: bool
) -> Concept:
    """The concept of a thesaurus entry named by the terms at `positions`."""
    tokens = tuple(terms[k].tokens[0] for k in positions)
    typed = word_expression(tokens[0]) if len(tokens) == 1 else entry_expression(tokens)
    # The phrase's own words count too, as synonyms do: "card declined" still finds a tip that
    # says only "declined". Not one word alone: "turning (someone) down" is not "turning", nor
    # "locking up" a locked account.
    words = [word_expression(t) for t in tokens if len(tokens) > 1 and not is_stop_word(t)]
    words = words if len(words) > 1 else []
    synonyms = tuple(dict.fromkeys([*(entry_expression(e) for e in related), *words]))
    required = every or any(terms[k].required for k in positions)
    return Concept(" ".join(tokens), typed, synonyms, required)


def _once(concepts: list[Concept]) -> list[Concept]:
    """Each concept once, where first typed: a small word typed twice ("like I said I would")
    is kept twice only for the phrases it belongs to."""
    out: dict[str, Concept] = {}
    for c in concepts:
        first = out.setdefault(c.typed, c)
        if c.required and not first.required:
            out[c.typed] = first._replace(required=True)
    return list(out.values())
