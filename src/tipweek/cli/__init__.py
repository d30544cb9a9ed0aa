"""The `tip` command line: a thin layer that parses arguments and renders results.

Each module under `tipweek.cli` registers its own group of commands on `app`.
"""

from __future__ import annotations

from tipweek.cli import authoring, export, importing, read, search  # noqa: F401
from tipweek.cli.app import app


def main() -> None:
    app(prog_name="tip")
