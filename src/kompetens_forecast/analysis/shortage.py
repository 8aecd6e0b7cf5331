"""Shortage status per region × SSYK-4: indicators, shrinkage, calibration to AF labels, scores.

A transparent composite (DESIGN §4, METHODS-REFERENCE §3.4 and §7 B):

1. per cell (region c, occupation o, latest year) raw indicators x_k(c,o);
2. small cells shrunk toward the occupation's national value, x̃ = w·x + (1 − w)·x(riket,o),
   w = n/(n + κ);
3. robust z-scores, centre and scale from the riket occupation cells (median, 1.4826·MAD),
   clipped to ±clip;
4. weights = coefficients of a model calibrated to AF's labels on the riket rows AF labels
   (`shortage_model`: ordinal logit överskott < balans < brist by default, or a binary logit);
   score = Σ w_k z_k (+ intercept), higher = more shortage;
5. status from the model's cut-offs (brist / balans / överskott); paradox only by the 2×2 rule
   when a recruitment-pressure indicator (ads per employed) exists.

Pure functions: no I/O, no printing. `kompetens_forecast.shortage_run` reads and writes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kompetens_forecast.analysis.shortage_model import (
    LABELS,
    ShortageModel,
    classify,
    fit,
)
from kompetens_forecast.analysis.shortage_settings import ShortageSettings, load_settings
from kompetens_forecast.analysis.shortage_validation import (
    CrossValidation,
    cross_validate,
    repeated_cv,
)
from kompetens_forecast.analysis.tightness import (
    ads_growth,
    jobseekers,
    tightness_cells,
    vacancies,
)
from kompetens_forecast.errors import DataError
from kompetens_forecast.schema import RIKET
from kompetens_forecast.sources.af_yrkesbarometer import current_labels

__all__ = ["LABELS", "ShortageSettings", "load_settings", "shortage_scores", "summary"]

SHRUNK = {
    "growth_5y",
    "growth_1y",
    "log_lq",
    "ads_per_employed",
    "share_55plus",
    "log_tightness",
    "jobseekers_per_employed",
    "ads_growth",
}
MAD_SCALE = 1.4826


# -- indicators -----------------------------------------------------------------------------
def _skill_number(value: object) -> float:
    if not isinstance(value, str) or not value:
        return math.nan
    parts = [float(p) for p in value.replace("-", "–").split("–") if p.strip()]
    return float(np.mean(parts)) if parts else math.nan


def raw_indicators(indicators: pd.DataFrame) -> pd.DataFrame:
    """Per region × SSYK-4 (from `regional.indicators_for`): region_code, ssyk, n_employed and
    the raw (unshrunk, unstandardised) base indicators."""
    cells = indicators[indicators["ssyk"].str.len() == 4]
    if cells.empty:
        raise DataError("No SSYK-4 cells in the employment indicators.")
    out = pd.DataFrame(
        {
            "region_code": cells["region_code"].astype(str).to_numpy(),
            "ssyk": cells["ssyk"].astype(str).to_numpy(),
            "n_employed": cells["employed"].astype(float).to_numpy(),
            "growth_5y": cells["cagr_5y_adj"].astype(float).to_numpy(),
            "growth_1y": cells["change_1y_pct"].astype(float).to_numpy(),
            "skill_level": [_skill_number(v) for v in cells["skill_level"]],
            "log_lq": np.log(cells["lq"].astype(float).where(cells["lq"] > 0).to_numpy()),
        }
    )
    national = out[out["region_code"] == RIKET].set_index("ssyk")["n_employed"]
    if national.empty:
        raise DataError("The shortage score needs riket (00) cells in the employment indicators.")
    out["log_size"] = np.log1p(out["ssyk"].map(national).astype(float))
    return out


def ads_indicator(ads: pd.DataFrame, cells: pd.DataFrame) -> pd.DataFrame:
    """log((ads + 0.5) / employees) per region × SSYK-4 from a `job_ads` frame (newest
    snapshot; see `tightness.vacancies` for how counties and riket are formed). Cells without
    ads count 0 ads."""
    merged = cells[["region_code", "ssyk", "n_employed"]].merge(
        vacancies(ads), on=["region_code", "ssyk"], how="left"
    )
    value = np.log(
        (merged["vacancies"].fillna(0.0).astype(float) + 0.5) / merged["n_employed"].clip(lower=1)
    )
    return merged[["region_code", "ssyk"]].assign(ads_per_employed=np.asarray(value, dtype=float))


def tightness_indicator(
    name: str, cells: pd.DataFrame, ads: pd.DataFrame | None, seekers: pd.DataFrame | None
) -> pd.DataFrame:
    """`log_tightness` (needs ads and jobseekers) or `jobseekers_per_employed` (jobseekers)."""
    frame = tightness_cells(
        cells,
        vacancies(ads) if ads is not None else None,
        jobseekers(seekers) if seekers is not None else None,
    )
    return frame[["region_code", "ssyk", name]]


def ads_growth_indicator(history: pd.DataFrame, cells: pd.DataFrame) -> pd.DataFrame:
    """Δ log(ads + 0.5) over the last two full years of `job_ads_history`; cells the history
    does not list get no value (→ z = 0 after shrinkage toward the national value)."""
    growth = ads_growth(history)
    return cells[["region_code", "ssyk"]].merge(growth, on=["region_code", "ssyk"], how="left")


def _age_lower(value: object) -> float:
    digits = ""
    for ch in str(value):
        if ch.isdigit():
            digits += ch
        elif digits:
            break
    return float(digits) if digits else math.nan


def age_indicator(age: pd.DataFrame, cells: pd.DataFrame) -> pd.DataFrame:
    """Share of employees aged 55+ (per cent) per region × SSYK-3 in the latest year, from an
    `employment_age_ssyk3` frame (columns region_code, ssyk, age, year, value; age bands named
    by their lower bound, e.g. "55-64"; totals such as "tot" ignored), mapped to SSYK-4 cells.
    Riket = sum of counties when absent."""
    data = age.copy()
    data["region_code"] = data["region_code"].astype(str)
    data["ssyk"] = data["ssyk"].astype(str).str[:3]
    if "year" in data.columns:
        data = data[data["year"] == data["year"].max()]
    data["lower"] = [_age_lower(a) for a in data["age"]]
    data = data[data["lower"].notna()]
    data["old"] = np.where(data["lower"] >= 55, data["value"].astype(float), 0.0)
    per = data.groupby(["region_code", "ssyk"], as_index=False)[["old", "value"]].sum()
    if per[per["region_code"] == RIKET].empty:
        counties = per[per["region_code"].str.len() == 2]
        riket = counties.groupby("ssyk", as_index=False)[["old", "value"]].sum()
        per = pd.concat([per, riket.assign(region_code=RIKET)], ignore_index=True)
    per["share_55plus"] = per["old"] / per["value"].where(per["value"] > 0) * 100.0
    keyed = cells[["region_code", "ssyk"]].assign(ssyk3=cells["ssyk"].str[:3])
    merged = keyed.merge(
        per[["region_code", "ssyk", "share_55plus"]].rename(columns={"ssyk": "ssyk3"}),
        on=["region_code", "ssyk3"],
        how="left",
    )
    return merged[["region_code", "ssyk", "share_55plus"]]


def shrink(cells: pd.DataFrame, columns: Sequence[str], kappa: float) -> pd.DataFrame:
    """x̃ = w·x + (1 − w)·x(riket, o), w = n/(n + κ); a missing cell value takes the national
    one, a missing national value leaves the cell's own."""
    out = cells.copy()
    n = out["n_employed"].fillna(0.0).clip(lower=0.0)
    weight = n / (n + kappa) if kappa > 0 else pd.Series(1.0, index=out.index)
    national = out[out["region_code"] == RIKET].set_index("ssyk")
    for column in columns:
        own = out[column].astype(float)
        anchor = out["ssyk"].map(national[column]).astype(float)
        shrunk = weight * own + (1.0 - weight) * anchor
        out[column] = shrunk.fillna(own).fillna(anchor)
    return out


