"""Curation end to end: excerpts never delivered, hide and unhide, bundled tips that cannot be
removed, shadowing warnings, category aliases and the stable day."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from tests.conftest import TODAY, Library, Run

TEASER = "The first part of an old post. It stops"


@pytest.fixture
def teasers(sample: Library) -> Library:
    """The sample library plus a dozen excerpts, one of them dated this week."""
    for n in range(12):
        sample.add(
            f"Old Teaser Number {n}",
            f"2026-0{1 + n % 9}-1{n % 10}",
            ("Empathy",),
            body="",
            excerpt=True,
            summary=f"{TEASER} here…",
            source=f"https://blog.example.org/{n}",
        )
    sample.add("A Teaser This Week", "2026-11-26", body="", excerpt=True, summary="Only the start.")
    return sample


@pytest.fixture
def tty(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend someone is at the keyboard."""
    import tipweek.cli.authoring

    monkeypatch.setattr(tipweek.cli.authoring, "interactive", lambda: True)


def ids(result) -> list[str]:  # type: ignore[no-untyped-def]
    data = json.loads(result.stdout)
    return [t["id"] for t in data] if isinstance(data, list) else [data["id"]]


# --- excerpts are for browsing, never for delivery -------------------------------------------


def test_week_today_random_and_schedule_never_pick_an_excerpt(teasers: Library, run: Run) -> None:
    weeks = json.loads(run("schedule", "--weeks", "104", "--json").stdout)
    assert len(weeks) == 104
    assert not any(w["tip"]["excerpt"] for w in weeks)
    for n in range(0, 60, 7):
        day = (TODAY + dt.timedelta(days=n)).isoformat()
        assert not json.loads(run("today", "--date", day, "--json").stdout)["excerpt"]
        assert not json.loads(run("week", "--date", day, "--json").stdout)["excerpt"]
    draws = {json.loads(run("random", "--json").stdout)["id"] for _ in range(15)}
    assert not any(d.startswith(("old-teaser", "a-teaser")) for d in draws)


def test_export_with_no_id_and_digests_skip_excerpts(teasers: Library, run: Run) -> None:
    week = json.loads(run("export", "--format", "json").stdout)
    assert week["id"] == "explain-the-wait" and not week["excerpt"]
    digest = json.loads(run("export", "--format", "json", "--category", "empathy").stdout)
    assert digest and not any(t["excerpt"] for t in digest)


def test_send_of_an_excerpt_refuses_unless_allowed(teasers: Library, run: Run) -> None:
    refused = run("send", "old-teaser-number-3", "--to", "a@example.org", "--dry-run")
    assert refused.exit_code == 2
    assert "excerpt" in refused.stderr and "--allow-excerpt" in refused.stderr
    allowed = run("send", "old-teaser-number-3", "--to", "a@example.org", "--dry-run", "--allow-excerpt")
    assert allowed.exit_code == 0, allowed.stderr
    whole = run("send", "--to", "a@example.org", "--dry-run")
    assert whole.exit_code == 0 and "Explain the Wait" in whole.stdout


def test_list_and_search_mark_excerpts(teasers: Library, run: Run) -> None:
    listed = run("list", "--category", "empathy", "--json").stdout
    marks = {t["id"]: t["excerpt"] for t in json.loads(listed)}
    assert marks["old-teaser-number-1"] and not marks["greet-the-second-customer"]
    table = run("list", "--category", "empathy").stdout
    assert table.count("excerpt") == sum(marks.values()) == 13
    found = run("search", "old", "post").stdout
    assert "(excerpt)" in found
    assert json.loads(run("list", "--json").stdout)[0]["excerpt"] in (True, False)


def test_show_of_an_excerpt_ends_with_an_ellipsis_and_its_link(teasers: Library, run: Run) -> None:
    teasers.add("No Dots Teaser", None, body="", excerpt=True, summary="It starts like this")
    shown = run("show", "old-teaser-number-2").stdout
    assert f"{TEASER} here…" in shown
    assert "https://blog.example.org/2" in shown
    assert "It starts like this…" in run("show", "no-dots-teaser").stdout


# --- hide and unhide ---------------------------------------------------------------------------


