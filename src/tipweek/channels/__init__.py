"""Chat channels: each kind of chat is one module that turns a tip into its webhook's JSON.

A channel module has `KIND` (the `kind = "..."` of a `[channels.NAME]` table), `TITLE` (for
messages) and `payload(post) -> dict`, the body its platform documents for incoming webhooks.
`MODULES` is the registry: adding a chat means adding one module here and one line there. It
names modules rather than importing them, so reading a config with channels (every command
does) costs nothing; a module is imported when a payload is built. Sending is the same for all
of them (`channels.http.post_json`), and so is the delivery log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

from tipweek.text import one_line

if TYPE_CHECKING:
    from tipweek.channels._markup import Dialect
    from tipweek.model import Tip

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
    from tipweek.exporters._shared import long_date

    parts = [long_date(tip.date), ", ".join(one_line(c) for c in tip.categories)]
    return " · ".join(p for p in parts if p)


def rest_note(post: Post) -> str:
    """What follows a cut body when there is no link: how to read the rest in a terminal."""
    return f"The rest of this tip: tip show {post.tip.id}"


def markdown_body(post: Post, room: int, dialect: Dialect, excerpt_note: str) -> list[str]:
    """The paragraphs of a Markdown-speaking platform's message: the body cut to `room` at a
    paragraph, or the blurb of an excerpt with `excerpt_note`; then the link to the whole tip,
    or how to read the rest in a terminal."""
    from tipweek.channels._markup import blocks, fit

    tip, escape = post.tip, dialect.escape
    body, cut = fit(blocks(tip.body, dialect), room, "\n\n", escape)
    if tip.excerpt or not body:
        body, cut = [escape(one_line(tip.blurb))], tip.excerpt
    if tip.excerpt:
        body.append(excerpt_note)
    if cut and post.url:
        body.append(f"[Read the whole tip]({post.url})")
    elif cut and not tip.excerpt:
        body.append(escape(rest_note(post)))
    return body


def fallback(post: Post) -> str:
    """One line for notifications and clients that cannot show the formatted message."""
    tip = post.tip
    line = f"{one_line(post.label)}: {one_line(tip.title)}"
    return f"{line} — {one_line(tip.takeaway)}" if tip.takeaway else line


#: Every chat kind (`kind = "..."` in the config) and the module in this package that writes
#: its payload: the one place a platform is registered.
MODULES: dict[str, str] = {
    "slack": "slack",
    "teams": "teams",
    "discord": "discord",
    "mattermost": "mattermost",
    "google-chat": "google_chat",
    "webhook": "webhook",
}
KINDS: tuple[str, ...] = tuple(MODULES)


def module(kind: str) -> ModuleType:
    """The module of a chat kind (a key of `MODULES`)."""
    import importlib

    return importlib.import_module(f"tipweek.channels.{MODULES[kind]}")


def payload(kind: str, post: Post) -> dict[str, Any]:
    """The JSON body for a channel of `kind`."""
    build: Callable[[Post], dict[str, Any]] = module(kind).payload
    return build(post)
