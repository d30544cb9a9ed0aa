"""The Typer application, its shared options, and the one place errors become exit codes."""

from __future__ import annotations

import datetime as dt
import enum
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from typer._click.core import Command as ClickCommand
from typer._click.core import Context as ClickContext  # Typer vendors click
from typer._click.exceptions import NoArgsIsHelpError, UsageError
from typer.core import TyperGroup

from tipweek import __version__
from tipweek.cli.drawing import make_console
from tipweek.errors import BadInput, TipError
from tipweek.text import one_line

if TYPE_CHECKING:
    from tipweek.config import Config, ConfigProblem, Paths
    from tipweek.index import Index
    from tipweek.library import LibrarySource
    from tipweek.model import Tip
    from tipweek.store import Curation, Filters, Store
    from tipweek.understand.thesaurus import Thesaurus


class ExitCode(enum.IntEnum):
    OK = 0
    FAILURE = 1  # nothing found, a problem in the library, a send that failed
    BAD_INPUT = 2  # the command line asked for something malformed or unknown
    INTERRUPTED = 130


def exit_code_for(error: TipError) -> ExitCode:
    """Bad input is 2; everything else the library raises (not found, a library or mail
    failure) is 1."""
    return ExitCode.BAD_INPUT if isinstance(error, BadInput) else ExitCode.FAILURE


def err_console() -> Console:
    return make_console(stderr=True)


def report(message: str, *, kind: str = "error", hint: str = "") -> None:
    """One line on stderr: `error: message (hint)`. The text is printed as data, not markup."""
    from rich.text import Text

    line = Text(f"{kind}: ", style="bold red" if kind == "error" else "bold yellow")
    line.append(one_line(message))
    if hint:
        line.append(f" ({one_line(hint)})", style="dim")
    err_console().print(line, soft_wrap=True)


def interactive() -> bool:
    """Whether someone is at the keyboard to answer questions (tests replace this)."""
    return sys.stdin.isatty() and sys.stderr.isatty()


def ask(question: str, default: str = "") -> str:
    """One question on stderr, in the one prompt style: `Question [default]: `.

    An empty answer (or the end of input) is the default; the answer is stripped.
    """
    from rich.text import Text

    prompt = Text(question, style="bold")
    if default:
        prompt.append(f" [{one_line(default)}]", style="cyan")
    prompt.append(": ")
    console = err_console()
    console.print(prompt, end="")
    try:
        answer = input()
    except EOFError:  # nobody can answer any more: stop rather than ask forever
        console.print()
        report("no answer: the input ended", kind="note")
        raise typer.Exit(ExitCode.FAILURE) from None
    return answer.strip() or default


def confirm(question: str, *, default: bool = False) -> bool:
    """A yes/no question in the one style, `Question? [y/N]` (the capital is the default),
    asked again until the answer is yes or no."""
    choices = "Y/n" if default else "y/N"
    while True:
        answer = ask(f"{question} [{choices}]").lower()
        if not answer:
            return default
        if answer in ("y", "yes", "n", "no"):
            return answer.startswith("y")
        report("please answer y or n", kind="note")


def _usage(error: UsageError) -> NoReturn:
    """A command line Typer cannot parse: one line, like every other error, not a panel."""
    if isinstance(error, NoArgsIsHelpError):
        raise error
    where = error.ctx.command_path if error.ctx else "tip"
    report(lower_first(error.format_message().rstrip(".")), hint=f"see '{where} --help'")
    raise typer.Exit(ExitCode.BAD_INPUT) from None


def lower_first(message: str) -> str:
    """Click's "No such option: …" as every other error reads: "no such option: …" (a word
    in capitals, such as SMTP or ID, is left alone)."""
    first = message.split(" ", 1)[0]
    return message[:1].lower() + message[1:] if first[:1].isupper() and not first.isupper() else message


