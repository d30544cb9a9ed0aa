"""Sending tips by email: preparing what goes out, handing it to an SMTP server, and logging it.

The message itself is `exporters.eml`'s (the same one `export --format eml` writes as a
draft); this module adds the envelope (every To, Cc and Bcc address once), the "already
sent" check against the one delivery log (`sentlog`), and SMTP with every failure turned
into one `SendError` line.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tipweek.errors import BadInput, LibraryError, SendError
from tipweek.text import one_line, shown

if TYPE_CHECKING:
    import smtplib
    import ssl
    from email.headerregistry import Address
    from email.message import EmailMessage

    from tipweek.config import SmtpSettings
    from tipweek.deadline import Deadline
    from tipweek.exporters.base import ExportOptions
    from tipweek.model import Tip


def unique_recipients(*groups: Sequence[Address]) -> list[str]:
    """The envelope recipients: every address once (ignoring case), in the order given."""
    seen: dict[str, str] = {}
    for group in groups:
        for address in group:
            seen.setdefault(address.addr_spec.lower(), address.addr_spec)
    return list(seen.values())


# --- preparing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Outgoing:
    """A message ready to send: the envelope, what it holds, and who already has it."""

    message: EmailMessage
    recipients: list[str]
    tip_ids: list[str]
    what: str  # "'Title'" for one tip, "3 tips" for a digest
    had: Mapping[str, str] = field(default_factory=dict)  # recipient (lower-case) -> when it got it

    @property
    def skipped(self) -> list[str]:
        """The recipients the log says already have it."""
        return [r for r in self.recipients if r.lower() in self.had]

    @property
    def missing(self) -> list[str]:
        """The recipients it still has to reach (everyone, when nobody has it yet)."""
        return [r for r in self.recipients if r.lower() not in self.had]

    def last_time(self, recipients: Sequence[str]) -> str:
        """When the last of `recipients` got it, as people read it."""
        from tipweek.sentlog import when_text

        return when_text(max(self.had[r.lower()] for r in recipients))

    @property
    def repeat(self) -> str:
        """Why sending may be a mistake: every recipient already has it; empty otherwise."""
        if not self.recipients or self.missing:
            return ""
        who = self.recipients[0] if len(self.recipients) == 1 else "all these recipients"
        return f"{self.what} already went to {who} on {self.last_time(self.recipients)}"

    def preview(self) -> bytes:
        """The MIME source as a terminal shows it (LF line ends): `tip send --dry-run --raw`."""
        from tipweek.exporters.eml import message_bytes

        return message_bytes(self.message, linesep="\n")

    def readable(self) -> str:
        """The headers people read and the text part, decoded (no =3D, no base64)."""
        lines = [f"{name}: {one_line(str(self.message[name]))}" for name in _SHOWN if self.message[name]]
        body = self.message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        return "\n".join(lines) + "\n\n" + str(text).rstrip("\n") + "\n"


_SHOWN = ("From", "To", "Cc", "Reply-To", "Subject", "Date")


def prepare(tips: Sequence[Tip], options: ExportOptions, bcc: Sequence[str], *, log_path: Path) -> Outgoing:
    """Build the message and its envelope, each address parsed once; `BadInput` for a bad
    address or subject, or when there is nobody to send to."""
    from tipweek.exporters.eml import addresses_for, build_message, parse_addresses
    from tipweek.sentlog import received

    addresses = addresses_for(options)
    message = build_message(tips, options, addresses)
    recipients = unique_recipients(addresses.to, addresses.cc, parse_addresses(bcc, "--bcc"))
    if not recipients:
        raise BadInput("no recipients", hint="give --to, or set [export] to in the config")
    ids = [t.id for t in tips]
    what = f"'{shown(tips[0].title)}'" if len(tips) == 1 else f"{len(tips)} tips"
    # Per recipient, whichever command delivered it (send, deliver), so nobody gets it twice.
    have = received(log_path, ids)
    return Outgoing(
        message, recipients, ids, what, {r.lower(): have[r.lower()] for r in recipients if r.lower() in have}
    )


def describe_server(settings: SmtpSettings, env: Mapping[str, str] = os.environ) -> str:
    """Where a message would go, for a dry run: host, port, security and login."""
    security = {"starttls": "STARTTLS", "ssl": "SSL/TLS", "none": "no encryption"}[settings.security]
    where = f"{settings.host}:{settings.effective_port} ({security}"
    if not settings.username:
        return where + ", no login)"
    if not settings.password_env:
        return where + f", login {settings.username}, but smtp.password_env is not set)"
    state = "set" if env.get(settings.password_env) else "NOT SET"
    return where + f", login {settings.username}, password from ${settings.password_env}: {state})"


# --- sending -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    """A message the server took for every recipient; `log_error` if it could not be logged."""

    accepted: tuple[str, ...]
    log_error: str = ""


def smtp_password(settings: SmtpSettings, env: Mapping[str, str] = os.environ) -> str | None:
    """The password from the environment variable the config names; None when no login is set."""
    if not settings.username:
        return None
    if not settings.password_env:
        raise SendError(
            f"smtp.username is '{shown(settings.username)}' but smtp.password_env is not set",
            hint="name the environment variable that holds the password",
        )
    password = env.get(settings.password_env, "")
    if not password:
        raise SendError(
            f"environment variable {shown(settings.password_env)} is not set",
            hint="it must hold the SMTP password (smtp.password_env)",
        )
    return password


def _reply(code: int, text: bytes | str) -> str:
    raw = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return one_line(f"{code} {raw}")


def _refusals(refused: Mapping[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{addr} ({_reply(code, text)})" for addr, (code, text) in refused.items())


def smtp_send(
    message: EmailMessage, recipients: Sequence[str], settings: SmtpSettings, password: str | None = None
) -> dict[str, tuple[int, bytes]]:
    """Hand the message to the server; returns the recipients it refused (if it took any).

    Every way of failing before the server accepted the message (no connection, TLS, login,
    all recipients refused, message refused, time-out) is one `SendError` line.
    """

    from tipweek.deadline import Deadline

    senders = message["From"].addresses if message["From"] else ()
    if not senders:
        raise SendError("the message has no sender")
    server: smtplib.SMTP | None = None
    # `timeout` bounds the whole delivery, not each read: a server that trickles its replies
    # is cut off when the time is up (see `deadline`).
    deadline = Deadline(settings.timeout)
    try:
        with deadline.guard():
            server = _connect(settings, password, deadline)
            refused = server.send_message(
                message, from_addr=str(senders[0].addr_spec), to_addrs=list(recipients)
            )
            _quit(server)
        return refused
    except OSError as exc:  # smtplib's and ssl's errors are OSErrors too
        if deadline.expired:
            where = f"{settings.host}:{settings.effective_port}"
            raise SendError(f"SMTP server {where} did not answer within {settings.timeout:g}s") from None
        raise _send_error(exc, settings) from None
    finally:
        if server is not None:
            server.close()


def probe(settings: SmtpSettings, env: Mapping[str, str] = os.environ) -> str:
    """Connect, secure and log in as the config says, then quit: what `tip doctor --smtp`
    reports. Any failure is the `SendError` line `tip send` would print."""
    from tipweek.deadline import Deadline

    password = smtp_password(settings, env)
    server: smtplib.SMTP | None = None
    deadline = Deadline(settings.timeout)
    where = f"{settings.host}:{settings.effective_port}"
    try:
        with deadline.guard():
            server = _connect(settings, password, deadline)
            _quit(server)
    except OSError as exc:
        if deadline.expired:
            raise SendError(f"SMTP server {where} did not answer within {settings.timeout:g}s") from None
        raise _send_error(exc, settings) from None
    finally:
        if server is not None:
            server.close()
    login = f", logged in as {settings.username}" if settings.username else ""
    return f"{where} answered{login}"


def _watched_server(settings: SmtpSettings, deadline: Deadline, context: ssl.SSLContext) -> smtplib.SMTP:
    """An unconnected `SMTP` (or `SMTP_SSL`) whose socket the deadline can shut down: it is
    handed to the deadline before any byte is read, TLS handshake included."""
    import smtplib
    import socket

    def open_socket(server: smtplib.SMTP, host: str, port: int) -> socket.socket:
        raw = socket.create_connection((host, port), deadline.remaining(), server.source_address)
        deadline.watch(raw.fileno())
        return raw

    class Watched(smtplib.SMTP):
        def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
            return open_socket(self, host, port)

    class WatchedSSL(smtplib.SMTP_SSL):
        def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
            return self.context.wrap_socket(open_socket(self, host, port), server_hostname=host)

    if settings.security == "ssl":
        return WatchedSSL(timeout=deadline.remaining(), context=context)
    return Watched(timeout=deadline.remaining())


def _connect(settings: SmtpSettings, password: str | None, deadline: Deadline) -> smtplib.SMTP:
    """A connection to the server, secured and logged in as the config says."""
    import ssl

    context = ssl.create_default_context()
    server = _watched_server(settings, deadline, context)
    server.connect(settings.host, settings.effective_port)
    if settings.security == "starttls":
        server.starttls(context=context)
    if settings.username:
        server.login(settings.username, password or "")
    return server


def _send_error(exc: OSError, settings: SmtpSettings) -> SendError:
    """One line for a failure before the server accepted the message."""
    import smtplib

    where = f"{settings.host}:{settings.effective_port}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return SendError(
            f"login to {where} as {shown(settings.username)} failed: {_reply(exc.smtp_code, exc.smtp_error)}",
            hint="check smtp.username and the password variable",
        )
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return SendError(f"{where} refused every recipient: {_refusals(exc.recipients)}")
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return SendError(
            f"{where} refused the sender {exc.sender}: {_reply(exc.smtp_code, exc.smtp_error)}",
            hint="check --from or [export] from in the config",
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return SendError(f"{where}: {exc}", hint="check smtp.security in the config")
    if isinstance(exc, smtplib.SMTPServerDisconnected) and not isinstance(exc.__context__, TimeoutError):
        return SendError(f"{where} closed the connection: {str(exc) or 'no reason given'}")
    if isinstance(exc, smtplib.SMTPResponseException):  # connect, HELO, data refused…
        return SendError(f"{where} refused the message: {_reply(exc.smtp_code, exc.smtp_error)}")
    if isinstance(exc, smtplib.SMTPException) and not isinstance(exc, smtplib.SMTPServerDisconnected):
        return SendError(f"sending through {where} failed: {exc}")
    return _connection_error(exc, settings, where)


def _connection_error(exc: OSError, settings: SmtpSettings, where: str) -> SendError:
    """One line for a failure to reach the server, secure the connection, or hear back."""
    import smtplib
    import socket
    import ssl

    if isinstance(exc, ssl.SSLError):
        return SendError(
            f"TLS with {where} failed: {exc.reason or exc}",
            hint="check smtp.security and smtp.port in the config",
        )
    if isinstance(exc, (TimeoutError, smtplib.SMTPServerDisconnected)):  # smtplib wraps a read that timed out
        return SendError(f"SMTP server {where} did not answer within {settings.timeout:g}s")
    if isinstance(exc, ConnectionRefusedError):
        return SendError(
            f"cannot connect to SMTP server {where}: connection refused",
            hint="check smtp.host and smtp.port in the config",
        )
    if isinstance(exc, socket.gaierror):
        return SendError(
            f"cannot connect to SMTP server {where}: unknown host", hint="check smtp.host in the config"
        )
    return SendError(f"cannot connect to SMTP server {where}: {exc.strerror or exc}")


def _quit(server: smtplib.SMTP) -> None:
    """QUIT politely; the message is already accepted, so a failure here changes nothing."""
    import contextlib
    import smtplib

    with contextlib.suppress(smtplib.SMTPException, OSError):
        server.quit()


def deliver(
    message: EmailMessage,
    recipients: Sequence[str],
    settings: SmtpSettings,
    *,
    log_path: Path,
    tip_ids: Sequence[str],
    env: Mapping[str, str] = os.environ,
) -> Delivery:
    """Send, then log the recipients the server accepted.

    If the server refused some recipients, the others are logged and `SendError` names the
    refused ones, so a half-sent message is never reported as sent.
    """
    from tipweek.sentlog import record_send

    if not recipients:
        raise BadInput("no recipients", hint="give --to, or set [export] to in the config")
    password = smtp_password(settings, env)
    refused = smtp_send(message, recipients, settings, password)
    accepted = tuple(r for r in recipients if r not in refused)
    log_error = ""
    try:
        record_send(log_path, tip_ids, accepted)
    except LibraryError as exc:
        log_error = str(exc)
    if refused:
        raise SendError(f"sent only to {', '.join(accepted)}; refused: {_refusals(refused)}", hint=log_error)
    return Delivery(accepted, log_error)
