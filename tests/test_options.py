"""Options mean the same everywhere: one meaning per short flag, the global --library after the
command too, and the date of week/today/schedule as words."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer.main
from tests.conftest import Library, Run, app

ROOT = Path(__file__).resolve().parent.parent


def _commands() -> dict[str, object]:
    """Every command by its full name (`site build` for a group's subcommand)."""
    found: dict[str, object] = {}
    for name, command in typer.main.get_command(app).commands.items():  # type: ignore[attr-defined]
        subs = getattr(command, "commands", {})
        found.update({f"{name} {sub}": cmd for sub, cmd in subs.items()} if subs else {name: command})
    return found


def _short_flags() -> dict[str, set[str]]:
    """Each short flag in use, and the long options it stands for (over every command)."""
    from tipweek.cli.app import with_library_option

    meanings: dict[str, set[str]] = {}
    for command in _commands().values():
        for param in with_library_option(command).params:  # type: ignore[arg-type]
            opts = [*getattr(param, "opts", ()), *getattr(param, "secondary_opts", ())]
            longs = sorted(o for o in opts if o.startswith("--"))
            for short in (o for o in opts if re.fullmatch(r"-[A-Za-z]", o)):
                meanings.setdefault(short, set()).add(longs[0] if longs else "")
    return meanings


def readme_flag_table() -> dict[str, str]:
    """The README's table of short flags: `-n` -> `--limit`."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Short options", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| `(-[A-Za-z])` \| `(--[a-z-]+)`", section, flags=re.M)
    return dict(rows)


def test_each_short_flag_means_one_thing_in_every_command() -> None:
    meanings = _short_flags()
    clashes = {short: longs for short, longs in meanings.items() if len(longs) != 1}
    assert not clashes, f"short flags with more than one meaning: {clashes}"
    # schedule's first week is a date, under its own name too
    assert meanings["-d"] == {"--date"}


def test_the_readme_table_lists_every_short_flag_with_its_meaning() -> None:
    actual = {short: next(iter(longs)) for short, longs in _short_flags().items()}
    assert readme_flag_table() == {**actual, "-h": "--help"}


@pytest.mark.parametrize(
    ("short", "long"),
    [("-n", "--limit"), ("-c", "--category"), ("-d", "--date"), ("-f", "--format"), ("-o", "--output")],
)
def test_the_flags_the_issue_names_keep_their_meaning(short: str, long: str) -> None:
    assert _short_flags()[short] == {long}


@pytest.mark.parametrize(
    "args",
    [
        ("week", "--library", "{lib}", "--short"),
        ("week", "-L", "{lib}", "--short"),
        ("week", "--short", "--library={lib}"),
        ("--library", "{lib}", "week", "--short"),
    ],
)
def test_library_is_accepted_before_and_after_the_command(
    library: Library, tmp_path: Path, run: Run, args: tuple[str, ...]
) -> None:
    other = Library(tmp_path / "team-tips")
    other.add("Only in the Team Library", "2026-11-24", takeaway="From the team folder.")
    result = run(*(a.replace("{lib}", str(other.root)) for a in args))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Only in the Team Library")


def test_library_after_a_subcommand_of_a_group(library: Library, tmp_path: Path, run: Run) -> None:
    other = Library(tmp_path / "team-tips")
    other.add("Only in the Team Library", "2026-11-10")
    result = run("site", "build", str(tmp_path / "out"), "-L", str(other.root))
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out" / "tips" / "only-in-the-team-library.html").is_file()


@pytest.mark.parametrize(
    ("words", "option"),
    [
        (["2026-W50"], "2026-W50"),
        (["W50"], "2026-W50"),
        (["next", "week"], "next week"),
        (["in", "two", "weeks"], "2026-12-09"),
        (["next", "month"], "2026-12-01"),
    ],
)
@pytest.mark.parametrize("command", ["week", "today"])
def test_the_date_as_words_is_the_same_as_date(
    sample: Library, run: Run, command: str, words: list[str], option: str
) -> None:
    by_words = run(command, *words, "--json")
    by_option = run(command, "--date", option, "--json")
    assert by_words.exit_code == 0, by_words.stderr
    assert by_words.stdout == by_option.stdout


def test_schedule_takes_its_first_week_as_words(sample: Library, run: Run) -> None:
    result = run("schedule", "next", "month", "--weeks", "2", "--json")
    assert result.exit_code == 0, result.stderr
    weeks = json.loads(result.stdout)
    assert weeks[0]["week"] == "2026-W49"
    assert run("schedule", "--from", "next month", "-w", "2", "-j").stdout == result.stdout
    assert run("schedule", "-d", "2026-12-01", "-w", "2", "-j").stdout == result.stdout


@pytest.mark.parametrize("command", ["week", "today", "schedule"])
def test_a_date_given_twice_is_bad_input(sample: Library, run: Run, command: str) -> None:
    flag = "--from" if command == "schedule" else "--date"
    result = run(command, "W50", flag, "W51")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: give the date once")


def test_words_that_are_not_a_date_say_so(sample: Library, run: Run) -> None:
    result = run("week", "banana")
    assert result.exit_code == 2
    assert "not a date: 'banana'" in result.stderr


def test_json_has_a_short_flag(sample: Library, run: Run) -> None:
    assert run("week", "-j").stdout == run("week", "--json").stdout
