"""AF's jobseeker file into the store (`forecast fetch --dataset jobseekers --file PATH`)."""

from __future__ import annotations

from pathlib import Path

from kompetens_forecast.errors import DataError
from kompetens_forecast.jobs.fetch import FetchResult, fetch_lock
from kompetens_forecast.jobs.ingest import ingest
from kompetens_forecast.sources.af_jobseekers import COLUMNS, DATASET, LICENCE, read_jobseekers
from kompetens_forecast.sources.download import Download
from kompetens_forecast.store.datasets import DataContext
from kompetens_forecast.store.store import utc_now


def import_jobseekers(ctx: DataContext, path: Path | None, *, dry_run: bool = False) -> FetchResult:
    """`forecast fetch --dataset jobseekers --file PATH`: validate and store the file."""
    if path is None:
        raise DataError(
            "Jobseekers are imported from a file AF publishes (no API).",
            "Run `forecast fetch --dataset jobseekers --file PATH` (columns: "
            f"{', '.join(COLUMNS)}; see docs/catalog.md).",
        )
    frame = read_jobseekers(path)
    if dry_run:
        return FetchResult(DATASET, "planned", [path.name], 0, len(frame))
    with fetch_lock(ctx.data_dir):
        result = ingest(
            ctx,
            Download(
                frame,
                dataset=DATASET,
                source="af",
                title="Inskrivna arbetssökande efter sökt yrke (SSYK-4) och region",
                table_ids=[path.name],
                dims=("period", "region_code", "ssyk"),
                retrieved_at=utc_now(),
                query={"file": str(path)},
                provenance="Arbetsförmedlingen's jobseeker statistics, imported from a local file.",
                licence=LICENCE,
                urls=[path.name],
                calls=0,
                cells=len(frame),
            ),
        )
    return result
