"""Posting a tip to the chat channels of the config, and logging each post in the one delivery log.

A channel is a `[channels.NAME]` table (`config.ChannelSettings`): its kind picks the payload
module (`channels.MODULES`), and its webhook URL is read from the environment variable it names,
only when something is really posted (a dry run needs no secret). A post that went through is
logged as delivered to `chat:NAME`, so `tip post`, `tip deliver` and a rerun of either all
know it is there.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tipweek.errors import BadInput, LibraryError, SendError
from tipweek.text import shown

if TYPE_CHECKING:
    from tipweek.channels import Post
    from tipweek.config import ChannelSettings, Config
    from tipweek.model import Tip


def destination(name: str) -> str:
    """How the delivery log names a chat channel (never mistaken for an email address)."""
    return f"chat:{name.lower()}"


def describe(settings: ChannelSettings) -> str:
    from tipweek.channels import module

    return f"{module(settings.kind).TITLE} channel '{shown(settings.name)}'"


def find_channels(config: Config, names: Sequence[str]) -> list[ChannelSettings]:
    """The channels named (in the config's order), or every channel with `deliver = true`."""
    listed = ", ".join(c.name for c in config.channels)
    if not names:
        chosen = [c for c in config.channels if c.deliver]
        if not chosen:
            raise BadInput(
                "no chat channel to post to",
                hint="add a [channels.NAME] table with kind and url_env to the config, or give --to",
            )
        return chosen
    known = {c.name.lower(): c for c in config.channels}
    for name in names:
        if name.lower() not in known:
            raise BadInput(
                f"no channel '{shown(name)}' in the config",
                hint=f"channels: {listed}" if listed else "add [channels.NAME] with kind and url_env",
            )
    wanted = {n.lower() for n in names}
    return [c for c in config.channels if c.name.lower() in wanted]


def webhook_url(settings: ChannelSettings, env: Mapping[str, str] = os.environ) -> str:
    url = env.get(settings.url_env, "").strip()
    if not url:
        raise SendError(
            f"environment variable {shown(settings.url_env)} is not set",
            hint=f"it must hold the webhook URL of {describe(settings)}",
        )
    return url


def tip_page(site_url: str, tip: Tip) -> str:
    """The tip's page on the published site, or "" when the config gives no site address."""
    if not site_url.strip():
        return ""
    from tipweek.site import base_url
    from tipweek.site.pages import tip_path

    return base_url(site_url) + tip_path(tip)


@dataclass(frozen=True)
class Posting:
    """One tip on its way to one channel: the payload, and when it got there before."""

    settings: ChannelSettings
    post: Post
    payload: dict[str, Any]
    earlier: tuple[str, ...]

    @property
    def where(self) -> str:
        return describe(self.settings)


def prepare(
    tip: Tip, label: str, channels: Sequence[ChannelSettings], *, site_url: str, log_path: Path
) -> list[Posting]:
    from tipweek.channels import Post, payload
    from tipweek.sentlog import already_sent

    post = Post(tip, label, tip_page(site_url, tip))
    return [
        Posting(c, post, payload(c.kind, post), tuple(already_sent(log_path, tip.id, [destination(c.name)])))
        for c in channels
    ]


def send(
    posting: Posting,
    *,
    env: Mapping[str, str] = os.environ,
    log_path: Path,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Post, then log it; returns a warning if the log could not be written (the post is out)."""
    from tipweek.channels.http import RetryPolicy, post_json
    from tipweek.sentlog import record_send

    settings = posting.settings
    policy = RetryPolicy(attempts=settings.attempts, timeout=settings.timeout)
    post_json(webhook_url(settings, env), posting.payload, where=posting.where, policy=policy, sleep=sleep)
    try:
        record_send(log_path, [posting.post.tip.id], [destination(settings.name)])
    except LibraryError as exc:
        return str(exc)
    return ""
