"""A local stand-in for JobTech's job-ad services (JobSearch, JobStream, historical files).

Standard library only (`ThreadingHTTPServer`), bound to 127.0.0.1 on an ephemeral port:

    with JobSearchServer(recording=path_to_recorded_search_response) as server:
        server.base_url             # JobSearch base: f"{base_url}/search"
        server.jobstream_base_url   # f"{jobstream_base_url}/v2/snapshot"
        server.historical_base_url  # f"{historical_base_url}/{name}" for files added

What it answers, and what is real:

- `GET /search` without parameters: the recorded response, byte for byte (header
  `X-KF-Replay: recorded`).
- `GET /search` with any of `region`, `municipality` (SCB code or AF concept id, repeatable),
  `occupation-group` (SSYK-4 code or concept id), `stats` (occupation-group, occupation-field,
  occupation-name, region, municipality, country), `stats.limit` (default 5), `limit`,
  `offset`, `sort` (pubdate-asc, pubdate-desc; else recorded order): DERIVED — computed from the
  recorded hits, not recorded. Such answers carry the header `X-KF-Derived: recorded-hits` and
  the key `"_derived"` in the body. `total.value` = matching hits, `positions` = their
  `number_of_vacancies` sum, stats values `{"term", "concept_id", "code", "count"}` (code = the
  legacy id / SCB code), most frequent first. Limits as JobSearch states them: `limit` ≤ 100,
  `offset` ≤ 2000, and optionally a `stats.limit` cap (`stats_limit_max`), else HTTP 400 with a
  flask-restx style body `{"errors": {param: text}, "message": "Input payload validation
  failed"}`.
- `GET /v2/snapshot`: a JSON array of ads (default: the recorded hits; DERIVED, as above).
- `GET|HEAD /annonser/historiska/{name}`: files added with `add_file` (bytes or a path,
  streamed in blocks), e.g. generated synthetic-from-real `.jsonl.zip` files.

Test hooks: `fail_next(status, headers, n, body)` answers the next requests with a fault (e.g.
429 with `Retry-After: 0`); `required_api_key` makes every path answer 401 without that
`api-key` header; `requests` is the log (`AdRequest`: method, path, params, headers, status,
derived, fault).
"""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from support.loopback import (
    Fault,
    LoopbackHandler,
    LoopbackServer,
    json_bytes,
    to_bytes,
)

__all__ = [
    "DERIVED_LABEL",
    "STATS_TYPES",
    "AdRequest",
    "JobSearchServer",
    "synthetic_ads",
    "write_synthetic_history",
]

DERIVED_LABEL = "recorded-hits"
STATS_TYPES = {
    # stats type → (object in the ad, its code key, concept-id key, label key)
    "occupation-group": ("occupation_group", "legacy_ams_taxonomy_id", "concept_id", "label"),
    "occupation-field": ("occupation_field", "legacy_ams_taxonomy_id", "concept_id", "label"),
    "occupation-name": ("occupation", "legacy_ams_taxonomy_id", "concept_id", "label"),
    "region": ("workplace_address", "region_code", "region_concept_id", "region"),
    "municipality": (
        "workplace_address",
        "municipality_code",
        "municipality_concept_id",
        "municipality",
    ),
    "country": ("workplace_address", "country_code", "country_concept_id", "country"),
}
_DEFAULT_STATS_LIMIT = 5  # sokannonser-api: `stats.limit` default


@dataclass(frozen=True)
class AdRequest:
    """One request as the server saw it (`params`: every value of each query parameter)."""

    method: str
    path: str
    params: dict[str, list[str]]
    headers: dict[str, str]
    status: int
    derived: bool = False
    fault: bool = False

    def param(self, name: str) -> str | None:
        values = self.params.get(name)
        return values[-1] if values else None


class _BadRequestError(Exception):
    def __init__(self, param: str, text: str) -> None:
        super().__init__(text)
        self.param = param
        self.text = text


def synthetic_ads(hits: Sequence[Mapping[str, Any]], copies: int) -> Iterator[dict[str, Any]]:
    """SYNTHETIC-FROM-REAL ads: the real `hits` repeated `copies` times, copy k with ids
    suffixed `-s{k}` and publication dates moved k days later (everything else as recorded)."""
    for k in range(copies):
        for hit in hits:
            ad = dict(hit)
            ad["id"] = f"{hit.get('id')}-s{k}"
            published = str(hit.get("publication_date") or "")
            try:
                moved = datetime.fromisoformat(published) + timedelta(days=k)
            except ValueError:
                moved = None
            if moved is not None:
                ad["publication_date"] = moved.isoformat()
            yield ad


