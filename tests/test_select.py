"""Rotation and scheduling rules: a contract both stores keep, the SQLite index (in memory,
as the fallback builds it) and the plain `MemoryStore`."""

import datetime as dt
import itertools
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tipweek.errors import NotFound
from tipweek.index import memory_index
from tipweek.library import LibrarySource, write_tip
from tipweek.model import Tip
from tipweek.select import random_tip, rotation_position, schedule, tip_for_day, tip_for_week
from tipweek.store import Curation, MemoryStore

MakeStore = Callable[..., Any]  # (tips, hidden=()) -> a Store


def tip(id: str, date: str | None = None, cats: tuple[str, ...] = ("Empathy",), **extra: Any) -> Tip:
    added = extra.pop("added", None)
    return Tip(
        id=id,
        title=id.title(),
        categories=cats,
        date=dt.date.fromisoformat(date) if date else None,
        body="" if extra.get("excerpt") else "body",
        summary="The start of it." if extra.get("excerpt") else "",
        added=dt.date.fromisoformat(added) if added else None,
        **extra,
    )


UNDATED = [tip(f"tip-{n:02d}") for n in range(7)]


@pytest.fixture(params=["index", "memory"])
def make(request: pytest.FixtureRequest, tmp_path: Path) -> Iterable[MakeStore]:
    """A store over the given tips: written to a library and indexed, or held in a list."""
    if request.param == "memory":
        yield MemoryStore
        return
    opened = []

    def indexed(tips: Iterable[Tip], hidden: Iterable[str] = ()) -> Any:
        source = LibrarySource("test", tmp_path / f"library-{len(opened)}", writable=True)
        source.path.mkdir()
        for t in tips:
            write_tip(source, t)
        opened.append(memory_index([source], curation=Curation(hidden=frozenset(hidden))))
        return opened[-1]

    yield indexed
    for index in opened:
        index.close()


def test_a_tip_dated_in_the_week_wins_newest_first(make: MakeStore) -> None:
    store = make([*UNDATED, tip("tue", "2026-11-24"), tip("thu", "2026-11-26")])
    pick = tip_for_week(store, dt.date(2026, 11, 23))
    assert (pick.tip.id, pick.scheduled) == ("thu", True)
    assert (pick.start, pick.end) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))


def test_future_tip_is_the_whole_weeks_tip_from_monday(make: MakeStore) -> None:
    store = make([*UNDATED, tip("later", "2026-11-27")])
    assert tip_for_week(store, dt.date(2026, 11, 23)).tip.id == "later"  # Monday, before its date


def test_today_never_shows_a_tip_before_its_date(make: MakeStore) -> None:
    store = make([tip("old", "2026-01-01"), tip("later", "2026-11-27")])
    for day in range(20, 27):
        assert tip_for_day(store, dt.date(2026, 11, day)).tip.id == "old"
    assert tip_for_day(store, dt.date(2026, 11, 27)).tip.id == "later"


def test_rotation_skips_future_tips(make: MakeStore) -> None:
    store = make([*UNDATED, tip("future", "2030-01-01")])
    seen = {tip_for_week(store, dt.date(2026, 1, 5) + dt.timedelta(weeks=n)).tip.id for n in range(50)}
    assert "future" not in seen
    assert seen == {t.id for t in UNDATED}


def test_rotation_is_deterministic_and_independent_of_input_order(make: MakeStore) -> None:
    a = make(UNDATED)
    b = make(list(reversed(UNDATED)))
    days = [dt.date(2026, 3, 1) + dt.timedelta(days=n) for n in range(30)]
    assert [tip_for_day(a, d).tip.id for d in days] == [tip_for_day(b, d).tip.id for d in days]


def test_rotation_pins_known_values() -> None:
    """Seeded with CRC-32, never Python's salted hash: these values hold on every machine and
    every run, so a change here means everyone's tip of the week would change."""
    assert [rotation_position("week", p, 7) for p in range(14)] == [5, 2, 1, 4, 0, 3, 6, 3, 4, 5, 6, 0, 1, 2]
    assert [rotation_position("day", p, 30) for p in range(1000, 1005)] == [17, 24, 1, 8, 15]


