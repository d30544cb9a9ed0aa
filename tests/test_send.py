"""`tip send` against a real SMTP server (aiosmtpd on 127.0.0.1), and the send log."""

from __future__ import annotations

import datetime as dt
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tipweek import mail, sentlog
from tipweek.config import SmtpSettings
from tipweek.errors import SendError
from tipweek.exporters import ExportOptions, eml
from tipweek.model import tip_from_dict

# The AUTH tests run without TLS on purpose (a throwaway server on 127.0.0.1).
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")

WEEK_TIP = "Explain the Wait"
WEEK_ID = "explain-the-wait"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Collector:
    """An aiosmtpd handler that keeps every message and refuses the addresses in `refuse`."""

    refuse: set[str] = field(default_factory=set)
    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = BytesParser(policy=email.policy.default).parsebytes(envelope.original_content)
        assert isinstance(message, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    port: int
    handler: Collector


def _serve(handler: Collector, **params: Any) -> Iterator[Server]:
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=5, **params)
    controller.start()
    try:
        yield Server(port, handler)
    finally:
        controller.stop()


@pytest.fixture
def smtp() -> Iterator[Server]:
    yield from _serve(Collector(refuse={"nobody@example.org"}))


def accept_agent(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        b"agent",
        b"s3cret",
    )
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp_auth() -> Iterator[Server]:
    yield from _serve(Collector(), auth_required=True, auth_require_tls=False, authenticator=accept_agent)


def configure(home: Path, port: int, **extra: object) -> None:
    lines = ["[smtp]", 'host = "127.0.0.1"', f"port = {port}", 'security = "none"', "timeout = 5"]
    lines += [f"{k} = {v!r}".replace("'", '"') for k, v in extra.items() if k != "export"]
    if "export" in extra:
        lines += ["[export]", str(extra["export"])]
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def log_lines(home: Path) -> list[list[str]]:
    path = home / "data" / "sent.log"
    if not path.exists():
        return []
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]


def test_send_delivers_both_parts_with_bcc_only_in_the_envelope(
    sample, run, smtp: Server, isolated: Path
) -> None:
    configure(isolated, smtp.port)
    result = run(
        "send",
        "--to",
        "team@example.org",
        "--to",
        '"Doe, Jane" <jane@example.org>',
        "--cc",
        "boss@example.org",
        "--bcc",
        "lead@example.org",
        "--from",
        "Desk <desk@example.org>",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"sent '{WEEK_TIP}' to 4 recipient(s): "
        "team@example.org, jane@example.org, boss@example.org, lead@example.org\n"
    )
    assert result.stderr == ""
    [got] = smtp.handler.received
    assert got.mail_from == "desk@example.org"
    assert got.rcpt_tos == ["team@example.org", "jane@example.org", "boss@example.org", "lead@example.org"]
    message = got.message
    assert message["Subject"] == f"Tip of the Week: {WEEK_TIP}"
    assert message["From"] == "Desk <desk@example.org>"
    assert message["To"] == 'team@example.org, "Doe, Jane" <jane@example.org>'
    assert message["Cc"] == "boss@example.org"
    assert "Bcc" not in message and "X-Unsent" not in message
    assert message["Message-ID"] and message["Date"]
    assert b"lead@example.org" not in message.as_bytes()
    assert message.get_content_type() == "multipart/alternative"
    plain, html = message.iter_parts()
    assert (plain.get_content_type(), plain.get_content_charset()) == ("text/plain", "utf-8")
    assert (html.get_content_type(), html.get_content_charset()) == ("text/html", "utf-8")
    assert "Tell people how long and why." in plain.get_content()
    assert f">{WEEK_TIP}</h1>" in html.get_content()
    [entry] = log_lines(isolated)
    assert dt.datetime.fromisoformat(entry[0]).tzinfo is not None
    assert entry[1:] == [WEEK_ID, "boss@example.org,jane@example.org,lead@example.org,team@example.org"]


def test_send_uses_config_recipients_and_sender(sample, run, smtp: Server, isolated: Path) -> None:
    configure(isolated, smtp.port, export='from = "desk@example.org"\nto = ["all@example.org"]')
    result = run("send", "greet")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "sent 'Greet the Second Customer' to 1 recipient(s): all@example.org\n"
    [got] = smtp.handler.received
    assert (got.mail_from, got.rcpt_tos) == ("desk@example.org", ["all@example.org"])


def test_duplicate_recipients_get_one_copy(sample, run, smtp: Server, isolated: Path) -> None:
    configure(isolated, smtp.port)
    result = run(
        "send", "--to", "a@example.org, b@example.org", "--cc", "A@example.org", "--bcc", "b@example.org"
    )
    assert result.exit_code == 0, result.stderr
    assert smtp.handler.received[0].rcpt_tos == ["a@example.org", "b@example.org"]
    assert result.stdout == f"sent '{WEEK_TIP}' to 2 recipient(s): a@example.org, b@example.org\n"


