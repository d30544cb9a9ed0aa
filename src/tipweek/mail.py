"""Tips as email: building the message, sending it over SMTP, and the log of what was sent.

The same message serves `export --format eml` (a draft, marked `X-Unsent: 1`) and `send`.
Every header value is folded to one line first, so text from a tip can never start a new
header. The send log (`sent.log` in the data folder) has one tab-separated line per message
that went out: an ISO timestamp, the tip ids (comma-separated) and the recipients that the
server accepted (comma-separated, lower-case). It only ever lists what was really sent.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tipweek.errors import BadInput, LibraryError, SendError
from tipweek.text import one_line, shown

if TYPE_CHECKING:
    from email.headerregistry import Address
    from email.message import EmailMessage

    from tipweek.config import SmtpSettings
    from tipweek.exporters import ExportOptions
    from tipweek.model import Tip

#: Fields a subject template may use.
SUBJECT_FIELDS = ("title", "id", "date", "count")
# ASCII addresses only: they work with every server without the SMTPUTF8 extension.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_ADDR_SPEC = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})*")


# --- addresses -----------------------------------------------------------------------------


def parse_addresses(values: Iterable[str], option: str) -> list[Address]:
    """Every address in `values`; one value may hold several, comma-separated.

    A comma inside quotes belongs to the name (`"Doe, Jane" <jane@example.org>` is one
    address). Anything that is not a plain `name@domain` address is `BadInput` naming the
    option it came from.
    """
    from email.errors import HeaderParseError
    from email.headerregistry import Address
    from email.utils import getaddresses

    hint = f"check {option}: write name@example.org or 'Name <name@example.org>'"
    found: list[Address] = []
    for value in values:
        if not value.strip() or "\r" in value or "\n" in value:
            raise BadInput(f"not an email address: '{shown(value)}'", hint=hint)
        for name, addr in getaddresses([value]):
            # The parser glues stray words onto addresses ('a@b.org junk' -> 'a@b.orgjunk'):
            # an address that does not appear as written is not what the user meant.
            if not _ADDR_SPEC.fullmatch(addr) or addr not in value or len(addr) > 254:
                raise BadInput(f"not an email address: '{shown(addr or value)}'", hint=hint)
            try:
                found.append(Address(display_name=one_line(name), addr_spec=addr))
            except (ValueError, IndexError, HeaderParseError):
                raise BadInput(f"not an email address: '{shown(value)}'", hint=hint) from None
    return found


def unique_recipients(*groups: Sequence[Address]) -> list[str]:
    """The envelope recipients: every address once (ignoring case), in the order given."""
    seen: dict[str, str] = {}
    for group in groups:
        for address in group:
            seen.setdefault(address.addr_spec.lower(), address.addr_spec)
    return list(seen.values())


# --- the message ---------------------------------------------------------------------------


def subject_for(tips: Sequence[Tip], options: ExportOptions) -> str:
    """The subject template filled in and folded to one line (never a header break)."""
    import string

    template = options.digest_subject if options.digest and len(tips) > 1 else options.subject
    first = tips[0]
    values = {
        "title": one_line(first.title),
        "id": first.id,
        "date": first.iso_date or "",
        "count": str(len(tips)),
    }
    hint = "fields: " + ", ".join(f"{{{f}}}" for f in SUBJECT_FIELDS)
    out: list[str] = []
    try:
        for literal, field, spec, _conversion in string.Formatter().parse(template):
            out.append(literal)
            if field is None:
                continue
            if field not in values:
                raise BadInput(f"unknown field '{{{shown(field)}}}' in the subject", hint=hint)
            out.append(format(values[field], spec or ""))
    except ValueError as exc:
        raise BadInput(f"bad subject template '{shown(template)}': {exc}", hint=hint) from None
    subject = one_line("".join(out))
    if not subject:
        raise BadInput("the subject is empty", hint="give --subject some text")
    return subject


def build_message(tips: Sequence[Tip], options: ExportOptions) -> EmailMessage:
    """A multipart/alternative message (text and HTML, both UTF-8) with every header set.

    Raises `BadInput` for a bad address or subject; never lets a header error escape.
    """
    import email.policy
    from email.errors import MessageError
    from email.message import EmailMessage
    from email.utils import format_datetime, make_msgid

    from tipweek.exporters import html, text

    senders = parse_addresses([options.sender], "--from or [export] from")
    if len(senders) != 1:
        raise BadInput(f"--from must be one address, not {len(senders)}")
    to = parse_addresses(options.to, "--to or [export] to")
    cc = parse_addresses(options.cc, "--cc")
    when = options.when or dt.datetime.now().astimezone()
    message = EmailMessage(policy=email.policy.SMTP)
    try:
        message["Subject"] = subject_for(tips, options)
        message["From"] = senders[0]
        if to:
            message["To"] = to
        if cc:
            message["Cc"] = cc
        message["Date"] = format_datetime(when if when.tzinfo else when.astimezone())
        # The sender's domain, not socket.getfqdn(): no DNS lookup, and no local host name leaked.
        message["Message-ID"] = make_msgid(idstring="tipweek", domain=senders[0].domain)
        if options.unsent:
            message["X-Unsent"] = "1"
        message.set_content(
            text.render(tips, options), subtype="plain", charset="utf-8", cte="quoted-printable"
        )
        message.add_alternative(
            html.render(tips, options), subtype="html", charset="utf-8", cte="quoted-printable"
        )
    except (ValueError, TypeError, IndexError, MessageError) as exc:
        raise BadInput(f"cannot build the message: {one_line(str(exc))}") from None
    return message


def message_bytes(message: EmailMessage, *, linesep: str = "\r\n") -> bytes:
    """The message as bytes: CRLF line ends (RFC 5322) for files and SMTP, LF for a terminal."""
    return message.as_bytes(policy=message.policy.clone(linesep=linesep))


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
    import smtplib
    import socket
    import ssl

    host, port = settings.host, settings.effective_port
    where = f"{host}:{port}"
    senders = message["From"].addresses if message["From"] else ()
    if not senders:
        raise SendError("the message has no sender")
    sender_addr = str(senders[0].addr_spec)
    server: smtplib.SMTP | None = None
    try:
        context = ssl.create_default_context()
        if settings.security == "ssl":
            server = smtplib.SMTP_SSL(host, port, timeout=settings.timeout, context=context)
        else:
            server = smtplib.SMTP(host, port, timeout=settings.timeout)
        if settings.security == "starttls":
            server.starttls(context=context)
        if settings.username:
            server.login(settings.username, password or "")
        return server.send_message(message, from_addr=sender_addr, to_addrs=list(recipients))
    except smtplib.SMTPAuthenticationError as exc:
        raise SendError(
            f"login to {where} as {shown(settings.username)} failed: {_reply(exc.smtp_code, exc.smtp_error)}",
            hint="check smtp.username and the password variable",
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise SendError(f"{where} refused every recipient: {_refusals(exc.recipients)}") from None
    except smtplib.SMTPSenderRefused as exc:
        raise SendError(
            f"{where} refused the sender {exc.sender}: {_reply(exc.smtp_code, exc.smtp_error)}",
            hint="check --from or [export] from in the config",
        ) from None
    except smtplib.SMTPNotSupportedError as exc:
        raise SendError(f"{where}: {exc}", hint="check smtp.security in the config") from None
    except smtplib.SMTPServerDisconnected as exc:
        if isinstance(exc.__context__, TimeoutError):  # smtplib wraps a read that timed out
            raise SendError(f"SMTP server {where} did not answer within {settings.timeout:g}s") from None
        raise SendError(f"{where} closed the connection: {str(exc) or 'no reason given'}") from None
    except smtplib.SMTPResponseException as exc:  # connect, HELO, data refused…
        raise SendError(f"{where} refused the message: {_reply(exc.smtp_code, exc.smtp_error)}") from None
    except smtplib.SMTPException as exc:
        raise SendError(f"sending through {where} failed: {exc}") from None
    except ssl.SSLError as exc:
        raise SendError(
            f"TLS with {where} failed: {exc.reason or exc}",
            hint="check smtp.security and smtp.port in the config",
        ) from None
    except TimeoutError:
        raise SendError(f"SMTP server {where} did not answer within {settings.timeout:g}s") from None
    except ConnectionRefusedError:
        raise SendError(
            f"cannot connect to SMTP server {where}: connection refused",
            hint="check smtp.host and smtp.port in the config",
        ) from None
    except socket.gaierror:
        raise SendError(
            f"cannot connect to SMTP server {where}: unknown host", hint="check smtp.host in the config"
        ) from None
    except OSError as exc:
        raise SendError(f"cannot connect to SMTP server {where}: {exc.strerror or exc}") from None
    finally:
        if server is not None:
            _close(server)


def _close(server: object) -> None:
    """QUIT politely; the message is already accepted, so a failure here changes nothing."""
    import contextlib
    import smtplib

    assert isinstance(server, smtplib.SMTP)
    with contextlib.suppress(smtplib.SMTPException, OSError):
        server.quit()
    server.close()


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


# --- the send log --------------------------------------------------------------------------


@dataclass(frozen=True)
class SendRecord:
    when: str
    tip_ids: tuple[str, ...]
    recipients: frozenset[str]


def normalise_recipients(recipients: Iterable[str]) -> frozenset[str]:
    """Recipients as compared in the log: bare addresses, lower-case, names dropped."""
    from email.utils import getaddresses

    return frozenset(addr.strip().lower() for _, addr in getaddresses(list(recipients)) if addr.strip())


def record_send(
    log_path: Path, tip_ids: Sequence[str], recipients: Iterable[str], when: dt.datetime | None = None
) -> None:
    """Append one line for a message that went out."""
    stamp = (when or dt.datetime.now().astimezone()).isoformat(timespec="seconds")
    line = "\t".join([stamp, ",".join(tip_ids), ",".join(sorted(normalise_recipients(recipients)))])
    try:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(log_path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
    except OSError as exc:
        raise LibraryError(f"cannot write the send log {log_path}: {exc.strerror or exc}") from None


def read_log(log_path: Path) -> list[SendRecord]:
    """Every well-formed line of the send log, oldest first; a missing log is empty."""
    try:
        text = Path(log_path).read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise LibraryError(f"cannot read the send log {log_path}: {exc.strerror or exc}") from None
    records = []
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) != 3 or not parts[0] or not parts[1]:
            continue
        records.append(
            SendRecord(parts[0], tuple(parts[1].split(",")), frozenset(r for r in parts[2].split(",") if r))
        )
    return records


def already_sent(log_path: Path, tip_id: str, recipients: Iterable[str] | None = None) -> list[str]:
    """When (ISO timestamps, oldest first) this tip went out before, alone or in a digest.

    With `recipients`, only sends to exactly that set of addresses count (case and display
    names ignored); with None, a send to anyone counts.
    """
    wanted = None if recipients is None else normalise_recipients(recipients)
    return [
        r.when
        for r in read_log(log_path)
        if tip_id in r.tip_ids and (wanted is None or r.recipients == wanted)
    ]


def digest_sent(log_path: Path, tip_ids: Sequence[str], recipients: Iterable[str]) -> list[str]:
    """When a message with exactly these tips went to exactly these recipients before."""
    wanted = normalise_recipients(recipients)
    ids = set(tip_ids)
    return [r.when for r in read_log(log_path) if set(r.tip_ids) == ids and r.recipients == wanted]
