"""Which tip a day or a week gets: dated tips first, then a rotation everyone agrees on.

The rotation walks a fresh permutation of the eligible tips every cycle, so no tip repeats
until all have been shown. The permutation is an affine map seeded with CRC-32 (never
Python's salted `hash`), so every machine with the same library picks the same tip, and
picking needs only the tip count and one lookup by position, however large the library.
"""

from __future__ import annotations

import datetime as dt
import math
import zlib

from tipweek.errors import NotFound

# Only datetime, math and zlib at import: the fast route (`tipweek.cli.fast`) picks with these
# functions too, and `typing` alone would cost it a tenth of its time.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import random
    from typing import Any, NamedTuple

    from tipweek.model import Tip
    from tipweek.store import Store

    class _Pick(NamedTuple):
        tip: Tip
        start: dt.date
        end: dt.date
        scheduled: bool  # True: the tip is dated in this period; False: the rotation chose it
else:
    from collections import namedtuple

    _Pick = namedtuple("_Pick", "tip start end scheduled")

_EPOCH_MONDAY = dt.date(1970, 1, 5)


class Pick(_Pick):
    """The tip a day or week gets, the period, and whether it was dated in it."""

    __slots__ = ()

    def to_json(self) -> dict[str, Any]:
        """A week of the schedule, as `tip schedule --json` prints it."""
        from tipweek.dates import week_label

        return {
            "week": week_label(self.start),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "scheduled": self.scheduled,
            "tip": self.tip.to_json(),
        }


def _seed(data: bytes) -> int:
    """64 well-mixed bits from two CRCs: fixed on every machine, and cheap to import."""
    return (zlib.crc32(data) << 32) | zlib.crc32(data[::-1])


def _permute(kind: str, cycle: int, size: int, position: int) -> int:
    key = f"tipweek:{kind}:{cycle}:{size}".encode()
    step = _seed(key + b":step") % size or 1
    while math.gcd(step, size) != 1:
        step += 1
    offset = _seed(key + b":offset") % size
    return (step * position + offset) % size


def rotation_position(kind: str, period: int, size: int) -> int:
    """Position (in the stable order) of the tip shown in `period`, for `size` eligible tips."""
    cycle, position = divmod(period, size)
    if size < 3:
        return period % size  # alternation is the only order with no back-to-back repeat
    chosen = _permute(kind, cycle, size, position)
    previous_last = _permute(kind, cycle - 1, size, size - 1)
    # Across a cycle boundary the first pick must not repeat the last one.
    if position == 0 and chosen == previous_last:
        return _permute(kind, cycle, size, 1)
    if position == 1 and _permute(kind, cycle, size, 0) == previous_last:
        return _permute(kind, cycle, size, 0)
    return chosen


def _pick(store: Store, kind: str, start: dt.date, end: dt.date, period: int, category: str | None) -> Pick:
    dated = store.dated_between(start, end, category)
    if dated:
        return Pick(dated[0], start, end, True)
    # Tips added during the period wait for the next one, so that the pick never changes
    # mid-period; only when there was nothing to pick at its start do they count at once.
    new_too = False
    size = store.eligible_count(start, category)
    if not size:
        new_too = True
        size = store.eligible_count(start, category, new_too=True)
    if not size:
        raise NotFound(
            "no tip to show" + (" in that category" if category else ""),
            hint="add tips to your library, or try another category or date",
        )
    position = rotation_position(kind, period, size)
    return Pick(store.eligible_at(start, category, position, new_too=new_too), start, end, False)


def tip_for_day(store: Store, day: dt.date, category: str | None = None) -> Pick:
    """A tip dated that day (newest wins), else the day's rotation pick."""
    return _pick(store, "day", day, day, day.toordinal(), category)


def tip_for_week(store: Store, day: dt.date, category: str | None = None) -> Pick:
    """A tip dated in the ISO week of `day` (newest wins), else the week's rotation pick."""
    from tipweek.dates import week_of

    monday, sunday = week_of(day)
    period = (monday - _EPOCH_MONDAY).days // 7
    return _pick(store, "week", monday, sunday, period, category)


def schedule(store: Store, start: dt.date, weeks: int, category: str | None = None) -> list[Pick]:
    """The picks for `weeks` consecutive weeks from the week of `start`."""
    picks = []
    for n in range(weeks):
        try:
            picks.append(tip_for_week(store, start + dt.timedelta(weeks=n), category))
        except OverflowError:
            break
    return picks


def random_tip(
    store: Store, today: dt.date, category: str | None = None, rng: random.Random | None = None
) -> Tip:
    """Any whole tip that is not scheduled for later (tips added today included: a draw is
    no period that must stay stable)."""
    size = store.eligible_count(today, category, new_too=True)
    if not size:
        raise NotFound("no tip to show" + (" in that category" if category else ""))
    if rng is None:
        import random

        rng = random.Random()
    return store.eligible_at(today, category, rng.randrange(size), new_too=True)
