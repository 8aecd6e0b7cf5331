"""Shortage status per region × SSYK-4: indicators, shrinkage, calibration to AF labels, scores.

A transparent composite (DESIGN §4, METHODS-REFERENCE §3.4 and §7 B):

1. per cell (region c, occupation o, latest year) raw indicators x_k(c,o);
2. small cells shrunk toward the occupation's national value, x̃ = w·x + (1 − w)·x(riket,o),
   w = n/(n + κ);
3. robust z-scores, centre and scale from the riket occupation cells (median, 1.4826·MAD),
   clipped to ±clip;
4. weights from the procedure in `[fit] model` on the riket rows AF labels: a unit-weighted
   score of the a-priori signed z with only its P(brist) mapping fitted (published, fixed a
   priori; `shortage_candidates`), or a logit (`shortage_model`); score = Σ w_k z_k +
   intercept, the log-odds of brist, higher = more shortage; every candidate procedure can be
   cross-validated beside it;
5. status from the model's cut-offs (brist / balans / överskott); paradox only by the 2×2 rule
   when a recruitment-pressure indicator (ads per employed) exists.

Pure functions: no I/O, no printing. `kompetens_forecast.jobs.shortage` reads and writes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from kompetens_forecast.analysis.af_rounds import current_labels
from kompetens_forecast.analysis.shortage_candidates import fit_published, fitters, procedure
from kompetens_forecast.analysis.shortage_county import county_label_check, county_signals
from kompetens_forecast.analysis.shortage_model import (
    LABELS,
    ShortageModel,
    classify,
    fit,
    label_share_cutoffs,
)
from kompetens_forecast.analysis.shortage_settings import ShortageSettings, load_settings
from kompetens_forecast.analysis.shortage_signals import SIGNALS
from kompetens_forecast.analysis.shortage_validation import (
    CrossValidation,
    cross_validate,
    select_features,
)
from kompetens_forecast.analysis.tightness import (
    ads_growth,
    jobseekers,
    tightness_cells,
    vacancies,
)
from kompetens_forecast.analysis.totals import complete_total
from kompetens_forecast.errors import DataError
from kompetens_forecast.schema import RIKET

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


def _complete(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Complete totals of `old` and `value` per group (analysis.totals): never a partial sum."""
    return pd.DataFrame(
        {column: complete_total(frame, by, column) for column in ("old", "value")}
    ).reset_index()


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
    per = _complete(data, ["region_code", "ssyk"])  # a part missing: the share is missing
    if per[per["region_code"] == RIKET].empty:
        counties = per[per["region_code"].str.len() == 2]
        riket = _complete(counties, ["ssyk"])
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
NO_ASSESSMENT = "ingen bedömning"  # "no assessment": the model's skill or the row's data fall short


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
    checks: dict[str, Any] = field(default_factory=dict)

    def carried(self) -> dict[str, float]:
        """Each fitted indicator's share of Σ|w| (how much it carries the score)."""
        total = sum(abs(w) for w in self.model.weights.values())
        if total == 0:
            return {k: 0.0 for k in self.model.weights}
        return {k: abs(w) / total for k, w in self.model.weights.items()}


def barometer_groups(labels: pd.DataFrame) -> pd.Series:
    """Per label row: its CV group, the connected set of barometer occupations (`yb_yrke`,
    several names joined by "; " where an SSYK-4 code belongs to more than one), named by its
    first name in sort order. Codes sharing any barometer occupation share a group."""
    names = [
        str(v).split("; ") if isinstance(v, str) and v else [f"ssyk:{i}"]
        for i, v in enumerate(labels.get("yb_yrke", pd.Series([None] * len(labels))).tolist())
    ]
    parent: dict[str, str] = {}

    def root(a: str) -> str:
        while parent.setdefault(a, a) != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for row in names:
        for other in row[1:]:
            ra, rb = root(row[0]), root(other)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    return pd.Series([root(row[0]) for row in names], index=labels.index, dtype=object)


