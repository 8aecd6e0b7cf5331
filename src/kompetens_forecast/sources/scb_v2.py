"""SCB's PxWebApi 2 (statistikdatabasen.scb.se/api/v2): config, search, metadata, codelists, data.

Quirks (as of 2026-11; facts in ../shared/DESIGN.md §3 and specs/PxAPI-2.yml):
- Limits are read from `/config` at run time (`maxDataCells`, `maxCallsPerTimeWindow`,
  `timeWindow`; SCB: 150,000 cells and 30 calls per 10 s per IP) and never hard-coded.
- Too many cells: the reference server answers 400 "Too many cells selected", the spec says
  403: both are handled by halving the chunk and asking again.
- A request with no selection silently returns the *default selection*: every query here lists
  every variable's codes explicitly (selection.resolve).
- Repeated value codes give a 500 with an empty body: Selection refuses them before sending.
- Ids may be non-ASCII (`agg_Ålder10årJ`): path segments are percent-encoded.
- GET URLs over ~2,100 characters give 404: data are always asked for by POST.
- The `discontinued` flag is unreliable: it is reported, never acted on.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd

from kompetens_forecast.errors import NotFoundError, SourceError, TooManyCellsError
from kompetens_forecast.sources.http import HttpClient, HttpSettings, HttpStatusError
from kompetens_forecast.sources.jsonstat import (
    Dimension,
    TableMetadata,
    decode_jsonstat2,
    parse_metadata_v2,
)
from kompetens_forecast.sources.ratelimit import SlidingWindowLimiter
from kompetens_forecast.sources.selection import Selection, halve, resolve, split

DEFAULT_BASE_URL = "https://statistikdatabasen.scb.se/api/v2"
BASE_URL_ENV = "KF_SCB_BASE_URL"

Progress = Callable[[int, int], None]  # (cells done, cells in all)


def base_url_from_env() -> str:
    """The PxWebApi 2 base URL: `$KF_SCB_BASE_URL`, else SCB's; no trailing slash."""
    return os.environ.get(BASE_URL_ENV, DEFAULT_BASE_URL).rstrip("/")


