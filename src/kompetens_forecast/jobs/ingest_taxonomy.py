"""The JobTech taxonomy into the store (`forecast fetch --dataset taxonomy`); reading it back."""

from __future__ import annotations

from typing import Any

import pandas as pd

from kompetens_forecast.errors import DataError
from kompetens_forecast.jobs.fetch import FetchResult, fetch_lock
from kompetens_forecast.jobs.ingest import ingest
from kompetens_forecast.sources.af_taxonomy import (
    DATASET,
    GRAPHQL_PATH,
    LICENCE,
    SOURCE,
    TAXONOMY_COLUMNS,
    TITLE,
    TYPES,
    VERSIONS_PATH,
    bundled_taxonomy,
    latest_version,
    parse_occupation_names,
    parse_regions,
    parse_ssyk_level,
    taxonomy_base_url,
    taxonomy_frame,
    taxonomy_queries,
)
from kompetens_forecast.sources.download import Download
from kompetens_forecast.sources.http import HttpClient
from kompetens_forecast.store.datasets import DataContext
from kompetens_forecast.store.store import utc_now


def fetch_taxonomy(
    ctx: DataContext,
    http: HttpClient,
    *,
    base_url: str | None = None,
    dry_run: bool = False,
) -> FetchResult:
    """Refresh the dataset `taxonomy` from the taxonomy API (current version, pinned).

    One call for the version list (always asked afresh), then, unless the stored dataset has
    that version already ("unchanged"), one GraphQL call per query (cached by the HTTP cache:
    a pinned version never changes).
    """
    base = taxonomy_base_url(base_url)
    versions_url = base + VERSIONS_PATH
    graphql_url = base + GRAPHQL_PATH
    with fetch_lock(ctx.data_dir):
        if dry_run:
            calls = 1 + len(taxonomy_queries(0))
            return FetchResult(DATASET, "planned", [versions_url, graphql_url], calls, 0)
        version = latest_version(http.get_json(versions_url, refresh=True))
        previous = ctx.user_store.manifest(DATASET)
        if previous is not None and previous.extra.get("taxonomy_version") == version:
            return FetchResult(
                DATASET,
                "unchanged",
                [versions_url],
                1,
                0,
                manifest=previous,
                notes=[f"taxonomy version {version} already stored"],
            )
        rows: list[dict[str, Any]] = []
        queries = taxonomy_queries(version)
        for query in queries:
            payload = http.get_json(graphql_url, {"query": query.text})
            if query.name.startswith("ssyk-level-"):
                rows += parse_ssyk_level(payload, int(query.name[-1]), version)
            elif query.name == "region":
                rows += parse_regions(payload, version)
            else:
                rows += parse_occupation_names(payload, version)
        frame = taxonomy_frame(rows)
        counts = {k: int(v) for k, v in frame.groupby("type")["type"].size().items()}
        missing = [kind for kind in TYPES if counts.get(kind, 0) == 0]
        if missing:
            raise DataError(
                f"Taxonomy version {version}: no concepts of type {missing}.",
                "The API's answer changed; nothing was written.",
            )
        notes = [f"taxonomy version {version}"]
        if previous is not None and previous.extra.get("taxonomy_version") is not None:
            notes.append(f"replaces version {previous.extra['taxonomy_version']}")
        result = ingest(
            ctx,
            Download(
                frame,
                dataset=DATASET,
                source=SOURCE,
                title=TITLE,
                table_ids=[VERSIONS_PATH, GRAPHQL_PATH],
                dims=["type", "concept_id"],
                retrieved_at=utc_now(),
                query={"base_url": base, "queries": {q.name: q.text for q in queries}},
                provenance=(
                    f"JobTech taxonomy API ({base}), version {version}, fetched by "
                    "kompetens-forecast through GraphQL pinned to that version."
                ),
                licence=LICENCE,
                extra={"taxonomy_version": version, "rows_per_type": counts},
                urls=[versions_url, graphql_url],
                calls=1 + len(queries),
                cells=len(frame),
            ),
            notes,
        )
        return result


def load_taxonomy(ctx: DataContext) -> pd.DataFrame:
    """The fetched `taxonomy` dataset, else the bundled copies (`bundled_taxonomy()`)."""
    if ctx.has(DATASET):
        frame = ctx.load(DATASET).frame
        missing = [c for c in TAXONOMY_COLUMNS if c not in frame.columns]
        if missing:
            raise DataError(
                f"Stored dataset '{DATASET}' lacks columns {missing}.",
                "Fetch it again: forecast fetch --dataset taxonomy.",
            )
        return frame.loc[:, TAXONOMY_COLUMNS]
    return bundled_taxonomy()