@dataclass(frozen=True)
class Standardisation:
    centre: dict[str, float]
    scale: dict[str, float]
    clip: float


def standardise(
    cells: pd.DataFrame, columns: Sequence[str], clip: float
) -> tuple[pd.DataFrame, Standardisation]:
    """Robust z from the riket cells' median and 1.4826·MAD (all cells' when riket's MAD is 0),
    clipped to ±clip; a missing value becomes 0 (the median)."""
    out = cells.copy()
    centre: dict[str, float] = {}
    scale: dict[str, float] = {}
    riket = out["region_code"] == RIKET
    for column in columns:
        values = out[column].astype(float)
        ref = values[riket].dropna()
        med = float(ref.median()) if not ref.empty else 0.0
        mad = float((ref - med).abs().median()) * MAD_SCALE if not ref.empty else 0.0
        if not mad > 0:
            allv = values.dropna()
            med_all = float(allv.median()) if not allv.empty else 0.0
            mad = float((allv - med_all).abs().median()) * MAD_SCALE if not allv.empty else 0.0
        if not mad > 0:
            mad = 1.0
        centre[column], scale[column] = med, mad
        out[column] = ((values - med) / mad).clip(-clip, clip).fillna(0.0)
    return out, Standardisation(centre, scale, clip)


# -- the whole score ------------------------------------------------------------------------
@dataclass(frozen=True)
class ShortageResult:
    cells: pd.DataFrame  # every region × SSYK-4: scores, statuses, ind_* columns
    model: ShortageModel
    standardisation: Standardisation
    cv: CrossValidation
    features: tuple[str, ...]
    reported: tuple[str, ...]
    missing_optional: tuple[str, ...]
    settings: ShortageSettings
    thresholds: dict[str, float | str] = field(default_factory=dict)
    cv_repeated: dict[str, Any] = field(default_factory=dict)

    def carried(self) -> dict[str, float]:
        """Each fitted indicator's share of Σ|w| (how much it carries the score)."""
        total = sum(abs(w) for w in self.model.weights.values())
        if total == 0:
            return {k: 0.0 for k in self.model.weights}
        return {k: abs(w) / total for k, w in self.model.weights.items()}


