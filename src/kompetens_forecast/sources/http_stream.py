"""Streamed HTTP GETs for bodies too large for the HTTP cache: downloads and streamed answers.

Used for the job-ad files (JobTech's historical ads, JobStream's snapshot), which run to
gigabytes: the body is never held in memory and never written to the cache. Retries follow
`HttpClient`'s settings through the same `retry_policy` (attempts, backoff, deadline, capped
Retry-After, the shared limiter); the client's session (headers such as an API key) is used
as is.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from kompetens_forecast.errors import OfflineError, SourceError
from kompetens_forecast.sources.http import (
    TRANSPORT_ERRORS,
    HttpClient,
    HttpStatusError,
    RetryableError,
    _connection_failure,
    describe,
    gave_up,
    raise_if_retryable,
    retry_policy,
)

__all__ = ["CHUNK", "IterStream", "download", "is_url", "stream_get", "url_file_name"]

CHUNK = 1 << 20  # bytes per read or write of a streamed body or a file


def _open_stream(http: HttpClient, url: str, params: Mapping[str, str] | None) -> requests.Response:
    """One attempt: the streamed response with status 2xx, or the reason to retry/stop."""
    settings = http.settings
    try:
        with http.session.cache_disabled():
            response = http.session.get(
                url,
                params=dict(params or {}),
                stream=True,
                timeout=(settings.connect_timeout, settings.read_timeout),
            )
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise _connection_failure(exc, url) from exc  # DNS failures are not retried
    except TRANSPORT_ERRORS as exc:
        raise RetryableError(describe(exc)) from exc
    raise_if_retryable(response, settings, url)
    status = response.status_code
    if status >= 400:
        body = response.text[:2000]
        response.close()
        raise HttpStatusError("GET", response.url, status, body)
    return response


@contextlib.contextmanager
def stream_get(
    http: HttpClient, url: str, params: Mapping[str, str] | None = None
) -> Iterator[requests.Response]:
    """GET `url` streamed, outside the HTTP cache, with the client's retry policy
    (`retry_policy`: transport errors and 5xx with backoff, 429 after its Retry-After);
    other 4xx raise HttpStatusError. A break-off while the caller reads the body is a
    SourceError (one line); `download` retries those itself."""
    if http.settings.offline:
        raise OfflineError(f"GET {url} is a streamed download.", "Run once without --offline.")
    response: requests.Response | None = None
    try:
        for attempt in retry_policy(http.settings, http.limiter):
            with attempt:
                response = _open_stream(http, url, params)
    except RetryableError as exc:
        raise gave_up("GET", url, http.settings, exc) from exc
    assert response is not None
    try:
        yield response
    except TRANSPORT_ERRORS as exc:
        raise SourceError(f"GET {url} broke off: {describe(exc)}", "Try again.") from exc
    finally:
        response.close()


def _download_once(http: HttpClient, url: str, part: Path) -> None:
    response = _open_stream(http, url, None)
    try:
        with part.open("wb") as handle:
            for block in response.iter_content(CHUNK):
                handle.write(block)
    except TRANSPORT_ERRORS as exc:
        raise RetryableError(f"the download broke off: {describe(exc)}") from exc
    finally:
        response.close()


def download(http: HttpClient, url: str, target: Path, *, refresh: bool) -> Path:
    """`url` saved to `target` (via a `.part` file, renamed when complete); kept if present.
    A break-off mid-body is retried from the start under the client's retry policy."""
    if target.is_file() and not refresh:
        return target
    if http.settings.offline:
        raise OfflineError(f"{url} has not been downloaded yet.", "Run once without --offline.")
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    try:
        for attempt in retry_policy(http.settings, http.limiter):
            with attempt:
                _download_once(http, url, part)
        part.replace(target)
    except RetryableError as exc:
        raise gave_up("GET", url, http.settings, exc) from exc
    finally:
        part.unlink(missing_ok=True)
    return target


class IterStream(io.RawIOBase):
    """A readable raw stream over an iterator of byte chunks (a streamed response body)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._rest = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._rest:
            try:
                self._rest = next(self._chunks)
            except StopIteration:
                return 0
        view = memoryview(buffer).cast("B")
        n = min(len(view), len(self._rest))
        view[:n] = self._rest[:n]
        self._rest = self._rest[n:]
        return n


def is_url(value: str | Path) -> bool:
    """True for an http(s) URL given as a string."""
    return isinstance(value, str) and urlsplit(value).scheme in ("http", "https")


def url_file_name(url: str) -> str:
    """The last path segment of `url` (a download's file name), else "download"."""
    name = Path(urlsplit(url).path).name
    return name or "download"
