"""Start-up time of the `forecast` command against its floor, measured in the same run.

`forecast --help` needs typer (and rich for the help panels) whatever else the tool does, so
`python -c "import typer, rich"` is the floor; the target is `forecast --help` within 2× of
it. Runs are interleaved (help, version, floor, help, …) so that a machine busy with other jobs
slows all three alike, and the medians are compared.

    python benchmarks/cli_startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_RATIO = 2.0


def _forecast_command() -> list[str]:
    """The installed console script (what users run), else the module."""
    script = Path(sys.executable).with_name("forecast")
    found = str(script) if script.exists() else shutil.which("forecast")
    return [found] if found else [sys.executable, "-m", "kompetens_forecast.cli"]


def _seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each command (default 15)")
    args = parser.parse_args()
    forecast = _forecast_command()
    commands = {
        "forecast --help": [*forecast, "--help"],
        "forecast --version": [*forecast, "--version"],
        "import typer, rich": [sys.executable, "-c", "import typer, rich"],
    }
    for command in commands.values():  # warm the file system cache
        _seconds(command)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            times[name].append(_seconds(command))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        print(f"{name:20s} median {medians[name]:.3f} s  min {min(values):.3f} s  (n={args.runs})")
    floor = medians["import typer, rich"]
    for name in ("forecast --help", "forecast --version"):
        ratio = medians[name] / floor
        verdict = "ok" if ratio <= TARGET_RATIO else f"over the {TARGET_RATIO:.0f}× target"
        print(f"ratio {name} / import typer, rich: {ratio:.2f}× ({verdict})")


if __name__ == "__main__":
    main()