@dataclass(frozen=True)
class ApiConfig:
    """A server's `/config`: API version, cell cap per call, calls per time window, languages."""

    api_version: str
    max_cells: int
    max_calls: int
    time_window: float
    default_language: str
    languages: tuple[str, ...]

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> ApiConfig:
        """The config from the server's `/config` answer."""
        try:
            return cls(
                api_version=str(doc.get("apiVersion", "")),
                max_cells=int(doc["maxDataCells"]),
                max_calls=int(doc["maxCallsPerTimeWindow"]),
                time_window=float(doc["timeWindow"]),
                default_language=str(doc.get("defaultLanguage", "sv")),
                languages=tuple(str(lang["id"]) for lang in doc.get("languages", [])),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise SourceError(f"The server's /config lacks the limits: {exc}") from exc


@dataclass(frozen=True)
class TableInfo:
    """One table as `/tables` lists it: id, title, last update, first and last period."""

    id: str
    label: str
    updated: str | None
    first_period: str | None
    last_period: str | None
    variable_names: tuple[str, ...]
    discontinued: bool | None

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> TableInfo:
        """The table entry of a `/tables` or `/tables/{id}` answer."""
        return cls(
            id=str(doc["id"]),
            label=str(doc.get("label", "")),
            updated=doc.get("updated"),
            first_period=doc.get("firstPeriod"),
            last_period=doc.get("lastPeriod"),
            variable_names=tuple(doc.get("variableNames", ())),
            discontinued=doc.get("discontinued"),
        )


@dataclass(frozen=True)
class QueryPlan:
    """A query expanded against a table's metadata and split into calls under the server's
    cell cap: what `PxWebClient.data` fetches, and what `fetch --dry-run` prints."""

    table_id: str
    selection: Selection
    chunks: list[Selection]
    max_cells: int
    max_calls: int
    time_window: float

    @property
    def cells(self) -> int:
        """Cells the whole selection holds."""
        return self.selection.cells

    @property
    def calls(self) -> int:
        """Data calls the plan makes (one per chunk)."""
        return len(self.chunks)

    @property
    def seconds_at_rate(self) -> float:
        """Time the data calls take at the server's permitted rate (transfer time aside)."""
        return max(0, math.ceil(self.calls / self.max_calls) - 1) * self.time_window


def pace_to(http: HttpClient, config: ApiConfig) -> None:
    """Size the client's rate limiter from the server's limits; the config call just made
    counts against them too."""
    http.limiter = SlidingWindowLimiter(config.max_calls, config.time_window)
    http.limiter.acquire()


def _segment(value: str) -> str:
    return quote(value, safe="")


class ScbClientBase:
    """What both SCB clients (PxWebApi 2 here, v1 in scb_v1) hold: the server's base URL, the
    HTTP client, the language, and the per-instance caches of its config and metadata."""

    def __init__(
        self,
        base_url: str | None,
        http: HttpClient | None,
        lang: str,
        default_base_url: Callable[[], str],
    ) -> None:
        self.base_url = (base_url or default_base_url()).rstrip("/")
        self.http = http or HttpClient(HttpSettings())
        self.lang = lang
        self._config: ApiConfig | None = None
        self._metadata: dict[str, TableMetadata] = {}

    def config(self) -> ApiConfig:
        """The server's limits (cells per call, calls per window)."""
        raise NotImplementedError

    def _plan_metadata(self, table_id: str, codelists: Mapping[str, str]) -> TableMetadata:
        """The table's metadata as the plan needs it (v2: with the chosen codelists applied)."""
        raise NotImplementedError

    def plan(
        self,
        table_id: str,
        request: Mapping[str, Sequence[str]],
        *,
        codelists: Mapping[str, str] | None = None,
        complete: bool = True,
    ) -> QueryPlan:
        """Expand `request` against the metadata and split it under the server's cell cap."""
        metadata = self._plan_metadata(table_id, codelists or {})
        return plan_query(self.config(), metadata, request, codelists or {}, complete=complete)


class PxWebClient(ScbClientBase):
    """A client of one PxWebApi 2 server. Cheap calls (config, metadata) are cached per instance."""

    def __init__(
        self, base_url: str | None = None, http: HttpClient | None = None, lang: str = "sv"
    ) -> None:
        super().__init__(base_url, http, lang, base_url_from_env)

    def _url(self, *parts: str) -> str:
        return "/".join([self.base_url, *(_segment(p) for p in parts)])

    def _get(self, *parts: str, params: dict[str, str] | None = None, refresh: bool = False) -> Any:
        try:
            return self.http.get_json(
                self._url(*parts), {"lang": self.lang, **(params or {})}, refresh=refresh
            )
        except HttpStatusError as exc:
            raise translate_status_error(exc, "/".join(parts)) from exc

    # -- API -------------------------------------------------------------------------------
    def config(self) -> ApiConfig:
        """The server's limits; also sizes the HTTP client's rate limiter to them."""
        if self._config is None:
            doc = self.http.get_json(self._url("config"), refresh=True)
            self._config = ApiConfig.from_json(doc)
            pace_to(self.http, self._config)
        return self._config

    def search(self, query: str, *, page_size: int = 100, max_pages: int = 50) -> list[TableInfo]:
        """Tables matching `query` (SCB's own search), following the pages."""
        self.config()
        found: list[TableInfo] = []
        for page in range(1, max_pages + 1):
            doc = self._get(
                "tables",
                params={"query": query, "pageSize": str(page_size), "pageNumber": str(page)},
                refresh=True,
            )
            found += [TableInfo.from_json(t) for t in doc.get("tables", [])]
            total_pages = int(doc.get("page", {}).get("totalPages", page))
            if page >= total_pages:
                break
        return found

    def table(self, table_id: str) -> TableInfo:
        """The table's entry (title, periods, last update), asked afresh."""
        self.config()
        return TableInfo.from_json(self._get("tables", table_id, refresh=True))

    def metadata(self, table_id: str, *, refresh: bool = True) -> TableMetadata:
        """Metadata (json-stat2). Asked anew once per client unless `refresh` is False."""
        if table_id not in self._metadata:
            self.config()
            doc = self._get(
                "tables",
                table_id,
                "metadata",
                params={"outputFormat": "json-stat2"},
                refresh=refresh,
            )
            self._metadata[table_id] = parse_metadata_v2(doc, table_id=table_id)
        return self._metadata[table_id]

    def codelist(self, codelist_id: str) -> Dimension:
        """A codelist (`vs_…` value set or `agg_…` aggregation) as a dimension to select from."""
        self.config()
        doc = self._get("codelists", codelist_id)
        values = [(str(v["code"]), str(v.get("label", v["code"]))) for v in doc.get("values", [])]
        return Dimension(
            code=str(doc.get("id", codelist_id)),
            label=str(doc.get("label", codelist_id)),
            values=tuple(code for code, _ in values),
            value_labels=dict(values),
            elimination=bool(doc.get("elimination", False)),
        )

    def _plan_metadata(self, table_id: str, codelists: Mapping[str, str]) -> TableMetadata:
        return self._metadata_with_codelists(table_id, codelists)

    def data(
        self,
        plan: QueryPlan,
        *,
        cache_tag: str | None = None,
        progress: Progress | None = None,
    ) -> pd.DataFrame:
        """Every cell of the plan, each exactly once, as a tidy frame in the table's order."""
        return fetch_plan(
            plan, lambda chunk: self._post_data(plan.table_id, chunk, cache_tag), progress
        )

    # -- internals -------------------------------------------------------------------------
    def _metadata_with_codelists(
        self, table_id: str, codelists: Mapping[str, str]
    ) -> TableMetadata:
        metadata = self.metadata(table_id)
        if not codelists:
            return metadata
        replaced = {metadata.dimension(v).code: self.codelist(c) for v, c in codelists.items()}
        dims = tuple(
            Dimension(
                code=d.code,
                label=d.label,
                values=replaced[d.code].values,
                value_labels=replaced[d.code].value_labels,
                elimination=d.elimination,
                codelists=d.codelists,
                role=d.role,
            )
            if d.code in replaced
            else d
            for d in metadata.dimensions
        )
        return TableMetadata(
            metadata.table_id,
            metadata.label,
            dims,
            metadata.updated,
            metadata.source,
            metadata.notes,
            metadata.discontinued,
            metadata.language,
        )

    def _post_data(self, table_id: str, chunk: Selection, cache_tag: str | None) -> pd.DataFrame:
        url = self._url("tables", table_id, "data")
        params = {"lang": self.lang, "outputFormat": "json-stat2"}
        try:
            # parsed before it is cached: a malformed answer is never served from the cache
            return self.http.post_parsed(
                url, {"selection": chunk.to_query()}, decode_jsonstat2, params, cache_tag=cache_tag
            )
        except HttpStatusError as exc:
            raise translate_status_error(exc, f"tables/{table_id}/data") from exc


def plan_query(
    config: ApiConfig,
    metadata: TableMetadata,
    request: Mapping[str, Sequence[str]],
    codelists: Mapping[str, str],
    *,
    complete: bool = True,
) -> QueryPlan:
    """Expand a request against metadata and split it under the cell cap.

    With `complete`, variables missing from `request` are selected in full (explicitly), so
    the result never depends on the server's default selection. Without it, missing
    variables that may be eliminated are left out (the server sums them or uses their
    elimination value, e.g. a total) and missing mandatory ones are selected in full.
    """
    wanted: dict[str, Sequence[str]] = dict(request)
    named = {metadata.dimension(name).code for name in wanted}
    for dim in metadata.dimensions:
        if dim.code not in named and (complete or not dim.elimination):
            wanted[dim.code] = ["*"]
    selection = resolve(metadata, wanted, codelists)
    time = metadata.time_dimension
    prefer = [d.code for d in metadata.dimensions if time is None or d.code != time.code]
    chunks = split(selection, config.max_cells, prefer=prefer)
    return QueryPlan(
        metadata.table_id, selection, chunks, config.max_cells, config.max_calls, config.time_window
    )


def fetch_plan(
    plan: QueryPlan,
    post: Callable[[Selection], pd.DataFrame],
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Ask for every chunk; halve a chunk the server refuses as too large; check and order."""
    pending = list(plan.chunks)
    frames: list[pd.DataFrame] = []
    done = 0
    while pending:
        chunk = pending.pop(0)
        try:
            frame = post(chunk)
        except TooManyCellsError:
            if chunk.cells <= 1:
                raise
            pending[:0] = halve(chunk)  # the server's cap is lower than it said
            continue
        if len(frame) != chunk.cells:
            raise SourceError(
                f"Table {plan.table_id}: asked for {chunk.cells} cells, got {len(frame)}."
            )
        frames.append(frame)
        done += chunk.cells
        if progress is not None:
            progress(done, plan.cells)
    return _in_table_order(_concat(frames), plan.selection)


def _concat(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Stack same-shaped tidy frames column by column (pd.concat inspects every object cell
    for missing values, which costs seconds per million cells)."""
    if len(frames) == 1:
        return frames[0]
    columns = list(frames[0].columns)
    return pd.DataFrame(
        {c: np.concatenate([f[c].to_numpy() for f in frames]) for c in columns}, columns=columns
    )


def translate_status_error(exc: HttpStatusError, what: str) -> SourceError:
    """Map the server's Problem JSON to our typed errors."""
    title = exc.title
    if exc.status in (400, 403) and "too many" in (title or exc.body).lower():
        return TooManyCellsError(f"{what}: too many cells selected.", status=exc.status)
    if exc.status == 404:
        return NotFoundError(
            f"{what}: not found on the server ({title or 'HTTP 404'}).",
            "Check the table id with `forecast search`.",
            status=404,
        )
    if exc.status == 400:
        return SourceError(
            f"{what}: the server refused the query: {title or exc.body[:200]}.",
            "The catalog's selection does not fit the table; see docs/catalog.md.",
            status=400,
        )
    return SourceError(str(exc), status=exc.status)


def _in_table_order(frame: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    """Chunks split on an inner variable come back interleaved: restore row-major order.

    Also checks that every cell is one that was asked for and that none came twice.
    """
    position = np.zeros(len(frame), dtype=np.int64)
    for variable, chosen in selection.items():
        index = frame[variable].map({code: i for i, code in enumerate(chosen.codes)})
        if index.isna().any():
            raise SourceError(f"The server returned {variable} codes that were not asked for.")
        position = position * len(chosen.codes) + index.to_numpy(dtype=np.int64)
    order = np.argsort(position, kind="stable")
    if (np.diff(position[order]) == 0).any():
        raise SourceError("The server returned a cell more than once.")
    return frame.iloc[order].reset_index(drop=True)


def ensure_known(metadata: TableMetadata, variables: Sequence[str]) -> None:
    """Raise UsageError unless the table has every variable (codes compared case-insensitively)."""
    for variable in variables:
        metadata.dimension(variable)
