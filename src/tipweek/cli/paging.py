"""Paging like git: output taller than the terminal goes through a pager, colours kept.

`--pager` pages whatever the height, `--no-pager` never; neither pages only when the output
would scroll off the screen. Output that is not a terminal (a pipe, a file) is never paged.
The pager is `$TIP_PAGER`, else `$PAGER`, else `less`; an empty value or `cat` means none.
Like git, `LESS=FRX` is set when LESS is unset: keep colours (-R), quit at once when the text
fits after all (-F), and leave it on the screen afterwards (-X).
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # a tip drawn into a pipe imports neither Rich's console here nor subprocess
    from collections.abc import Mapping

    from rich.console import Console

DEFAULT_PAGER = "less"


def pager_command(env: Mapping[str, str]) -> str:
    """The pager to run, or "" for none."""
    import shlex
    import shutil

    for variable in ("TIP_PAGER", "PAGER"):
        if variable in env:
            command = env[variable].strip()
            break
    else:
        command = DEFAULT_PAGER
    if command in ("", "cat"):
        return ""
    try:
        program = shlex.split(command)[0]
    except (ValueError, IndexError):
        return ""
    return command if shutil.which(program) else ""


def pager_env(env: Mapping[str, str]) -> dict[str, str]:
    """The pager's environment: `LESS=FRX` and `LV=-c` (colours for lv) unless already set."""
    return {"LESS": "FRX", "LV": "-c", **env}


def page(console: Console, renderable: object, pager: bool | None, env: Mapping[str, str]) -> None:
    """Print `renderable`, through the pager when it is asked for or the output is too tall."""
    command = pager_command(env) if pager is not False and is_terminal(console) else ""
    if not command:
        console.print(renderable)
        return
    with console.capture() as capture:
        console.print(renderable)
    _page_text(capture.get(), console.size.height, pager, env, command)


def page_text(text: str, terminal: bool, height: int, pager: bool | None, env: Mapping[str, str]) -> None:
    """`page` for output already drawn (`text`, as Rich wrote it for a console whose
    `is_terminal` and height were `terminal` and `height`): the same rules, without Rich."""
    command = pager_command(env) if pager is not False and terminal else ""
    if not command:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    _page_text(text, height, pager, env, command)


def _page_text(text: str, height: int, pager: bool | None, env: Mapping[str, str], command: str) -> None:
    if pager is None and text.count("\n") < height:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    run_pager(command, text, env)


def is_terminal(console: Console) -> bool:
    try:
        return console.is_terminal and os.isatty(sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # a replaced stdout without a descriptor
        return False


def run_pager(command: str, text: str, env: Mapping[str, str]) -> None:
    """Feed `text` to the pager and wait for it; Ctrl-C belongs to the pager while it runs."""
    import signal
    import subprocess

    sys.stdout.flush()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=pager_env(env)) as process:
            process.communicate(text.encode(sys.stdout.encoding or "utf-8", "replace"))
    except OSError:
        sys.stdout.write(text)  # the pager could not start: the output still matters
    finally:
        signal.signal(signal.SIGINT, previous)
