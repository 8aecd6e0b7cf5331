"""HTTP for all sources: a persistent cache, our own rate limit, retries, time limits, offline.

- Cache: requests-cache (SQLite in the data directory, JSON-serialised — never pickle, so a
  crafted cache file cannot run code), keyed on method + URL + body + a tag header. A response
  is stored only after its body arrived complete and parsed (and, with `parse=`, validated),
  so a body cut short is never served from the cache. `offline=True` answers from the cache
  only and fails on a miss. A damaged cache file is set aside and a new one started.
- Rate limit: a `SlidingWindowLimiter` runs inside the transport adapter, so cache hits cost
  nothing and every real request counts.
- Retries: one tenacity policy (`retry_policy`) for plain and streamed requests: connection
  errors, timeouts, resets and short bodies mid-transfer, and 5xx with exponential backoff;
  429 waits the server's `Retry-After` (pausing the limiter) unless it asks for more than
  `max_retry_after` seconds, which stops with one line. `deadline` bounds one request with
  all its retries and its body (a trickling server is cut off).

Time limits come from `HttpSettings` (env `KF_HTTP_CONNECT_TIMEOUT`, `KF_HTTP_READ_TIMEOUT`,
`KF_HTTP_DEADLINE`, `KF_HTTP_ATTEMPTS`, `KF_HTTP_MAX_RETRY_AFTER`); `sleep` and `clock` are
injectable so tests run in milliseconds.
"""

from __future__ import annotations

import json
import os
import re
import socket
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
import requests_cache
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from requests_cache.backends.base import BaseCache
from requests_cache.backends.sqlite import SQLiteCache
from requests_cache.serializers import json_serializer
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)
from tenacity.stop import stop_base

from kompetens_forecast import __version__
from kompetens_forecast.errors import InvalidOptionError, OfflineError, SourceError, StoreError
from kompetens_forecast.sources.ratelimit import SlidingWindowLimiter

T = TypeVar("T")

USER_AGENT = f"kompetens-forecast/{__version__} (+https://github.com/kompetens-forecast)"
DEFAULT_RETRY_AFTER = 10.0  # seconds, when a 429 carries no usable Retry-After
CACHE_TAG_HEADER = "X-KF-Cache-Tag"
CACHE_FILE = "http_cache.sqlite"
BODY_BLOCK = 1 << 16  # bytes per read of a body; the deadline is checked between reads

#: Environment variables for the time limits, and the HttpSettings field each sets.
ENV_SETTINGS: Mapping[str, str] = {
    "KF_HTTP_CONNECT_TIMEOUT": "connect_timeout",
    "KF_HTTP_READ_TIMEOUT": "read_timeout",
    "KF_HTTP_DEADLINE": "deadline",
    "KF_HTTP_ATTEMPTS": "attempts",
    "KF_HTTP_MAX_RETRY_AFTER": "max_retry_after",
}

#: Transport failures worth another attempt: refused/reset connections, timeouts, bodies
#: broken off mid-transfer (requests wraps urllib3's ProtocolError as ChunkedEncodingError).
TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
    urllib3.exceptions.HTTPError,
    ConnectionError,
    TimeoutError,
)


@dataclass(frozen=True)
class HttpSettings:
    cache_dir: Path | None = None  # None: no persistent cache (memory only)
    offline: bool = False
    refresh: bool = False
    connect_timeout: float = 10.0
    read_timeout: float = 60.0  # per read from the socket
    deadline: float = 600.0  # per request, all attempts and the whole body included
    attempts: int = 6  # per request, for transport errors, 5xx and 429
    backoff_initial: float = 0.5
    backoff_max: float = 30.0
    max_retry_after: float = 300.0  # a longer Retry-After stops the fetch with a clear line
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False, repr=False)
    clock: Callable[[], float] = field(default=time.monotonic, compare=False, repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, /, **fields: Any) -> HttpSettings:
        """Settings with the time limits from the environment (`ENV_SETTINGS`), then `fields`."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, attribute in ENV_SETTINGS.items():
            raw = env.get(name)
            if raw is None or raw.strip() == "":
                continue
            try:
                number = int(raw) if attribute == "attempts" else float(raw)
            except ValueError:
                number = -1
            if number <= 0:
                raise InvalidOptionError(
                    f"Invalid {name}='{raw}'.",
                    "Give a positive number of seconds"
                    + (" (attempts: a whole number)." if attribute == "attempts" else "."),
                )
            values[attribute] = number
        return cls(**{**values, **fields})


_ERRNO_TEXT = re.compile(r"\[Errno -?\d+\] ([^'\")]+)")


def describe(exc: BaseException) -> str:
    """A transport error in a few words ("ConnectionError: Connection refused"), not the
    nested repr requests and urllib3 build."""
    text = str(exc)
    found = _ERRNO_TEXT.search(text)
    short = found.group(1).strip() if found else text.splitlines()[0] if text else ""
    if "timed out" in text.lower() and not found:
        short = "timed out"
    return f"{type(exc).__name__}: {short[:120]}".rstrip(": ")


class RetryableError(Exception):
    """A failed attempt worth repeating (5xx, 429, transport problem, short body)."""

    def __init__(
        self,
        message: str,
        status: int | None = None,
        retry_after: float | None = None,
        hint: str = "The server may be down or slow; try again later or use --offline "
        "(how long we wait: KF_HTTP_READ_TIMEOUT, KF_HTTP_DEADLINE).",
    ):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.hint = hint


_RetryableError = RetryableError  # the name older modules use


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """`exc` and what it wraps: requests → urllib3's MaxRetryError → its reason → the OSError."""
    todo, seen = [exc], set()
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        wrapped = [current.__cause__, current.__context__, getattr(current, "reason", None)]
        todo += [e for e in (*wrapped, *current.args) if isinstance(e, BaseException)]


