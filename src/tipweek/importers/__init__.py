"""Importers: each input format is one module that turns text into tips, never raising.

An importer is a function `(text, source, *, categories=()) -> ImportResult`. `source` names the
input (a path) for messages; `categories` are extra categories the user asked every imported tip
to get (fortune cookies, which have none, get only these). Problems come back as
`(line, message)` pairs so that one bad entry never hides the good ones.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath

from tipweek.importers.base import Importer, ImportResult, add_categories

__all__ = ["FORMATS", "IMPORTERS", "ImportResult", "Importer", "add_categories", "detect"]


def _registry() -> tuple[dict[str, Importer], list[tuple[str, Callable[[str], bool]]], dict[str, str]]:
    from tipweek.importers import archive, feed, fortune, json_, markdown

    modules = (archive, markdown, json_, feed, fortune)  # the order content is sniffed in
    importers: dict[str, Importer] = {m.NAME: m.parse for m in modules}
    sniffers = [(m.NAME, m.sniff) for m in modules]
    suffixes = {suffix: m.NAME for m in modules for suffix in m.SUFFIXES}
    return importers, sniffers, suffixes


IMPORTERS, _SNIFFERS, _SUFFIXES = _registry()
#: Format names, for `--format` and messages.
FORMATS: tuple[str, ...] = tuple(IMPORTERS)


def detect(text: str, path: str = "") -> str:
    """The format of `text`, by content first and by file name second; "" when unknown."""
    for name, sniff in _SNIFFERS:
        if sniff(text):
            return name
    return _SUFFIXES.get(PurePath(path).suffix.lower(), "") if path else ""
