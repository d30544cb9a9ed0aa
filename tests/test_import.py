"""`tip import`: planning (pure), the formats, round trips, idempotence and failure handling."""

from __future__ import annotations

import datetime as dt
import json
import os
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import TODAY, Library, Run, without_added
from tipweek.importers import FORMATS, IMPORTERS, detect
from tipweek.importing import combine, merge_tips, plan_import, same_tip
from tipweek.library import bundled_path, read_tip, scan
from tipweek.model import Tip

FIXTURES = Path(__file__).parent / "fixtures" / "archive"


def tip(title: str, date: str | None = None, categories: tuple[str, ...] = ("Retail",), **extra: Any) -> Tip:
    from tipweek.text import slugify

    fields: dict[str, Any] = {"id": slugify(title), "body": f"All about {title.lower()}.", **extra}
    day = dt.date.fromisoformat(date) if date else None
    return Tip(title=title, categories=categories, date=day, **fields)


def teaser(title: str, date: str, categories: tuple[str, ...] = ("Retail",)) -> Tip:
    return tip(title, date, categories, body="", excerpt=True, summary="The start of a story and")


def files(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    }


def user_library(home: Path) -> Path:
    return home / "data" / "tips"


# --- planning, without a disk -------------------------------------------------------------


def test_new_tips_are_created() -> None:
    actions = plan_import([], [tip("Say Hello"), teaser("Wave Back", "2025-03-04")], update=False)
    assert [(a.kind, a.tip.id) for a in actions] == [("create", "say-hello"), ("create", "wave-back")]
    assert "excerpt" in actions[1].note


def test_identical_tip_is_unchanged() -> None:
    existing = tip("Say Hello", "2025-01-07").with_changes(path="/lib/2025/x.toml")
    [action] = plan_import([existing], [tip("Say Hello", "2025-01-07")], update=True)
    assert action.kind == "unchanged"


def test_identity_is_title_and_date_or_id() -> None:
    mine = tip("“Say Hello” – Kindly", "2025-01-07").with_changes(id="my-own-slug")
    assert same_tip(mine, tip('"Say Hello" - kindly', "2025-01-07"))
    assert same_tip(mine, tip("Say Hello Kindly", None))  # an undated copy of it
    assert not same_tip(mine, tip("Say Hello Kindly", "2025-01-14"))
    assert same_tip(tip("A", None).with_changes(id="x"), tip("B", "2025-01-01").with_changes(id="x"))


def test_same_id_on_another_date_gets_a_new_id() -> None:
    existing = tip("Weekly Huddle", "2025-01-06")
    [action] = plan_import([existing], [tip("Weekly Huddle", "2025-01-13")], update=True)
    assert (action.kind, action.tip.id) == ("create", "weekly-huddle-2")


def test_existing_tip_is_skipped_without_update_and_merged_with_it() -> None:
    existing = tip("Say Hello", "2025-01-07", ("Retail",), tags=("greeting",))
    incoming = tip(
        "Say Hello", "2025-01-07", ("Hospitality",), tags=("Greeting", "door"), takeaway="Look up."
    )
    [skip] = plan_import([existing], [incoming], update=False)
    assert (skip.kind, skip.note) == ("skip", "exists; use --update")
    [merge] = plan_import([existing], [incoming], update=True)
    assert merge.kind == "merge"
    assert merge.tip.categories == ("Retail", "Hospitality")
    assert merge.tip.tags == ("greeting", "door")
    assert merge.tip.takeaway == "Look up."
    assert "adds categories Hospitality" in merge.note and "fills takeaway" in merge.note


def test_update_never_overwrites_hand_edits() -> None:
    existing = tip("Say Hello", None, body="My own rewritten text.", takeaway="My line.")
    incoming = tip("Say Hello", None, body="The original text.", takeaway="Their line.")
    for update in (False, True):
        [action] = plan_import([existing], [incoming], update=update)
        assert action.kind == "skip"
        assert action.note == "exists; differs, but has nothing to add"


