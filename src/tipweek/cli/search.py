"""Search commands: search and reindex."""

from __future__ import annotations

from typing import Annotated

import typer

from tipweek.cli.app import JsonOpt, PagerOpt, SinceOpt, UntilOpt, command, emit_json, state

# Long options only, and unknown ones passed through, so that `-word` reaches the query.
_SEARCH_SETTINGS = {"ignore_unknown_options": True, "help_option_names": ["--help"]}


@command(context_settings=_SEARCH_SETTINGS)
def search(
    ctx: typer.Context,
    query: Annotated[list[str], typer.Argument(metavar="QUERY...", help="Words to find.")],
    category: Annotated[str | None, typer.Option("--category", help="Only tips in this category.")] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many results.")] = 10,
    as_json: JsonOpt = False,
    pager: PagerOpt = False,
) -> None:
    """Find the tips for a situation, best match first.

    All words must match. "Quoted words" match as a phrase, word* matches the start of a
    word, OR gives alternatives and -word leaves tips with that word out. Case, accents,
    quote style and word forms (apologize / apology) do not matter. A match in the title
    counts most, then the takeaway and summary, then the body.

    **Examples**

        tip search angry caller
        tip search '"waiting room"'
        tip search refund OR return -online
        tip search apolog* --category 'service recovery' --json
    """
    from tipweek import render
    from tipweek.errors import NotFound
    from tipweek.query import compile_query

    st = state(ctx)
    compiled = compile_query(" ".join(query))
    filters = st.filters(category, since, until)
    index = st.store
    hits = index.search(compiled.expression, filters, limit)
    if not hits:
        suggestions = index.suggest(compiled.words)
        hint = "did you mean: " + ", ".join(suggestions) + "?" if suggestions else "try fewer or other words"
        raise NotFound(f"no tips match '{' '.join(query)}'", hint=hint)
    if as_json:
        emit_json([h.to_json() for h in hits])
        return
    from tipweek.cli.read import page

    page(st, render.search_results(hits), pager)


@command()
def reindex(ctx: typer.Context) -> None:
    """Rebuild the search index from the tip files.

    The index is a cache that every command keeps up to date by itself; use this after
    editing many files in place, or to start afresh.

    **Examples**

        tip reindex
    """
    from tipweek.index import index_path

    st = state(ctx)
    store = st.open_store(rebuild=True)
    path = index_path(st.paths.cache_dir, st.sources)
    typer.echo(f"indexed {store.count()} tips from {len(st.sources)} libraries into {path}")
