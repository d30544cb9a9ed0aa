"""What `tip list` and `tip categories` show, built in one place for the full CLI (`cli.read`)
and the fast route (`cli.fast`), which runs them without Typer: the same store calls, the same
`render` layouts, so the two routes cannot drift apart."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

    from tipweek.model import Tip
    from tipweek.render import Fitted
    from tipweek.store import Category, Filters, Store


def list_table(store: Store, filters: Filters, tips: Sequence[Tip], today: dt.date) -> Fitted:
    """The tips listed, under a title that says how many of how many (hidden ones when the
    filters read the hidden list)."""
    from tipweek import render

    total = store.count(filters)
    what = "hidden tips" if filters.hidden else "tips"
    shown = f"{len(tips)} of {total} {what}" if total > len(tips) else f"{total} {what}"
    return render.tips_table(tips, title=shown, today=today)


def sorted_categories(store: Store) -> list[Category]:
    """The categories by name, ignoring case: the order of the table and of `--json`."""
    return sorted(store.categories(), key=lambda c: c.name.casefold())
