"""The real-time (nested) backtest of the published forecast procedure: evaluation rows for
every series of a panel, decided at each origin with data up to it (analysis/procedure.py) and
scored on the years that followed, with the notes that explain how to read them."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import numpy as np
import pandas as pd

from kompetens_forecast.analysis.backtest import (
    BACKTEST_COLUMNS,
    EXTRA_COLUMNS,
    FLAT_TOLERANCE,
    rescore,
)
from kompetens_forecast.analysis.forecast import ForecastSettings
from kompetens_forecast.analysis.procedure import (
    add_base,
    candidate_rows,
    choice_frame,
    choose,
    evidence,
    nested,
)
from kompetens_forecast.analysis.publish import region_chunks
from kompetens_forecast.engines import Engine


def backtest_notes(break_years: Sequence[int]) -> list[str]:
    """How to read backtest.parquet and its summary (written into the summary's notes)."""
    years = ", ".join(str(y) for y in break_years) or "none"
    return [
        "History and actuals are break-adjusted values (value_adj): values before a series "
        f"break (registered breaks: {years}) are scaled by the occupation's national break "
        "factor, so forecasts and targets are on the newest definition (2023: ages 16–69).",
        "Break factors are estimated once on the full national history, so rows whose window "
        "crosses a break use a factor from after the origin; for riket the adjusted change "
        "across a break equals the occupation's prior mean growth by construction, which "
        "flatters trend models. `break_free_by_horizon` shows rows crossing no break.",
        "MASE is scaled by the mean absolute one-step change over the training window "
        "(years ≤ origin); rows with a zero or undefined scale have no MASE.",
        "share_naive (counties only) = the county's share of the national occupation at the "
        "origin × riket's reference forecast (configured φ, window).",
        f"Direction: changes of at most {FLAT_TOLERANCE} persons count as no change; naive "
        "always predicts no change, so its direction accuracy is the share of flat actuals.",
        "A cell beats naive when its mean MASE over origins is strictly below naive's.",
        "Every row is a real-time (nested) forecast of the published procedure: at each origin "
        "the candidate (φ, window; counties: the share model), the weight on it against naive "
        "per cell group × horizon, and the interval quantiles are decided with data up to the "
        "origin only (analysis/procedure.py), then scored on the years that followed. "
        "`nested` summarises these rows per horizon; `procedure` is the choice published "
        "today (decided with every year up to the last); by_horizon, riket_by_horizon, "
        "counties_by_horizon and break_free_by_horizon give the detailed figures of the same "
        "rows.",
        "covered_normal: the reference model's normal-theory interval scaled to the point.",
    ]


def backtest_rows(
    matrix: pd.DataFrame,
    origins: Sequence[int],
    horizons: int,
    settings: ForecastSettings,
    engine: Engine,
    break_years: Sequence[int] = (),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Real-time (nested) evaluation rows of the published procedure for every series of
    `matrix` (riket and all counties: the procedure is pooled, so a county scores the same
    alone or with the others), and the procedure decided at the last origin."""
    chunks = region_chunks(matrix, engine.n_chunks())
    work = partial(candidate_rows, horizon=horizons, settings=settings)
    parts = [r for r in engine.map(work, chunks) if not r.empty]
    rows = pd.concat(parts, ignore_index=True)
    rows = add_base(rows[rows["origin"] < int(matrix.columns[-1])], settings, break_years)
    evaluated = nested(rows, origins, settings)
    # the procedure published today: decided with every row up to the last data year
    last_year = int(matrix.columns[-1])
    choice = choice_frame(choose(evidence(rows, settings), last_year, settings), settings)
    if evaluated.empty:
        return evaluated, choice
    reference = evaluated["reference"].to_numpy(dtype="float64")
    yhat = evaluated["yhat"].to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(reference > 0, yhat / reference, 1.0)
    evaluated = evaluated.assign(
        share_naive=evaluated["share_ref"],
        normal_lo=evaluated["normal_lo"] * ratio,
        normal_hi=evaluated["normal_hi"] * ratio,
    )
    out = rescore(evaluated)
    out["covered_normal"] = (out["normal_lo"] <= out["actual"]) & (
        out["actual"] <= out["normal_hi"]
    )
    for column in ("origin", "horizon", "year"):
        out[column] = out[column].astype("int64")
    return out, choice


OUTPUT_COLUMNS = [
    *BACKTEST_COLUMNS,
    *EXTRA_COLUMNS,
    "covered_normal",
    "interval_method",
    "naive_weight",
    "phi",
    "window",
]
