"""A tip's Markdown body in each chat platform's own formatting, one string per paragraph.

Every platform formats differently (Slack's mrkdwn, Discord's and Mattermost's Markdown, the
small HTML subset of Google Chat cards, the Markdown subset of Adaptive Cards), so the body is
parsed once with markdown-it and written out through a `Dialect`. Paragraph-sized blocks let a
long tip be cut cleanly between paragraphs (`fit`), never inside a link or a bold run. Tip text
is escaped for each platform, and only http(s) and mailto links survive, as in the HTML export.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from tipweek.text import clean

SAFE_SCHEMES = ("http:", "https:", "mailto:")


def _same(text: str) -> str:
    return text


@dataclass(frozen=True)
class Dialect:
    """How one platform writes formatting; `escape` makes tip text literal there."""

    escape: Callable[[str], str] = _same
    strong: str = "**{}**"
    em: str = "_{}_"
    code: str = "`{}`"
    link: str = "[{text}]({url})"
    url: Callable[[str], str] = _same
    heading: str = "**{}**"
    newline: str = "\n"
    quote: str = "> "
    rule: str = "———"
    pre: str = "```\n{}\n```"
    bullets: tuple[str, ...] = field(default=("•", "◦", "▪"))


PLAIN = Dialect(strong="{}", em="{}", code="{}", link="{text} ({url})", heading="{}", pre="{}")


class Block(NamedTuple):
    text: str  # in the dialect
    plain: str  # the same block as plain text (for cutting a paragraph that alone is too long)


def _leaf(token: Any, d: Dialect) -> str | None:
    """A token that holds text, in the dialect; None for any other."""
    kind = token.type
    if kind == "text":
        return d.escape(token.content)
    if kind == "softbreak":
        return " "
    if kind == "hardbreak":
        return d.newline
    if kind == "code_inline":
        return d.code.format(d.escape(token.content))
    if kind == "image":
        return d.escape(f"[{token.content or 'image'}]")
    return None


def _closed(opened: str, href: str, inner: str, d: Dialect) -> str:
    """Emphasis or a link around its text, once it is closed; empty ones stay plain text, and
    only safe link schemes become links."""
    if not inner.strip():
        return inner
    if opened == "strong_open":
        return d.strong.format(inner)
    if opened == "em_open":
        return d.em.format(inner)
    if href.strip().lower().startswith(SAFE_SCHEMES):
        return d.link.format(text=inner, url=d.url(href.strip()))
    return inner


def _inline(children: Sequence[Any], d: Dialect) -> str:
    """Inline tokens (text, emphasis, code, links, images) in the dialect."""
    stack: list[tuple[str, str, list[str]]] = [("", "", [])]
    for token in children:
        kind = token.type
        if kind in ("strong_open", "em_open", "link_open"):
            stack.append((kind, str(token.attrGet("href") or ""), []))
        elif kind in ("strong_close", "em_close", "link_close") and len(stack) > 1:
            opened, href, parts = stack.pop()
            stack[-1][2].append(_closed(opened, href, "".join(parts), d))
        else:
            text = _leaf(token, d)
            if text is not None:
                stack[-1][2].append(text)
    while len(stack) > 1:  # unbalanced input: keep the text
        _, _, parts = stack.pop()
        stack[-1][2].extend(parts)
    return "".join(stack[0][2])


class _Writer:
    """Walks markdown-it's block tokens and collects one `Block` per top-level element."""

    def __init__(self, d: Dialect) -> None:
        self.d = d
        self.lines: list[str] = []
        self.lists: list[list[Any]] = []  # [ordered?, next number]
        self.marker = ""
        self.quotes = 0
        self.blocks: list[str] = []

    def prefix(self) -> str:
        indent = "   " * max(len(self.lists) - 1, 0)
        marker, self.marker = self.marker, ""
        if self.lists and not marker:
            marker = "   "
        return self.d.quote * self.quotes + indent + marker

    def add(self, text: str) -> None:
        self.lines.append(self.prefix() + text)

    def flush(self) -> None:
        if self.lines:
            self.blocks.append(self.d.newline.join(self.lines))
            self.lines = []

    def token(self, token: Any, heading: bool) -> None:
        d, kind = self.d, token.type
        if kind == "inline":
            text = _inline(token.children or [], d)
            self.add(d.heading.format(text) if heading else text)
        elif kind.endswith("_list_open") or kind.endswith("_list_close") or kind == "list_item_open":
            self.list_token(token)
        elif kind in ("blockquote_open", "blockquote_close"):
            self.quotes += 1 if kind == "blockquote_open" else -1
        elif kind in ("fence", "code_block"):
            self.add(d.pre.format(d.escape(token.content.rstrip("\n"))))
        elif kind == "hr":
            self.add(d.rule)
        if token.level == 0 and token.nesting <= 0 and kind != "inline":
            self.flush()

    def list_token(self, token: Any) -> None:
        """Lists nest; each item's marker is its number or the bullet of its depth."""
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            self.lists.append([kind == "ordered_list_open", int(token.attrGet("start") or 1)])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
        elif kind == "list_item_open":
            ordered, number = self.lists[-1]
            bullet = self.d.bullets[(len(self.lists) - 1) % len(self.d.bullets)]
            self.marker = f"{number}. " if ordered else bullet + " "
            self.lists[-1][1] = number + 1


def _render(markdown: str, d: Dialect) -> list[str]:
    from markdown_it import MarkdownIt

    writer = _Writer(d)
    heading = False
    for token in MarkdownIt("commonmark", {"html": False}).parse(clean(markdown)):
        if token.type == "heading_open":
            heading = True
        elif token.type == "heading_close":
            heading = False
        writer.token(token, heading)
    writer.flush()
    return [b for b in writer.blocks if b.strip()]


def blocks(markdown: str, dialect: Dialect) -> list[Block]:
    """The body as paragraph-sized blocks in `dialect` (and as plain text)."""
    formatted = _render(markdown, dialect)
    plain = _render(markdown, PLAIN)
    if len(plain) != len(formatted):  # cannot happen with one parser; keep the formatting then
        plain = formatted
    return [Block(text, text_plain) for text, text_plain in zip(formatted, plain, strict=True)]


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters at a sentence or word end, with an ellipsis."""
    if len(text) <= limit:
        return text
    room = text[: max(limit - 1, 0)]
    for end in (". ", "! ", "? "):
        cut = room.rfind(end)
        if cut > limit // 2:
            return room[: cut + 1] + " …"[: limit - cut - 1]
    return room.rsplit(" ", 1)[0].rstrip(" ,;:") + "…" if " " in room else room + "…"


def fit(
    parts: Sequence[Block], limit: int, joiner: str, escape: Callable[[str], str]
) -> tuple[list[str], bool]:
    """The most whole blocks that fit in `limit` characters, and whether any were left out.

    If even the first block is too long, it is cut at a sentence as plain (escaped) text.
    """
    kept: list[str] = []
    used = 0
    for part in parts:
        extra = len(part.text) + (len(joiner) if kept else 0)
        if used + extra > limit:
            if not kept:
                kept.append(escape(shorten(part.plain, max(limit - 8, 20))))
            return kept, True
        kept.append(part.text)
        used += extra
    return kept, False
