"""Sentences in imported text: where they end, so that summaries are made of whole ones.

Imported posts give a summary in two ways: a teaser is the start of a post cut anywhere (even
mid-word), and a full post's summary is its opening. Both should read as whole sentences. A
sentence ends at `.`, `!`, `?` or an ellipsis (with any closing quotes or brackets), followed
by white space and a word that can start a sentence (a capital, a digit or an opening quote);
a full stop after a common abbreviation or an initial ("Mr.", "e.g.", "J.") ends none.
"""

from __future__ import annotations

import re

#: Words after which a full stop does not end a sentence (compared without case).
ABBREVIATIONS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "mx",
        "dr",
        "prof",
        "sr",
        "jr",
        "st",
        "mt",
        "ft",
        "vs",
        "v",
        "e.g",
        "i.e",
        "eg",
        "ie",
        "cf",
        "approx",
        "dept",
        "inc",
        "ltd",
        "co",
        "corp",
        "llc",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "a.m",
        "p.m",
        "u.s",
        "u.k",
        "fig",
        "vol",
        "rev",
        "ave",
        "blvd",
    }
)
_END = re.compile(r"(?:[.!?]+|…|\.\.\.)[\"”’'»)\]]*(?=\s)")
_STARTS = re.compile(r"[\"“‘'«(\[]*[A-Z0-9À-ÖØ-Þ]")
_WORD_BEFORE = re.compile(r"([\w.]+)\.$")
DANGLING = frozenset(
    {"a", "an", "and", "as", "at", "but", "by", "for", "in", "of", "on", "or", "the", "to", "with"}
)
HOOK_CHARS = 70  # a first sentence shorter than this is a hook: the summary takes the next one too
HOOK_WORDS = 8


def _is_abbreviation(text: str, end: int) -> bool:
    """Whether the full stop just before `end` belongs to an abbreviation or an initial."""
    match = _WORD_BEFORE.search(text[:end].rstrip("\"”’'»)]"))
    if not match:
        return False
    word = match.group(1)
    if len(word) == 1 and word.isalpha() and word.isupper():
        return True  # an initial: "John F. Kennedy"
    return word.lower().rstrip(".") in ABBREVIATIONS or word.lower() in ABBREVIATIONS


def boundaries(text: str) -> list[int]:
    """The offsets just after each sentence end inside `text` (and its end, when the text
    itself ends a sentence)."""
    found = []
    for match in _END.finditer(text):
        end = match.end()
        rest = text[end:].lstrip()
        if not rest or not _STARTS.match(rest):
            continue
        if (
            match.group().startswith(".")
            and match.group().rstrip("\"”’'»)]") == "."
            and _is_abbreviation(text, match.start() + 1)
        ):
            continue
        found.append(end)
    stripped = text.rstrip()
    if ends_sentence(stripped):
        found.append(len(stripped))
    return found


def ends_sentence(text: str) -> bool:
    """Whether `text` ends with a sentence's end (not an abbreviation)."""
    match = re.search(r"(?:[.!?]+|…)[\"”’'»)\]]*$", text)
    if not match:
        return False
    bare = match.group().rstrip("\"”’'»)]")
    return bare != "." or not _is_abbreviation(text, match.start() + 1)


def split(text: str) -> list[str]:
    """The whole sentences of `text`, and whatever follows the last one (an unfinished
    sentence) as its last item when there is any."""
    parts, start = [], 0
    for end in boundaries(text):
        parts.append(text[start:end].strip())
        start = end
    tail = text[start:].strip()
    return [p for p in parts if p] + ([tail] if tail else [])


def cut_teaser(text: str) -> tuple[str, str]:
    """A teaser (the start of a post, cut anywhere) as a summary that ends with a whole
    sentence and "…", or at a whole word and "…" when it has no whole sentence; and how it
    was cut, in words. The last word of a teaser may be a fragment (blogs cut at a number of
    characters, "Read more" or not), so it is never kept."""
    text = " ".join(text.split())
    ends = boundaries(text)
    if ends:
        kept = text[: ends[-1]].rstrip()
        if kept == text:
            return f"{kept} …", "the whole teaser, which ends with a sentence"
        dots = "" if kept.endswith(("…", "...")) else " …"
        return kept + dots, "the teaser up to its last whole sentence, then …"
    words = text.split(" ")
    if len(words) > 1:
        words = words[:-1]
    while len(words) > 1 and words[-1].lower() in DANGLING:
        words = words[:-1]  # "…the man with the…" reads worse than "…the man…"
    kept = " ".join(words).rstrip(',;:–—-("“‘ ')
    return (
        f"{kept}…" if kept else ""
    ), "the teaser up to its last whole word (it has no whole sentence), then …"


def opening(paragraphs: list[str], limit: int = 400) -> tuple[str, str]:
    """A summary from the first prose paragraphs: the first sentence, and the second too when
    the first is only a hook (short, or a question); and how it was chosen, in words."""
    sentences: list[str] = []
    for paragraph in paragraphs:
        if re.match(r"\s*(?:[-*+•]|\d+[.)])\s", paragraph):
            continue  # a list: not where a summary comes from
        whole = [s for s in split(" ".join(paragraph.split())) if ends_sentence(s)]
        sentences += whole
        if len(sentences) >= 2:
            break
    if not sentences:
        return "", "none: the post has no whole sentence to take"
    first = sentences[0]
    hook = (
        len(first) < HOOK_CHARS or len(first.split()) < HOOK_WORDS or first.rstrip("\"”’'»)]").endswith("?")
    )
    if hook and len(sentences) > 1 and len(first) + len(sentences[1]) < limit:
        return f"{first} {sentences[1]}", "the first two sentences (the first alone is a short hook)"
    return first, "the first sentence"
