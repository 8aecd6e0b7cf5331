"""The procedures tried for the shortage score, each a fitter cross-validated the same way.

A *fitter* turns training rows (z matrix, AF labels, barometer groups) into a `Fitted`: an
intercept and weights on every indicator (log-odds of brist = intercept + Σ w z) and the
weights that rank (pooled AUC). Everything a fitter learns comes from the rows it is given, so
`shortage_validation.out_of_fold` can call it on the training folds only. The procedures
(configs/shortage.toml `[candidates]`, declared there before they were scored):

- `logit_l2`, `logit_l2_strong`, `forward`, `trio`: L2 logits, penalty (and for `forward` the
  indicators) chosen by an inner grouped CV on the training rows;
- `ordinal`: proportional-odds logit överskott < balans < brist (`shortage_model.fit_ordinal`);
- `logit_signed`: an L2 logit whose weights on the a-priori signed z are all ≥ 0;
- `unit_weighted`, `unit_domains`, `unit_core`: improper linear models (Dawes 1979): signed z
  averaged with equal weights (over signals, over OECD sub-indices, over a short list); only
  the intercept and slope that turn the score into P(brist) are fitted;
- `nested_choice`: the candidate with the best inner grouped-CV AUC on the training rows.

Pure functions, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kompetens_forecast.analysis.shortage_model import (
    ShortageModel,
    _null_log_likelihood,
    fit_ordinal,
    logit_l2,
)
from kompetens_forecast.analysis.shortage_settings import ShortageSettings
from kompetens_forecast.analysis.shortage_validation import (
    Fitted,
    Fitter,
    auc,
    group_folds,
    nested_logit,
    select_features,
)

FloatArray = NDArray[np.float64]
BINARY = ("brist", "överskott")
CALIBRATION_L2 = 1.0  # the one-variable logit that maps a unit-weighted score to P(brist)


def _binary(x: FloatArray, labels: Sequence[str]) -> tuple[FloatArray, FloatArray, NDArray[Any]]:
    keep = np.isin(np.asarray(labels, dtype=object), BINARY)
    y = np.asarray([lab == "brist" for lab in np.asarray(labels, dtype=object)[keep]], float)
    return x[keep], y, keep


def inner_folds(groups: Sequence[str], folds: int, seed: int) -> NDArray[np.int64]:
    """The inner fold of every row: its group shuffled by `seed` and dealt round-robin (the
    same dealing as the outer folds)."""
    dealt = group_folds([str(g) for g in groups], folds, seed)
    return np.array([dealt[str(g)] for g in groups], dtype=np.int64)


def inner_auc(
    fitter: Fitter, x: FloatArray, labels: Sequence[str], groups: Sequence[str], s: ShortageSettings
) -> float:
    """Pooled AUC (brist vs överskott) of `fitter` by an inner grouped CV on these rows only."""
    label = np.asarray(labels, dtype=object)
    group = np.asarray([str(g) for g in groups], dtype=object)
    fold = inner_folds(group.tolist(), s.inner_folds, s.seed)
    score = np.full(len(label), np.nan)
    for k in np.unique(fold):
        train = fold != k
        if len({lab for lab in label[train] if lab in BINARY}) < 2:
            continue
        fitted = fitter(x[train], label[train].tolist(), group[train].tolist())
        score[~train] = x[~train] @ fitted.ranking
    ok = np.isfinite(score) & np.isin(label, BINARY)
    return auc((label[ok] == "brist").astype(float), score[ok])


# -- L2 logits -------------------------------------------------------------------------------
def _logit_fit(columns: Sequence[int], l2: float, x: FloatArray, y: FloatArray) -> Fitted:
    weights = np.zeros(x.shape[1])
    beta = logit_l2(x[:, list(columns)], y, l2)
    weights[list(columns)] = beta[1:]
    return Fitted(float(beta[0]), weights, weights, l2, tuple(columns))


def logit_fitter(s: ShortageSettings, columns: Sequence[int] | None = None) -> Fitter:
    """L2 logit on `columns` (all when None), penalty from `s.l2_grid` by inner grouped CV
    (ties: the larger penalty); with `s.selection == "forward"` the columns are chosen by
    forward selection inside as well (`shortage_validation.select_features`)."""

    def fit(x: FloatArray, labels: Sequence[str], groups: Sequence[str]) -> Fitted:
        xb, y, keep = _binary(x, labels)
        use = list(range(x.shape[1])) if columns is None else list(columns)
        group = np.asarray([str(g) for g in groups], dtype=object)[keep]
        chosen, l2 = select_features(xb[:, use], y, group, s)
        return _logit_fit([use[c] for c in chosen], l2, xb, y)

    return fit


# -- the sign-constrained logit ----------------------------------------------------------------
def signed_logit(x: FloatArray, y: FloatArray, signs: FloatArray, l2: float) -> FloatArray:
    """[intercept, weights] of an L2 logit (penalty (l2/2)·Σ w²) whose every weight has the
    a-priori sign: w_k · s_k ≥ 0 (columns with s_k = 0 get w_k = 0). On the signed columns
    x·s the constraint is w ≥ 0, solved by an active set: fit the free columns by Newton
    (`logit_l2`); drop the most negative weight while one is negative; add back the bound
    column whose penalised-likelihood gradient is most positive while one is; at the end the
    KKT conditions hold (the problem is strictly convex, so that is the optimum)."""
    used = np.flatnonzero(signs != 0)
    xs = x[:, used] * signs[used]
    free = list(range(len(used)))
    beta = np.zeros(1)
    for _ in range(4 * len(used) + 4):
        beta = logit_l2(xs[:, free], y, l2)
        negative = [(b, j) for b, j in zip(beta[1:], free, strict=True) if b < 0]
        if negative:
            free.remove(min(negative)[1])
            continue
        prob = 1.0 / (1.0 + np.exp(-(beta[0] + xs[:, free] @ beta[1:])))
        bound = [j for j in range(len(used)) if j not in free]
        gradient = [(float(xs[:, j] @ (y - prob)), j) for j in bound]
        best = max(gradient, default=(0.0, -1))
        if best[0] <= 1e-9:
            break
        free = sorted([*free, best[1]])
    weights = np.zeros(x.shape[1])
    weights[used[free]] = beta[1:] * signs[used[free]]
    return np.concatenate([[float(beta[0])], weights])


def signed_fitter(s: ShortageSettings, signs: FloatArray) -> Fitter:
    """The sign-constrained logit, penalty from `s.l2_grid` by inner grouped CV."""

    def at(l2: float) -> Fitter:
        def fit(x: FloatArray, labels: Sequence[str], groups: Sequence[str]) -> Fitted:
            xb, y, _ = _binary(x, labels)
            beta = signed_logit(xb, y, signs, l2)
            return Fitted(float(beta[0]), beta[1:], beta[1:], l2, tuple(np.flatnonzero(signs)))

        return fit

    def fit(x: FloatArray, labels: Sequence[str], groups: Sequence[str]) -> Fitted:
        best, best_auc = s.l2_grid[-1], -math.inf
        if len(s.l2_grid) > 1:
            for l2 in sorted(s.l2_grid, reverse=True):
                value = inner_auc(at(l2), x, labels, groups, s)
                if math.isfinite(value) and value > best_auc + 1e-12:
                    best, best_auc = l2, value
        return at(best)(x, labels, groups)

    return fit


# -- improper linear models ------------------------------------------------------------------
def unit_weights(
    features: Sequence[str],
    signs: Mapping[str, int],
    domains: Mapping[str, Sequence[str]] | None = None,
    only: Sequence[str] | None = None,
) -> FloatArray:
    """Equal weights on the a-priori signed z: 1/m on each of the m signed indicators (in
    `only` when given); with `domains`, 1/(D·m_d) on each of the m_d signed indicators of
    each of the D domains that have one, so every domain counts the same."""
    weights = np.zeros(len(features))
    index = {name: i for i, name in enumerate(features)}
    if domains is not None:
        members = [
            [n for n in names if n in index and signs.get(n, 0) != 0] for names in domains.values()
        ]
        members = [m for m in members if m]
        for names in members:
            for name in names:
                weights[index[name]] = signs[name] / (len(members) * len(names))
        return weights
    names = [n for n in features if signs.get(n, 0) != 0 and (only is None or n in set(only))]
    for name in names:
        weights[index[name]] = signs[name] / len(names)
    return weights


def unit_fitter(weights: FloatArray) -> Fitter:
    """A fixed score x @ weights; only P(brist) = σ(a + b·score) is fitted (b ≥ 0: a score
    the training rows rank the wrong way gets no slope, never a flipped sign)."""

    def fit(x: FloatArray, labels: Sequence[str], groups: Sequence[str]) -> Fitted:
        xb, y, _ = _binary(x, labels)
        score = xb @ weights
        beta = logit_l2(score[:, None], y, CALIBRATION_L2)
        slope = max(float(beta[1]), 0.0)
        intercept = float(beta[0]) if slope > 0 else _base_rate_logit(y)
        columns = tuple(int(i) for i in np.flatnonzero(weights))
        return Fitted(intercept, slope * weights, weights, math.nan, columns)

    return fit


def _base_rate_logit(y: FloatArray) -> float:
    p = (float(y.sum()) + 0.5) / (len(y) + 1.0)
    return math.log(p / (1 - p))


# -- the ordinal model -----------------------------------------------------------------------
def ordinal_fitter(s: ShortageSettings, features: Sequence[str]) -> Fitter:
    """Proportional-odds logit on every ordinal label of the training rows (balans too);
    P(brist) = σ(Σ w z − c₂)."""

    def fit(x: FloatArray, labels: Sequence[str], groups: Sequence[str]) -> Fitted:
        model = fit_ordinal(x, list(labels), features, s.l2)
        weights = np.array([model.weights[f] for f in features], dtype=np.float64)
        cut = model.cutpoints[1] if model.cutpoints is not None else -model.intercept
        return Fitted(-cut, weights, weights, s.l2, tuple(range(len(features))))

    return fit


# -- nested choice ----------------------------------------------------------------------------
def choice_fitter(candidates: Mapping[str, Fitter], s: ShortageSettings) -> Fitter:
    """The candidate with the best inner grouped-CV AUC on the training rows (ties: the
    earlier in `candidates`), refitted on all of them."""

    def fit(x: FloatArray, labels: Sequence[str], groups: Sequence[str]) -> Fitted:
        best, best_auc = next(iter(candidates)), -math.inf
        for name, fitter in candidates.items():
            value = inner_auc(fitter, x, labels, groups, s)
            if math.isfinite(value) and value > best_auc + 1e-12:
                best, best_auc = name, value
        return replace(candidates[best](x, labels, groups), chose=best)

    return fit


# -- the registry -----------------------------------------------------------------------------
def fitters(features: Sequence[str], s: ShortageSettings) -> dict[str, Fitter]:
    """Every candidate declared in `s.candidates` (in that order) as a fitter over
    `features`; `nested_choice` chooses among the others except `ordinal`."""
    signs_of = dict(s.signs)
    domains = {k: v for k, v in s.domains}
    signs = np.array([float(signs_of.get(f, 0)) for f in features])
    plain = replace(s, selection="none")
    columns = {f: i for i, f in enumerate(features)}
    known: dict[str, Callable[[], Fitter]] = {
        "logit_l2": lambda: logit_fitter(plain),
        "logit_l2_strong": lambda: logit_fitter(replace(plain, l2_grid=s.strong_l2_grid)),
        "forward": lambda: logit_fitter(replace(s, selection="forward")),
        "ordinal": lambda: ordinal_fitter(s, features),
        "trio": lambda: logit_fitter(plain, [columns[f] for f in s.trio if f in columns]),
        "logit_signed": lambda: signed_fitter(plain, signs),
        "unit_weighted": lambda: unit_fitter(unit_weights(features, signs_of)),
        "unit_domains": lambda: unit_fitter(unit_weights(features, signs_of, domains)),
        "unit_core": lambda: unit_fitter(unit_weights(features, signs_of, only=s.core)),
    }
    out = {name: known[name]() for name in s.candidates if name in known}
    if "nested_choice" in s.candidates:
        pool = {k: v for k, v in out.items() if k != "ordinal"}
        out["nested_choice"] = choice_fitter(pool, s)
    return out


def procedure(features: Sequence[str], s: ShortageSettings) -> Fitter:
    """The published procedure (`s.model`): `binary` is the nested L2 logit (indicators by
    `s.selection`), `ordinal` the proportional-odds logit, any other a candidate."""
    if s.model == "binary":
        return nested_logit(s)
    if s.model == "ordinal":
        return ordinal_fitter(s, features)
    pool = fitters(features, replace(s, candidates=(*s.candidates, s.model, "nested_choice")))
    return pool[s.model]


def fit_published(
    x: FloatArray,
    labels: Sequence[str],
    groups: Sequence[str],
    features: Sequence[str],
    s: ShortageSettings,
) -> ShortageModel:
    """The published fit of a candidate procedure on every labelled row, as a
    `ShortageModel` (kind = the procedure; P(brist) = σ(intercept + Σ w z))."""
    fitted = procedure(features, s)(x, labels, groups)
    xb, y, _ = _binary(x, labels)
    eta = fitted.intercept + xb @ fitted.weights
    ll = float(np.sum(-np.logaddexp(0.0, -eta) * y - np.logaddexp(0.0, eta) * (1 - y)))
    used = [features[c] for c in fitted.columns]
    kept = [lab for lab in labels if lab in BINARY]
    return ShortageModel(
        kind=s.model if not fitted.chose else f"{s.model}:{fitted.chose}",
        features=tuple(used),
        intercept=fitted.intercept,
        weights={f: float(fitted.weights[features.index(f)]) for f in used},
        n=len(kept),
        counts={"brist": int(y.sum()), "överskott": int(len(y) - y.sum())},
        log_likelihood=ll,
        null_log_likelihood=_null_log_likelihood(kept),
        l2=fitted.l2,
        converged=bool(np.all(np.isfinite(fitted.weights))),
    )
