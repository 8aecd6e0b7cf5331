"""Run the `forecast` CLI in-process and capture its exit code, stdout and stderr."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from kompetens_forecast.cli import main

PROGRESS = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ")


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def messages(self) -> list[str]:
        """stderr without the timestamped progress lines (stderr is not a terminal here)."""
        return messages(self.err)


def messages(err: str) -> list[str]:
    """The lines of `err` that are not timestamped progress lines."""
    return [line for line in err.strip().splitlines() if not PROGRESS.match(line)]


def invoke(capsys: pytest.CaptureFixture[str], *args: str) -> Result:
    capsys.readouterr()
    try:
        main(list(args))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    else:  # pragma: no cover - main always exits
        code = 0
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)
