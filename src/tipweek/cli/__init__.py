"""The `tip` command line: a thin layer that parses arguments and renders results.

Each module under `tipweek.cli` registers one group of commands on `app`. A run of `tip`
imports only the module of the command it runs, so `tip week` never pays for the exporters
or the importers; `load()` (tests, docs) registers them all.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

#: Every command and the module that defines it, in the order `tip --help` lists them.
COMMANDS = {
    "today": "read", "week": "read", "show": "read", "list": "read", "categories": "read",
    "random": "read", "schedule": "read", "check": "read",
    "search": "search", "reindex": "search",
    "export": "export", "send": "export",
    "import": "importing", "add": "authoring", "edit": "authoring", "rm": "authoring",
    "hide": "curation", "unhide": "curation",
    "post": "publish", "deliver": "publish", "site": "site",
    "config": "setup", "doctor": "setup",
}  # fmt: skip
#: Commands that are groups of subcommands (`tip site build`): their module adds them itself.
GROUPS = {"site", "config"}
_GLOBAL_WITH_VALUE = {"--library", "-L"}


def load(names: Sequence[str] | None = None) -> Any:
    """The Typer app with the commands `names` (all when None) registered on it."""
    import importlib

    from tipweek.cli.app import COMMANDS as marked
    from tipweek.cli.app import app

    wanted = list(names) if names else list(COMMANDS)
    for module in dict.fromkeys(COMMANDS[n] for n in wanted):
        importlib.import_module(f"tipweek.cli.{module}")
    registered = {info.name for info in app.registered_commands}
    for name in wanted:
        if name not in registered and name not in GROUPS:
            func, settings = marked[name]
            app.command(name, **settings)(func)
    return app


def command_name(argv: Sequence[str]) -> str | None:
    """The subcommand a command line runs, if it names a known one."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in _GLOBAL_WITH_VALUE:
            skip = True
        elif not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    from tipweek.cli import fast  # today/week --short/--json, without Typer or Rich

    code = fast.run(args)
    if code is not None:
        raise SystemExit(code)
    name = command_name(args)
    load([name] if name else None)(args=args, prog_name="tip")
