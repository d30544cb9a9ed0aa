"""Authoring commands: add, edit, rm. They only ever write into writable libraries."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tipweek.cli.app import ExitCode, command, err_console, interactive, report, state
from tipweek.errors import BadInput, LibraryError

if TYPE_CHECKING:
    from tipweek.cli.app import State
    from tipweek.library import LibrarySource
    from tipweek.model import Tip

IntoOpt = Annotated[
    Path | None,
    typer.Option("--into", metavar="LIB", help="Write into this library folder instead of your own library."),
]
IdArg = Annotated[str, typer.Argument(metavar="ID", help="The tip's id, or a unique start of it.")]
REQUIRED = {"title": "--title", "categories": "--category", "body": "--body"}


def target_library(st: State, into: Path | None) -> LibrarySource:
    """`--into` or the user's library, never the bundled one."""
    from tipweek.authoring import guard_target

    return guard_target(st.sources, st.writable(into))


def _target_tips(target: LibrarySource) -> list[Tip]:
    from tipweek.library import load

    return list(load([target]).tips) if target.path.is_dir() else []


def _read_body_file(name: str) -> str:
    """The body from a file or stdin, never more than a tip file may hold."""
    from tipweek.fsutil import NotRegularFile, TooLarge, read_limited
    from tipweek.library import MAX_FILE_BYTES

    too_large = BadInput(f"the body file {name} is too large (a tip file may be at most 1 MB)")
    if name == "-":
        text = sys.stdin.read(MAX_FILE_BYTES + 1)
        if len(text.encode("utf-8")) > MAX_FILE_BYTES:
            raise too_large
        return text
    try:
        return read_limited(name, MAX_FILE_BYTES).decode("utf-8-sig")
    except TooLarge:
        raise too_large from None
    except (OSError, UnicodeDecodeError, NotRegularFile) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise BadInput(f"cannot read the body file {name}: {reason}") from None


def _interview(st: State, fields: dict[str, Any]) -> None:
    """In a terminal, ask for every field the options left empty: the title, the date (the
    next free Tuesday offered), the categories (the library's listed, its spelling kept), the
    takeaway, and the body (in $VISUAL or $EDITOR when set). Questions go to stderr: stdout
    carries only the new tip's id."""
    from tipweek.cli.app import ask

    while not fields["title"]:
        fields["title"] = ask("Title")
    if fields["date"] is None:
        fields["date"] = _ask_date(st)
    while not fields["categories"]:
        fields["categories"] = _ask_categories(st)
    if not fields["takeaway"]:
        fields["takeaway"] = ask("Takeaway: the tip in one sentence (Enter to leave it out)")
    while not str(fields["body"]).strip():
        fields["body"] = _ask_body(st, fields["title"])


def _ask_date(st: State) -> Any:
    from tipweek.authoring import next_free_day
    from tipweek.cli.app import ask
    from tipweek.store import Filters

    dated = [t.date for t in st.store.tips(Filters(since=st.today)) if t.date]
    offered = next_free_day(st.today, dated)
    while True:
        answer = ask("Date: the tip of that week ('none' for no date)", offered.isoformat())
        if answer.lower() in ("none", "-", "no"):
            return None
        try:
            return st.date(answer)
        except BadInput as exc:
            report(exc.message, hint=exc.hint)


def _ask_categories(st: State) -> list[str]:
    from rich.text import Text

    from tipweek.cli.app import ask

    known = sorted((c.name for c in st.store.categories()), key=str.casefold)
    if known:
        listed = Text("Categories: ", style="bold").append(", ".join(known), style="cyan")
        err_console().print(listed)
    answer = ask("Categories, comma-separated")
    return _canonical(known, [part for part in answer.split(",") if part.strip()], ask_close=True)


def _canonical(known: list[str], names: list[str], *, ask_close: bool) -> list[str]:
    """Each category in the library's spelling; a near miss is confirmed (in a terminal) or
    noted; a new category is noted."""
    from tipweek.authoring import match_category
    from tipweek.cli.app import confirm
    from tipweek.text import unite_categories

    chosen = []
    for typed in names:
        name, how = match_category(typed, known)
        if how == "close":
            question = f"'{typed.strip()}' is not a category yet; did you mean '{name}'?"
            if ask_close and confirm(question, default=True):
                chosen.append(name)
                continue
            if not ask_close:
                report(f"'{typed.strip()}' is a new category", kind="note", hint=f"did you mean '{name}'?")
            name, how = " ".join(typed.split()), "new"
        elif how == "new" and ask_close:
            report(f"'{name}' is a new category", kind="note")
        chosen.append(name)
    return list(unite_categories(chosen))


