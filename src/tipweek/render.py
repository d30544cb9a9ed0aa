"""Terminal rendering with Rich. Tip text is always data: it goes into `Text` objects (never
parsed as markup) after `clean` has removed control and bidi characters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.console import Console, ConsoleOptions, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.text import Text

from tipweek.text import clean, one_line

if TYPE_CHECKING:  # a tip is drawn without tables, paths or the model's module
    from pathlib import Path

    from rich.console import RenderableType
    from rich.table import Table

    from tipweek.importing import Action, Outcome
    from tipweek.index import SearchHit
    from tipweek.model import Tip
    from tipweek.select import Pick
    from tipweek.store import Category

ACCENT = "cyan"
_STYLES = {"b": "bold", "i": "italic", "c": "bold magenta", "u": "underline"}


def fmt_date(day: dt.date | None) -> str:
    return f"{day:%a %-d %b %Y}" if day else "undated"


def _spans(spans: Sequence[Sequence[str]]) -> Text:
    text = Text()
    for content, style in spans:
        text.append(clean(content), " ".join(_STYLES[s] for s in style if s in _STYLES) or None)
    return text


def _heading(block: Sequence[Any]) -> RenderableType:
    heading = _spans(block[2])
    heading.stylize("bold underline" if block[1] <= 2 else "bold")
    return heading


def _list(block: Sequence[Any]) -> RenderableType:
    from rich.table import Table

    bullets = block[0] == "ul"
    items = block[1] if bullets else block[2]
    start = 1 if bullets else block[1]
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True, style=ACCENT)
    table.add_column()
    for n, item in enumerate(items, start):
        table.add_row("•" if bullets else f"{n}.", Group(*_blocks(item)))
    return table


#: How each kind of block (see `mdblocks.parse`) is drawn in the terminal.
_BLOCKS: dict[str, Callable[[Sequence[Any]], RenderableType]] = {
    "p": lambda block: _spans(block[1]),
    "h": _heading,
    "ul": _list,
    "ol": _list,
    "quote": lambda block: Padding(Group(*_blocks(block[1])), (0, 0, 0, 2), style="italic"),
    "code": lambda block: Padding(Text(clean(block[1]), style="magenta"), (0, 0, 0, 2)),
    "hr": lambda block: Rule(style="dim"),
}


def _blocks(blocks: Sequence[Any]) -> list[RenderableType]:
    """The blocks drawn one after another, a blank line between them."""
    out: list[RenderableType] = []
    for block in blocks:
        layout = _BLOCKS.get(block[0])
        if layout is not None:
            out += [layout(block), Text("")]
    return out[:-1]


def body_renderable(tip: Tip, blocks: Sequence[Any] | None = None) -> RenderableType:
    """The body as formatted text; `blocks` comes from the index cache when there is one."""
    if blocks is None:
        from tipweek.mdblocks import parse

        blocks = parse(tip.body)
    return Group(*_blocks(blocks))


def meta_line(tip: Tip) -> Text:
    line = Text(fmt_date(tip.date), style="dim")
    if tip.categories:
        line.append("  ·  ", style="dim")
        line.append(", ".join(one_line(c) for c in tip.categories), style=ACCENT)
    return line


EXCERPT_MARK = "excerpt"


def _excerpt_parts(tip: Tip) -> list[RenderableType]:
    """An excerpt ends with "…", then where the whole tip can be read when that is known."""
    parts: list[RenderableType] = [Text(one_line(tip.excerpt_text), style="italic")]
    where = Text("Excerpt: only the start of this tip is known.", style="dim")
    if tip.source:
        where.append(" The whole tip: ", style="dim")
        where.append(one_line(tip.source), style=f"underline {ACCENT}")
    elif tip.publisher:
        name = one_line(tip.publisher)
        where.append(f" From {name}{'' if name.endswith('.') else '.'}", style="dim")
    return [*parts, Text(""), where]


def tip_panel(tip: Tip, blocks: Sequence[Any] | None = None, *, label: str = "") -> Panel:
    """A whole tip: title, date and categories, the body, and the takeaway set apart."""
    parts: list[RenderableType] = [meta_line(tip), Text("")]
    if tip.excerpt:
        parts += _excerpt_parts(tip)
    elif not tip.body.strip():
        parts.append(Text(clean(tip.blurb), style="italic"))
    else:
        parts.append(body_renderable(tip, blocks))
    if tip.takeaway:
        parts += [
            Text(""),
            Panel(
                Text(one_line(tip.takeaway), style="bold"),
                title=Text("Takeaway"),
                title_align="left",
                border_style=ACCENT,
                padding=(0, 1),
            ),
        ]
    foot = Text(" ".join(f"#{one_line(t)}" for t in tip.tags), style="dim")
    for credit in (tip.publisher, tip.source) if not tip.excerpt else ():
        if credit:
            foot.append(("  " if foot.plain else "") + one_line(credit), style="dim")
    if label:
        foot.append(("  ·  " if foot.plain else "") + f"id: {one_line(tip.id)}", style="dim")
    if foot.plain:
        parts += [Text(""), foot]
    title = Text(one_line(tip.title), style="bold")
    subtitle = Text(label.rstrip(" ·") if label else one_line(tip.id), style="dim")
    return Panel(
        Group(*parts),
        title=title,
        title_align="left",
        subtitle=subtitle,
        subtitle_align="right",
        border_style=ACCENT,
        padding=(1, 2),
        expand=True,
    )


def short_line(tip: Tip) -> str:
    """One line for a status bar or login shell: title — takeaway."""
    from tipweek import shapes

    return shapes.short_line(tip.title, tip.takeaway)


class Fitted:
    """A layout chosen for the width it is drawn in (a table that keeps ids whole)."""

    def __init__(self, build: Callable[[int], RenderableType]) -> None:
        self.build = build

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[RenderableType]:
        yield self.build(options.max_width)


class Indented:
    """Text wrapped to the width left after an indent, every line indented (Padding would
    also fill each line out to the full width with spaces)."""

    def __init__(self, text: Text, indent: int) -> None:
        self.text, self.indent = text, indent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        for line in self.text.wrap(console, max(1, options.max_width - self.indent)):
            line.rstrip()
            yield Text.assemble(" " * self.indent, line, end="\n")


def _tip_cell(tip: Tip, extra: str = "") -> Group:
    """Title (cut with … when long) over the id (whole: it is what `tip show` takes)."""
    line = Text(one_line(tip.title), style="bold", no_wrap=True, overflow="ellipsis")
    if extra:
        line.append(f"  {extra}", style="dim")
    return Group(line, Text(one_line(tip.id), style=ACCENT, overflow="fold"))  # folds only if it must


def _id_width(tips: Sequence[Tip]) -> int:
    return max((len(one_line(t.id)) for t in tips), default=0)


def _fits(width: int, *columns: int) -> bool:
    """Whether columns this wide fit side by side (3 between each: padding and divider)."""
    return sum(columns) + 3 * (len(columns) - 1) <= width


def tips_table(tips: Iterable[Tip], *, title: str | None = None, today: dt.date | None = None) -> Fitted:
    """Date (and beneath it "scheduled" for a tip dated after `today`, "excerpt" for an
    excerpt), title over id, and categories: in their own column when the ids leave room,
    else after the title."""
    rows = list(tips)

    def build(width: int) -> Table:
        from rich import box
        from rich.table import Table

        table = Table(
            title=title, header_style="bold", title_justify="left", title_style="dim",
            box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False,
        )  # fmt: skip
        own_column = _fits(width, 10, max(_id_width(rows), 30), 20)
        table.add_column("Date", no_wrap=True, width=10)
        table.add_column("Title / ID", ratio=3)
        if own_column:
            table.add_column("Categories", ratio=1, overflow="fold")
        for tip in rows:
            date = Text(tip.iso_date or "undated", style="" if tip.date else "dim")
            if today is not None and tip.date is not None and tip.date > today:
                date.append("\nscheduled", style="green")
            if tip.excerpt:  # only the start is known: browsed, never delivered
                date.append(f"\n{EXCERPT_MARK}", style="italic")
            categories = [one_line(c) for c in tip.categories]
            if own_column:
                table.add_row(date, _tip_cell(tip), Text("\n".join(categories), style="dim"))
            else:
                table.add_row(date, _tip_cell(tip, ", ".join(categories)))
        return table

    return Fitted(build)


def categories_table(categories: Iterable[Category]) -> Table:
    from rich.table import Table

    table = Table(header_style="bold")
    table.add_column("Category")
    table.add_column("Tips", justify="right")
    for cat in categories:
        table.add_row(Text(one_line(cat.name)), str(cat.tips))
    return table


def aliases_table(rows: Iterable[tuple[str, str, int]]) -> Table:
    """Category aliases: the spelling, the category it is shown as, and that category's tips."""
    from rich.table import Table

    table = Table(header_style="bold")
    table.add_column("Spelling")
    table.add_column("Shown as")
    table.add_column("Tips", justify="right")
    for spelling, name, count in rows:
        table.add_row(Text(one_line(spelling)), Text(one_line(name)), str(count))
    return table