def test_refused_connection_is_one_line(sample, run, isolated: Path) -> None:
    port = free_port()  # nothing listens here
    configure(isolated, port)
    result = run("send", "--to", "team@example.org")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"error: cannot connect to SMTP server 127.0.0.1:{port}: connection refused "
        f"(check smtp.host and smtp.port in {isolated / 'config.toml'})\n"
    )
    assert log_lines(isolated) == []


def test_silent_server_times_out(sample, run, isolated: Path) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)  # accepts the connection, never says hello
        port = listener.getsockname()[1]
        configure(isolated, port)
        (isolated / "config.toml").write_text(
            (isolated / "config.toml").read_text().replace("timeout = 5", "timeout = 1")
        )
        result = run("send", "--to", "team@example.org")
    assert result.exit_code == 1
    assert result.stderr == f"error: SMTP server 127.0.0.1:{port} did not answer within 1s\n"
    assert log_lines(isolated) == []


def test_failed_login(
    sample, run, smtp_auth: Server, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(isolated, smtp_auth.port, username="agent", password_env="TIP_TEST_PASSWORD")
    monkeypatch.setenv("TIP_TEST_PASSWORD", "wrong")
    result = run("send", "--to", "team@example.org")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: login to 127.0.0.1:{smtp_auth.port} as agent failed: 535 ")
    assert len(result.stderr.splitlines()) == 1
    assert smtp_auth.handler.received == []
    assert log_lines(isolated) == []


def test_login_with_password_from_the_environment(
    sample, run, smtp_auth: Server, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(isolated, smtp_auth.port, username="agent", password_env="TIP_TEST_PASSWORD")
    monkeypatch.delenv("TIP_TEST_PASSWORD", raising=False)
    result = run("send", "--to", "team@example.org")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: environment variable TIP_TEST_PASSWORD is not set")
    monkeypatch.setenv("TIP_TEST_PASSWORD", "s3cret")
    result = run("send", "--to", "team@example.org")
    assert result.exit_code == 0, result.stderr
    assert len(smtp_auth.handler.received) == 1


def test_login_required_but_not_configured(sample, run, smtp_auth: Server, isolated: Path) -> None:
    configure(isolated, smtp_auth.port)
    result = run("send", "--to", "team@example.org")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"error: 127.0.0.1:{smtp_auth.port} refused the sender tipweek@localhost: 530"
    )


def test_starttls_not_offered(sample, run, smtp: Server, isolated: Path) -> None:
    configure(isolated, smtp.port)
    config = isolated / "config.toml"
    config.write_text(config.read_text().replace('security = "none"', 'security = "starttls"'))
    result = run("send", "--to", "team@example.org")
    assert result.exit_code == 1
    assert "STARTTLS extension not supported by server" in result.stderr
    assert smtp.handler.received == []


def test_rejected_recipient_is_reported_and_only_the_rest_logged(
    sample, run, smtp: Server, isolated: Path
) -> None:
    configure(isolated, smtp.port)
    result = run("send", "--to", "team@example.org", "--to", "nobody@example.org", "--cc", "boss@example.org")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "error: sent only to team@example.org, boss@example.org; refused: "
        "nobody@example.org (550 5.1.1 No such user here)\n"
    )
    [got] = smtp.handler.received
    assert got.rcpt_tos == ["team@example.org", "boss@example.org"]
    [entry] = log_lines(isolated)
    assert entry[1:] == [WEEK_ID, "boss@example.org,team@example.org"]


def test_every_recipient_rejected(sample, run, smtp: Server, isolated: Path) -> None:
    configure(isolated, smtp.port)
    result = run("send", "--to", "nobody@example.org")
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: 127.0.0.1:{smtp.port} refused every recipient: "
        "nobody@example.org (550 5.1.1 No such user here)\n"
    )
    assert smtp.handler.received == []
    assert log_lines(isolated) == []


