"""A whole tip on the terminal, and the console it is drawn on: one function for the full
CLI (`tip today`, `tip week`, `tip show`) and the fast route, which draws without Typer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Console, Group

if TYPE_CHECKING:
    from tipweek.model import Tip


def make_console(*, stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, emoji=False, soft_wrap=False)


def draw_tip(
    out: Console,
    env: Mapping[str, str],
    tip: Tip,
    blocks: Sequence[Any] | None,
    *,
    label: str = "",
    pager: bool | None = None,
    similar: Sequence[Tip] = (),
) -> None:
    """The tip in its panel (then "See also" when `similar` has tips), through the pager when
    asked for or when it is taller than the terminal (see `paging`)."""
    from tipweek.cli import paging

    paging.page(out, tip_view(tip, blocks, label=label, similar=similar), pager, env)


def tip_view(
    tip: Tip, blocks: Sequence[Any] | None, *, label: str = "", similar: Sequence[Tip] = ()
) -> Group:
    """The tip in its panel, then "See also" when `similar` has tips."""
    from tipweek import render

    parts: list[Any] = [render.tip_panel(tip, blocks, label=label)]
    if similar:
        parts.append(render.see_also(similar))
    return Group(*parts)
