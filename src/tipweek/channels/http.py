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
  delivery log lets the next run catch up). `timeout` bounds each attempt as a whole
  (`deadline.Deadline`, as for SMTP): a server that trickles its answer a byte at a time is
  cut off when the time is up, not only one that stops.
Messages never contain the webhook URL: its path is the secret that lets anyone post.
Redirects are not followed, so the payload only ever goes where the config says.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tipweek.errors import BadInput, SendError
from tipweek.text import one_line, shown

if TYPE_CHECKING:
    from tipweek.deadline import Deadline

RETRY_STATUSES = (500, 502, 503, 504)
LOOPBACK = ("127.0.0.1", "::1", "localhost")


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    timeout: float = 10.0  # seconds for each attempt: connecting, sending and the whole answer
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


def _opener(deadline: Deadline) -> Any:
    """A urllib opener that follows no redirect (a redirect is an answer like any other) and
    hands each connection's socket to `deadline` as soon as it is connected, before any byte
    is sent or read (the TLS handshake included)."""
    import socket
    import urllib.request

    def open_socket(address: tuple[str, int], timeout: float, source_address: Any = None) -> socket.socket:
        raw = socket.create_connection(address, deadline.remaining(), source_address)
        deadline.watch(raw.fileno())
        return raw

    class Watch:
        def do_open(self, http_class: Any, req: Any, **kwargs: Any) -> Any:
            def connection(*args: Any, **options: Any) -> Any:
                made: Any = http_class(*args, **options)
                made._create_connection = open_socket
                return made

            return super().do_open(connection, req, **kwargs)  # type: ignore[misc]

    class Http(Watch, urllib.request.HTTPHandler):
        pass

    class Https(Watch, urllib.request.HTTPSHandler):
        pass

    class Refuse(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    return urllib.request.build_opener(Refuse, Http, Https)


def _attempt(url: str, data: bytes, deadline: Deadline) -> tuple[int, Any, bytes]:
    """One POST within `deadline`; returns (status, headers, body) for any HTTP answer; raises
    otherwise. The answer is closed only after the guard ends, so the timer never touches a
    descriptor that was closed (and perhaps reused)."""
    import urllib.error
    import urllib.request
    from contextlib import ExitStack

    from tipweek import __version__

    request = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": f"tipweek/{__version__}"},
    )
    with ExitStack() as closing, deadline.guard():
        try:
            answer = _opener(deadline).open(request, timeout=deadline.remaining())
        except urllib.error.HTTPError as error:
            answer = error
        closing.callback(answer.close)
        return answer.getcode(), answer.headers, answer.read(65536)


def _try_once(url: str, data: bytes, where: str, timeout: float) -> tuple[int, Any, bytes] | str:
    """One POST: the answer, or what went wrong before anything was sent (safe to try again)."""
    import http.client
    import urllib.error

    from tipweek.deadline import Deadline

    deadline = Deadline(timeout)
    try:
        return _attempt(url, data, deadline)
    except urllib.error.URLError as error:  # nothing was sent
        if deadline.expired:  # a server that trickles its TLS handshake, say
            return f"cannot connect: no connection within {timeout:g}s"
        return f"cannot connect: {one_line(str(getattr(error.reason, 'strerror', None) or error.reason))}"
    except (OSError, http.client.HTTPException) as error:
        if deadline.expired or isinstance(error, TimeoutError):
            raise SendError(
                f"{where} did not answer within {timeout:g}s; the post may or may not have arrived",
                hint="not sent again, to avoid a duplicate; check the channel",
            ) from None
        why = getattr(error, "strerror", None) or str(error) or type(error).__name__
        return f"connection failed: {shown(one_line(why), 120)}"


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
    tries = "1 attempt" if policy.attempts == 1 else f"{policy.attempts} attempts"
    raise SendError(f"{where}: {problem} after {tries}", hint="nothing was posted")
