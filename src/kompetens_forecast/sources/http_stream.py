"""Streamed HTTP GETs for bodies too large for the HTTP cache: downloads and streamed answers.

Used for the job-ad files (JobTech's historical ads, JobStream's snapshot), which run to
gigabytes: the body is never held in memory and never written to the cache. Retries follow
`HttpClient`'s settings (attempts, backoff, Retry-After, the shared limiter); the client's
session (headers such as an API key) is used as is.
"""

from __future__ import annotations

import contextlib
import io
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from kompetens_forecast.errors import OfflineError, SourceError
from kompetens_forecast.sources.http import HttpClient, HttpStatusError, parse_retry_after

__all__ = ["CHUNK", "IterStream", "download", "is_url", "stream_get", "url_file_name"]

CHUNK = 1 << 20  # bytes per read or write of a streamed body or a file


@contextlib.contextmanager
def stream_get(
    http: HttpClient, url: str, params: Mapping[str, str] | None = None
) -> Iterator[requests.Response]:
    """GET `url` streamed, outside the HTTP cache, with the client's retry policy.

    Connection errors and 5xx are retried with exponential backoff, 429 after its
    Retry-After; other 4xx raise HttpStatusError.
    """
    if http.settings.offline:
        raise OfflineError(f"GET {url} is a streamed download.", "Run once without --offline.")
    settings = http.settings
    problem = ""
    status: int | None = None
    for attempt in range(1, settings.attempts + 1):
        wait = min(settings.backoff_max, settings.backoff_initial * 2 ** (attempt - 1))
        try:
            with http.session.cache_disabled():
                response = http.session.get(
                    url,
                    params=dict(params or {}),
                    stream=True,
                    timeout=(settings.connect_timeout, settings.read_timeout),
                )
        except (requests.ConnectionError, requests.Timeout) as exc:
            problem = f"{type(exc).__name__}: {exc}"
        else:
            status = response.status_code
            if status == 429:
                wait = parse_retry_after(response.headers.get("Retry-After"))
                problem = "429 Too Many Requests"
                response.close()
                if http.limiter is not None:
                    http.limiter.pause(wait)
                    wait = 0.0
            elif status >= 500:
                problem = f"HTTP {status}"
                response.close()
            elif status >= 400:
                body = response.text[:2000]
                response.close()
                raise HttpStatusError("GET", response.url, status, body)
            else:
                try:
                    yield response
                finally:
                    response.close()
                return
        if attempt < settings.attempts:
            time.sleep(wait)
    raise SourceError(
        f"GET {url} failed after {settings.attempts} attempts: {problem}",
        "The server may be down or limiting us; try again later.",
        status=status,
    )


def download(http: HttpClient, url: str, target: Path, *, refresh: bool) -> Path:
    """`url` saved to `target` (via a `.part` file, renamed when complete); kept if present."""
    if target.is_file() and not refresh:
        return target
    if http.settings.offline:
        raise OfflineError(f"{url} has not been downloaded yet.", "Run once without --offline.")
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    try:
        with stream_get(http, url) as response, part.open("wb") as handle:
            for block in response.iter_content(CHUNK):
                handle.write(block)
        part.replace(target)
    except requests.RequestException as exc:
        raise SourceError(f"Download of {url} broke off: {exc}", "Try again.") from exc
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
