"""Microsoft Teams, through a Workflows webhook ("Post to a channel when a webhook request is
received"): an Adaptive Card in a message attachment.

The body is `{"type": "message", "attachments": [{"contentType":
"application/vnd.microsoft.card.adaptive", "content": <card>}]}`; the card is version 1.4
(what Teams renders everywhere) with wrapped TextBlocks, the takeaway in an emphasis
container and an Action.OpenUrl to the site when there is one. Teams refuses messages over
about 28 KB, so the card is kept well below (`SIZE_MAX`). TextBlocks understand a small
Markdown subset (bold, italic, lists, links) and never HTML, so tip text cannot inject markup.
"""

from __future__ import annotations

import json
from typing import Any

from tipweek.channels import READABLE_BODY, Post, fallback, meta_line, rest_note
from tipweek.channels._markup import Dialect, blocks, fit
from tipweek.text import one_line

KIND = "teams"
TITLE = "Microsoft Teams"
CARD_VERSION = "1.4"
SIZE_MAX = 24_000  # bytes of JSON; Teams' limit is about 28 KB
MARKDOWN = Dialect(strong="**{}**", em="_{}_", code="{}", link="[{text}]({url})", heading="**{}**", quote="")


def text(value: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": value, "wrap": True, **style}


def card(post: Post, body: list[str], cut: bool) -> dict[str, Any]:
    tip = post.tip
    items: list[dict[str, Any]] = [
        text(one_line(post.label).upper(), size="Small", weight="Bolder", color="Accent", spacing="None"),
        text(one_line(tip.title), size="Large", weight="Bolder"),  # (style "heading" needs 1.5)
        text(meta_line(tip), isSubtle=True, spacing="None"),
    ]
    if tip.takeaway:
        items.append(
            {
                "type": "Container",
                "style": "emphasis",
                "items": [text(f"**Takeaway:** {one_line(tip.takeaway)}")],
            }
        )
    items.extend(text(b) for b in body)
    if tip.excerpt:
        items.append(text("_Excerpt: only the start of this tip is known._", isSubtle=True))
    elif cut and not post.url:
        items.append(text(rest_note(post), isSubtle=True))
    content: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": CARD_VERSION,
        "fallbackText": fallback(post),
        "msteams": {"width": "Full"},
        "body": items,
    }
    if post.url:
        content["actions"] = [{"type": "Action.OpenUrl", "title": "Read the whole tip", "url": post.url}]
    return content


def payload(post: Post) -> dict[str, Any]:
    tip = post.tip
    limit = READABLE_BODY
    while True:
        body, cut = fit(blocks(tip.body, MARKDOWN), limit, "\n\n", lambda s: s)
        if tip.excerpt or not body:
            body, cut = [one_line(tip.blurb)], tip.excerpt
        message = {
            "type": "message",
            "attachments": [
                {
                    "contentType": "application/vnd.microsoft.card.adaptive",
                    "contentUrl": None,
                    "content": card(post, body, cut),
                }
            ],
        }
        if len(json.dumps(message).encode("utf-8")) <= SIZE_MAX or limit < 200:
            return message
        limit //= 2  # escaped non-Latin text can be several bytes a character
