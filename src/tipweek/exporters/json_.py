"""Tips as JSON: the same objects `--json` prints, one object for a tip, a list for a digest."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tipweek.exporters.base import ExportFormat
from tipweek.model import Tip

if TYPE_CHECKING:
    from tipweek.exporters.base import ExportOptions


def export(tips: Sequence[Tip], options: ExportOptions) -> str:
    from tipweek.shapes import dumps

    data = [t.to_json() for t in tips] if options.digest or len(tips) > 1 else tips[0].to_json()
    return dumps(data) + "\n"


FORMAT = ExportFormat("json", (), "application/json", export)
