"""The read commands, end to end through the CLI, on a small library built per test."""

import itertools
import json

import pytest
from tests.conftest import TIP_KEYS, Library, Run


def test_week_shows_the_tip_dated_this_week(sample: Library, run: Run) -> None:
    result = run("week")
    assert result.exit_code == 0, result.stderr
    assert "Explain the Wait" in result.stdout
    assert "Tell people how long and why." in result.stdout
    assert "\x1b[" not in result.stdout  # not a TTY: no colour codes


def test_week_short_is_one_line(sample: Library, run: Run) -> None:
    result = run("week", "--short")
    assert result.stdout == "Explain the Wait — Tell people how long and why.\n"


@pytest.mark.parametrize(
    ("date", "title"),
    [
        ("2026-11-04", "Greet the Second Customer"),
        ("11/12/26", "Answer the Phone Awake"),
        ("November 19, 2026", "Apologize Without Excuses"),
        ("2026-W50", "Plan the Snow Day"),
        ("last week", "Apologize Without Excuses"),
        ("2027-01-14", "Start the Year Listening"),
    ],
)
def test_week_for_another_date(sample: Library, run: Run, date: str, title: str) -> None:
    result = run("week", "--date", date, "--short")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(title)


def test_scheduled_tip_shows_from_monday_of_its_week(sample: Library, run: Run) -> None:
    # Plan the Snow Day is dated Tuesday 2026-12-08; its week starts Monday 2026-12-07.
    assert run("week", "--date", "2026-12-07", "--short").stdout.startswith("Plan the Snow Day")
    assert not run("today", "--date", "2026-12-07", "--short").stdout.startswith("Plan the Snow Day")


def test_today_prefers_a_tip_dated_today(sample: Library, run: Run) -> None:
    assert run("today", "--date", "2026-11-10", "--short").stdout.startswith("Answer the Phone Awake")


def test_today_rotation_is_stable_and_never_future(sample: Library, run: Run) -> None:
    first = run("today", "--json").stdout
    assert first == run("today", "--json").stdout
    picked = json.loads(first)
    assert picked["date"] is None or picked["date"] <= "2026-11-25"


def test_category_filter_matches_by_slug_and_case(sample: Library, run: Run) -> None:
    for spelling in ("service-recovery", "Service Recovery", "service recovery", "SERVICE_RECOVERY"):
        result = run("list", "--category", spelling, "--json")
        assert result.exit_code == 0, result.stderr
        assert [t["title"] for t in json.loads(result.stdout)] == [
            "Apologize Without Excuses",
            "Greet the Second Customer",
        ]
    assert run("list", "-c", "phone and email", "--json").exit_code == 0
    assert run("list", "-c", "phone-email", "--json").exit_code == 0


def test_list_is_newest_first_with_filters(sample: Library, run: Run) -> None:
    data = json.loads(run("list", "--json").stdout)
    assert [t["date"] for t in data] == [
        "2027-01-12",
        "2026-12-08",
        "2026-11-24",
        "2026-11-17",
        "2026-11-10",
        "2026-11-03",
        None,
    ]
    assert list(data[0]) == TIP_KEYS
    since = json.loads(run("list", "--since", "2026-11-10", "--until", "11/24/26", "--json").stdout)
    assert [t["date"] for t in since] == ["2026-11-24", "2026-11-17", "2026-11-10"]
    assert len(json.loads(run("list", "--year", "2027", "--json").stdout)) == 1
    assert len(json.loads(run("list", "--limit", "2", "--json").stdout)) == 2


def test_list_table(sample: Library, run: Run) -> None:
    result = run("list", "--limit", "3")
    assert result.exit_code == 0
    assert "3 of 7 tips" in result.stdout
    assert "start-the-year-listening" in result.stdout


def test_categories_counts_with_canonical_names(sample: Library, run: Run) -> None:
    sample.add("Another One", "2026-10-01", ("service recovery",))
    data = json.loads(run("categories", "--json").stdout)
    counts = {c["name"]: c["count"] for c in data}
    assert counts["Service Recovery"] == 3
    assert "service recovery" not in counts
    assert "Phone & Email" in run("categories").stdout


def test_show_by_id_prefix_and_json(sample: Library, run: Run) -> None:
    sample.add("Explain the Delay at the Counter", "2026-06-02", ("Government",), tags=["waiting room"])
    result = run("show", "explain-the-w")
    assert result.exit_code == 0
    assert "Explain the Wait" in result.stdout
    assert "See also" in result.stdout
    assert result.stdout.index("See also") < result.stdout.index("explain-the-delay-at-the-counter")
    data = json.loads(run("show", "explain-the-wait", "--json").stdout)
    assert data["id"] == "explain-the-wait"
    assert data["categories"] == ["Healthcare", "Communication"]
    assert data["summary"].startswith("A short story about explain the wait")