def write_synthetic_history(
    path: Path, hits: Sequence[Mapping[str, Any]], copies: int, *, member: str | None = None
) -> Path:
    """Write `synthetic_ads(hits, copies)` as JSON lines into the zip `path`, one ad at a time
    (constant memory). Name such files `synthetic-from-real…` so nobody takes them for data."""
    name = member or f"synthetic-from-real_{copies}x.jsonl"
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open(name, "w", force_zip64=True) as handle,
    ):
        for ad in synthetic_ads(hits, copies):
            handle.write(json_bytes(ad) + b"\n")
    return path


def _hit_field(hit: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = hit.get(name)
    return value if isinstance(value, dict) else {}


def _int_param(params: Mapping[str, list[str]], name: str, default: int, top: int | None) -> int:
    raw = params.get(name, [str(default)])[-1]
    try:
        value = int(raw)
    except ValueError:
        raise _BadRequestError(name, f"invalid literal for int() with base 10: '{raw}'") from None
    if value < 0 or (top is not None and value > top):
        raise _BadRequestError(
            name, f"Invalid argument: {value}. argument must be within the range 0 - {top}"
        )
    return value


class _Handler(LoopbackHandler["JobSearchServer"]):
    server_version = "JobSearch-local/1"

    def answer(self, method: str) -> None:
        app = self.app
        _, path, query_string = self.target()
        params = parse_qs(query_string, keep_blank_values=True)
        headers = {k.lower(): v for k, v in self.headers.items()}
        fault = self.answer_fault(
            lambda f: app._log(AdRequest(method, path, params, headers, f.status, fault=True))
        )
        if fault is not None:
            return
        try:
            status, body, out_headers, derived = app._route(method, path, params, headers)
        except Exception:  # a bug here must still answer, as a real server would
            status, body, out_headers, derived = 500, b"", {}, False
        app._log(AdRequest(method, path, params, headers, status, derived=derived))  # before
        self.send(status, body, out_headers)


class JobSearchServer(LoopbackServer[AdRequest]):
    """The local JobSearch/JobStream/historical-files server; a context manager."""

    handler_class = _Handler
    thread_name = "jobsearch-server"

    def __init__(
        self,
        recording: Mapping[str, Any] | Path,
        *,
        snapshot: Sequence[Mapping[str, Any]] | None = None,
        files: Mapping[str, Path | bytes] | None = None,
        stats_limit_max: int | None = None,
        max_limit: int = 100,
        max_offset: int = 2000,
        required_api_key: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(host=host, port=port)
        if isinstance(recording, Path):
            self._recorded_bytes = recording.read_bytes()
            self.recording: dict[str, Any] = json.loads(self._recorded_bytes)
        else:
            self.recording = dict(recording)
            self._recorded_bytes = json_bytes(self.recording)
        hits = self.recording.get("hits")
        self.hits: list[dict[str, Any]] = [h for h in hits or [] if isinstance(h, dict)]
        self.snapshot: list[Mapping[str, Any]] = list(snapshot) if snapshot else list(self.hits)
        self._files: dict[str, Path | bytes] = dict(files or {})
        self.stats_limit_max = stats_limit_max
        self.max_limit = max_limit
        self.max_offset = max_offset
        self.required_api_key = required_api_key

    @property
    def base_url(self) -> str:
        """JobSearch base URL (the API's `/search` is below it), like KF_JOBSEARCH_BASE_URL."""
        return self.root_url

    @property
    def jobstream_base_url(self) -> str:
        return self.base_url

    @property
    def historical_base_url(self) -> str:
        return f"{self.base_url}/annonser/historiska"

    # -- test hooks ----------------------------------------------------------------------------
    def add_file(self, name: str, content: Path | bytes) -> str:
        """Serve `content` at `/annonser/historiska/{name}`; returns its URL."""
        with self._lock:
            self._files[name] = content
        return f"{self.historical_base_url}/{name}"

    def fail_next(
        self,
        status: int,
        headers: Mapping[str, str] | None = None,
        n: int = 1,
        body: bytes | str = b"",
    ) -> None:
        """Answer the next `n` requests with `status`, `headers` and `body` (then as normal)."""
        self._queue_fault(Fault(status, to_bytes(body), dict(headers or {})), n)

    # -- answers ---------------------------------------------------------------------------------
    def counts_from_hits(
        self, *, region: str | None = None, municipality: str | None = None
    ) -> Counter[str]:
        """Ads per occupation-group legacy id among the recorded hits (for checking clients)."""
        params: dict[str, list[str]] = {}
        if region:
            params["region"] = [region]
        if municipality:
            params["municipality"] = [municipality]
        return Counter(
            str(_hit_field(h, "occupation_group").get("legacy_ams_taxonomy_id"))
            for h in self._filter(params)
        )

    def _filter(self, params: Mapping[str, list[str]]) -> list[dict[str, Any]]:
        hits = self.hits

        def place(keys: tuple[str, str], wanted: list[str]) -> None:
            nonlocal hits
            accepted = set(wanted)
            hits = [
                h
                for h in hits
                if {str(_hit_field(h, "workplace_address").get(k)) for k in keys} & accepted
            ]

        if params.get("region"):
            place(("region_code", "region_concept_id"), params["region"])
        if params.get("municipality"):
            place(("municipality_code", "municipality_concept_id"), params["municipality"])
        if params.get("occupation-group"):
            wanted = set(params["occupation-group"])
            hits = [
                h
                for h in hits
                if {
                    str(_hit_field(h, "occupation_group").get(k))
                    for k in ("legacy_ams_taxonomy_id", "concept_id")
                }
                & wanted
            ]
        return hits

    def _stats(self, hits: Sequence[Mapping[str, Any]], kind: str, limit: int) -> dict[str, Any]:
        holder, code_key, concept_key, label_key = STATS_TYPES[kind]
        counts: Counter[tuple[str, str, str]] = Counter()
        for hit in hits:
            where = _hit_field(hit, holder)
            code = where.get(code_key)
            if code is None:
                continue  # like a terms aggregation: ads without the field are not counted
            counts[
                (str(code), str(where.get(concept_key) or ""), str(where.get(label_key) or ""))
            ] += 1
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))[:limit]
        return {
            "type": kind,
            "values": [
                {"term": label, "concept_id": concept, "code": code, "count": n}
                for (code, concept, label), n in ranked
            ],
        }

    def _search(self, params: dict[str, list[str]]) -> tuple[bytes, bool]:
        limit = _int_param(params, "limit", 10, self.max_limit)
        offset = _int_param(params, "offset", 0, self.max_offset)
        stats_limit = _int_param(params, "stats.limit", _DEFAULT_STATS_LIMIT, self.stats_limit_max)
        for kind in params.get("stats", []):
            if kind not in STATS_TYPES:
                raise _BadRequestError(
                    "stats", f"The value '{kind}' is not a valid choice for 'stats'."
                )
        if not params:
            return self._recorded_bytes, False
        hits = self._filter(params)
        sort = params.get("sort", [""])[-1]
        if sort in ("pubdate-asc", "pubdate-desc"):
            hits = sorted(
                hits,
                key=lambda h: (str(h.get("publication_date") or ""), str(h.get("id"))),
                reverse=sort == "pubdate-desc",
            )
        doc: dict[str, Any] = {
            "total": {"value": len(hits)},
            "positions": sum(int(h.get("number_of_vacancies") or 0) for h in hits),
            "query_time_in_millis": 0,
            "result_time_in_millis": 0,
            "stats": [self._stats(hits, kind, stats_limit) for kind in params.get("stats", [])],
            "freetext_concepts": {},
            "hits": hits[offset : offset + limit],
            "_derived": "computed by support.jobsearch_server from the "
            "recorded hits (not a recorded answer)",
        }
        return json_bytes(doc), True

    def _route(
        self, method: str, path: str, params: dict[str, list[str]], headers: Mapping[str, str]
    ) -> tuple[int, bytes | Path, dict[str, str], bool]:
        json_type = {"Content-Type": "application/json"}
        if self.required_api_key is not None and headers.get("api-key") != self.required_api_key:
            body = json_bytes({"message": "Missing or invalid API key"}, ensure_ascii=True)
            return 401, body, json_type, False
        if path == "/search":
            try:
                body, derived = self._search(params)
            except _BadRequestError as exc:
                error = {
                    "errors": {exc.param: exc.text},
                    "message": "Input payload validation failed",
                }
                return 400, json_bytes(error, ensure_ascii=True), json_type, False
            extra = {"X-KF-Derived": DERIVED_LABEL} if derived else {"X-KF-Replay": "recorded"}
            return 200, body, {**json_type, **extra}, derived
        if path == "/v2/snapshot":
            body = json_bytes(list(self.snapshot))
            return 200, body, {**json_type, "X-KF-Derived": DERIVED_LABEL}, True
        prefix = "/annonser/historiska/"
        if path.startswith(prefix):
            with self._lock:
                content = self._files.get(path[len(prefix) :])
            if content is not None:
                kind = "application/zip" if path.endswith(".zip") else "application/x-ndjson"
                return 200, content, {"Content-Type": kind}, False
        return 404, b'{"message": "Not found"}', json_type, False
