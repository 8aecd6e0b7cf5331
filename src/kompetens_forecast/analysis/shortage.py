"""Shortage status per region × SSYK-4: indicators, shrinkage, calibration to AF labels, scores.

A transparent composite (DESIGN §4, METHODS-REFERENCE §3.4 and §7 B):

1. per cell (region c, occupation o, latest year) raw indicators x_k(c,o);
2. small cells shrunk toward the occupation's national value, x̃ = w·x + (1 − w)·x(riket,o),
   w = n/(n + κ);
3. robust z-scores, centre and scale from the riket occupation cells (median, 1.4826·MAD),
   clipped to ±clip;
4. weights = coefficients of an L2-penalised logistic regression of AF's label brist (1) vs
   överskott (0) on the riket rows AF labels; score = intercept + Σ w_k z_k (log-odds);
5. status from probability cut-offs (brist / balans / överskott); paradox only by the 2×2 rule
   when a recruitment-pressure indicator (ads per employed) exists.

Pure functions: no I/O, no printing. `kompetens_forecast.shortage_run` reads and writes.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from numpy.typing import NDArray

from kompetens_forecast.errors import DataError
from kompetens_forecast.resources import configs_dir
from kompetens_forecast.schema import RIKET
from kompetens_forecast.sources.af_yrkesbarometer import current_labels

LABELS = ("brist", "balans", "överskott", "paradox")
ORDINAL = ("brist", "balans", "överskott")
BASE_INDICATORS = ("growth_5y", "growth_1y", "log_size", "skill_level", "log_lq")
OPTIONAL_INDICATORS = ("ads_per_employed", "share_55plus")
SHRUNK = {"growth_5y", "growth_1y", "log_lq", "ads_per_employed", "share_55plus"}
MAD_SCALE = 1.4826

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class ShortageSettings:
    base: tuple[str, ...] = ("growth_5y", "growth_1y", "log_size", "skill_level")
    report_only: tuple[str, ...] = ("log_lq",)
    optional: tuple[str, ...] = OPTIONAL_INDICATORS
    clip: float = 3.0
    kappa: float = 200.0
    l2: float = 2.0
    fit_region: str = RIKET
    brist_probability: float = 0.60
    overskott_probability: float = 0.45
    paradox_pressure_z: float = 1.0
    paradox_growth_z: float = -0.5
    folds: int = 5
    seed: int = 20260

    def to_dict(self) -> dict[str, Any]:
        return {
            "indicators": {
                "base": list(self.base),
                "report_only": list(self.report_only),
                "optional": list(self.optional),
            },
            "standardise": {"clip": self.clip},
            "shrinkage": {"kappa": self.kappa},
            "fit": {"l2": self.l2, "region": self.fit_region},
            "thresholds": {
                "brist_probability": self.brist_probability,
                "overskott_probability": self.overskott_probability,
            },
            "paradox": {
                "pressure_z": self.paradox_pressure_z,
                "growth_z": self.paradox_growth_z,
            },
            "validation": {"folds": self.folds, "seed": self.seed},
        }


def load_settings(path: Path | None = None) -> ShortageSettings:
    """Settings from `configs/shortage.toml` (or `path`)."""
    path = path if path is not None else configs_dir() / "shortage.toml"
    try:
        with path.open("rb") as handle:
            doc = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"Cannot read shortage settings {path}: {exc}") from exc
    try:
        ind, fit, thr = doc["indicators"], doc["fit"], doc["thresholds"]
        settings = ShortageSettings(
            base=tuple(str(x) for x in ind["base"]),
            report_only=tuple(str(x) for x in ind.get("report_only", [])),
            optional=tuple(str(x) for x in ind.get("optional", [])),
            clip=float(doc["standardise"]["clip"]),
            kappa=float(doc["shrinkage"]["kappa"]),
            l2=float(fit["l2"]),
            fit_region=str(fit.get("region", RIKET)),
            brist_probability=float(thr["brist_probability"]),
            overskott_probability=float(thr["overskott_probability"]),
            paradox_pressure_z=float(doc["paradox"]["pressure_z"]),
            paradox_growth_z=float(doc["paradox"]["growth_z"]),
            folds=int(doc["validation"]["folds"]),
            seed=int(doc["validation"]["seed"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(f"Shortage settings {path} are incomplete or malformed: {exc}") from exc
    known = set(BASE_INDICATORS) | set(OPTIONAL_INDICATORS)
    unknown = [
        k for k in (*settings.base, *settings.report_only, *settings.optional) if k not in known
    ]
    if unknown:
        raise DataError(f"Shortage settings {path}: unknown indicators {unknown}.")
    if not 0 < settings.overskott_probability <= settings.brist_probability < 1:
        raise DataError(
            f"Shortage settings {path}: need 0 < overskott_probability ≤ brist_probability < 1."
        )
    return settings


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
    """log((ads + 0.5) / employees) per region × SSYK-4 from a `job_ads` frame (latest
    snapshot_date if present; kommun rows summed to counties when no county rows; riket = sum of
    counties when absent). Cells without ads count 0 ads."""
    data = ads.copy()
    data["region_code"] = data["region_code"].astype(str)
    data["ssyk"] = data["ssyk"].astype(str)
    if "snapshot_date" in data.columns:
        data = data[data["snapshot_date"] == data["snapshot_date"].max()]
    counties = data[data["region_code"].str.len() == 2]
    if counties[counties["region_code"] != RIKET].empty:
        kommun = data[data["region_code"].str.len() == 4]
        counties = pd.concat(
            [counties, kommun.assign(region_code=kommun["region_code"].str[:2])], ignore_index=True
        )
    per = counties.groupby(["region_code", "ssyk"], as_index=False)["ads"].sum()
    if per[per["region_code"] == RIKET].empty:
        riket = per.groupby("ssyk", as_index=False)["ads"].sum().assign(region_code=RIKET)
        per = pd.concat([per, riket], ignore_index=True)
    merged = cells[["region_code", "ssyk", "n_employed"]].merge(
        per, on=["region_code", "ssyk"], how="left"
    )
    value = np.log(
        (merged["ads"].fillna(0.0).astype(float) + 0.5) / merged["n_employed"].clip(lower=1)
    )
    return merged[["region_code", "ssyk"]].assign(ads_per_employed=np.asarray(value, dtype=float))


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


# -- model ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ShortageModel:
    features: tuple[str, ...]
    intercept: float
    weights: dict[str, float]
    n: int
    n_brist: int
    n_overskott: int
    log_likelihood: float
    null_log_likelihood: float
    l2: float
    converged: bool

    @property
    def pseudo_r2(self) -> float:
        """McFadden's 1 − LL/LL₀."""
        if self.null_log_likelihood == 0:
            return math.nan
        return 1.0 - self.log_likelihood / self.null_log_likelihood

    def score(self, z: pd.DataFrame, *, intercept: bool = True) -> pd.Series:
        """intercept + Σ w_k z_k (`intercept=False`: the weighted sum only, for ranking)."""
        total = pd.Series(self.intercept if intercept else 0.0, index=z.index, dtype=float)
        for name in self.features:
            total = total + self.weights[name] * z[name].astype(float)
        return total

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "intercept": self.intercept,
            "weights": dict(self.weights),
            "n": self.n,
            "n_brist": self.n_brist,
            "n_overskott": self.n_overskott,
            "log_likelihood": self.log_likelihood,
            "null_log_likelihood": self.null_log_likelihood,
            "pseudo_r2_mcfadden": self.pseudo_r2,
            "l2": self.l2,
            "converged": self.converged,
        }


