"""A ready-to-edit email draft (.eml): Outlook, Apple Mail and Thunderbird open it as a new
message, with the text and HTML versions of the tip and the subject and recipients filled in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tipweek.model import Tip

if TYPE_CHECKING:
    from tipweek.exporters import ExportOptions


def export(tips: Sequence[Tip], options: ExportOptions) -> bytes:
    from tipweek.mail import build_message, message_bytes

    return message_bytes(build_message(tips, options))
