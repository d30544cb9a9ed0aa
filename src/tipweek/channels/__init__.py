"""Chat channels: each kind of chat is one module that turns a tip into its webhook's JSON.

A channel module has `KIND` (the `kind = "..."` of a `[channels.NAME]` table), `TITLE` (for
messages) and `payload(post) -> dict`, the body its platform documents for incoming webhooks.
`KINDS` is the registry the config and the commands look kinds up in; adding a chat means
adding one module here and one line in `_registry`. Sending is the same for all of them
(`channels.http.post_json`), and so is the delivery log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from tipweek.exporters._shared import long_date
from tipweek.model import Tip
from tipweek.text import one_line

#: What every chat post shows at most of the body: a tip should read in a minute. Longer tips
#: are cut between paragraphs, with a link to the whole tip when the site has an address.
READABLE_BODY = 3000
ACCENT = "#0b4f6c"  # the site's and the HTML email's header colour


@dataclass(frozen=True)
class Post:
    """A tip on its way to a channel: the heading it goes under and its page on the site."""

    tip: Tip
    label: str = "Tip of the week"  # "Tip of the week 2026-W48"
    url: str = ""  # the tip's page on the site, "" when there is no site address


def meta_line(tip: Tip) -> str:
    """`Tuesday 24 November 2026 · Retail, Empathy` as plain text."""
    parts = [long_date(tip.date), ", ".join(one_line(c) for c in tip.categories)]
    return " · ".join(p for p in parts if p)


def rest_note(post: Post) -> str:
    """What follows a cut body when there is no link: how to read the rest in a terminal."""
    return f"The rest of this tip: tip show {post.tip.id}"


def fallback(post: Post) -> str:
    """One line for notifications and clients that cannot show the formatted message."""
    tip = post.tip
    line = f"{one_line(post.label)}: {one_line(tip.title)}"
    return f"{line} — {one_line(tip.takeaway)}" if tip.takeaway else line


def _registry() -> dict[str, ModuleType]:
    from tipweek.channels import discord, google_chat, mattermost, slack, teams, webhook

    return {m.KIND: m for m in (slack, teams, discord, mattermost, google_chat, webhook)}


KINDS: dict[str, ModuleType] = _registry()


def payload(kind: str, post: Post) -> dict[str, Any]:
    """The JSON body for a channel of `kind` (a key of `KINDS`)."""
    build: Callable[[Post], dict[str, Any]] = KINDS[kind].payload
    return build(post)
