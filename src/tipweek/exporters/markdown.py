"""Tips as Markdown with TOML front matter: the format the Markdown importer reads back.

Each tip is `+++`, its front matter (the keys of a tip file except `body`), `+++`, then the
body as Markdown; a digest is several such documents one after another. Export then import
gives the same tips.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tipweek.exporters.base import ExportFormat
from tipweek.model import Tip
from tipweek.text import slugify

if TYPE_CHECKING:
    from tipweek.exporters.base import ExportOptions

FENCE = "+++"


def document(tip: Tip) -> str:
    """One tip as front matter and body."""
    import tomli_w

    data = tip.to_file()
    if slugify(tip.title) != tip.id:
        # The importer names a tip after its title unless told otherwise: keep the real id.
        data = {"id": tip.id, **data}
    body = data.pop("body", "")
    if any(line.strip() == FENCE for line in body.split("\n")):
        # A body line reading `+++` would end the document early: keep such a body in the
        # front matter instead, where the importer takes it as it is.
        data["body"], body = body, ""
    # One-line strings only: a multi-line string could hold a line that reads as the fence.
    front = tomli_w.dumps(data, multiline_strings=False)
    return f"{FENCE}\n{front}{FENCE}\n" + (f"\n{body}\n" if body else "")


def export(tips: Sequence[Tip], options: ExportOptions) -> str:
    return "\n".join(document(t) for t in tips)


FORMAT = ExportFormat("markdown", ("md",), "text/markdown", export)
