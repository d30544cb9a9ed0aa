"""Search commands: search and reindex."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

import typer
from typer.core import TyperCommand

from tipweek.cli.app import JsonOpt, PagerOpt, SinceOpt, UntilOpt, command, emit_json, state


class WordsAndOptions(TyperCommand):
    """Options anywhere among the query's words: `tip search refund -n 2` and `tip search -n 2
    refund` alike. Anything that is not one of the command's own options is a word, so that
    `-online` (a word to leave out) reaches the query; `--` ends the options."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        options, words = _split(args, self._takes_value(ctx), ctx)
        return super().parse_args(ctx, [*options, "--", *words] if words else options)

    def _takes_value(self, ctx: Any) -> dict[str, bool]:
        """Every option name of the command, and whether it takes a value."""
        takes_value: dict[str, bool] = {}
        for param in self.get_params(ctx):
            value = not getattr(param, "is_flag", False) and not getattr(param, "count", False)
            for name in (*getattr(param, "opts", ()), *getattr(param, "secondary_opts", ())):
                if name.startswith("-"):
                    takes_value[name] = value
        return takes_value


def _split(args: list[str], takes_value: dict[str, bool], ctx: Any) -> tuple[list[str], list[str]]:
    """The command line as (options with their values, words)."""
    options: list[str] = []
    words: list[str] = []
    rest = iter(args)
    for arg in rest:
        name = arg.split("=", 1)[0] if arg.startswith("--") else arg
        if arg == "--":
            words += list(rest)
        elif name in takes_value:
            options += [arg, _value(name, rest, ctx)] if takes_value[name] and "=" not in arg else [arg]
        elif _is_option(arg, takes_value):
            options.append(arg)
        else:
            words.append(arg)
    return options, words


def _is_option(arg: str, takes_value: dict[str, bool]) -> bool:
    """`-n2` (a short option glued to its number), or an unknown long option (which the
    parser then reports as a usage error)."""
    return (takes_value.get(arg[:2], False) and arg[2:].isdigit()) or (arg.startswith("--") and len(arg) > 2)


def _value(name: str, rest: Iterator[str], ctx: Any) -> str:
    value = next(rest, None)
    if value is None:
        from typer._click.exceptions import BadOptionUsage

        raise BadOptionUsage(name, f"Option '{name}' requires an argument.", ctx)
    return value


@command(cls=WordsAndOptions, context_settings={"help_option_names": ["-h", "--help"]})
def search(
    ctx: typer.Context,
    query: Annotated[list[str], typer.Argument(metavar="WORDS...", help="The situation, in your own words.")],
    category: Annotated[
        str | None, typer.Option("--category", "-c", help="Only tips in this category.")
    ] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="At most this many results.")] = 10,
    every: Annotated[bool, typer.Option("--all", help="Only tips with every word (or its forms).")] = False,
    as_json: JsonOpt = False,
    pager: PagerOpt = None,
) -> None:
    """Find the tips for a situation, best match first.

    Describe what happened in your own words. Every word is optional: tips matching more of
    them (and rarer ones) come first, and a match in the title or takeaway counts more than
    one in the body. Small words (to, the, how) never decide a result. Synonyms from the
    customer-service thesaurus count too, for less than the words you typed (angry finds
    irate and furious; refund finds money back). A word the library does not have is read
    as the closest one it does, and stderr says so.

    +word: every result has it. "a phrase": these words together. -word or NOT word: leave
    those tips out. word*: words that start so. --all: every word. Case, accents and word
    forms (apologize / apology) do not matter. Options may go anywhere among the words.

    **Examples**

        tip search angry caller
        tip search customer screaming at the front desk
        tip search guest crying at reception -n 3
        tip search refund -c 'service recovery' --json
        tip search "waiting room" +delay
        tip search angry caller -phone
    """
    from tipweek import render
    from tipweek.cli.app import err_console
    from tipweek.errors import NotFound
    from tipweek.searching import search as find

    st = state(ctx)
    filters = st.filters(category, since, until)
    found = find(st.store, query, st.thesaurus, filters=filters, limit=limit, every=every)
    if found.plan.corrections and found.hits:
        from rich.text import Text

        err_console().print(Text(f'showing results for "{found.plan.searched}"'), soft_wrap=True)
    if not found.hits:
        hint = (
            "did you mean: " + ", ".join(found.suggestions) + "?" if found.suggestions else "try other words"
        )
        raise NotFound(f"no tips match '{' '.join(query)}'", hint=hint)
    if as_json:
        emit_json([h.to_json() for h in found.hits])
        return
    from tipweek.cli.read import page

    page(st, render.search_results(found.hits), pager)


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