def test_show_unknown_and_ambiguous_ids(sample: Library, run: Run) -> None:
    unknown = run("show", "explain-the-weight")
    assert unknown.exit_code == 1
    assert "did you mean: explain-the-wait" in unknown.stderr
    assert unknown.stdout == ""
    ambiguous = run("show", "a")
    assert ambiguous.exit_code == 2
    assert "answer-the-phone-awake" in ambiguous.stderr and "apologize-without-excuses" in ambiguous.stderr


def test_random_respects_category_and_schedule(sample: Library, run: Run) -> None:
    for _ in range(5):
        data = json.loads(run("random", "--json").stdout)
        assert data["date"] is None or data["date"] <= "2026-11-25"
    result = run("random", "--category", "teamwork")
    assert result.exit_code == 1  # its only tip is scheduled for 2027
    assert "no tip to show" in result.stderr


def test_schedule(sample: Library, run: Run) -> None:
    data = json.loads(run("schedule", "--weeks", "3", "--from", "2026-12-01", "--json").stdout)
    assert [w["week"] for w in data] == ["2026-W49", "2026-W50", "2026-W51"]
    assert data[1]["scheduled"] is True and data[1]["tip"]["title"] == "Plan the Snow Day"
    table = run("schedule", "--weeks", "2").stdout
    assert "2026-W48" in table and "scheduled" in table


def test_check_passes_on_a_good_library(sample: Library, run: Run) -> None:
    result = run("check")
    assert result.exit_code == 0
    assert "7 tips checked, 0 error(s)" in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["week", "--date", "someday"], 2, "not a date: 'someday'"),
        (["list", "--category", "empaty"], 2, "did you mean: Empathy"),
        (["list", "--since", "2026-12-01", "--until", "2026-11-01"], 2, "is after"),
        (["list", "--year", "0"], 2, "no such year"),
        (["list", "--year", "1999"], 1, "no tips match"),
        (["show", "nothing-like-it"], 1, "no tip with id"),
        (["today", "--category", "nope"], 2, "unknown category 'nope'"),
        (["list", "--limit", "0"], 2, "is not in the range"),
        (["list", "--limit", "abc"], 2, "'abc' is not a valid int"),
        (["bogus"], 2, "no such command 'bogus'"),
        (["show"], 2, "missing argument 'ID'"),
        (["--library"], 2, "requires an argument"),
    ],
)
def test_bad_input_is_one_line_and_an_exit_code(
    sample: Library, run: Run, args: list[str], code: int, message: str
) -> None:
    result = run(*args)
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    if message:
        assert result.stderr.count("\n") == 1
        first = result.stderr.removeprefix("error: ").split()[0]
        assert first.islower() or first.isupper(), result.stderr  # one style: lower-case errors


def test_malformed_file_is_one_warning_and_the_rest_still_served(sample: Library, run: Run) -> None:
    sample.write("2026/2026-11-20-broken.toml", 'title = "Broken\ncategories = [')
    result = run("week", "--short")
    assert result.exit_code == 0
    assert result.stdout.startswith("Explain the Wait")
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning")]
    assert len(warnings) == 1 and "broken.toml" in warnings[0]


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ('title = "x"\ncategories = ["A"]\nbody = "b"\ndate = 2025-02-30\n', 4, "invalid TOML"),
        ('title = "x"\ncategories = "A"\nbody = 3\n', 3, "'body' must be a string"),
        ('categories = ["A"]\nbody = "b"\n', None, "'title' is required"),
        ('title = "x"\nbody = "b"\n', None, "'categories' needs at least one entry"),
        ('title = "x"\ncategories = ["A"]\n\nbody = "b"\ncolour = "red"\n', 5, "unknown key 'colour'"),
        ('title = "x"\ncategories = ["A"]\nbody = "b"\ndate = "June"\n', 4, "'date' is not a real date"),
        ('title = "x"\ncategories = ["A"]\nbody = "b"\ndate = 2025\n', 4, "'date' must be a TOML date"),
        ("", None, "empty tip file"),
    ],
)
def test_check_reports_file_and_line(
    library: Library, run: Run, content: str, line: int | None, message: str
) -> None:
    library.add("Good One", "2026-01-06")
    path = library.write("2026/2026-01-13-bad.toml", content)
    result = run("check")
    assert result.exit_code == 1
    where = f"{path}:{line}:" if line else f"{path}:"
    assert any(out.startswith(where) and message in out for out in result.stdout.splitlines()), result.stdout


