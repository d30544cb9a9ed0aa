"""The `import` command: read tips from archive pages, Markdown, JSON or fortune files."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tipweek.cli.app import ExitCode, command, report, state

if TYPE_CHECKING:
    from rich.console import RenderableType

    from tipweek.importing import Action, Outcome

IntoOpt = Annotated[
    Path | None,
    typer.Option("--into", metavar="LIB", help="Write into this library folder instead of your own library."),
]

DONE = {
    "create": "created",
    "update": "updated",
    "merge": "merged",
    "skip": "skipped",
    "unchanged": "unchanged",
}
STYLES = {
    "create": "green",
    "update": "cyan",
    "merge": "cyan",
    "skip": "yellow",
    "unchanged": "dim",
    "failed": "bold red",
}


class Format(enum.StrEnum):
    auto = "auto"
    archive = "archive"
    markdown = "markdown"
    json = "json"
    feed = "feed"
    fortune = "fortune"


@command("import")
def import_(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="PATH...",
            show_default=False,
            help="Files or folders to import (folders are read recursively, hidden files skipped).",
        ),
    ],
    into: IntoOpt = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="Input format; auto tells them apart by their content.")
    ] = Format.auto,
    category: Annotated[
        list[str] | None,
        typer.Option(
            "--category",
            "-c",
            help="Also put every imported tip in this category (repeatable); "
            "fortune cookies get only these instead of 'Imported'.",
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", "-n", help="Show what would be created, updated and skipped; write nothing."
        ),
    ] = False,
    update: Annotated[
        bool,
        typer.Option(
            "--update",
            "-u",
            help="Merge into tips that already exist: add categories and tags, fill empty "
            "fields, replace excerpts with full posts. Your edits are kept.",
        ),
    ] = False,
) -> None:
    """Import tips from saved blog archive pages, RSS and Atom feeds, Markdown, JSON or fortune files.

    Formats: **archive** (blog archive pages saved as text: teasers become excerpts, full
    posts keep their body), **feed** (RSS 2.0 or Atom, such as a blog's export or the
    `feed.xml` of `tip site build`: posts keep their dates, categories and links, and
    their HTML becomes Markdown), **markdown** (TOML front matter between `+++` lines), **json**
    (what `tip list --json` and `tip export --format json` print) and **fortune** (cookies
    separated by `%` lines). The same post found on several pages is imported once, with all
    its categories. Tips already in the library are never overwritten: they are skipped
    unless `--update` is given, which only adds to them. Importing the same files again
    changes nothing. Exits with 1 if an input could not be read (the others are imported).

    **Examples**

        tip import ~/blog-pages/ --dry-run          see what would happen
        tip import ~/blog-pages/                    every page in the folder
        tip import page-2.txt page-3.txt --update   add categories and full posts
        tip import tips.json --into ./team-tips     a `tip export --format json` file
        tip import public/feed.xml --dry-run        a feed: here the one `tip site build` wrote
        tip import quotes.txt --format fortune --category Motivation
    """
    from tipweek.authoring import guard_target
    from tipweek.importing import apply, plan_import, read_inputs
    from tipweek.library import check_writable, load

    st = state(ctx)
    target = guard_target(st.sources, st.writable(into))  # never the bundled library
    inputs = read_inputs(paths, fmt.value, category or [])
    for problem in inputs.problems:
        report(str(problem))
    existing = load([target]).tips if target.path.is_dir() else ()
    actions = plan_import(existing, inputs.tips, update)
    outcomes: list[Outcome] | None = None
    if not dry_run:
        if any(a.writes for a in actions):
            check_writable(target, probe=True)
        outcomes = apply(target, actions)  # each file atomic: an interrupt leaves only whole tips
        for outcome in outcomes:
            if outcome.error:
                report(f"{outcome.action.tip.id}: {outcome.error}")
    st.out.print(_table(actions, outcomes, target.path, dry_run=dry_run))
    if inputs.problems or (outcomes and any(o.error for o in outcomes)):
        raise typer.Exit(ExitCode.FAILURE)


def _table(
    actions: list[Action], outcomes: list[Outcome] | None, target: Path, *, dry_run: bool
) -> RenderableType:
    """One row per tip that is (or would be) written or skipped; unchanged ones are only counted."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from tipweek.text import one_line

    if outcomes is not None:
        rows = [(o.action, "failed" if o.error else o.action.kind, o.error) for o in outcomes]
    else:
        rows = [(a, a.kind, "") for a in actions]
    counts = dict.fromkeys((*DONE, "failed"), 0)
    for _, kind, _ in rows:
        counts[kind] += 1
    verb = "would be " if dry_run else ""
    summary = ", ".join(f"{n} {verb}{DONE.get(kind, kind)}" for kind, n in counts.items() if n)
    where = f"dry run, nothing written to {target}" if dry_run else f"library {target}"
    caption = Text(f"{summary or 'no tips found'} ({where})")
    shown = [row for row in rows if row[1] != "unchanged"]
    if not shown:
        return caption
    table = Table(title=Text("Import (dry run)" if dry_run else "Import"), header_style="bold")
    table.add_column("Action", no_wrap=True)
    table.add_column("Tip", overflow="fold", ratio=3)
    table.add_column("Date", no_wrap=True)
    table.add_column("Categories", overflow="fold", ratio=2)
    table.add_column("Note", overflow="fold", ratio=2)
    for action, kind, error in shown:
        table.add_row(
            Text(kind if dry_run else DONE.get(kind, kind), style=STYLES.get(kind, "")),
            Text(one_line(action.tip.id), style="cyan"),
            Text(action.tip.iso_date or "undated"),
            Text("\n".join(one_line(c) for c in action.tip.categories)),
            Text(one_line(error or action.note)),
        )
    return Group(table, caption)
