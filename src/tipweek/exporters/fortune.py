"""Tips as a fortune(6) file: each cookie's text, then a line holding only `%`.

Run `strfile tips.fortune` on the result to make the index `fortune` needs. No line inside
a cookie starts with `%`, so tip text can never end a cookie early or read as a comment.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tipweek.exporters._shared import WIDTH
from tipweek.exporters.base import ExportFormat
from tipweek.model import Tip
from tipweek.text import one_line

if TYPE_CHECKING:
    from tipweek.exporters.base import ExportOptions


def cookie(tip: Tip, width: int = WIDTH) -> list[str]:
    """`title — takeaway`, or the title then the blurb, wrapped to `width`."""
    from tipweek.exporters.text import wrap

    title = one_line(tip.title)
    if tip.takeaway:
        # A no-break space keeps the dash with the title: a line starting with a dash would
        # read as an attribution ("— Someone").
        lines = wrap(f"{title}\u00a0— {one_line(tip.takeaway)}", width)
    else:
        lines = wrap(title, width)
        if tip.blurb:
            lines += wrap(one_line(tip.blurb), width)
    return [f" {line}" if line.startswith("%") else line for line in lines]


def export(tips: Sequence[Tip], options: ExportOptions) -> str:
    return "".join("\n".join(cookie(t)) + "\n%\n" for t in tips)


FORMAT = ExportFormat("fortune", (), "text/plain", export)
