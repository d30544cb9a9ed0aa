"""Read commands: today, week, show, list, categories, random, schedule, check."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tipweek.cli.app import (
    STDOUT_NAMES,
    CategoryOpt,
    DateOpt,
    ExitCode,
    JsonOpt,
    LimitOpt,
    PagerOpt,
    SinceOpt,
    UntilOpt,
    WhenArg,
    command,
    emit_json,
    state,
    write_output,
)

if TYPE_CHECKING:
    from tipweek.cli.app import State
    from tipweek.model import Tip
    from tipweek.select import Pick

ShortOpt = Annotated[bool, typer.Option("--short", "-s", help="One line: title — takeaway.")]


def show_tip(
    st: State, tip: Tip, *, label: str = "", pager: bool | None = None, see_also: bool = False
) -> None:
    from tipweek.cli.drawing import draw_tip

    similar = st.store.similar(tip, 3) if see_also else []
    draw_tip(st.out, st.env, tip, st.store.blocks(tip), label=label, pager=pager, similar=similar)


def page(st: State, renderable: object, pager: bool | None) -> None:
    """Print, through the pager when asked for or when the output is taller than the terminal."""
    from tipweek.cli import paging

    paging.page(st.out, renderable, pager, st.env)


def _print_pick(st: State, pick: Pick, *, short: bool, as_json: bool, pager: bool | None, what: str) -> None:
    from tipweek import render

    if as_json:
        emit_json(pick.tip.to_json())
    elif short:
        st.out.print(render.short_line(pick.tip), markup=False, highlight=False, soft_wrap=True)
    else:
        show_tip(st, pick.tip, label=f"{what} · ", pager=pager)


@command()
def today(
    ctx: typer.Context,
    when: WhenArg = None,
    date: DateOpt = None,
    category: CategoryOpt = None,
    short: ShortOpt = False,
    as_json: JsonOpt = False,
    pager: PagerOpt = None,
) -> None:
    """Show the tip of the day.

    A tip dated today wins; otherwise a rotation picks one (the same for everyone with the
    same library), never a tip scheduled for later.

    **Examples**

        tip today
        tip today --short              one line, for ~/.bashrc or a status bar
        tip today yesterday
        tip today --date 'next friday' --category healthcare
        tip today -c empathy --json
    """
    from tipweek.select import tip_for_day

    st = state(ctx)
    day = st.when(when, date)
    key = st.filters(category).category
    _print_pick(
        st,
        tip_for_day(st.store, day, key),
        short=short,
        as_json=as_json,
        pager=pager,
        what=f"tip of the day {day.isoformat()}",
    )


@command()
def week(
    ctx: typer.Context,
    when: WhenArg = None,
    date: DateOpt = None,
    category: CategoryOpt = None,
    short: ShortOpt = False,
    as_json: JsonOpt = False,
    pager: PagerOpt = None,
    unsent: Annotated[
        bool,
        typer.Option("--unsent", help="Exit 1 with a warning if `tip send` already sent this tip."),
    ] = False,
) -> None:
    """Show the tip of the week (ISO week, Monday to Sunday).

    A tip dated in the week is that whole week's tip, from its Monday on; otherwise a
    rotation picks one, with no repeats until every tip has been shown.

    **Examples**

        tip week
        tip week --short
        tip week next week
        tip week 2026-W50
        tip week in two weeks --pager
        tip week --date 2026-W05 --category 'service recovery'
        tip week --unsent && tip send week --to team@example.org
    """
    from tipweek.dates import week_label
    from tipweek.select import tip_for_week

    st = state(ctx)
    day = st.when(when, date)
    key = st.filters(category).category
    pick = tip_for_week(st.store, day, key)
    if unsent:
        from tipweek.sentlog import already_sent, when_text

        sent = already_sent(st.paths.send_log, pick.tip.id)
        if sent:
            from tipweek.cli.app import fail

            fail(
                f"'{pick.tip.id}' was already sent on {when_text(sent[-1])}",
                hint="tip send week --force sends it again",
            )
    _print_pick(
        st, pick, short=short, as_json=as_json, pager=pager, what=f"tip of the week {week_label(pick.start)}"
    )


@command()
def show(
    ctx: typer.Context,
    tip_id: Annotated[str, typer.Argument(metavar="ID", help="The tip's id, or a unique start of it.")],
    as_json: JsonOpt = False,
    pager: PagerOpt = None,
) -> None:
    """Show one tip in full, then the three most similar tips.

    **Examples**

        tip show lower-your-voice-when-theirs-goes-up
        tip show lower                 a unique start of an id is enough
        tip show lower --json
    """
    from tipweek.store import find_tip

    st = state(ctx)
    tip = find_tip(st.store, tip_id)
    if as_json:
        emit_json(tip.to_json())
    else:
        show_tip(st, tip, pager=pager, see_also=True)


@command("list")
def list_(
    ctx: typer.Context,
    category: CategoryOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    year: Annotated[int | None, typer.Option("--year", help="Only tips dated in this year.")] = None,
    limit: LimitOpt = None,
    hidden: Annotated[
        bool, typer.Option("--hidden", help="List the tips retired with `tip hide` instead.")
    ] = False,
    as_json: JsonOpt = False,
    pager: PagerOpt = None,
) -> None:
    """List tips, newest first.

    Excerpts (only the start of the tip is known, as for teasers imported from a blog) are
    marked: they can be read and searched, but are never the tip of the day or week.

    **Examples**

        tip list
        tip list --category empathy --limit 10
        tip list --since 'June 1, 2026' --until today
        tip list --year 2025 --json
        tip list --hidden                  the tips you retired with tip hide
    """
    from tipweek.cli.views import list_table

    st = state(ctx)
    filters = st.filters(category, since, until, year)._replace(hidden=hidden)
    tips = st.store.tips(filters, limit)
    if as_json:
        emit_json([t.to_json() for t in tips])
        return
    if not tips:
        from tipweek.errors import NotFound

        filtered = any(v is not None for v in (category, since, until, year))
        if hidden and not filtered:
            raise NotFound("no tip is hidden", hint="`tip hide ID` retires a tip")
        raise NotFound(f"no {'hidden ' if hidden else ''}tips match those filters")
    page(st, list_table(st.store, filters, tips, st.today), pager)


@command()
def categories(
    ctx: typer.Context,
    aliases: Annotated[
        bool,
        typer.Option("--aliases", help="Show which spellings the config's [categories] aliases map where."),
    ] = False,
    as_json: JsonOpt = False,
    pager: PagerOpt = None,
) -> None:
    """List the categories and how many tips each has.

    Categories match ignoring case and punctuation: 'service-recovery', 'Service Recovery'
    and 'service recovery' are the same. Other spellings of one category ('Sports' for
    'Sports & Events') are merged by aliases in the config file's [categories] table.

    **Examples**

        tip categories
        tip categories --json
        tip categories --aliases
    """
    from tipweek import render
    from tipweek.cli.views import sorted_categories

    st = state(ctx)
    if aliases:
        _show_aliases(st, as_json=as_json)
        return
    cats = sorted_categories(st.store)
    if as_json:
        emit_json([c.to_json() for c in cats])
    else:
        page(st, render.categories_table(cats), pager)


def _show_aliases(st: State, *, as_json: bool) -> None:
    """Each alias with the name it is shown under and whether that category has tips."""
    from tipweek import render
    from tipweek.text import category_key

    table = st.curation.aliases
    counts = {c.key: c.tips for c in st.store.categories()}
    rows = [
        (spelling, table.name(spelling), counts.get(category_key(table.name(spelling)), 0))
        for spelling, _ in table.pairs
    ]
    if as_json:
        emit_json([{"spelling": a, "category": b, "count": n} for a, b, n in rows])
    elif not rows:
        from tipweek.cli.app import report

        report(
            "no category aliases",
            kind="note",
            hint='add [categories] aliases = { "Old" = "New" } to the config',
        )
    else:
        st.out.print(render.aliases_table(rows))


@command("random")
def random_(
    ctx: typer.Context,
    category: CategoryOpt = None,
    short: ShortOpt = False,
    as_json: JsonOpt = False,
    pager: PagerOpt = None,
) -> None:
    """Show a random tip (never one scheduled for a later date).

    **Examples**

        tip random
        tip random --category teamwork --short
    """
    from tipweek.select import Pick, random_tip

    st = state(ctx)
    tip = random_tip(st.store, st.today, st.filters(category).category)
    _print_pick(
        st, Pick(tip, st.today, st.today, False), short=short, as_json=as_json, pager=pager, what="random tip"
    )


class ScheduleFormat(enum.StrEnum):
    text = "text"
    json = "json"
    ics = "ics"


FirstWeekArg = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="[DATE]", help="The first week, as with --from: 2027-W01, 'next month'…", show_default=False
    ),
]
FromOpt = Annotated[
    str | None, typer.Option("--from", "--date", "-d", help="The first week (any date form).")
]
WeeksOpt = Annotated[int, typer.Option("--weeks", "-w", min=1, max=520, help="How many weeks.")]
ScheduleFormatOpt = Annotated[
    ScheduleFormat | None,
    typer.Option(
        "--format",
        "-f",
        help="text (a table), json, or ics: iCalendar, one all-day event a week for a calendar app; "
        "default: from the -o extension, else text.",
    ),
]
ScheduleOutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE", help="Write the ics or json to this file ('-': stdout)."),
]


@command()
def schedule(
    ctx: typer.Context,
    when: FirstWeekArg = None,
    start: FromOpt = None,
    weeks: WeeksOpt = 8,
    category: CategoryOpt = None,
    as_json: JsonOpt = False,
    fmt: ScheduleFormatOpt = None,
    output: ScheduleOutputOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the output file if it exists.")] = False,
    pager: PagerOpt = None,
) -> None:
    """Show the coming weeks and the tip each one gets, or write them as a calendar.

    Weeks with a dated tip are marked scheduled; the others show the rotation's pick. The
    ics calendar has one all-day event per week (TENTATIVE for rotation picks, which adding
    tips can change) with a UID made from the week alone, so importing a newer file updates
    each week instead of adding it twice; events link to the site when [site] base_url is set.

    **Examples**

        tip schedule
        tip schedule next month --weeks 12
        tip schedule 2027-W01 --json
        tip schedule --from 2027-01-01 -f json
        tip schedule --weeks 26 --format ics > tips.ics
        tip schedule --weeks 52 -o tips.ics --force
    """
    from tipweek import render
    from tipweek.select import schedule as plan

    st = state(ctx)
    if output is not None and str(output) in STDOUT_NAMES:
        output = None  # `-o -` is stdout, as for every command that writes a file
    key = st.filters(category).category
    picks = plan(st.store, st.when(when, start, "--from"), weeks, key)
    name = _schedule_format(as_json, fmt, output)
    if name == "text":
        page(st, render.schedule_table(picks), pager)
        return
    if name == "json" and output is None:
        emit_json([p.to_json() for p in picks])
        return
    data = _calendar(st, picks, key) if name == "ics" else _json_bytes([p.to_json() for p in picks])
    _write(data, output, force=force, what=f"{len(picks)} weeks")


def _schedule_format(as_json: bool, fmt: ScheduleFormat | None, output: Path | None) -> str:
    """--json, else --format, else the -o file's extension (ics or json), else text; an
    extension that says otherwise, or text into a file, is bad input naming both."""
    from tipweek.errors import BadInput

    asked = "json" if as_json else (fmt.value if fmt else "")
    suffix = output.suffix.lower().lstrip(".") if output else ""
    if output is not None and asked and suffix in ("ics", "json") and suffix != asked:
        raise BadInput(f"-o {output.name} is {suffix}, but --format is {asked}", hint="change one")
    name = asked or (suffix if suffix in ("ics", "json") else "text")
    if name == "text" and output is not None:
        raise BadInput(
            f"-o {output.name}: schedule writes ics or json files", hint="use -o FILE.ics or --format ics"
        )
    return name


def _calendar(st: State, picks: list[Pick], category: str | None) -> bytes:
    import datetime as dt

    from tipweek.chat import tip_page
    from tipweek.ical import calendar

    # DTSTAMP is when the file was made; TIP_TODAY pins it like every other date.
    pinned = st.env.get("TIP_TODAY")
    now = dt.datetime.combine(st.today, dt.time(), dt.UTC) if pinned else dt.datetime.now(dt.UTC)
    site = st.config.site
    return calendar(
        picks,
        now=now,
        name=site.title,
        category=category,
        tip_url=(lambda tip: tip_page(site.base_url, tip)) if site.base_url else None,
    )


def _json_bytes(data: object) -> bytes:
    from tipweek.shapes import dumps

    return (dumps(data) + "\n").encode("utf-8")


def _write(data: bytes, output: Path | None, *, force: bool, what: str) -> None:
    from tipweek.text import one_line

    if write_output(output, data, force=force) is not None:
        typer.echo(f"wrote {one_line(str(output))} ({what})", err=True)


@command()
def check(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Check the config file and every tip file, and list each problem as file:line: message.

    Exits with 1 if any file has an error (warnings alone exit 0). Tip files must be regular
    files (a link only to a file inside its library) within the size and shape limits. Also
    warns about an excerpt without a summary, a takeaway repeated as the body's last
    paragraph, a source that is not a link, a category alias that points at no category, and
    a hidden id that matches no tip.

    **Examples**

        tip check
        tip check --library ./team-tips     your own folder of tips as well
    """
    from tipweek import curation
    from tipweek.library import Problem, load
    from tipweek.text import one_line

    st = state(ctx)
    st.strict_config = False
    config_file = str(st.paths.config_file)
    problems = [
        Problem(config_file, None, f"{p.key}: {p.message}" if p.key else p.message, p.severity)
        for p in st.config_read[1]
    ]
    loaded = load(st.sources)
    problems += [
        *loaded.problems,
        *(p for tip in loaded.tips for p in curation.tip_problems(tip)),
        *curation.alias_problems(st.curation.aliases, loaded.tips, config_file),
        *curation.hidden_problems(st.curation.hidden, loaded.tips, str(st.paths.hidden_list)),
    ]
    errors = [p for p in problems if p.severity == "error"]
    if as_json:
        emit_json({"tips": len(loaded.tips), "problems": [p.to_json() for p in problems]})
    else:
        for problem in problems:
            typer.echo(one_line(str(problem)))
        summary = f"{len(loaded.tips)} tips checked, {len(errors)} error(s)"
        warnings = len(problems) - len(errors)
        typer.echo(summary + (f", {warnings} warning(s)" if warnings else ""), err=True)
    if errors:
        raise typer.Exit(ExitCode.FAILURE)