def _log_sigmoid(x: FloatArray) -> FloatArray:
    return np.asarray(-np.logaddexp(0.0, -x), dtype=np.float64)


def fit_logit(
    x: FloatArray, y: FloatArray, features: Sequence[str], l2: float, *, max_iter: int = 100
) -> ShortageModel:
    """L2-penalised logistic regression (intercept unpenalised), fitted by statsmodels' GLM
    (binomial) elastic net with L1 weight 0; its penalty is per observation, hence l2 / n."""
    n, k = x.shape
    if n == 0 or len(set(y.tolist())) < 2:
        raise DataError(
            "The shortage weights need AF labels of both brist and överskott to fit.",
            "Fetch Yrkesbarometer: `forecast fetch --dataset yrkesbarometer`.",
        )
    design = np.column_stack([np.ones(n), x]).astype(np.float64)
    penalty = np.full(k + 1, l2 / n, dtype=np.float64)
    penalty[0] = 0.0
    model = sm.GLM(y, design, family=sm.families.Binomial())
    fitted = model.fit_regularized(alpha=penalty, L1_wt=0.0, maxiter=max_iter, cnvrg_tol=1e-10)
    beta = np.asarray(fitted.params, dtype=np.float64)
    converged = bool(np.all(np.isfinite(beta)))
    eta = design @ beta
    ll = float(np.sum(y * _log_sigmoid(eta) + (1 - y) * _log_sigmoid(-eta)))
    p0 = float(np.mean(y))
    ll0 = float(n * (p0 * math.log(p0) + (1 - p0) * math.log(1 - p0)))
    return ShortageModel(
        features=tuple(features),
        intercept=float(beta[0]),
        weights={f: float(b) for f, b in zip(features, beta[1:], strict=True)},
        n=int(n),
        n_brist=int(y.sum()),
        n_overskott=int(n - y.sum()),
        log_likelihood=ll,
        null_log_likelihood=ll0,
        l2=l2,
        converged=converged,
    )


