"""The calibration models behind the shortage score: weights fitted to AF Yrkesbarometer labels.

Two models, chosen by `[fit] model` in configs/shortage.toml:

- `ordinal` (default, DESIGN §4): a proportional-odds logit of överskott < balans < brist,
  P(label ≤ k) = F(c_k − Σ w z), F logistic. It uses the balans rows the binary model drops and
  gives the two status cut-offs c_1 < c_2 from the data instead of from chosen probabilities.
  Fitted with statsmodels' OrderedModel likelihood plus an L2 penalty (l2/2)·Σ w² on the
  weights (statsmodels offers no penalised fit for OrderedModel), minimised by scipy's BFGS.
- `binary`: L2-penalised logistic regression of brist (1) vs överskott (0), statsmodels GLM;
  status from probability cut-offs in the config.

score = Σ w z (+ intercept for `binary`): higher = more shortage. Pure functions, no I/O.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.optimize import minimize  # the ordinal model's penalised likelihood
from statsmodels.miscmodels.ordinal_model import OrderedModel

from kompetens_forecast.analysis.shortage_settings import MODELS, ShortageSettings
from kompetens_forecast.errors import DataError

LABELS = ("brist", "balans", "överskott", "paradox")
ORDINAL = ("brist", "balans", "överskott")

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class ShortageModel:
    kind: str  # "ordinal" | "binary"
    features: tuple[str, ...]
    intercept: float  # 0 for the ordinal model (its location is in the cut-offs)
    weights: dict[str, float]
    n: int
    counts: dict[str, int]
    log_likelihood: float
    null_log_likelihood: float
    l2: float
    converged: bool
    cutpoints: tuple[float, float] | None = None  # ordinal: överskott|balans, balans|brist
    # status cut-offs on the score scale (överskott at or below, brist above), set by fit()
    cutoffs: tuple[float, float] = (-math.inf, math.inf)
    cutoff_rule: str = ""

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

    def probability_brist(self, score: pd.Series) -> pd.Series:
        """P(brist): ordinal 1 − F(c_2 − score); binary F(score) (brist vs överskott)."""
        values = score.astype(float)
        if self.cutpoints is not None:
            values = values - self.cutpoints[1]
        return pd.Series(1.0 / (1.0 + np.exp(-values.to_numpy())), index=values.index)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.kind,
            "features": list(self.features),
            "intercept": self.intercept,
            "weights": dict(self.weights),
            "cutpoints": list(self.cutpoints) if self.cutpoints is not None else None,
            "status_cutoffs": list(self.cutoffs),
            "cutoff_rule": self.cutoff_rule,
            "n": self.n,
            "label_counts": dict(self.counts),
            "log_likelihood": self.log_likelihood,
            "null_log_likelihood": self.null_log_likelihood,
            "pseudo_r2_mcfadden": self.pseudo_r2,
            "l2": self.l2,
            "converged": self.converged,
        }


def _log_sigmoid(x: FloatArray) -> FloatArray:
    return np.asarray(-np.logaddexp(0.0, -x), dtype=np.float64)


def _null_log_likelihood(labels: Sequence[str]) -> float:
    counts = pd.Series(list(labels)).value_counts().to_numpy(dtype=np.float64)
    return float(np.sum(counts * np.log(counts / counts.sum())))


def _too_few(kind: str) -> DataError:
    needs = "brist and överskott" if kind == "binary" else "at least two of brist/balans/överskott"
    return DataError(
        f"The shortage weights need AF labels of {needs} to fit.",
        "Fetch Yrkesbarometer: `forecast fetch --dataset yrkesbarometer`.",
    )


def logit_l2(x: FloatArray, y: FloatArray, l2: float, iterations: int = 50) -> FloatArray:
    """[intercept, weights] of a logistic regression with the penalty (l2 / 2)·Σ w² on the
    weights (not the intercept), by Newton's method on the penalised log-likelihood (strictly
    concave for l2 > 0, so it converges in a few steps; fast enough to be refitted thousands
    of times in nested cross-validation)."""
    n, k = x.shape
    design = np.column_stack([np.ones(n), x]).astype(np.float64)
    penalty = np.full(k + 1, l2, dtype=np.float64)
    penalty[0] = 1e-8  # the intercept is (practically) unpenalised
    beta = np.zeros(k + 1, dtype=np.float64)
    for _ in range(iterations):
        prob = 1.0 / (1.0 + np.exp(-(design @ beta)))
        gradient = design.T @ (y - prob) - penalty * beta
        hessian = (design * (prob * (1.0 - prob))[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta = beta + step
        if float(np.max(np.abs(step))) < 1e-10:
            break
    return beta


def fit_binary(
    x: FloatArray, labels: Sequence[str], features: Sequence[str], l2: float
) -> ShortageModel:
    """L2-penalised logit of brist vs överskott (intercept unpenalised); balans and paradox
    rows are left out."""
    keep = np.isin(np.asarray(labels, dtype=object), ["brist", "överskott"])
    x, kept = x[keep], [lab for lab, k in zip(labels, keep, strict=True) if k]
    y = np.asarray([lab == "brist" for lab in kept], dtype=np.float64)
    n = x.shape[0]
    if n == 0 or len(set(y.tolist())) < 2:
        raise _too_few("binary")
    beta = logit_l2(x, y, l2)
    eta = beta[0] + x @ beta[1:]
    ll = float(np.sum(y * _log_sigmoid(eta) + (1 - y) * _log_sigmoid(-eta)))
    return ShortageModel(
        kind="binary",
        features=tuple(features),
        intercept=float(beta[0]),
        weights={f: float(b) for f, b in zip(features, beta[1:], strict=True)},
        n=int(n),
        counts={"brist": int(y.sum()), "överskott": int(n - y.sum())},
        log_likelihood=ll,
        null_log_likelihood=_null_log_likelihood(kept),
        l2=l2,
        converged=bool(np.all(np.isfinite(beta))),
    )


def fit_ordinal(
    x: FloatArray, labels: Sequence[str], features: Sequence[str], l2: float
) -> ShortageModel:
    """Proportional-odds logit överskott < balans < brist with an L2 penalty on the weights."""
    keep = np.isin(np.asarray(labels, dtype=object), ORDINAL)
    x, kept = x[keep], [lab for lab, k in zip(labels, keep, strict=True) if k]
    rank = {"överskott": 0, "balans": 1, "brist": 2}
    y = np.asarray([rank[lab] for lab in kept], dtype=np.int64)
    present = sorted(set(y.tolist()))
    if len(present) < 2:
        raise _too_few("ordinal")
    # OrderedModel needs every level present to estimate two cut-offs; with two levels the
    # model is the binary one on those two.
    if present != [0, 1, 2]:
        return fit_binary(x, kept, features, l2)
    k = x.shape[1]
    model = OrderedModel(pd.Series(pd.Categorical(y, ordered=True)), x, distr="logit")
    start = np.asarray(model.start_params, dtype=np.float64)

    def objective(params: FloatArray) -> float:
        return float(-model.loglike(params) + 0.5 * l2 * np.sum(params[:k] ** 2))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # exp overflow in far tails
        result = minimize(objective, start, method="BFGS", options={"gtol": 1e-6})
    params = np.asarray(result.x, dtype=np.float64)
    cuts = np.asarray(model.transform_threshold_params(params), dtype=np.float64)[1:-1]
    return ShortageModel(
        kind="ordinal",
        features=tuple(features),
        intercept=0.0,
        weights={f: float(b) for f, b in zip(features, params[:k], strict=True)},
        n=len(y),
        counts={lab: int(np.sum(y == r)) for lab, r in rank.items()},
        log_likelihood=float(model.loglike(params)),
        null_log_likelihood=_null_log_likelihood(kept),
        l2=l2,
        converged=bool(result.success) and bool(np.all(np.isfinite(params))),
        cutpoints=(float(cuts[0]), float(cuts[1])),
    )


def fit_model(
    kind: str, x: FloatArray, labels: Sequence[str], features: Sequence[str], l2: float
) -> ShortageModel:
    if kind not in MODELS:
        raise DataError(f"Unknown shortage model '{kind}'.", f"Choose one of: {', '.join(MODELS)}.")
    fitter = fit_ordinal if kind == "ordinal" else fit_binary
    return fitter(x, labels, features, l2)


def fit(
    labelled: pd.DataFrame, features: Sequence[str], settings: ShortageSettings
) -> ShortageModel:
    """Fit `settings.model` on the rows of `labelled` (z columns + `af_label`) and set its
    status cut-offs by `settings.cutoff_rule` from the same rows."""
    x = labelled.loc[:, list(features)].to_numpy(dtype=np.float64)
    labels = labelled["af_label"].astype(str).tolist()
    model = fit_model(settings.model, x, labels, features, settings.l2)
    if settings.cutoff_rule == "label_shares":
        cutoffs = label_share_cutoffs(model.score(labelled), labels)
    elif model.cutpoints is not None:
        cutoffs = model.cutpoints
    else:
        cutoffs = _logit(settings.overskott_probability), _logit(settings.brist_probability)
    return replace(model, cutoffs=cutoffs, cutoff_rule=settings.cutoff_rule)


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def label_share_cutoffs(score: pd.Series, labels: Sequence[str]) -> tuple[float, float]:
    """Cut-offs that give the fitted rows AF's own shares of överskott and brist: the lower at
    the score quantile of the överskott share, the upper at 1 − the brist share. A weak model
    then still ranks occupations into three classes in AF's proportions instead of calling
    nearly everything the modal class."""
    ordinal = [lab for lab in labels if lab in ORDINAL]
    values = score[[lab in ORDINAL for lab in labels]].to_numpy(dtype=np.float64)
    if not ordinal:
        return -math.inf, math.inf
    share_low = ordinal.count("överskott") / len(ordinal)
    share_high = ordinal.count("brist") / len(ordinal)
    lower = float(np.quantile(values, share_low)) if share_low > 0 else -math.inf
    upper = float(np.quantile(values, 1.0 - share_high)) if share_high > 0 else math.inf
    return lower, max(lower, upper)


def classify(
    model: ShortageModel, score: pd.Series, z: pd.DataFrame, settings: ShortageSettings
) -> pd.Series:
    """brist / balans / överskott by the model's cut-offs; paradox by the 2×2 rule.

    Paradox (AF: hard to recruit although many jobseekers) needs recruitment pressure
    (`ads_per_employed`): with jobseeker data, pressure ∧ many jobseekers per employed; without,
    pressure ∧ weak employment growth (the proxy). Without ads data the model never says paradox.
    """
    lower, upper = model.cutoffs
    status = pd.Series("balans", index=score.index, dtype=object)
    status[score > upper] = "brist"
    status[score <= lower] = "överskott"
    if "ads_per_employed" not in z.columns:
        return status
    pressure = z["ads_per_employed"] >= settings.paradox_pressure_z
    if "jobseekers_per_employed" in z.columns:
        slack = z["jobseekers_per_employed"] >= settings.paradox_jobseekers_z
    elif "growth_5y" in z.columns:
        slack = z["growth_5y"] <= settings.paradox_growth_z
    else:
        return status
    status[pressure & slack] = "paradox"
    return status
