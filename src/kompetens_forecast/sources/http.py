"""HTTP for all sources: a persistent cache, our own rate limit, retries, timeouts, offline mode.

- Cache: requests-cache (SQLite in the data directory), keyed on method + URL + body, so a POST
  query answered once is never asked again unless `refresh` is set. Only 200 responses are
  kept. `offline=True` answers from the cache only and fails on a miss.
- Rate limit: a `SlidingWindowLimiter` runs inside the transport adapter, so cache hits cost
  nothing and every real request counts.
- Retries (tenacity): connection errors, timeouts and 5xx with exponential backoff; 429 waits
  the server's `Retry-After` (pausing the limiter) and tries again.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
import requests_cache
from requests.adapters import HTTPAdapter
from requests_cache.backends.base import BaseCache
from requests_cache.backends.sqlite import SQLiteCache
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from kompetens_forecast import __version__
from kompetens_forecast.errors import OfflineError, SourceError
from kompetens_forecast.sources.ratelimit import SlidingWindowLimiter

USER_AGENT = f"kompetens-forecast/{__version__} (+https://github.com/kompetens-forecast)"
DEFAULT_RETRY_AFTER = 10.0
CACHE_TAG_HEADER = "X-KF-Cache-Tag"  # seconds, when a 429 carries no usable Retry-After


@dataclass(frozen=True)
class HttpSettings:
    cache_dir: Path | None = None  # None: no persistent cache (memory only)
    offline: bool = False
    refresh: bool = False
    connect_timeout: float = 10.0
    read_timeout: float = 120.0
    attempts: int = 6  # per request, for connection errors, 5xx and 429
    backoff_initial: float = 0.5
    backoff_max: float = 30.0


class _RetryableError(Exception):
    """A failed attempt worth repeating (5xx, 429, connection problem)."""

    def __init__(
        self,
        message: str,
        status: int | None = None,
        retry_after: float | None = None,
        hint: str = "The server may be down; try again later or use --offline.",
    ):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.hint = hint


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
        return _RetryableError(
            f"{where} did not answer in time (timeout)",
            hint="The server is slow or unreachable; try again later or use --offline.",
        )
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return _RetryableError(
            f"{where} refused the connection",
            hint="Is the server up and the base URL right? --offline answers from the cache.",
        )
    return _RetryableError(f"connection to {where} failed: {type(exc).__name__}: {exc}")


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


class HttpClient:
    """JSON over HTTP with cache, rate limit and retries. One per data source and run."""

    def __init__(self, settings: HttpSettings, limiter: SlidingWindowLimiter | None = None) -> None:
        self.settings = settings
        backend: BaseCache
        if settings.cache_dir is not None:
            settings.cache_dir.mkdir(parents=True, exist_ok=True)
            backend = SQLiteCache(str(settings.cache_dir / "http_cache.sqlite"))
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
        return self._request("GET", url, params=params, body=None, refresh=refresh, tag=None)

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
        return self._request("POST", url, params=params, body=body, refresh=refresh, tag=cache_tag)

    # -- internals -------------------------------------------------------------------------
    def _request(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, str] | None,
        body: Any,
        refresh: bool,
        tag: str | None,
    ) -> Any:
        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            if isinstance(exc, _RetryableError) and exc.retry_after is not None:
                if self.limiter is not None:
                    self.limiter.pause(exc.retry_after)
                    return 0.0  # the limiter does the waiting
                return exc.retry_after
            return float(
                wait_exponential(
                    multiplier=self.settings.backoff_initial, max=self.settings.backoff_max
                )(state)
            )

        retrying = Retrying(
            retry=retry_if_exception(lambda e: isinstance(e, _RetryableError)),
            stop=stop_after_attempt(self.settings.attempts),
            wait=wait,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    return self._once(
                        method, url, params, body, refresh or self.settings.refresh, tag
                    )
        except _RetryableError as exc:
            raise SourceError(
                f"{method} {url} failed after {self.settings.attempts} attempts: {exc}.",
                exc.hint,
                status=exc.status,
            ) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _once(
        self,
        method: str,
        url: str,
        params: dict[str, str] | None,
        body: Any,
        refresh: bool,
        tag: str | None,
    ) -> Any:
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json"} if data is not None else {}
        if tag is not None:
            headers[CACHE_TAG_HEADER] = tag
        timeout = (self.settings.connect_timeout, self.settings.read_timeout)
        try:
            response = self.session.request(
                method,
                url,
                params=params,
                data=data,
                headers=headers,
                timeout=timeout,
                only_if_cached=self.settings.offline,
                force_refresh=refresh and not self.settings.offline,
            )
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise _connection_failure(exc, url) from exc
        if self.settings.offline and response.status_code == 504:
            raise OfflineError(
                f"{method} {response.url} is not in the cache.",
                "Run once without --offline to fill the cache.",
            )
        status = response.status_code
        if status == 429:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            raise _RetryableError(
                "rate limited (HTTP 429 Too Many Requests)",
                429,
                retry_after,
                hint="The server limits how often we may ask; try again later or use --offline.",
            )
        if status >= 500:
            raise _RetryableError(f"server error HTTP {status}", status)
        if status >= 400:
            raise HttpStatusError(method, response.url, status, response.text)
        try:
            return response.json()
        except ValueError as exc:
            raise SourceError(
                f"{method} {response.url} returned invalid JSON.", status=status
            ) from exc


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
