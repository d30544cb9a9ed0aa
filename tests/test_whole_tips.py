"""Issue #11's acceptance: after importing the repository's own archive pages, staff only ever
see whole tips (no excerpt in 104 weeks of `schedule`, 60 days of `today`, 200 random draws,
or `send`/`export` with no id), the imported text is clean, and the takeaway is said once."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import pytest
from tests.conftest import TODAY, Library, Run

from tipweek.index import memory_index
from tipweek.library import LibrarySource
from tipweek.select import random_tip, schedule, tip_for_day, tip_for_week

FIXTURES = Path(__file__).parent / "fixtures" / "archive"


@pytest.fixture
def imported(library: Library, run: Run) -> Library:
    """Only the imported archive pages (the bundled library is off): excerpts and whole tips."""
    result = run("import", str(FIXTURES), "--into", str(library.root))
    assert result.exit_code == 0, result.stderr
    listed = json.loads(run("list", "--json").stdout)
    assert sum(t["excerpt"] for t in listed) >= 8 and sum(not t["excerpt"] for t in listed) >= 5
    return library


def test_no_excerpt_is_ever_scheduled_or_picked(imported: Library, run: Run) -> None:
    weeks = json.loads(run("schedule", "--weeks", "104", "--json").stdout)
    assert len(weeks) == 104
    assert not any(w["tip"]["excerpt"] for w in weeks)
    with memory_index([LibrarySource("lib", imported.root)]) as store:
        days = [tip_for_day(store, TODAY + dt.timedelta(days=n)).tip for n in range(60)]
        assert not any(t.excerpt for t in days)
        rng = random.Random(11)
        draws = [random_tip(store, TODAY, rng=rng) for _ in range(200)]
        assert not any(t.excerpt for t in draws)
        assert len({t.id for t in draws}) >= 5  # every whole tip can come up
        assert not any(p.tip.excerpt for p in schedule(store, TODAY, 104))
        assert not tip_for_week(store, TODAY).tip.excerpt


def test_the_commands_never_deliver_an_excerpt(imported: Library, run: Run) -> None:
    for command in (["today", "--json"], ["week", "--json"], ["random", "--json"]):
        result = run(*command)
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["excerpt"] is False
    exported = json.loads(run("export", "--format", "json").stdout)
    assert exported["excerpt"] is False
    digest = json.loads(run("export", "--format", "json", "--since", "1990-01-01").stdout)
    assert digest and not any(t["excerpt"] for t in digest)
    sent = run("send", "--to", "team@example.org", "--dry-run")
    assert sent.exit_code == 0, sent.stderr
    excerpt = next(t["id"] for t in json.loads(run("list", "--json").stdout) if t["excerpt"])
    refused = run("send", excerpt, "--to", "team@example.org", "--dry-run")
    assert refused.exit_code == 2 and "excerpt" in refused.stderr


def test_imported_text_is_clean(imported: Library, run: Run) -> None:
    for tip in json.loads(run("list", "--json").stdout):
        for key in ("title", "summary", "takeaway", "body", "publisher"):
            assert "\u00a0" not in tip[key], (tip["id"], key)
        summary = tip["summary"]
        assert summary.endswith(("…", ".", "!", "?", "”", '"')), (tip["id"], summary)
        assert tip["source"] == ""  # a site's name is no link: it is the publisher
        assert tip["publisher"] in ("Front Desk Academy", "Counter Notes")
        assert tip["added"] == TODAY.isoformat()
        if tip["takeaway"]:
            assert tip["takeaway"] not in tip["body"].split("\n\n"), tip["id"]
    assert run("check").exit_code == 0


def test_the_dry_run_shows_how_each_tip_was_read(library: Library, run: Run) -> None:
    result = run("import", str(FIXTURES), "--into", str(library.root), "--dry-run")
    assert result.exit_code == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert "How the importer read them" in out
    assert "summary: the teaser up to its last whole sentence, then …" in out
    assert "takeaway: the closing line 'Count two beats before you answer.' (taken out of the body)" in out
    assert "tag 'phone manner': the page header is in lower case, a tag archive" in out
    assert "category 'Hospitality': from the page header" in out
    assert not any(library.root.iterdir())


def test_an_excerpt_made_whole_joins_the_rotation_the_next_day(library: Library, run: Run) -> None:
    """`import --update` that replaces an excerpt with the full post stamps it: a tip that was
    not deliverable before must not change the pick of a day that has begun either."""
    earlier = {"TIP_TODAY": "2026-11-01"}
    first = run("import", str(FIXTURES / "front-desk-page-3.txt"), "--into", str(library.root), env=earlier)
    assert first.exit_code == 0, first.stderr
    greet = json.loads(run("show", "greet-the-second-guest-in-line", "--json").stdout)
    assert greet["excerpt"] and greet["added"] == "2026-11-01"
    updated = run("import", str(FIXTURES), "--into", str(library.root), "--update")
    assert updated.exit_code == 0, updated.stderr
    greet = json.loads(run("show", "greet-the-second-guest-in-line", "--json").stdout)
    assert not greet["excerpt"] and greet["added"] == TODAY.isoformat()
