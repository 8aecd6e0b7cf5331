"""`forecast fetch --dataset kolada --kpi …`: Kolada KPIs into the store through `ingest`."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from kompetens_forecast.errors import DataError, InvalidOptionError
from kompetens_forecast.jobs.fetch import FetchResult, fetch_lock
from kompetens_forecast.jobs.ingest import ingest
from kompetens_forecast.sources.download import Download
from kompetens_forecast.sources.http import HttpClient
from kompetens_forecast.sources.kolada import (
    DATASET,
    DIMS,
    IDS_PER_CALL,
    LICENCE,
    SOURCE,
    check_kpi,
    fetch_kpi,
    kolada_base_url,
    merge_kpis,
)
from kompetens_forecast.store.datasets import DataContext
from kompetens_forecast.store.store import utc_now


def fetch_kolada(
    ctx: DataContext,
    http: HttpClient,
    kpis: Sequence[str],
    region_codes: Sequence[str],
    *,
    base_url: str | None = None,
    dry_run: bool = False,
) -> FetchResult:
    """`forecast fetch --dataset kolada --kpi N00914`: the KPIs for the regions into `kolada`.

    Without a KPI this refreshes the KPIs already stored (the manifest lists them)."""
    previous_manifest = ctx.user_store.manifest(DATASET)
    stored = list(previous_manifest.extra.get("kpis", []) if previous_manifest else [])
    wanted = [check_kpi(k) for k in kpis] or stored
    if not wanted:
        raise InvalidOptionError(
            "Kolada needs the KPI(s) to fetch.",
            "Run `forecast fetch --dataset kolada --kpi N00914` (repeatable).",
        )
    base = kolada_base_url(base_url)
    if dry_run:
        calls = len(wanted) * -(-len(region_codes) // IDS_PER_CALL)
        return FetchResult(DATASET, "planned", wanted, calls, 0)
    with fetch_lock(ctx.data_dir):
        frames, urls = [], []
        for kpi in wanted:
            frame, asked = fetch_kpi(http, kpi, region_codes, base_url=base)
            if frame.empty:
                raise DataError(
                    f"Kolada returned no data for KPI {kpi}.",
                    "Check the id on kolada.se (a KPI may cover only kommuner or only regioner).",
                )
            frames.append(frame)
            urls += asked
        new = pd.concat(frames, ignore_index=True)
        previous = ctx.user_store.read(DATASET) if previous_manifest is not None else None
        merged = merge_kpis(previous, new, wanted)
        all_kpis = sorted(set(merged["kpi"]))
        result = ingest(
            ctx,
            Download(
                merged,
                dataset=DATASET,
                source=SOURCE,
                title=f"Kolada: nyckeltal {', '.join(all_kpis)}",
                table_ids=all_kpis,
                dims=DIMS,
                retrieved_at=utc_now(),
                query={"base_url": base, "kpis": wanted, "regions": len(region_codes)},
                provenance=(
                    f"Kolada open API ({base}), fetched by kompetens-forecast. Region ids mapped "
                    "to SCB codes (0020 → 20, 0000 → 00); gender T/K/M → sex 1+2/2/1."
                ),
                licence=LICENCE,
                extra={"kpis": all_kpis},
                urls=wanted,
                calls=len(urls),
                cells=len(new),
            ),
        )
    return result