def _signal_cells(cells: pd.DataFrame, signals: pd.DataFrame | None) -> pd.DataFrame:
    """Every region's cells with the occupation's national signals (counties included: no
    county pay, age or ad series exist in the demo, so `signals_scope` says 'riket')."""
    if signals is None or signals.empty:
        return cells.assign(signals_scope=None)
    extra = [c for c in signals.columns if c != "ssyk"]
    merged = cells.merge(signals, on="ssyk", how="left")
    has_any = merged[[c for c in extra if c in SIGNALS]].notna().any(axis=1)
    merged["signals_scope"] = pd.Series(RIKET, index=merged.index, dtype=object).where(has_any)
    return merged


def _coverage(raw: pd.DataFrame, model: ShortageModel) -> pd.Series:
    """Share of Σ|w| whose indicator the row has data for (a missing value scores 0 = the
    median, which says nothing about the occupation)."""
    total = sum(abs(w) for w in model.weights.values())
    if total == 0:
        return pd.Series(0.0, index=raw.index)
    present = sum(abs(w) * raw[name].notna().astype(float) for name, w in model.weights.items())
    return pd.Series(present / total, index=raw.index, dtype=float)


def shortage_scores(
    indicators: pd.DataFrame,
    labels: pd.DataFrame,
    settings: ShortageSettings,
    *,
    signals: pd.DataFrame | None = None,
    ads: pd.DataFrame | None = None,
    age: pd.DataFrame | None = None,
    seekers: pd.DataFrame | None = None,
    ads_history: pd.DataFrame | None = None,
    previous_labels: pd.DataFrame | None = None,
    candidates: bool = False,
) -> ShortageResult:
    """Score and classify every region × SSYK-4 cell of `indicators`.

    `labels`: AF's current labels (region_code, ssyk, rekryteringssituation[, omgang, yb_yrke,
    county_level]) as from `current_labels`; `previous_labels`: the same for the round before
    (persistence baseline); `signals`: national signals per SSYK-4 (`national_signals`);
    `ads` / `age` / `seekers` / `ads_history`: optional `job_ads` / `employment_age_ssyk3` /
    `jobseekers` / `job_ads_history` frames. An indicator is used when its data exist.
    `candidates`: also cross-validate every procedure of `settings.candidates` on the same
    folds (a minute on the demo; `forecast shortage` reports them).
    """
    cells = _signal_cells(raw_indicators(indicators), signals)
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
        if name in cells.columns:  # a national signal of the same name gives way to the data
            cells = cells.drop(columns=name)
        cells = cells.merge(build(), on=["region_code", "ssyk"], how="left")
        optional_used.append(name)
    base: list[str] = []
    for name in settings.base:
        if name in SIGNALS and (name not in cells.columns or cells[name].isna().all()):
            missing.append(name)  # its dataset is absent
        else:
            base.append(name)
    features = tuple(dict.fromkeys([*base, *optional_used]))
    reported = tuple(
        dict.fromkeys([*features, *(r for r in settings.report_only if r in cells.columns)])
    )
    shrunk = shrink(cells, [c for c in reported if c in SHRUNK], settings.kappa)
    z, std = standardise(shrunk, list(reported), settings.clip)

    lab = labels.loc[:, ["region_code", "ssyk", "rekryteringssituation"]].rename(
        columns={"rekryteringssituation": "af_label"}
    )
    lab["af_omgang"] = labels["omgang"].to_numpy() if "omgang" in labels.columns else None
    lab["af_group"] = barometer_groups(labels).to_numpy()
    lab["af_county_level"] = (
        labels["county_level"].to_numpy() if "county_level" in labels.columns else False
    )
    z = z.merge(lab, on=["region_code", "ssyk"], how="left")
    fit_rows = z[(z["region_code"] == settings.fit_region) & z["af_label"].notna()]
    previous = None
    if previous_labels is not None and not previous_labels.empty:
        prev = previous_labels[previous_labels["region_code"] == settings.fit_region]
        previous = prev.set_index("ssyk")["rekryteringssituation"]
    cv = cross_validate(
        fit_rows,
        features,
        settings,
        previous,
        fitter=procedure(features, settings),
        candidates=fitters(features, settings) if candidates else None,
        signs=dict(settings.signs),
    )
    model = _published_model(fit_rows, features, settings)

    score = model.score(z)
    probability = model.probability_brist(score)
    model_status = classify(model, score, z, settings)
    coverage = _coverage(shrunk, model)
    calibrated = cv.recalibrate(score) if model.cutpoints is None else probability
    decided = np.where(model_status == "överskott", 1.0 - calibrated, calibrated)
    confidence = (coverage * pd.Series(decided, index=z.index)).clip(0.0, 1.0)
    publish = (
        cv.skilful
        & model_status.isin(["brist", "överskott", "paradox"])
        & (coverage >= settings.min_coverage)
        & (confidence >= settings.min_confidence)
    )
    has_af = z["af_label"].isin(LABELS)
    words_sv, words_en = drivers(z, model)
    out = pd.DataFrame(
        {
            "region_code": z["region_code"],
            "ssyk": z["ssyk"],
            "score": score.astype(float),
            "status": np.where(
                has_af, z["af_label"], np.where(publish, model_status, NO_ASSESSMENT)
            ),
            "source": np.where(has_af, "af", "model"),
            "n_employed": z["n_employed"].astype(float),
            "confidence": confidence.astype(float),
            "drivers": words_sv,
            "drivers_en": words_en,
            "coverage": coverage.astype(float),
            "model_status": model_status.astype(str),
            "model_published": publish.astype(bool),
            "af_status": z["af_label"].astype(object).where(has_af),
            "af_omgang": z["af_omgang"].astype(object).where(has_af),
            "af_county_level": z["af_county_level"].astype(object).where(has_af),
            "probability_brist": probability,
            "probability_brist_calibrated": calibrated,
            "signals_scope": z["signals_scope"].astype(object),
        }
    )
    own = z[["region_code", "ssyk"]].merge(
        county_signals(indicators), on=["region_code", "ssyk"], how="left"
    )
    out["county_growth_vs_riket"] = own["growth_vs_riket"].astype(float).to_numpy()
    out["county_lq_change_5y"] = own["lq_change_5y"].astype(float).to_numpy()
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
        "min_cv_auc": settings.min_cv_auc,
        "min_coverage": settings.min_coverage,
        "min_confidence": settings.min_confidence,
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
        checks=_checks(out, settings),
    )