def _ask_body(st: State, title: str) -> str:
    from tipweek import authoring
    from tipweek.cli.app import ask
    from tipweek.text import slugify

    if not (st.env.get("VISUAL", "").strip() or st.env.get("EDITOR", "").strip()):
        return ask("Body: one paragraph of Markdown (set $EDITOR to write more)")
    draft = authoring.write_draft("", slugify(title, fallback="tip"), suffix=".md")
    try:
        authoring.run_editor(draft, st.env)
        body = draft.read_text(encoding="utf-8").strip()
    finally:
        draft.unlink(missing_ok=True)
    if not body:
        report("nothing added: the body was left empty", kind="note")
        raise typer.Exit(ExitCode.FAILURE)
    return body


def _reopen(error: Exception) -> bool:
    """On a terminal, show the error and offer to fix it in the editor again."""
    if not interactive():
        return False
    from tipweek.cli.app import confirm

    report(str(error))
    return confirm("Open the editor again to fix it?", default=True)


def _edit_new(st: State, fields: dict[str, Any], target: LibrarySource, preferred: str) -> Tip:
    """`tip add --edit`: the template in the editor until it is a valid, new tip."""
    from tipweek import authoring
    from tipweek.errors import TipFileError

    draft = authoring.write_draft(authoring.template(fields, st.today))
    while True:
        try:
            authoring.run_editor(draft, st.env)
        except LibraryError as exc:
            raise LibraryError(exc.message, hint=f"your draft is kept in {draft}") from None
        text = draft.read_text(encoding="utf-8")
        if authoring.is_empty_draft(text):
            draft.unlink(missing_ok=True)
            report("nothing added: the title and body were left empty", kind="note")
            raise typer.Exit(ExitCode.FAILURE)
        try:
            tip = authoring.check_tip(text.encode("utf-8"), str(draft))
            tip = tip.with_changes(
                id=authoring.choose_id(tip.with_changes(id=""), _target_tips(target), preferred), path=""
            )
        except (TipFileError, BadInput) as exc:
            if _reopen(exc):
                continue
            message = exc.problem if isinstance(exc, TipFileError) else exc.message
            line = f"line {exc.line}: " if isinstance(exc, TipFileError) and exc.line else ""
            raise BadInput(
                f"the tip was not added: {line}{message}", hint=f"your draft is kept in {draft}"
            ) from None
        draft.unlink(missing_ok=True)
        return tip


TitleOpt = Annotated[str | None, typer.Option("--title", "-t", help="The tip's title.")]
WeekDateOpt = Annotated[
    str | None,
    typer.Option("--date", "-d", help="Make it the tip of that week: 2026-06-24, 6/24/26, 'next monday'…"),
]
CategoriesOpt = Annotated[
    list[str] | None, typer.Option("--category", "-c", help="A category (repeatable; at least one).")
]
TakeawayOpt = Annotated[str | None, typer.Option("--takeaway", help="The tip in one sentence.")]
SummaryOpt = Annotated[str | None, typer.Option("--summary", help="A short summary for lists.")]
TagOpt = Annotated[list[str] | None, typer.Option("--tag", help="A tag (repeatable).")]
BodyOpt = Annotated[str | None, typer.Option("--body", "-b", help="The tip's text (Markdown).")]
BodyFileOpt = Annotated[
    str | None,
    typer.Option("--body-file", metavar="FILE", help="Read the body from a file, or from stdin with '-'."),
]
EditOpt = Annotated[
    bool,
    typer.Option(
        "--edit", "-e", help="Write the tip in your editor ($VISUAL or $EDITOR), starting from a template."
    ),
]
CopyOfOpt = Annotated[
    str | None,
    typer.Option(
        "--from",
        metavar="ID",
        help="Start from a copy of this tip (keeping its id, so that your copy replaces a bundled tip).",
    ),
]
#: Fields a copy (`--from`) fills when the command line left them empty.
_COPIED = (
    "title", "date", "categories", "tags", "takeaway", "summary", "body", "author", "publisher", "source",
)  # fmt: skip


