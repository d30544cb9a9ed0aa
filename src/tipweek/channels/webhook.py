"""Any other webhook: a plain JSON body with the whole tip, for scripts and automation tools.

`{"event": "tip", "label": ..., "url": ..., "text": ..., "tip": {...}}` where `tip` is the
object every `--json` command prints and `text` a one-line summary for tools that only show
text. Nothing is cut: the receiving end decides what to show.
"""

from __future__ import annotations

from typing import Any

from tipweek.channels import Post, fallback

KIND = "webhook"
TITLE = "webhook"


def payload(post: Post) -> dict[str, Any]:
    return {
        "event": "tip",
        "label": post.label,
        "url": post.url or None,
        "text": fallback(post),
        "tip": post.tip.to_json(),
    }
