"""A PxWebApi 2 stand-in on 127.0.0.1 that breaks its data answers on purpose.

`FaultServer` is the local `PxWebServer` plus body faults for `POST …/data` answers, switched
at run time — from a test (`break_data`, `always`) or, when run as a program, over HTTP
(`POST /__faults__?mode=cut&n=1`, `mode=off`), so a person can try the CLI against it:

    python tests/support/fault_server.py --port 8765 [--small]
    KF_SCB_BASE_URL=http://127.0.0.1:8765/api/v2 forecast fetch -d employment_county_ssyk4

Faults (each on one data answer):
- `half`: Content-Length and body are the first half of the JSON (valid HTTP, invalid JSON);
- `cut`: the full Content-Length is announced, half the body sent, the connection closed;
- `reset`: half the body, then a TCP reset (RST);
- `trickle`: the body a few bytes at a time with pauses (`trickle_pause` seconds);
- `drop-county:CODE` (persistent): the table loses a county (an upstream change).

Test-only: lives under tests/, not in the package.
"""

from __future__ import annotations

import argparse
import socket
import struct
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pandas as pd

# the loopback servers are test support (tests/support/), not part of the package
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support.pxweb_server import PxWebServer, ServerConfig, _Handler
from support.tables import Table, yreg_table_from_parquet

REPO = Path(__file__).resolve().parents[2]
PARQUET = REPO / "data" / "raw" / "data" / "scb" / "scb_yreg60_county_ssyk4_sex_2014_2023.parquet"
MODES = ("half", "cut", "reset", "trickle")


def small_parquet(
    target: Path, counties: Iterable[str] = ("01", "20", "25"), n_ssyk: int = 12
) -> Path:
    """A small extract of the real parquet (a few counties and occupations) for fast fetches."""
    frame = pd.read_parquet(PARQUET)
    codes = sorted(frame["code_4"].astype(str).unique())[:n_ssyk]
    keep = frame["county_code"].astype(str).isin(list(counties)) & frame["code_4"].astype(str).isin(
        codes
    )
    frame[keep].to_parquet(target, index=False)
    return target


def small_table(tmp: Path, counties: Iterable[str] = ("01", "20", "25")) -> tuple[Table, Path]:
    """The small extract's table and the extract's path."""
    path = small_parquet(tmp / f"small-{'-'.join(counties)}.parquet", counties)
    return yreg_table_from_parquet(path, "TAB9999"), path


class _FaultHandler(_Handler):
    def send(self, status: int, body: bytes | Path, headers: Mapping[str, str]) -> None:
        app: FaultServer = self.app  # type: ignore[assignment]
        if app._control(self, status):
            return
        mode = (
            app._next_mode()
            if self.path.split("?")[0].endswith("/data") and status == 200
            else None
        )
        if mode is None or not isinstance(body, bytes):
            super().send(status, body, headers)
            return
        app.faults_applied.append(mode)
        half = body[: len(body) // 2]
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(half) if mode == "half" else len(body)))
        self.end_headers()
        if mode == "half":
            self.wfile.write(half)
            return
        if mode == "trickle":
            for i in range(0, len(body), 8):
                self.wfile.write(body[i : i + 8])
                self.wfile.flush()
                time.sleep(app.trickle_pause)
            return
        self.wfile.write(half)
        self.wfile.flush()
        self.close_connection = True
        if mode == "reset":  # SO_LINGER 0: close sends RST instead of FIN
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.shutdown(socket.SHUT_RDWR) if mode == "cut" else None


class FaultServer(PxWebServer):
    """PxWebServer with switchable faults in its data answers."""

    handler_class = _FaultHandler

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._modes: deque[str] = deque()
        self._always: str | None = None
        self.trickle_pause = 0.05
        self.faults_applied: list[str] = []
        self._fault_lock = threading.Lock()
        self.source: Path | None = None  # the parquet extract served (for drop-county)

    def break_data(self, mode: str, n: int = 1) -> None:
        """Break the next `n` data answers with `mode`."""
        if mode not in MODES:
            raise ValueError(f"mode {mode!r}; one of {MODES}")
        with self._fault_lock:
            self._modes.extend([mode] * n)

    def always(self, mode: str | None) -> None:
        """Break every data answer with `mode` until `always(None)`."""
        with self._fault_lock:
            self._always = mode

    def _next_mode(self) -> str | None:
        with self._fault_lock:
            return self._modes.popleft() if self._modes else self._always

    def _control(self, handler: _FaultHandler, status: int) -> bool:
        """`POST /__faults__?mode=M&n=N` (or mode=off / always=M) from another process."""
        split = urlsplit(handler.path)
        if not split.path.endswith("/__faults__"):
            return False
        query = dict(parse_qsl(split.query))
        mode = query.get("mode", "off")
        if mode == "status":  # which faults were applied so far, oldest first
            body = (",".join(self.faults_applied) + "\n").encode()
            _Handler.send(handler, 200, body, {"Content-Type": "text/plain"})
            return True
        if mode == "off":
            with self._fault_lock:
                self._modes.clear()
                self._always = None
        elif query.get("always") == "1":
            self.always(mode)
        elif mode.startswith("drop-county:") and self.source is not None:
            self.replace_table(drop_county(self.source, mode.split(":", 1)[1]))
        else:
            self.break_data(mode, int(query.get("n", "1")))
        _Handler.send(handler, 200, b"ok\n", {"Content-Type": "text/plain"})
        return True


def drop_county(source: Path, code: str, updated: str = "2026-06-01T06:00:00Z") -> Table:
    """The table of the parquet extract `source` without county `code` and with a new
    `updated` stamp, as SCB might serve it after an upstream change."""
    frame = pd.read_parquet(source)
    target = source.with_name(f"{source.stem}-without-{code}.parquet")
    frame[frame["county_code"].astype(str) != code].to_parquet(target, index=False)
    return yreg_table_from_parquet(target, "TAB9999", updated=updated)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--small", action="store_true", help="three counties, 12 occupations")
    args = parser.parse_args(argv)
    import tempfile

    tmp = Path(tempfile.mkdtemp())
    source = small_parquet(tmp / "small.parquet") if args.small else PARQUET
    table = yreg_table_from_parquet(source, "TAB9999")
    server = FaultServer(tables=[table], config=ServerConfig(max_cells=50_000), port=args.port)
    server.source = source
    server.start()
    sys.stdout.write(f"{server.base_url}\n")
    sys.stdout.flush()
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