@command()
def add(
    ctx: typer.Context,
    title: TitleOpt = None,
    date: WeekDateOpt = None,
    category: CategoriesOpt = None,
    takeaway: TakeawayOpt = None,
    summary: SummaryOpt = None,
    tag: TagOpt = None,
    body: BodyOpt = None,
    body_file: BodyFileOpt = None,
    into: IntoOpt = None,
    edit: EditOpt = False,
    copy_of: CopyOfOpt = None,
) -> None:
    """Add a tip to your library and print its id.

    Give the title, a category and the body as options. In a terminal, `tip add` alone asks
    for each: the date (the next Tuesday no tip has yet is offered), the categories (the
    library's are listed, and its spelling is kept), the takeaway, and the body (in your
    editor when $EDITOR is set). With `--edit` the tip is written in your editor from a filled-in template and
    checked before it is saved. New tips go into your own library (or `--into`), never into
    the bundled one. A tip with the same title as one already in that library is refused.

    **Examples**

        tip add -t 'Name the Next Step' -c 'Service Recovery' -b 'Say what…'
        tip add -t 'Nod at the Queue' -c Retail -d 2026-06-29 --body-file greet.md
        cat notes.md | tip add -t 'Say It Twice' -c Teamwork --body-file -
        tip add --edit --category Empathy          write it in your editor
        tip add --edit --from narrate              your own version of a bundled tip
    """
    from tipweek.library import write_tip

    st = state(ctx)
    target = target_library(st, into)
    fields = _fields(st, title, date, category, takeaway, summary, tag, body, body_file)
    preferred = _copy_from(st, fields, copy_of) if copy_of else ""
    tip = (
        _edit_new(st, fields, target, preferred) if edit else _new_from_fields(st, fields, target, preferred)
    )
    # Stamped, so that the rotation admits it only from the next day (week) on: a new tip
    # never changes the tip of a day or week that has already started.
    path = write_tip(target, tip.with_changes(added=st.today))
    warn_shadowing(st, tip.id, target)
    err_console().print(f"added {path}", markup=False, highlight=False, soft_wrap=True)
    typer.echo(tip.id)


def warn_shadowing(st: State, tip_id: str, target: LibrarySource) -> None:
    """Say which tip is shown when another library has a tip with the same id."""
    from tipweek.authoring import shadowing

    st.store.refresh()
    note = shadowing(tip_id, target, st.store.holders(tip_id), st.sources)
    if note:
        report(note, kind="warning")


def _fields(
    st: State,
    title: str | None,
    date: str | None,
    category: list[str] | None,
    takeaway: str | None,
    summary: str | None,
    tag: list[str] | None,
    body: str | None,
    body_file: str | None,
) -> dict[str, Any]:
    """The tip's fields as the options give them (empty where they are missing)."""
    if body is not None and body_file is not None:
        raise BadInput("give either --body or --body-file, not both")
    categories = [c.strip() for c in category or [] if c.strip()]
    if categories:  # `-c 'phone & email'` is the library's Phone & Email
        categories = _canonical([c.name for c in st.store.categories()], categories, ask_close=False)
    return {
        "title": (title or "").strip(),
        "date": st.date(date) if date else None,
        "categories": categories,
        "tags": list(tag or []),
        "takeaway": takeaway or "",
        "summary": summary or "",
        "body": _read_body_file(body_file) if body_file is not None else (body or ""),
    }


def _copy_from(st: State, fields: dict[str, Any], copy_of: str) -> str:
    """Fill the fields left empty from the tip `copy_of`; returns its id, which the copy keeps."""
    from tipweek.store import find_tip

    original = find_tip(st.store, copy_of)
    for key in _COPIED:
        if not fields.get(key):
            fields[key] = getattr(original, key)
    return original.id


def _new_from_fields(st: State, fields: dict[str, Any], target: LibrarySource, preferred: str) -> Tip:
    """The tip the options describe, asking for what is missing when someone can answer."""
    from tipweek import authoring

    missing = [key for key in REQUIRED if not str(fields[key]).strip() or fields[key] == []]
    if missing and not interactive():
        raise BadInput(
            "missing " + ", ".join(REQUIRED[k] for k in missing),
            hint="give them as options, use --edit, or run `tip add` in a terminal to be asked",
        )
    if missing:
        _interview(st, fields)
    tip = authoring.build_tip(fields)
    return tip.with_changes(id=authoring.choose_id(tip, _target_tips(target), preferred))


@command()
def edit(ctx: typer.Context, tip_id: IdArg) -> None:
    """Open a tip in your editor ($VISUAL or $EDITOR) and save it once it checks out.

    You edit a copy; the tip's file is replaced (atomically, keeping its mode) only when the
    saved copy is a valid tip. If it is not, you are asked to fix it (in a terminal);
    otherwise the tip's file is left unchanged, your edit is kept beside it in a hidden
    `.rejected` file and the command exits with 1. Only tips in your own (writable)
    libraries can be edited; for a bundled tip, make your own copy with
    `tip add --edit --from ID`.

    **Examples**

        tip edit greet-the-second-customer
        tip edit greet                       a unique start of an id is enough
        EDITOR='code --wait' tip edit greet
    """
    from tipweek import authoring
    from tipweek.library import write_tip
    from tipweek.store import find_tip

    st = state(ctx)
    tip = find_tip(st.store, tip_id)
    path = Path(tip.path)
    source = authoring.source_of(st.sources, path)
    if source is None or not source.writable:
        where = f"the {source.name} library" if source else "a library this command cannot change"
        raise LibraryError(
            f"'{tip.id}' is in {where}, which is read-only",
            hint=f"make your own copy with `tip add --edit --from {tip.id}`",
        )
    original = _current(path, source)
    draft = authoring.write_draft(original, tip.id)
    try:
        edited = _edit_until_valid(draft, path, original, st.env, tip.id, source)
        if edited is None:
            report(f"no changes to {path}", kind="note")
            return
        if _current(path, source) != original:
            kept = _keep_rejected(path, edited, source)
            raise LibraryError(
                f"{path} changed while you were editing it; it was left as it is now",
                hint=(f"your edit is kept in {kept}; " if kept else "") + f"run `tip edit {tip.id}` again",
            )
        saved = authoring.check_tip(edited, str(path))
        write_tip(source, saved.with_changes(id=tip.id), overwrite=True, path=path, data=edited)
    finally:
        draft.unlink(missing_ok=True)
    err_console().print(f"saved {path}", markup=False, highlight=False, soft_wrap=True)
    typer.echo(tip.id)


