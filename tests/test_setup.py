"""A setup you can see: tip config path|show|edit and tip doctor."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from tests.conftest import Library, Run
from tests.test_send import Collector, Server, _serve, free_port

SECRET_PASSWORD = "hunter2-do-not-print"
SECRET_URL = "https://hooks.example.invalid/services/T0/B0/secret-token"


def write_config(home: Path, text: str) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    path = home / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def smtp_server():
    yield from _serve(Collector())


# --- tip config path / show --------------------------------------------------------------------


def test_config_path_prints_the_file_even_before_it_exists(run: Run, isolated: Path) -> None:
    result = run("config", "path")
    assert (result.exit_code, result.stdout) == (0, f"{isolated / 'config.toml'}\n")


def test_config_show_says_where_each_setting_comes_from_and_hides_secrets(
    sample: Library, run: Run, isolated: Path, tmp_path: Path
) -> None:
    team = tmp_path / "team-tips"
    team.mkdir()
    write_config(
        isolated,
        f'libraries = ["{team}"]\n[smtp]\nhost = "mail.example.org"\nusername = "desk"\n'
        'password_env = "TIP_TEST_PASSWORD"\n'
        '[channels.front-desk]\nkind = "slack"\nurl_env = "TIP_TEST_URL"\n',
    )
    env = {"TIP_TEST_URL": SECRET_URL, "COLUMNS": "400"}  # no wrapping, however long tmp_path is
    result = run("config", "show", env=env)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert SECRET_URL not in out and "secret-token" not in out
    rows = {line.split()[0]: line.split(None, 1)[1] for line in out.splitlines() if line.startswith("  ")}
    assert rows["smtp.host"].split() == ['"mail.example.org"', "config", "file"]
    assert rows["smtp.port"].split() == ["0", "default"]
    assert rows["smtp.password_env"].split() == ['"TIP_TEST_PASSWORD"', "(NOT", "SET)", "config", "file"]
    assert rows["channels.front-desk.url_env"].split()[:3] == ['"TIP_TEST_URL"', "(set,", "hidden)"]
    assert rows["channels.front-desk.deliver"].split() == ["true", "default"]
    assert f"{isolated / 'data' / 'sent.log'}  TIP_DATA_DIR" in out
    assert f"{isolated / 'config.toml'}  TIP_CONFIG" in out
    assert f"{team}  libraries in {isolated / 'config.toml'}" in out
    assert f"{sample.root}  TIP_LIBRARY" in out
    with_password = run("config", "show", env={**env, "TIP_TEST_PASSWORD": SECRET_PASSWORD})
    assert SECRET_PASSWORD not in with_password.stdout
    assert '"TIP_TEST_PASSWORD" (set, hidden)' in with_password.stdout


def test_config_show_json(sample: Library, run: Run, isolated: Path) -> None:
    write_config(isolated, 'bundled = false\n[export]\nto = ["team@example.org"]\n')
    data = json.loads(run("config", "show", "--json").stdout)
    settings = {s["key"]: s for s in data["settings"]}
    assert settings["export.to"] == {"key": "export.to", "value": ["team@example.org"], "from": "config file"}
    assert settings["smtp.timeout"]["from"] == "default"
    assert [f["what"] for f in data["files"]] == ["config file", "your library", "sent log", "index"]
    assert [lib["name"] for lib in data["libraries"]] == ["your own", ""]


def test_config_show_with_a_typo_shows_it_and_warns(sample: Library, run: Run, isolated: Path) -> None:
    path = write_config(isolated, '[smpt]\nhost = "mail.example.org"\n')
    result = run("config", "show")
    assert result.exit_code == 0
    assert f"warning: {path}: smpt: unknown table, left out (did you mean [smtp]?)" in result.stderr
    assert "smtp.host" in result.stdout and '"localhost"' in result.stdout


# --- tip config edit ---------------------------------------------------------------------------


def editor(tmp_path: Path, body: str) -> str:
    """An editor that appends `body` to the file it is given."""
    script = tmp_path / "append-editor"
    script.write_text(f"#!/bin/sh\nprintf '%b' '{body}' >> \"$1\"\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_config_edit_creates_a_commented_file_and_checks_it(run: Run, isolated: Path, tmp_path: Path) -> None:
    appended = 'host = "mail.example.org"\\n'  # under the starter's last table, [smtp]
    result = run("config", "edit", env={"EDITOR": editor(tmp_path, appended), "VISUAL": ""})
    assert result.exit_code == 0, result.stderr
    text = (isolated / "config.toml").read_text(encoding="utf-8")
    assert text.startswith("# tipweek's config file.") and "\n[smtp]\n" in text
    assert text.endswith('host = "mail.example.org"\n')
    settings = json.loads(run("config", "show", "--json").stdout)["settings"]
    assert [s["key"] for s in settings if s["from"] == "config file"] == ["smtp.host"]
    assert f"note: created {isolated / 'config.toml'}" in result.stderr
    assert result.stderr.endswith(f"checked {isolated / 'config.toml'}: 1 setting(s)\n")


def test_config_edit_reports_a_bad_value_in_the_saved_file(run: Run, isolated: Path, tmp_path: Path) -> None:
    write_config(isolated, "[smtp]\n")
    result = run("config", "edit", env={"EDITOR": editor(tmp_path, "port = 70000\\n"), "VISUAL": ""})
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {isolated / 'config.toml'}: smtp.port: must be a whole number from 1 to 65535, not 70000\n"
    )


# --- tip doctor --------------------------------------------------------------------------------


def doctor(run: Run, *args: str, env: dict[str, str] | None = None) -> tuple[int, list[dict[str, str]]]:
    result = run("doctor", "--json", *args, env=env)
    return result.exit_code, json.loads(result.stdout)


def test_doctor_on_a_sound_setup(sample: Library, run: Run) -> None:
    code, findings = doctor(run)
    assert code == 0
    assert {f["status"] for f in findings} == {"ok"}
    assert [f["area"] for f in findings] == ["config", "libraries", "libraries", "index", "sent log", "smtp"]
    text = run("doctor")
    assert text.stderr.endswith("0 problem(s), 0 warning(s)\n")


def test_doctor_names_each_problem_with_its_fix(
    sample: Library, run: Run, isolated: Path, tmp_path: Path
) -> None:
    path = write_config(
        isolated,
        f'libraries = ["{tmp_path / "gone"}"]\n[smpt]\nhost = "x"\n[export]\nto = ["team@example.org"]\n'
        '[smtp]\nusername = "desk"\npassword_env = "TIP_TEST_PASSWORD"\n'
        '[channels.front-desk]\nkind = "slack"\nurl_env = "TIP_TEST_URL"\n',
    )
    sample.write("2026/2026-11-02-broken.toml", "title = \n")
    code, findings = doctor(run)
    assert code == 1
    problems = {(f["area"], f["status"], f["message"], f["fix"]) for f in findings if f["status"] != "ok"}
    assert problems == {
        (
            "config",
            "warning",
            f"{path}: smpt: unknown table, left out (did you mean [smtp]?)",
            "tip config edit",
        ),
        (
            "libraries",
            "problem",
            f"library folder not found: {tmp_path / 'gone'} (from libraries in {path})",
            f"create it, or remove it from libraries in {path}",
        ),
        (
            "libraries",
            "problem",
            "1 tip file(s) cannot be read",
            "tip check lists each as file:line: message",
        ),
        (
            "smtp",
            "warning",
            "[export] to is set but [smtp] has no host: tip send would use localhost:587 "
            "(STARTTLS, login desk, password from $TIP_TEST_PASSWORD: NOT SET)",
            "set [smtp] host (tip config edit)",
        ),
        (
            "smtp",
            "problem",
            "$TIP_TEST_PASSWORD (the SMTP password) is not set",
            "export TIP_TEST_PASSWORD=… where tip runs (a shell, cron or a service)",
        ),
        (
            "channels",
            "problem",
            "front-desk (slack): $TIP_TEST_URL is not set",
            "export TIP_TEST_URL=<the webhook URL> where tip runs",
        ),
    }
    shown = run("doctor", env={"COLUMNS": "200"})
    assert "fix: export TIP_TEST_URL=<the webhook URL> where tip runs" in shown.stdout
    assert shown.stderr.endswith("4 problem(s), 2 warning(s)\n")


def test_doctor_connects_to_smtp_only_when_asked(
    sample: Library, run: Run, isolated: Path, smtp_server: Server
) -> None:
    write_config(isolated, f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_server.port}\nsecurity = "none"\n')
    code, findings = doctor(run)
    smtp = [f for f in findings if f["area"] == "smtp"]
    assert smtp == [
        {
            "area": "smtp",
            "status": "ok",
            "message": f"127.0.0.1:{smtp_server.port} (no encryption, no login)",
            "fix": "tip doctor --smtp tries a connection",
        }
    ]
    code, findings = doctor(run, "--smtp")
    assert code == 0
    assert [f["message"] for f in findings if f["area"] == "smtp"][
        -1
    ] == f"127.0.0.1:{smtp_server.port} answered"
    assert smtp_server.handler.received == []  # nothing sent


def test_doctor_smtp_failure_names_the_config_file(sample: Library, run: Run, isolated: Path) -> None:
    port = free_port()
    path = write_config(isolated, f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n')
    code, findings = doctor(run, "--smtp")
    assert code == 1
    [failed] = [f for f in findings if f["status"] == "problem"]
    assert failed == {
        "area": "smtp",
        "status": "problem",
        "message": f"cannot connect to SMTP server 127.0.0.1:{port}: connection refused",
        "fix": f"check smtp.host and smtp.port in {path}",
    }


def test_doctor_reports_an_index_it_cannot_keep(sample: Library, run: Run, isolated: Path) -> None:
    blocked = isolated / "cache-is-a-file"
    blocked.parent.mkdir(parents=True, exist_ok=True)
    blocked.write_text("not a folder")
    code, findings = doctor(run, env={"TIP_CACHE_DIR": str(blocked)})
    [index] = [f for f in findings if f["area"] == "index"]
    assert index["status"] == "problem" and "every command reads every file" in index["message"]
    assert code == 1