def _training(z: pd.DataFrame, features: Sequence[str]) -> tuple[FloatArray, FloatArray]:
    part = z[z["af_label"].isin(["brist", "överskott"])]
    x = part.loc[:, list(features)].to_numpy(dtype=np.float64)
    y = np.asarray(part["af_label"] == "brist", dtype=np.float64)
    return x, y


def fit(labelled: pd.DataFrame, features: Sequence[str], l2: float) -> ShortageModel:
    """Fit on rows of `labelled` (z columns + `af_label`) labelled brist or överskott."""
    x, y = _training(labelled, features)
    return fit_logit(x, y, features, l2)


def classify(score: pd.Series, z: pd.DataFrame, settings: ShortageSettings) -> pd.Series:
    """brist / balans / överskott by probability cut-offs; paradox by the 2×2 rule when the
    ads indicator is present."""
    upper = _logit(settings.brist_probability)
    lower = _logit(settings.overskott_probability)
    status = pd.Series("balans", index=score.index, dtype=object)
    status[score >= upper] = "brist"
    status[score <= lower] = "överskott"
    if "ads_per_employed" in z.columns and "growth_5y" in z.columns:
        paradox = (z["ads_per_employed"] >= settings.paradox_pressure_z) & (
            z["growth_5y"] <= settings.paradox_growth_z
        )
        status[paradox] = "paradox"
    return status


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