def shortage_scores(
    indicators: pd.DataFrame,
    labels: pd.DataFrame,
    settings: ShortageSettings,
    *,
    ads: pd.DataFrame | None = None,
    age: pd.DataFrame | None = None,
    seekers: pd.DataFrame | None = None,
    ads_history: pd.DataFrame | None = None,
    previous_labels: pd.DataFrame | None = None,
) -> ShortageResult:
    """Score and classify every region × SSYK-4 cell of `indicators`.

    `labels`: AF's current labels (region_code, ssyk, rekryteringssituation[, omgang]) as from
    `current_labels`; `previous_labels`: the same for the round before (persistence baseline);
    `ads` / `age` / `seekers` / `ads_history`: optional `job_ads` / `employment_age_ssyk3` /
    `jobseekers` / `job_ads_history` frames. An optional indicator is used when its data exist.
    """
    cells = raw_indicators(indicators)
    present = {
        "ads": ads is not None and not ads.empty,
        "age": age is not None and not age.empty,
        "seekers": seekers is not None and not seekers.empty,
        "history": ads_history is not None and not ads_history.empty,
    }
    builders: dict[str, tuple[tuple[str, ...], Callable[[], pd.DataFrame]]] = {
        "ads_per_employed": (("ads",), lambda: ads_indicator(_given(ads), cells)),
        "share_55plus": (("age",), lambda: age_indicator(_given(age), cells)),
        "log_tightness": (
            ("ads", "seekers"),
            lambda: tightness_indicator("log_tightness", cells, ads, seekers),
        ),
        "jobseekers_per_employed": (
            ("seekers",),
            lambda: tightness_indicator("jobseekers_per_employed", cells, None, seekers),
        ),
        "ads_growth": (("history",), lambda: ads_growth_indicator(_given(ads_history), cells)),
    }
    missing: list[str] = []
    optional_used: list[str] = []
    for name in settings.optional:
        needs, build = builders[name]
        if not all(present[n] for n in needs):
            missing.append(name)
            continue
        cells = cells.merge(build(), on=["region_code", "ssyk"], how="left")
        optional_used.append(name)
    features = tuple(dict.fromkeys([*settings.base, *optional_used]))
    reported = tuple(dict.fromkeys([*features, *settings.report_only]))
    shrunk = shrink(cells, [c for c in reported if c in SHRUNK], settings.kappa)
    z, std = standardise(shrunk, list(reported), settings.clip)

    lab = labels.loc[:, ["region_code", "ssyk", "rekryteringssituation"]].rename(
        columns={"rekryteringssituation": "af_label"}
    )
    if "omgang" in labels.columns:
        lab = lab.assign(af_omgang=labels["omgang"].to_numpy())
    else:
        lab = lab.assign(af_omgang=None)
    z = z.merge(lab, on=["region_code", "ssyk"], how="left")
    fit_rows = z[(z["region_code"] == settings.fit_region) & z["af_label"].notna()]
    model = fit(fit_rows, features, settings)
    previous = None
    if previous_labels is not None and not previous_labels.empty:
        prev = previous_labels[previous_labels["region_code"] == settings.fit_region]
        previous = prev.set_index("ssyk")["rekryteringssituation"]
    cv = cross_validate(fit_rows, features, settings, previous)
    cv_repeated = repeated_cv(fit_rows, features, settings)

    score = model.score(z)
    model_status = classify(model, score, z, settings)
    has_af = z["af_label"].isin(LABELS)
    out = pd.DataFrame(
        {
            "region_code": z["region_code"],
            "ssyk": z["ssyk"],
            "score": score.astype(float),
            "status": np.where(has_af, z["af_label"], model_status),
            "source": np.where(has_af, "af", "model"),
            "n_employed": z["n_employed"].astype(float),
            "model_status": model_status.astype(str),
            "af_status": z["af_label"].astype(object).where(has_af),
            "af_omgang": z["af_omgang"].astype(object).where(has_af),
            "probability_brist": model.probability_brist(score),
        }
    )
    for name in reported:
        out[f"ind_{name}"] = z[name].astype(float)
    for name in reported:
        out[f"raw_{name}"] = shrunk[name].astype(float).to_numpy()
    out = out.sort_values(["region_code", "ssyk"], ignore_index=True)
    lower, upper = model.cutoffs
    thresholds: dict[str, float | str] = {
        "rule": model.cutoff_rule,
        "brist_score": upper,
        "overskott_score": lower,
        "brist_probability": settings.brist_probability,
        "overskott_probability": settings.overskott_probability,
    }
    return ShortageResult(
        cells=out,
        model=model,
        standardisation=std,
        cv=cv,
        features=features,
        reported=reported,
        missing_optional=tuple(missing),
        settings=settings,
        thresholds=thresholds,
        cv_repeated=cv_repeated,
    )


