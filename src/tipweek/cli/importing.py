"""The `import` command: read tips from archive pages, Markdown, JSON or fortune files."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tipweek.cli.app import ExitCode, command, report, state

if TYPE_CHECKING:
    from tipweek.cli.app import State
    from tipweek.importing import Action, Inputs, Outcome
    from tipweek.library import LibrarySource

IntoOpt = Annotated[
    Path | None,
    typer.Option("--into", metavar="LIB", help="Write into this library folder instead of your own library."),
]


class Format(enum.StrEnum):
    auto = "auto"
    archive = "archive"
    markdown = "markdown"
    json = "json"
    feed = "feed"
    fortune = "fortune"


PathsArg = Annotated[
    list[Path],
    typer.Argument(
        metavar="PATH...",
        show_default=False,
        help="Files or folders to import (folders are read recursively, hidden files skipped).",
    ),
]
FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="Input format; auto tells them apart by their content.")
]
ExtraCategoryOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--category",
        "-c",
        help="Also put every imported tip in this category (repeatable); "
        "fortune cookies get only these instead of 'Imported'.",
    ),
]
DryRunOpt = Annotated[
    bool,
    typer.Option("--dry-run", help="Show what would be created, updated and skipped; write nothing."),
]
MapOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        metavar="OLD=NEW",
        help="Import category OLD as NEW (repeatable), on top of the config's [categories] aliases.",
    ),
]
UpdateOpt = Annotated[
    bool,
    typer.Option(
        "--update",
        "-u",
        help="Merge into tips that already exist: add categories and tags, fill empty "
        "fields, replace excerpts with full posts. Your edits are kept.",
    ),
]


@command("import")
def import_(
    ctx: typer.Context,
    paths: PathsArg,
    into: IntoOpt = None,
    fmt: FormatOpt = Format.auto,
    category: ExtraCategoryOpt = None,
    mapping: MapOpt = None,
    dry_run: DryRunOpt = False,
    update: UpdateOpt = False,
) -> None:
    """Import tips from saved blog archive pages, RSS and Atom feeds, Markdown, JSON or fortune files.

    Formats: **archive** (blog archive pages saved as text or as a web page: teasers become
    excerpts, full posts keep their body), **feed** (RSS 2.0 or Atom, such as a blog's export or the
    `feed.xml` of `tip site build`: posts keep their dates, categories and links, and
    their HTML becomes Markdown), **markdown** (TOML front matter between `+++` lines), **json**
    (what `tip list --json` and `tip export --format json` print) and **fortune** (cookies
    separated by `%` lines). The same post found on several pages is imported once, with all
    its categories. Tips already in the library are never overwritten: they are skipped
    unless `--update` is given, which only adds to them. Importing the same files again
    changes nothing. Category aliases (the config's [categories] aliases and `--map`) rename
    categories as they are imported. `--dry-run` also shows how each tip was read: its
    summary, takeaway and categories. New tips join the rotation from the next day (week)
    on. Exits with 1 if an input could not be read (the others are imported).

    **Examples**

        tip import ~/blog-pages/ --dry-run          see what would happen
        tip import ~/blog-pages/                    every page in the folder
        tip import ~/blog-pages/ --update           add categories and full posts
        tip import tips.json --into ./team-tips     from tip export -f json
        tip import public/feed.xml --dry-run        the feed tip site build wrote
        tip import quotes.txt -f fortune -c Motivation
        tip import ~/blog-pages/ --map 'Sports=Sports & Events' --dry-run
    """
    from tipweek import render
    from tipweek.authoring import guard_target
    from tipweek.importing import apply
    from tipweek.library import check_writable

    st = state(ctx)
    target = guard_target(st.sources, st.writable(into))  # never the bundled library
    inputs, actions = _plan(st, target, paths, fmt, category or [], mapping or [], update)
    outcomes: list[Outcome] | None = None
    if not dry_run:
        if any(a.writes for a in actions):
            check_writable(target, probe=True)
        outcomes = apply(target, actions)  # each file atomic: an interrupt leaves only whole tips
        for outcome in outcomes:
            if outcome.error:
                report(f"{outcome.action.tip.id}: {outcome.error}")
    st.out.print(render.import_table(actions, outcomes, target.path, dry_run=dry_run))
    if dry_run and inputs.choices:
        st.out.print(render.import_choices(actions, inputs.choices))
    if inputs.problems or (outcomes and any(o.error for o in outcomes)):
        raise typer.Exit(ExitCode.FAILURE)


def _plan(
    st: State,
    target: LibrarySource,
    paths: list[Path],
    fmt: Format,
    categories: list[str],
    mapping: list[str],
    update: bool,
) -> tuple[Inputs, list[Action]]:
    """Read the inputs (aliases applied) and plan what to write; problems and shadowed ids
    are reported on the way."""
    from tipweek.categories import Aliases, parse_mapping
    from tipweek.importing import plan_import, read_inputs
    from tipweek.library import load

    aliases = st.curation.aliases.merged(Aliases.of(parse_mapping(m) for m in mapping))
    inputs = read_inputs(paths, fmt.value, categories, aliases)
    for problem in inputs.problems:
        report(str(problem))
    existing = [aliases.tip(t) for t in load([target]).tips] if target.path.is_dir() else []
    actions = plan_import(existing, inputs.tips, update, added=st.today)
    _warn_shadowing(st, target, actions)
    return inputs, actions


def _warn_shadowing(st: State, target: LibrarySource, actions: list[Action]) -> None:
    """One warning per new tip whose id another library has too (at most ten, then a count)."""
    from tipweek.authoring import shadowing

    notes = [
        note
        for action in actions
        if action.kind == "create"
        and (note := shadowing(action.tip.id, target, st.store.holders(action.tip.id), st.sources))
    ]
    for note in notes[:10]:
        report(note, kind="warning")
    if len(notes) > 10:
        report(f"{len(notes) - 10} more imported tips share an id with another library", kind="warning")