def _published_model(
    fit_rows: pd.DataFrame, features: Sequence[str], settings: ShortageSettings
) -> ShortageModel:
    """The published fit on every labelled row of the fit region: the logits as before, any
    other procedure through `shortage_candidates.fit_published`, with status cut-offs from
    `settings` (probability cut-offs, or AF's label shares)."""
    if settings.model in ("binary", "ordinal"):
        selected, fitted_settings = _final_selection(fit_rows, features, settings)
        return fit(fit_rows, selected, fitted_settings)
    rows = fit_rows[fit_rows["af_label"].isin(LABELS)]
    labels = rows["af_label"].astype(str).tolist()
    model = fit_published(
        rows.loc[:, list(features)].to_numpy(dtype=np.float64),
        labels,
        rows["af_group"].astype(str).tolist(),
        list(features),
        settings,
    )
    if settings.cutoff_rule == "label_shares":
        cutoffs = label_share_cutoffs(model.score(rows), labels)
    else:
        cutoffs = _logit(settings.overskott_probability), _logit(settings.brist_probability)
    return replace(model, cutoffs=cutoffs, cutoff_rule=settings.cutoff_rule)


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def _final_selection(
    fit_rows: pd.DataFrame, features: Sequence[str], settings: ShortageSettings
) -> tuple[tuple[str, ...], ShortageSettings]:
    """The indicators and penalty of the published fit, chosen by the same inner grouped CV as
    in every outer fold, now on all labelled rows (binary model; the ordinal model keeps all
    indicators and its configured l2)."""
    if settings.model != "binary":
        return tuple(features), settings
    rows = fit_rows[fit_rows["af_label"].isin(["brist", "överskott"])]
    if rows["af_label"].nunique() < 2:
        return tuple(features), settings
    x = rows.loc[:, list(features)].to_numpy(dtype=np.float64)
    y = np.asarray(rows["af_label"] == "brist", dtype=np.float64)
    columns, l2 = select_features(x, y, rows["af_group"].astype(str).to_numpy(), settings)
    return tuple(features[c] for c in columns), replace(settings, l2=l2)


def _spearman(a: pd.Series, b: pd.Series) -> float:
    ok = a.notna() & b.notna()
    if ok.sum() < 3:
        return math.nan
    return float(a[ok].rank().corr(b[ok].rank()))


