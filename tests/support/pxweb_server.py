"""A protocol-faithful local PxWebApi 2.0 server (SCB's API v2) for tests and benchmarks.

Standard library only (`ThreadingHTTPServer`), bound to 127.0.0.1 on an ephemeral port:

    with PxWebServer(tables=[table], config=ServerConfig(max_cells=150_000)) as server:
        server.base_url  # "http://127.0.0.1:PORT/api/v2"

Endpoints (paths and their fixed segments are case-insensitive, as on ASP.NET):
`GET /config`, `GET /tables`, `GET /tables/{id}`, `GET /tables/{id}/metadata`,
`GET /tables/{id}/defaultselection`, `GET|POST /tables/{id}/data`, `GET /codelists/{id}`.
Response shapes follow the recorded SCB responses (tests/fixtures/scb/v2) and the OpenAPI
spec (PxTools/PxApiSpecs PxAPI-2.yml); selection semantics and error bodies follow the
reference server (PxTools/PxWebApi: SelectionHandler, selection expressions, PlacementHandler,
ProblemUtility). Protocol decisions where neither says enough are listed in `PROTOCOL_NOTES`.

Test hooks: `fail_next(status, n, body, headers)`, `drop_next(n)` (close the connection
without an answer) and a thread-safe request log `server.requests` (`RequestRecord`s).

This module has the HTTP handler and the routing; selections are resolved in
`pxweb_selection`, documents rendered in `pxweb_render`, and the settings, records, error
bodies and `PROTOCOL_NOTES` are in `pxweb_protocol` (re-exported here). The loopback
plumbing (start/stop, request log, fault queue) is `loopback.LoopbackServer`.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from urllib.parse import parse_qsl, unquote

from support.loopback import (
    Fault,
    LoopbackHandler,
    LoopbackServer,
    json_bytes,
    to_bytes,
)
from support.pxweb_protocol import (
    PROTOCOL_NOTES,
    RECORDED_CONFIG,
    ProblemError,
    RequestRecord,
    ServerConfig,
    empty_problem,
    non_existent_table,
    problem,
    validation_problem,
)
from support.pxweb_render import Renderer
from support.pxweb_selection import (
    default_selection,
    make_plan,
    parse_body,
    split_list,
)
from support.tables import Codelist, Table

__all__ = [
    "PROTOCOL_NOTES",
    "RECORDED_CONFIG",
    "PxWebServer",
    "RequestRecord",
    "ServerConfig",
]


class _Handler(LoopbackHandler["PxWebServer"]):
    server_version = "PxWebApi-local/2"
    # One write per response (and, from the base, no Nagle delay): keep-alive round trips
    # stay sub-millisecond.
    wbufsize = 1 << 16

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        self.answer("POST")

    def do_PUT(self) -> None:  # noqa: N802
        self.answer("PUT")

    def do_DELETE(self) -> None:  # noqa: N802
        self.answer("DELETE")

    def answer(self, method: str) -> None:
        app = self.app
        arrived = time.monotonic()
        body = self.read_body()
        raw_path, path, query_string = self.target()
        query = dict(parse_qsl(query_string, keep_blank_values=True))
        client = str(self.client_address[0])
        record = RequestRecord(
            method=method,
            path=path,
            query=query,
            body=body,
            status=None,
            time=arrived,
            client=client,
        )
        fault = self.answer_fault(
            lambda f: app._log(
                replace(record, status=None, fault="drop")
                if f.drop
                else replace(record, status=f.status, fault="fail")
            )
        )
        if fault is not None:
            return
        retry_after = app._rate_limit(client, arrived)
        if retry_after is not None:
            cfg = app.config
            text = (
                f"API calls quota exceeded! maximum admitted {cfg.max_calls} "
                f"per {cfg.time_window:g}s."
            ).encode()
            app._log(replace(record, status=429, fault="rate-limit"))
            self.send(
                429,
                text,
                {"Content-Type": "text/plain; charset=utf-8", "Retry-After": str(retry_after)},
            )
            return
        info: dict[str, Any] = {}
        error_text = None
        try:
            status, payload, content_type = app._route(method, raw_path, query, body, info)
            headers = {"Content-Type": content_type} if content_type else {}
        except ProblemError as error:
            status = error.status
            payload = b"" if error.body is None else json_bytes(error.body)
            headers = {} if error.body is None else {"Content-Type": error.content_type}
        except Exception as exc:  # a bug here must still answer, as a real server would
            status, payload, headers = 500, b"", {}
            error_text = f"{type(exc).__name__}: {exc}"
        # logged before the answer: a client holding its response must find the record
        app._log(replace(record, status=status, cells=info.get("cells"), error=error_text))
        self.send(status, payload, headers)


class PxWebServer(LoopbackServer[RequestRecord]):
    """The local PxWebApi 2 server; a context manager that starts and stops it.

    `tables`: the served `Table`s; `codelists`: extra codelists for `GET /codelists/{id}`
    besides those attached to the tables' variables (e.g. `recorded_codelists()`).
    """

    API_PATH = "/api/v2"
    handler_class = _Handler
    thread_name = "pxweb-server"

    def __init__(
        self,
        tables: Iterable[Table] = (),
        config: ServerConfig | None = None,
        *,
        codelists: Iterable[Codelist] = (),
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(host=host, port=port)
        self.config = config or ServerConfig()
        self._tables: dict[str, Table] = {}
        self._extra_codelists = list(codelists)
        for table in tables:
            self.add_table(table)
        self._windows: dict[str, deque[float]] = {}
        self._languages = [str(lang["id"]) for lang in RECORDED_CONFIG["languages"]]

    @property
    def base_url(self) -> str:
        return f"{self.root_url}{self.API_PATH}"

    # -- tables and codelists ----------------------------------------------------------------
    def add_table(self, table: Table) -> None:
        if any(t.lower() == table.id.lower() for t in self._tables):
            raise ValueError(f"table {table.id} is already served")
        self._tables[table.id] = table

    @property
    def tables(self) -> dict[str, Table]:
        return dict(self._tables)

    def replace_table(self, table: Table) -> None:
        """Serve a new version of an existing table (e.g. with a later `updated` stamp)."""
        with self._lock:
            if table.id not in self._tables:
                raise ValueError(f"table {table.id} is not served")
            self._tables[table.id] = table

    def _find_table(self, table_id: str) -> Table | None:
        table = self._tables.get(table_id)
        if table is None:
            table = next(
                (t for k, t in self._tables.items() if k.lower() == table_id.lower()), None
            )
        return table

    def _codelists(self) -> list[Codelist]:
        seen: dict[str, Codelist] = {}
        for table in self._tables.values():
            for var in table.variables:
                for cl in var.codelists:
                    seen.setdefault(cl.id, cl)
        for cl in self._extra_codelists:
            seen.setdefault(cl.id, cl)
        return list(seen.values())

    # -- test hooks ----------------------------------------------------------------------------
    def fail_next(
        self,
        status: int,
        n: int = 1,
        body: bytes | str = b"",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Answer the next `n` requests with `status`, `body` and `headers` (then as normal)."""
        self._queue_fault(Fault(status, to_bytes(body), dict(headers or {})), n)

    def drop_next(self, n: int = 1) -> None:
        """Close the connection of the next `n` requests without sending a response."""
        self._queue_fault(Fault(drop=True), n)

    def reset_rate_limit(self) -> None:
        with self._lock:
            self._windows.clear()

    def _rate_limit(self, client: str, now: float) -> int | None:
        """None if the request may pass (and is counted), else the Retry-After seconds."""
        cfg = self.config
        if not cfg.rate_limit:
            return None
        with self._lock:
            window = self._windows.setdefault(client, deque())
            while window and window[0] <= now - cfg.time_window:
                window.popleft()
            if len(window) < cfg.max_calls:
                window.append(now)
                return None
            wait = window[0] + cfg.time_window - now
            if cfg.count_rejected:
                window.append(now)
            return max(1, math.ceil(wait))

    # -- routing --------------------------------------------------------------------------------
    def _route(
        self, method: str, raw_path: str, query: dict[str, str], body: bytes, info: dict[str, Any]
    ) -> tuple[int, bytes, str | None]:
        if not raw_path.lower().startswith(self.API_PATH):
            raise empty_problem(404)
        rest = raw_path[len(self.API_PATH) :]
        if rest and not rest.startswith("/"):
            raise empty_problem(404)
        segments = [unquote(s, encoding="utf-8", errors="strict") for s in rest.split("/") if s]
        params = {k.lower(): v for k, v in query.items()}
        lang = (params.get("lang") or self.config.default_language).lower()
        renderer = Renderer(self.base_url, self.config, self._languages)
        head = [s.lower() for s in segments]
        allowed = ("GET", "HEAD")

        def need(methods: Sequence[str]) -> None:
            if method not in methods:
                raise empty_problem(405)

        if head == ["config"]:
            need(allowed)
            return self._json(self._config_doc())
        if head == ["tables"]:
            need(allowed)
            return self._json(self._tables_page(renderer, params, lang))
        if len(head) >= 2 and head[0] == "tables":
            table = self._find_table(segments[1]) if lang in self._languages else None
            if len(head) == 2:
                need(allowed)
                if table is None:
                    raise non_existent_table()
                return self._json({"language": lang, **renderer.table_item(table, lang)})
            if len(head) == 3 and head[2] == "metadata":
                need(allowed)
                if table is None:
                    raise non_existent_table()
                return self._json(renderer.metadata(table, lang))
            if len(head) == 3 and head[2] == "defaultselection":
                need(allowed)
                if table is None:
                    raise non_existent_table()
                return self._json(self._default_selection_doc(renderer, table, lang))
            if len(head) == 3 and head[2] == "data":
                need(("GET", "HEAD", "POST"))
                if table is None:
                    raise non_existent_table()
                fmt = params.get("outputformat") or "json-stat2"
                if fmt.lower() != "json-stat2":
                    raise problem("Unsupported output format", detail=True)
                if method == "POST":
                    entries, placement = parse_body(body)
                else:
                    entries, placement = self._selection_from_query(query)
                plan = make_plan(table, entries, placement)
                info["cells"] = plan.cells
                if plan.cells > self.config.max_cells:
                    status = self.config.too_many_cells_status
                    raise problem("Too many cells selected", status, detail=True)
                payload = renderer.data(plan, lang)
                return 200, payload, "application/json; charset=utf-8"
            raise empty_problem(404)
        if len(head) == 2 and head[0] == "codelists":
            need(allowed)
            wanted = segments[1]
            codelists = self._codelists() if lang in self._languages else []
            cl = next((c for c in codelists if c.id == wanted), None)
            if cl is None:
                cl = next((c for c in codelists if c.id.lower() == wanted.lower()), None)
            if cl is None:
                raise problem("Non-existent codelist", 404, body_status=400)
            return self._json(renderer.codelist(cl, lang))
        raise empty_problem(404)

    @staticmethod
    def _json(doc: Any) -> tuple[int, bytes, str]:
        return 200, json_bytes(doc, compact=True), "application/json; charset=utf-8"

    def _config_doc(self) -> dict[str, Any]:
        doc = json.loads(json.dumps(RECORDED_CONFIG))
        window = self.config.time_window
        doc["defaultLanguage"] = self.config.default_language
        doc["maxDataCells"] = self.config.max_cells
        doc["maxCallsPerTimeWindow"] = self.config.max_calls
        doc["timeWindow"] = int(window) if float(window).is_integer() else window
        return cast(dict[str, Any], doc)

    def _tables_page(self, renderer: Renderer, params: dict[str, str], lang: str) -> dict[str, Any]:
        def integer(name: str, default: int | None) -> int | None:
            raw = params.get(name.lower())
            if raw is None or raw == "":
                return default
            try:
                return int(raw)
            except ValueError:
                raise validation_problem(name, f"The value '{raw}' is not valid.") from None

        page_number = integer("pageNumber", 1) or 1
        page_size = integer("pageSize", self.config.page_size) or self.config.page_size
        past_days = integer("pastDays", None)
        include_disc = (params.get("includediscontinued") or "").lower() == "true"
        query_text = params.get("query") or ""
        if page_number < 1 or page_size < 1:
            raise validation_problem("pageNumber", "pageNumber and pageSize must be >= 1")
        tables = list(self._tables.values()) if lang in self._languages else []
        terms = [t.lower() for t in query_text.split() if t]

        def matches(table: Table) -> bool:
            haystack = [table.id.lower(), table.label.lower()]
            haystack += [v.label.lower() for v in table.variables]
            haystack += [v.code.lower() for v in table.variables]
            return all(any(term in h for h in haystack) for term in terms)

        selected = [t for t in tables if matches(t)]
        if not include_disc:
            selected = [t for t in selected if t.discontinued is not True]
        if past_days is not None:
            since = datetime.now(UTC) - timedelta(days=past_days)
            selected = [
                t
                for t in selected
                if datetime.fromisoformat(t.updated.replace("Z", "+00:00")) >= since
            ]
        total = len(selected)
        pages = max(1, math.ceil(total / page_size))
        if page_number > pages:
            raise problem("Non-existent page", 404, detail=True)
        chunk = selected[(page_number - 1) * page_size : page_number * page_size]

        def href(n: int) -> str:
            parts = [f"lang={lang}"]
            if query_text:
                parts.append(f"query={query_text}")
            parts += [f"pagesize={page_size}", f"pageNumber={n}"]
            if past_days is not None:
                parts.append(f"pastDays={past_days}")
            return f"{self.base_url}/tables/?" + "&".join(parts)

        page_links = []
        if page_number > 1:
            page_links.append({"rel": "previous", "hreflang": lang, "href": href(page_number - 1)})
            page_links.append({"rel": "first", "hreflang": lang, "href": href(1)})
        if page_number < pages:
            page_links.append({"rel": "next", "hreflang": lang, "href": href(page_number + 1)})
            page_links.append({"rel": "last", "hreflang": lang, "href": href(pages)})
        return {
            "language": lang,
            "tables": [renderer.table_item(t, lang) for t in chunk],
            "page": {
                "pageNumber": page_number,
                "pageSize": page_size,
                "totalElements": total,
                "totalPages": pages,
                "links": page_links,
            },
            "links": [{"rel": "self", "hreflang": lang, "href": href(page_number)}],
        }

    def _default_selection_doc(self, renderer: Renderer, table: Table, lang: str) -> dict[str, Any]:
        selection, placement = default_selection(table)
        base = f"{self.base_url}/tables/{table.id}"
        return {
            "language": lang,
            "selection": selection,
            "placement": placement or {"heading": [], "stub": []},
            "links": [
                {"rel": "self", "hreflang": lang, "href": f"{base}/defaultselection?lang={lang}"},
                {
                    "rel": "data",
                    "hreflang": lang,
                    "href": f"{base}/data?lang={lang}&outputFormat=json-stat2",
                },
            ],
        }

    @staticmethod
    def _selection_from_query(
        query: Mapping[str, str],
    ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        """GET data: valuecodes[VAR]=a,b codelist[VAR]=id heading=a,b stub=c (deepObject)."""
        values: dict[str, list[str]] = {}
        codelists: dict[str, str] = {}
        placement: dict[str, Any] = {}
        for key, raw in query.items():
            m = re.fullmatch(r"(valuecodes|codelist)\[(.+)\]", key, re.IGNORECASE)
            if m:
                if m.group(1).lower() == "valuecodes":
                    values[m.group(2)] = split_list(raw)
                else:
                    codelists[m.group(2)] = raw
            elif key.lower() in ("heading", "stub"):
                placement[key.lower()] = split_list(raw)
        entries = [
            {"variableCode": code, "valueCodes": codes, "codelist": codelists.get(code)}
            for code, codes in values.items()
        ]
        for code, cl in codelists.items():
            if code not in values:
                entries.append({"variableCode": code, "valueCodes": [], "codelist": cl})
        if placement:
            placement.setdefault("heading", [])
            placement.setdefault("stub", [])
        return entries, placement or None