def test_full_body_replaces_an_excerpt_on_update() -> None:
    existing = teaser("Wave Back", "2025-03-04", ("Retail",)).with_changes(path="/lib/2025/wave.toml")
    incoming = tip("Wave Back", None, ("Hospitality",), body="The whole story.", takeaway="Wave.")
    [action] = plan_import([existing], [incoming], update=True)
    assert action.kind == "update"
    assert action.tip.path == "/lib/2025/wave.toml"  # written where it is
    assert (action.tip.excerpt, action.tip.body, action.tip.summary) == (False, "The whole story.", "")
    assert action.tip.date == dt.date(2025, 3, 4)
    assert action.tip.categories == ("Retail", "Hospitality")
    assert "full body replaces the excerpt" in action.note


def test_a_teaser_adds_nothing_to_a_full_tip() -> None:
    existing = tip("Wave Back", "2025-03-04", ("Retail",), body="The whole story.")
    [action] = plan_import([existing], [teaser("Wave Back", "2025-03-04")], update=True)
    assert action.kind == "skip"


def test_incoming_duplicates_are_combined() -> None:
    merged = combine(
        [
            teaser("Wave Back", "2025-03-04", ("Retail",)),
            tip("wave back", None, ("Hospitality",), body="Full."),
            teaser("Wave Back", "2025-03-04", ("Teamwork",)),
        ]
    )
    assert len(merged) == 1
    assert merged[0].categories == ("Hospitality", "Retail", "Teamwork")
    assert (merged[0].body, merged[0].date, merged[0].excerpt) == ("Full.", dt.date(2025, 3, 4), False)


def test_merge_keeps_the_base_on_conflicts() -> None:
    merged = merge_tips(
        tip("A", "2025-01-01", author="Kim"), tip("A", "2025-02-02", author="Lee", source="S")
    )
    assert (merged.date, merged.author, merged.source) == (dt.date(2025, 1, 1), "Kim", "S")


# --- formats --------------------------------------------------------------------------------


def test_registry_and_detection() -> None:
    assert set(FORMATS) == {"archive", "markdown", "json", "feed", "fortune"}
    assert set(IMPORTERS) == set(FORMATS)
    assert detect("+++\ntitle = 'x'\n+++\nbody", "a.txt") == "markdown"
    assert detect('[{"title": "x"}]', "a.txt") == "json"
    assert detect("  {not json", "a.txt") == ""
    assert detect("  {not json", "a.json") == "json"  # then the JSON importer says what is wrong
    assert detect("one\n%\ntwo\n", "cookies") == "fortune"
    assert detect("plain words", "notes.txt") == ""
    assert detect('<rss version="2.0"><channel></channel></rss>', "a.txt") == "feed"
    assert detect("<!-- empty -->", "posts.atom") == "feed"  # by name when the content says nothing


def test_markdown_importer_reads_several_tips_and_reports_lines() -> None:
    text = (
        '+++\ntitle = "Say Hello"\ncategories = ["Retail"]\ndate = 2025-01-07\n+++\n\nHello **there**.\n'
        '\n+++\nid = "custom-id"\ntitle = "Two"\ncategories = ["Retail"]\n+++\nSecond body.\n'
        '+++\ntitle = "Broken"\ncategories = "Retail\n+++\nx\n'
        '+++\ntitle = "No Categories"\n+++\nx\n'
    )
    result = IMPORTERS["markdown"](text, "tips.md")
    assert [(t.id, t.body) for t in result.tips] == [
        ("say-hello", "Hello **there**."),
        ("custom-id", "Second body."),
    ]
    assert result.tips[0].date == dt.date(2025, 1, 7)
    assert [line for line, _ in result.problems] == [17, 20]


def test_json_importer_keeps_good_objects_and_names_bad_ones() -> None:
    text = json.dumps(
        [
            {"id": "one", "title": "One", "categories": ["A"], "body": "b"},
            {"id": "two", "title": "", "categories": ["A"], "body": "b"},
            "not an object",
        ],
        indent=2,
    )
    result = IMPORTERS["json"](text, "x.json")
    assert [t.id for t in result.tips] == ["one"]
    assert [line for line, _ in result.problems] == [10, 18]
    broken = IMPORTERS["json"]('[\n{"title": "x",\n', "x.json")
    assert broken.tips == [] and broken.problems[0][0] == 3


