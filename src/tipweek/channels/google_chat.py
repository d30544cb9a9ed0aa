"""Google Chat incoming webhooks: a card message (`cardsV2`).

The card's header has the title and the week; a decoratedText widget holds the takeaway,
textParagraph widgets the body (one per paragraph), and a button opens the tip on the site
when it has an address. Card text is a small HTML subset (`<b>`, `<i>`, `<a href>`, `<br>`),
so tip text is HTML-escaped. `fallbackText` is what notifications show. A message holds at
most 32,000 bytes and a card at most 100 widgets (`SIZE_MAX`, `WIDGETS_MAX`).
"""

from __future__ import annotations

import html
import json
from typing import Any

from tipweek.channels import READABLE_BODY, Post, fallback, meta_line, rest_note
from tipweek.channels._markup import Dialect, blocks, fit
from tipweek.text import one_line

KIND = "google-chat"
TITLE = "Google Chat"
SIZE_MAX = 32_000
WIDGETS_MAX = 100


def escape(text: str) -> str:
    return html.escape(text, quote=False)


CARD_HTML = Dialect(
    escape=escape,
    strong="<b>{}</b>",
    em="<i>{}</i>",
    code="{}",
    link='<a href="{url}">{text}</a>',
    url=lambda url: html.escape(url, quote=True),
    heading="<b>{}</b>",
    newline="<br>",
    quote="│ ",
    pre="{}",
)


def _paragraph(text: str) -> dict[str, Any]:
    return {"textParagraph": {"text": text}}


def payload(post: Post) -> dict[str, Any]:
    tip = post.tip
    body, cut = fit(blocks(tip.body, CARD_HTML), READABLE_BODY, "", escape)
    if tip.excerpt or not body:
        body, cut = [escape(one_line(tip.blurb))], tip.excerpt
    widgets = [_paragraph(b) for b in body[: WIDGETS_MAX - 4]]
    if tip.excerpt:
        widgets.append(_paragraph("<i>Excerpt: only the start of this tip is known.</i>"))
    elif cut and not post.url:
        widgets.append(_paragraph(escape(rest_note(post))))
    sections: list[dict[str, Any]] = []
    if tip.takeaway:
        sections.append(
            {
                "widgets": [
                    {
                        "decoratedText": {
                            "topLabel": "Takeaway",
                            "text": f"<b>{escape(one_line(tip.takeaway))}</b>",
                            "wrapText": True,
                        }
                    }
                ]
            }
        )
    sections.append({"widgets": widgets})
    if post.url:
        button = {"text": "Read the whole tip", "onClick": {"openLink": {"url": post.url}}}
        sections.append({"widgets": [{"buttonList": {"buttons": [button]}}]})
    card = {
        "header": {"title": one_line(tip.title), "subtitle": f"{one_line(post.label)} · {meta_line(tip)}"},
        "sections": sections,
    }
    message = {"fallbackText": fallback(post), "cardsV2": [{"cardId": f"tip-{tip.id}"[:64], "card": card}]}
    if len(json.dumps(message).encode("utf-8")) > SIZE_MAX:  # only for pathological tips
        card["sections"] = [s for s in sections if s["widgets"] is not widgets] + [{"widgets": widgets[:3]}]
    return message
