"""The schedule as iCalendar: parsed back with the `icalendar` package, UIDs stable across runs."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from tipweek.ical import calendar, uid
from tipweek.model import Tip
from tipweek.select import schedule
from tipweek.store import MemoryStore

MONDAY = dt.date(2026, 11, 23)


def tips() -> list[Tip]:
    return [
        Tip("dated", "Explain the Wait; Then, Say Why", ("Healthcare", "Front, Desk"), dt.date(2026, 11, 24),
            takeaway="Tell people how long, and why.", body="Body one."),
        Tip("other", "Thank Them for Something Specific", ("Communication",), body="Body two.",
            summary="Line one\nline two \\ with a backslash"),
        Tip("third", "Greet the Second Customer", ("Empathy",), dt.date(2026, 1, 6), body="Body three."),
    ]  # fmt: skip


def build(now: dt.datetime, category: str | None = None, **options: object) -> Calendar:
    picks = schedule(MemoryStore(tips()), MONDAY, 4, category)
    return Calendar.from_ical(calendar(picks, now=now, category=category, **options))  # type: ignore[arg-type]


def events(cal: Calendar) -> list:
    return list(cal.walk("VEVENT"))


def test_one_all_day_event_per_week_from_monday_to_monday() -> None:
    cal = build(dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC))
    assert str(cal["version"]) == "2.0" and "tipweek" in str(cal["prodid"])
    found = events(cal)
    assert len(found) == 4
    for week, event in enumerate(found):
        start = MONDAY + dt.timedelta(weeks=week)
        assert event["dtstart"].dt == start and not isinstance(event["dtstart"].dt, dt.datetime)
        assert event["dtend"].dt == start + dt.timedelta(days=7)
        assert str(event["transp"]) == "TRANSPARENT"
    first = found[0]
    assert str(first["summary"]) == "Tip of the week: Explain the Wait; Then, Say Why"
    assert str(first["status"]) == "CONFIRMED"
    assert [str(c) for c in first["categories"].cats] == ["Healthcare", "Front, Desk"]
    assert "Takeaway: Tell people how long, and why." in str(first["description"])
    assert "tip show dated" in str(first["description"])
    assert {str(e["status"]) for e in found[1:]} == {"TENTATIVE"}  # rotation picks may change


def test_uids_are_stable_across_runs_and_days() -> None:
    monday = build(dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.UTC))
    friday = build(dt.datetime(2026, 11, 27, 18, 30, tzinfo=dt.UTC))
    assert [str(e["uid"]) for e in events(monday)] == [str(e["uid"]) for e in events(friday)]
    assert [str(e["uid"]) for e in events(monday)] == [f"2026-W{n}@tipweek.invalid" for n in (48, 49, 50, 51)]
    assert events(monday)[0]["dtstamp"].dt != events(friday)[0]["dtstamp"].dt


def test_a_category_calendar_has_its_own_uids() -> None:
    assert uid(MONDAY, "healthcare") == "2026-W48.healthcare@tipweek.invalid"
    cal = build(dt.datetime(2026, 11, 25, tzinfo=dt.UTC), "healthcare")
    assert {str(e["uid"]).split("@")[0] for e in events(cal)} == {
        f"2026-W{n}.healthcare" for n in (48, 49, 50, 51)
    }


def test_links_to_the_site_and_text_escaping_round_trips() -> None:
    cal = build(
        dt.datetime(2026, 11, 25, tzinfo=dt.UTC),
        tip_url=lambda t: f"https://tips.example.org/tips/{t.id}.html",
    )
    by_title = {str(e["summary"]): e for e in events(cal)}
    other = by_title["Tip of the week: Thank Them for Something Specific"]
    assert str(other["url"]) == "https://tips.example.org/tips/other.html"
    assert str(other["description"]).startswith("Line one line two \\ with a backslash")


@pytest.mark.parametrize("weeks", [1, 52])
def test_any_length(weeks: int) -> None:
    picks = schedule(MemoryStore(tips()), MONDAY, weeks)
    cal = Calendar.from_ical(calendar(picks, now=dt.datetime(2026, 11, 25, tzinfo=dt.UTC)))
    assert len(events(cal)) == weeks


def test_schedule_command_writes_ics_to_stdout_and_files(run, sample, tmp_path, isolated) -> None:
    result = run("schedule", "--weeks", "6", "--format", "ics")
    assert result.exit_code == 0
    cal = Calendar.from_ical(result.stdout_bytes)
    found = events(cal)
    assert [str(e["uid"]) for e in found] == [f"2026-W{n}@tipweek.invalid" for n in range(48, 54)]
    assert str(found[0]["summary"]) == "Tip of the week: Explain the Wait"
    assert result.stdout_bytes.count(b"\r\n") > 20  # RFC 5545 line ends
    out = tmp_path / "tips.ics"
    assert run("schedule", "--weeks", "6", "-o", str(out)).exit_code == 0
    assert out.read_bytes() == result.stdout_bytes
    again = run("schedule", "--weeks", "6", "-o", str(out))
    assert again.exit_code == 1 and "already exists" in again.stderr
    (isolated / "config.toml").write_text('[site]\nbase_url = "https://tips.example.org/desk"\n')
    linked = Calendar.from_ical(run("schedule", "--weeks", "1", "--format", "ics").stdout_bytes)
    assert str(events(linked)[0]["url"]) == "https://tips.example.org/desk/tips/explain-the-wait.html"


def test_schedule_uids_do_not_depend_on_the_day_it_runs(run, sample) -> None:
    monday = run(
        "schedule", "--from", "2026-12-07", "--weeks", "3", "--format", "ics", env={"TIP_TODAY": "2026-12-07"}
    )
    later = run(
        "schedule", "--from", "2026-12-07", "--weeks", "3", "--format", "ics", env={"TIP_TODAY": "2026-12-09"}
    )
    uids = [[str(e["uid"]) for e in events(Calendar.from_ical(r.stdout_bytes))] for r in (monday, later)]
    assert uids[0] == uids[1] == [f"2026-W{n}@tipweek.invalid" for n in (50, 51, 52)]


def test_schedule_output_needs_a_file_format(run, sample, tmp_path) -> None:
    result = run("schedule", "-o", str(tmp_path / "plan.txt"))
    assert result.exit_code == 2
    assert "-o plan.txt: schedule writes ics or json files" in result.stderr
