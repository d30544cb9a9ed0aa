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
        def author(self) -> str: ...

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
        "author": tip.author,
        "excerpt": tip.excerpt,
    }


def _float(value: float) -> str:
    import math

    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _encode(value: object, indent: str, out: list[str]) -> None:
    from _json import encode_basestring  # the C encoder that json.dumps itself uses

    if isinstance(value, str):
        out.append(encode_basestring(value))
    elif value is None or isinstance(value, bool):
        out.append({None: "null", True: "true", False: "false"}[value])
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(_float(value))
    elif isinstance(value, dict) and value:
        inner = indent + "  "
        out.append("{")
        for n, (key, item) in enumerate(value.items()):
            out.append(("," if n else "") + "\n" + inner + encode_basestring(str(key)) + ": ")
            _encode(item, inner, out)
        out.append("\n" + indent + "}")
    elif isinstance(value, list | tuple) and value:
        inner = indent + "  "
        out.append("[")
        for n, item in enumerate(value):
            out.append(("," if n else "") + "\n" + inner)
            _encode(item, inner, out)
        out.append("\n" + indent + "]")
    elif isinstance(value, dict | list | tuple):
        out.append("{}" if isinstance(value, dict) else "[]")
    else:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def dumps(value: object) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=2)`, for str keys and plain values, without
    importing `json` (which imports `re`): the fast route prints JSON too."""
    out: list[str] = []
    _encode(value, "", out)
    return "".join(out)
