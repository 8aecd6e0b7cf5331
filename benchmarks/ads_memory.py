"""Memory and time of streaming historical job ads: a 1×, 10× and 100× file (SYNTHETIC-FROM-REAL).

The files are built from the 85 real ads of the recorded JobSearch response
(tests/fixtures/af/jobsearch): each copy k has its ids suffixed `-s{k}` and its publication
dates moved k days later; everything else is as recorded. They are written as
`synthetic-from-real_{N}x.jsonl.zip` (JSON lines in a zip, like the yearly historical files).

Each file is streamed by `read_history` in a fresh Python process (so peak RSS is that file's
alone), twice: once timed, once under tracemalloc (peak of Python allocations while
streaming). Ratios are against the 1× file measured in the same run. Flat memory means the
ratios stay near 1 while the file grows 100×.

    python benchmarks/ads_memory.py [--sizes 1,10,100] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

from kompetens_forecast.sources.af_ads_stream import read_history
from kompetens_forecast.sources.af_codes import AfCodes

# the loopback servers are test support (tests/support/), not part of the package
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from support.jobsearch_server import write_synthetic_history

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "af" / "jobsearch"
RECORDING = FIXTURES / "search_response_2025-09_team13.scrubbed.json"


def measure(path: Path) -> dict[str, float]:
    """Stream `path` (timed), then again under tracemalloc; this process's peak RSS."""
    codes = AfCodes.load(FIXTURES / "codes")
    start = time.perf_counter()
    aggregate = read_history(path, codes=codes)
    seconds = time.perf_counter() - start
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    tracemalloc.start()
    read_history(path, codes=codes)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "ads": aggregate.ads,
        "cells": len(aggregate.cells),
        "seconds": seconds,
        "peak_rss_mib": rss_kib / 1024,
        "tracemalloc_peak_mib": peak / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,100", help="copies of the 85 recorded ads")
    parser.add_argument("--keep", type=Path, help="write the generated files here and keep them")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # child process mode
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    hits = json.loads(RECORDING.read_text(encoding="utf-8"))["hits"]
    with tempfile.TemporaryDirectory(prefix="kf-ads-bench-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        rows = []
        for n in sizes:
            path = write_synthetic_history(
                folder / f"synthetic-from-real_{n}x.jsonl.zip", hits, copies=n
            )
            child = subprocess.run(
                [sys.executable, __file__, "--measure", str(path)],
                check=True,
                capture_output=True,
                text=True,
            )
            row = json.loads(child.stdout)
            row.update(copies=n, zip_mib=path.stat().st_size / 2**20)
            row["jsonl_mib"] = _uncompressed(path) / 2**20
            rows.append(row)
    base = rows[0]
    print("Streaming SYNTHETIC-FROM-REAL historical ads (85 recorded ads × N, shifted ids/dates)")
    header = (
        f"{'file':<36}{'ads':>8}{'jsonl MiB':>11}{'zip MiB':>9}{'cells':>7}{'seconds':>9}"
        f"{'time×':>7}{'RSS MiB':>9}{'RSS×':>6}{'tracemalloc MiB':>17}{'tm×':>6}"
    )
    print(header)
    for row in rows:
        name = f"synthetic-from-real_{row['copies']}x.jsonl.zip"
        print(
            f"{name:<36}{row['ads']:>8.0f}{row['jsonl_mib']:>11.1f}{row['zip_mib']:>9.2f}"
            f"{row['cells']:>7.0f}{row['seconds']:>9.2f}"
            f"{row['seconds'] / base['seconds']:>7.1f}{row['peak_rss_mib']:>9.1f}"
            f"{row['peak_rss_mib'] / base['peak_rss_mib']:>6.2f}"
            f"{row['tracemalloc_peak_mib']:>17.2f}"
            f"{row['tracemalloc_peak_mib'] / base['tracemalloc_peak_mib']:>6.2f}"
        )
    print(
        "Ratios (×) are against the 1× file in this run; RSS is each child process's peak "
        "(interpreter and libraries included), tracemalloc the peak while streaming. The 1× "
        "file (< 1 MiB) does not fill the 1 MiB read buffers, so its tracemalloc peak is lower; "
        "past that the peak grows only with the aggregate's cells (months × kommun × SSYK-4)."
    )


def _uncompressed(path: Path) -> int:
    """Bytes of JSON lines inside the zip."""
    with zipfile.ZipFile(path) as archive:
        return sum(info.file_size for info in archive.infolist())


if __name__ == "__main__":
    main()