def _checks(out: pd.DataFrame, settings: ShortageSettings) -> dict[str, Any]:
    """Size must not decide the status: rank correlation of size and score (riket, and the
    labelled rows); agreement of the model with AF's county-level labels where they exist."""
    riket = out[out["region_code"] == settings.fit_region]
    labelled = riket[riket["af_status"].notna()]
    county = out[
        (out["region_code"] != settings.fit_region)
        & out["af_county_level"].astype("boolean").fillna(False).astype(bool)
        & out["af_status"].isin(["brist", "överskott", "balans"])
    ]
    decided = county[county["model_status"].isin(["brist", "överskott"])]
    return {
        "size_score_spearman": {
            "all_riket_occupations": _spearman(riket["n_employed"], riket["score"]),
            "labelled_occupations": _spearman(labelled["n_employed"], labelled["score"]),
            "note": "rank correlation between employees (riket) and the score; occupation "
            "size is not a fitted indicator",
        },
        "county_labels": {
            "n": len(county),
            "n_model_decided": len(decided),
            "agree": int((decided["model_status"] == decided["af_status"]).sum()),
            "note": "AF's county-level labels (hogsta_bedomningsniva = län) against the "
            "model's status of the same county × occupation; counties use national signals",
            "within_occupation": county_label_check(
                out, ("county_growth_vs_riket", "county_lq_change_5y", "score")
            ),
            "within_occupation_note": "per occupation, the share of county pairs AF labels "
            "differently (överskott < balans < brist; paradox left out) that the county's own "
            "signal (or the model's score) orders the same way, ties half, 0.5 = chance",
        },
    }


DRIVER_WORDS: dict[str, dict[str, tuple[str, str]]] = {
    # signal → language → (word when the value is high, word when it is low)
    "growth_5y": {"sv": ("växer", "krymper"), "en": ("growing", "shrinking")},
    "growth_1y": {
        "sv": ("ökade i fjol", "minskade i fjol"),
        "en": ("up last year", "down last year"),
    },
    "pay_relative": {"sv": ("hög lön", "låg lön"), "en": ("high pay", "low pay")},
    "pay_growth_3y": {
        "sv": ("lönen ökar snabbt", "lönen ökar långsamt"),
        "en": ("pay rising fast", "pay rising slowly"),
    },
    "pay_growth_7y": {
        "sv": ("lönen har ökat snabbt", "lönen har ökat långsamt"),
        "en": ("pay has risen fast", "pay has risen slowly"),
    },
    "pay_dispersion": {
        "sv": ("stor lönespridning", "liten lönespridning"),
        "en": ("wide pay spread", "narrow pay spread"),
    },
    "share_55plus": {"sv": ("många 55+", "få 55+"), "en": ("many aged 55+", "few aged 55+")},
    "share_60plus": {"sv": ("många 60+", "få 60+"), "en": ("many aged 60+", "few aged 60+")},
    "share_under30": {"sv": ("många unga", "få unga"), "en": ("many under 30", "few under 30")},
    "replacement_5y": {
        "sv": ("stort ersättningsbehov", "litet ersättningsbehov"),
        "en": ("high replacement need", "low replacement need"),
    },
    "replacement_10y": {
        "sv": ("stort ersättningsbehov", "litet ersättningsbehov"),
        "en": ("high replacement need", "low replacement need"),
    },
    "vacancies_per_employed": {
        "sv": ("många lediga jobb", "få lediga jobb"),
        "en": ("many vacancies", "few vacancies"),
    },
    "ads_growth_12m": {
        "sv": ("annonser ökar", "annonser minskar"),
        "en": ("ads rising", "ads falling"),
    },
    "ads_growth_36m": {
        "sv": ("fler annonser än för tre år sedan", "färre annonser än för tre år sedan"),
        "en": ("more ads than 3 years ago", "fewer ads than 3 years ago"),
    },
    "ads_per_employed": {"sv": ("många annonser", "få annonser"), "en": ("many ads", "few ads")},
    "log_tightness": {
        "sv": ("få sökande per jobb", "många sökande per jobb"),
        "en": ("few jobseekers per job", "many jobseekers per job"),
    },
    "jobseekers_per_employed": {
        "sv": ("många arbetssökande", "få arbetssökande"),
        "en": ("many jobseekers", "few jobseekers"),
    },
    "ads_growth": {
        "sv": ("annonser ökar", "annonser minskar"),
        "en": ("ads rising", "ads falling"),
    },
    "share_55plus_ssyk3": {"sv": ("många 55+", "få 55+"), "en": ("many aged 55+", "few aged 55+")},
}
MAX_DRIVERS = 3
MIN_CONTRIBUTION = 0.05  # on the log-odds scale: smaller pulls are not worth naming