def test_dry_run_shows_server_envelope_and_a_readable_message(
    sample, run, smtp: Server, isolated: Path
) -> None:
    configure(isolated, smtp.port, username="agent", password_env="TIP_TEST_PASSWORD")
    result = run("send", "--to", "team@example.org", "--bcc", "lead@example.org", "--dry-run")
    assert result.exit_code == 0, result.stderr
    head, body = result.stdout.split("\n\n", 1)
    assert head.splitlines() == [
        f"server:   127.0.0.1:{smtp.port} "
        "(no encryption, login agent, password from $TIP_TEST_PASSWORD: NOT SET)",
        "envelope: from tipweek@localhost",
        "          to team@example.org, lead@example.org",
    ]
    headers, text = body.split("\n\n", 1)
    assert headers.splitlines()[:3] == [
        "From: tipweek@localhost",
        "To: team@example.org",
        f"Subject: Tip of the Week: {WEEK_TIP}",
    ]
    assert headers.splitlines()[3].startswith("Date: ")
    assert "Tell people how long and why." in text  # the text part, decoded
    assert "=3D" not in result.stdout and "Content-Transfer-Encoding" not in result.stdout
    assert "lead@example.org" not in body  # Bcc: only in the envelope
    assert result.stderr == f"dry run: nothing sent; would send '{WEEK_TIP}' to 2 recipient(s)\n"
    assert smtp.handler.received == []
    assert log_lines(isolated) == []


def test_dry_run_raw_prints_the_mime_source(sample, run, smtp: Server, isolated: Path) -> None:
    configure(isolated, smtp.port)
    result = run("send", "--to", "team@example.org", "--bcc", "lead@example.org", "--dry-run", "--raw")
    assert result.exit_code == 0, result.stderr
    message = BytesParser(policy=email.policy.default).parsebytes(result.stdout_bytes)
    assert message["Subject"] == f"Tip of the Week: {WEEK_TIP}"
    assert message["To"] == "team@example.org"
    assert "Bcc" not in message and "X-Unsent" not in message
    assert b"\r\n" not in result.stdout_bytes  # LF for the terminal
    assert result.stderr.startswith(f"server:   127.0.0.1:{smtp.port} (no encryption, no login)\n")
    assert "          to team@example.org, lead@example.org\n" in result.stderr
    assert run("send", "--to", "team@example.org", "--raw").exit_code == 2  # only with --dry-run
    assert smtp.handler.received == []


def test_the_log_is_per_recipient(sample, run, smtp: Server, isolated: Path) -> None:
    configure(isolated, smtp.port)
    assert run("send", "--to", "a@example.org", "--cc", "b@example.org").exit_code == 0
    [first] = log_lines(isolated)
    when = f"{dt.datetime.fromisoformat(first[0]):%a %-d %b %Y at %H:%M}"
    # Everyone already has it, written differently: a repeat, refused without a terminal.
    result = run("send", "--to", "B@example.org", "--to", "Ann <a@example.org>")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"warning: '{WEEK_TIP}' already went to all these recipients on {when} "
        "(use --force to send it again)\n"
    )
    # A second --to: only the new recipient gets it, and stderr says who was skipped.
    partly = run("send", "--to", "a@example.org", "--to", "c@example.org")
    assert partly.exit_code == 0, partly.stderr
    assert partly.stdout == f"sent '{WEEK_TIP}' to 1 recipient(s): c@example.org\n"
    assert partly.stderr == (
        f"note: skipping a@example.org: '{WEEK_TIP}' already went there on {when} "
        "(--force sends to them too)\n"
    )
    assert [m.rcpt_tos for m in smtp.handler.received] == [
        ["a@example.org", "b@example.org"],
        ["c@example.org"],
    ]
    # The dry run says the same before anything happens.
    dry = run("send", "--to", "a@example.org", "--to", "d@example.org", "--dry-run")
    assert "          to d@example.org\nskipped:  a@example.org (already had it: " in dry.stdout
    # --force sends to everyone again, and logs again.
    result = run("send", "--to", "a@example.org", "--cc", "b@example.org", "--force")
    assert result.exit_code == 0, result.stderr
    assert smtp.handler.received[-1].rcpt_tos == ["a@example.org", "b@example.org"]
    assert len(log_lines(isolated)) == 3
    # A dry run to people who all have it only warns.
    result = run("send", "--to", "a@example.org", "--cc", "b@example.org", "--dry-run")
    assert result.exit_code == 0
    assert f"warning: '{WEEK_TIP}' already went to all these recipients on " in result.stderr


@pytest.mark.parametrize(("answer", "sent"), [("y\n", True), ("\n", False), ("maybe\nno\n", False)])
def test_a_repeat_asks_in_a_terminal(
    sample, run, smtp: Server, isolated: Path, monkeypatch: pytest.MonkeyPatch, answer: str, sent: bool
) -> None:
    configure(isolated, smtp.port)
    assert run("send", "--to", "a@example.org").exit_code == 0
    monkeypatch.setattr("tipweek.cli.export.interactive", lambda: True)
    result = run("send", "--to", "a@example.org", input=answer)
    [first] = log_lines(isolated)[:1]
    when = f"{dt.datetime.fromisoformat(first[0]):%a %-d %b %Y at %H:%M}"
    assert result.stderr.startswith(
        f"'{WEEK_TIP}' already went to a@example.org on {when}. Send it again? [y/N]: "
    )
    assert result.exit_code == (0 if sent else 1)
    assert len(smtp.handler.received) == (2 if sent else 1)
    if "maybe" in answer:
        assert "note: please answer y or n\n" in result.stderr