def test_hide_and_unhide_round_trip(sample: Library, run: Run, isolated: Path) -> None:
    result = run("hide", "explain-the")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "explain-the-wait\n"
    assert "explain-the-wait" in (isolated / "data" / "hidden.toml").read_text()
    assert "explain-the-wait" not in ids(run("list", "--json"))
    assert ids(run("list", "--hidden", "--json")) == ["explain-the-wait"]
    assert json.loads(run("week", "--json").stdout)["id"] != "explain-the-wait"
    weeks = json.loads(run("schedule", "--weeks", "30", "--json").stdout)
    assert "explain-the-wait" not in {w["tip"]["id"] for w in weeks}
    found = run("search", "wait", "--json")
    assert found.exit_code in (0, 1) and "explain-the-wait" not in found.stdout
    assert run("categories", "--json").stdout.count('"Healthcare"') == 0
    gone = run("show", "explain-the-wait")
    assert gone.exit_code == 1 and "tip unhide explain-the-wait" in gone.stderr
    back = run("unhide", "expl")
    assert back.exit_code == 0, back.stderr
    assert back.stdout == "explain-the-wait\n"
    assert json.loads(run("week", "--json").stdout)["id"] == "explain-the-wait"
    assert run("list", "--hidden").exit_code == 1


def test_unhide_of_a_tip_that_is_not_hidden(sample: Library, run: Run) -> None:
    result = run("unhide", "explain-the-wait")
    assert result.exit_code == 1
    assert "not hidden" in result.stderr


def test_hiding_a_bundled_tip_never_touches_the_package(run: Run) -> None:
    from tipweek.library import bundled_path

    before = sorted(p.stat().st_mtime_ns for p in bundled_path().rglob("*.toml"))
    some_id = ids(run("list", "--json", "--limit", "1"))[0]
    assert run("hide", some_id).exit_code == 0
    assert some_id in ids(run("list", "--hidden", "--json"))
    assert sorted(p.stat().st_mtime_ns for p in bundled_path().rglob("*.toml")) == before


def test_rm_of_a_bundled_tip_refuses_at_once_and_points_to_hide(run: Run, tty: None) -> None:
    some_id = ids(run("list", "--json", "--limit", "1"))[0]
    result = run("rm", some_id)  # in a terminal: refused before any question
    assert result.exit_code == 1
    assert "Remove" not in result.stderr
    assert f"tip hide {some_id}" in result.stderr


# --- shadowing -----------------------------------------------------------------------------------


def test_adding_a_tip_with_a_bundled_id_warns_that_it_now_wins(run: Run) -> None:
    bundled = json.loads(run("list", "--json", "--limit", "1").stdout)[0]
    result = run("add", "--title", bundled["title"], "--category", "Empathy", "--body", "Mine now.")
    assert result.exit_code == 0, result.stderr
    assert f"'{bundled['id']}' replaces the tip with the same id in the bundled library" in result.stderr
    assert "yours now wins" in result.stderr
    assert json.loads(run("show", bundled["id"], "--json").stdout)["body"] == "Mine now."


def test_adding_into_a_library_read_earlier_warns_that_the_other_still_wins(
    sample: Library, run: Run, isolated: Path
) -> None:
    result = run("add", "--title", "Explain the Wait", "--category", "Empathy", "--body", "Shadowed.")
    assert result.exit_code == 0, result.stderr
    assert "still wins: yours is not shown" in result.stderr
    assert str(sample.root) in result.stderr


def test_rm_of_a_tip_that_replaced_a_bundled_one_says_the_bundled_one_is_back(run: Run) -> None:
    bundled = json.loads(run("list", "--json", "--limit", "1").stdout)[0]
    run("add", "--title", bundled["title"], "--category", "Empathy", "--body", "Mine now.")
    result = run("rm", bundled["id"], "--yes")
    assert result.exit_code == 0, result.stderr
    assert "is shown again" in result.stderr
    assert json.loads(run("show", bundled["id"], "--json").stdout)["body"] == bundled["body"]


# --- a stable day --------------------------------------------------------------------------------


def test_adding_a_tip_never_changes_todays_or_this_weeks_pick(sample: Library, run: Run) -> None:
    for n in range(6):
        sample.add(f"Undated Number {n}", None, ("Teamwork",))

    def picks() -> dict[str, str]:
        # Today (a Wednesday), and this week asked on Wednesday and on its Sunday.
        asked = [("today", "2026-11-25"), ("week", "2026-11-25"), ("week", "2026-11-29")]
        return {f"{k} {d}": json.loads(run(k, "--date", d, "--json").stdout)["id"] for k, d in asked}

    before = picks()
    for n in range(5):
        added = run("add", "--title", f"Brand New {n}", "--category", "Teamwork", "--body", "New.")
        assert added.exit_code == 0, added.stderr
    assert picks() == before
    assert json.loads(run("show", "brand-new-0", "--json").stdout)["added"] == TODAY.isoformat()
    later = {
        json.loads(run("today", "--date", f"2026-12-{d:02d}", "--json").stdout)["id"] for d in range(1, 25)
    }
    assert any(i.startswith("brand-new") for i in later)  # from tomorrow on they take part


