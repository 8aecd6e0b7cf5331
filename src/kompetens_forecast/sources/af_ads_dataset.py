"""What the job-ad datasets share when written: source, licence, snapshot keys, replacement.

`job_ads` (JobSearch counts) and `job_ads_snapshot` (JobStream) keep every earlier snapshot
date: a new fetch replaces only the rows of its own date (and, for `job_ads`, its own region
level, told apart by code length: 2 digits län, 4 digits kommun). `job_ads_history` holds
exactly the files of its last fetch.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from kompetens_forecast.errors import DataError

__all__ = ["LICENCE", "SNAPSHOT_DIMS", "SOURCE", "sorted_unique"]

SOURCE = "af"
LICENCE = "Arbetsförmedlingen / JobTech open data, CC0 (cite 'Källa: Arbetsförmedlingen')."
#: Keys (and dims) of the snapshot datasets `job_ads` and `job_ads_snapshot`.
SNAPSHOT_DIMS = ("snapshot_date", "region_code", "ssyk")


def sorted_unique(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """`frame` sorted by `keys`; a DataError if any key occurs twice (a bug)."""
    if frame.duplicated(list(keys)).any():
        raise DataError(f"Duplicate keys {list(keys)} in job-ad counts (a bug).")
    return frame.sort_values(list(keys)).reset_index(drop=True)
