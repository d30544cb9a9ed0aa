"""A tip as plain text and as JSON, without Rich: the one-line form, the JSON object every
`--json` prints, and JSON text itself.

Lean on purpose (nothing but `text` and the C half of the standard `json` package): the fast
route (`tipweek.cli.fast`) prints with these very functions, and so does everything else.
"""

from __future__ import annotations

from tipweek.text import derive_summary, one_line

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any, Protocol

    class TipLike(Protocol):
        """What a JSON object is made from: a `Tip`, or the fast route's row (read-only)."""

        @property
        def id(self) -> str: ...

        @property
        def title(self) -> str: ...

        @property
        def summary(self) -> str: ...

        @property
        def takeaway(self) -> str: ...

        @property
        def body(self) -> str: ...

        @property
        def source(self) -> str: ...

        @property
        def publisher(self) -> str: ...

        @property
        def author(self) -> str: ...

        @property
        def iso_added(self) -> str | None: ...

        @property
        def excerpt(self) -> bool: ...

        @property
        def iso_date(self) -> str | None: ...

        @property
        def categories(self) -> Sequence[str]: ...

        @property
        def tags(self) -> Sequence[str]: ...


def short_line(title: str, takeaway: str) -> str:
    """One line for a status bar or login shell: title — takeaway."""
    title = one_line(title)
    return f"{title} — {one_line(takeaway)}" if takeaway else title


def tip_json(tip: TipLike) -> dict[str, Any]:
    """The tip as the JSON object every `--json` command prints."""
    return {
        "id": tip.id,
        "title": tip.title,
        "date": tip.iso_date,
        "categories": list(tip.categories),
        # The summary, or one derived from the body when the file has none.
        "summary": tip.summary or derive_summary(tip.body),
        "takeaway": tip.takeaway,
        "body": tip.body,
        "tags": list(tip.tags),
        "source": tip.source,
        "publisher": tip.publisher,
        "author": tip.author,
        "excerpt": tip.excerpt,
        "added": tip.iso_added,
    }


def _float(value: float) -> str:
    import math

    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


#: Characters JSON leaves raw inside strings but a terminal acts on or reorders: DEL and the
#: C1 controls (U+009B is a CSI), zero-width and bidi marks, line and paragraph separators.
_ESCAPED = (
    *range(0x7F, 0xA0),
    *range(0x200B, 0x2010),
    *range(0x2028, 0x202F),
    *range(0x2060, 0x206A),
    0xFEFF,
)
_ESCAPES: dict[int, str] = {}


def _escaped(text: str) -> str:
    """`text` (already JSON-encoded) with those characters as `\\uXXXX`: the same data, safe
    to print. Most strings are skipped by one C-speed comparison."""
    if not text or max(text) < "\x7f":
        return text
    if not _ESCAPES:
        _ESCAPES.update({c: f"\\u{c:04x}" for c in _ESCAPED})
    return text.translate(_ESCAPES)


def _encode(value: object, indent: str, out: list[str]) -> None:
    from _json import encode_basestring  # the C encoder that json.dumps itself uses

    if isinstance(value, str):
        out.append(_escaped(encode_basestring(value)))
    elif value is None or isinstance(value, bool):
        out.append({None: "null", True: "true", False: "false"}[value])
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(_float(value))
    elif isinstance(value, dict | list | tuple):
        _encode_container(value, indent, out)
    else:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _encode_container(
    value: dict[Any, Any] | list[Any] | tuple[Any, ...], indent: str, out: list[str]
) -> None:
    """An object or an array, two spaces deeper for each level; empty ones on one line."""
    from _json import encode_basestring

    if not value:
        out.append("{}" if isinstance(value, dict) else "[]")
        return
    inner = indent + "  "
    out.append("{" if isinstance(value, dict) else "[")
    items = value.items() if isinstance(value, dict) else ((None, item) for item in value)
    for n, (key, item) in enumerate(items):
        out.append(("," if n else "") + "\n" + inner)
        if isinstance(value, dict):
            out.append(_escaped(encode_basestring(str(key))) + ": ")
        _encode(item, inner, out)
    out.append("\n" + indent + ("}" if isinstance(value, dict) else "]"))


def dumps(value: object) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=2)`, for str keys and plain values, without
    importing `json` (which imports `re`): the fast route prints JSON too. The one difference:
    characters a terminal would act on are escaped (`\\u009b`, `\\u202e`), so every JSON
    output keeps the data exactly and is still safe to print."""
    out: list[str] = []
    _encode(value, "", out)
    return "".join(out)


def loads_strings(data: str) -> list[str]:
    """A JSON list of strings, as the index stores categories and tags (`index.sync.json_strings`
    writes them), read with the C scanner of the standard `json` package and nothing else: the
    fast route and the index's SQL functions read them on every command."""
    from _json import scanstring

    out: list[str] = []
    at = data.find('"')
    while at != -1:
        text, end = scanstring(data, at + 1, True)
        out.append(text)
        at = data.find('"', end)
    return out
