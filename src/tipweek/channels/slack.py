"""Slack incoming webhooks: a Block Kit message.

A header block with the title (plain text, at most 150 characters), a section with the
takeaway, the body as mrkdwn sections (at most 3,000 characters each, and at most 50 blocks
in all), then a context line with the week, date and categories. `text` is the notification
and screen-reader line Slack asks for alongside blocks. In mrkdwn only `&`, `<` and `>` are
special; escaping them is also what keeps `<!channel>` in a tip from notifying anyone.
"""

from __future__ import annotations

from typing import Any

from tipweek.channels import READABLE_BODY, Post, fallback, meta_line, rest_note
from tipweek.channels._markup import Dialect, blocks, fit, shorten
from tipweek.text import one_line

KIND = "slack"
TITLE = "Slack"
HEADER_MAX = 150
SECTION_MAX = 3000
BLOCKS_MAX = 50
CONTEXT_MAX = 10  # elements in a context block


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _url(url: str) -> str:
    return escape(url).replace("|", "%7C")


MRKDWN = Dialect(
    escape=escape,
    strong="*{}*",
    em="_{}_",
    code="`{}`",
    link="<{url}|{text}>",
    url=_url,
    heading="*{}*",
    quote="> ",
)


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_MAX]}}


def payload(post: Post) -> dict[str, Any]:
    tip = post.tip
    body, cut = fit(blocks(tip.body, MRKDWN), READABLE_BODY, "\n\n", escape)
    if tip.excerpt or not body:
        body, cut = [escape(one_line(tip.blurb))], tip.excerpt
    more = f"<{_url(post.url)}|Read the whole tip>" if post.url else escape(rest_note(post))
    out: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": shorten(one_line(tip.title), HEADER_MAX)}},
    ]
    if tip.takeaway:
        out.append(section(f":bulb: *Takeaway:* {escape(one_line(tip.takeaway))}"))
    out.append({"type": "divider"})
    room = BLOCKS_MAX - len(out) - 2  # the note and the context line
    out.extend(section(text) for text in body[:room])
    if cut or len(body) > room:
        out.append(
            section(("_Excerpt: only the start of this tip is known._ " if tip.excerpt else "…  ") + more)
        )
    elif post.url:
        out.append(section(more))
    context = [f"*{escape(one_line(post.label))}*", escape(meta_line(tip))]
    out.append({"type": "context", "elements": [{"type": "mrkdwn", "text": t} for t in context if t]})
    return {"text": fallback(post), "blocks": out, "unfurl_links": False, "unfurl_media": False}
