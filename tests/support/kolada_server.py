"""A local Kolada API for tests: serves `/v2/data/kpi/{KPI}/municipality/{IDS}` in the shape
Kolada documents (github.com/Hypergene/kolada: `values`, `count`, `next_page`), paging with
`per_page` so clients must follow `next_page`. Standard library only; loopback only."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


class KoladaServer:
    """`KoladaServer(data)` where data maps (kpi, kolada_id) → {year: {gender: value|None}}."""

    def __init__(
        self,
        data: Mapping[tuple[str, str], Mapping[int, Mapping[str, float | None]]],
        per_page: int = 5000,
    ) -> None:
        self.data = data
        self.per_page = per_page
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:
                return None

            def do_GET(self) -> None:
                server.requests.append(self.path)
                status, body = server.answer(self.path)
                payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v2"

    def __enter__(self) -> KoladaServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _items(self, kpis: Sequence[str], ids: Sequence[str]) -> list[dict[str, Any]]:
        items = []
        for kpi in kpis:
            for municipality in ids:
                for year, genders in sorted(self.data.get((kpi, municipality), {}).items()):
                    items.append(
                        {
                            "kpi": kpi,
                            "municipality": municipality,
                            "period": str(year),
                            "values": [
                                {
                                    "count": 1,
                                    "gender": gender,
                                    "status": "" if value is not None else "Saknas",
                                    "value": value,
                                }
                                for gender, value in genders.items()
                            ],
                        }
                    )
        return items

    def answer(self, path: str) -> tuple[int, dict[str, Any]]:
        parts = urlsplit(path)
        segments = parts.path.strip("/").split("/")
        if (
            segments[:3] != ["v2", "data", "kpi"]
            or len(segments) < 6
            or segments[4] != "municipality"
        ):
            return 404, {"error": "not found"}
        items = self._items(segments[3].split(","), segments[5].split(","))
        page = int(parse_qs(parts.query).get("page", ["1"])[0])
        start = (page - 1) * self.per_page
        body: dict[str, Any] = {"values": items[start : start + self.per_page]}
        body["count"] = len(body["values"])
        if start + self.per_page < len(items):
            body["next_page"] = f"{self.base_url}/{'/'.join(segments[1:])}?page={page + 1}"
        return 200, body
