"""Commands that show the setup: config (path, show, edit) and doctor."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tipweek.cli.app import ExitCode, JsonOpt, app, command, emit_json, help_text, report, state

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.table import Table

    from tipweek.cli.app import CommandFunc, State
    from tipweek.config import Effective
    from tipweek.doctor import Finding, Setup

config_app = typer.Typer(
    name="config",
    help=help_text(
        """See and change the config file: where it is, what each setting is, and editing it.

        Settings come from the config file, else their defaults; file locations from the
        TIP_CONFIG, TIP_DATA_DIR and TIP_CACHE_DIR variables, else the platform's folders.

        **Examples**

            tip config path                  where the config file is (or would be)
            tip config show                  every setting, and where it comes from
            tip config show --json
            tip config edit                  edit it, checked when you save
        """
    ),
    no_args_is_help=True,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)

#: A new config file, as `tip config edit` starts it: every table, commented out.
STARTER = """\
# tipweek's config file. Lines starting with # are comments; remove the # to use a setting.
# `tip config show` lists every setting and its value; `tip doctor` checks them.

# libraries = ["~/team-tips"]   # more libraries to read
# bundled = true                # false leaves out the bundled tips

[export]
# subject = "Tip of the Week: {title}"
# from = "Training Team <training@example.org>"
# to = ["team@example.org"]

[smtp]
# host = "smtp.example.org"
# port = 587
# security = "starttls"         # or "ssl" or "none"
# username = "training@example.org"
# password_env = "TIP_SMTP_PASSWORD"   # the password is read from this variable, never stored
"""


def subcommand(name: str) -> Callable[[CommandFunc], CommandFunc]:
    """`tip config NAME`, with its Examples one per line (see `help_text`)."""

    def register(func: CommandFunc) -> CommandFunc:
        config_app.command(name, help=help_text(func.__doc__ or ""))(func)
        return func

    return register


@subcommand("path")
def path(ctx: typer.Context) -> None:
    """Print where the config file is (or would be: it is optional).

    **Examples**

        tip config path
    """
    typer.echo(str(state(ctx).paths.config_file))


@subcommand("show")
def show(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Show the files tip uses, the libraries it reads, and every setting with where it comes
    from. Passwords and webhook URLs are never shown: only whether their variable is set.

    **Examples**

        tip config show
        tip config show --json
    """
    from tipweek.config import effective

    st = state(ctx)
    st.strict_config = False  # show what is there, problems included
    settings = effective(st.config)
    files, libraries = _files(st), _libraries(st)
    if as_json:
        emit_json({
            "files": [{"what": w, "path": p, "from": o} for w, p, o in files],
            "libraries": [{"name": n, "path": p, "from": o} for n, p, o in libraries],
            "settings": [
                {"key": e.key, "value": _plain(e.value), "from": e.origin}
                | ({"variable_set": bool(st.env.get(e.secret_env))} if e.secret_env else {})
                for e in settings
            ],
        })  # fmt: skip
        return
    from rich.console import Group
    from rich.text import Text

    rows = [(e.key, _value(st, e), e.origin) for e in settings]
    st.out.print(Group(
        Text("Files", style="bold"), _grid(files),
        Text("\nLibraries, read in this order (a tip in a later one wins)", style="bold"), _grid(libraries),
        Text("\nSettings", style="bold"), _grid(rows, aligned=True),
    ))  # fmt: skip
    _report_problems(st)


def _files(st: State) -> list[tuple[str, str, str]]:
    from tipweek.config import path_origins
    from tipweek.index import index_path

    origins = path_origins(st.env)
    config = st.paths.config_file
    exists = "" if config.exists() else " (not created yet)"
    return [
        ("config file", str(config), origins["config_file"] + exists),
        ("your library", str(st.paths.user_library), origins["data_dir"]),
        ("sent log", str(st.paths.send_log), origins["data_dir"]),
        ("index", str(index_path(st.paths.cache_dir, st.sources)), origins["cache_dir"]),
    ]


def library_origins(st: State) -> dict[str, str]:
    """Each listed library's absolute path and where it was listed."""
    import os

    from tipweek.library import expand

    listed = [(p, f"libraries in {st.paths.config_file}") for p in st.config.libraries]
    listed += [(Path(p), "TIP_LIBRARY") for p in st.env.get("TIP_LIBRARY", "").split(os.pathsep) if p]
    listed += [(p, "--library") for p in st.extra_libraries]
    found: dict[str, str] = {}
    for given, origin in listed:
        found.setdefault(str(expand(given).absolute()), origin)
    return found


def _libraries(st: State) -> list[tuple[str, str, str]]:
    origins = library_origins(st)
    rows = []
    for source in st.sources:
        if source.name == "bundled":
            rows.append(("bundled", str(source.path), "bundled = true (read-only)"))
        elif source.name == "user":
            rows.append(("your own", str(source.path), "tip add and tip import write here"))
        else:
            rows.append(("", str(source.path), origins.get(str(source.path), "")))
    return rows


