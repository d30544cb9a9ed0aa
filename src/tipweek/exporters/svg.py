"""A tip as the terminal shows it, as an SVG image (for slides, wikis and chat)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tipweek.exporters.base import ExportFormat
from tipweek.model import Tip
from tipweek.text import one_line

if TYPE_CHECKING:
    from tipweek.exporters.base import ExportOptions

WIDTH = 80


def export(tips: Sequence[Tip], options: ExportOptions) -> str:
    import io

    from rich.console import Console

    from tipweek.render import tip_panel

    # Colours on whatever NO_COLOR or the terminal say, so the picture is the same everywhere.
    console = Console(
        record=True,
        width=WIDTH,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        no_color=False,
        legacy_windows=False,
    )
    for tip in tips:
        console.print(tip_panel(tip))
    title = one_line(tips[0].title) if len(tips) == 1 else one_line(options.heading)
    return console.export_svg(title=title)


FORMAT = ExportFormat("svg", (), "image/svg+xml", export)