def test_fortune_cookies() -> None:
    text = "Smile at the door.\n%\nListen first\n  then answer.\n  -- A. Manager\n%\n\n%\n"
    result = IMPORTERS["fortune"](text, "cookies")
    assert [(t.title, t.body, t.author, t.categories, t.date) for t in result.tips] == [
        ("Smile at the door.", "Smile at the door.", "", ("Imported",), None),
        ("Listen first", "then answer.", "A. Manager", ("Imported",), None),
    ]
    mine = IMPORTERS["fortune"](text, "cookies", categories=["Motivation"])
    assert mine.tips[0].categories == ("Motivation",)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(IMPORTERS)), st.text())
def test_no_importer_raises_on_arbitrary_text(name: str, text: str) -> None:
    result = IMPORTERS[name](text, "x")
    assert all(t.title and t.categories for t in result.tips)


# --- the command --------------------------------------------------------------------------


def test_import_archive_pages_into_the_user_library(run: Run, isolated: Path) -> None:
    result = run("import", str(FIXTURES))
    assert result.exit_code == 0, result.stderr
    assert "16 created" in result.stdout
    root = user_library(isolated)
    tips = {read_tip(Path(s.path)).id: read_tip(Path(s.path)) for s in scan(root)}
    assert len(tips) == 16
    assert (root / "2025" / "2025-03-04-greet-the-second-guest-in-line.toml").is_file()
    assert (root / "undated" / "know-the-names-of-the-night-staff.toml").is_file()
    text = (root / "2014" / "2014-09-02-smile-before-you-pick-up.toml").read_text(encoding="utf-8")
    assert 'body = """\n' in text  # a multi-line body
    assert "\u00a0" not in text and "Before a call" in text  # no-break spaces become spaces
    assert run("check").exit_code == 0


