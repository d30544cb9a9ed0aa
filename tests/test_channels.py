"""Chat channels: each platform's payload against its documented structure and limits, and the
webhook poster against a real HTTP server on 127.0.0.1 (200, 400, 429, 500, a hang, a refusal)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from tests.conftest import Script

from tipweek.channels import KINDS, Post, payload
from tipweek.channels.http import RetryPolicy, post_json
from tipweek.errors import BadInput, SendError
from tipweek.library import LibrarySource, bundled_path, load
from tipweek.model import Tip

URL = "https://tips.example.org/team/tips/the-tip.html"
LABEL = "Tip of the week 2026-W48"


def bundled() -> list[Tip]:
    return load([LibrarySource("bundled", bundled_path())]).tips


def make_tip(**changes: Any) -> Tip:
    base = Tip(
        id="the-tip",
        title="Answer the Second Question Too",
        categories=("Retail", "Empathy"),
        summary="People often ask two things at once.",
        takeaway="Answer both questions, in the order they were asked.",
        body="First paragraph with **bold** and a [link](https://example.org/a).\n\n- one\n- two",
        tags=("questions",),
    )
    return base.with_changes(**changes)


LONG_BODY = "\n\n".join(f"Paragraph {n}: " + "words that keep going " * 20 for n in range(1, 41))
HOSTILE = make_tip(
    title='<script>alert(1)</script> @channel <!channel> @everyone "quotes" & more',
    takeaway="<b>bold?</b> @here <@123> [x](javascript:alert(2))",
    body=(
        "Tell @all about <!everyone> and <@U123>.\n\n"
        "<img src=x onerror=alert(3)> **Really** [click](javascript:alert(4)) [ok](https://ok.example/)\n\n"
        "Stars *like* _these_ and `code` | pipes > arrows"
    ),
    categories=("<i>Cat</i>",),
)


def texts(value: Any) -> Iterator[str]:
    """Every string anywhere in a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from texts(item)


def size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False).encode("utf-8"))


# --- documented structure and limits, one checker per platform ---------------------------------


def check_slack(p: dict[str, Any]) -> None:
    assert isinstance(p["text"], str) and p["text"]  # the notification line Slack asks for
    blocks = p["blocks"]
    assert 1 <= len(blocks) <= 50
    assert blocks[0]["type"] == "header"
    assert blocks[0]["text"]["type"] == "plain_text" and len(blocks[0]["text"]["text"]) <= 150
    for block in blocks:
        assert block["type"] in {"header", "section", "divider", "context"}
        if block["type"] == "section":
            assert block["text"]["type"] == "mrkdwn" and 0 < len(block["text"]["text"]) <= 3000
        if block["type"] == "context":
            assert 1 <= len(block["elements"]) <= 10
            assert all(len(e["text"]) <= 3000 for e in block["elements"])
    assert any("Takeaway" in b.get("text", {}).get("text", "") for b in blocks if b["type"] == "section")


