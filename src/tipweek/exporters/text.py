"""Plain text wrapped at 72 columns: the text/plain part of a mail, and `--format text`.

Lines never pass 72 columns unless one word (a long URL) is longer than the line; the
takeaway is boxed so it stands out in any mail reader, and lists keep hanging indents.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from tipweek.exporters._shared import WIDTH, meta
from tipweek.exporters.base import ExportFormat
from tipweek.model import Tip
from tipweek.text import clean, one_line

if TYPE_CHECKING:
    from tipweek.exporters.base import ExportOptions


def wrap(text: str, width: int, first: str = "", rest: str | None = None) -> list[str]:
    """`text` filled to `width` with prefixes; long words are left whole, never cut."""
    import textwrap

    lines = textwrap.wrap(
        text,
        width=max(width, len(first) + 8),
        initial_indent=first,
        subsequent_indent=first if rest is None else rest,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return lines or [first.rstrip()]


def _spans_text(spans: Sequence[Sequence[str]]) -> str:
    out = []
    for content, style in spans:
        piece = clean(content)
        if "b" in style and piece.strip():
            piece = f"*{piece}*"
        out.append(piece)
    return "".join(out)


def _paragraph(spans: Sequence[Sequence[str]], width: int) -> list[str]:
    # Hard line breaks survive; everything else is re-filled.
    lines: list[str] = []
    for part in _spans_text(spans).split("\n"):
        lines += wrap(" ".join(part.split()), width)
    return lines


def _prefixed(lines: list[str], first: str, rest: str) -> list[str]:
    return [(first if i == 0 else rest) + line if line else line for i, line in enumerate(lines)]


def _heading(block: Sequence[Any], width: int) -> list[str]:
    lines = _paragraph(block[2], width)
    return [*lines, ("=" if block[1] <= 1 else "-") * min(width, max(len(x) for x in lines))]


def _list(block: Sequence[Any], width: int) -> list[str]:
    """Items with hanging indents under their marks (`-` or `1.`)."""
    bullets = block[0] == "ul"
    items = block[1] if bullets else block[2]
    start = 1 if bullets else block[1]
    marks = ["-" if bullets else f"{n}." for n in range(start, start + len(items))]
    pad = max(len(m) for m in marks) + 1 if marks else 2
    lines: list[str] = []
    for mark, item in zip(marks, items, strict=True):
        inner = blocks_text(item, width - pad)
        # Tight lists read better without blank lines between items.
        if not any(b[0] in ("ul", "ol") for b in item) and len(item) == 1:
            inner = [x for x in inner if x]
        lines += _prefixed(inner, mark.ljust(pad), " " * pad)
    return lines


def _code(block: Sequence[Any], width: int) -> list[str]:
    lines: list[str] = []
    for raw in clean(block[1]).split("\n"):
        code = raw.rstrip()
        lines += wrap(code, width, "    ", "      ") if len(code) + 4 > width else [f"    {code}"]
    return lines


#: How each kind of block (see `mdblocks.parse`) becomes lines of a given width.
_BLOCKS: dict[str, Callable[[Sequence[Any], int], list[str]]] = {
    "p": lambda block, width: _paragraph(block[1], width),
    "h": _heading,
    "ul": _list,
    "ol": _list,
    "quote": lambda block, width: [f"> {x}" if x else ">" for x in blocks_text(block[1], width - 2)],
    "code": _code,
    "hr": lambda block, width: ["* * *".center(width).rstrip()],
}


def blocks_text(blocks: Sequence[Any], width: int = WIDTH) -> list[str]:
    """Lines for a parsed Markdown body (see `mdblocks.parse`), blank lines between blocks."""
    out: list[str] = []
    for block in blocks:
        layout = _BLOCKS.get(block[0])
        if layout is None:
            continue
        if out:
            out.append("")
        out += layout(block, width)
    return out


def takeaway_box(text: str, width: int = WIDTH) -> list[str]:
    """The takeaway in a box, so it stands apart from the story in a plain-text reader."""
    inner = width - 4
    lines = wrap(one_line(text), inner)
    edge = "+" + "-" * (width - 2) + "+"
    body = [f"| {'TAKEAWAY'.ljust(inner)} |"]
    body += [f"| {line.ljust(inner)} |" if len(line) <= inner else f"| {line}" for line in lines]
    return [edge, *body, edge]


def tip_lines(tip: Tip, width: int = WIDTH) -> list[str]:
    """One tip: title underlined, date and categories, body, takeaway box, tags and source."""
    from tipweek.mdblocks import parse

    title = wrap(one_line(tip.title), width)
    lines = [*title, "=" * min(width, max(len(x) for x in title))]
    if meta(tip):
        lines += wrap(meta(tip), width)
    lines.append("")
    if tip.excerpt:
        lines += wrap(one_line(tip.excerpt_text), width)
        lines += ["", "(Excerpt: only the start of this tip is known.)"]
    elif not tip.body.strip():
        lines += wrap(one_line(tip.blurb), width)
    else:
        lines += blocks_text(parse(tip.body), width)
    if tip.takeaway:
        lines += ["", *takeaway_box(tip.takeaway, width)]
    foot = []
    if tip.tags:
        foot += wrap(", ".join(one_line(t) for t in tip.tags), width, "Tags: ", "      ")
    if tip.source:
        foot += wrap(one_line(tip.source), width, "Source: ", "        ")
    if tip.publisher:
        foot += wrap(one_line(tip.publisher), width, "From: ", "      ")
    if tip.author:
        foot += wrap(one_line(tip.author), width, "By: ", "    ")
    if foot:
        lines += ["", *foot]
    return lines


def render(tips: Sequence[Tip], options: ExportOptions, width: int = WIDTH) -> str:
    heading = one_line(options.heading).upper()
    lines = [*wrap(heading, width), ""]
    for n, tip in enumerate(tips):
        if n:
            lines += ["", "-" * width, ""]
        lines += tip_lines(tip, width)
    return "\n".join(line.rstrip() for line in lines) + "\n"


def export(tips: Sequence[Tip], options: ExportOptions) -> str:
    return render(tips, options)


FORMAT = ExportFormat("text", ("txt",), "text/plain", export)