def _add_library(ctx: ClickContext, _param: object, value: tuple[str, ...] | None) -> None:
    """`tip week --library team-tips`: the global option, given after the command."""
    if value:
        state(ctx).extra_libraries.extend(Path(v) for v in value)


def with_library_option(command: ClickCommand) -> ClickCommand:
    """Accept `-L/--library` after the command too (and in each subcommand of a group)."""
    from typer.core import TyperOption

    if any(getattr(p, "name", "") == "library_after" for p in command.params):
        return command
    command.params.append(
        TyperOption(
            param_decls=["library_after", "--library", "-L"],
            type=str,
            multiple=True,
            metavar="PATH",
            expose_value=False,
            callback=_add_library,
            help="Also read tips from this folder (repeatable; TIP_LIBRARY works too).",
        )
    )
    for sub in getattr(command, "commands", {}).values():
        with_library_option(sub)
    return command


def _config_named(ctx: ClickContext, hint: str) -> str:
    """`check smtp.host in the config` names the file: `in /home/me/.config/tipweek/config.toml`."""
    if "in the config" not in hint or not isinstance(ctx.find_root().obj, State):
        return hint
    return hint.replace("in the config", f"in {state(ctx).paths.config_file}")


class TipGroup(TyperGroup):
    """Maps library errors to one stderr line and a named exit code, for every command."""

    def list_commands(self, ctx: ClickContext) -> list[str]:
        return list(self.commands)  # in the order they were registered, not alphabetical

    def get_command(self, ctx: ClickContext, cmd_name: str) -> ClickCommand | None:
        command = super().get_command(ctx, cmd_name)
        return with_library_option(command) if command is not None else None

    def parse_args(self, ctx: ClickContext, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except UsageError as error:
            _usage(error)

    def invoke(self, ctx: ClickContext) -> Any:
        try:
            return super().invoke(ctx)
        except TipError as error:
            report(error.message, hint=_config_named(ctx, error.hint))
            raise typer.Exit(exit_code_for(error)) from None
        except KeyboardInterrupt:
            raise typer.Exit(ExitCode.INTERRUPTED) from None
        except UsageError as error:
            _usage(error)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except BrokenPipeError:
            # `tip list | head`: the reader went away; that is not an error.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(ExitCode.OK) from None
        except Exception as error:
            if os.environ.get("TIP_DEBUG"):
                raise
            report(
                f"unexpected {type(error).__name__}: {error}",
                hint="please report this; TIP_DEBUG=1 shows the details",
            )
            raise typer.Exit(ExitCode.FAILURE) from None


CommandFunc = Callable[..., None]
#: `tip` commands by name, as marked by `@command`; `tipweek.cli.load` adds the ones a run needs.
COMMANDS: dict[str, tuple[CommandFunc, dict[str, Any]]] = {}


def help_text(doc: str) -> str:
    """A docstring as `--help` shows it, with the indented Examples fenced as one block.

    Typer dedents everything after the first paragraph again: when Examples is the only
    paragraph left, its indented lines lost their indent and ran together into one
    paragraph. Fenced, they stay one example per line whatever comes before them.
    """
    import inspect
    import re

    def fence(match: re.Match[str]) -> str:
        lines = inspect.cleandoc(match.group(2)).splitlines()
        return match.group(1) + "```text\n" + "\n".join(lines) + "\n```\n"

    text = inspect.cleandoc(doc)
    return re.sub(r"(\*\*Examples\*\*\n\n)((?:(?: {4}.*)?\n?)+)", fence, text + "\n").rstrip("\n")


def command(name: str | None = None, **settings: Any) -> Callable[[CommandFunc], CommandFunc]:
    """Mark a function as the command `tip NAME` (Typer builds only the commands a run uses)."""

    def mark(func: CommandFunc) -> CommandFunc:
        if func.__doc__ and "help" not in settings:
            settings["help"] = help_text(func.__doc__)
        COMMANDS[name or func.__name__] = (func, settings)
        return func

    return mark


app = typer.Typer(
    cls=TipGroup,
    name="tip",
    epilog="Start with `tip week`. Every command has --help with examples.",
    no_args_is_help=False,
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass
class State:
    """What every command needs: where the libraries are, today's date, the output consoles."""

    extra_libraries: list[Path] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    opened: list[Index] = field(default_factory=list)
    hidden_signature: str = "none"  # of the hidden list `curation` read (for the fast route)

    @cached_property
    def today(self) -> dt.date:
        # TIP_TODAY pins the clock, for demos, screenshots and tests of the CLI itself.
        pinned = self.env.get("TIP_TODAY")
        return dt.date.fromisoformat(pinned) if pinned else dt.date.today()

    @cached_property
    def paths(self) -> Paths:
        from tipweek.config import user_paths

        return user_paths(self.env)

    #: False for `tip check`, which lists config problems and goes on with the defaults.
    strict_config: bool = True

    @cached_property
    def config_read(self) -> tuple[Config, list[ConfigProblem]]:
        from tipweek.config import read_config

        return read_config(self.paths.config_file)

    @cached_property
    def config(self) -> Config:
        """The validated config; one that breaks the schema stops the command in one line."""
        from tipweek.config import config_error, describe

        config, problems = self.config_read
        if self.strict_config:
            if any(p.severity == "error" for p in problems):
                raise config_error(self.paths.config_file, problems)
            for problem in problems:  # unknown keys and tables: left out, with the closest name
                report(describe(self.paths.config_file, problem), kind="warning")
        return config

    @cached_property
    def sources(self) -> list[LibrarySource]:
        from tipweek.library import resolve_sources

        sources = resolve_sources(self.paths, self.config, self.extra_libraries, self.env)
        for source in sources:
            if source.name not in ("bundled", "user") and not source.path.is_dir():
                report(f"library folder not found: {source.path}", kind="warning")
        return sources

    @cached_property
    def curation(self) -> Curation:
        """The user's hidden list and the config's category aliases: how every store reads."""
        from tipweek.categories import Aliases
        from tipweek.curation import read_hidden
        from tipweek.signature import file_signature
        from tipweek.store import Curation

        # Taken before reading, so the fast route never trusts a list newer than the index's.
        self.hidden_signature = file_signature(str(self.paths.hidden_list))
        return Curation(read_hidden(self.paths.hidden_list), Aliases.of(self.config.aliases))

    @cached_property
    def out(self) -> Console:
        return make_console()

    @cached_property
    def store(self) -> Index:
        """The index over every library, refreshed; falls back to reading the files."""
        store = self.open_store()
        problems = [p for p in store.problems if p.severity == "error"]
        if problems:
            more = f" and {len(problems) - 1} more" if len(problems) > 1 else ""
            report(
                f"skipped {len(problems)} unreadable tip file(s): {problems[0]}{more}",
                kind="warning",
                hint="run `tip check` for the full list",
            )
        return store

    @cached_property
    def thesaurus(self) -> Thesaurus:
        """The bundled customer-service thesaurus and the trainers' own (see docs/synonyms.md)."""
        from tipweek.searching import load_thesaurus, thesaurus_files

        return load_thesaurus(
            thesaurus_files(self.sources, self.config),
            self.paths.cache_dir,
            warn=lambda m: report(m, kind="warning"),
        )

    def open_store(self, *, rebuild: bool = False) -> Index:
        """The one place the CLI opens the index; `close` releases it when the command ends."""
        from tipweek.index import open_store
        from tipweek.render import progress_bar

        with progress_bar(self.out.is_terminal, "indexing tips") as progress:
            store = open_store(
                self.sources,
                self.paths.cache_dir,
                warn=lambda m: report(m, kind="warning"),
                progress=progress,
                rebuild=rebuild,
                lock_wait=float(self.config.get("index.lock_wait")),
                curation=self.curation,
            )
        self.opened.append(store)
        self._stamp(store)
        return store

    def _stamp(self, store: Index) -> None:
        """Leave what this command resolved for the fast route (`cli.fast`) to reuse, when its
        guesses of the config file and cache folder are the real ones (else it never runs)."""
        from tipweek.cli import fast
        from tipweek.index import index_path
        from tipweek.searching import thesaurus_files

        real = str(self.paths.cache_dir)
        if self.config_read[1]:
            return  # the config warns: the fast route never answers without the warning
        if store.db.execute("PRAGMA database_list").fetchone()["file"] == "":
            return  # read into memory: the cache folder cannot be used
        if fast.config_guess(self.env) != str(self.paths.config_file) or real not in fast.stamp_dirs(
            self.env
        ):
            return
        libraries = [str(p) for p in self.extra_libraries]
        roots = [(s.name, str(s.path)) for s in self.sources]
        index_file = str(index_path(self.paths.cache_dir, self.sources))
        hidden = (str(self.paths.hidden_list), self.hidden_signature)
        thesaurus = [str(p) for p in thesaurus_files(self.sources, self.config)]
        fast.write_stamp(real, self.env, libraries, index_file, roots, hidden, thesaurus)

    def close(self) -> None:
        """Close every index this command opened (registered with `ctx.call_on_close`)."""
        while self.opened:
            self.opened.pop().close()

    def when(self, words: list[str] | None, option: str | None, name: str = "--date") -> dt.date:
        """The day a command is about: given as words (`tip week next month`) or as an option."""
        if words and option is not None:
            raise BadInput(f"give the date once: '{' '.join(words)}' or {name} {option}")
        return self.date(" ".join(words) if words else option)

    def date(self, value: str | None, default: dt.date | None = None) -> dt.date:
        from tipweek.dates import parse_date

        if value is None:
            return default or self.today
        return parse_date(value, today=self.today)

    def filters(
        self,
        category: str | None = None,
        since: str | None = None,
        until: str | None = None,
        year: int | None = None,
    ) -> Filters:
        from tipweek.store import Filters, resolve_category

        start = self.date(since) if since else None
        end = self.date(until) if until else None
        if year is not None:
            if not 1 <= year <= 9999:
                raise BadInput(f"no such year: {year}")
            start = max(start, dt.date(year, 1, 1)) if start else dt.date(year, 1, 1)
            end = min(end, dt.date(year, 12, 31)) if end else dt.date(year, 12, 31)
        if start and end and start > end:
            raise BadInput(f"--since {start} is after --until {end}")
        key = resolve_category(self.store, category) if category else None
        return Filters(key, start, end)

    def writable(self, into: Path | None = None) -> LibrarySource:
        """The library new tips are written to: `--into`, else the user's own library."""
        from tipweek.library import LibrarySource, expand

        if into is None:
            return next(s for s in self.sources if s.name == "user")
        return LibrarySource(str(into), expand(into).absolute(), writable=True)


def state(ctx: ClickContext) -> State:
    root = ctx.find_root()
    if not isinstance(root.obj, State):
        root.obj = State()
        root.call_on_close(root.obj.close)
    return root.obj


def emit_json(data: Any) -> None:
    """JSON, and only JSON, on stdout (the same text as `json.dumps(data, ensure_ascii=False,
    indent=2)` but with terminal controls escaped, written by the encoder the fast route uses)."""
    from tipweek.shapes import dumps

    sys.stdout.write(dumps(data) + "\n")


def write_stdout(data: bytes) -> None:
    """A document on stdout, through the one output sanitiser (`text.terminal_bytes`)."""
    from tipweek.text import terminal_bytes

    sys.stdout.flush()
    sys.stdout.buffer.write(terminal_bytes(data))
    sys.stdout.buffer.flush()


#: `-o` values that mean a standard stream rather than a file to create.
STDOUT_NAMES = ("-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1")


def write_output(output: Path | None, data: bytes, *, force: bool = False) -> str | None:
    """Where every command with `-o FILE` writes: stdout for no `-o`, `-o -` or
    `-o /dev/stdout` (sanitised); into an existing pipe or device as it is; otherwise a file
    written atomically through `safewrite` (refused if it exists, unless `force`).
    Returns the file's name for a "wrote …" note, or None for a stream."""
    from tipweek import safewrite

    if output is None or str(output) in STDOUT_NAMES:
        write_stdout(data)
        return None
    if safewrite.is_stream(output):
        safewrite.write_stream(output, data)
        return None
    return str(safewrite.write_file(output, data, overwrite=force))


def fail(message: str, code: ExitCode = ExitCode.FAILURE, hint: str = "") -> NoReturn:
    report(message, hint=hint)
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tip {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    library: Annotated[
        list[Path] | None,
        typer.Option(
            "--library",
            "-L",
            metavar="PATH",
            help="Also read tips from this folder (repeatable; TIP_LIBRARY works too).",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """A tip of the week for customer-service teams, in your terminal.

    Staff read the tip of the day or week; trainers browse, search, import and
    export the library.

    **Examples**

        tip week                        this week's tip
        tip today --short               one line, for a login script
        tip search angry caller         find the tip for what just happened
        tip list --category empathy     browse the library
        tip doctor                      is everything set up right?
    """
    ctx.obj = State(extra_libraries=list(library or []))
    ctx.call_on_close(ctx.obj.close)
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())


# Options shared by several commands. Short flags mean one thing everywhere (README: "Options").
DATE_HELP = "2026-06-24, 6/24/26, 'June 24, 2026', 2026-W26, W26, 'next monday', 'in two weeks'…"
CategoryOpt = Annotated[str | None, typer.Option("--category", "-c", help="Only tips in this category.")]
DateOpt = Annotated[str | None, typer.Option("--date", "-d", help=f"Another day: {DATE_HELP}")]
WhenArg = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="[DATE]",
        help="The day, as with --date: 2026-W50, 'next month', 'in two weeks'…",
        show_default=False,
    ),
]
SinceOpt = Annotated[str | None, typer.Option("--since", help="Only tips dated on or after this date.")]
UntilOpt = Annotated[str | None, typer.Option("--until", help="Only tips dated on or before this date.")]
JsonOpt = Annotated[bool, typer.Option("--json", "-j", help="Print JSON instead of text.")]
PagerOpt = Annotated[
    bool | None,
    typer.Option(
        "--pager/--no-pager",
        help="Page the output ($TIP_PAGER, $PAGER or less); default: on a terminal, when it is taller "
        "than the screen.",
        show_default=False,
    ),
]
#: The tip a delivery command works on: an id, today's or this week's.
TipArg = Annotated[
    str | None,
    typer.Argument(
        metavar="[ID|today|week]",
        help="A tip id (or a unique start of one), 'today' or 'week' (the default).",
        show_default=False,
    ),
]
LimitOpt = Annotated[int | None, typer.Option("--limit", "-n", min=1, help="At most this many tips.")]
#: Lets a delivery command (send, post, deliver) take a tip named by id that is an excerpt.
AllowExcerptOpt = Annotated[
    bool,
    typer.Option("--allow-excerpt", help="Deliver the tip ID even if only its start is known (an excerpt)."),
]


def named_tip(store: Store, which: str, *, allow_excerpt: bool) -> Tip:
    """The tip a delivery command was given by id. An excerpt is only the start of a tip: the
    picks never choose one (`where_for`), and one named by id goes out only with --allow-excerpt."""
    from tipweek.store import find_tip

    tip = find_tip(store, which)
    if tip.excerpt and not allow_excerpt:
        raise BadInput(
            f"'{tip.id}' is an excerpt: only the start of the tip is known, so it is not sent",
            hint="complete it (tip import --update with the full post, or tip edit), or use --allow-excerpt",
        )
    return tip
