"""SCB's older PxWeb API v1 (api.scb.se/OV0104/v1/doris/{lang}/ssd/...), for tables only there.

Quirks (as of 2026-11; SCB says v1 stays through 2026 only):
- Tables are addressed by their path in the database tree ("BE/BE0101/BE0101A/BefolkningNy"),
  not by a TAB id; the update time is only in the parent folder's listing (`updated`).
- Limits come from `{base}/{lang}/?config`: `maxValues` (cells per query), `maxCalls` per
  `timeWindow` seconds (SCB: 150,000 cells; 30 calls / 10 s).
- Too many cells → 403 `{"error": "Too many values selected"}`; rate limit → 429.
- Queries are POSTed: `{"query": [{"code": V, "selection": {"filter": F, "values": [...]}}],
  "response": {"format": "json-stat"}}` with filters item, all, top, agg:NAME, vs:NAME. We
  expand every selection ourselves (same expressions as v2) and send explicit `item` lists,
  or `vs:`/`agg:` with explicit codes when a codelist is named.
- Responses: `json-stat` (1.x, `dataset` wrapper) is used; `json` is decodable too.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import pandas as pd

from kompetens_forecast.errors import SourceError, TooManyCellsError
from kompetens_forecast.sources.http import HttpClient, HttpStatusError
from kompetens_forecast.sources.jsonstat import TableMetadata, decode_jsonstat1, parse_metadata_v1
from kompetens_forecast.sources.scb_v2 import (
    ApiConfig,
    Progress,
    QueryPlan,
    ScbClientBase,
    fetch_plan,
    pace_to,
    translate_status_error,
)
from kompetens_forecast.sources.selection import Selection

DEFAULT_V1_BASE_URL = "https://api.scb.se/OV0104/v1/doris"
V1_BASE_URL_ENV = "KF_SCB_V1_BASE_URL"


def v1_base_url_from_env() -> str:
    return os.environ.get(V1_BASE_URL_ENV, DEFAULT_V1_BASE_URL).rstrip("/")


def v1_filter(codelist: str | None) -> str:
    """The v1 filter for a v2-style codelist id: vs_X → vs:X, agg_X → agg:X, none → item."""
    if not codelist:
        return "item"
    for prefix in ("vs", "agg"):
        if codelist.startswith(f"{prefix}_"):
            return f"{prefix}:{codelist[len(prefix) + 1 :]}"
        if codelist.startswith(f"{prefix}:"):
            return codelist
    return f"vs:{codelist}"


def v1_query(selection: Selection, response_format: str = "json-stat") -> dict[str, Any]:
    return {
        "query": [
            {
                "code": variable,
                "selection": {"filter": v1_filter(chosen.codelist), "values": list(chosen.codes)},
            }
            for variable, chosen in selection.items()
        ],
        "response": {"format": response_format},
    }


class ScbV1Client(ScbClientBase):
    """A PxWeb v1 server; same interface as PxWebClient (config, metadata, plan, data)."""

    def __init__(
        self, base_url: str | None = None, http: HttpClient | None = None, lang: str = "sv"
    ) -> None:
        super().__init__(base_url, http, lang, v1_base_url_from_env)

    def _url(self, path: str = "") -> str:
        segments = [quote(p, safe="") for p in path.strip("/").split("/") if p]
        return "/".join([self.base_url, quote(self.lang), "ssd", *segments])

    def config(self) -> ApiConfig:
        if self._config is None:
            doc = self.http.get_json(f"{self.base_url}/{quote(self.lang)}/?config", refresh=True)
            try:
                self._config = ApiConfig(
                    api_version="1",
                    max_cells=int(doc["maxValues"]),
                    max_calls=int(doc["maxCalls"]),
                    time_window=float(doc["timeWindow"]),
                    default_language=self.lang,
                    languages=(self.lang,),
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise SourceError(f"The v1 server's ?config lacks the limits: {exc}") from exc
            pace_to(self.http, self._config)
        return self._config

    def levels(self, path: str = "") -> list[dict[str, Any]]:
        """The folder listing at `path` (tables have type "t" and an `updated` stamp)."""
        self.config()
        try:
            doc = self.http.get_json(self._url(path), refresh=True)
        except HttpStatusError as exc:
            raise translate_status_error(exc, path) from exc
        return list(doc) if isinstance(doc, list) else []

    def metadata(self, table_id: str, *, refresh: bool = True) -> TableMetadata:
        """Metadata of the table at path `table_id`, with `updated` from its folder listing."""
        if table_id not in self._metadata:
            self.config()
            try:
                doc = self.http.get_json(self._url(table_id), refresh=refresh)
            except HttpStatusError as exc:
                raise translate_status_error(exc, table_id) from exc
            folder, _, name = table_id.strip("/").rpartition("/")
            updated = next(
                (str(e.get("updated")) for e in self.levels(folder) if e.get("id") == name), None
            )
            self._metadata[table_id] = parse_metadata_v1(doc, table_id=table_id, updated=updated)
        return self._metadata[table_id]

    def _plan_metadata(self, table_id: str, codelists: Mapping[str, str]) -> TableMetadata:
        return self.metadata(table_id)  # v1 has no codelists: the plan maps them itself

    def data(
        self, plan: QueryPlan, *, cache_tag: str | None = None, progress: Progress | None = None
    ) -> pd.DataFrame:
        return fetch_plan(plan, lambda chunk: self._post(plan.table_id, chunk, cache_tag), progress)

    def _post(self, table_id: str, chunk: Selection, cache_tag: str | None) -> pd.DataFrame:
        try:
            # parsed before it is cached: a malformed answer is never served from the cache
            return self.http.post_parsed(
                self._url(table_id), v1_query(chunk), decode_jsonstat1, cache_tag=cache_tag
            )
        except HttpStatusError as exc:
            error = translate_status_error(exc, table_id)
            if exc.status == 403:  # v1 says "Too many values selected" with a 403
                raise TooManyCellsError(
                    f"{table_id}: too many values selected.", status=403
                ) from exc
            raise error from exc
