"""Config values checked when the config is loaded, against the one schema.

Every command stops on a config that breaks the schema with exactly one stderr line naming
the file, the key and the allowed values; `tip check` lists every config problem with the
tip problems; odd paths and a config that is a named pipe never crash or hang a command.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.conftest import Library, Run
from tests.hostile.bounded import run_bounded

TIMEOUT = "must be a number of seconds from 1 to 300"
PORT = "must be a whole number from 1 to 65535"
HOST = "must be a host name or IP address of at most 253 characters"
FOLDERS = 'must be a list of folder paths, such as ["~/team-tips"]'


def write_config(home: Path, text: str) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    path = home / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


BAD = [
    ("[smtp]\ntimeout = 0", "smtp.timeout", f"{TIMEOUT}, not 0"),
    ("[smtp]\ntimeout = -1", "smtp.timeout", f"{TIMEOUT}, not -1"),
    ("[smtp]\ntimeout = inf", "smtp.timeout", f"{TIMEOUT}, not inf"),
    ("[smtp]\ntimeout = nan", "smtp.timeout", f"{TIMEOUT}, not nan"),
    ("[smtp]\ntimeout = 301", "smtp.timeout", f"{TIMEOUT}, not 301"),
    ('[smtp]\ntimeout = "3"', "smtp.timeout", f'{TIMEOUT}, not "3"'),
    ("[smtp]\ntimeout = true", "smtp.timeout", f"{TIMEOUT}, not true"),
    ("[smtp]\nport = true", "smtp.port", f"{PORT}, not true"),
    ("[smtp]\nport = -1", "smtp.port", f"{PORT}, not -1"),
    ("[smtp]\nport = 70000", "smtp.port", f"{PORT}, not 70000"),
    ("[smtp]\nport = 25.0", "smtp.port", f"{PORT}, not 25.0"),
    ('[smtp]\nhost = ""', "smtp.host", f"{HOST}, not an empty string"),
    (f'[smtp]\nhost = "{"a" * 300}"', "smtp.host", f'{HOST}, not "{"a" * 39}…"'),
    ('[smtp]\nhost = "mail server"', "smtp.host", f'{HOST}, not "mail server"'),
    ('[smtp]\nhost = "-mail.example.org"', "smtp.host", f'{HOST}, not "-mail.example.org"'),
    ('[smtp]\nsecurity = "tls"', "smtp.security", 'must be starttls, ssl, none, not "tls"'),
    ('[smtp]\npassword_env = "MY PASSWORD"', "smtp.password_env", "must be the name of an environment"),
    ("libraries = [1, true]", "libraries", f"{FOLDERS}, not a list"),
    ('libraries = "~/tips"', "libraries", f'{FOLDERS}, not "~/tips"'),
    ('libraries = ["~nosuchuser-tipweek/x"]', "libraries", f"{FOLDERS}, not a list"),
    ('libraries = [""]', "libraries", f"{FOLDERS}, not a list"),
    ('bundled = "no"', "bundled", 'must be true or false, not "no"'),
    ("export = 5", "export", "must be a table ([export]), not 5"),
    ('[smtp]\npassword = "x"', "smtp.password", "never store the SMTP password in the config"),
    (
        '[channels.team]\nkind = "slack"\nurl = "https://x.invalid/h"',
        "channels.team.url",
        "never store a webhook",
    ),
    (
        '[channels.team]\nkind = "slack"\nurl_env = "X"\nattempts = 0',
        "channels.team.attempts",
        "must be a whole",
    ),
    ("[channels.team]\nkind = 1\nurl_env = 2", "channels.team.kind", "must be one of slack, teams"),
    ("synonyms = 5", "synonyms", "must be a thesaurus file path or a list of them, not 5"),
    ("[index]\nlock_wait = 61", "index.lock_wait", "must be a number of seconds from 0 to 60, not 61"),
]


@pytest.mark.parametrize(("text", "key", "message"), BAD, ids=[f"{k}-{i}" for i, (_, k, _) in enumerate(BAD)])
def test_bad_value_is_one_line_naming_file_key_and_allowed_values(
    sample: Library, run: Run, isolated: Path, text: str, key: str, message: str
) -> None:
    path = write_config(isolated, text + "\n")
    result = run("week", "--short")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {path}: {key}: {message}"), result.stderr
    assert result.stderr.count("\n") == 1
    assert "unexpected" not in result.stderr


UNKNOWN = [
    ('[smpt]\nhost = "x"', "smpt", "unknown table, left out (did you mean [smtp]?)"),
    ('[exprot]\nto = ["a@example.org"]', "exprot", "unknown table, left out (did you mean [export]?)"),
    ("[zzz]\na = 1", "zzz", "unknown table, left out (known tables: [export], [smtp], [site]"),
    ('[smtp]\nhots = "x"', "smtp.hots", "unknown key, left out (did you mean smtp.host?)"),
    ('colour = "red"', "colour", "unknown key, left out (known keys in the top level: libraries, "),
    ('[channels.team]\nkind = "slack"\nurl_env = "X"\ncolour = 1', "channels.team.colour", "unknown key"),
]


@pytest.mark.parametrize(("text", "key", "message"), UNKNOWN, ids=[k for _, k, _ in UNKNOWN])
def test_unknown_keys_and_tables_warn_with_the_closest_name(
    sample: Library, run: Run, isolated: Path, text: str, key: str, message: str
) -> None:
    """A typo is never silently ignored, and never stops `tip week` in a login script."""
    path = write_config(isolated, text + "\n")
    for _ in range(2):  # the second run too: the fast route never answers without the warning
        result = run("week", "--short")
        assert result.exit_code == 0, result.stderr
        assert result.stdout.startswith("Explain the Wait")
        assert result.stderr.startswith(f"warning: {path}: {key}: {message}"), result.stderr
    check = run("check")
    assert f"{path}: warning: {key}: {message}" in check.stdout
    assert check.exit_code == 0


@pytest.mark.parametrize(
    "text",
    [
        '[smtp]\nhost = "mail.example.org"\nport = 587\ntimeout = 1',
        '[smtp]\nhost = "127.0.0.1"\nport = 65535\ntimeout = 300',
        '[smtp]\nhost = "::1"\nport = 1\ntimeout = 2.5',
        '[smtp]\nhost = "[2001:db8::1]"\nsecurity = "ssl"',
        '[smtp]\nhost = "localhost"\nusername = "me"\npassword_env = "TIP_SMTP_PASSWORD"',
        'libraries = ["~/team-tips", "relative/tips"]\nbundled = false\n[index]\nlock_wait = 0',
    ],
)
def test_good_values_are_accepted(sample: Library, run: Run, isolated: Path, text: str) -> None:
    write_config(isolated, text + "\n")
    result = run("week", "--short")
    assert result.exit_code == 0, result.stderr


def test_relative_library_paths_are_relative_to_the_config_file(run: Run, isolated: Path) -> None:
    team = isolated / "team"
    (team / "undated").mkdir(parents=True)
    (team / "undated" / "one.toml").write_text('title = "One"\ncategories = ["A"]\nbody = "b"\n')
    write_config(isolated, 'libraries = ["team"]\nbundled = false\n')
    result = run("list", "--json")
    assert result.exit_code == 0, result.stderr
    assert '"id": "one"' in result.stdout


def test_check_lists_every_config_problem_and_the_tips(sample: Library, run: Run, isolated: Path) -> None:
    path = write_config(isolated, "[smtp]\ntimeout = 0\nport = 70000\n")
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{path}: smtp.timeout: {TIMEOUT}, not 0",
        f"{path}: smtp.port: {PORT}, not 70000",
    ]
    assert result.stderr == "7 tips checked, 2 error(s)\n"
    other = run("list")
    assert other.exit_code == 1
    assert other.stderr.endswith("(`tip check` lists all 2 problems)\n")


def test_check_with_a_good_config_passes(sample: Library, run: Run, isolated: Path) -> None:
    write_config(isolated, "[smtp]\ntimeout = 10\n")
    assert run("check").exit_code == 0


def test_config_that_is_a_named_pipe_does_not_block(sample: Library, isolated: Path) -> None:
    isolated.mkdir(parents=True, exist_ok=True)
    os.mkfifo(isolated / "config.toml")
    result = run_bounded("week", "--short")
    assert result.returncode == 1
    assert (
        result.stderr
        == f"error: {isolated / 'config.toml'}: cannot read: is a named pipe, not a regular file\n"
    )


def test_config_that_is_a_device_is_refused(sample: Library) -> None:
    result = run_bounded("week", "--short", env={"TIP_CONFIG": "/dev/zero"})
    assert result.returncode == 1
    assert result.stderr == "error: /dev/zero: cannot read: is a device, not a regular file\n"


@pytest.mark.parametrize("where", ["TIP_LIBRARY", "--library"])
def test_unknown_user_in_a_library_path_is_not_a_crash(
    sample: Library, run: Run, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    odd = "~nosuchuser-tipweek/tips"
    if where == "TIP_LIBRARY":
        monkeypatch.setenv("TIP_LIBRARY", f"{sample.root}{os.pathsep}{odd}")
        result = run("list", "--json")
    else:
        result = run("--library", odd, "list", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("warning: library folder not found: ")
    assert "nosuchuser-tipweek" in result.stderr and "unexpected" not in result.stderr


def test_adding_a_setting_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from tipweek import config as config_module
    from tipweek.config import SCHEMA, Setting, boolean, validate

    monkeypatch.setitem(SCHEMA, "demo.flag", Setting(False, boolean, "true or false"))
    values, problems = validate({"demo": {"flag": True}})
    assert problems == [] and values["demo.flag"] is True
    values, problems = validate({"demo": {"flag": "yes"}})
    assert [p.message for p in problems] == ['must be true or false, not "yes"']
    assert config_module.Config(values).get("demo.flag") is False  # the default where invalid
