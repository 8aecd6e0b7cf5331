"""Serve a local PxWebApi 2 server for trying `forecast fetch` offline.

    python tests/support/serve_pxweb.py \
        --parquet data/raw/data/scb/scb_yreg60_county_ssyk4_sex_2014_2023.parquet

serves a yrkesregistret-shaped table (Region, Yrke2012, Kon, ContentsCode, Tid) with the real
values of that SCB extract under SCB's limits, printing its base URL, until Ctrl-C.
Then: `KF_SCB_BASE_URL=<printed url> forecast fetch --dataset employment_county_ssyk4`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

# the loopback servers are test support (tests/support/), not part of the package
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support.pxweb_server import PxWebServer, ServerConfig
from support.tables import yreg_table_from_parquet


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python tests/support/serve_pxweb.py", description=__doc__
    )
    parser.add_argument(
        "--parquet", type=Path, required=True, help="the SCB extract (data/raw/...)"
    )
    parser.add_argument("--table-id", default="TAB9999")
    parser.add_argument("--port", type=int, default=0, help="0 = any free port")
    parser.add_argument("--max-cells", type=int, default=150_000)
    parser.add_argument("--max-calls", type=int, default=30)
    parser.add_argument("--window", type=float, default=10.0)
    args = parser.parse_args(argv)
    table = yreg_table_from_parquet(args.parquet, args.table_id)
    config = ServerConfig(
        max_cells=args.max_cells, max_calls=args.max_calls, time_window=args.window
    )
    with PxWebServer(tables=[table], config=config, port=args.port) as server:
        print(server.base_url, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
