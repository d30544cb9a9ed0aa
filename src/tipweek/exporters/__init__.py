"""Export formats: a registry from format name to a function that turns tips into a document.

Each format lives in its own module, with a plain function `(tips, options) -> bytes | str`
and a `FORMAT` that describes it (name, extensions, media type); the lookups here are derived
from those, so the CLI looks formats up instead of branching on names. The modules import their
heavy dependencies (email, markdown-it, textwrap) inside their functions, so importing this
registry stays cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tipweek.errors import BadInput, NotFound
from tipweek.exporters.base import DEFAULT_SENDER, DIGEST_SUBJECT, Exporter, ExportFormat, ExportOptions
from tipweek.text import shown

if TYPE_CHECKING:
    from tipweek.model import Tip

__all__ = [
    "DEFAULT_SENDER",
    "DIGEST_SUBJECT",
    "EXPORTERS",
    "EXTENSIONS",
    "FORMATS",
    "ExportFormat",
    "ExportOptions",
    "Exporter",
    "export",
    "format_for",
]


def _formats() -> dict[str, ExportFormat]:
    from tipweek.exporters import atom, eml, fortune, html, json_, markdown, svg, text

    modules = (eml, html, text, markdown, json_, fortune, svg, atom)  # the order help lists them in
    return {m.FORMAT.name: m.FORMAT for m in modules}


FORMATS = _formats()
EXPORTERS: dict[str, Exporter] = {f.name: f.export for f in FORMATS.values()}
#: File extensions (and names accepted by --format) and the format each one means.
EXTENSIONS: dict[str, str] = {ext: f.name for f in FORMATS.values() for ext in (f.name, *f.extensions)}


def format_for(name: str | None, output: Path | None) -> str:
    """The format asked for, or the one `output`'s extension names (eml if it has none), else
    text. `BadInput` when the extension contradicts `--format` or names no format we write, so
    `-o tip.docx` never quietly writes an email under a Word name."""
    suffix = Path(output).suffix.lower().lstrip(".") if output is not None else ""
    implied = EXTENSIONS.get(suffix) if suffix else None
    if name:
        key = name.strip().lower().lstrip(".")
        if key not in EXTENSIONS:
            raise BadInput(f"unknown export format '{shown(name)}'", hint="formats: " + ", ".join(EXPORTERS))
        if implied is not None and implied != EXTENSIONS[key]:
            raise BadInput(
                f"-o {shown(str(output))} is {implied}, but --format is {EXTENSIONS[key]}",
                hint=f"change one: --format {implied}, "
                f"or -o {shown(Path(str(output)).with_suffix(extension_for(EXTENSIONS[key])).name)}",
            )
        return EXTENSIONS[key]
    if output is None:
        return "text"
    if suffix and implied is None:
        raise BadInput(
            f"-o {shown(str(output))}: no export format writes .{shown(suffix)} files",
            hint="give --format, or use one of " + ", ".join(extension_for(f) for f in EXPORTERS),
        )
    return implied or "eml"


def extension_for(name: str) -> str:
    """The usual file extension of format `name` (`.md` for markdown, `.txt` for text)."""
    first = next(iter(FORMATS[name].extensions), name)
    return "." + (name if name.startswith(first) else first)  # .html, not .htm


def export(tips: Sequence[Tip], fmt: str, options: ExportOptions | None = None) -> bytes:
    """The tips as a document in format `fmt`, as bytes ready for a file or stdout."""
    exporter = EXPORTERS.get(fmt)
    if exporter is None:
        raise BadInput(f"unknown export format '{shown(fmt)}'", hint="formats: " + ", ".join(EXPORTERS))
    if not tips:
        raise NotFound("no tips to export")
    data = exporter(tips, options or ExportOptions())
    return data.encode("utf-8") if isinstance(data, str) else data
