"""`tip add`, `tip edit` and `tip rm`, with a fake editor (never a real one)."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest

from conftest import Library, Run
from tipweek import authoring
from tipweek.library import LibrarySource, bundled_path, read_tip, scan

FAKE_EDITOR = """\
import json, os, pathlib, sys

path = pathlib.Path(sys.argv[-1])
plan = pathlib.Path(os.environ["FAKE_EDITOR_PLAN"])
steps = json.loads(plan.read_text())
step = steps.pop(0) if steps else {}
plan.write_text(json.dumps(steps))
with open(os.environ["FAKE_EDITOR_LOG"], "a") as log:
    log.write(path.read_text(encoding="utf-8") + "\\n=====\\n")
if "write" in step:
    path.write_text(step["write"], encoding="utf-8")
if "replace" in step:
    old, new = step["replace"]
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
sys.exit(step.get("exit", 0))
"""

NEW_TIP = """\
title = "Close the Loop"
date = 2026-12-01
categories = ["Service Recovery"]
takeaway = "Call back when you said you would."
body = '''
Promise a time, then keep it.
'''
"""


class Editor:
    """Steps the fake editor performs, one per time it is opened, and what it was shown."""

    def __init__(self, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        script = folder / "fake_editor.py"
        script.write_text(FAKE_EDITOR)
        self.plan = folder / "plan.json"
        self.log = folder / "editor.log"
        self.log.write_text("")
        self.plan.write_text("[]")
        monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}")
        monkeypatch.delenv("VISUAL", raising=False)
        monkeypatch.setenv("FAKE_EDITOR_PLAN", str(self.plan))
        monkeypatch.setenv("FAKE_EDITOR_LOG", str(self.log))

    def will(self, *steps: dict[str, object]) -> None:
        self.plan.write_text(json.dumps(list(steps)))

    @property
    def shown(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").split("\n=====\n")[:-1]


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Editor:
    return Editor(tmp_path, monkeypatch)


@pytest.fixture
def tty(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend someone is at the keyboard (answers come from the runner's input)."""
    import tipweek.cli.authoring

    monkeypatch.setattr(tipweek.cli.authoring, "interactive", lambda: True)


def user_tips(home: Path) -> dict[str, Path]:
    return {Path(s.path).stem: Path(s.path) for s in scan(home / "data" / "tips")}


# --- add ----------------------------------------------------------------------------------


