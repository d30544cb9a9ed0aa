"""The Examples in the --help of the publishing commands run, as written, against the bundled
library and a config like the README's Monday-morning setup (servers on 127.0.0.1)."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import Script
from tests.test_send import Collector, Server, _serve

COMMANDS = [("site",), ("site", "build"), ("post",), ("deliver",), ("schedule",)]


def examples(*command: str) -> list[list[str]]:
    """The example command lines of `tip COMMAND --help`, without comments and redirections."""
    from tests.conftest import app
    from typer.testing import CliRunner

    help_text = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "100"}).stdout
    text = help_text.split("Examples", 1)[1].split("╭", 1)[0]
    found = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line.startswith("tip "):
            continue
        cmd = re.split(r"\s{2,}", line)[0]  # a comment follows two spaces
        words = shlex.split(cmd.split(" > ")[0])
        found.append(words[1:])
    return found


EXAMPLES = [args for command in COMMANDS for args in examples(*command)]


@pytest.fixture
def smtp_server() -> Iterator[Server]:
    yield from _serve(Collector())


@pytest.fixture
def monday(
    isolated: Path, tmp_path: Path, webhook: tuple[str, Script], smtp_server: Server, monkeypatch
) -> Path:
    url, script = webhook
    script.answers = [(200, {}, b"ok")]
    monkeypatch.setenv("TIP_SLACK_URL", url)
    monkeypatch.setenv("TIP_TEAMS_URL", url)
    isolated.mkdir(parents=True, exist_ok=True)
    (isolated / "config.toml").write_text(
        f"""
[site]
base_url = "https://tips.example.org/front-desk/"

[export]
to = ["front-desk@example.org"]
from = "Training <training@example.org>"

[smtp]
host = "127.0.0.1"
port = {smtp_server.port}
security = "none"

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
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_publishing_command_has_examples(command: tuple[str, ...]) -> None:
    assert examples(*command), f"tip {' '.join(command)} --help has no examples"


@pytest.mark.parametrize("args", EXAMPLES, ids=shlex.join)
def test_every_example_runs(run, monday: Path, args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 0, f"tip {shlex.join(args)}: {result.stderr}"


def test_the_import_example_reads_the_site_feed_back(run, monday: Path) -> None:
    assert run("site", "build", "public/").exit_code == 0
    line = next(a for a in examples("import") if "public/feed.xml" in a)
    result = run(*line)
    assert result.exit_code == 0, result.stderr
    assert "50 would be created" in result.stdout  # the feed's 50 newest tips, into your own library
