"""Upstream changes between two vintages of a dataset, found before the new one becomes current.

SCB and Arbetsförmedlingen change tables without notice: a county disappears from an answer, an
SSYK code is renamed, a table grows an extra dimension, a history is revised wholesale. Such a
vintage must not silently become the data every run uses, so `forecast fetch` compares it with
the current one and keeps it aside unless the change is accepted (`--accept-changes`).

What counts as a change (new periods and new codes *added* beside the old ones are normal):
- a dimension added or removed;
- codes of a dimension gone (a renamed code shows as one gone and one added);
- periods gone;
- the sum of the cells present in both vintages differing by more than `TOTAL_TOLERANCE` in
  a period (a comparison of like with like, never a published total).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

#: Relative difference of a period's sum over the cells in both vintages that counts as a
#: change (SCB revises recent years by well under this).
TOTAL_TOLERANCE = 0.05
_NOT_DIMENSIONS = {"year", "value", "symbol"}


@dataclass(frozen=True)
class Change:
    kind: str  # "dimension", "codes", "periods", "total"
    text: str


def _dimensions(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c not in _NOT_DIMENSIONS and not c.endswith("_label")]


def _listed(values: Sequence[str], limit: int = 3) -> str:
    shown = ", ".join(values[:limit])
    return f"{shown}, … ({len(values)} in all)" if len(values) > limit else shown


def compare_vintages(
    old: pd.DataFrame, new: pd.DataFrame, *, tolerance: float = TOTAL_TOLERANCE
) -> list[Change]:
    """The structural changes from `old` to `new` (empty when `new` can replace `old`)."""
    changes: list[Change] = []
    old_dims, new_dims = _dimensions(old), _dimensions(new)
    for dim in sorted(set(new_dims) - set(old_dims)):
        changes.append(Change("dimension", f"dimension '{dim}' added"))
    for dim in sorted(set(old_dims) - set(new_dims)):
        changes.append(Change("dimension", f"dimension '{dim}' removed"))
    common = [d for d in old_dims if d in new_dims]
    for dim in common:
        if dim == "period":
            continue
        gone = sorted(set(old[dim].astype(str)) - set(new[dim].astype(str)))
        if gone:
            added = sorted(set(new[dim].astype(str)) - set(old[dim].astype(str)))
            extra = f" ({len(added)} new: {_listed(added)})" if added else ""
            changes.append(Change("codes", f"{dim}: {len(gone)} gone: {_listed(gone)}{extra}"))
    period = "period" if "period" in common else "year"
    if period in old.columns and period in new.columns:
        gone_periods = sorted(set(old[period].astype(str)) - set(new[period].astype(str)))
        if gone_periods:
            changes.append(Change("periods", f"{period}s gone: {_listed(gone_periods)}"))
    if any(c.kind == "dimension" for c in changes) or "value" not in old or "value" not in new:
        return changes
    keys = [*common, *([] if "period" in common else ["year"])]
    joined = old[[*keys, "value"]].merge(
        new[[*keys, "value"]], on=keys, how="inner", suffixes=("_old", "_new")
    )
    joined = joined.dropna(subset=["value_old", "value_new"])
    if joined.empty:
        return changes
    sums = joined.groupby(period)[["value_old", "value_new"]].sum()
    for key, row in sums.iterrows():
        base = abs(float(row["value_old"]))
        if base > 0 and abs(float(row["value_new"]) - float(row["value_old"])) / base > tolerance:
            pct = (float(row["value_new"]) / float(row["value_old"]) - 1) * 100
            changes.append(
                Change("total", f"{period} {key}: the same cells sum {pct:+.1f} % differently")
            )
    return changes


def summarise(changes: Sequence[Change], limit: int = 3) -> str:
    """'N changes: first; second; third; …' for one line."""
    texts = [c.text for c in changes]
    more = f"; … ({len(texts) - limit} more)" if len(texts) > limit else ""
    noun = "change" if len(texts) == 1 else "changes"
    return f"{len(texts)} {noun}: " + "; ".join(texts[:limit]) + more
