"""Curation commands: hide and unhide. They change only the user's hidden list, never a
library, so bundled and shared tips can be retired without write access to them."""

from __future__ import annotations

from typing import Annotated

import typer

from tipweek.cli.app import command, report, state

IdsArg = Annotated[list[str], typer.Argument(metavar="ID...", help="Tip ids, or unique starts of them.")]


@command()
def hide(ctx: typer.Context, tip_ids: IdsArg) -> None:
    """Retire tips: they leave every list, search and delivery, bundled tips included.

    A hidden tip is never the tip of the day or week, never in the rotation, a random
    pick, an export or a send, and no longer listed or found by search. The list of hidden
    ids is kept in your data folder (hidden.toml), never in a library; `tip list --hidden`
    shows them and `tip unhide` brings one back.

    **Examples**

        tip hide explain-the-why       a unique start of an id is enough
        tip list --hidden              what is hidden now
    """
    from tipweek.curation import read_hidden, write_hidden
    from tipweek.store import find_tip

    st = state(ctx)
    ids = list(dict.fromkeys(find_tip(st.store, wanted).id for wanted in tip_ids))
    path = st.paths.hidden_list
    write_hidden(path, read_hidden(path) | set(ids))
    for tip_id in ids:
        report(f"hid '{tip_id}'", kind="note", hint=f"`tip unhide {tip_id}` brings it back")
        typer.echo(tip_id)


@command()
def unhide(ctx: typer.Context, tip_ids: IdsArg) -> None:
    """Bring back tips retired with `tip hide`.

    **Examples**

        tip unhide hand-over-the-story
        tip unhide hand-over           a unique start of a hidden id is enough
    """
    from tipweek.curation import read_hidden, write_hidden

    st = state(ctx)
    path = st.paths.hidden_list
    hidden = read_hidden(path)
    ids = list(dict.fromkeys(_hidden_id(hidden, wanted) for wanted in tip_ids))
    write_hidden(path, hidden - set(ids))
    for tip_id in ids:
        report(f"'{tip_id}' is shown again", kind="note")
        typer.echo(tip_id)


def _hidden_id(hidden: frozenset[str], wanted: str) -> str:
    """A hidden id by itself or a unique start of it."""
    from tipweek.errors import BadInput, NotFound
    from tipweek.text import shown

    key = wanted.strip().lower()
    if key in hidden:
        return key
    starts = sorted(i for i in hidden if i.startswith(key))
    if len(starts) == 1:
        return starts[0]
    if len(starts) > 1:
        raise BadInput(
            f"'{shown(key)}' matches {len(starts)} hidden tips", hint="say which: " + ", ".join(starts[:5])
        )
    raise NotFound(
        f"'{shown(key)}' is not hidden", hint="`tip list --hidden` shows the hidden tips" if hidden else ""
    )