def _connection_failure(exc: requests.RequestException, url: str) -> Exception:
    """A failed connection named for what it is. A failed name lookup (no network, no DNS) is
    not retried: waiting seconds does not bring the network back."""
    where = urlsplit(url).netloc or url
    causes = list(_causes(exc))
    if any(isinstance(c, socket.gaierror) for c in causes):
        return SourceError(
            f"Cannot look up {where}: no network or DNS.",
            "Check the network connection and the base URL; --offline answers from the cache.",
        )
    if isinstance(exc, requests.Timeout):
        return RetryableError(
            f"{where} did not answer in time (timeout)",
            hint="The server is slow or unreachable; try again later or use --offline.",
        )
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return RetryableError(
            f"{where} refused the connection",
            hint="Is the server up and the base URL right? --offline answers from the cache.",
        )
    return RetryableError(f"connection to {where} failed: {type(exc).__name__}: {exc}")


class RateLimitedAdapter(HTTPAdapter):
    """Transport adapter that takes a token from the limiter before every real request."""

    def __init__(self, limiter: SlidingWindowLimiter | None) -> None:
        super().__init__()
        self.limiter = limiter
        self.sent = 0

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if self.limiter is not None:
            self.limiter.acquire()
        self.sent += 1
        return super().send(request, **kwargs)


def parse_retry_after(value: str | None) -> float:
    """Seconds from a Retry-After header (delta-seconds form; dates are rare here)."""
    try:
        return max(0.0, float(value)) if value is not None else DEFAULT_RETRY_AFTER
    except ValueError:
        return DEFAULT_RETRY_AFTER


def check_retry_after(settings: HttpSettings, url: str, seconds: float) -> float:
    """`seconds` if we are willing to wait that long, else a SourceError saying so."""
    if seconds > settings.max_retry_after:
        raise SourceError(
            f"{url} asks us to wait {seconds:.0f} s (Retry-After), more than the "
            f"{settings.max_retry_after:.0f} s we wait.",
            "Try again later, or raise KF_HTTP_MAX_RETRY_AFTER.",
            status=429,
        )
    return seconds


class _PastDeadline(stop_base):
    """Stop once `settings.deadline` seconds have passed since `began` (on the settings'
    clock, which tests replace)."""

    def __init__(self, settings: HttpSettings, began: float) -> None:
        self.settings = settings
        self.began = began

    def __call__(self, retry_state: RetryCallState) -> bool:
        return self.settings.clock() - self.began >= self.settings.deadline


def retry_policy(
    settings: HttpSettings, limiter: SlidingWindowLimiter | None, *, start: float | None = None
) -> Retrying:
    """The one retry policy of every request: RetryableError is retried with exponential
    backoff (or after its Retry-After), up to `attempts` tries within `deadline` seconds."""

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RetryableError) and exc.retry_after is not None:
            if limiter is not None:
                limiter.pause(exc.retry_after)
                return 0.0  # the limiter does the waiting
            return exc.retry_after
        return float(
            wait_exponential(multiplier=settings.backoff_initial, max=settings.backoff_max)(state)
        )

    began = settings.clock() if start is None else start
    return Retrying(
        retry=retry_if_exception_type(RetryableError),
        stop=stop_after_attempt(settings.attempts) | _PastDeadline(settings, began),
        wait=wait,
        sleep=settings.sleep,
        reraise=True,
    )