def see_also(tips: Sequence[Tip]) -> Table:
    """The most similar tips under a shown one: title, with the id to `tip show`."""
    from rich.table import Table

    table = Table.grid(padding=(0, 1))
    table.title = Text("See also", style="bold")
    table.title_justify = "left"
    table.add_column(no_wrap=True, style=ACCENT)
    table.add_column(overflow="fold")
    for tip in tips:
        cell = Text(one_line(tip.title))
        cell.append(f"\n{one_line(tip.id)}", style=f"dim {ACCENT}")
        table.add_row("•", cell)
    return table


def schedule_table(picks: Iterable[Pick]) -> Fitted:
    """The coming weeks: label and first day, the tip (title over id) and how it was chosen
    (a tip dated in the week is scheduled; otherwise the rotation picked it)."""
    from tipweek.dates import week_label

    rows = list(picks)

    def build(width: int) -> Table:
        from rich import box
        from rich.table import Table

        how_column = _fits(width, 8, _id_width([p.tip for p in rows]), 9)
        table = Table(header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
        table.add_column("Week", no_wrap=True)
        table.add_column("Title / ID", ratio=1)
        if how_column:
            table.add_column("How", no_wrap=True)
        for p in rows:
            how = Text("scheduled", style="green") if p.scheduled else Text("rotation", style="dim")
            week = Text(week_label(p.start) + "\n")
            if how_column:
                table.add_row(week.append(f"{p.start:%b %-d}", style="dim"), _tip_cell(p.tip), how)
            else:  # narrow: how it was chosen under the week, as `tip list` marks scheduled tips
                table.add_row(week.append_text(how), _tip_cell(p.tip))
        return table

    return Fitted(build)


def search_results(hits: Sequence[SearchHit]) -> Group:
    """Each hit: title and id, date and categories, and the snippet with matches highlighted,
    indented as a block so that its wrapped lines stay under its first one."""
    from tipweek.index import HIT_END, HIT_START

    parts: list[RenderableType] = []
    for n, hit in enumerate(hits):
        head = Text()
        if n:
            parts.append(Text())
        head.append(one_line(hit.tip.title), style="bold")
        if hit.tip.excerpt:
            head.append(f"  ({EXCERPT_MARK})", style="dim italic")
        head.append(f"  {hit.tip.id}\n", style="cyan")
        head.append_text(meta_line(hit.tip))
        parts.append(head)
        parts.append(Indented(snippet(hit.snippet, HIT_START, HIT_END), 2))
    return Group(*parts)


#: Import action kinds in the past tense, in the order the summary counts them.
DONE = {
    "create": "created",
    "update": "updated",
    "merge": "merged",
    "skip": "skipped",
    "unchanged": "unchanged",
}
_ACTION_STYLES = {
    "create": "green",
    "update": "cyan",
    "merge": "cyan",
    "skip": "yellow",
    "unchanged": "dim",
    "failed": "bold red",
}
_ImportRow = tuple["Action", str, str]  # the action, what happened ("failed" or its kind), the error


def _import_summary(rows: Sequence[_ImportRow], target: Path, *, dry_run: bool) -> Text:
    counts = dict.fromkeys((*DONE, "failed"), 0)
    for _, kind, _ in rows:
        counts[kind] += 1
    verb = "would be " if dry_run else ""
    summary = ", ".join(f"{n} {verb}{DONE.get(kind, kind)}" for kind, n in counts.items() if n)
    where = f"dry run, nothing written to {target}" if dry_run else f"library {target}"
    return Text(f"{summary or 'no tips found'} ({where})")


def import_table(
    actions: Sequence[Action], outcomes: Sequence[Outcome] | None, target: Path, *, dry_run: bool
) -> RenderableType:
    """One row per tip that is (or would be) written or skipped, then a summary; unchanged
    tips are only counted."""
    if outcomes is not None:
        rows = [(o.action, "failed" if o.error else o.action.kind, o.error) for o in outcomes]
    else:
        rows = [(a, a.kind, "") for a in actions]
    caption = _import_summary(rows, target, dry_run=dry_run)
    shown = [row for row in rows if row[1] != "unchanged"]
    if not shown:
        return caption
    title = Text("Import (dry run)" if dry_run else "Import", style="bold")
    return Group(Fitted(lambda width: _import_rows(shown, width, dry_run=dry_run, title=title)), caption)


def _import_rows(shown: Sequence[_ImportRow], width: int, *, dry_run: bool, title: Text) -> Table:
    """Action, date and the id whole; categories and the note in columns of their own when the
    width allows, else on a second line under the id."""
    from rich import box
    from rich.table import Table

    wide = _fits(width, 9, 10, _id_width([a.tip for a, _, _ in shown]), 20, 16)
    table = Table(
        title=title, title_justify="left", header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False,
        show_edge=False,
    )  # fmt: skip
    table.add_column("Action", no_wrap=True)
    table.add_column("Date", no_wrap=True)
    table.add_column("Tip" if wide else "Tip / categories · note", overflow="fold")
    if wide:
        table.add_column("Categories", overflow="fold")
        table.add_column("Note", overflow="fold")
    for action, kind, error in shown:
        cells = [
            Text(kind if dry_run else DONE.get(kind, kind), style=_ACTION_STYLES.get(kind, "")),
            Text(action.tip.iso_date or "undated"),
            Text(one_line(action.tip.id), style=ACCENT),
        ]
        categories = [one_line(c) for c in action.tip.categories]
        note = one_line(error or action.note)
        if wide:
            cells += [Text("\n".join(categories), style="dim"), Text(note)]
        else:
            cells[2].append("\n" + " · ".join(x for x in (", ".join(categories), note) if x), style="dim")
        table.add_row(*cells)
    return table


def import_choices(actions: Sequence[Action], choices: Mapping[str, Sequence[str]]) -> Text:
    """How each tip to be written was read: its summary, takeaway, categories and date."""
    from tipweek.text import title_key

    out = Text("How the importer read them", style="bold")
    for action in actions:
        said = choices.get(title_key(action.tip.title), ())
        if not action.writes or not said:
            continue
        out.append(f"\n{one_line(action.tip.id)}", style=ACCENT)
        for choice in said:
            out.append(f"\n  {one_line(choice)}")
    return out


def snippet(marked: str, start: str, end: str) -> Text:
    """A search snippet with the matched words highlighted (markers come from the index)."""
    text = Text()
    highlighted = False
    for piece in marked.replace(end, start).split(start):
        text.append(
            " ".join(clean(piece).split(" ")).replace("\n", " "), style="bold yellow" if highlighted else None
        )
        highlighted = not highlighted
    return text


@contextmanager
def progress_bar(enabled: bool, label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A `(done, total)` callback drawing a transient bar from its first call on; None when
    `enabled` is false (not a terminal). The bar is gone when the block ends."""
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True
    )
    tasks: list[Any] = []

    def update(done: int, total: int) -> None:
        if not tasks:
            tasks.append(bar.add_task(label, total=total))
            bar.start()
        bar.update(tasks[0], completed=done, total=total)

    try:
        yield update
    finally:
        if tasks:
            bar.stop()