def test_add_writes_into_the_user_library_and_prints_the_id(run: Run, isolated: Path) -> None:
    result = run(
        "add", "--title", "Close the Loop", "--category", "Service Recovery", "-c", "Phone & Email",
        "--body", "Promise a time, then keep it.", "--date", "2026-12-01", "--takeaway", "Call back.",
        "--tag", "callbacks",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "close-the-loop\n"
    path = isolated / "data" / "tips" / "2026" / "2026-12-01-close-the-loop.toml"
    assert str(path) in result.stderr
    tip = read_tip(path)
    assert (tip.title, tip.categories, tip.tags) == ("Close the Loop", ("Service Recovery", "Phone & Email"),
                                                     ("callbacks",))  # fmt: skip
    assert (tip.body, tip.takeaway) == ("Promise a time, then keep it.", "Call back.")
    assert run("show", "close-the-loop", "--json").exit_code == 0


def test_add_undated_with_body_from_a_file_and_stdin(run: Run, isolated: Path, tmp_path: Path) -> None:
    body = tmp_path / "body.md"
    body.write_text("First paragraph.\n\n- one\n- two\n", encoding="utf-8")
    assert run("add", "-t", "From a File", "-c", "Retail", "--body-file", str(body)).exit_code == 0
    piped = run("add", "-t", "From Stdin", "-c", "Retail", "--body-file", "-", input="Piped text.\n")
    assert piped.exit_code == 0, piped.stderr
    tips = user_tips(isolated)
    assert read_tip(tips["from-a-file"]).body == "First paragraph.\n\n- one\n- two"
    assert read_tip(tips["from-stdin"]).body == "Piped text."
    assert tips["from-stdin"].parent.name == "undated"


def test_add_without_a_terminal_names_what_is_missing(run: Run, isolated: Path) -> None:
    result = run("add", "--title", "Half a Tip")
    assert result.exit_code == 2
    assert "--category" in result.stderr and "--body" in result.stderr and "--title" not in result.stderr
    assert not (isolated / "data" / "tips").exists()


NO_EDITOR = {"EDITOR": "", "VISUAL": ""}


def test_add_asks_for_missing_fields_in_a_terminal(run: Run, isolated: Path, tty: None) -> None:
    answers = "Ask Me Things\n\n\nThe body, typed in.\n"  # title, the date offered, no takeaway, body
    result = run("add", "--category", "Retail", input=answers, env=NO_EDITOR)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "ask-me-things\n"  # the questions went to stderr
    # The bundled library has a tip every Tuesday up to 2027-02-09: the next free one is offered.
    assert "[2027-02-16]: " in result.stderr
    assert read_tip(user_tips(isolated)["2027-02-16-ask-me-things"]).body == "The body, typed in."


def test_interactive_add_offers_date_categories_and_takeaway(
    sample: Library, run: Run, isolated: Path, tty: None
) -> None:
    # Today is Wednesday 2026-11-25; the next Tuesday, 2026-12-01, is in a week no tip has.
    answers = "Hold the Line\n\nphone & email, teamwork\nSay when you will call back.\nA body.\n"
    result = run("add", input=answers, env=NO_EDITOR)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "hold-the-line\n"
    assert "Date: the tip of that week ('none' for no date) [2026-12-01]: " in result.stderr
    assert (
        "Categories: Communication, Empathy, Government, Healthcare, Phone & Email, "
        "Service Recovery, Teamwork Categories, comma-separated: " in " ".join(result.stderr.split())
    )
    tip = read_tip(user_tips(isolated)["2026-12-01-hold-the-line"])
    assert tip.date is not None and tip.date.isoformat() == "2026-12-01"
    assert tip.categories == ("Phone & Email", "Teamwork")  # the library's spelling
    assert (tip.takeaway, tip.body) == ("Say when you will call back.", "A body.")


def test_the_offered_date_skips_weeks_that_have_a_tip(
    sample: Library, run: Run, isolated: Path, tty: None
) -> None:
    sample.add("Already Planned", "2026-12-02", ("Teamwork",))  # week 49; week 50 has Plan the Snow Day
    result = run("add", input="Later On\n\nTeamwork\n\nText.\n", env=NO_EDITOR)
    assert result.exit_code == 0, result.stderr
    assert "[2026-12-15]: " in result.stderr
    assert "2026-12-15-later-on" in user_tips(isolated)


def test_interactive_add_retries_a_bad_date_and_takes_none(run: Run, isolated: Path, tty: None) -> None:
    answers = "No Date Yet\nbanana\nnone\nRetail\n\nText.\n"
    result = run("add", input=answers, env=NO_EDITOR)
    assert result.exit_code == 0, result.stderr
    assert "error: not a date: 'banana'" in result.stderr
    assert user_tips(isolated)["no-date-yet"].parent.name == "undated"


@pytest.mark.parametrize(("answer", "stored"), [("y\n", "Service Recovery"), ("n\n", "servce recovery")])
def test_a_near_miss_category_is_confirmed(
    sample: Library, run: Run, isolated: Path, tty: None, answer: str, stored: str
) -> None:
    answers = f"Near Miss\n\nservce recovery\n{answer}\nText.\n"
    result = run("add", input=answers, env=NO_EDITOR)
    assert result.exit_code == 0, result.stderr
    assert (
        "'servce recovery' is not a category yet; did you mean 'Service Recovery'? [Y/n]: " in result.stderr
    )
    assert read_tip(user_tips(isolated)["2026-12-01-near-miss"]).categories == (stored,)


def test_interactive_add_writes_the_body_in_the_editor(
    sample: Library, run: Run, isolated: Path, tty: None, tmp_path: Path
) -> None:
    script = tmp_path / "write-body"
    script.write_text("#!/bin/sh\nprintf 'First line.\\n\\n- a point\\n' > \"$1\"\n", encoding="utf-8")
    script.chmod(0o755)
    result = run("add", input="In the Editor\n\nTeamwork\n\n", env={"EDITOR": str(script), "VISUAL": ""})
    assert result.exit_code == 0, result.stderr
    assert read_tip(user_tips(isolated)["2026-12-01-in-the-editor"]).body == "First line.\n\n- a point"


def test_an_input_that_ends_stops_the_questions(run: Run, isolated: Path, tty: None) -> None:
    result = run("add", input="Only a Title\n", env=NO_EDITOR)
    assert result.exit_code == 1
    assert "note: no answer: the input ended" in result.stderr
    assert not (isolated / "data" / "tips").exists()


def test_category_options_take_the_library_spelling(sample: Library, run: Run, isolated: Path) -> None:
    result = run("add", "-t", "Spelled Right", "-c", "phone and email", "-c", "servce recovery", "-b", "x")
    assert result.exit_code == 0, result.stderr
    assert read_tip(user_tips(isolated)["spelled-right"]).categories == ("Phone & Email", "servce recovery")
    assert "note: 'servce recovery' is a new category (did you mean 'Service Recovery'?)" in result.stderr


@pytest.mark.parametrize(
    ("today", "dated", "expected"),
    [
        ("2026-11-25", [], "2026-12-01"),
        ("2026-11-24", [], "2026-12-01"),  # a Tuesday: the next one
        ("2026-11-23", [], "2026-11-24"),
        ("2026-11-25", ["2026-11-30", "2026-12-11"], "2026-12-15"),
        ("2026-12-28", ["2027-01-05"], "2026-12-29"),  # ISO week 2026-W53
        ("2026-12-28", ["2026-12-31", "2027-01-05"], "2027-01-12"),
    ],
)
def test_next_free_tuesday(today: str, dated: list[str], expected: str) -> None:
    import datetime as dt

    found = authoring.next_free_day(dt.date.fromisoformat(today), [dt.date.fromisoformat(d) for d in dated])
    assert found == dt.date.fromisoformat(expected)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("phone & email", ("Phone & Email", "known")),
        ("Phone and Email", ("Phone & Email", "known")),
        ("phone-email", ("Phone & Email", "known")),
        ("Servce Recovery", ("Service Recovery", "close")),
        ("  Night   Shift ", ("Night Shift", "new")),
    ],
)
def test_match_category(typed: str, expected: tuple[str, str]) -> None:
    assert authoring.match_category(typed, ["Phone & Email", "Service Recovery", "Retail"]) == expected