def check_teams(p: dict[str, Any]) -> None:
    assert p["type"] == "message"
    (attachment,) = p["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    assert card["version"] in {"1.2", "1.3", "1.4", "1.5"}
    for item in card["body"]:
        assert item["type"] in {"TextBlock", "Container"}
        for block in [item] if item["type"] == "TextBlock" else item["items"]:
            assert block["type"] == "TextBlock" and block["wrap"] is True and block["text"]
    for action in card.get("actions", []):
        assert action["type"] == "Action.OpenUrl" and action["url"].startswith("https://")
    assert size(p) <= 28_000


def check_discord(p: dict[str, Any]) -> None:
    assert p["allowed_mentions"] == {"parse": []}
    assert 1 <= len(p["embeds"]) <= 10
    total = 0
    for embed in p["embeds"]:
        assert len(embed["title"]) <= 256
        assert len(embed["description"]) <= 4096
        assert 0 <= embed["color"] <= 0xFFFFFF
        assert len(embed.get("fields", [])) <= 25
        for f in embed.get("fields", []):
            assert len(f["name"]) <= 256 and 0 < len(f["value"]) <= 1024
        assert len(embed["footer"]["text"]) <= 2048
        total += len(embed["title"]) + len(embed["description"]) + len(embed["footer"]["text"])
        total += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
    assert total <= 6000
    assert len(p.get("content", "")) <= 2000


def check_mattermost(p: dict[str, Any]) -> None:
    (attachment,) = p["attachments"]
    assert attachment["fallback"]  # required
    assert attachment["color"].startswith("#")
    assert attachment["title"] and attachment["text"]
    for f in attachment.get("fields", []):
        assert set(f) == {"short", "title", "value"}
    assert sum(len(t) for t in texts(p)) <= 16_383


def check_google_chat(p: dict[str, Any]) -> None:
    assert p["fallbackText"]
    (card_with_id,) = p["cardsV2"]
    assert card_with_id["cardId"]
    card = card_with_id["card"]
    assert card["header"]["title"]
    widgets = [w for s in card["sections"] for w in s["widgets"]]
    assert 1 <= len(widgets) <= 100
    for widget in widgets:
        (kind,) = widget
        assert kind in {"textParagraph", "decoratedText", "buttonList"}
    assert size(p) <= 32_000


def check_webhook(p: dict[str, Any]) -> None:
    assert p["event"] == "tip" and p["text"] and isinstance(p["tip"], dict)


CHECKS = {
    "slack": check_slack,
    "teams": check_teams,
    "discord": check_discord,
    "mattermost": check_mattermost,
    "google-chat": check_google_chat,
    "webhook": check_webhook,
}


def test_every_kind_has_a_checker() -> None:
    assert set(CHECKS) == set(KINDS)


@pytest.mark.parametrize("kind", list(CHECKS))
@pytest.mark.parametrize("url", [URL, ""])
def test_every_bundled_tip_gives_a_valid_payload(kind: str, url: str) -> None:
    for tip in bundled():
        CHECKS[kind](payload(kind, Post(tip, LABEL, url)))


@pytest.mark.parametrize("kind", list(CHECKS))
def test_long_and_hostile_tips_stay_within_limits(kind: str) -> None:
    for tip in (make_tip(body=LONG_BODY), HOSTILE, make_tip(body="word " * 6000), make_tip(title="T" * 900)):
        for url in (URL, ""):
            CHECKS[kind](payload(kind, Post(tip, LABEL, url)))


def visible(kind: str, p: dict[str, Any]) -> str:
    return "\n".join(texts(p))


@pytest.mark.parametrize("kind", ["slack", "teams", "discord", "mattermost", "google-chat"])
def test_a_long_tip_is_cut_at_a_paragraph_with_a_link_to_the_whole_tip(kind: str) -> None:
    tip = make_tip(body=LONG_BODY)
    with_site = visible(kind, payload(kind, Post(tip, LABEL, URL)))
    assert "Paragraph 1:" in with_site and "Paragraph 40:" not in with_site
    last = max(n for n in range(1, 41) if f"Paragraph {n}:" in with_site)
    assert ("words that keep going " * 20).strip() in with_site.split(f"Paragraph {last}:")[1]  # whole
    assert "Read the whole tip" in with_site and URL in with_site
    without = visible(kind, payload(kind, Post(tip, LABEL, "")))
    assert "tip show the-tip" in without and "Read the whole tip" not in without


@pytest.mark.parametrize("kind", ["slack", "teams", "discord", "mattermost", "google-chat"])
def test_a_short_tip_is_posted_whole(kind: str) -> None:
    text = visible(kind, payload(kind, Post(make_tip(), LABEL, "")))
    assert "First paragraph with" in text and "two" in text
    assert "tip show" not in text
    assert "Answer both questions, in the order they were asked." in text


def test_slack_escapes_markup_and_broadcasts() -> None:
    p = payload("slack", Post(HOSTILE, LABEL, URL))
    mrkdwn = [b["text"]["text"] for b in p["blocks"] if b["type"] == "section"]
    joined = "\n".join(mrkdwn)
    assert "<!channel>" not in joined and "<!everyone>" not in joined and "<@U123>" not in joined
    assert "&lt;!everyone&gt;" in joined
    assert "<https://ok.example/|ok>" in joined and "javascript:" not in joined.replace("(javascript:", "")
    assert p["blocks"][0]["text"]["text"].startswith("<script>")  # plain_text shows markup as text


def test_discord_never_mentions_anyone_and_escapes_markdown() -> None:
    p = payload("discord", Post(HOSTILE, LABEL, URL))
    assert p["allowed_mentions"] == {"parse": []}
    description = p["embeds"][0]["description"]
    assert "\\<@U123\\>" in description and "\\<!everyone\\>" in description
    assert "\\| pipes \\> arrows" in description and "\\[click\\](javascript:" in description
    assert "*like*" in description and "`code`" in description  # the tip's own emphasis and code
    assert "[ok](https://ok.example/)" in description


def test_mattermost_breaks_every_mention() -> None:
    p = payload("mattermost", Post(HOSTILE, LABEL, URL))
    for text in texts(p):
        for word in ("@channel", "@all", "@here", "@everyone"):
            assert word not in text


def test_google_chat_escapes_html() -> None:
    p = payload("google-chat", Post(HOSTILE, LABEL, URL))
    widgets = [w for s in p["cardsV2"][0]["card"]["sections"] for w in s["widgets"]]
    paragraphs = [w["textParagraph"]["text"] for w in widgets if "textParagraph" in w]
    decorated = [w["decoratedText"]["text"] for w in widgets if "decoratedText" in w]
    for text in paragraphs + decorated:  # the fields Chat reads as HTML
        assert "<script" not in text and "<img" not in text and "<i>Cat" not in text and "<b>bold" not in text
    assert any('<a href="https://ok.example/">ok</a>' in t for t in paragraphs)
    assert any("&lt;img src=x" in t for t in paragraphs)


def test_excerpts_are_marked_in_chat() -> None:
    tip = make_tip(excerpt=True, body="", summary="Only the first lines are known.")
    for kind in ("slack", "teams", "discord", "mattermost", "google-chat"):
        text = visible(kind, payload(kind, Post(tip, LABEL, URL)))
        assert "Only the first lines are known." in text and "Excerpt" in text, kind


def test_plain_webhook_carries_the_whole_tip() -> None:
    tip = make_tip(body=LONG_BODY)
    p = payload("webhook", Post(tip, LABEL, URL))
    assert p["tip"] == tip.to_json() and p["url"] == URL and p["label"] == LABEL


# --- the poster against a real server ------------------------------------------------------


FAST = RetryPolicy(attempts=3, timeout=0.5, backoff=1.0, max_wait=60)


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def post(url: str, sleeps: Sleeps, policy: RetryPolicy = FAST) -> Any:
    return post_json(url, {"text": "hello ✓"}, where="slack channel 'team'", policy=policy, sleep=sleeps)


def test_200_posts_once_as_json(webhook: tuple[str, Script]) -> None:
    url, script = webhook
    script.answers = [(200, {}, b"ok")]
    sleeps = Sleeps()
    response = post(url, sleeps)
    assert response.status == 200 and response.attempts == 1 and sleeps == []
    (request,) = script.requests
    assert request["path"] == "/hooks/SECRET-TOKEN"
    assert request["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(request["body"]) == {"text": "hello ✓"}


def test_400_is_refused_at_once_with_the_platforms_reason(webhook: tuple[str, Script]) -> None:
    url, script = webhook
    script.answers = [(400, {}, b"invalid_blocks")]
    with pytest.raises(SendError) as caught:
        post(url, Sleeps())
    assert str(caught.value) == "slack channel 'team' refused the post: HTTP 400 invalid_blocks"
    assert len(script.requests) == 1
    assert "SECRET-TOKEN" not in str(caught.value)


def test_429_waits_as_asked_then_posts(webhook: tuple[str, Script]) -> None:
    url, script = webhook
    script.answers = [(429, {"Retry-After": "2"}, b"rate_limited"), (200, {}, b"ok")]
    sleeps = Sleeps()
    assert post(url, sleeps).attempts == 2
    assert sleeps == [2.0]
    assert len(script.requests) == 2


def test_429_with_discords_json_retry_after(webhook: tuple[str, Script]) -> None:
    url, script = webhook
    body = json.dumps({"message": "You are being rate limited.", "retry_after": 0.75, "global": False})
    script.answers = [(429, {"Content-Type": "application/json"}, body.encode()), (204, {}, b"")]
    sleeps = Sleeps()
    assert post(url, sleeps).status == 204
    assert sleeps == [0.75]


def test_429_asking_for_too_long_fails_at_once(webhook: tuple[str, Script]) -> None:
    url, script = webhook
    script.answers = [(429, {"Retry-After": "3600"}, b"")]
    sleeps = Sleeps()
    with pytest.raises(SendError) as caught:
        post(url, sleeps)
    assert "rate limited (HTTP 429): try again in 3600s" in str(caught.value)
    assert sleeps == [] and len(script.requests) == 1


def test_500s_are_retried_with_backoff_then_reported(webhook: tuple[str, Script]) -> None:
    url, script = webhook
    script.answers = [(500, {}, b"oops")]
    sleeps = Sleeps()
    with pytest.raises(SendError) as caught:
        post(url, sleeps)
    assert str(caught.value) == ("slack channel 'team': HTTP 500 oops after 3 attempts (nothing was posted)")
    assert sleeps == [1.0, 2.0] and len(script.requests) == 3


def test_a_503_then_success(webhook: tuple[str, Script]) -> None:
    url, script = webhook
    script.answers = [(503, {"Retry-After": "1"}, b"busy"), (200, {}, b"ok")]
    sleeps = Sleeps()
    assert post(url, sleeps).attempts == 2 and sleeps == [1.0]


def test_a_server_that_hangs_is_given_up_on_and_not_posted_to_again(webhook: tuple[str, Script]) -> None:
    url, script = webhook
    script.answers = [(0, {}, b"")]
    with pytest.raises(SendError) as caught:
        post(url, Sleeps(), RetryPolicy(attempts=3, timeout=0.3))
    assert "did not answer within 0.3s; the post may or may not have arrived" in str(caught.value)
    assert len(script.requests) == 1


def test_a_server_that_trickles_its_answer_is_cut_off_at_the_timeout(webhook: tuple[str, Script]) -> None:
    # A byte every 0.2 s never trips a per-read timeout; the whole answer would take 9 s and
    # say 204, so the post fails only if the attempt as a whole is bounded by `timeout`.
    url, script = webhook
    script.answers = [(-1, {}, b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")]
    with pytest.raises(SendError) as caught:
        post(url, Sleeps(), RetryPolicy(attempts=3, timeout=1.0))
    assert str(caught.value) == (
        "slack channel 'team' did not answer within 1s; the post may or may not have arrived"
        " (not sent again, to avoid a duplicate; check the channel)"
    )
    (request,) = script.requests
    assert json.loads(request["body"]) == {"text": "hello ✓"}


def test_a_tls_handshake_that_trickles_is_cut_off_at_the_timeout() -> None:
    # https to a server that answers the handshake a byte every 0.2 s: nothing was sent yet,
    # so it counts as not connecting (and may be tried again), not as a post that may be out.
    import socket
    import threading

    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))

    def trickle() -> None:
        conn, _ = listener.accept()
        with conn:
            for _ in range(40):  # 8 s at most, so a regression fails rather than hangs
                if stop.wait(0.2):
                    return
                try:
                    conn.sendall(b"\x16")
                except OSError:
                    return

    threading.Thread(target=trickle, daemon=True).start()
    try:
        with pytest.raises(SendError) as caught:
            post(
                f"https://127.0.0.1:{listener.getsockname()[1]}/hooks/x",
                Sleeps(),
                RetryPolicy(1, timeout=1.0),
            )
    finally:
        stop.set()
        listener.close()
    assert str(caught.value) == (
        "slack channel 'team': cannot connect: no connection within 1s after 1 attempt (nothing was posted)"
    )


def test_redirects_are_not_followed(webhook: tuple[str, Script]) -> None:
    url, script = webhook
    script.answers = [(302, {"Location": "https://elsewhere.example/collect"}, b"")]
    with pytest.raises(SendError, match="HTTP 302"):
        post(url, Sleeps())
    assert len(script.requests) == 1


def test_nothing_listening_is_retried_then_reported() -> None:
    import socket

    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeps = Sleeps()
    with pytest.raises(SendError) as caught:
        post(f"http://127.0.0.1:{port}/hooks/SECRET-TOKEN", sleeps)
    assert "cannot connect" in str(caught.value) and "after 3 attempts" in str(caught.value)
    assert sleeps == [1.0, 2.0]
    assert "SECRET-TOKEN" not in str(caught.value)


@pytest.mark.parametrize(
    "url", ["http://hooks.example.com/x", "ftp://127.0.0.1/x", "hooks.slack.com/services/T0/B0/X", "https://"]
)
def test_only_https_or_this_machine(url: str) -> None:
    with pytest.raises(BadInput) as caught:
        post(url, Sleeps())
    assert "must start with https://" in str(caught.value)
    assert "services/T0" not in str(caught.value)


# --- [channels.NAME] in the config -----------------------------------------------------------


def test_channels_are_read_from_the_config(tmp_path) -> None:
    from tipweek.config import ChannelSettings, load_config

    path = tmp_path / "config.toml"
    path.write_text(
        '[channels.front-desk]\nkind = "slack"\nurl_env = "TIP_SLACK_URL"\n\n'
        '[channels.leads]\nkind = "teams"\nurl_env = "TIP_TEAMS_URL"\n'
        "deliver = false\ntimeout = 5\nattempts = 2\n"
    )
    assert load_config(path).channels == (
        ChannelSettings("front-desk", "slack", "TIP_SLACK_URL"),
        ChannelSettings("leads", "teams", "TIP_TEAMS_URL", deliver=False, timeout=5, attempts=2),
    )


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('kind = "slack"\nurl = "https://hooks.slack.com/services/T/B/X"', "never store a webhook URL"),
        (
            'kind = "irc"\nurl_env = "X"',
            "channels.team.kind: must be one of slack, teams, discord, mattermost, google-chat",
        ),
        ('kind = "slack"', "channels.team.url_env: is required: the name of the environment variable"),
        (
            'kind = "slack"\nurl_env = "X"\ntimeout = 0',
            "channels.team.timeout: must be a number of seconds from 1",
        ),
        (
            'kind = "slack"\nurl_env = "X"\ndeliver = "yes"',
            'channels.team.deliver: must be true or false, not "yes"',
        ),
    ],
)
def test_bad_channel_tables_are_one_clear_error(tmp_path, table: str, message: str) -> None:
    from tipweek.config import load_config
    from tipweek.errors import LibraryError

    path = tmp_path / "config.toml"
    path.write_text(f"[channels.team]\n{table}\n")
    with pytest.raises(LibraryError) as caught:
        load_config(path)
    assert message in str(caught.value)
    assert "hooks.slack.com" not in str(caught.value)


def test_each_registered_module_says_its_own_kind() -> None:
    from tipweek.channels import MODULES, module

    for kind in MODULES:
        assert kind == module(kind).KIND and module(kind).TITLE