def drivers(z: pd.DataFrame, model: ShortageModel) -> tuple[list[str], list[str]]:
    """Per row: the (up to) three signals that move the score most, |w·z| largest first, in
    words (Swedish, English), e.g. "hög lön, många 55+, annonser ökar"."""
    names = [n for n in model.features if n in DRIVER_WORDS]
    if not names:
        return [""] * len(z), [""] * len(z)
    values = z.loc[:, names].to_numpy(dtype=np.float64)
    weights = np.array([model.weights[n] for n in names])
    pull = values * weights
    order = np.argsort(-np.abs(pull), axis=1, kind="stable")[:, :MAX_DRIVERS]
    out_sv: list[str] = []
    out_en: list[str] = []
    for i in range(len(z)):
        sv: list[str] = []
        en: list[str] = []
        for j in order[i]:
            if abs(pull[i, j]) < MIN_CONTRIBUTION:
                continue
            high = values[i, j] > 0
            words = DRIVER_WORDS[names[j]]
            sv.append(words["sv"][0 if high else 1])
            en.append(words["en"][0 if high else 1])
        out_sv.append(", ".join(dict.fromkeys(sv)))
        out_en.append(", ".join(dict.fromkeys(en)))
    return out_sv, out_en


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


METHOD_WORDS = {
    "binary": "L2-penalised logit of AF's brist vs överskott",
    "ordinal": "L2-penalised ordinal logit of AF's överskott < balans < brist",
    "logit_l2_strong": "strongly L2-penalised logit of AF's brist vs överskott",
    "logit_signed": "L2-penalised logit of AF's brist vs överskott, weights held to their "
    "a-priori signs",
    "unit_weighted": "unit-weighted score (equal weights on a-priori signed signals, Dawes "
    "1979), mapped to P(brist) by a one-variable logit on AF's labels",
    "unit_domains": "OECD-style unit-weighted score (signed signals averaged within pay, age, "
    "ads and employment, then equally across them), mapped to P(brist) by a one-variable "
    "logit on AF's labels",
    "unit_core": "unit-weighted score of METHODS-REFERENCE §3.4's short list, mapped to "
    "P(brist) by a one-variable logit on AF's labels",
    "nested_choice": "the candidate procedure chosen by inner grouped cross-validation",
}


def _method_words(model: str) -> str:
    return METHOD_WORDS.get(model, model)


def summary(result: ShortageResult) -> dict[str, Any]:
    """The published description of a run: settings, weights, thresholds, fit, CV."""
    status_counts: Mapping[Any, int] = result.cells["status"].value_counts().to_dict()
    return {
        "method": _method_words(result.settings.model)
        + " on robust z-scores of shrunk indicators (docs/methods.md, 'Shortage status')",
        "procedure": result.settings.model,
        "status_rule": (
            "status = AF's label where AF has one; elsewhere the model's status only when its "
            f"mean cross-validated AUC ≥ {result.settings.min_cv_auc}, the row has data for ≥ "
            f"{result.settings.min_coverage:.0%} of the fitted weight and confidence ≥ "
            f"{result.settings.min_confidence}; otherwise '{NO_ASSESSMENT}'"
        ),
        "model_skilful": result.cv.skilful,
        "settings": result.settings.to_dict(),
        "indicators_used": list(result.features),
        "indicators_selected": list(result.model.features),
        "l2": result.model.l2,
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
        "cross_validation": result.cv.to_dict(),
        "checks": result.checks,
        "status_counts": {str(k): int(v) for k, v in status_counts.items()},
        "source_counts": {
            str(k): int(v) for k, v in result.cells["source"].value_counts().to_dict().items()
        },
    }
