"""kompetens-forecast: regional competence-need forecasts from Swedish official statistics.

The library does the work and never prints or exits; the `forecast` CLI (cli.py) translates
arguments and maps the typed errors of `kompetens_forecast.errors` to messages and exit codes.
"""

from __future__ import annotations

from functools import cache

__all__ = ["__version__"]


@cache
def _installed_version() -> str:
    # importlib.metadata is slow to import (email, zipfile, …): only when the version is asked
    # for, so that `forecast --help` starts fast.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kompetens-forecast")
    except PackageNotFoundError:  # running from a source tree without installation
        return "0.0.0+unknown"


def __getattr__(name: str) -> str:
    """`kompetens_forecast.__version__`, looked up on first use (PEP 562)."""
    if name == "__version__":
        return _installed_version()
    raise AttributeError(f"module 'kompetens_forecast' has no attribute '{name}'")
