"""Complete totals: a total over parts is a number only when every part is known.

SCB suppresses small cells ("..", kept as missing values). Summing what is there would turn one
suppressed cell into a total that is too small — and every share, location quotient,
concentration index or rate on it into a wrong number that looks right (one suppressed cell of
two: a share of 100 % instead of 50 %). So every total in the indicators goes through here:

- the sum of the parts when all of them are known;
- otherwise SCB's own published total for that group when it was fetched (`published`: SCB
  publishes totals computed before suppression);
- otherwise missing.

Totals stay within one level (never riket + county, never SSYK-3 + SSYK-4 rows).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def complete_sum(values: pd.Series | np.ndarray | Sequence[float]) -> float:
    """The sum of `values`, NaN when any is missing or there are none."""
    array = np.asarray(values, dtype="float64")
    if array.size == 0 or np.isnan(array).any():
        return float("nan")
    return float(array.sum())


def complete_total(
    frame: pd.DataFrame,
    by: str | list[str],
    column: str,
    published: pd.Series | None = None,
) -> pd.Series:
    """Per group of `by`: the complete sum of `column` (see the module docstring), filled
    from `published` (indexed like the groups) where a part is missing."""
    grouped = frame.groupby(by, sort=True)[column]
    total = grouped.sum(min_count=1).where(grouped.count() == grouped.size())
    if published is not None:
        total = total.fillna(published.reindex(total.index))
    return total.astype("float64")


def complete_transform(
    frame: pd.DataFrame,
    by: str | list[str],
    column: str,
    published: pd.Series | None = None,
) -> pd.Series:
    """`complete_total` aligned to the rows of `frame` (each row gets its group's total)."""
    total = complete_total(frame, by, column, published)
    keys = frame[by] if isinstance(by, str) else pd.MultiIndex.from_frame(frame[by])
    return pd.Series(total.reindex(keys).to_numpy(), index=frame.index, dtype="float64")
