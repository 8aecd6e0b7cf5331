"""The tidy frame every SCB reader returns (see the package docstring)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import pandas as pd

LABEL_SUFFIX: Final = "_label"


def label_column(dimension: str) -> str:
    return f"{dimension}{LABEL_SUFFIX}"


def tidy_columns(dimensions: Sequence[str]) -> list[str]:
    """Column order of a tidy frame: code and label per dimension, then value and symbol."""
    columns: list[str] = []
    for dimension in dimensions:
        columns += [dimension, label_column(dimension)]
    return [*columns, "value", "symbol"]


def empty_tidy(dimensions: Sequence[str]) -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in tidy_columns(dimensions)})
    frame["value"] = frame["value"].astype("float64")
    return frame
