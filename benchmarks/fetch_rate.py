"""Fetch rate against a server enforcing SCB's limits, and the cost of an unchanged refresh.

A local PxWebApi 2 server (tests/support/pxweb_server.py) enforces 150,000 cells per call and 30
calls per 10 s per IP, answering 429 with Retry-After beyond that. Its table is SYNTHETIC
(seeded random counts, 1,053,000 cells: 270 regions × 390 occupations × 2 sexes × 5 years).

1. Our client (rate limiter sized from /config) fetches the ≥1 M-cell selection repeatedly
   with the cache bypassed, for `--calls` data calls in all; printed: calls, elapsed, the
   minimum elapsed the server's limit permits, the share of the permitted rate reached, and
   429s after the first window.
2. Baseline in the same run: the same client with its limiter switched off (it only reacts to
   429 + Retry-After, as most scripts do).
3. `forecast fetch` of a dataset twice: requests made by the second, unchanged, refresh.

    python benchmarks/fetch_rate.py [--calls 70]
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from kompetens_forecast.jobs.fetch import Clients, fetch_dataset
from kompetens_forecast.sources.catalog import DatasetSpec, Segment, VariableSelection
from kompetens_forecast.sources.http import HttpClient, HttpSettings
from kompetens_forecast.sources.scb_v1 import ScbV1Client
from kompetens_forecast.sources.scb_v2 import PxWebClient
from kompetens_forecast.store import DataContext

# the loopback servers are test support (tests/support/), not part of the package
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from support.pxweb_server import PxWebServer, ServerConfig
from support.tables import Table, Variable

MAX_CELLS, MAX_CALLS, WINDOW = 150_000, 30, 10.0


def synthetic_table() -> Table:
    regions = [f"{i:04d}" for i in range(270)]
    occupations = [f"{i:04d}" for i in range(1000, 1390)]
    years = [str(y) for y in range(2019, 2024)]
    cells = pd.DataFrame(
        list(itertools.product(regions, occupations, ["1", "2"], years)),
        columns=["Region", "Yrke2012", "Kon", "Tid"],
    )
    cells["value"] = np.random.default_rng(1).integers(0, 500, len(cells)).astype(float)
    variables = [
        Variable("Region", "region", regions, role="geo"),
        Variable("Yrke2012", "yrke", occupations),
        Variable("Kon", "kön", ["1", "2"]),
        Variable("ContentsCode", "tabellinnehåll", ["SYNT01"], ["Syntetiska antal"], role="metric"),
        Variable("Tid", "år", years, role="time"),
    ]
    return Table.from_frame(cells, table_id="TAB0SYN", label="SYNTETISK", variables=variables)


def measure(server: PxWebServer, calls_wanted: int, limited: bool) -> dict[str, float]:
    server.reset_rate_limit()
    server.clear_requests()
    http = HttpClient(HttpSettings(refresh=True, attempts=20))
    client = PxWebClient(server.base_url, http)
    client.config()
    if not limited:
        http.limiter = None
    plan = client.plan("TAB0SYN", {"Region": ["*"], "Yrke2012": ["*"], "Kon": ["*"], "Tid": ["*"]})
    rounds = math.ceil(calls_wanted / plan.calls)
    start = time.monotonic()
    for _ in range(rounds):
        client.data(plan)
    elapsed = time.monotonic() - start
    posts = [r for r in server.requests if r.method == "POST"]
    ok = [r for r in posts if r.status == 200]
    first = posts[0].time
    late_429 = sum(1 for r in posts if r.status == 429 and r.time - first > WINDOW)
    span = ok[-1].time - ok[0].time
    minimum = (math.ceil(len(ok) / MAX_CALLS) - 1) * WINDOW  # bursts of 30 at 0, 10, 20 s
    return {
        "cells_per_round": plan.cells,
        "calls": len(ok),
        "max_cells_sent": max(r.cells or 0 for r in posts),
        "elapsed": elapsed,
        "span": span,
        "minimum": minimum,
        "rate": (len(ok) - 1) / span if span > 0 else float("inf"),
        "429": sum(1 for r in posts if r.status == 429),
        "429_after_first_window": late_429,
    }


def unchanged_refresh(server: PxWebServer) -> tuple[int, int]:
    spec = DatasetSpec(
        name="synthetic_rate_test",
        title="SYNTETISK",
        dims=("region_code", "ssyk", "sex"),
        rename={"Region": "region", "Yrke2012": "ssyk", "Kon": "sex"},
        segments=(Segment(table="TAB0SYN", selection={"Tid": VariableSelection(("2023",))}),),
    )
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)

        def clients() -> Clients:
            http = HttpClient(HttpSettings(cache_dir=data_dir / "cache"))
            return Clients(
                PxWebClient(server.base_url, http), ScbV1Client("http://127.0.0.1:9", http)
            )

        server.reset_rate_limit()
        fetch_dataset(DataContext(data_dir, use_demo=False), clients(), spec)
        server.clear_requests()
        result = fetch_dataset(DataContext(data_dir, use_demo=False), clients(), spec)
        assert result.status == "unchanged"
        data_calls = sum(1 for r in server.requests if r.path.endswith("/data"))
        return len(server.requests), data_calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=70, help="data calls per measurement")
    args = parser.parse_args()
    config = ServerConfig(max_cells=MAX_CELLS, max_calls=MAX_CALLS, time_window=WINDOW)
    with PxWebServer(tables=[synthetic_table()], config=config) as server:
        ours = measure(server, args.calls, limited=True)
        naive = measure(server, args.calls, limited=False)
        requests, data_calls = unchanged_refresh(server)
    print(
        f"server: {MAX_CELLS:,} cells/call, {MAX_CALLS} calls per {WINDOW:.0f} s (SYNTHETIC table)"
    )
    print(
        f"selection: {ours['cells_per_round']:,} cells per round, "
        f"largest call {ours['max_cells_sent']:,} cells"
    )
    for name, m in (
        ("ours (limiter from /config)", ours),
        ("baseline (429 + Retry-After only)", naive),
    ):
        print(
            f"{name:34s} calls {m['calls']:3.0f}  elapsed {m['elapsed']:5.1f} s  "
            f"(bursts permit {m['minimum']:4.1f} s)  {m['rate']:.2f} calls/s = "
            f"{m['rate'] / (MAX_CALLS / WINDOW):6.1%} of the permitted {MAX_CALLS / WINDOW:.1f}/s  "
            f"429s {m['429']:.0f} (after first window {m['429_after_first_window']:.0f})"
        )
    print(f"ratio of elapsed time, baseline / ours: {naive['elapsed'] / ours['elapsed']:.2f}")
    print(f"unchanged refresh: {requests} requests, {data_calls} data calls (metadata only)")


if __name__ == "__main__":
    main()
