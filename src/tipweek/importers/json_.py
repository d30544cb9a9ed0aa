"""JSON as `tip list --json`, `tip show --json` and `tip export --format json` print it.

One object or a list of objects with the keys of `model.JSON_KEYS`. The `id` is kept as the
tip's slug, so exporting and importing back gives the same JSON. A summary that is only the one
derived from the body (what `--json` prints for tips without one) is not stored.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from tipweek.importers.base import ImportResult, add_categories
from tipweek.model import TipValueError, tip_from_dict
from tipweek.text import derive_summary, slugify

NAME = "json"
SUFFIXES: tuple[str, ...] = (".json",)
_WHITE = " \t\r\n"


def sniff(text: str) -> bool:
    """Starts with `{` or `[` and parses as JSON."""
    stripped = text.lstrip("\ufeff" + _WHITE)
    if not stripped.startswith(("{", "[")):
        return False
    try:
        json.loads(stripped)
    except (ValueError, RecursionError):
        return False
    return True


def _line(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _WHITE:
        index += 1
    return index


def _objects(text: str) -> Iterator[tuple[int, Any]]:
    """Each top-level value with its line: the one object, or each element of the list.

    Raises `json.JSONDecodeError` (with its position) for text that is not JSON.
    """
    decoder = json.JSONDecoder()
    index = _skip(text, 0)
    if not text.startswith("[", index):
        value, end = decoder.raw_decode(text, index)
        if text[_skip(text, end) :]:
            raise json.JSONDecodeError("extra data after the JSON value", text, _skip(text, end))
        yield _line(text, index), value
        return
    index = _skip(text, index + 1)
    if text.startswith("]", index):
        index += 1
    else:
        while True:
            value, end = decoder.raw_decode(text, index)
            yield _line(text, index), value
            index = _skip(text, end)
            if text.startswith(",", index):
                index = _skip(text, index + 1)
                continue
            if text.startswith("]", index):
                index += 1
                break
            raise json.JSONDecodeError("expected ',' or ']'", text, index)
    if text[_skip(text, index) :]:
        raise json.JSONDecodeError("extra data after the JSON list", text, _skip(text, index))


def to_tip_data(value: dict[str, Any]) -> dict[str, Any]:
    """A `--json` object as a tip file table: `id` becomes the file name, a derived summary is dropped."""
    data = {k: v for k, v in value.items() if k != "id"}
    summary, body = data.get("summary"), data.get("body")
    if (
        not data.get("excerpt")
        and isinstance(summary, str)
        and isinstance(body, str)
        and summary == derive_summary(body)
    ):
        del data["summary"]
    for key in ("date", "added"):
        if data.get(key) is None:
            data.pop(key, None)
    return data


def parse(text: str, source: str, *, categories: Sequence[str] = ()) -> ImportResult:
    """Read tips from JSON; each bad object is a problem, the good ones are still imported."""
    result = ImportResult()
    text = text.lstrip("\ufeff")  # strings are kept exactly; the terminal and HTML neutralise them
    try:
        values = list(_objects(text))  # all or nothing: after a syntax error nothing is trusted
    except json.JSONDecodeError as exc:
        result.problems.append((exc.lineno, f"invalid JSON: {exc.msg} (column {exc.colno})"))
        return result
    except RecursionError:
        result.problems.append((None, "invalid JSON: nested too deeply"))
        return result
    for number, (line, value) in enumerate(values, start=1):
        if not isinstance(value, dict):
            result.problems.append((line, f"item {number} is not a JSON object"))
            continue
        raw_id = value.get("id")
        title = value.get("title")
        if raw_id is not None and not isinstance(raw_id, str):
            result.problems.append((line, f"item {number}: 'id' must be a string"))
            continue
        try:
            tip = tip_from_dict(
                to_tip_data(value),
                path=source,
                id=slugify(raw_id or (title if isinstance(title, str) else "")),
            )
        except TipValueError as exc:
            result.problems.append((line, f"item {number}: {exc}"))
            continue
        result.tips.append(add_categories(tip, categories))
    return result
