"""Markdown files with TOML front matter: the library's file keys between `+++` lines, the body below.

This is the shape `tip export --format markdown` writes, so an export can be edited in any
Markdown editor and imported back. One file may hold several tips, one after another. An `id`
key in the front matter is kept as the tip's id; otherwise the id is the title's slug.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from typing import Any

from tipweek.importers.base import ImportResult, add_categories
from tipweek.model import TipValueError, tip_from_dict
from tipweek.text import slugify, unix_lines

NAME = "markdown"
SUFFIXES: tuple[str, ...] = (".md", ".markdown")
FENCE = "+++"


def sniff(text: str) -> bool:
    """Front matter starts the file: its first line is `+++`."""
    return text.lstrip("\ufeff").split("\n", 1)[0].strip() == FENCE


def _documents(
    lines: list[str],
) -> tuple[list[tuple[int, list[str], list[str]]], list[tuple[int | None, str]]]:
    """Split into (line of the opening fence, front matter lines, body lines) per tip."""
    docs: list[tuple[int, list[str], list[str]]] = []
    problems: list[tuple[int | None, str]] = []
    fences = [i for i, line in enumerate(lines) if line.strip() == FENCE]
    if not fences or any(line.strip() for line in lines[: fences[0]]):
        problems.append((1, f"no front matter: a tip file starts with a '{FENCE}' line"))
        return docs, problems
    i = 0
    while i < len(fences):
        if i + 1 >= len(fences):
            problems.append((fences[i] + 1, f"front matter is not closed with a '{FENCE}' line"))
            break
        start, end = fences[i], fences[i + 1]
        following = fences[i + 2] if i + 2 < len(fences) else len(lines)
        docs.append((start + 1, lines[start + 1 : end], lines[end + 1 : following]))
        i += 2
    return docs, problems


def _line_of(front: list[str], key: str) -> int | None:
    for number, line in enumerate(front):
        if re.match(rf"\s*\"?{re.escape(key)}\"?\s*=", line):
            return number + 1
    return None


def parse(text: str, source: str, *, categories: Sequence[str] = ()) -> ImportResult:
    """Read every `+++`-fenced tip in a Markdown file."""
    result = ImportResult()
    docs, result.problems = _documents(unix_lines(text).split("\n"))
    for fence_line, front, body in docs:
        try:
            data: dict[str, Any] = tomllib.loads("\n".join(front) + "\n")
        except tomllib.TOMLDecodeError as exc:
            match = re.search(r"\(at line (\d+), column \d+\)", str(exc))
            line = fence_line + int(match.group(1)) if match else fence_line
            result.problems.append((line, f"invalid TOML front matter: {str(exc).split(' (at line')[0]}"))
            continue
        except RecursionError:
            result.problems.append((fence_line, "invalid TOML front matter: nested too deeply"))
            continue
        text_below = "\n".join(body).strip("\n")
        if "body" in data and text_below.strip():
            result.problems.append(
                (
                    _line_of(front, "body") or fence_line,
                    "the body is given twice: in the front matter and below it",
                )
            )
            continue
        if text_below.strip():
            data["body"] = text_below
        raw_id = data.get("id")
        try:
            if raw_id is not None and not isinstance(raw_id, str):
                raise TipValueError("id", "'id' must be a string")
            title = data.get("title")
            tip = tip_from_dict(
                data, id=slugify(raw_id or (title if isinstance(title, str) else "")), path=source
            )
        except TipValueError as exc:
            key_line = _line_of(front, exc.key)
            result.problems.append((fence_line + key_line if key_line else fence_line, str(exc)))
            continue
        result.tips.append(add_categories(tip, categories))
    return result
