"""Help that cannot lie: every example in every command's --help and in the README runs, as
written, and exits 0; and each example is one line of the help at 80 columns.

The examples run against the bundled library in a fresh copy of tests/fixtures/examples/ (its
README says what it holds), with mail and chat going to servers on 127.0.0.1. A small shell
reads each line: `A=b tip …` sets the environment, `~` and `$HOME` are the fixture's home,
`cat FILE | tip …` feeds the file to stdin, `> FILE` writes stdout there, `&&` and `;` run
one command after another; only `tip` commands are run (`strfile tips` is not ours).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer.main
from tests.conftest import Script, app
from tests.test_send import Collector, Server, _serve
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "examples"
PLACEHOLDER = re.compile(r"\b[A-Z]{2,}\b|\.\.\.|…$")


def command_names() -> list[tuple[str, ...]]:
    """`()` for `tip` itself, then every command, and each subcommand of a group."""
    names: list[tuple[str, ...]] = [()]
    for name, command in typer.main.get_command(app).commands.items():  # type: ignore[attr-defined]
        names.append((name,))
        names.extend((name, sub) for sub in getattr(command, "commands", {}))
    return names


def help_of(command: tuple[str, ...], columns: int) -> str:
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": str(columns), "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return result.stdout


def help_examples(command: tuple[str, ...], columns: int = 200) -> list[str]:
    """The example lines of `tip COMMAND --help`, comments included, as the help shows them."""
    text = help_of(command, columns).split(" Examples", 1)[1].split("╭", 1)[0]
    return [line.strip() for line in text.splitlines() if re.match(r"\s*(\w+=\S+ )*(cat .*\| )?tip ", line)]


def readme_examples() -> list[str]:
    """Example lines of the README outside its generated command reference: shell and cron
    lines, `$ tip` lines, systemd ExecStart lines, and `tip …` spans with arguments and no
    placeholders."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    text = re.sub(r"## Command reference.*?<!-- \[\[\[end\]\]\] -->", "", text, flags=re.S)
    found: list[str] = []
    for lang, block in re.findall(r"```(\w*)\n(.*?)```", text, flags=re.S):
        for raw in block.splitlines():
            line = raw.strip()
            if lang == "console" and line.startswith("$ tip "):
                found.append(line[2:])
            elif lang in ("sh", "cron") and re.search(r"(^|/|\s)tip ", line) and "pip install" not in line:
                found.append(re.sub(r"^([\d*/,-]+\s+){5}", "", line))  # a cron line's schedule
            elif lang == "ini" and line.startswith("ExecStart=") and "/tip " in line:
                found.append(line.removeprefix("ExecStart=").lstrip("-").replace("%h", "$HOME"))
    prose = re.sub(r"```.*?```", "", text, flags=re.S)
    for span in re.findall(r"`(tip [^`]+)`", prose):
        words = shlex.split(span)
        if len(words) > (3 if words[1] == "site" else 2) and not PLACEHOLDER.search(span):
            found.append(span)
    return list(dict.fromkeys(found))


# --- the small shell ------------------------------------------------------------------------


@dataclass
class Step:
    args: list[str]
    env: dict[str, str]
    stdin: str | None = None
    stdout_to: str | None = None


def steps(line: str, home: Path) -> list[Step]:
    """The `tip` commands of one example line, in order."""
    line = re.split(r"\s{2,}|\s+#\s", line.strip())[0]  # a comment follows two spaces or a #
    line = line.replace("$HOME", str(home)).replace("${HOME}", str(home))
    lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|>")
    lexer.whitespace_split = True
    tokens = list(lexer)
    found: list[Step] = []
    current: list[str] = []
    piped: str | None = None
    for token in [*tokens, ";"]:
        if token in (";", "&&", "|"):
            step = _step(current, home, piped)
            piped = None
            if token == "|" and current[:1] == ["cat"]:
                piped = (home / current[1]).read_text(encoding="utf-8")
            elif step is not None:
                found.append(step)
            current = []
        else:
            current.append(token)
    return found


def _step(words: list[str], home: Path, stdin: str | None) -> Step | None:
    env: dict[str, str] = {}
    while words and re.match(r"^[A-Z_]+=", words[0]):
        key, value = words.pop(0).split("=", 1)
        env[key] = value
    if not words or not (words[0] == "tip" or words[0].endswith("/tip")):
        return None
    stdout_to = None
    if ">" in words:
        at = words.index(">")
        stdout_to, words = words[at + 1], words[:at]
    args = [str(home) + w[1:] if w.startswith("~/") else w for w in words[1:]]
    return Step(args, env, stdin, stdout_to)


