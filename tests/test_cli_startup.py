"""Fast start: `forecast --help`, `forecast run --help` and `--version` import none of the heavy
libraries (benchmarks/cli_startup.py measures the time)."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("pandas", "numpy", "statsmodels", "matplotlib", "pyarrow", "duckdb", "scipy", "requests")

PROBE = """
import sys
from kompetens_forecast.cli import main
try:
    main({args!r})
except SystemExit:
    pass
print("LOADED", *sorted(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)
"""


@pytest.mark.parametrize("args", [["--help"], ["run", "--help"], ["--version"]])
def test_help_and_version_do_not_import_heavy_libraries(args: list[str]) -> None:
    code = PROBE.format(args=args, heavy=HEAVY)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    loaded = result.stderr.strip().splitlines()[-1]
    assert loaded == "LOADED", f"{args}: {loaded}"
    assert result.stdout.strip()
