"""What a report needs of a shortage run: the region's cells and the model's validation."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class ShortageCells:
    cells: pd.DataFrame  # shortage_scores(...).cells for the region
    omgang: str | None  # AF's newest round
    auc: float | None = None  # mean grouped, repeated CV AUC brist vs överskott (0.5 = chance)
    skilful: bool = False  # the status rule lets the model publish statuses
    best_single: str = ""  # the single signal with the best CV AUC
    best_single_auc: float | None = None
