"""Posting JSON to a webhook: bounded time-outs, a retry policy, and one clear line on failure.

The policy, and why:
- 2xx is success.
- 429 (rate limited): wait what the server asks (`Retry-After` in seconds or as a date, or
  Discord's `retry_after` in the JSON body) and try again, unless that is longer than
  `max_wait`: then fail at once and say when to try again, rather than hang a cron job.
- 500, 502, 503, 504, and failures to connect: the post did not arrive; wait (1 s, 2 s, … or
  `Retry-After`) and try again, `attempts` times in all.
- Other 4xx: the platform refused this payload or the address; trying again cannot help.
- No answer within `timeout` after the request was sent: the post may have arrived, so it is
  not sent again (a duplicate in a team channel is worse than one missing post, which the
  delivery log lets the next run catch up).
Messages never contain the webhook URL: its path is the secret that lets anyone post.
Redirects are not followed, so the payload only ever goes where the config says.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tipweek.errors import BadInput, SendError
from tipweek.text import one_line, shown

RETRY_STATUSES = (500, 502, 503, 504)
LOOPBACK = ("127.0.0.1", "::1", "localhost")


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    timeout: float = 10.0  # seconds for connecting and for each read
    backoff: float = 1.0  # first wait after a failure; doubled each time
    max_wait: float = 60.0  # the longest Retry-After that is waited for


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    attempts: int


def check_url(url: str, where: str) -> str:
    """The URL if it is https (or http to this machine, for tests and local relays)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme == "https" and host:
        return url.strip()
    if parts.scheme == "http" and host in LOOPBACK:
        return url.strip()
    raise BadInput(
        f"{where}: the webhook address must start with https://",
        hint="copy the webhook URL from the chat's integration settings",
    )


def _retry_after(headers: Any, body: bytes) -> float | None:
    """Seconds the server asked to wait, from the header or a JSON body (Discord); None if not said."""
    value = (headers.get("Retry-After") if headers else None) or ""
    if value.strip():
        try:
            return max(float(value), 0.0)
        except ValueError:
            from email.utils import parsedate_to_datetime

            try:
                return max(parsedate_to_datetime(value).timestamp() - time.time(), 0.0)
            except (TypeError, ValueError, IndexError):
                pass
    try:
        data = json.loads(body or b"null")
    except ValueError:
        return None
    seconds = data.get("retry_after") if isinstance(data, dict) else None
    return max(float(seconds), 0.0) if isinstance(seconds, int | float) else None


def _reason(body: bytes) -> str:
    """The platform's own words for a refusal (Slack: `invalid_blocks`; Discord: a JSON message)."""
    text = body[:2000].decode("utf-8", "replace")
    try:
        data = json.loads(text)
    except ValueError:
        return shown(text, 120)
    if isinstance(data, dict):
        for key in ("message", "error", "text", "detail"):
            if isinstance(data.get(key), str | dict):
                return shown(one_line(str(data[key])), 120)
    return shown(one_line(text), 120)


class _NoRedirects:
    """urllib handler hook: a redirect is an answer like any other, never followed."""

    @staticmethod
    def opener() -> Any:
        import urllib.request

        class Refuse(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: Any, **kwargs: Any) -> None:
                return None

        return urllib.request.build_opener(Refuse)


def _attempt(url: str, data: bytes, timeout: float) -> tuple[int, Any, bytes]:
    """One POST; returns (status, headers, body) for any HTTP answer; raises OSError otherwise."""
    import urllib.error
    import urllib.request

    from tipweek import __version__

    request = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": f"tipweek/{__version__}"},
    )
    try:
        with _NoRedirects.opener().open(request, timeout=timeout) as answer:
            return answer.status, answer.headers, answer.read(65536)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read(65536)


def _try_once(url: str, data: bytes, where: str, timeout: float) -> tuple[int, Any, bytes] | str:
    """One POST: the answer, or what went wrong before anything was sent (safe to try again)."""
    import urllib.error

    try:
        return _attempt(url, data, timeout)
    except urllib.error.URLError as error:  # nothing was sent
        return f"cannot connect: {one_line(str(getattr(error.reason, 'strerror', None) or error.reason))}"
    except TimeoutError:
        raise SendError(
            f"{where} did not answer within {timeout:g}s; the post may or may not have arrived",
            hint="not sent again, to avoid a duplicate; check the channel",
        ) from None
    except OSError as error:
        return f"connection failed: {one_line(str(error.strerror or error))}"


def _judge(
    status: int, headers: Any, body: bytes, where: str, policy: RetryPolicy, wait: float
) -> tuple[str, float]:
    """For an answer that is not a success: what to report, and how long to wait before trying
    again; raises `SendError` when trying again cannot help."""
    asked = _retry_after(headers, body)
    if status == 429:
        if asked is not None and asked > policy.max_wait:
            raise SendError(
                f"{where} is rate limited (HTTP 429): try again in {asked:.0f}s", hint="nothing was posted"
            )
        return "rate limited (HTTP 429)", asked if asked is not None else wait
    if status in RETRY_STATUSES:
        return f"HTTP {status} {_reason(body)}".rstrip(), min(
            asked, policy.max_wait
        ) if asked is not None else wait
    raise SendError(f"{where} refused the post: HTTP {status} {_reason(body)}".rstrip())


def post_json(
    url: str,
    payload: dict[str, Any],
    *,
    where: str,
    policy: RetryPolicy = RetryPolicy(),
    sleep: Callable[[float], None] = time.sleep,
) -> Response:
    """POST `payload` as JSON with the retry policy above; raises `SendError` in one line."""
    url = check_url(url, where)
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    wait = policy.backoff
    problem = ""
    for attempt in range(1, policy.attempts + 1):
        answer = _try_once(url, data, where, policy.timeout)
        if isinstance(answer, str):
            problem = answer
        elif 200 <= answer[0] < 300:
            return Response(answer[0], answer[2], attempt)
        else:
            problem, wait = _judge(*answer, where, policy, wait)
        if attempt < policy.attempts:
            sleep(wait)
            wait = max(wait * 2, policy.backoff)
    raise SendError(f"{where}: {problem} after {policy.attempts} attempts", hint="nothing was posted")