# --- the fixture ----------------------------------------------------------------------------


@pytest.fixture
def mail_server() -> Iterator[Server]:
    yield from _serve(Collector())


@pytest.fixture
def trainer(
    isolated: Path,
    seeded_index: Path,
    tmp_path: Path,
    webhook: tuple[str, Script],
    mail_server: Server,
    monkeypatch,
) -> Path:
    """A copy of the fixture as the working folder and $HOME, with the config and servers."""
    url, script = webhook
    script.answers = [(200, {}, b"ok")]
    home = tmp_path / "home-folder"
    shutil.copytree(FIXTURE / "home", home)
    shutil.copytree(ROOT / "tests" / "fixtures" / "archive", home / "blog-pages")
    shutil.copy(ROOT / "tests" / "fixtures" / "feeds" / "counter-notes.rss", home / "old-blog.xml")
    shutil.copytree(FIXTURE / "data", isolated / "data")
    (isolated / "config.toml").write_text(
        f"""
[site]
base_url = "https://tips.example.org/front-desk/"

[export]
to = ["front-desk@example.org"]
from = "Training <training@example.org>"

[smtp]
host = "127.0.0.1"
port = {mail_server.port}
security = "none"
timeout = 5

[channels.front-desk]
kind = "slack"
url_env = "TIP_SLACK_URL"

[channels.leads]
kind = "teams"
url_env = "TIP_TEAMS_URL"
deliver = false
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("TIP_SLACK_URL", url)
    monkeypatch.setenv("TIP_TEAMS_URL", url)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("PATH", f"{home / 'bin'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("EDITOR", str(home / "bin" / "fill-template"))
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.chdir(home)
    return home


def run_example(run, home: Path, line: str) -> None:
    ran = steps(line, home)
    assert ran, f"no tip command in {line!r}"
    if any("public/" in a for s in ran for a in s.args) and ran[0].args[:2] != ["site", "build"]:
        assert run("site", "build", "public/").exit_code == 0  # the site the example reads from
    for step in ran:
        result = run(*step.args, input=step.stdin, env=step.env or None)
        assert result.exit_code == 0, f"{line}\n  tip {shlex.join(step.args)}: {result.stderr}"
        if step.stdout_to:
            (home / step.stdout_to).write_text(result.stdout, encoding="utf-8")


HELP_EXAMPLES = [(c, line) for c in command_names() for line in help_examples(c)]


@pytest.mark.parametrize("command", command_names(), ids=lambda c: " ".join(("tip", *c)))
def test_every_command_has_examples_one_per_line_at_80_columns(command: tuple[str, ...]) -> None:
    examples = help_examples(command)
    assert examples, f"tip {' '.join(command)} --help has no examples"
    narrow = [line.strip() for line in help_of(command, 80).splitlines()]
    for example in examples:
        assert example in narrow, f"wraps or runs together at 80 columns: {example!r}"


@pytest.mark.parametrize(("command", "line"), HELP_EXAMPLES, ids=[line for _, line in HELP_EXAMPLES])
def test_every_help_example_runs(run, trainer: Path, command: tuple[str, ...], line: str) -> None:
    run_example(run, trainer, line)


@pytest.mark.parametrize("line", readme_examples())
def test_every_readme_example_runs(run, trainer: Path, line: str) -> None:
    run_example(run, trainer, line)


def test_the_import_example_reads_the_site_feed_back(run, trainer: Path) -> None:
    line = next(line for _, line in HELP_EXAMPLES if "public/feed.xml" in line)
    assert run("site", "build", "public/").exit_code == 0
    result = run(*steps(line, trainer)[0].args)
    assert result.exit_code == 0, result.stderr
    # the feed's 50 newest tips: the one already in your own library is left as it is
    assert "49 would be created, 1 would be unchanged" in " ".join(result.stdout.split())


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("tip week --short", [Step(["week", "--short"], {})]),
        ("tip show x      a comment", [Step(["show", "x"], {})]),
        ("EDITOR='code --wait' tip edit x", [Step(["edit", "x"], {"EDITOR": "code --wait"})]),
        ("tip a && strfile b && tip c", [Step(["a"], {}), Step(["c"], {})]),
        ("tip schedule -f ics > t.ics", [Step(["schedule", "-f", "ics"], {}, None, "t.ics")]),
        ("set -a; . $HOME/x; $HOME/bin/tip deliver week", [Step(["deliver", "week"], {})]),
        ("tip import ~/pages/", [Step(["import", "/h/pages/"], {})]),
    ],
)
def test_the_small_shell(line: str, expected: list[Step]) -> None:
    assert steps(line, Path("/h")) == expected