# -- validation -----------------------------------------------------------------------------
def auc(y: Sequence[int] | FloatArray, score: Sequence[float] | FloatArray) -> float:
    """Area under the ROC curve (Mann–Whitney, ties count half); NaN without both classes."""
    yy = np.asarray(y, dtype=np.float64)
    ss = np.asarray(score, dtype=np.float64)
    n1 = float(yy.sum())
    n0 = float(len(yy) - n1)
    if n1 == 0 or n0 == 0:
        return math.nan
    ranks = pd.Series(ss).rank(method="average").to_numpy(dtype=np.float64)
    return float((ranks[yy == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def macro_f1(truth: Sequence[str], predicted: Sequence[str], classes: Sequence[str]) -> float:
    """Mean F1 over `classes` (a class neither true nor predicted is skipped)."""
    scores: list[float] = []
    pairs = list(zip(truth, predicted, strict=True))
    for c in classes:
        tp = sum(1 for t, p in pairs if t == c and p == c)
        fp = sum(1 for t, p in pairs if t != c and p == c)
        fn = sum(1 for t, p in pairs if t == c and p != c)
        if tp + fp + fn == 0:
            continue
        scores.append(2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores)) if scores else math.nan


def _ordinal_score(labels: pd.Series) -> pd.Series:
    return labels.map({"brist": 1.0, "paradox": 0.5, "balans": 0.5, "överskott": 0.0}).astype(float)


@dataclass(frozen=True)
class Metrics:
    n: int
    n_auc: int
    auc: float
    macro_f1: float

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "n_auc": self.n_auc, "auc": self.auc, "macro_f1": self.macro_f1}


def metrics(truth: pd.Series, predicted: pd.Series, score: pd.Series) -> Metrics:
    """AUC on brist vs överskott rows; macro-F1 over brist/balans/överskott on rows AF labels
    with one of those three (paradox rows excluded)."""
    both = truth.isin(["brist", "överskott"])
    y = np.asarray(truth[both] == "brist", dtype=np.float64)
    three = truth.isin(ORDINAL)
    return Metrics(
        n=int(three.sum()),
        n_auc=int(both.sum()),
        auc=auc(y, score[both].to_numpy(dtype=np.float64)),
        macro_f1=macro_f1(list(truth[three]), list(predicted[three]), ORDINAL),
    )


@dataclass(frozen=True)
class CrossValidation:
    assignments: pd.DataFrame  # ssyk, fold
    train_ssyk: dict[int, frozenset[str]]
    predictions: pd.DataFrame  # ssyk, af_label, score, status (out of fold)
    model: Metrics
    majority: Metrics
    persistence: Metrics
    model_on_persistence_rows: Metrics
    majority_label: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "folds": int(self.assignments["fold"].nunique()),
            "grouping": "SSYK-4 code (an occupation is never scored by a model fitted on its "
            "own label)",
            "model": self.model.to_dict(),
            "baselines": {
                "majority_class": {**self.majority.to_dict(), "label": self.majority_label},
                "persistence": {
                    **self.persistence.to_dict(),
                    "note": "previous round's AF label of the same occupation and region",
                },
                "model_on_persistence_rows": self.model_on_persistence_rows.to_dict(),
            },
        }


def fold_assignment(ssyk: Sequence[str], folds: int, seed: int) -> pd.DataFrame:
    """Each distinct SSYK-4 code to one fold: codes shuffled by `seed`, dealt round-robin."""
    codes = np.array(sorted(set(ssyk)), dtype=object)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(codes))
    k = max(2, min(folds, len(codes)))
    return pd.DataFrame(
        {"ssyk": codes[order].astype(str), "fold": np.arange(len(codes)) % k}
    ).sort_values("ssyk", ignore_index=True)