def _given(frame: pd.DataFrame | None) -> pd.DataFrame:
    if frame is None:  # guarded by `present` in shortage_scores
        raise DataError("An optional indicator was built without its data.")
    return frame


def previous_round_labels(frame: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Per region × SSYK-4: AF's label of the newest round before the current one (for the
    persistence baseline); `frame` is the raw Yrkesbarometer dataset, `current` its
    `current_labels`."""
    keyed = frame.merge(
        current[["region_code", "ssyk", "omgang"]].rename(columns={"omgang": "_current"}),
        on=["region_code", "ssyk"],
        how="inner",
    )
    earlier = keyed[keyed["omgang"] < keyed["_current"]].drop(columns="_current")
    if earlier.empty:
        return pd.DataFrame(columns=["region_code", "ssyk", "rekryteringssituation"])
    return current_labels(earlier)


def summary(result: ShortageResult) -> dict[str, Any]:
    """The published description of a run: settings, weights, thresholds, fit, CV."""
    status_counts: Mapping[Any, int] = result.cells["status"].value_counts().to_dict()
    return {
        "method": f"L2-penalised {result.model.kind} logit calibrated to AF Yrkesbarometer "
        "labels on robust z-scores of shrunk indicators (docs/methods.md, 'Shortage status')",
        "settings": result.settings.to_dict(),
        "indicators_used": list(result.features),
        "indicators_reported_only": [r for r in result.reported if r not in result.features],
        "indicators_missing": list(result.missing_optional),
        "weights": dict(result.model.weights),
        "intercept": result.model.intercept,
        "carried_share": result.carried(),
        "thresholds": dict(result.thresholds),
        "standardisation": {
            "centre": dict(result.standardisation.centre),
            "scale": dict(result.standardisation.scale),
            "clip": result.standardisation.clip,
        },
        "fit": result.model.to_dict(),
        "cross_validation": {**result.cv.to_dict(), "repeated": result.cv_repeated},
        "status_counts": {str(k): int(v) for k, v in status_counts.items()},
        "source_counts": {
            str(k): int(v) for k, v in result.cells["source"].value_counts().to_dict().items()
        },
    }
