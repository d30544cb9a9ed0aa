"""Discord webhooks: one embed.

An embed's title holds at most 256 characters, its description 4,096, a field's value 1,024,
the footer 2,048, and all of an embed's text together 6,000 (`LIMITS`). The body is Discord
Markdown in the description, the takeaway a field, the week and categories the footer; the
title links to the site when it has an address. `allowed_mentions` with an empty `parse`
list means no `@everyone`, role or user mention in a tip can notify anyone.
"""

from __future__ import annotations

import re
from typing import Any

from tipweek.channels import ACCENT, READABLE_BODY, Post, markdown_body, meta_line
from tipweek.channels._markup import Dialect, shorten
from tipweek.text import one_line

KIND = "discord"
TITLE = "Discord"
LIMITS = {"title": 256, "description": 4096, "field_value": 1024, "footer": 2048, "total": 6000}
_SPECIAL = re.compile(r"([\\*_~`|<>\[\]])")


def escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


MARKDOWN = Dialect(
    escape=escape, strong="**{}**", em="*{}*", code="`{}`", link="[{text}]({url})", heading="**{}**"
)


def payload(post: Post) -> dict[str, Any]:
    tip = post.tip
    title = shorten(one_line(tip.title), LIMITS["title"])
    takeaway = shorten(one_line(tip.takeaway), LIMITS["field_value"])
    footer = shorten(f"{one_line(post.label)} · {meta_line(tip)}", 300)
    room = min(LIMITS["description"] - 200, LIMITS["total"] - len(title) - len(takeaway) - len(footer) - 300)
    body = markdown_body(
        post, min(room, READABLE_BODY), MARKDOWN, "*Excerpt: only the start of this tip is known.*"
    )
    embed: dict[str, Any] = {
        "title": title,
        "description": "\n\n".join(body),
        "color": int(ACCENT.lstrip("#"), 16),
        "footer": {"text": footer},
    }
    if post.url:
        embed["url"] = post.url
    if takeaway:
        embed["fields"] = [{"name": "Takeaway", "value": takeaway, "inline": False}]
    if tip.date:
        embed["timestamp"] = f"{tip.date.isoformat()}T12:00:00+00:00"
    return {"embeds": [embed], "allowed_mentions": {"parse": []}}
