"""Tips as an email message: a ready-to-edit draft (.eml) that Outlook, Apple Mail and
Thunderbird open as a new message, and the very message `tip send` sends.

Every header value is folded to one line first, so text from a tip can never start a new
header. Addresses are parsed once, here, and handed on with the message.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from tipweek.errors import BadInput
from tipweek.exporters.base import ExportFormat
from tipweek.model import Tip
from tipweek.text import one_line, shown

if TYPE_CHECKING:
    from email.headerregistry import Address
    from email.message import EmailMessage

    from tipweek.exporters.base import ExportOptions

#: Fields a subject template may use.
SUBJECT_FIELDS = ("title", "id", "date", "count")
# ASCII addresses only: they work with every server without the SMTPUTF8 extension.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_ADDR_SPEC = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})*")


# --- addresses -----------------------------------------------------------------------------


def _address(name: str, addr: str, value: str, hint: str) -> Address:
    from email.errors import HeaderParseError
    from email.headerregistry import Address

    # The parser glues stray words onto addresses ('a@b.org junk' -> 'a@b.orgjunk'):
    # an address that does not appear as written is not what the user meant.
    if not _ADDR_SPEC.fullmatch(addr) or addr not in value or len(addr) > 254:
        raise BadInput(f"not an email address: '{shown(addr or value)}'", hint=hint)
    try:
        return Address(display_name=one_line(name), addr_spec=addr)
    except (ValueError, IndexError, HeaderParseError):
        raise BadInput(f"not an email address: '{shown(value)}'", hint=hint) from None


def parse_addresses(values: Iterable[str], option: str) -> list[Address]:
    """Every address in `values`; one value may hold several, comma-separated.

    A comma inside quotes belongs to the name (`"Doe, Jane" <jane@example.org>` is one
    address). Anything that is not a plain `name@domain` address is `BadInput` naming the
    option it came from.
    """
    from email.utils import getaddresses

    hint = f"check {option}: write name@example.org or 'Name <name@example.org>'"
    found: list[Address] = []
    for value in values:
        if not value.strip() or "\r" in value or "\n" in value:
            raise BadInput(f"not an email address: '{shown(value)}'", hint=hint)
        found += [_address(name, addr, value, hint) for name, addr in getaddresses([value])]
    return found


class Addresses(NamedTuple):
    """The header addresses of a message, parsed and checked."""

    sender: Address
    to: list[Address]
    cc: list[Address]


def addresses_for(options: ExportOptions) -> Addresses:
    senders = parse_addresses([options.sender], "--from or [export] from")
    if len(senders) != 1:
        raise BadInput(f"--from must be one address, not {len(senders)}")
    return Addresses(
        senders[0], parse_addresses(options.to, "--to or [export] to"), parse_addresses(options.cc, "--cc")
    )


# --- the message ---------------------------------------------------------------------------


def _fill(template: str, values: dict[str, str]) -> str:
    import string

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
    return "".join(out)


def subject_for(tips: Sequence[Tip], options: ExportOptions) -> str:
    """The subject template filled in and folded to one line (never a header break)."""
    template = options.digest_subject if options.digest and len(tips) > 1 else options.subject
    first = tips[0]
    values = {
        "title": one_line(first.title),
        "id": first.id,
        "date": first.iso_date or "",
        "count": str(len(tips)),
    }
    subject = one_line(_fill(template, values))
    if not subject:
        raise BadInput("the subject is empty", hint="give --subject some text")
    return subject


def build_message(
    tips: Sequence[Tip], options: ExportOptions, addresses: Addresses | None = None
) -> EmailMessage:
    """A multipart/alternative message (text and HTML, both UTF-8) with every header set.

    Raises `BadInput` for a bad address or subject; never lets a header error escape.
    """
    import email.policy
    from email.errors import MessageError
    from email.message import EmailMessage

    addresses = addresses or addresses_for(options)
    message = EmailMessage(policy=email.policy.SMTP)
    try:
        _set_headers(message, tips, options, addresses)
        _set_bodies(message, tips, options)
    except (ValueError, TypeError, IndexError, MessageError) as exc:
        raise BadInput(f"cannot build the message: {one_line(str(exc))}") from None
    return message


def _set_headers(
    message: EmailMessage, tips: Sequence[Tip], options: ExportOptions, addresses: Addresses
) -> None:
    from email.utils import format_datetime, make_msgid

    when = options.when or dt.datetime.now().astimezone()
    message["Subject"] = subject_for(tips, options)
    message["From"] = addresses.sender
    if addresses.to:
        message["To"] = addresses.to
    if addresses.cc:
        message["Cc"] = addresses.cc
    message["Date"] = format_datetime(when if when.tzinfo else when.astimezone())
    # The sender's domain, not socket.getfqdn(): no DNS lookup, and no local host name leaked.
    message["Message-ID"] = make_msgid(idstring="tipweek", domain=addresses.sender.domain)
    if options.unsent:
        message["X-Unsent"] = "1"


def _set_bodies(message: EmailMessage, tips: Sequence[Tip], options: ExportOptions) -> None:
    from tipweek.exporters import html, text

    message.set_content(text.render(tips, options), subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(
        html.render(tips, options), subtype="html", charset="utf-8", cte="quoted-printable"
    )


def message_bytes(message: EmailMessage, *, linesep: str = "\r\n") -> bytes:
    """The message as bytes: CRLF line ends (RFC 5322) for files and SMTP, LF for a terminal."""
    return message.as_bytes(policy=message.policy.clone(linesep=linesep))


def export(tips: Sequence[Tip], options: ExportOptions) -> bytes:
    return message_bytes(build_message(tips, options))


FORMAT = ExportFormat("eml", (), "message/rfc822", export)
