"""Run the `forecast` CLI in-process and capture its exit code, stdout and stderr."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from kompetens_forecast.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str


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
