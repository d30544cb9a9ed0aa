"""Mattermost incoming webhooks: Slack-compatible message attachments.

One attachment with `fallback` (required: the line notifications show), the accent colour,
the week as `pretext`, the title (linked to the site when it has an address), the body as
Markdown in `text`, the takeaway as a field and the date and categories as `footer`.
Mattermost renders Markdown and turns `@name`, `@channel` and `@all` into mentions, so tip
text is escaped and every `@` gets a word joiner after it: a tip never notifies anyone.
A post holds at most 16,383 characters (`POST_MAX`).
"""

from __future__ import annotations

import re
from typing import Any

from tipweek.channels import ACCENT, READABLE_BODY, Post, fallback, markdown_body, meta_line
from tipweek.channels._markup import Dialect
from tipweek.text import one_line

KIND = "mattermost"
TITLE = "Mattermost"
POST_MAX = 16_383
_SPECIAL = re.compile(r"([\\*_~`|<>\[\]#])")


def escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text).replace("@", "@\u2060")


MARKDOWN = Dialect(
    escape=escape, strong="**{}**", em="_{}_", code="`{}`", link="[{text}]({url})", heading="**{}**"
)


def payload(post: Post) -> dict[str, Any]:
    tip = post.tip
    body = markdown_body(post, READABLE_BODY, MARKDOWN, "_Excerpt: only the start of this tip is known._")
    attachment: dict[str, Any] = {
        "fallback": fallback(post).replace("@", "@\u2060"),
        "color": ACCENT,
        "pretext": escape(one_line(post.label)),
        "title": one_line(tip.title).replace("@", "@\u2060"),
        "text": "\n\n".join(body),
        "footer": meta_line(tip).replace("@", "@\u2060"),
    }
    if post.url:
        attachment["title_link"] = post.url
    if tip.takeaway:
        attachment["fields"] = [
            {"short": False, "title": "Takeaway", "value": escape(one_line(tip.takeaway))}
        ]
    return {"attachments": [attachment]}