def gave_up(method: str, url: str, settings: HttpSettings, exc: RetryableError) -> SourceError:
    """The one line for a request that failed on every attempt."""
    return SourceError(
        f"{method} {url} failed after {settings.attempts} attempts (within "
        f"{settings.deadline:.0f} s at most): {exc}.",
        exc.hint,
        status=exc.status,
    )


def read_body(response: requests.Response, settings: HttpSettings, until: float) -> bytes:
    """The whole body of a streamed response, read block by block so that `until` (a
    `settings.clock()` time) bounds it; a break-off or short body is a RetryableError."""
    raw = response.raw
    parts: list[bytes] = []
    try:
        while True:
            if settings.clock() > until:
                raise SourceError(
                    f"{response.url} sent its answer too slowly (over the "
                    f"{settings.deadline:.0f} s deadline).",
                    "Try again later, or raise KF_HTTP_DEADLINE.",
                )
            block = raw.read1(BODY_BLOCK, decode_content=True)
            if not block:
                break
            parts.append(block)
    except TRANSPORT_ERRORS as exc:
        raise RetryableError(f"the answer broke off: {describe(exc)}") from exc
    finally:
        response.close()
    body = b"".join(parts)
    expected = response.headers.get("Content-Length")
    encoded = response.headers.get("Content-Encoding", "identity") != "identity"
    if expected is not None and expected.isdigit() and not encoded and len(body) < int(expected):
        raise RetryableError(f"short answer: {len(body)} of {expected} bytes")
    return body


def _open_cache(cache_dir: Path) -> tuple[BaseCache, str | None]:
    """The SQLite cache in `cache_dir`; a damaged file is moved aside (note returned)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / CACHE_FILE
    note = None
    for _ in range(2):
        backend: SQLiteCache | None = None
        try:
            backend = SQLiteCache(str(path), serializer=json_serializer)
            len(backend.responses)  # reads the file: "file is not a database" shows here
            return backend, note
        except sqlite3.DatabaseError as exc:
            if backend is not None:
                backend.close()  # type: ignore[no-untyped-call]
            aside = path.with_name(f"{path.name}.damaged-{int(time.time())}")
            try:
                path.replace(aside)
            except OSError as move_error:
                raise StoreError(
                    f"The HTTP cache {path} is damaged ({exc}) and cannot be moved aside.",
                    f"Delete it ({move_error}); it holds only cached answers.",
                ) from exc
            note = f"The HTTP cache {path} was damaged ({exc}); set aside as {aside.name}."
    raise StoreError(f"The HTTP cache {path} cannot be opened.")  # pragma: no cover


class HttpClient:
    """JSON over HTTP with cache, rate limit and retries. One per data source and run."""

    def __init__(self, settings: HttpSettings, limiter: SlidingWindowLimiter | None = None) -> None:
        self.settings = settings
        self.notes: list[str] = []
        backend: BaseCache
        if settings.cache_dir is not None:
            backend, note = _open_cache(settings.cache_dir)
            self.notes += [note] if note else []
        else:
            backend = BaseCache()  # in memory
        self.session = requests_cache.CachedSession(
            backend=backend,
            allowable_methods=("GET", "POST"),
            allowable_codes=(200,),
            expire_after=requests_cache.NEVER_EXPIRE,
            stale_if_error=False,
            # The tag header is part of the cache key: data requests carry the table's `updated`
            # stamp, so a table updated upstream is fetched anew while an interrupted fetch of
            # the same version resumes from the chunks already cached.
            match_headers=[CACHE_TAG_HEADER],
        )
        self.session.headers["User-Agent"] = USER_AGENT
        self.adapter = RateLimitedAdapter(limiter)
        self.session.mount("http://", self.adapter)
        self.session.mount("https://", self.adapter)

    @property
    def limiter(self) -> SlidingWindowLimiter | None:
        return self.adapter.limiter

    @limiter.setter
    def limiter(self, limiter: SlidingWindowLimiter | None) -> None:
        self.adapter.limiter = limiter

    def close(self) -> None:
        self.session.close()  # type: ignore[no-untyped-call]

    def get_json(
        self, url: str, params: dict[str, str] | None = None, *, refresh: bool = False
    ) -> Any:
        return self._request("GET", url, params, None, refresh, None, _identity)

    def post_json(
        self,
        url: str,
        body: Any,
        params: dict[str, str] | None = None,
        *,
        refresh: bool = False,
        cache_tag: str | None = None,
    ) -> Any:
        """POST JSON; `cache_tag` (e.g. a table's `updated` stamp) is part of the cache key."""
        return self._request("POST", url, params, body, refresh, cache_tag, _identity)

    def post_parsed(
        self,
        url: str,
        body: Any,
        parse: Callable[[Any], T],
        params: dict[str, str] | None = None,
        *,
        cache_tag: str | None = None,
    ) -> T:
        """POST JSON and return `parse(document)`; the answer is cached only if `parse`
        accepted it, so a malformed answer is asked for again on the next run."""
        return self._request("POST", url, params, body, False, cache_tag, parse)

    # -- internals -------------------------------------------------------------------------
    def _request(
        self,
        method: str,
        url: str,
        params: dict[str, str] | None,
        body: Any,
        refresh: bool,
        tag: str | None,
        parse: Callable[[Any], T],
    ) -> T:
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json"} if data is not None else {}
        if tag is not None:
            headers[CACHE_TAG_HEADER] = tag
        request = self.session.prepare_request(
            requests.Request(method, url, params=params, data=data, headers=headers)
        )
        key = self.session.cache.create_key(request)
        if not (refresh or self.settings.refresh) or self.settings.offline:
            cached = self._cached(key, parse)
            if cached is not None:
                return cached[0]
        if self.settings.offline:
            raise OfflineError(
                f"{method} {request.url} is not in the cache.",
                "Run once without --offline to fill the cache.",
            )
        start = self.settings.clock()
        try:
            for attempt in retry_policy(self.settings, self.limiter, start=start):
                with attempt:
                    return self._once(request, key, parse, start)
        except RetryableError as exc:
            raise gave_up(method, str(request.url), self.settings, exc) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _cached(self, key: str, parse: Callable[[Any], T]) -> tuple[T] | None:
        """(parsed answer,) from the cache, or None; an entry that no longer parses is
        dropped (asked for again) rather than served."""
        try:
            response = self.session.cache.get_response(key)
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"The HTTP cache in {self.settings.cache_dir} is damaged: {exc}.",
                "Run `forecast doctor`, or delete the cache folder (it holds only cached answers).",
            ) from exc
        if response is None:
            return None
        try:
            return (parse(json.loads(response.content or b"")),)
        except (ValueError, SourceError):
            self.session.cache.delete(key)
            return None

    def _once(
        self, request: requests.PreparedRequest, key: str, parse: Callable[[Any], T], start: float
    ) -> T:
        timeout = (self.settings.connect_timeout, self.settings.read_timeout)
        method, url = str(request.method), str(request.url)
        try:
            with self.session.cache_disabled():
                response = self.session.send(request, stream=True, timeout=timeout)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise _connection_failure(exc, url) from exc  # DNS failures are not retried
        except TRANSPORT_ERRORS as exc:
            raise RetryableError(describe(exc)) from exc
        status = response.status_code
        raise_if_retryable(response, self.settings, url)
        content = read_body(response, self.settings, start + self.settings.deadline)
        if status >= 400:
            raise HttpStatusError(method, url, status, content.decode("utf-8", "replace"))
        try:
            document = json.loads(content)
        except ValueError as exc:
            # a body cut short parses as nothing: ask again, and never cache it
            raise RetryableError(
                f"invalid JSON in the answer ({len(content)} bytes; not cached, a re-run asks "
                "again)"
            ) from exc
        parsed = parse(document)
        if status == 200:
            response._content = content
            response._content_consumed = True
            self.session.cache.save_response(response, key)
        return parsed


