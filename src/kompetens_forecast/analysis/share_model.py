"""Share-based county forecasts: the county's share of the national occupation at the forecast
origin, held constant, × the national forecast of that occupation.

    ŷ_share(c, o, T+h) = (y_co,T / Y_o,T) · Ŷ_o(T+h)

Ŷ is riket's model forecast (damped trend, naive fallback). Rolling-origin backtests on the
demo data (origins 2018–2022) put it ahead of the county's own damped trend at every horizon
(county MASE 1.139 / 1.702 / 2.155 against 1.162 / 1.734 / 2.188 for h = 1..3; also on rows
crossing no break), so counties publish it (`model = share`) where it beat naive in the cell's
own 1-year backtest. County shares then sum to one, so the share forecasts already add up to
the national ones before raking.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kompetens_forecast.analysis.backtest import DEFAULT_ORIGINS, crosses_break
from kompetens_forecast.schema import RIKET

KEYS = ["region_code", "ssyk"]


def is_county(codes: pd.Series) -> np.ndarray:
    values = codes.astype(str)
    return ((values.str.len() == 2) & (values != RIKET)).to_numpy()


def share_forecast(modelled: pd.DataFrame, last: pd.DataFrame) -> np.ndarray:
    """ŷ_share per row of `modelled` (FORECAST_COLUMNS frame); NaN outside counties or where
    riket's value or forecast is missing. `last`: region_code, ssyk, size (value at T)."""
    riket = modelled.loc[modelled["region_code"] == RIKET, ["ssyk", "year", "yhat"]]
    riket = riket.rename(columns={"yhat": "national"})
    sizes = last[[*KEYS, "size"]]
    national_size = sizes[sizes["region_code"] == RIKET][["ssyk", "size"]].rename(
        columns={"size": "national_size"}
    )
    frame = (
        modelled[[*KEYS, "year"]]
        .merge(sizes, on=KEYS, how="left")
        .merge(national_size, on="ssyk", how="left")
        .merge(riket, on=["ssyk", "year"], how="left")
    )
    return _share(frame, is_county(modelled["region_code"]))


def _share(frame: pd.DataFrame, county: np.ndarray) -> np.ndarray:
    size = frame["size"].to_numpy(dtype="float64")
    national_size = frame["national_size"].to_numpy(dtype="float64")
    national = frame["national"].to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(national_size > 0, size / national_size, np.nan)
    return np.where(county, share * national, np.nan)


def share_backtest(rows: pd.DataFrame) -> np.ndarray:
    """The share model's prediction for each backtest row (origin, horizon) of a county."""
    riket = rows.loc[rows["region_code"] == RIKET, ["ssyk", "origin", "horizon", "naive", "yhat"]]
    riket = riket.rename(columns={"naive": "national_size", "yhat": "national"})
    frame = rows[["ssyk", "origin", "horizon", "naive"]].rename(columns={"naive": "size"})
    frame = frame.merge(riket, on=["ssyk", "origin", "horizon"], how="left")
    return _share(frame, is_county(rows["region_code"]))


def share_verdicts(
    rows: pd.DataFrame,
    break_years: Sequence[int],
    origins: Sequence[int] = DEFAULT_ORIGINS,
) -> pd.DataFrame:
    """Per county cell: mean 1-year MASE of the share model and whether it beats naive (same
    rows as `backtest.cell_verdicts`: origins 2018–2022, targets across a break left out)."""
    columns = [*KEYS, "backtest_mase_share", "share_beats_naive"]
    keep = (
        (rows["horizon"] == 1)
        & rows["origin"].isin(list(origins))
        & rows["share"].notna()
        & rows["scale"].notna()
    )
    part = rows[keep & ~crosses_break(rows, break_years)]
    if part.empty:
        return pd.DataFrame(columns=columns)
    scored = part.assign(
        mase_share=(part["actual"] - part["share"]).abs() / part["scale"],
        mase_naive=(part["actual"] - part["naive"]).abs() / part["scale"],
    )
    cells = scored.groupby(KEYS)[["mase_share", "mase_naive"]].mean()
    cells["share_beats_naive"] = cells["mase_share"] < cells["mase_naive"]
    cells = cells.rename(columns={"mase_share": "backtest_mase_share"})
    return cells.reset_index().loc[:, columns]