# --- category aliases ---------------------------------------------------------------------------


def configure_aliases(home: Path, aliases: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(f"[categories]\naliases = {aliases}\n", encoding="utf-8")


def test_aliases_merge_spellings_on_read(sample: Library, run: Run, isolated: Path) -> None:
    sample.add("Cheer the Home Crowd", "2026-10-06", ("Sports",))
    sample.add("Know the Stadium Gates", "2026-10-13", ("Sports & Events", "Teamwork"))
    names = [c["name"] for c in json.loads(run("categories", "--json").stdout)]
    assert "Sports" in names and "Sports & Events" in names
    configure_aliases(isolated, '{ "sports" = "Sports & Events" }')
    cats = {c["name"]: c["count"] for c in json.loads(run("categories", "--json").stdout)}
    assert "Sports" not in cats and cats["Sports & Events"] == 2
    listed = json.loads(run("list", "--category", "sports & events", "--json").stdout)
    assert {t["id"] for t in listed} == {"cheer-the-home-crowd", "know-the-stadium-gates"}
    assert listed[1]["categories"] == ["Sports & Events"]
    table = run("categories", "--aliases")
    assert table.exit_code == 0, table.stderr
    assert "sports" in table.stdout and "Sports & Events" in table.stdout
    assert json.loads(run("categories", "--aliases", "--json").stdout) == [
        {"spelling": "sports", "category": "Sports & Events", "count": 2}
    ]
    (isolated / "config.toml").unlink()  # aliases gone: the index is rebuilt with the files' names
    assert "Sports" in [c["name"] for c in json.loads(run("categories", "--json").stdout)]


def test_import_map_renames_categories_in_the_written_files(
    library: Library, run: Run, tmp_path: Path
) -> None:
    data = [
        {"title": "Greet the Away Fans", "categories": ["Sports"], "body": "Say hello."},
        {"title": "Plan the Parking", "categories": ["Events", "Sports"], "body": "Open early."},
    ]
    source = tmp_path / "in.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    result = run("import", str(source), "--into", str(library.root), "--map", "Sports=Sports & Events")
    assert result.exit_code == 0, result.stderr
    texts = "".join(p.read_text() for p in library.root.rglob("*.toml"))
    assert '"Sports & Events"' in texts and '"Sports"' not in texts
    bad = run("import", str(source), "--map", "Sports")
    assert bad.exit_code == 2 and "OLD=NEW" in bad.stderr


def test_importing_over_a_bundled_id_warns(run: Run, tmp_path: Path) -> None:
    bundled = json.loads(run("list", "--json", "--limit", "1").stdout)[0]
    source = tmp_path / "in.json"
    source.write_text(json.dumps([{**bundled, "body": "Our own version."}]), encoding="utf-8")
    dry = run("import", str(source), "--dry-run")
    assert f"'{bundled['id']}' replaces the tip with the same id in the bundled library" in dry.stderr
    assert run("import", str(source)).exit_code == 0
    assert json.loads(run("show", bundled["id"], "--json").stdout)["body"] == "Our own version."


def test_check_flags_curation_problems(library: Library, run: Run, isolated: Path) -> None:
    library.add("Teaser Without Summary", None, body="Some start", excerpt=True)
    library.add("Said Twice", None, body="A story.\n\nAsk first.", takeaway="Ask first.")
    library.add("Named Source", None, source="Front Desk Academy")
    library.add("Fine Tip", None, ("Sports",))
    configure_aliases(isolated, '{ "Sports" = "Sprots & Events" }')
    (isolated / "data").mkdir(parents=True)
    (isolated / "data" / "hidden.toml").write_text('hidden = ["no-such-tip"]\n', encoding="utf-8")
    result = run("check")
    assert result.exit_code == 0, result.stdout  # warnings only
    out = result.stdout
    assert "teaser-without-summary.toml: warning: an excerpt needs a 'summary'" in out
    assert "said-twice.toml: warning: the takeaway is repeated" in out
    assert "named-source.toml: warning: 'source' should be a link" in out
    assert "category alias 'Sports' points at 'Sprots & Events', which no tip uses" in out
    assert "hidden id 'no-such-tip' matches no tip" in out
