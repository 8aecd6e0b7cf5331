"""Tightness: vacancies (AF job ads) against jobseekers and employment, per region × SSYK-4.

DESIGN §4 and METHODS-REFERENCE §3.2, with V = ads open in AF's JobSearch at the snapshot
(`job_ads`), U = AF's registered jobseekers by sought occupation (`jobseekers`), E = employees
(SCB, latest year):

- tightness θ = V/U, published as `log_tightness = log((V + 0.5) / (U + 0.5))` (the 0.5 keeps
  cells with no ads or no jobseekers finite and ordered);
- `jobseekers_per_employed` = U/E; `vacancy_rate` = V/(V + E);
- `ads_growth` = Δ log(V + 0.5) between the last two full calendar years of AF's historical ads
  (`job_ads_history`, ads by publication month);
- Beveridge points per county and period: u = U/(U + E) against v = V/(V + E). SCB's labour
  force per county × occupation does not exist, so E + U stands in for it (documented limit);
- Şahin–Song–Topa–Violante mismatch index over markets i (occupations in a county, or counties):
  M = 1 − Σ_i (v_i/V)^α (u_i/U)^(1−α), reported for α = 0.3, 0.5, 0.7 (the vacancy elasticity
  of the matching function is not known for Sweden, so the sensitivity is shown).

Levels never mix: county rows are summed from kommun rows only when the source has no county
rows, and riket is the sum of the 21 counties only when the source has no riket rows.
Pure functions: no I/O.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kompetens_forecast.analysis.panel import sum_parts
from kompetens_forecast.analysis.totals import complete_sum, complete_total
from kompetens_forecast.schema import RIKET

ALPHAS = (0.3, 0.5, 0.7)
SMOOTHING = 0.5  # added to counts inside logs


def _county_and_riket(frame: pd.DataFrame, value: str) -> pd.DataFrame:
    """region_code, ssyk, `value` for riket and the counties, from county rows, or from kommun
    rows when the frame has no county rows; riket as the county sum when it has none."""
    data = frame.assign(
        region_code=frame["region_code"].astype(str), ssyk=frame["ssyk"].astype(str)
    )
    counties = data[data["region_code"].str.len() == 2]
    if counties[counties["region_code"] != RIKET].empty:
        kommun = data[data["region_code"].str.len() == 4]
        counties = pd.concat(
            [counties, kommun.assign(region_code=kommun["region_code"].str[:2])],
            ignore_index=True,
        )
    # a masked part makes its sum missing, never a partial sum
    strict = counties.rename(columns={value: "value"})
    per = sum_parts(strict, ["region_code", "ssyk"])
    if per[per["region_code"] == RIKET].empty:
        riket = sum_parts(per, ["ssyk"]).assign(region_code=RIKET)
        per = pd.concat([per, riket], ignore_index=True)
    return per.rename(columns={"value": value})


def _kommun_ssyk3(frame: pd.DataFrame, value: str) -> pd.DataFrame:
    """region_code, ssyk, `value` per kommun × SSYK-3 (the level of SCB's kommun data): the
    kommun rows' SSYK-4 counts summed within their SSYK-3 group (a finer level summed into its
    parent, never two levels added together); SSYK 0002 (unknown) is left out."""
    data = frame.assign(
        region_code=frame["region_code"].astype(str), ssyk=frame["ssyk"].astype(str)
    )
    kommun = data[(data["region_code"].str.len() == 4) & (data["ssyk"].str.len() == 4)]
    kommun = kommun[kommun["ssyk"] != "0002"]
    strict = kommun.assign(ssyk=kommun["ssyk"].str[:3]).rename(columns={value: "value"})
    return sum_parts(strict, ["region_code", "ssyk"]).rename(columns={"value": value})


def _by_level(frame: pd.DataFrame, value: str, level: str) -> pd.DataFrame:
    return _kommun_ssyk3(frame, value) if level == "kommun" else _county_and_riket(frame, value)


def _latest(frame: pd.DataFrame, period: str) -> pd.DataFrame:
    if period not in frame.columns or frame.empty:
        return frame
    newest = frame[period].astype(str) == str(frame[period].astype(str).max())
    return frame.loc[newest]


def vacancies(ads: pd.DataFrame, level: str = "county") -> pd.DataFrame:
    """V at the newest `snapshot_date` of a `job_ads` frame: per riket/county × SSYK-4
    (`level="county"`) or per kommun × SSYK-3 (`level="kommun"`)."""
    return _by_level(_latest(ads, "snapshot_date"), "ads", level).rename(
        columns={"ads": "vacancies"}
    )


def jobseekers(frame: pd.DataFrame, level: str = "county") -> pd.DataFrame:
    """U in the newest `period` of a `jobseekers` frame, at `level` as in `vacancies`."""
    return _by_level(_latest(frame, "period"), "jobseekers", level)


def ads_growth(history: pd.DataFrame) -> pd.DataFrame:
    """Δ log(V + 0.5) between the last two full calendar years of `job_ads_history` (columns
    month 'YYYY-MM', region_code, ssyk, ads). A year counts as full with all 12 months."""
    data = history.assign(year=history["month"].astype(str).str[:4].astype(int))
    months = data.groupby("year")["month"].nunique()
    full = sorted(int(y) for y in months[months == 12].index)
    if len(full) < 2:
        return pd.DataFrame(columns=["region_code", "ssyk", "ads_growth"])
    last, before = full[-1], full[-2]
    per_year = {
        year: _county_and_riket(data[data["year"] == year], "ads").set_index(
            ["region_code", "ssyk"]
        )["ads"]
        for year in (before, last)
    }
    both = pd.concat(per_year, axis=1).fillna(0.0)
    growth = np.log(both[last] + SMOOTHING) - np.log(both[before] + SMOOTHING)
    return pd.DataFrame(growth.rename("ads_growth")).reset_index()


def tightness_cells(
    employed: pd.DataFrame,
    vacancy: pd.DataFrame | None,
    seekers: pd.DataFrame | None,
) -> pd.DataFrame:
    """Per cell of `employed` (region_code, ssyk, n_employed): the tightness indicators the
    available data allow (vacancy_rate needs V; jobseekers_per_employed needs U; log_tightness
    needs both). Cells the sources do not list count 0 ads / 0 jobseekers."""
    out = employed[["region_code", "ssyk", "n_employed"]].copy()
    e = out["n_employed"].astype(float).clip(lower=1.0)
    if vacancy is not None:
        out = out.merge(vacancy, on=["region_code", "ssyk"], how="left", indicator="_listed")
        out["vacancies"] = _unlisted_as_zero(out, "vacancies")
        out["vacancy_rate"] = out["vacancies"] / (out["vacancies"] + e)
    if seekers is not None:
        out = out.merge(seekers, on=["region_code", "ssyk"], how="left", indicator="_listed")
        out["jobseekers"] = _unlisted_as_zero(out, "jobseekers")
        out["jobseekers_per_employed"] = out["jobseekers"] / e
    if vacancy is not None and seekers is not None:
        out["log_tightness"] = np.log(out["vacancies"] + SMOOTHING) - np.log(
            out["jobseekers"] + SMOOTHING
        )
    return out


def _unlisted_as_zero(merged: pd.DataFrame, column: str) -> pd.Series:
    """A cell the source does not list has 0; a listed but masked cell stays missing. Drops
    the merge indicator."""
    listed = merged.pop("_listed") == "both"
    return merged[column].astype(float).where(listed, 0.0)


def mismatch_index(v: pd.Series, u: pd.Series, alpha: float) -> float:
    """M = 1 − Σ_i (v_i/V)^α (u_i/U)^(1−α) over the markets i of the aligned series v, u.

    0 when vacancies and jobseekers are spread alike over the markets; up to 1 when they sit in
    different markets. Markets with a masked (missing) count are left out; NaN without
    vacancies or without jobseekers."""
    known = v.notna() & u.notna()
    vv = v[known].astype(float).clip(lower=0.0)
    uu = u[known].astype(float).clip(lower=0.0)
    total_v, total_u = float(vv.sum()), float(uu.sum())
    if total_v <= 0 or total_u <= 0:
        return float("nan")
    terms = (vv / total_v) ** alpha * (uu / total_u) ** (1.0 - alpha)
    return float(1.0 - terms.sum())


def county_labour_market(cells: pd.DataFrame) -> pd.DataFrame:
    """Per region (riket and counties) from `tightness_cells` output with both V and U:
    Beveridge coordinates u_rate = ΣU/(ΣU + ΣE), v_rate = ΣV/(ΣV + ΣE), tightness ΣV/ΣU, and
    the mismatch index over the region's occupations for each α (riket: also over counties,
    `mismatch_counties_a*`)."""
    rows = []
    for region, part in cells.groupby("region_code", sort=True):
        # complete totals: one masked count leaves the region's coordinates missing
        e = complete_sum(part["n_employed"])
        v = complete_sum(part["vacancies"])
        u = complete_sum(part["jobseekers"])
        row: dict[str, object] = {
            "region_code": str(region),
            "employed": e,
            "vacancies": v,
            "jobseekers": u,
            "u_rate": u / (u + e) if u + e > 0 else np.nan,
            "v_rate": v / (v + e) if v + e > 0 else np.nan,
            "tightness": v / u if u > 0 else np.nan,
        }
        for alpha in ALPHAS:
            row[f"mismatch_occupations_a{alpha:.1f}"] = mismatch_index(
                part["vacancies"], part["jobseekers"], alpha
            )
        rows.append(row)
    out = pd.DataFrame(rows)
    by_county = pd.DataFrame(
        {
            c: complete_total(cells[cells["region_code"] != RIKET], "region_code", c)
            for c in ("vacancies", "jobseekers")
        }
    )
    for alpha in ALPHAS:
        out[f"mismatch_counties_a{alpha:.1f}"] = np.where(
            out["region_code"] == RIKET,
            mismatch_index(by_county["vacancies"], by_county["jobseekers"], alpha),
            np.nan,
        )
    return out