def test_check_reports_non_utf8_and_duplicate_ids(library: Library, run: Run) -> None:
    library.add("Same", "2026-01-06")
    library.add("Same", "2026-02-03")
    library.write("undated/latin.toml", 'title = "caf\xe9"\n'.encode("latin-1"))
    out = run("check")
    assert out.exit_code == 1
    assert "not UTF-8" in out.stdout
    assert "duplicate id 'same'" in out.stdout


def test_version_and_help(run: Run) -> None:
    from tipweek import __version__

    assert run("--version").stdout.strip() == f"tip {__version__}"
    assert "tip week" in run("--help").stdout
    assert "Examples" in run().stdout


def test_library_option_and_missing_library(library: Library, run: Run, tmp_path) -> None:
    other = Library(tmp_path / "other")
    other.add("Only In Other", "2026-11-24", ("Teamwork",))
    result = run("--library", str(other.root), "week", "--short")
    assert result.stdout.startswith("Only In Other")
    missing = run("--library", str(tmp_path / "nope"), "categories")
    assert "library folder not found" in missing.stderr


def test_later_library_overrides_same_id(library: Library, run: Run, tmp_path) -> None:
    library.add("Shared Tip", "2026-11-24", ("Teamwork",), slug="shared")
    other = Library(tmp_path / "other")
    other.add("Shared Tip, Team Version", "2026-11-24", ("Teamwork",), slug="shared")
    data = json.loads(run("--library", str(other.root), "list", "--json").stdout)
    assert [t["title"] for t in data] == ["Shared Tip, Team Version"]


def test_python_dash_m(sample: Library) -> None:
    import os
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "tipweek", "week", "--short"],
        capture_output=True,
        check=False,
        text=True,
        env=os.environ.copy(),
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Explain the Wait")


def test_rotation_is_the_same_in_every_process(library: Library) -> None:
    import os
    import subprocess
    import sys

    for n in range(9):
        library.add(f"Undated Tip {n}", None, ("Teamwork",))
    picks = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-m", "tipweek", "schedule", "--weeks", "9", "--json"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=True,
        )
        picks.add(tuple(w["tip"]["id"] for w in json.loads(out.stdout)))
    assert len(picks) == 1
    weeks = next(iter(picks))
    assert all(a != b for a, b in itertools.pairwise(weeks))  # never twice in a row


# --- tables that fit the terminal --------------------------------------------------------------


def _bundled_ids(run) -> list[str]:
    import json as json_

    return [t["id"] for t in json_.loads(run("list", "--json").stdout)]


@pytest.mark.parametrize("columns", ["80", "100", "160"])
@pytest.mark.parametrize("command", [("list",), ("schedule", "--from", "2025-09-01", "--weeks", "80")])
def test_ids_never_wrap_in_tables(run, columns: str, command: tuple[str, ...]) -> None:
    """Every id is whole on one line, so a double-click copies it (bundled library)."""
    ids = _bundled_ids(run)
    out = run(*command, env={"COLUMNS": columns}).stdout
    words = {word for line in out.splitlines() for word in line.split()}
    shown = [i for i in ids if i in words]
    assert len(shown) >= 50, out[:2000]
    assert all(len(line) <= int(columns) for line in out.splitlines())
    for word in words:  # no piece of a broken id anywhere
        if "-" in word and word not in ids:
            assert not any(i.startswith(word) or i.endswith(word) for i in ids), word


def test_list_marks_tips_dated_after_today_as_scheduled(sample: Library, run: Run) -> None:
    lines = run("list", env={"COLUMNS": "80"}).stdout.splitlines()

    def mark_under(tip_id: str) -> str:
        row = next(n for n, line in enumerate(lines) if tip_id in line.split())
        return lines[row].split()[0]

    assert mark_under("plan-the-snow-day") == "scheduled"  # 2026-12-08, today is 2026-11-25
    assert mark_under("start-the-year-listening") == "scheduled"
    assert mark_under("explain-the-wait") != "scheduled"  # 2026-11-24: already out
    assert mark_under("thank-them-for-something-specific") != "scheduled"  # undated


def test_long_titles_are_cut_with_an_ellipsis_not_wrapped(library: Library, run: Run) -> None:
    library.add("A Very Long Title " * 6, "2026-11-03", slug="long-one")
    out = run("list", env={"COLUMNS": "80"}).stdout
    title_line = next(line for line in out.splitlines() if "A Very Long Title" in line)
    assert "Title…" in title_line
    assert sum("A Very Long Title" in line for line in out.splitlines()) == 1
