"""A small local stand-in for Arbetsförmedlingen's open-data host and JobTech's taxonomy API.

Standard library only (`ThreadingHTTPServer`), bound to 127.0.0.1 on an ephemeral port:

    with AfServer.from_recordings(Path("tests/fixtures/af")) as server:
        server.base_url                      # "http://127.0.0.1:PORT"
        server.set_file("/prognoser/yrkesbarometer.json", rows)   # change what a path serves
        server.fail_next(500)                # the next request gets HTTP 500
        server.requests                      # the request log

Serves `GET` of fixed files (any path given to `set_file`: e.g. `/prognoser/yrkesbarometer.json`,
`/v1/taxonomy/main/versions`) and `GET /v1/taxonomy/graphql?query=…`, answered from
`set_graphql(selector, body)` where the selector is taken from the query's first
`concepts(...)` arguments: `id:<concept id>` when it has an `id:` argument, else
`type:<concept type>`. An unknown selector gets HTTP 400 with a GraphQL `errors` body (an
assumption: no recording of the live API's error answer exists). Unknown paths get 404.

Not used by the product at run time.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from support.loopback import Fault, LoopbackHandler, LoopbackServer, to_bytes

__all__ = ["GRAPHQL_PATH", "YRKESBAROMETER_PATH", "AfRequest", "AfServer"]

YRKESBAROMETER_PATH = "/prognoser/yrkesbarometer.json"
VERSIONS_PATH = "/v1/taxonomy/main/versions"
GRAPHQL_PATH = "/v1/taxonomy/graphql"
_CONCEPTS_ARGS = re.compile(r"concepts\s*\(([^)]*)\)")
_ARG = re.compile(r'(\w+)\s*:\s*"([^"]*)"')

#: What `from_recordings` serves, relative to the recordings directory (tests/fixtures/af;
#: provenance in its README.md). The Yrkesbarometer file is the concatenation of the two
#: recorded 2025-2 files (real rows; the concatenation is ours).
RECORDED_FILES: dict[str, tuple[str, ...]] = {
    YRKESBAROMETER_PATH: (
        "yrkesbarometer/yrkesbarometer_2025-2_sample.json",
        "yrkesbarometer/yrkesbarometer_2025-2_multi_ssyk_rows.json",
    ),
    VERSIONS_PATH: ("taxonomy/versions.derived.json",),
}
RECORDED_GRAPHQL: dict[str, str] = {
    "type:ssyk-level-1": "taxonomy/ssyk-level-1-groups.json",
    "type:ssyk-level-2": "taxonomy/ssyk-level-2-groups.derived.json",
    "type:ssyk-level-3": "taxonomy/ssyk-level-3-groups.derived.json",
    "type:ssyk-level-4": "taxonomy/ssyk-level-4-groups.json",
    "id:i46j_HmG_v64": "taxonomy/sweden-regions-municipalities.derived.json",
    "type:occupation-name": "taxonomy/occupation-names.derived.json",
}


@dataclass(frozen=True)
class AfRequest:
    """One request as the server saw it: percent-decoded path, query parameters, answer."""

    method: str
    path: str
    query: dict[str, str]
    status: int
    time: float
    fault: bool = False


def graphql_selector(query: str) -> str | None:
    """`id:<id>` or `type:<type>` from the first `concepts(...)` of a GraphQL query."""
    match = _CONCEPTS_ARGS.search(query)
    if match is None:
        return None
    args = dict(_ARG.findall(match.group(1)))
    if "id" in args:
        return f"id:{args['id']}"
    if "type" in args:
        return f"type:{args['type']}"
    return None


class _Handler(LoopbackHandler["AfServer"]):
    fault_body_on_head = True  # kept byte for byte: a fault body is sent even for HEAD

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        self.read_body()
        self.answer("POST")

    def answer(self, method: str) -> None:
        app = self.app
        _, path, query_string = self.target()
        query = dict(parse_qsl(query_string, keep_blank_values=True))
        fault = self.answer_fault(
            lambda f: app._log(
                AfRequest(method, path, query, f.status, time.monotonic(), fault=True)
            )
        )
        if fault is not None:
            return
        status, body, content_type = app._route(method, path, query)
        app._log(AfRequest(method, path, query, status, time.monotonic()))  # before the answer
        self.send(status, body, {"Content-Type": content_type})


class AfServer(LoopbackServer[AfRequest]):
    """The local AF / JobTech server; a context manager that starts and stops it.

    `base_url` is the root URL: use it as `KF_AF_DATA_BASE_URL` and as `KF_TAXONOMY_BASE_URL`.
    """

    handler_class = _Handler
    thread_name = "af-server"

    def __init__(
        self,
        files: dict[str, bytes | str | Any] | None = None,
        graphql: dict[str, bytes | str | Any] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(host=host, port=port)
        self._files = {path: to_bytes(body) for path, body in (files or {}).items()}
        self._graphql = {key: to_bytes(body) for key, body in (graphql or {}).items()}

    @classmethod
    def from_recordings(cls, directory: Path, **kwargs: Any) -> AfServer:
        """Serve the recordings laid out as in tests/fixtures/af (see `RECORDED_FILES`)."""
        files: dict[str, bytes | str | Any] = {}
        for path, names in RECORDED_FILES.items():
            parts = [json.loads((directory / n).read_text(encoding="utf-8")) for n in names]
            files[path] = parts[0] if len(parts) == 1 else [row for part in parts for row in part]
        graphql: dict[str, bytes | str | Any] = {
            key: (directory / name).read_bytes() for key, name in RECORDED_GRAPHQL.items()
        }
        return cls(files, graphql, **kwargs)

    # -- test hooks ------------------------------------------------------------------------
    def set_file(self, path: str, content: bytes | str | Any) -> None:
        """Serve `content` (bytes, text, or an object sent as JSON) at `path` from now on."""
        with self._lock:
            self._files[path] = to_bytes(content)

    def remove_file(self, path: str) -> None:
        with self._lock:
            self._files.pop(path, None)

    def set_graphql(self, selector: str, content: bytes | str | Any) -> None:
        """Answer GraphQL queries whose first `concepts(...)` matches `selector`."""
        with self._lock:
            self._graphql[selector] = to_bytes(content)

    def fail_next(self, status: int, n: int = 1, body: bytes | str | Any = b"") -> None:
        """The next `n` requests get `status` with `body` (before any routing)."""
        payload = to_bytes(body) if body else b""
        content_type = "application/json" if payload else "text/plain"
        self._queue_fault(Fault(status, payload, {"Content-Type": content_type}), n)

    def clear_log(self) -> None:
        """The same as `clear_requests`."""
        self.clear_requests()

    # -- routing ---------------------------------------------------------------------------
    def _route(self, method: str, path: str, query: dict[str, str]) -> tuple[int, bytes, str]:
        json_type = "application/json; charset=utf-8"
        with self._lock:
            if path == GRAPHQL_PATH:
                selector = graphql_selector(query.get("query", ""))
                body = self._graphql.get(selector or "")
                if body is None:
                    error = {"errors": [{"message": f"no recording for query ({selector})"}]}
                    return 400, to_bytes(error), json_type
                return 200, body, json_type
            if method not in ("GET", "HEAD"):
                return (405 if path in self._files else 404), b"", "text/plain"
            body = self._files.get(path)
        if body is None:
            return 404, b"", "text/plain"
        return 200, body, json_type
