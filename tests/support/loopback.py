"""The plumbing the local test servers share (PxWebServer, AfServer, JobSearchServer).

Standard library only. A `LoopbackServer` runs a `ThreadingHTTPServer` on 127.0.0.1 (an
ephemeral port unless told otherwise) in a daemon thread: `start()` / `stop()` or use as a
context manager, `port`, `root_url`, a thread-safe request log (`requests`) and a queue of
injected faults that the handler answers before any routing. `stop()` also ends kept-alive
connections, so no handler thread serves requests after it.

A server subclasses `LoopbackServer[Record]`, sets `handler_class` (a `LoopbackHandler`
subclass) and `thread_name`, and adds its routes and public `fail_next` (whose signature is
its own); the handler calls `answer_fault(log)` first and logs a record with `app._log(...)`
before it writes the answer.

Not used by the product at run time.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar, Generic, Self, TypeVar, cast
from urllib.parse import unquote, urlsplit

__all__ = [
    "BLOCK",
    "Fault",
    "LoopbackHTTPServer",
    "LoopbackHandler",
    "LoopbackServer",
    "json_bytes",
    "to_bytes",
]

BLOCK = 1 << 16  # bytes per write when a file is streamed

RecordT = TypeVar("RecordT")
AppT = TypeVar("AppT", bound="LoopbackServer[Any]")


def json_bytes(doc: Any, *, compact: bool = False, ensure_ascii: bool = False) -> bytes:
    """`doc` as UTF-8 JSON (`json.dumps` separators unless `compact`)."""
    separators = (",", ":") if compact else None
    return json.dumps(doc, ensure_ascii=ensure_ascii, separators=separators).encode("utf-8")


def to_bytes(content: bytes | str | Any) -> bytes:
    """Bytes as they are, text as UTF-8, anything else as JSON (non-ASCII kept)."""
    if isinstance(content, bytes | bytearray | memoryview):
        return bytes(content)
    if isinstance(content, str):
        return content.encode("utf-8")
    return json_bytes(content)


@dataclass(frozen=True)
class Fault:
    """An injected answer: `status` with `headers` and `body`, or (`drop`) none at all."""

    status: int = 0
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    drop: bool = False


class LoopbackHTTPServer(ThreadingHTTPServer):
    """A `ThreadingHTTPServer` that knows its open connections, to end them on stop."""

    daemon_threads = True
    allow_reuse_address = True
    app: Any  # the LoopbackServer that routes the requests

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End kept-alive connections so no handler serves requests after `stop()`."""
        with self._open_lock:
            sockets, self._open = list(self._open), set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class LoopbackHandler(BaseHTTPRequestHandler, Generic[AppT]):
    """HTTP/1.1 keep-alive, quiet, with body reading, answering and fault helpers."""

    protocol_version = "HTTP/1.1"
    timeout = 30
    disable_nagle_algorithm = True
    #: Write a fault's body even in the answer to HEAD (AfServer has always done so).
    fault_body_on_head: ClassVar[bool] = False

    @property
    def app(self) -> AppT:
        return cast(AppT, cast(LoopbackHTTPServer, self.server).app)

    def log_message(self, format: str, *args: Any) -> None:
        return None  # quiet: the request log is the server's `requests`

    def answer(self, method: str) -> None:
        """Answer the request (`method` is the request's; subclasses route it)."""
        raise NotImplementedError

    # GET and HEAD everywhere; a subclass that answers more methods adds `do_POST` etc.
    def do_GET(self) -> None:
        self.answer("GET")

    def do_HEAD(self) -> None:
        self.answer("HEAD")

    def target(self) -> tuple[str, str, str]:
        """(raw path, percent-decoded path, raw query string) of the request target."""
        split = urlsplit(self.path)
        return split.path, unquote(split.path), split.query

    def read_body(self) -> bytes:
        """The request body: by Content-Length, or chunked (Transfer-Encoding)."""
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                line = self.rfile.readline().strip()
                size = int(line.split(b";")[0] or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def send(self, status: int, body: bytes | Path, headers: Mapping[str, str]) -> None:
        """`status`, `headers`, Content-Length and (unless HEAD) the body; a Path is streamed."""
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        size = body.stat().st_size if isinstance(body, Path) else len(body)
        self.send_header("Content-Length", str(size))
        self.end_headers()
        if self.command == "HEAD":
            return
        if isinstance(body, Path):
            with body.open("rb") as handle:
                while block := handle.read(BLOCK):
                    self.wfile.write(block)
        elif body:
            self.wfile.write(body)

    def answer_fault(self, log_fault: Callable[[Fault], None]) -> Fault | None:
        """Answer with the server's next injected fault, if any (a drop closes the connection).

        `log_fault` records it before the answer goes out: a client holding its response must
        find the request in the log (logging after the write raced with the test's assert).
        """
        fault = self.app._take_fault()
        if fault is None:
            return None
        log_fault(fault)
        if fault.drop:
            self.close_connection = True
            return fault
        self.send(fault.status, fault.body, fault.headers)
        if self.command == "HEAD" and self.fault_body_on_head and fault.body:
            self.wfile.write(fault.body)
        return fault


class LoopbackServer(Generic[RecordT]):
    """A server on loopback; a context manager that starts and stops it."""

    handler_class: ClassVar[type[LoopbackHandler[Any]]]
    thread_name: ClassVar[str] = "loopback-server"

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self._host = host
        self._port = port
        self._lock = threading.Lock()
        self._log_entries: list[RecordT] = []
        self._faults: deque[Fault] = deque()
        self._httpd: LoopbackHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> Self:
        if self._httpd is not None:
            return self
        httpd = LoopbackHTTPServer((self._host, self._port), self.handler_class)
        httpd.app = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name=f"{self.thread_name}-{httpd.server_address[1]}",
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        httpd.close_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the server is not running")
        return int(self._httpd.server_address[1])

    @property
    def root_url(self) -> str:
        """`http://HOST:PORT`, without a path."""
        return f"http://{self._host}:{self.port}"

    @property
    def base_url(self) -> str:
        return self.root_url

    # -- request log and faults ------------------------------------------------------------
    @property
    def requests(self) -> list[RecordT]:
        """A snapshot of the request log, oldest first."""
        with self._lock:
            return list(self._log_entries)

    def clear_requests(self) -> None:
        with self._lock:
            self._log_entries.clear()

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def _queue_fault(self, fault: Fault, n: int) -> None:
        with self._lock:
            self._faults.extend([fault] * n)

    def _take_fault(self) -> Fault | None:
        with self._lock:
            return self._faults.popleft() if self._faults else None

    def _log(self, record: RecordT) -> None:
        with self._lock:
            self._log_entries.append(record)