@settings(max_examples=60, deadline=None)
@given(size=st.integers(1, 60), start=st.integers(0, 10_000), kind=st.sampled_from(["day", "week"]))
def test_no_repeats_within_a_cycle_and_none_back_to_back(size: int, start: int, kind: str) -> None:
    cycle_start = (start // size) * size
    picks = [rotation_position(kind, p, size) for p in range(cycle_start, cycle_start + 3 * size)]
    for n in range(3):
        assert sorted(picks[n * size : (n + 1) * size]) == list(range(size))
    if size > 1:
        assert all(a != b for a, b in itertools.pairwise(picks))


def test_category_filter_and_no_tip(make: MakeStore) -> None:
    store = make([tip("a", cats=("Teamwork",)), tip("b", cats=("Empathy",))])
    assert tip_for_week(store, dt.date(2026, 1, 5), "teamwork").tip.id == "a"
    with pytest.raises(NotFound):
        tip_for_week(store, dt.date(2026, 1, 5), "healthcare")
    with pytest.raises(NotFound):
        tip_for_day(make([]), dt.date(2026, 1, 5))


def test_schedule_lists_consecutive_weeks(make: MakeStore) -> None:
    store = make([*UNDATED, tip("snow", "2026-12-08")])
    picks = schedule(store, dt.date(2026, 11, 25), 4)
    assert [p.start for p in picks] == [dt.date(2026, 11, 23) + dt.timedelta(weeks=n) for n in range(4)]
    assert [p.scheduled for p in picks] == [False, False, True, False]
    assert picks[2].tip.id == "snow"
    assert len({p.tip.id for p in picks}) == 4


def test_schedule_stops_at_the_end_of_the_calendar(make: MakeStore) -> None:
    assert len(schedule(make(UNDATED), dt.date(9999, 12, 20), 5)) == 2


def test_random_never_picks_a_future_tip(make: MakeStore) -> None:
    import random

    store = make([tip("past", "2026-01-01"), tip("future", "2027-01-01")])
    rng = random.Random(1)
    assert {random_tip(store, dt.date(2026, 11, 25), rng=rng).id for _ in range(30)} == {"past"}


# --- what may be delivered ----------------------------------------------------------------

EXCERPTS = [tip(f"teaser-{n:02d}", f"2026-0{1 + n % 9}-1{n % 10}", excerpt=True) for n in range(12)]


def test_excerpts_are_never_picked(make: MakeStore) -> None:
    store = make([*UNDATED, *EXCERPTS, tip("dated-teaser", "2026-11-24", excerpt=True)])
    monday = dt.date(2026, 11, 23)
    weeks = schedule(store, monday, 104)
    days = [tip_for_day(store, monday + dt.timedelta(days=n)).tip for n in range(60)]
    assert not any(p.tip.excerpt for p in weeks) and not any(t.excerpt for t in days)
    assert weeks[0].scheduled is False  # a dated excerpt does not take its week
    assert {p.tip.id for p in weeks} == {t.id for t in UNDATED}


def test_only_excerpts_means_nothing_to_deliver(make: MakeStore) -> None:
    with pytest.raises(NotFound):
        tip_for_week(make(EXCERPTS), dt.date(2026, 11, 23))


def test_hidden_tips_are_never_picked(make: MakeStore) -> None:
    store = make([*UNDATED, tip("snow", "2026-12-08")], hidden=["tip-03", "snow"])
    picks = schedule(store, dt.date(2026, 11, 23), 30)
    assert {p.tip.id for p in picks} == {t.id for t in UNDATED} - {"tip-03"}
    assert store.get_exact("tip-03") is None
    assert "tip-03" not in store.ids()


def test_a_tip_added_mid_period_waits_for_the_next_one(make: MakeStore) -> None:
    """The stable-day rule: adding a tip never changes a day's or a week's pick once it has
    started; the new tip joins the rotation from the next day (week) on."""
    wednesday = dt.date(2026, 11, 25)
    before = make(UNDATED)
    after = make(
        [*UNDATED, tip("new", added="2026-11-25"), tip("old-but-new", "2020-01-01", added="2026-11-25")]
    )
    for day in (wednesday, wednesday - dt.timedelta(days=30)):
        assert tip_for_day(after, day).tip.id == tip_for_day(before, day).tip.id
        assert tip_for_week(after, day).tip.id == tip_for_week(before, day).tip.id
    rng = __import__("random").Random(3)  # a draw is no period: new tips may come up at once
    assert {"new", "old-but-new"} <= {random_tip(after, wednesday, rng=rng).id for _ in range(200)}
    later = {tip_for_day(after, wednesday + dt.timedelta(days=n)).tip.id for n in range(1, 40)}
    assert {"new", "old-but-new"} <= later
    assert tip_for_week(after, wednesday + dt.timedelta(weeks=1)).tip.id in {t.id for t in after.tips()}
    weeks = {p.tip.id for p in schedule(after, dt.date(2026, 11, 30), 20)}
    assert {"new", "old-but-new"} <= weeks
