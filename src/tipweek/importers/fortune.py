"""`fortune` files: cookies separated by lines that are only `%`.

Each cookie becomes an undated tip: its first line is the title, the rest the body (a one-line
cookie is its own body). A last line like `-- Someone` is the author. Cookies have no
categories, so they get the ones the user asked for, or "Imported".
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence

from tipweek.importers.base import PLACEHOLDER, ImportResult
from tipweek.model import TipValueError, tip_from_dict
from tipweek.text import slugify, unix_lines

NAME = "fortune"
SUFFIXES: tuple[str, ...] = (".fortune", ".fortunes")
DEFAULT_CATEGORIES = (PLACEHOLDER,)
SEPARATOR = re.compile(r"^%\s*$")
ATTRIBUTION = re.compile(r"^\s*(?:--|—|―)\s*(?P<who>\S.*?)\s*$")
MAX_TITLE = 120


def sniff(text: str) -> bool:
    """Some line is only `%`."""
    return any(SEPARATOR.match(line) for line in text.split("\n"))


def _title(line: str) -> str:
    line = " ".join(line.split())
    if len(line) <= MAX_TITLE:
        return line
    return line[: MAX_TITLE - 1].rsplit(" ", 1)[0] + "…"


def parse(text: str, source: str, *, categories: Sequence[str] = ()) -> ImportResult:
    """Read every cookie of a fortune file."""
    result = ImportResult()
    cookie: list[str] = []
    start = 1
    lines = unix_lines(text).split("\n")
    for number, line in enumerate([*lines, "%"], start=1):
        if not SEPARATOR.match(line):
            cookie.append(line.rstrip())
            continue
        body_lines = textwrap.dedent("\n".join(cookie)).strip("\n").split("\n")
        cookie, first_line = [], start
        start = number + 1
        if not any(part.strip() for part in body_lines):
            continue
        author = ""
        attribution = ATTRIBUTION.match(body_lines[-1]) if len(body_lines) > 1 else None
        if attribution:
            author = attribution.group("who")
            body_lines = body_lines[:-1]
        title = _title(body_lines[0])
        rest = textwrap.dedent("\n".join(body_lines[1:])).strip("\n")
        try:
            tip = tip_from_dict(
                {
                    "title": title,
                    "categories": list(categories or DEFAULT_CATEGORIES),
                    "body": rest or body_lines[0].strip(),
                    "author": author,
                },
                id=slugify(title),
                path=source,
            )
        except TipValueError as exc:
            result.problems.append((first_line, str(exc)))
            continue
        result.tips.append(tip)
    return result
