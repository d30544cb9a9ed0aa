"""Export formats: a registry from format name to a function that turns tips into a document.

Each format lives in its own module and is a plain function `(tips, options) -> bytes | str`,
so the CLI looks formats up here instead of branching on names. The modules import their
heavy dependencies (email, markdown-it, textwrap) inside their functions, so importing this
registry stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tipweek.config import DEFAULT_SUBJECT
from tipweek.errors import BadInput, NotFound
from tipweek.exporters import atom, eml, fortune, html, json_, markdown, svg, text
from tipweek.text import shown

if TYPE_CHECKING:
    import datetime as dt

    from tipweek.config import Config
    from tipweek.model import Tip

#: The subject of a digest (several tips in one message) unless `--subject` says otherwise.
DIGEST_SUBJECT = "Tips of the Week: {count} tips"
#: Where mail comes from when neither `--from` nor the config says.
DEFAULT_SENDER = "tipweek@localhost"


@dataclass(frozen=True)
class ExportOptions:
    """Everything a format may need besides the tips; the mail fields matter only to `eml`."""

    subject: str = DEFAULT_SUBJECT  # template for one tip: {title} {id} {date} {count}
    digest_subject: str = DIGEST_SUBJECT  # template for a digest
    sender: str = DEFAULT_SENDER
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    digest: bool = False  # several tips by filter: JSON gives a list even for one tip
    label: str = ""  # the heading above the tip(s), e.g. "Tip of the Day"; a default if empty
    when: dt.datetime | None = None  # the message's Date; now if None
    unsent: bool = True  # mark an .eml as a draft (X-Unsent: 1) so Outlook opens it for editing

    @classmethod
    def from_config(
        cls,
        config: Config,
        *,
        subject: str | None = None,
        sender: str | None = None,
        to: Sequence[str] = (),
        cc: Sequence[str] = (),
        digest: bool = False,
        label: str = "",
    ) -> ExportOptions:
        """Command-line values first, then the config's `[export]` table, then the defaults."""
        return cls(
            subject=subject if subject is not None else config.subject,
            digest_subject=subject if subject is not None else DIGEST_SUBJECT,
            sender=sender or config.sender or DEFAULT_SENDER,
            to=tuple(to) or config.to,
            cc=tuple(cc),
            digest=digest,
            label=label,
        )

    @property
    def heading(self) -> str:
        return self.label or ("Tips of the Week" if self.digest else "Tip of the Week")


Exporter = Callable[[Sequence["Tip"], ExportOptions], bytes | str]

EXPORTERS: dict[str, Exporter] = {
    "eml": eml.export,
    "html": html.export,
    "text": text.export,
    "markdown": markdown.export,
    "json": json_.export,
    "fortune": fortune.export,
    "svg": svg.export,
    "atom": atom.export,
}

#: File extensions (and short names accepted by --format) and the format each one means.
EXTENSIONS: dict[str, str] = {
    "eml": "eml",
    "html": "html",
    "htm": "html",
    "txt": "text",
    "text": "text",
    "md": "markdown",
    "markdown": "markdown",
    "json": "json",
    "fortune": "fortune",
    "svg": "svg",
    "atom": "atom",
}


def format_for(name: str | None, output: Path | None) -> str:
    """The format asked for; else the one `output`'s extension implies (eml if none); else text."""
    if name:
        key = name.strip().lower().lstrip(".")
        if key in EXTENSIONS:
            return EXTENSIONS[key]
        raise BadInput(f"unknown export format '{shown(name)}'", hint="formats: " + ", ".join(EXPORTERS))
    if output is not None:
        return EXTENSIONS.get(Path(output).suffix.lower().lstrip("."), "eml")
    return "text"


def export(tips: Sequence[Tip], fmt: str, options: ExportOptions | None = None) -> bytes:
    """The tips as a document in format `fmt`, as bytes ready for a file or stdout."""
    exporter = EXPORTERS.get(fmt)
    if exporter is None:
        raise BadInput(f"unknown export format '{shown(fmt)}'", hint="formats: " + ", ".join(EXPORTERS))
    if not tips:
        raise NotFound("no tips to export")
    data = exporter(tips, options or ExportOptions())
    return data.encode("utf-8") if isinstance(data, str) else data