def raise_if_retryable(response: requests.Response, settings: HttpSettings, url: str) -> None:
    """A 429 (after its Retry-After, capped) or a 5xx is a RetryableError for `retry_policy`;
    the response is closed first. Plain and streamed requests share this."""
    status = response.status_code
    if status == 429:
        response.close()
        seconds = parse_retry_after(response.headers.get("Retry-After"))
        raise RetryableError(
            "rate limited (HTTP 429 Too Many Requests)",
            429,
            check_retry_after(settings, url, seconds),
            hint="The server limits how often we may ask; try again later or use --offline.",
        )
    if status >= 500:
        response.close()
        raise RetryableError(f"server error HTTP {status}", status)


def _identity(document: Any) -> Any:
    return document


class HttpStatusError(SourceError):
    """A 4xx answer; `body` holds the server's text (PxWebApi: a Problem JSON document)."""

    def __init__(self, method: str, url: str, status: int, body: str) -> None:
        self.url = url
        self.body = body
        self.problem: dict[str, Any] = {}
        try:
            parsed = json.loads(body) if body else {}
            self.problem = parsed if isinstance(parsed, dict) else {}
        except ValueError:
            pass
        title = self.problem.get("title") or self.problem.get("error") or body[:200]
        super().__init__(f"{method} {url} → HTTP {status}: {title}", status=status)

    @property
    def title(self) -> str:
        return str(self.problem.get("title") or self.problem.get("error") or "")