def test_dry_run_writes_nothing(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "out"
    result = run("import", str(FIXTURES), "--into", str(target), "--dry-run")
    assert result.exit_code == 0
    assert "16 would be created" in result.stdout
    assert "dry run" in result.stdout
    assert "greet-the-second-guest-in-line" in result.stdout
    assert not target.exists()


def test_reimport_changes_nothing(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "out"
    assert run("import", str(FIXTURES), "--into", str(target)).exit_code == 0
    before = files(target)
    again = run("import", str(FIXTURES), "--into", str(target))
    assert again.exit_code == 0
    assert "16 unchanged" in again.stdout
    assert "created" not in again.stdout and "updated" not in again.stdout
    assert files(target) == before  # same bytes, same mtimes, no new files


def test_update_merges_pages_imported_later(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "out"
    assert run("import", str(FIXTURES / "front-desk-page-3.txt"), "--into", str(target)).exit_code == 0
    greet = target / "2025" / "2025-03-04-greet-the-second-guest-in-line.toml"
    assert tomllib.loads(greet.read_text(encoding="utf-8"))["excerpt"] is True

    skipped = run("import", str(FIXTURES), "--into", str(target))
    assert skipped.exit_code == 0
    assert "2 skipped" in skipped.stdout and "use --update" in skipped.stdout
    assert tomllib.loads(greet.read_text(encoding="utf-8"))["excerpt"] is True

    updated = run("import", str(FIXTURES), "--into", str(target), "--update")
    assert updated.exit_code == 0
    assert "1 updated" in updated.stdout and "1 merged" in updated.stdout
    data = tomllib.loads(greet.read_text(encoding="utf-8"))
    assert "excerpt" not in data
    assert (
        data["summary"]
        == "Marisol was halfway through a key card reissue when the revolving door turned again."
    )
    assert data["categories"] == ["Hospitality", "Retail"]
    assert data["body"].startswith("Marisol was halfway")
    assert "14 unchanged" in updated.stdout


def test_update_keeps_hand_edits(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "out"
    run("import", str(FIXTURES), "--into", str(target))
    path = target / "2019" / "2019-05-06-keep-the-lobby-calm.toml"
    edited = path.read_text(encoding="utf-8").replace("Look up between guests.", "Eyes up, always.")
    path.write_text(edited, encoding="utf-8")
    result = run("import", str(FIXTURES), "--into", str(target), "--update")
    assert result.exit_code == 0
    assert path.read_text(encoding="utf-8") == edited


def test_bad_input_among_good_ones(run: Run, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "broken.json").write_text('[\n  {"title": "x", "categories": ["A"], "body": "b"},\n  oops\n]')
    (inputs / "binary.txt").write_bytes(b"\xff\xfe\x00garbage")
    (inputs / "good.md").write_text('+++\ntitle = "Good One"\ncategories = ["A"]\n+++\nFine.\n')
    (inputs / ".hidden.md").write_text("not read at all")
    target = tmp_path / "out"
    result = run("import", str(inputs), str(FIXTURES), str(tmp_path / "missing.txt"), "--into", str(target))
    assert result.exit_code == 1
    assert f"{inputs / 'broken.json'}:3:" in result.stderr
    assert str(inputs / "binary.txt") in result.stderr
    assert "missing.txt: no such file or folder" in result.stderr
    assert ".hidden" not in result.stderr
    assert "17 created" in result.stdout  # the good file and the 16 archive tips, nothing from broken.json
    assert (target / "undated" / "good-one.toml").is_file()


def test_unknown_format_and_forced_format(run: Run, tmp_path: Path) -> None:
    cookies = tmp_path / "cookies.txt"
    cookies.write_text("Just one cookie with no separator.\n")
    target = tmp_path / "out"
    unknown = run("import", str(cookies), "--into", str(target))
    assert unknown.exit_code == 1
    assert "cannot tell the format" in unknown.stderr and "--format" in unknown.stderr
    forced = run("import", str(cookies), "--into", str(target), "--format", "fortune", "-c", "Motivation")
    assert forced.exit_code == 0
    written = read_tip(target / "undated" / "just-one-cookie-with-no-separator.toml")
    assert written.categories == ("Motivation",)


def test_interrupted_import_leaves_only_whole_files(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tipweek.fsutil

    real_fsync = os.fsync
    calls = {"n": 0}

    def flaky_fsync(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # killed while the third file is being written
        real_fsync(fd)

    monkeypatch.setattr(tipweek.fsutil.os, "fsync", flaky_fsync)
    target = tmp_path / "out"
    result = run("import", str(FIXTURES), "--into", str(target))
    assert result.exit_code == 130
    monkeypatch.undo()
    written = [p for p in target.rglob("*") if p.is_file()]
    assert len(written) == 2
    assert all(p.suffix == ".toml" and not p.name.startswith(".") for p in written)
    for path in written:
        read_tip(path)  # parses and validates
    again = run("import", str(FIXTURES), "--into", str(target))
    assert again.exit_code == 0 and "14 created" in again.stdout and "2 unchanged" in again.stdout


def test_failed_write_is_reported_and_the_rest_written(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out"
    blocker = target / "undated" / "know-the-names-of-the-night-staff.toml"
    blocker.parent.mkdir(parents=True)
    blocker.write_text("not a tip = [")  # an unreadable file where a new tip would go
    result = run("import", str(FIXTURES), "--into", str(target))
    assert result.exit_code == 1
    assert "know-the-names-of-the-night-staff" in result.stderr and "already exists" in result.stderr
    assert "15 created" in result.stdout and "1 failed" in result.stdout
    assert blocker.read_text() == "not a tip = ["


def test_never_writes_into_the_bundled_library(run: Run) -> None:
    result = run("import", str(FIXTURES), "--into", str(bundled_path()))
    assert result.exit_code == 1
    assert "read-only" in result.stderr


def test_unwritable_target_is_a_clear_error(run: Run, tmp_path: Path) -> None:
    a_file = tmp_path / "plain-file"
    a_file.write_text("x")
    result = run("import", str(FIXTURES), "--into", str(a_file / "lib"))
    assert result.exit_code == 1
    assert "cannot write to the library" in result.stderr
    assert "Traceback" not in result.stderr


def test_read_only_folder(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "locked"
    target.mkdir()
    target.chmod(0o555)
    try:
        if os.access(target, os.W_OK):
            pytest.skip("running as root: permissions are not enforced")
        result = run("import", str(FIXTURES), "--into", str(target))
        assert result.exit_code == 1
        assert "cannot write to the library" in result.stderr and "Permission denied" in result.stderr
    finally:
        target.chmod(0o755)


# --- round trips ----------------------------------------------------------------------------


def test_json_round_trip(run: Run, sample: Library, tmp_path: Path) -> None:
    sample.add("An Excerpt Only", "2026-10-06", ("Retail",), body="", excerpt=True, summary="Just the start")
    sample.add(
        "With a Summary", None, ("Retail",), summary="Hand-written summary.", author="Kim", source="Blog"
    )
    listed = run("list", "--json")
    assert listed.exit_code == 0
    exported = tmp_path / "tips.json"
    exported.write_text(listed.stdout, encoding="utf-8")
    target = tmp_path / "copy"
    result = run("import", str(exported), "--into", str(target))
    assert result.exit_code == 0, result.stderr
    env = {"TIP_LIBRARY": str(target)}
    expected = json.loads(listed.stdout)
    for tip in expected:
        tip["added"] = TODAY.isoformat()  # stamped on import: they join the rotation tomorrow
        if tip["source"] == "Blog":  # a name, not a link: the publisher
            tip["source"], tip["publisher"] = "", "Blog"
    copied = json.loads(run("list", "--json", env=env).stdout)
    assert copied == expected
    one = run("show", "greet-the-second-customer", "--json", env=env)
    assert json.loads(one.stdout) == next(t for t in expected if t["id"] == "greet-the-second-customer")
    again = run("import", str(exported), "--into", str(target))
    assert f"{len(json.loads(listed.stdout))} unchanged" in again.stdout


def test_json_export_digest_round_trip(run: Run, sample: Library, tmp_path: Path) -> None:
    exported = run("export", "--format", "json", "--since", "2026-01-01")
    assert exported.exit_code == 0, exported.stderr
    path = tmp_path / "digest.json"
    path.write_bytes(exported.stdout_bytes)
    target = tmp_path / "copy"
    assert run("import", str(path), "--into", str(target)).exit_code == 0
    again = run("export", "--format", "json", "--since", "2026-01-01", env={"TIP_LIBRARY": str(target)})
    assert without_added(json.loads(again.stdout)) == without_added(json.loads(exported.stdout))


MARKDOWN = """\
+++
title = "Name the Next Step"
date = 2026-03-03
categories = [
    "Service Recovery",
    "Phone & Email",
]
tags = [
    "follow-up",
]
takeaway = "End every call with what happens next."
+++

Before you hang up, say **who** does what, and by when.

- Say it.
- Write it down.
"""


def test_markdown_round_trip_through_export(run: Run, library: Library, tmp_path: Path) -> None:
    source = tmp_path / "tip.md"
    source.write_text(MARKDOWN, encoding="utf-8")
    result = run("import", str(source), "--into", str(library.root))
    assert result.exit_code == 0, result.stderr
    exported = run("export", "name-the-next-step", "--format", "markdown")
    assert exported.exit_code == 0, exported.stderr
    stamped = f"date = 2026-03-03\nadded = {TODAY.isoformat()}\n"  # the day it was imported
    assert exported.stdout == MARKDOWN.replace("date = 2026-03-03\n", stamped)


def test_markdown_export_import_keeps_ids_and_awkward_bodies(
    run: Run, sample: Library, tmp_path: Path
) -> None:
    sample.add("Plus Signs", None, ("Retail",), slug="custom-plus", body="Line\n+++\nafter the fence")
    exported = run("export", "--format", "markdown", "--limit", "100")
    path = tmp_path / "all.md"
    path.write_bytes(exported.stdout_bytes)
    target = tmp_path / "copy"
    result = run("import", str(path), "--into", str(target))
    assert result.exit_code == 0, result.stderr
    env = {"TIP_LIBRARY": str(target)}
    copied = json.loads(run("list", "--json", env=env).stdout)
    assert without_added(copied) == without_added(json.loads(run("list", "--json").stdout))


@pytest.mark.parametrize("columns", ["60", "80", "140"])
def test_import_table_keeps_ids_whole(run, isolated: Path, columns: str) -> None:
    """The id is what `tip show` takes: never broken across lines, at any usual width."""
    archive = Path(__file__).parent / "fixtures" / "archive"
    planned = run("import", str(archive), "--dry-run", "--format", "archive", env={"COLUMNS": "400"})
    ids = [line.split()[2] for line in planned.stdout.splitlines() if line.startswith("create ")]
    assert len(ids) > 10
    out = run("import", str(archive), "--dry-run", "--format", "archive", env={"COLUMNS": columns}).stdout
    words = {word for line in out.splitlines() for word in line.split()}
    assert set(ids) <= words
    assert all(len(line) <= int(columns) for line in out.splitlines())