def test_digest_send(sample, run, smtp: Server, isolated: Path) -> None:
    configure(isolated, smtp.port)
    result = run("send", "--category", "service recovery", "--to", "team@example.org")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "sent 2 tips to 1 recipient(s): team@example.org\n"
    [got] = smtp.handler.received
    assert got.message["Subject"] == "Tips of the Week: 2 tips"
    [entry] = log_lines(isolated)
    assert entry[1:] == ["apologize-without-excuses,greet-the-second-customer", "team@example.org"]
    assert run("send", "--category", "service recovery", "--to", "team@example.org").exit_code == 1
    # Per recipient for digests too: a second --to reaches only the new one.
    more = run("send", "-c", "service recovery", "--to", "team@example.org", "--to", "new@example.org")
    assert more.exit_code == 0, more.stderr
    assert smtp.handler.received[-1].rcpt_tos == ["new@example.org"]
    # Each tip of the digest counts as sent for `already_sent`.
    log = isolated / "data" / "sent.log"
    assert sentlog.already_sent(log, "greet-the-second-customer", ["team@example.org"]) == [entry[0]]


@pytest.mark.parametrize(
    "args",
    [
        ("--to", "not-an-address"),
        ("--to", "a@example.org", "--bcc", "x@"),
        ("--to", "a@example.org\nBcc: evil@example.org"),
        ("--from", "a@b.org, c@d.org"),
    ],
)
def test_bad_addresses_never_connect(
    sample, run, smtp: Server, isolated: Path, args: tuple[str, ...]
) -> None:
    configure(isolated, smtp.port)
    result = run("send", *args)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert smtp.handler.received == []


def test_no_recipients_is_bad_input(sample, run, isolated: Path) -> None:
    result = run("send")
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: no recipients (give --to, or set [export] to in {isolated / 'config.toml'})\n"
    )


# --- the library ---------------------------------------------------------------------------


def test_already_sent_reads_the_log(tmp_path: Path) -> None:
    log = tmp_path / "sent.log"
    assert sentlog.already_sent(log, "x") == []
    when = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    sentlog.record_send(log, ["x"], ["Ann <A@example.org>", "b@example.org"], when)
    sentlog.record_send(log, ["y", "x"], ["c@example.org"], when + dt.timedelta(days=7))
    log.write_text(log.read_text() + "garbage line\n\n", encoding="utf-8")
    assert log.read_text().splitlines()[0] == "2026-11-23T09:00:00+00:00\tx\ta@example.org,b@example.org"
    assert sentlog.already_sent(log, "x") == ["2026-11-23T09:00:00+00:00", "2026-11-30T09:00:00+00:00"]
    assert sentlog.already_sent(log, "x", ["b@example.org", "a@EXAMPLE.org"]) == ["2026-11-23T09:00:00+00:00"]
    assert sentlog.already_sent(log, "x", ["b@example.org"]) == []
    assert sentlog.already_sent(log, "y", ["c@example.org"]) == ["2026-11-30T09:00:00+00:00"]
    assert sentlog.already_sent(log, "z") == []


def test_deliver_raises_without_logging_when_nothing_was_sent(tmp_path: Path) -> None:
    tip = tip_from_dict({"title": "T", "categories": ["C"], "body": "b"}, id="t")
    message = eml.build_message([tip], ExportOptions(to=("a@example.org",)))
    settings = SmtpSettings(host="127.0.0.1", port=free_port(), security="none", timeout=2)
    with pytest.raises(SendError, match="connection refused"):
        mail.deliver(message, ["a@example.org"], settings, log_path=tmp_path / "sent.log", tip_ids=["t"])
    assert not (tmp_path / "sent.log").exists()


def test_parse_addresses_keeps_quoted_commas() -> None:
    found = eml.parse_addresses(['"Doe, Jane" <jane@example.org>, bob@example.org'], "--to")
    assert [(a.display_name, a.addr_spec) for a in found] == [
        ("Doe, Jane", "jane@example.org"),
        ("", "bob@example.org"),
    ]


def test_week_unsent_warns_after_a_send(sample, run, smtp: Server, isolated: Path) -> None:
    configure(isolated, smtp.port)
    assert run("week", "--unsent", "--short").exit_code == 0
    assert run("send", "week", "--to", "team@example.org").exit_code == 0
    again = run("week", "--unsent", "--short")
    assert again.exit_code == 1
    assert again.stdout == ""
    assert "'explain-the-wait' was already sent" in again.stderr
