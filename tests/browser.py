"""Headless Chromium for the fact-sheet tests: the flags that keep it off the (closed) network
and a fresh profile per call."""

from __future__ import annotations

import subprocess
from pathlib import Path

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def run_chromium(page: Path, profile: Path, *args: str, timeout: float = 90) -> None:
    """Open `page` in headless Chromium with `args` (e.g. --screenshot=…, --print-to-pdf=…)."""
    subprocess.run(
        ["chromium", *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
        check=True,
        capture_output=True,
        timeout=timeout,
    )
