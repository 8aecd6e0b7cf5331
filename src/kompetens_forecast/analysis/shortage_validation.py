"""Validation of the shortage score: cross-validation over occupations against baselines.

Grouped k-fold over SSYK-4 codes (an occupation is never scored by a model fitted on its own
label); AUC of brist vs överskott and macro-F1 over brist / balans / överskott, next to the
majority-class and persistence (previous AF round) baselines. Pure functions, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kompetens_forecast.analysis.shortage_model import LABELS, ORDINAL, classify, fit
from kompetens_forecast.analysis.shortage_settings import ShortageSettings

FloatArray = NDArray[np.float64]


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
    status = pd.Series("balans", index=rows.index, dtype=object)
    train_ssyk: dict[int, frozenset[str]] = {}
    for fold in sorted(assignments["fold"].unique()):
        test = fold_of == fold
        train = rows[~test]
        train_ssyk[int(fold)] = frozenset(train["ssyk"])
        model = fit(train, features, settings)
        scores[test] = model.score(rows[test])
        status[test] = classify(model, scores[test], rows[test], settings)
        # pooled AUC ranks by Σ w·z without the fold's intercept: intercepts that differ
        # between folds would otherwise anti-correlate with the held-out labels
        ranking[test] = model.score(rows[test], intercept=False)
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


def repeated_cv(
    labelled: pd.DataFrame, features: Sequence[str], settings: ShortageSettings
) -> dict[str, Any]:
    """The cross-validation repeated with `settings.repeats` fold shuffles (seeds seed, seed+1,
    …): mean, min and max of the model's AUC and macro-F1. With a few dozen labels one
    shuffle's figure moves by ±0.05 or more; the mean is the steadier estimate."""
    aucs: list[float] = []
    f1s: list[float] = []
    for k in range(max(1, settings.repeats)):
        shuffled = replace(settings, seed=settings.seed + k)
        result = cross_validate(labelled, features, shuffled).model
        aucs.append(result.auc)
        f1s.append(result.macro_f1)

    def spread(values: list[float]) -> dict[str, float]:
        finite = [v for v in values if math.isfinite(v)]
        if not finite:
            return {"mean": math.nan, "min": math.nan, "max": math.nan}
        return {"mean": float(np.mean(finite)), "min": min(finite), "max": max(finite)}

    return {"repeats": len(aucs), "auc": spread(aucs), "macro_f1": spread(f1s)}