def _value(st: State, setting: Effective) -> str:
    """The value as the file writes it; for a secret's variable, whether it is set (never
    what it holds)."""
    if not setting.secret_env:
        return _toml(setting.value)
    return _toml(setting.value) + (" (set, hidden)" if st.env.get(setting.secret_env) else " (NOT SET)")


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _toml(value: Any) -> str:
    """A value as the config file writes it, on one line."""
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value)


def _grid(rows: list[tuple[str, str, str]], *, aligned: bool = False) -> Table:
    """Name, value and where it comes from (dim): in three columns when `aligned` (short
    values), else the origin after the value, so that a long path stays whole."""
    from rich.table import Table
    from rich.text import Text

    table = Table.grid(padding=(0, 2), pad_edge=True)
    table.add_column(no_wrap=True, style="cyan")
    table.add_column(overflow="fold")
    if aligned:
        table.add_column(overflow="fold", style="dim")
    for name, value, origin in rows:
        if aligned:
            table.add_row(Text(name), Text(value), Text(origin))
        else:
            table.add_row(Text(name), Text.assemble(value, ("  " + origin if origin else "", "dim")))
    return table


def _report_problems(st: State) -> None:
    from tipweek.config import describe

    for problem in st.config_read[1]:
        report(
            describe(st.paths.config_file, problem),
            kind="warning" if problem.severity == "warning" else "error",
        )


@subcommand("edit")
def edit(ctx: typer.Context) -> None:
    """Open the config file in your editor ($VISUAL or $EDITOR), creating it with every table
    commented out if there is none; it is checked when the editor closes.

    **Examples**

        tip config edit
        EDITOR='code --wait' tip config edit
    """
    from tipweek import authoring, safewrite

    st = state(ctx)
    config = st.paths.config_file
    if not config.exists():
        safewrite.write_file(config, STARTER.encode("utf-8"))
        report(f"created {config}", kind="note")
    authoring.run_editor(config, st.env)
    st.__dict__.pop("config_read", None)  # read it again, as saved
    _report_problems(st)
    if any(p.severity == "error" for p in st.config_read[1]):
        raise typer.Exit(ExitCode.FAILURE)
    typer.echo(f"checked {config}: {len(st.config_read[0].given)} setting(s)", err=True)


if not any(info.name == "config" for info in app.registered_groups):
    app.add_typer(config_app, name="config")


@command()
def doctor(
    ctx: typer.Context,
    smtp: Annotated[
        bool, typer.Option("--smtp", help="Also connect to the SMTP server and log in (sends nothing).")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Check the setup: config, libraries, index, sent log, SMTP and chat channels.

    Each problem comes with its fix. Nothing is changed, and the SMTP server is contacted
    only with --smtp. Exits with 1 if anything needs fixing (warnings alone exit 0).

    **Examples**

        tip doctor
        tip doctor --json
        tip doctor --smtp         log in to the SMTP server too
    """
    from tipweek import doctor as checks

    st = state(ctx)
    st.strict_config = False
    setup = _setup(st)
    findings = [*checks.config_findings(setup), *_store_findings(st, setup)]
    findings += checks.sent_log_findings(st.paths.send_log)
    findings += checks.smtp_findings(setup, _probe(st) if smtp else None)
    findings += checks.channel_findings(setup)
    if as_json:
        emit_json([f.to_json() for f in findings])
    else:
        st.out.print(_findings_table(findings))
    problems = sum(f.status == checks.PROBLEM for f in findings)
    warnings = sum(f.status == checks.WARNING for f in findings)
    typer.echo(f"{problems} problem(s), {warnings} warning(s)", err=True)
    if problems:
        raise typer.Exit(ExitCode.FAILURE)


def _setup(st: State) -> Setup:
    from tipweek.doctor import Setup

    return Setup(st.paths, st.config, st.config_read[1], st.sources, library_origins(st), st.env)


def _store_findings(st: State, setup: Setup) -> list[Finding]:
    from tipweek import doctor as checks
    from tipweek.index import index_path

    store = st.open_store()
    in_memory = store.db.execute("PRAGMA database_list").fetchone()["file"] == ""
    errors = sum(p.severity == "error" for p in store.problems)
    return [
        *checks.library_findings(setup, errors),
        *checks.index_findings(index_path(st.paths.cache_dir, st.sources), in_memory, store.count()),
    ]


def _probe(st: State) -> Any:
    from tipweek import mail

    return lambda: mail.probe(st.config.smtp, st.env)


def _findings_table(findings: list[Finding]) -> Table:
    from rich.table import Table
    from rich.text import Text

    styles = {"ok": "green", "warning": "yellow", "problem": "bold red"}
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, style="bold")
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    for f in findings:
        text = Text(f.message)
        if f.fix:
            text.append(
                f"\nfix: {f.fix}" if f.status != "ok" else f"\n{f.fix}",
                style="cyan" if f.status != "ok" else "dim",
            )
        table.add_row(Text(f.area), Text(f.status, style=styles[f.status]), text)
    return table
