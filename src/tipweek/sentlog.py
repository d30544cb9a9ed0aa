"""The one log of what went out, whatever the channel (email today).

`sent.log` in the data folder has one tab-separated line per delivery: an ISO timestamp,
the tip ids (comma-separated) and the recipients that accepted it (comma-separated,
lower-case). It only ever lists what was really delivered, so "already sent" checks
(`tip send`, `tip week --unsent`) can trust it. Email recipients are bare addresses; another
channel names its destination in a way that cannot be mistaken for one (`chat:team`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tipweek.errors import LibraryError

MAX_LOG_BYTES = 100_000_000  # about a million deliveries


@dataclass(frozen=True)
class SendRecord:
    when: str
    tip_ids: tuple[str, ...]
    recipients: frozenset[str]


def normalise_recipients(recipients: Iterable[str]) -> frozenset[str]:
    """Recipients as compared in the log: bare addresses, lower-case, names dropped; a
    destination that is not an address (`chat:team`) is kept whole, lower-case."""
    from email.utils import getaddresses

    listed = list(recipients)
    addresses = [r for r in listed if "@" in r]
    others = {r.strip().lower() for r in listed if "@" not in r and r.strip()}
    return frozenset(a.strip().lower() for _, a in getaddresses(addresses) if a.strip()) | others


def record_send(
    log_path: Path, tip_ids: Sequence[str], recipients: Iterable[str], when: dt.datetime | None = None
) -> None:
    """Append one line for a delivery that happened."""
    stamp = (when or dt.datetime.now().astimezone()).isoformat(timespec="seconds")
    line = "\t".join([stamp, ",".join(tip_ids), ",".join(sorted(normalise_recipients(recipients)))])
    from tipweek.safewrite import append_text

    try:
        append_text(log_path, line + "\n")
    except LibraryError as exc:
        raise LibraryError(f"cannot write the send log {log_path}: {exc.message}") from None


def read_log(log_path: Path) -> list[SendRecord]:
    """Every well-formed line of the send log, oldest first; a missing log is empty."""
    from tipweek.fsutil import NotRegularFile, TooLarge, read_limited

    try:
        text = read_limited(log_path, MAX_LOG_BYTES).decode("utf-8", errors="replace")
    except FileNotFoundError:
        return []
    except (NotRegularFile, TooLarge) as exc:
        raise LibraryError(f"cannot read the send log {log_path}: {exc}") from None
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


def received(log_path: Path, tip_ids: Sequence[str]) -> dict[str, str]:
    """Who already has this message, with the last time: for one tip, everyone it reached
    (alone or in a digest, by any command); for a digest, everyone a digest of exactly these
    tips reached. `tip send` skips them, so a second `--to` never re-sends to the first."""
    if len(tip_ids) == 1:
        return delivered_to(log_path, tip_ids[0])
    ids = set(tip_ids)
    found: dict[str, str] = {}
    for record in read_log(log_path):
        if set(record.tip_ids) == ids:
            found.update(dict.fromkeys(record.recipients, record.when))
    return found


def when_text(stamp: str) -> str:
    """A log time as people read it: `Tue 24 Nov 2026 at 09:12` (the stamp itself if odd)."""
    try:
        when = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return f"{when:%a %-d %b %Y at %H:%M}"


def delivered_to(log_path: Path, tip_id: str) -> dict[str, str]:
    """Every destination that already has this tip (alone or in a digest), with the last time.

    This is the per-recipient view `tip deliver` uses: a rerun delivers only where the tip has
    not arrived yet, whichever command took it there (`send`, `post` or `deliver`).
    """
    found: dict[str, str] = {}
    for record in read_log(log_path):
        if tip_id in record.tip_ids:
            for recipient in record.recipients:
                found[recipient] = record.when
    return found
