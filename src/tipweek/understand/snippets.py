"""Search snippets people can read: plain sentences from the tip's Markdown, around the words
that matched.

The index marks the matched words (two private-use characters, `start` and `end`, that tip
text never contains); this module turns the marked Markdown into plain text and picks the
sentences with the most different matched words, cut at sentence or word boundaries.
"""

from __future__ import annotations

import re

ELLIPSIS = "…"
WIDTH = 180  # characters of snippet text, about two lines of a terminal

_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")  # [text](url) and ![alt](src)
_AUTOLINK = re.compile(r"<(https?://[^>\s]+|[^>\s@]+@[^>\s]+)>")
_HTML = re.compile(r"</?[A-Za-z][^>\n]*>")
_EMPHASIS = re.compile(r"(?<![\w\\])(\*{1,3}|_{1,3}|~~)(?=\S)|(?<=\S)(\*{1,3}|_{1,3}|~~)(?![\w])")
_CODE = re.compile(r"`+")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])")
_LINE_START = re.compile(r"^\s{0,3}(?:>\s?)*(?:#{1,6}\s+|[-+*•]\s+|\d{1,9}[.)]\s+)?")
_RULE = re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_BLOCK = re.compile(r"\n[ \t]*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"')\]]*\s+")


def _inline(text: str) -> str:
    text = _LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _HTML.sub("", text)
    text = _CODE.sub("", text)
    text = _EMPHASIS.sub("", text)
    return _ESCAPE.sub(r"\1", text)


def sentences(markdown: str) -> list[str]:
    """The text of a Markdown body as plain sentences: no emphasis marks, list bullets, heading
    marks, link targets or HTML tags. Each list item and heading is at least one sentence."""
    blocks: list[str] = []
    current: list[str] = []
    for line in markdown.splitlines():
        if _FENCE.match(line) or _RULE.match(line) or not line.strip():
            blocks.append(" ".join(current))
            current = []
            continue
        start = _LINE_START.match(line)
        content = line[start.end() :] if start else line
        if start and start.group(0).strip() and current:  # a new list item or heading
            blocks.append(" ".join(current))
            current = []
        current.append(_inline(content).strip().rstrip("|").strip())
    blocks.append(" ".join(current))
    out: list[str] = []
    for block in blocks:
        out += [s for s in _SENTENCE_END.split(" ".join(block.split())) if s.strip()]
    return out


def _hits(sentence: str, start: str, end: str) -> set[str]:
    return {m.casefold() for m in re.findall(f"{re.escape(start)}(.*?){re.escape(end)}", sentence)}


def _cut(sentence: str, start: str, width: int) -> str:
    """A long sentence cut at word boundaries so that its first marked word shows."""
    if len(sentence) <= width:
        return sentence
    first = max(sentence.find(start), 0)
    begin = max(0, min(first - width // 3, len(sentence) - width))
    if begin:
        space = sentence.find(" ", begin)
        begin = space + 1 if 0 <= space < first else begin
    stop = begin + width
    if stop < len(sentence):
        space = sentence.rfind(" ", begin, stop)
        stop = space if space > first else stop
    piece = sentence[begin:stop].strip()
    return (ELLIPSIS if begin else "") + piece + (ELLIPSIS if stop < len(sentence) else "")


def _window(parts: list[str], best: int, start: str, width: int) -> str:
    """Sentence `best` with the sentences after it (or before it) while they fit in `width`."""
    first = last = best
    size = len(parts[best])
    while True:
        if last + 1 < len(parts) and size + 1 + len(parts[last + 1]) <= width:
            last += 1
            size += 1 + len(parts[last])
        elif first > 0 and size + 1 + len(parts[first - 1]) <= width:
            first -= 1
            size += 1 + len(parts[first])
        else:
            break
    text = _cut(" ".join(parts[first : last + 1]), start, width)
    if first and not text.startswith(ELLIPSIS):
        text = ELLIPSIS + text
    if last < len(parts) - 1 and not text.endswith(ELLIPSIS):
        text += " " + ELLIPSIS
    return text


def _best(parts: list[str], start: str, end: str) -> tuple[tuple[int, int], int]:
    """((different marked words, marked words), index) of the best sentence, earliest on a tie."""
    scored = [(len(_hits(s, start, end)), s.count(start)) for s in parts]
    best = max(range(len(parts)), key=lambda i: (scored[i], -i))
    return scored[best], best


def best_passage(parts: list[str], start: str, end: str, width: int = WIDTH) -> str:
    """The sentence with the most different marked words (the earliest on a tie), with its
    neighbours while they fit in `width`; "" when nothing is marked."""
    if not parts:
        return ""
    score, best = _best(parts, start, end)
    return _balance(_window(parts, best, start, width), start, end) if score[0] else ""


def _balance(text: str, start: str, end: str) -> str:
    """Drop a marker whose partner was cut off."""
    out: list[str] = []
    open_ = False
    for ch in text:
        if ch == start:
            if open_:
                continue
            open_ = True
        elif ch == end:
            if not open_:
                continue
            open_ = False
        out.append(ch)
    if open_:
        out.append(end)
    return "".join(out)


def snippet(fields: list[str], start: str, end: str, width: int = WIDTH) -> str:
    """The best passage of the first field (body, summary, takeaway, in the caller's order)
    with a marked word; else the beginning of the first field that has text."""
    for field in fields:
        if start in field:
            passage = _marked_passage(field, start, end, width)
            if passage is not None:
                return passage
    for field in fields:
        block = next((b for b in _BLOCK.split(field.replace(start, "").replace(end, "")) if b.strip()), "")
        parts = sentences(block)
        if parts:
            return _window(parts, 0, start, width)
    return ""


def _marked_passage(field: str, start: str, end: str, width: int) -> str | None:
    """The best-scoring window of the field's paragraphs with a marked word, with an ellipsis
    where paragraphs were left out; None when no marked sentence scores."""
    # Only the paragraphs (or lists) with a marked word are read into sentences: a search
    # shows ten snippets, and most of each body is not needed.
    split = [b for b in _BLOCK.split(field) if b.strip()]
    blocks = {n: sentences(b) for n, b in enumerate(split) if start in b}
    scored = [(_best(parts, start, end), n) for n, parts in blocks.items() if parts]
    if not scored:
        return None
    ((score, best), n) = max(scored, key=lambda s: (s[0][0], -s[1]))
    if not score[0]:
        return None
    text = _window(blocks[n], best, start, width)
    if n and not text.startswith(ELLIPSIS):
        text = ELLIPSIS + text
    if n < len(split) - 1 and not text.endswith(ELLIPSIS):
        text += " " + ELLIPSIS
    return _balance(text, start, end)
