"""Commands: export (a tip as eml, html, text, markdown, json, fortune or svg) and send (by SMTP)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tipweek.cli.app import (
    STDOUT_NAMES,
    AllowExcerptOpt,
    CategoryOpt,
    DateOpt,
    ExitCode,
    LimitOpt,
    SinceOpt,
    TipArg,
    UntilOpt,
    command,
    interactive,
    named_tip,
    report,
    state,
    write_output,
    write_stdout,
)

if TYPE_CHECKING:
    from tipweek.cli.app import State
    from tipweek.mail import Outgoing
    from tipweek.model import Tip

ToOpt = Annotated[
    list[str] | None,
    typer.Option("--to", metavar="ADDR", help="Recipient (repeatable); default: [export] to in the config."),
]
CcOpt = Annotated[list[str] | None, typer.Option("--cc", metavar="ADDR", help="Copy to (repeatable).")]
FromOpt = Annotated[
    str | None,
    typer.Option(
        "--from", metavar="ADDR", help="Sender; default: [export] from in the config, else tipweek@localhost."
    ),
]
SubjectOpt = Annotated[
    str | None,
    typer.Option(
        "--subject",
        metavar="TEXT",
        help="Subject template: {title}, {id}, {date}, {count}; default: [export] subject in the config.",
    ),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite the output file if it exists.")]
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="F",
        help="eml, html, text, markdown, json, fortune, svg or atom; default: from the -o extension "
        "(eml if none), or text on stdout.",
    ),
]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write to this file ('-' means stdout).")
]
BccOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--bcc", metavar="ADDR", help="Blind copy (repeatable): in the envelope, never in the headers."
    ),
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Show the server, the envelope and the message; send nothing.")
]
RawOpt = Annotated[
    bool, typer.Option("--raw", help="With --dry-run: the message's MIME source, as it would be sent.")
]
ResendOpt = Annotated[
    bool,
    typer.Option("--force", help="Send even if the log shows this tip already went to these recipients."),
]


def _select(
    st: State,
    tip_id: str | None,
    date: str | None,
    category: str | None,
    since: str | None,
    until: str | None,
    limit: int | None,
    allow_excerpt: bool = True,
) -> tuple[list[Tip], bool, str]:
    """The tips to export, whether they form a digest, and the heading above them. Only a
    tip named by its id may be an excerpt, and only when `allow_excerpt`."""
    from tipweek.errors import BadInput, NotFound
    from tipweek.select import tip_for_day, tip_for_week

    if any(v is not None for v in (category, since, until, limit)):
        if tip_id is not None:
            raise BadInput(
                "a digest (--category, --since, --until, --limit) takes no tip id",
                hint="leave out the id to send every matching tip in one message",
            )
        if date is not None:
            raise BadInput("--date picks the tip of a day or week; a digest uses --since and --until")
        # A digest is delivered: whole tips only, never excerpts.
        tips = st.store.tips(st.filters(category, since, until)._replace(whole=True), limit)
        if not tips:
            raise NotFound("no tips match those filters")
        return tips, True, "Tips of the Week"
    which = (tip_id or "week").strip()
    if which.lower() == "week":
        return [tip_for_week(st.store, st.date(date)).tip], False, "Tip of the Week"
    if which.lower() == "today":
        return [tip_for_day(st.store, st.date(date)).tip], False, "Tip of the Day"
    if date is not None:
        raise BadInput("--date goes with 'today' or 'week', not with a tip id")
    return [named_tip(st.store, which, allow_excerpt=allow_excerpt)], False, "Tip of the Week"


@command()
def export(
    ctx: typer.Context,
    tip_id: TipArg = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    to: ToOpt = None,
    cc: CcOpt = None,
    sender: FromOpt = None,
    subject: SubjectOpt = None,
    date: DateOpt = None,
    category: CategoryOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    limit: LimitOpt = None,
) -> None:
    """Export a tip (this week's by default) as an email draft, HTML, text, Markdown and more.

    An .eml file opens in Outlook, Apple Mail or Thunderbird as a new message ready to
    send. --category, --since, --until or --limit (instead of an id) export a digest of
    the matching tips, newest first, in one document.

    **Examples**

        tip export -o tip.eml                     this week's tip as an email draft
        tip export today --format html -o tip.html
        tip export lower -f markdown              one tip as Markdown, on stdout
        tip export --category empathy --limit 5 -o digest.eml --to team@example.org
        tip export --format fortune --since 2026-01-01 -o tips && strfile tips
        tip export week --format svg -o tip.svg --force
    """
    from tipweek.exporters import ExportOptions, format_for
    from tipweek.exporters import export as render
    from tipweek.text import one_line

    st = state(ctx)
    name = format_for(fmt, None if output is None or str(output) in STDOUT_NAMES else output)
    tips, digest, label = _select(st, tip_id, date, category, since, until, limit)
    options = ExportOptions.from_config(
        st.config, subject=subject, sender=sender, to=to or (), cc=cc or (), digest=digest, label=label
    )
    data = render(tips, name, options)
    if write_output(output, data, force=force) is None:
        return
    typer.echo(
        f"wrote {one_line(str(output))} ({name}, {len(tips)} tip{'s' if len(tips) != 1 else ''})", err=True
    )


@command()
def send(
    ctx: typer.Context,
    tip_id: TipArg = None,
    to: ToOpt = None,
    cc: CcOpt = None,
    bcc: BccOpt = None,
    sender: FromOpt = None,
    subject: SubjectOpt = None,
    dry_run: DryRunOpt = False,
    raw: RawOpt = False,
    force: ResendOpt = False,
    allow_excerpt: AllowExcerptOpt = False,
    date: DateOpt = None,
    category: CategoryOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    limit: LimitOpt = None,
) -> None:
    """Email a tip (this week's by default) through the SMTP server in the config.

    The [smtp] table of the config file gives host, port, security (starttls, ssl or
    none) and username; the password comes from the environment variable named by
    password_env, never from a file. Every message sent is logged per recipient: a
    recipient who already has the tip is skipped (say a second --to: only the new one gets
    it), and sending again to people who all have it asks first, or needs --force.
    Excerpts (only the start of a tip is known) are never picked; sending one by its id
    needs --allow-excerpt.

    **Examples**

        tip send --to team@example.org --dry-run  look before you send
        tip send --to team@example.org --dry-run --raw
        tip send --to team@example.org
        tip send today --to '"Doe, Jane" <jane@example.org>' --bcc lead@example.org
        tip send lower --to team@example.org --subject 'This week: {title}'
        tip send --category empathy --limit 3 --to team@example.org
    """
    from tipweek import mail
    from tipweek.errors import BadInput
    from tipweek.exporters import ExportOptions

    st = state(ctx)
    tips, digest, label = _select(st, tip_id, date, category, since, until, limit, allow_excerpt)
    options = ExportOptions.from_config(
        st.config,
        subject=subject,
        sender=sender,
        to=to or (),
        cc=cc or (),
        digest=digest,
        label=label,
        unsent=False,
    )
    outgoing = mail.prepare(tips, options, bcc or (), log_path=st.paths.send_log)
    if dry_run:
        _show_dry_run(st, outgoing, raw=raw, force=force)
        return
    if raw:
        raise BadInput("--raw goes with --dry-run", hint="tip send --dry-run --raw shows the MIME source")
    _deliver(st, outgoing, _targets(outgoing, force=force))


def _targets(outgoing: Outgoing, *, force: bool) -> list[str]:
    """Who gets it: everyone with --force; else those who do not have it yet, or, when all of
    them have it, everyone after a yes."""
    if force:
        return outgoing.recipients
    if not outgoing.missing:
        _confirm_repeat(outgoing.repeat)
        return outgoing.recipients
    if outgoing.skipped:
        report(_skipped(outgoing), kind="note", hint="--force sends to them too")
    return outgoing.missing


def _skipped(outgoing: Outgoing) -> str:
    who = outgoing.skipped
    return f"skipping {', '.join(who)}: {outgoing.what} already went there on {outgoing.last_time(who)}"


def _deliver(st: State, outgoing: Outgoing, targets: list[str]) -> None:
    from tipweek import mail

    delivery = mail.deliver(
        outgoing.message,
        targets,
        st.config.smtp,
        log_path=st.paths.send_log,
        tip_ids=outgoing.tip_ids,
        env=st.env,
    )
    accepted = ", ".join(delivery.accepted)
    typer.echo(f"sent {outgoing.what} to {len(delivery.accepted)} recipient(s): {accepted}")
    if delivery.log_error:
        report(delivery.log_error, kind="warning", hint="the message was sent")


def _show_dry_run(st: State, outgoing: Outgoing, *, raw: bool, force: bool) -> None:
    """The server, the envelope and the message as people read it (or its MIME source with
    --raw, alone on stdout), then on stderr what would happen."""
    from tipweek.mail import describe_server
    from tipweek.text import one_line

    targets = outgoing.recipients if force else (outgoing.missing or outgoing.recipients)
    sender = outgoing.message["From"].addresses[0].addr_spec
    rows = [
        ("server", describe_server(st.config.smtp, st.env)),
        ("envelope", f"from {sender}"),
        ("", f"to {', '.join(targets)}"),
    ]
    if outgoing.skipped and not force and outgoing.missing:
        when = outgoing.last_time(outgoing.skipped)
        rows.append(("skipped", f"{', '.join(outgoing.skipped)} (already had it: {when})"))
    summary = "".join(f"{(name + ':') if name else '':<10}{one_line(value)}\n" for name, value in rows)
    if raw:
        typer.echo(summary, err=True, nl=False)
        write_stdout(outgoing.preview())
    elif st.out.is_terminal:  # paged like any long view: the server and envelope stay in sight
        from rich.text import Text

        from tipweek.cli import paging
        from tipweek.text import clean

        paging.page(st.out, Text(clean(summary + "\n" + outgoing.readable()), end=""), None, st.env)
    else:
        write_stdout((summary + "\n" + outgoing.readable()).encode("utf-8"))
    if outgoing.repeat and not force:
        report(outgoing.repeat, kind="warning", hint="sending asks first, or use --force")
    typer.echo(
        f"dry run: nothing sent; would send {outgoing.what} to {len(targets)} recipient(s)",
        err=True,
    )


def _confirm_repeat(repeat: str) -> None:
    """Ask before sending the same tips to the same people again; refuse when nobody can answer."""
    from tipweek.cli.app import confirm

    if interactive():
        if not confirm(f"{repeat}. Send it again?"):
            report("nothing sent", kind="note")
            raise typer.Exit(ExitCode.FAILURE)
    else:
        report(repeat, kind="warning", hint="use --force to send it again")
        raise typer.Exit(ExitCode.FAILURE)
