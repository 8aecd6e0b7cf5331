"""Settings of the shortage score (configs/shortage.toml): indicators, shrinkage, model, cut-offs.

Every setting that shapes a published status lives in the config file; `to_dict` is what a run
publishes beside its weights.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kompetens_forecast.analysis.shortage_signals import SIGNALS
from kompetens_forecast.errors import DataError
from kompetens_forecast.resources import configs_dir, read_toml
from kompetens_forecast.schema import RIKET

# binary: the nested L2 logit; ordinal: proportional odds; the others are the candidates of
# `shortage_candidates` (signed logit, unit-weighted scores, nested choice)
MODELS = (
    "ordinal",
    "binary",
    "logit_l2_strong",
    "logit_signed",
    "unit_weighted",
    "unit_domains",
    "unit_core",
    "nested_choice",
)
CANDIDATE_NAMES = (
    "logit_l2",
    "logit_l2_strong",
    "forward",
    "ordinal",
    "trio",
    "logit_signed",
    "unit_weighted",
    "unit_domains",
    "unit_core",
    "nested_choice",
)
# forward: indicators chosen by inner grouped CV inside each training set; none: all of them
SELECTIONS = ("forward", "none")
# label_shares: cut-offs give the fitted rows AF's shares of each label; model: the ordinal
# model's own cut-offs (binary: the probability cut-offs below)
CUTOFF_RULES = ("label_shares", "model")
BASE_INDICATORS = ("growth_5y", "growth_1y", "log_size", "skill_level", "log_lq")
# national signals per SSYK-4 from pay, age structure and monthly ads (shortage_signals)
SIGNAL_INDICATORS = SIGNALS
# Used when their data exist: job ads (V), employment by age, AF jobseekers (U), ad history.
OPTIONAL_INDICATORS = (
    "ads_per_employed",
    "share_55plus",
    "log_tightness",
    "jobseekers_per_employed",
    "ads_growth",
)


@dataclass(frozen=True)
class ShortageSettings:
    base: tuple[str, ...] = ("growth_5y", "growth_1y", "log_size", "skill_level")
    report_only: tuple[str, ...] = ("log_lq",)
    optional: tuple[str, ...] = OPTIONAL_INDICATORS
    clip: float = 3.0
    kappa: float = 200.0
    model: str = "ordinal"
    l2: float = 2.0
    fit_region: str = RIKET
    cutoff_rule: str = "label_shares"
    brist_probability: float = 0.60
    overskott_probability: float = 0.45
    paradox_pressure_z: float = 1.0
    paradox_growth_z: float = -0.5
    paradox_jobseekers_z: float = 1.0
    folds: int = 5
    seed: int = 20260
    repeats: int = 10
    l2_grid: tuple[float, ...] = (0.3, 1.0, 3.0, 10.0)
    inner_folds: int = 4
    selection: str = "forward"
    max_features: int = 5
    min_gain: float = 0.01
    min_cv_auc: float = 0.70
    min_coverage: float = 0.75
    min_confidence: float = 0.60
    # a-priori signs (+1 / −1) and OECD sub-indices for the signed and unit-weighted scores
    signs: tuple[tuple[str, int], ...] = ()
    domains: tuple[tuple[str, tuple[str, ...]], ...] = ()
    candidates: tuple[str, ...] = ()  # every procedure tried, cross-validated beside the model
    strong_l2_grid: tuple[float, ...] = (10.0, 30.0, 100.0, 300.0, 1000.0)
    trio: tuple[str, ...] = ()
    core: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "indicators": {
                "base": list(self.base),
                "report_only": list(self.report_only),
                "optional": list(self.optional),
            },
            "standardise": {"clip": self.clip},
            "shrinkage": {"kappa": self.kappa},
            "fit": {"model": self.model, "l2": self.l2, "region": self.fit_region},
            "thresholds": {
                "rule": self.cutoff_rule,
                "brist_probability": self.brist_probability,
                "overskott_probability": self.overskott_probability,
            },
            "paradox": {
                "pressure_z": self.paradox_pressure_z,
                "growth_z": self.paradox_growth_z,
                "jobseekers_z": self.paradox_jobseekers_z,
            },
            "validation": {
                "folds": self.folds,
                "seed": self.seed,
                "repeats": self.repeats,
                "l2_grid": list(self.l2_grid),
                "inner_folds": self.inner_folds,
                "selection": self.selection,
                "max_features": self.max_features,
                "min_gain": self.min_gain,
            },
            "status": {
                "min_cv_auc": self.min_cv_auc,
                "min_coverage": self.min_coverage,
                "min_confidence": self.min_confidence,
            },
            "signs": dict(self.signs),
            "domains": {k: list(v) for k, v in self.domains},
            "candidates": {
                "tried": list(self.candidates),
                "strong_l2_grid": list(self.strong_l2_grid),
                "trio": list(self.trio),
                "core": list(self.core),
            },
        }


def load_settings(path: Path | None = None) -> ShortageSettings:
    """Settings from `configs/shortage.toml` (or `path`)."""
    path = path if path is not None else configs_dir() / "shortage.toml"
    doc = read_toml(path, "shortage settings")
    try:
        ind, fit, thr = doc["indicators"], doc["fit"], doc["thresholds"]
        cand = doc.get("candidates", {})
        settings = ShortageSettings(
            base=tuple(str(x) for x in ind["base"]),
            report_only=tuple(str(x) for x in ind.get("report_only", [])),
            optional=tuple(str(x) for x in ind.get("optional", [])),
            clip=float(doc["standardise"]["clip"]),
            kappa=float(doc["shrinkage"]["kappa"]),
            model=str(fit.get("model", "ordinal")),
            l2=float(fit["l2"]),
            fit_region=str(fit.get("region", RIKET)),
            cutoff_rule=str(thr.get("rule", "label_shares")),
            brist_probability=float(thr["brist_probability"]),
            overskott_probability=float(thr["overskott_probability"]),
            paradox_pressure_z=float(doc["paradox"]["pressure_z"]),
            paradox_growth_z=float(doc["paradox"]["growth_z"]),
            paradox_jobseekers_z=float(doc["paradox"].get("jobseekers_z", 1.0)),
            folds=int(doc["validation"]["folds"]),
            seed=int(doc["validation"]["seed"]),
            repeats=int(doc["validation"].get("repeats", 1)),
            l2_grid=tuple(float(x) for x in doc["validation"].get("l2_grid", [fit["l2"]])),
            inner_folds=int(doc["validation"].get("inner_folds", 4)),
            selection=str(doc["validation"].get("selection", "none")),
            max_features=int(doc["validation"].get("max_features", 99)),
            min_gain=float(doc["validation"].get("min_gain", 0.0)),
            min_cv_auc=float(doc["status"]["min_cv_auc"]),
            min_coverage=float(doc["status"]["min_coverage"]),
            min_confidence=float(doc["status"]["min_confidence"]),
            signs=tuple((str(k), int(v)) for k, v in doc.get("signs", {}).items()),
            domains=tuple(
                (str(k), tuple(str(x) for x in v)) for k, v in doc.get("domains", {}).items()
            ),
            candidates=tuple(str(x) for x in cand.get("tried", [])),
            strong_l2_grid=tuple(float(x) for x in cand.get("strong_l2_grid", [10.0, 1000.0])),
            trio=tuple(str(x) for x in cand.get("trio", [])),
            core=tuple(str(x) for x in cand.get("core", [])),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(f"Shortage settings {path} are incomplete or malformed: {exc}") from exc
    known = set(BASE_INDICATORS) | set(OPTIONAL_INDICATORS) | set(SIGNAL_INDICATORS)
    named = (
        *settings.base,
        *settings.report_only,
        *settings.optional,
        *(k for k, _ in settings.signs),
        *(k for _, members in settings.domains for k in members),
        *settings.trio,
        *settings.core,
    )
    unknown = [k for k in named if k not in known]
    if unknown:
        raise DataError(f"Shortage settings {path}: unknown indicators {unknown}.")
    bad_signs = [k for k, v in settings.signs if v not in (-1, 1)]
    if bad_signs:
        raise DataError(f"Shortage settings {path}: signs must be 1 or -1: {bad_signs}.")
    unknown_candidates = [c for c in settings.candidates if c not in CANDIDATE_NAMES]
    if unknown_candidates:
        raise DataError(
            f"Shortage settings {path}: unknown candidates {unknown_candidates}.",
            f"Choose from: {', '.join(CANDIDATE_NAMES)}.",
        )
    if settings.model not in MODELS:
        raise DataError(
            f"Shortage settings {path}: unknown model '{settings.model}'.",
            f"Choose one of: {', '.join(MODELS)}.",
        )
    if settings.cutoff_rule not in CUTOFF_RULES:
        raise DataError(
            f"Shortage settings {path}: unknown thresholds rule '{settings.cutoff_rule}'.",
            f"Choose one of: {', '.join(CUTOFF_RULES)}.",
        )
    if settings.selection not in SELECTIONS:
        raise DataError(
            f"Shortage settings {path}: unknown selection '{settings.selection}'.",
            f"Choose one of: {', '.join(SELECTIONS)}.",
        )
    if not settings.l2_grid or min(settings.l2_grid) <= 0:
        raise DataError(f"Shortage settings {path}: l2_grid needs positive penalties.")
    if not 0 < settings.overskott_probability <= settings.brist_probability < 1:
        raise DataError(
            f"Shortage settings {path}: need 0 < overskott_probability ≤ brist_probability < 1."
        )
    return settings
