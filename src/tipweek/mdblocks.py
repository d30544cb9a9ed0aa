"""Markdown to a small, JSON-friendly block tree that the terminal renderer draws.

Parsing uses markdown-it-py (raw HTML disabled). The tree is cached in the search index, so
showing a tip does not pay for importing a Markdown parser on every run.
"""

from __future__ import annotations

from typing import Any

Span = list[str]  # [text, style]: style is "" or letters b (bold), i (italic), c (code), u (link)
Block = list[Any]


def parse(markdown: str) -> list[Block]:
    """Blocks: ["p", spans], ["h", level, spans], ["ul", items], ["ol", start, items],
    ["quote", blocks], ["code", text], ["hr"]; an item is a list of blocks."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark", {"html": False, "linkify": False}).parse(markdown)
    blocks, _ = _blocks(tokens, 0, None)
    return blocks


def _blocks(tokens: list[Any], i: int, closing: str | None) -> tuple[list[Block], int]:
    out: list[Block] = []
    while i < len(tokens):
        tok = tokens[i]
        if closing and tok.type == closing:
            return out, i + 1
        if tok.type == "paragraph_open":
            out.append(["p", _spans(tokens[i + 1].children or [])])
            i += 3
        elif tok.type == "heading_open":
            out.append(["h", int(tok.tag[1:]), _spans(tokens[i + 1].children or [])])
            i += 3
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            end = tok.type.replace("_open", "_close")
            items: list[list[Block]] = []
            i += 1
            while tokens[i].type != end:
                item, i = _blocks(tokens, i + 1, "list_item_close")
                items.append(item)
            i += 1
            if end == "bullet_list_close":
                out.append(["ul", items])
            else:
                out.append(["ol", int(tok.attrs.get("start", 1) or 1), items])
        elif tok.type == "blockquote_open":
            inner, i = _blocks(tokens, i + 1, "blockquote_close")
            out.append(["quote", inner])
        elif tok.type in ("fence", "code_block", "html_block"):
            out.append(["code", tok.content.rstrip("\n")])
            i += 1
        elif tok.type == "hr":
            out.append(["hr"])
            i += 1
        else:
            i += 1
    return out, i


_OPENS = {"strong_open": "b", "em_open": "i", "link_open": "u"}
_CLOSES = {"strong_close", "em_close", "link_close"}


def _spans(children: list[Any]) -> list[Span]:
    spans: list[Span] = []
    style: list[str] = []
    href: list[str] = []
    for tok in children:
        kind = tok.type
        if kind in _OPENS:
            style.append(_OPENS[kind])
            if kind == "link_open":
                href.append(str(tok.attrs.get("href", "")))
        elif kind in _CLOSES and style:
            style.pop()
            if kind == "link_close" and href:
                url = href.pop()
                # A link shows its address after its text, unless the text is the address.
                if url and not (spans and spans[-1][0] == url):
                    spans.append([f" ({url})", ""])
        else:
            span = _leaf(tok, "".join(style))
            if span is not None:
                spans.append(span)
    return spans


def _leaf(tok: Any, style: str) -> Span | None:
    """The span for a token that holds text, in the current style; None for any other."""
    kind = tok.type
    if kind in ("text", "html_inline"):
        return [tok.content, style]
    if kind == "code_inline":
        return [tok.content, style + "c"]
    if kind in ("softbreak", "hardbreak"):
        return [" " if kind == "softbreak" else "\n", ""]
    if kind == "image":
        return [f"[{tok.content or 'image'}]", ""]
    return None
