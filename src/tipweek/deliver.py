"""`tip deliver`: one tip to every destination in the config, each at most once.

The destinations are the email recipients of `[export] to` (sent through `[smtp]`) and every
`[channels.NAME]` with `deliver = true`. Before anything goes out, the one delivery log
(`sentlog`) says where the tip already is: a recipient or channel that has it is skipped,
whichever command took it there, so running the same cron job twice, or after a failure,
delivers only what is missing. One destination failing never stops the others.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from tipweek.errors import TipError

if TYPE_CHECKING:
    from tipweek.chat import Posting
    from tipweek.config import Config
    from tipweek.model import Tip

DELIVERED, SKIPPED, FAILED, WOULD = "delivered", "skipped", "failed", "would deliver"


@dataclass(frozen=True)
class Result:
    where: str  # "email to team@example.org", "Slack channel 'front-desk'"
    status: str  # DELIVERED, SKIPPED, FAILED or WOULD (a dry run)
    detail: str = ""


def _failure(where: str, error: TipError) -> Result:
    return Result(where, FAILED, f"{error.message} ({error.hint})" if error.hint else error.message)


def _email(
    tip: Tip,
    config: Config,
    have: Mapping[str, str],
    *,
    log_path: Path,
    env: Mapping[str, str],
    dry_run: bool,
    force: bool,
) -> Result:
    from tipweek import mail
    from tipweek.exporters import ExportOptions

    options = replace(ExportOptions.from_config(config), unsent=False)
    try:
        outgoing = mail.prepare([tip], options, (), log_path=log_path)
    except TipError as exc:
        return _failure("email", exc)
    where = "email to " + ", ".join(outgoing.recipients)
    missing = [r for r in outgoing.recipients if force or r.lower() not in have]
    if not missing:
        return Result(
            where, SKIPPED, f"already delivered ({max(have[r.lower()] for r in outgoing.recipients)})"
        )
    if dry_run:
        return Result(where, WOULD, f"to {len(missing)} of {len(outgoing.recipients)} recipient(s)")
    try:
        sent = mail.deliver(
            outgoing.message, missing, config.smtp, log_path=log_path, tip_ids=outgoing.tip_ids, env=env
        )
    except TipError as exc:
        return _failure(where, exc)
    note = f"; warning: {sent.log_error}" if sent.log_error else ""
    return Result(where, DELIVERED, f"to {len(sent.accepted)} recipient(s){note}")


def _chat(
    posting: Posting,
    have: Mapping[str, str],
    *,
    log_path: Path,
    env: Mapping[str, str],
    dry_run: bool,
    force: bool,
    sleep: Callable[[float], None],
) -> Result:
    from tipweek import chat

    where = posting.where
    when = have.get(chat.destination(posting.settings.name))
    if when and not force:
        return Result(where, SKIPPED, f"already delivered ({when})")
    if dry_run:
        variable = posting.settings.url_env
        missing = "" if env.get(variable, "").strip() else f"but environment variable {variable} is not set"
        return Result(where, WOULD, missing)
    try:
        warning = chat.send(posting, env=env, log_path=log_path, sleep=sleep)
    except TipError as exc:
        return _failure(where, exc)
    return Result(where, DELIVERED, f"warning: {warning}" if warning else "")


def deliver(
    tip: Tip,
    label: str,
    config: Config,
    *,
    log_path: Path,
    env: Mapping[str, str] = os.environ,
    dry_run: bool = False,
    force: bool = False,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Result]:
    """Deliver `tip` wherever the config says and it is not yet; [] when nothing is configured."""
    from tipweek import chat
    from tipweek.sentlog import delivered_to

    have = delivered_to(log_path, tip.id)
    results = []
    if config.to:
        results.append(_email(tip, config, have, log_path=log_path, env=env, dry_run=dry_run, force=force))
    channels = [c for c in config.channels if c.deliver]
    postings = chat.prepare(tip, label, channels, site_url=config.site.base_url, log_path=log_path)
    for posting in postings:
        results.append(
            _chat(posting, have, log_path=log_path, env=env, dry_run=dry_run, force=force, sleep=sleep)
        )
    return results
