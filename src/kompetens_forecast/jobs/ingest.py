"""The one store-write step: a source's `Download` (frame + provenance) becomes a new vintage
in the data directory, under the fetch lock. Sources never touch the store.

`fetch_yrkesbarometer` is the first source done this way; the other AF sources and Kolada
still hold their own lock-and-write blocks (see docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from kompetens_forecast.analysis.af_rounds import merge_rounds, rounds_equal
from kompetens_forecast.jobs.fetch import FetchResult, fetch_lock
from kompetens_forecast.sources.af_yrkesbarometer import (
    DATASET as BAROMETER,
)
from kompetens_forecast.sources.af_yrkesbarometer import (
    barometer_download,
    download_yrkesbarometer,
    round_info,
    yrkesbarometer_url,
)
from kompetens_forecast.sources.download import Download
from kompetens_forecast.sources.http import HttpClient
from kompetens_forecast.store.datasets import DataContext
from kompetens_forecast.store.store import utc_now


def ingest(ctx: DataContext, download: Download, notes: Sequence[str] = ()) -> FetchResult:
    """Write `download` as the current vintage of its dataset. The caller holds `fetch_lock`
    (it usually read the previous vintage under the same lock)."""
    manifest = ctx.user_store.write(
        download.frame,
        dataset=download.dataset,
        source=download.source,
        title=download.title,
        table_ids=list(download.table_ids),
        dims=list(download.dims),
        retrieved_at=download.retrieved_at,
        query=download.query,
        provenance=download.provenance,
        licence=download.licence,
        extra=download.extra,
    )
    return FetchResult(
        download.dataset,
        "written",
        list(download.urls),
        download.calls,
        download.cells,
        manifest=manifest,
        notes=list(notes),
    )


def fetch_yrkesbarometer(
    ctx: DataContext,
    http: HttpClient,
    *,
    base_url: str | None = None,
    dry_run: bool = False,
) -> FetchResult:
    """Download the Yrkesbarometer and add its round(s) to the stored dataset `yrkesbarometer`.

    Rounds already stored and absent upstream are kept; a downloaded round replaces the stored
    rows of the same round. Status "unchanged" (nothing written) when the downloaded rounds
    equal what is stored; "planned" for a dry run (no download).
    """
    with fetch_lock(ctx.data_dir):
        if dry_run:
            return FetchResult(BAROMETER, "planned", [yrkesbarometer_url(base_url)], 1, 0)
        new, records, url = download_yrkesbarometer(http, base_url)
        previous_manifest = ctx.user_store.manifest(BAROMETER)
        previous = ctx.user_store.read(BAROMETER) if previous_manifest is not None else None
        rounds = sorted(set(new["omgang"]))
        if rounds_equal(previous, new):
            return FetchResult(
                BAROMETER,
                "unchanged",
                [url],
                1,
                len(records),
                manifest=previous_manifest,
                notes=[f"round {', '.join(rounds)} already stored, unchanged"],
            )
        merged = merge_rounds(previous, new)
        retrieved_at = utc_now()
        stored_before = set(previous["omgang"]) if previous is not None else set()
        notes = [
            f"round {r} {'replaced' if r in stored_before else 'added'} "
            f"({int((new['omgang'] == r).sum())} rows)"
            for r in rounds
        ]
        kept = sorted(stored_before - set(rounds))
        if kept:
            notes.append(f"rounds kept from earlier fetches: {', '.join(kept)}")
        old = dict(previous_manifest.extra.get("round_info", {})) if previous_manifest else {}
        info = round_info(merged, records, old, set(rounds), retrieved_at, url)
        return ingest(ctx, barometer_download(merged, records, info, url, retrieved_at), notes)