def _current(path: Path, source: LibrarySource) -> bytes:
    """The tip file's bytes as the library reads them (a link only inside the library)."""
    from tipweek.errors import TipFileError
    from tipweek.fsutil import NotRegularFile, TooLarge, read_limited
    from tipweek.library import MAX_FILE_BYTES

    try:
        return read_limited(path, MAX_FILE_BYTES, root=source.path)
    except (NotRegularFile, TooLarge, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise TipFileError(str(path), None, f"cannot edit: {reason}") from None


def _edit_until_valid(
    draft: Path, path: Path, original: bytes, env: dict[str, str], tip_id: str, source: LibrarySource
) -> bytes | None:
    """Run the editor on the draft until it holds a valid tip; None when nothing changed."""
    from tipweek import authoring
    from tipweek.errors import TipFileError

    while True:
        authoring.run_editor(draft, env)  # a failed editor saved nothing: the file is untouched
        try:
            edited = authoring.read_draft(draft)
            if edited == original:
                return None
            authoring.check_tip(edited, str(path))
            return edited
        except TipFileError as exc:
            if _reopen(exc):
                continue
            kept = _keep_rejected(path, _head(draft), source)
            raise LibraryError(
                f"{exc}; the tip file was not changed",
                hint=(f"your edit is kept in {kept}; " if kept else "")
                + f"run `tip edit {tip_id}` to try again",
            ) from None


MAX_KEPT = 1_000_000


def _head(path: Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(MAX_KEPT)
    except OSError:
        return b""


def _keep_rejected(path: Path, data: bytes, source: LibrarySource) -> Path | None:
    """Keep a copy of an edit that was not saved, so the work is not lost."""
    from tipweek.authoring import rejected_path
    from tipweek.safewrite import write_file

    try:
        return write_file(rejected_path(path), data, root=source.path, overwrite=True)
    except (OSError, LibraryError):
        return None


@command("rm")
def rm(
    ctx: typer.Context,
    tip_id: IdArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Remove a tip from your library (bundled tips cannot be removed: `tip hide` them).

    Asks first in a terminal; elsewhere --yes is required.

    **Examples**

        tip rm greet-the-second-customer --yes
        tip rm greet -y                      a unique start of an id is enough
    """
    from tipweek.library import remove_tip
    from tipweek.store import find_tip
    from tipweek.text import one_line

    st = state(ctx)
    tip = find_tip(st.store, tip_id)
    _refuse_read_only(st, tip)
    if not yes:
        if not interactive():
            raise BadInput(f"not removing '{tip.id}' without confirmation", hint="use --yes")
        from tipweek.cli.app import confirm

        if not confirm(f"Remove '{one_line(tip.title)}' ({tip.path})?"):
            report("nothing removed", kind="note")
            raise typer.Exit(ExitCode.FAILURE)
    path = remove_tip(st.sources, tip)
    err_console().print(f"removed {path}", markup=False, highlight=False, soft_wrap=True)
    st.store.refresh()
    back = st.store.get_exact(tip.id)
    if back is not None:
        report(
            f"the tip '{tip.id}' from {back.path} is shown again",
            kind="note",
            hint=f"`tip hide {tip.id}` retires it",
        )
    typer.echo(tip.id)


def _refuse_read_only(st: State, tip: Tip) -> None:
    """A bundled (read-only) tip cannot be removed: say so before asking anything."""
    from tipweek import authoring

    source = authoring.source_of(st.sources, Path(tip.path))
    if source is None or not source.writable:
        where = authoring.library_name(source) if source else "a library this command cannot change"
        raise LibraryError(
            f"'{tip.id}' is in {where}, which is read-only",
            hint=f"`tip hide {tip.id}` retires it from every list and delivery",
        )