def test_add_refuses_a_duplicate_title_and_renames_a_clashing_slug(run: Run, isolated: Path) -> None:
    args = ("-c", "Retail", "--body", "Text.")
    assert run("add", "-t", "Q&A at the Desk", *args).exit_code == 0
    again = run("add", "-t", "Q&A at the desk!", *args)
    assert again.exit_code == 2
    assert "already has a tip titled" in again.stderr and "q-and-a-at-the-desk" in again.stderr
    clash = run("add", "-t", "Q and A at the Desk", *args)
    assert clash.exit_code == 0
    assert clash.stdout == "q-and-a-at-the-desk-2\n"


def test_add_rejects_bad_values(run: Run) -> None:
    assert run("add", "-t", "X", "-c", "A", "--body", "b", "--date", "someday").exit_code == 2
    both = run("add", "-t", "X", "-c", "A", "--body", "b", "--body-file", "f")
    assert both.exit_code == 2 and "not both" in both.stderr


def test_add_never_writes_into_the_bundled_library(run: Run) -> None:
    result = run("add", "-t", "X", "-c", "A", "--body", "b", "--into", str(bundled_path()))
    assert result.exit_code == 1
    assert "read-only" in result.stderr


def test_add_into_an_unwritable_place(run: Run, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("add", "-t", "X", "-c", "A", "--body", "b", "--into", str(blocker / "lib"))
    assert result.exit_code == 1
    assert "cannot write" in result.stderr and "Traceback" not in result.stderr


def test_add_with_the_editor(run: Run, isolated: Path, editor: Editor) -> None:
    editor.will({"write": NEW_TIP})
    result = run("add", "--edit", "--title", "Prefilled Title", "-c", "Teamwork")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "close-the-loop\n"
    [template] = editor.shown
    assert 'title = "Prefilled Title"' in template and 'categories = ["Teamwork"]' in template
    assert "# date = 2026-11-25" in template
    tip = read_tip(user_tips(isolated)["2026-12-01-close-the-loop"])
    assert tip.takeaway == "Call back when you said you would."


def test_add_with_the_editor_left_empty_adds_nothing(run: Run, isolated: Path, editor: Editor) -> None:
    result = run("add", "--edit")
    assert result.exit_code == 1
    assert "nothing added" in result.stderr
    assert not (isolated / "data" / "tips").exists()


def test_add_with_an_invalid_draft(run: Run, isolated: Path, editor: Editor) -> None:
    editor.will({"write": 'title = "No Categories"\nbody = "x"\n'})
    result = run("add", "--edit")
    assert result.exit_code == 2
    assert "categories" in result.stderr and "draft is kept in" in result.stderr
    draft = Path(result.stderr.split("draft is kept in ")[1].split(")")[0].strip())
    assert draft.read_text().startswith('title = "No Categories"')
    draft.unlink()


def test_add_with_an_invalid_draft_reopens_in_a_terminal(
    run: Run, isolated: Path, editor: Editor, tty: None
) -> None:
    editor.will(
        {"write": 'title = "Fixed Later"\nbody = "x"\n'},
        {"replace": ['body = "x"', 'categories = ["A"]\nbody = "x"']},
    )
    result = run("add", "--edit", input="y\n")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip().endswith("fixed-later")
    assert len(editor.shown) == 2


def test_add_copy_of_a_bundled_tip(run: Run, isolated: Path, editor: Editor) -> None:
    bundled = json.loads(run("list", "--json", "--limit", "1").stdout)[0]
    editor.will({"replace": ['takeaway = "', 'takeaway = "Mine. ']})
    result = run("add", "--edit", "--from", bundled["id"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{bundled['id']}\n"
    shown = json.loads(run("show", bundled["id"], "--json").stdout)
    assert shown["takeaway"].startswith("Mine. ")
    assert shown["body"] == bundled["body"]


# --- edit ---------------------------------------------------------------------------------


def test_edit_saves_a_valid_change(run: Run, sample: Library, editor: Editor) -> None:
    editor.will({"replace": ["Smile before you pick up.", "Breathe, then pick up."]})
    result = run("edit", "answer-the-phone")
    assert result.exit_code == 0, result.stderr
    assert (
        json.loads(run("show", "answer-the-phone-awake", "--json").stdout)["takeaway"]
        == "Breathe, then pick up."
    )
    assert not list(sample.root.rglob(".*.bak"))


def test_edit_without_changes(run: Run, sample: Library, editor: Editor) -> None:
    path = sample.root / "2026" / "2026-11-10-answer-the-phone-awake.toml"
    before = path.read_bytes()
    result = run("edit", "answer-the-phone-awake")
    assert result.exit_code == 0
    assert "no changes" in result.stderr
    assert path.read_bytes() == before
    assert not list(sample.root.rglob(".*.bak"))


def test_edit_that_breaks_the_file_leaves_the_original(run: Run, sample: Library, editor: Editor) -> None:
    path = sample.root / "2026" / "2026-11-10-answer-the-phone-awake.toml"
    before = path.read_bytes()
    editor.will({"replace": ["categories = [", "categories = 7 ["]})
    result = run("edit", "answer-the-phone-awake")
    assert result.exit_code == 1
    assert str(path) in result.stderr and "the tip file was not changed" in result.stderr
    assert "run `tip edit answer-the-phone-awake`" in result.stderr
    assert path.read_bytes() == before
    assert not (path.parent / f".{path.name}.bak").exists()
    rejected = path.parent / f".{path.name}.rejected"
    assert "categories = 7 [" in rejected.read_text()
    assert run("check").exit_code == 0  # hidden files are not tips


def test_edit_reopens_until_valid_in_a_terminal(run: Run, sample: Library, editor: Editor, tty: None) -> None:
    editor.will({"replace": ['title = "', 'title = 5 "']}, {"replace": ['title = 5 "', 'title = "']})
    result = run("edit", "answer-the-phone-awake", input="y\n")
    assert result.exit_code == 0, result.stderr
    assert len(editor.shown) == 2


def test_edit_when_the_editor_fails(run: Run, sample: Library, editor: Editor) -> None:
    path = sample.root / "2026" / "2026-11-10-answer-the-phone-awake.toml"
    before = path.read_bytes()
    editor.will({"write": "half", "exit": 3})
    result = run("edit", "answer-the-phone-awake")
    assert result.exit_code == 1
    assert "exited with status 3" in result.stderr
    assert path.read_bytes() == before


def test_edit_a_bundled_tip_suggests_a_copy(run: Run, editor: Editor) -> None:
    some_id = json.loads(run("list", "--json", "--limit", "1").stdout)[0]["id"]
    result = run("edit", some_id)
    assert result.exit_code == 1
    assert "read-only" in result.stderr and "tip add --edit --from" in result.stderr
    assert editor.shown == []


def test_missing_editor_is_a_clear_error(run: Run, sample: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VISUAL", "/no/such/editor --wait")
    result = run("edit", "answer-the-phone-awake")
    assert result.exit_code == 1
    assert "cannot run the editor" in result.stderr


def test_editor_command_uses_visual_then_editor_then_vi() -> None:
    path = Path("/t/x.toml")
    assert authoring.editor_command(path, {"VISUAL": "code --wait", "EDITOR": "nano"}) == [
        "code",
        "--wait",
        str(path),
    ]
    assert authoring.editor_command(path, {"EDITOR": "'my editor' -f"}) == ["my editor", "-f", str(path)]
    assert authoring.editor_command(path, {}) == ["vi", str(path)]


# --- rm -----------------------------------------------------------------------------------


def test_rm_needs_yes_without_a_terminal(run: Run, sample: Library) -> None:
    result = run("rm", "answer-the-phone-awake")
    assert result.exit_code == 2
    assert "--yes" in result.stderr
    assert (sample.root / "2026" / "2026-11-10-answer-the-phone-awake.toml").exists()


def test_rm_with_yes(run: Run, sample: Library) -> None:
    result = run("rm", "answer-the-phone", "--yes")
    assert result.exit_code == 0
    assert result.stdout == "answer-the-phone-awake\n"
    assert not (sample.root / "2026" / "2026-11-10-answer-the-phone-awake.toml").exists()
    assert run("show", "answer-the-phone-awake").exit_code == 1


def test_rm_asks_in_a_terminal(run: Run, sample: Library, tty: None) -> None:
    path = sample.root / "2026" / "2026-11-10-answer-the-phone-awake.toml"
    assert run("rm", "answer-the-phone-awake", input="n\n").exit_code == 1
    assert path.exists()
    assert run("rm", "answer-the-phone-awake", input="y\n").exit_code == 0
    assert not path.exists()


def test_rm_a_bundled_tip_is_refused(run: Run) -> None:
    some_id = json.loads(run("list", "--json", "--limit", "1").stdout)[0]["id"]
    result = run("rm", some_id, "--yes")
    assert result.exit_code == 1
    assert "read-only" in result.stderr


# --- helpers ------------------------------------------------------------------------------


def test_guard_target_refuses_read_only_libraries(tmp_path: Path) -> None:
    from tipweek.errors import LibraryError

    bundled = LibrarySource("bundled", tmp_path / "b")
    with pytest.raises(LibraryError):
        authoring.guard_target([bundled], LibrarySource("x", tmp_path / "b" / "sub", writable=True))
    ok = LibrarySource("x", tmp_path / "mine", writable=True)
    assert authoring.guard_target([bundled], ok) is ok


def test_template_round_trips_the_given_fields() -> None:
    import datetime as dt
    import tomllib

    text = authoring.template(
        {"title": 'Say "Hi"', "categories": ["A", "B"], "body": "One.\n\nTwo.", "date": dt.date(2026, 1, 5)},
        dt.date(2026, 1, 1),
    )
    data = tomllib.loads(text)
    assert (data["title"], data["categories"], data["date"]) == ('Say "Hi"', ["A", "B"], dt.date(2026, 1, 5))
    assert data["body"].strip() == "One.\n\nTwo."