def cross_validate(
    labelled: pd.DataFrame,
    features: Sequence[str],
    settings: ShortageSettings,
    previous: pd.Series | None = None,
) -> CrossValidation:
    """Grouped k-fold over SSYK-4 codes on `labelled` (one row per SSYK-4 of the fit region:
    z columns, `af_label`). `previous` (index ssyk): the earlier round's label, for the
    persistence baseline."""
    rows = labelled[labelled["af_label"].isin(LABELS)].reset_index(drop=True)
    assignments = fold_assignment(rows["ssyk"].tolist(), settings.folds, settings.seed)
    fold_of = rows["ssyk"].map(assignments.set_index("ssyk")["fold"])
    scores = pd.Series(np.nan, index=rows.index, dtype=float)
    ranking = pd.Series(np.nan, index=rows.index, dtype=float)
    train_ssyk: dict[int, frozenset[str]] = {}
    for fold in sorted(assignments["fold"].unique()):
        test = fold_of == fold
        train = rows[~test]
        train_ssyk[int(fold)] = frozenset(train["ssyk"])
        model = fit(train, features, settings.l2)
        scores[test] = model.score(rows[test])
        # pooled AUC ranks by Σ w·z without the fold's intercept: intercepts that differ
        # between folds would otherwise anti-correlate with the held-out labels
        ranking[test] = model.score(rows[test], intercept=False)
    status = classify(scores, rows, settings)
    truth = rows["af_label"]
    predictions = pd.DataFrame(
        {
            "ssyk": rows["ssyk"],
            "af_label": truth,
            "score": scores,
            "ranking": ranking,
            "status": status,
        }
    )
    majority_label = str(truth.value_counts().idxmax())
    majority = metrics(
        truth,
        pd.Series(majority_label, index=rows.index),
        pd.Series(0.0, index=rows.index),
    )
    prev = rows["ssyk"].map(previous) if previous is not None else pd.Series(None, index=rows.index)
    covered = prev.isin(LABELS)
    persistence = metrics(
        truth[covered], prev[covered].astype(str), _ordinal_score(prev[covered].astype(str))
    )
    model_sub = metrics(truth[covered], status[covered], ranking[covered])
    return CrossValidation(
        assignments=assignments,
        train_ssyk=train_ssyk,
        predictions=predictions,
        model=metrics(truth, status, ranking),
        majority=majority,
        persistence=persistence,
        model_on_persistence_rows=model_sub,
        majority_label=majority_label,
    )


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
    thresholds: dict[str, float] = field(default_factory=dict)

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
    previous_labels: pd.DataFrame | None = None,
) -> ShortageResult:
    """Score and classify every region × SSYK-4 cell of `indicators`.

    `labels`: AF's current labels (region_code, ssyk, rekryteringssituation[, omgang]) as from
    `current_labels`; `previous_labels`: the same for the round before (persistence baseline);
    `ads` / `age`: optional `job_ads` / `employment_age_ssyk3` frames.
    """
    cells = raw_indicators(indicators)
    missing: list[str] = []
    optional_used: list[str] = []
    for name, frame, builder in (
        ("ads_per_employed", ads, ads_indicator),
        ("share_55plus", age, age_indicator),
    ):
        if name not in settings.optional:
            continue
        if frame is None or frame.empty:
            missing.append(name)
            continue
        extra = builder(frame, cells)
        cells = cells.merge(extra, on=["region_code", "ssyk"], how="left")
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
    model = fit(fit_rows, features, settings.l2)
    previous = None
    if previous_labels is not None and not previous_labels.empty:
        prev = previous_labels[previous_labels["region_code"] == settings.fit_region]
        previous = prev.set_index("ssyk")["rekryteringssituation"]
    cv = cross_validate(fit_rows, features, settings, previous)

    score = model.score(z)
    model_status = classify(score, z, settings)
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
            "probability_brist": 1.0 / (1.0 + np.exp(-score.astype(float))),
        }
    )
    for name in reported:
        out[f"ind_{name}"] = z[name].astype(float)
    for name in reported:
        out[f"raw_{name}"] = shrunk[name].astype(float).to_numpy()
    out = out.sort_values(["region_code", "ssyk"], ignore_index=True)
    thresholds = {
        "brist_probability": settings.brist_probability,
        "overskott_probability": settings.overskott_probability,
        "brist_score": _logit(settings.brist_probability),
        "overskott_score": _logit(settings.overskott_probability),
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
    )


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
        "method": "L2-penalised logit of AF brist vs överskott on robust z-scores of shrunk "
        "indicators (docs/methods.md, 'Shortage status')",
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
        "cross_validation": result.cv.to_dict(),
        "status_counts": {str(k): int(v) for k, v in status_counts.items()},
        "source_counts": {
            str(k): int(v) for k, v in result.cells["source"].value_counts().to_dict().items()
        },
    }
