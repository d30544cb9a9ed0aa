"""`tip post` and `tip deliver` against real servers on 127.0.0.1: a webhook receiver and an
SMTP server, sharing one delivery log with `tip send`, so nothing is delivered twice."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import Script
from tests.test_send import Collector, Server, _serve, log_lines

from tipweek.channels import Post, payload
from tipweek.library import LibrarySource, load
from tipweek.model import Tip

WEEK_ID = "explain-the-wait"
SITE = "https://tips.example.org/front-desk/"


@pytest.fixture
def smtp_server() -> Iterator[Server]:
    yield from _serve(Collector())


def configure(home: Path, smtp_port: int | None, *, channels: str = "", to: bool = True) -> None:
    lines = [f'[site]\nbase_url = "{SITE}"']
    if to:
        lines.append(
            '[export]\nto = ["team@example.org", "Lead <lead@example.org>"]\nfrom = "desk@example.org"'
        )
    if smtp_port:
        lines.append(f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_port}\nsecurity = "none"\ntimeout = 5')
    lines.append(
        channels
        or '[channels.front-desk]\nkind = "slack"\nurl_env = "TIP_SLACK_URL"\ntimeout = 1\nattempts = 2\n'
        '[channels.leads]\nkind = "teams"\nurl_env = "TIP_TEAMS_URL"\ndeliver = false'
    )
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("\n\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def hook(webhook: tuple[str, Script], monkeypatch: pytest.MonkeyPatch) -> Script:
    url, script = webhook
    script.answers = [(200, {}, b"ok")]
    monkeypatch.setenv("TIP_SLACK_URL", url)
    return script


def test_post_sends_the_platform_payload_and_logs_it(sample, run, isolated: Path, hook: Script) -> None:
    configure(isolated, None)
    result = run("post", "week", "--to", "front-desk")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"posted '{WEEK_ID}' to Slack channel 'front-desk'\n"
    (request,) = hook.requests
    body = json.loads(request["body"])
    tip = next(t for t in load([LibrarySource("lib", sample.root)]).tips if t.id == WEEK_ID)
    assert body == payload("slack", Post(tip, "Tip of the week 2026-W48", f"{SITE}tips/{WEEK_ID}.html"))
    assert [line[1:] for line in log_lines(isolated)] == [[WEEK_ID, "chat:front-desk"]]


def test_posting_again_needs_force(sample, run, isolated: Path, hook: Script) -> None:
    configure(isolated, None)
    assert run("post", "--to", "front-desk").exit_code == 0
    again = run("post", "--to", "front-desk")
    assert again.exit_code == 1
    assert f"'{WEEK_ID}' was already posted to front-desk" in again.stderr
    assert len(hook.requests) == 1
    assert run("post", "--to", "front-desk", "--force").exit_code == 0
    assert len(hook.requests) == 2


def test_post_dry_run_prints_json_and_needs_no_secret(sample, run, isolated: Path, monkeypatch) -> None:
    configure(isolated, None)
    monkeypatch.delenv("TIP_SLACK_URL", raising=False)
    one = run("post", "--to", "front-desk", "--dry-run")
    assert one.exit_code == 0
    assert json.loads(one.stdout)["blocks"][0]["type"] == "header"
    both = json.loads(run("post", "--to", "front-desk", "--to", "leads", "--dry-run").stdout)
    assert set(both) == {"front-desk", "leads"} and both["leads"]["type"] == "message"
    assert not (isolated / "data" / "sent.log").exists()


@pytest.mark.parametrize("kind", ["slack", "teams", "discord", "mattermost", "google-chat", "webhook"])
def test_post_kind_previews_without_any_config(sample, run, kind: str) -> None:
    result = run("post", "week", "--kind", kind, "--dry-run")
    assert result.exit_code == 0
    assert isinstance(json.loads(result.stdout), dict)


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["--to", "nowhere"], "no channel 'nowhere' in the config", 2),
        (["--kind", "slack"], "--kind only previews a payload", 2),
        (["--kind", "irc", "--dry-run"], "unknown channel kind 'irc'", 2),
    ],
)
def test_post_errors_are_one_line(
    sample, run, isolated: Path, args: list[str], message: str, code: int
) -> None:
    configure(isolated, None)
    result = run("post", *args)
    assert result.exit_code == code
    assert message in result.stderr and len(result.stderr.splitlines()) == 1


def test_a_missing_webhook_variable_is_named(sample, run, isolated: Path, monkeypatch) -> None:
    configure(isolated, None)
    monkeypatch.delenv("TIP_SLACK_URL", raising=False)
    result = run("post", "--to", "front-desk")
    assert result.exit_code == 1
    assert "environment variable TIP_SLACK_URL is not set" in result.stderr


def test_deliver_twice_delivers_once(sample, run, isolated: Path, hook: Script, smtp_server: Server) -> None:
    configure(isolated, smtp_server.port)
    first = run("deliver", "week")
    assert first.exit_code == 0, first.stderr + first.stdout
    assert len(smtp_server.handler.received) == 1 and len(hook.requests) == 1
    assert sorted(smtp_server.handler.received[0].rcpt_tos) == ["lead@example.org", "team@example.org"]
    second = run("deliver", "week")
    assert second.exit_code == 0
    assert second.stdout.count("skipped") == 2 and "delivered" not in second.stdout.replace(
        "already delivered", ""
    )
    assert len(smtp_server.handler.received) == 1 and len(hook.requests) == 1  # nothing new went out
    assert "leads" not in first.stdout  # deliver = false


def test_send_and_post_count_for_deliver(
    sample, run, isolated: Path, hook: Script, smtp_server: Server
) -> None:
    configure(isolated, smtp_server.port)
    assert run("send", "week", "--to", "team@example.org").exit_code == 0
    assert run("post", "week", "--to", "front-desk").exit_code == 0
    result = run("deliver", "week")
    assert result.exit_code == 0
    assert len(smtp_server.handler.received) == 2 and len(hook.requests) == 1
    assert smtp_server.handler.received[1].rcpt_tos == ["lead@example.org"]  # only the one still missing
    assert "already delivered" in result.stdout


def test_a_failing_channel_does_not_stop_email_and_a_rerun_catches_up(
    sample, run, isolated: Path, hook: Script, smtp_server: Server
) -> None:
    configure(isolated, smtp_server.port)
    hook.answers = [(503, {"Retry-After": "0"}, b"busy")]
    failed = run("deliver", "week")
    assert failed.exit_code == 1
    assert "failed" in failed.stdout and "HTTP 503" in failed.stdout
    assert len(smtp_server.handler.received) == 1 and len(hook.requests) == 2  # two attempts
    hook.answers = [(200, {}, b"ok")]
    hook.requests.clear()
    again = run("deliver", "week")
    assert again.exit_code == 0
    assert len(hook.requests) == 1 and len(smtp_server.handler.received) == 1
    recipients = sorted(line[2] for line in log_lines(isolated))
    assert recipients == ["chat:front-desk", "lead@example.org,team@example.org"]


def test_deliver_dry_run_delivers_nothing(
    sample, run, isolated: Path, hook: Script, smtp_server: Server
) -> None:
    configure(isolated, smtp_server.port)
    result = run("deliver", "--dry-run")
    assert result.exit_code == 0
    assert result.stdout.count("would deliver") == 2
    assert hook.requests == [] and smtp_server.handler.received == []
    assert log_lines(isolated) == []


def test_deliver_with_nothing_configured(sample, run, isolated: Path) -> None:
    configure(isolated, None, channels="# no channels", to=False)
    result = run("deliver")
    assert result.exit_code == 2
    assert "nothing to deliver to" in result.stderr
    assert run("deliver", "--dry-run").exit_code == 0


def test_week_unsent_knows_about_chat_posts(sample, run, isolated: Path, hook: Script) -> None:
    configure(isolated, None)
    assert run("week", "--unsent").exit_code == 0
    assert run("post", "--to", "front-desk").exit_code == 0
    assert run("week", "--unsent").exit_code == 1


def test_send_warns_about_each_recipient_that_already_has_the_tip(
    sample, run, isolated: Path, smtp_server: Server
) -> None:
    configure(isolated, smtp_server.port)
    assert run("send", "week", "--to", "team@example.org", "--to", "lead@example.org").exit_code == 0
    again = run("send", "week", "--to", "lead@example.org", "--to", "new@example.org")
    assert again.exit_code == 0, again.stderr
    assert "note: skipping lead@example.org: 'Explain the Wait' already went there on " in again.stderr
    assert [m.rcpt_tos for m in smtp_server.handler.received][-1] == ["new@example.org"]


def test_deliver_dry_run_names_a_missing_webhook_variable(isolated: Path, tmp_path: Path) -> None:
    from tipweek.config import load_config
    from tipweek.deliver import WOULD, deliver

    configure(isolated, None, to=False)
    config = load_config(isolated / "config.toml")
    tip = Tip("a-tip", "A Tip", ("Retail",), body="Body.")
    results = deliver(tip, "Tip of the week", config, log_path=tmp_path / "sent.log", env={}, dry_run=True)
    assert [(r.where, r.status, r.detail) for r in results] == [
        ("Slack channel 'front-desk'", WOULD, "but environment variable TIP_SLACK_URL is not set")
    ]
    ready = deliver(
        tip, "x", config, log_path=tmp_path / "sent.log", env={"TIP_SLACK_URL": "x"}, dry_run=True
    )
    assert [r.detail for r in ready] == [""]


# --- an excerpt goes out only when named with --allow-excerpt, as for tip send ----------------

TEASER_ID = "half-known-teaser"


@pytest.fixture
def teaser(sample):  # type: ignore[no-untyped-def]
    """The sample library plus one excerpt, dated this week (the picks still pass it over)."""
    sample.add("Half Known Teaser", "2026-11-24", body="", excerpt=True, summary="Only the start is here…")
    return sample


@pytest.mark.parametrize(
    "args",
    [
        ["post", TEASER_ID, "--to", "front-desk"],
        ["post", TEASER_ID, "--to", "front-desk", "--dry-run"],
        ["post", TEASER_ID, "--kind", "slack", "--dry-run"],
        ["deliver", TEASER_ID],
        ["deliver", TEASER_ID, "--dry-run"],
    ],
)
def test_post_and_deliver_of_an_excerpt_refuse(
    teaser, run, isolated: Path, hook: Script, smtp_server: Server, args: list[str]
) -> None:
    configure(isolated, smtp_server.port)
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: '{TEASER_ID}' is an excerpt: only the start of the tip is known, so it is not sent "
        "(complete it (tip import --update with the full post, or tip edit), or use --allow-excerpt)"
    ]
    assert result.stdout == ""
    assert hook.requests == [] and smtp_server.handler.received == [] and log_lines(isolated) == []


def test_post_and_deliver_of_an_excerpt_with_allow_excerpt(
    teaser, run, isolated: Path, hook: Script, smtp_server: Server
) -> None:
    configure(isolated, smtp_server.port)
    posted = run("post", TEASER_ID, "--to", "front-desk", "--allow-excerpt")
    assert posted.exit_code == 0, posted.stderr
    assert posted.stdout == f"posted '{TEASER_ID}' to Slack channel 'front-desk'\n"
    assert "Only the start is here" in hook.requests[0]["body"].decode()
    delivered = run("deliver", TEASER_ID, "--allow-excerpt")
    assert delivered.exit_code == 0, delivered.stderr
    assert len(smtp_server.handler.received) == 1 and len(hook.requests) == 1  # the channel had it
    assert sorted(line[1:] for line in log_lines(isolated)) == [
        [TEASER_ID, "chat:front-desk"],
        [TEASER_ID, "lead@example.org,team@example.org"],
    ]


def test_the_week_passes_the_excerpt_over_without_allow_excerpt(
    teaser, run, isolated: Path, hook: Script
) -> None:
    configure(isolated, None)
    result = run("post", "week", "--to", "front-desk")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"posted '{WEEK_ID}' to Slack channel 'front-desk'\n"
