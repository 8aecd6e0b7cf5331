"""The JobTech API key (JobSearch, JobStream): where it is read, and how it is sent.

JobSearch and JobStream take an optional `api-key` header. It is read from
`KF_JOBTECH_API_KEY` or from `jobtech.toml` (`api_key = "..."`) in the user config directory,
never from the repository; it is set on the session, kept out of the HTTP cache, and never
written to a manifest.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import platformdirs

from kompetens_forecast.errors import UsageError
from kompetens_forecast.sources.http import HttpClient

__all__ = ["API_KEY_ENV", "API_KEY_FILE", "API_KEY_HEADER", "apply_api_key", "jobtech_api_key"]

API_KEY_ENV = "KF_JOBTECH_API_KEY"
API_KEY_HEADER = "api-key"
API_KEY_FILE = "jobtech.toml"


def jobtech_api_key(config_file: Path | None = None) -> str | None:
    """`$KF_JOBTECH_API_KEY`, else `api_key` in `jobtech.toml` in the user config directory."""
    key = os.environ.get(API_KEY_ENV, "").strip()
    if key:
        return key
    path = config_file or (
        platformdirs.user_config_path("kompetens-forecast", appauthor=False) / API_KEY_FILE
    )
    if not path.is_file():
        return None
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"Cannot read {path}: {exc}", 'Write it as: api_key = "…"') from exc
    value = doc.get("api_key")
    return (value.strip() or None) if isinstance(value, str) else None


def apply_api_key(http: HttpClient, key: str | None = None) -> bool:
    """Send `api-key` on every request of `http` (if a key is configured); True if one is set.

    The header is added to the cache's ignored parameters, so the key never reaches the HTTP
    cache file, and it is never written to a manifest.
    """
    key = key or jobtech_api_key()
    ignored = list(http.session.settings.ignored_parameters or ())
    if API_KEY_HEADER not in ignored:
        http.session.settings.ignored_parameters = [*ignored, API_KEY_HEADER]
    if not key:
        return False
    http.session.headers[API_KEY_HEADER] = key
    return True
