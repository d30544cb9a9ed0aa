"""Commands: post (a tip to chat channels) and deliver (to every destination in the config, once)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from tipweek.cli.app import (
    AllowExcerptOpt,
    DateOpt,
    ExitCode,
    TipArg,
    command,
    emit_json,
    named_tip,
    report,
    state,
)

if TYPE_CHECKING:
    from tipweek.chat import Posting
    from tipweek.cli.app import State
    from tipweek.deliver import Result
    from tipweek.model import Tip

ChannelsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--to",
        metavar="NAME",
        help="A [channels.NAME] of the config (repeatable); default: every channel with deliver = true.",
    ),
]
KindOpt = Annotated[
    str | None,
    typer.Option(
        "--kind",
        metavar="KIND",
        help="With --dry-run and no channel: the payload for slack, teams, discord, mattermost, "
        "google-chat or webhook.",
    ),
]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="Deliver again where the log shows the tip already arrived.")
]


def pick(st: State, which: str | None, date: str | None, *, allow_excerpt: bool) -> tuple[Tip, str]:
    """The tip and the heading it goes under: "Tip of the week 2026-W48", "Tip of the day …".
    A tip named by id may be an excerpt only with `allow_excerpt`, as for `tip send`."""
    from tipweek.dates import week_label
    from tipweek.errors import BadInput
    from tipweek.select import tip_for_day, tip_for_week

    choice = (which or "week").strip()
    if choice.lower() == "week":
        chosen = tip_for_week(st.store, st.date(date))
        return chosen.tip, f"Tip of the week {week_label(chosen.start)}"
    if choice.lower() == "today":
        day = st.date(date)
        return tip_for_day(st.store, day).tip, f"Tip of the day {day.isoformat()}"
    if date is not None:
        raise BadInput("--date goes with 'today' or 'week', not with a tip id")
    return named_tip(st.store, choice, allow_excerpt=allow_excerpt), "Tip of the week"


@command()
def post(
    ctx: typer.Context,
    which: TipArg = None,
    to: ChannelsOpt = None,
    kind: KindOpt = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the JSON that would be posted; post nothing.")
    ] = False,
    force: ForceOpt = False,
    allow_excerpt: AllowExcerptOpt = False,
    date: DateOpt = None,
) -> None:
    """Post a tip (this week's by default) to chat channels: Slack, Teams, Discord, Mattermost,
    Google Chat or any webhook.

    A channel is a [channels.NAME] table in the config with kind (slack, teams, discord,
    mattermost, google-chat or webhook) and url_env, the environment variable that holds
    the webhook URL (never the URL itself). Each platform gets the message its webhooks
    document; a long tip is cut between paragraphs, with a link to the whole tip when
    [site] base_url is set. A post that went through is logged: posting the same tip to the
    same channel again needs --force. --dry-run prints the JSON (one channel: its payload;
    several: an object by channel name). Excerpts (only the start of a tip is known) are
    never picked; posting one by its id needs --allow-excerpt.

    **Examples**

        tip post week --kind slack --dry-run      Slack's message, no config needed
        tip post today --kind teams --dry-run
        tip post --to front-desk                  to [channels.front-desk]
        tip post let-them --to front-desk --to leads --force
    """
    from tipweek import chat

    st = state(ctx)
    tip, label = pick(st, which, date, allow_excerpt=allow_excerpt)
    if kind is not None:
        _preview_kind(tip, label, kind, st, dry_run=dry_run, named=bool(to))
        return
    postings = chat.prepare(
        tip,
        label,
        chat.find_channels(st.config, to or ()),
        site_url=st.config.site.base_url,
        log_path=st.paths.send_log,
    )
    if dry_run:
        payloads = {p.settings.name: p.payload for p in postings}
        emit_json(next(iter(payloads.values())) if len(payloads) == 1 else payloads)
        return
    _send_all(st, tip, postings, force=force)


def _send_all(st: State, tip: Tip, postings: list[Posting], *, force: bool) -> None:
    """Post to each channel; refuse repeats without --force; one failure never stops the rest."""
    from tipweek import chat
    from tipweek.errors import TipError

    repeats = [p for p in postings if p.earlier]
    if repeats and not force:
        names = ", ".join(p.settings.name for p in repeats)
        report(
            f"'{tip.id}' was already posted to {names} ({repeats[0].earlier[-1]})",
            kind="warning",
            hint="use --force to post it again",
        )
        raise typer.Exit(ExitCode.FAILURE)
    failed = 0
    for posting in postings:
        try:
            warning = chat.send(posting, env=st.env, log_path=st.paths.send_log)
        except TipError as exc:
            if len(postings) == 1:
                raise
            report(exc.message, hint=exc.hint)
            failed += 1
            continue
        typer.echo(f"posted '{tip.id}' to {posting.where}")
        if warning:
            report(warning, kind="warning", hint="the tip was posted")
    if failed:
        raise typer.Exit(ExitCode.FAILURE)


def _preview_kind(tip: Tip, label: str, kind: str, st: State, *, dry_run: bool, named: bool) -> None:
    from tipweek.channels import KINDS, Post, payload
    from tipweek.chat import tip_page
    from tipweek.errors import BadInput

    if not dry_run or named:
        raise BadInput("--kind only previews a payload", hint="use it with --dry-run and without --to")
    if kind not in KINDS:
        raise BadInput(f"unknown channel kind '{kind}'", hint="kinds: " + ", ".join(KINDS))
    emit_json(payload(kind, Post(tip, label, tip_page(st.config.site.base_url, tip))))


@command()
def deliver(
    ctx: typer.Context,
    which: TipArg = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be delivered where; deliver nothing.")
    ] = False,
    force: ForceOpt = False,
    allow_excerpt: AllowExcerptOpt = False,
    date: DateOpt = None,
) -> None:
    """Deliver a tip (this week's by default) everywhere the config says, once.

    Email goes to [export] to through [smtp]; chat to every [channels.NAME] with deliver =
    true. The delivery log, shared with tip send and tip post, decides: a recipient or
    channel that already has the tip is skipped, so a second run (or a rerun after a
    failure) delivers only what is missing. Exits with 1 if any destination failed; the
    others are still delivered. Made for cron or a systemd timer on Monday morning.
    Excerpts are never picked; delivering one by its id needs --allow-excerpt.

    **Examples**

        tip deliver week --dry-run       what would go where
        tip deliver week                 from cron: 0 8 * * 1  tip deliver week
        tip deliver today --force        again, even where it already arrived
    """
    from tipweek.deliver import deliver as run
    from tipweek.errors import BadInput

    st = state(ctx)
    tip, label = pick(st, which, date, allow_excerpt=allow_excerpt)
    results = run(tip, label, st.config, log_path=st.paths.send_log, env=st.env, dry_run=dry_run, force=force)
    if not results:
        message, hint = "nothing to deliver to", "set [export] to for email, or add [channels.NAME] tables"
        if dry_run:
            report(message, kind="warning", hint=hint)
            return
        raise BadInput(message, hint=hint)
    st.out.print(_table(tip, results, dry_run=dry_run))
    if any(r.status == "failed" for r in results):
        raise typer.Exit(ExitCode.FAILURE)


def _table(tip: Tip, results: list[Result], *, dry_run: bool) -> object:
    from rich.table import Table
    from rich.text import Text

    from tipweek.text import one_line

    styles = {"delivered": "green", "would deliver": "cyan", "skipped": "dim", "failed": "bold red"}
    table = Table(
        title=Text(f"{'Dry run: ' if dry_run else ''}{one_line(tip.title)} ({tip.id})"), header_style="bold"
    )
    table.add_column("Destination", overflow="fold", ratio=2)
    table.add_column("Result", no_wrap=True)
    table.add_column("Detail", overflow="fold", ratio=3)
    for result in results:
        table.add_row(
            Text(one_line(result.where)),
            Text(result.status, style=styles.get(result.status, "")),
            Text(one_line(result.detail)),
        )
    return table
