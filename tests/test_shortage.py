"""Shortage status (`analysis.shortage`, `shortage_run`): coverage, labels, CV, optional data."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from kompetens_forecast.analysis.shortage import LABELS, ShortageSettings, load_settings, shrink
from kompetens_forecast.analysis.shortage_model import classify, fit, fit_ordinal
from kompetens_forecast.analysis.shortage_validation import auc, fold_assignment, macro_f1
from kompetens_forecast.classify.regions import default_registry
from kompetens_forecast.errors import UsageError
from kompetens_forecast.outputs import read_provenance
from kompetens_forecast.shortage_run import run_shortage
from kompetens_forecast.sources.af_yrkesbarometer import current_labels
from kompetens_forecast.store.datasets import DataContext
from store_helpers import store_synthetic

RunResult = tuple[Path, pd.DataFrame, dict[str, Any]]


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    ctx = DataContext(tmp_path_factory.mktemp("empty-data"))
    return run_shortage("all", tmp_path_factory.mktemp("out") / "shortage", ctx=ctx)


def test_every_ssyk4_scored_for_riket_and_each_county(demo_run: RunResult) -> None:
    path, frame, _ = demo_run
    assert path.name == "shortage.parquet" and path.exists()
    employment = DataContext().load("employment_county_ssyk4").frame
    codes = set(employment["ssyk"][employment["ssyk"].str.len() == 4])
    regions = ["00", *(c.code for c in default_registry().counties())]
    assert len(regions) == 22
    for region in regions:
        part = frame[frame["region_code"] == region]
        assert set(part["ssyk"]) == codes, region
        assert part["ssyk"].is_unique
    assert frame["score"].notna().all()
    assert frame["score"].dtype == np.float64
    for column in ("region_code", "ssyk", "score", "status", "source", "n_employed"):
        assert column in frame.columns
    assert any(c.startswith("ind_") for c in frame.columns)


def test_status_labels_and_sources(demo_run: RunResult) -> None:
    _, frame, _ = demo_run
    assert set(frame["status"]) <= set(LABELS)
    assert set(frame["model_status"]) <= set(LABELS)
    assert set(frame["source"]) == {"af", "model"}
    labels = current_labels(DataContext().load("yrkesbarometer").frame)
    keyed = frame.merge(labels, on=["region_code", "ssyk"], how="left")
    has_label = keyed["rekryteringssituation"].notna()
    assert has_label.sum() > 0
    assert (keyed.loc[has_label, "source"] == "af").all()
    assert (keyed.loc[has_label, "status"] == keyed.loc[has_label, "rekryteringssituation"]).all()
    assert (keyed.loc[has_label, "af_status"] == keyed.loc[has_label, "status"]).all()
    assert (keyed.loc[~has_label, "source"] == "model").all()
    model_rows = keyed[~has_label]
    assert (model_rows["status"] == model_rows["model_status"]).all()


def test_cv_folds_never_hold_the_scored_occupation(demo_run: RunResult) -> None:
    # the fold assignment used by the run: recompute from the published settings
    _, _, report = demo_run
    settings = load_settings()
    labels = current_labels(DataContext().load("yrkesbarometer").frame)
    ssyk = labels.loc[labels["region_code"] == "00", "ssyk"].tolist()
    folds = fold_assignment(ssyk, settings.folds, settings.seed)
    assert folds["ssyk"].is_unique and set(folds["ssyk"]) == set(ssyk)
    for fold in folds["fold"].unique():
        test = set(folds.loc[folds["fold"] == fold, "ssyk"])
        train = set(folds.loc[folds["fold"] != fold, "ssyk"])
        assert not test & train
    assert report["cross_validation"]["folds"] == settings.folds


def test_cv_train_sets_exclude_held_out_codes() -> None:
    from kompetens_forecast.analysis.regional import indicators_for
    from kompetens_forecast.analysis.shortage import shortage_scores

    ctx = DataContext()
    registry = default_registry()
    indicators, _ = indicators_for(ctx, registry, ["00", "01"])
    labels = current_labels(ctx.load("yrkesbarometer").frame)
    result = shortage_scores(indicators, labels, load_settings())
    cv = result.cv
    for fold, train in cv.train_ssyk.items():
        held_out = set(cv.assignments.loc[cv.assignments["fold"] == fold, "ssyk"])
        assert held_out and not held_out & train
    assert cv.predictions["score"].notna().all()


def test_report_has_auc_baselines_weights_thresholds(demo_run: RunResult) -> None:
    path, _, report = demo_run
    cv = report["cross_validation"]
    assert 0.0 <= cv["model"]["auc"] <= 1.0
    assert 0.0 <= cv["model"]["macro_f1"] <= 1.0
    assert cv["baselines"]["majority_class"]["auc"] == 0.5
    assert "persistence" in cv["baselines"]
    assert set(report["weights"]) == set(report["indicators_used"])
    assert report["thresholds"]["brist_score"] > report["thresholds"]["overskott_score"]
    assert "growth_5y" in report["indicators_used"]
    assert set(report["indicators_missing"]) == {
        "ads_per_employed",
        "share_55plus",
        "log_tightness",
        "jobseekers_per_employed",
        "ads_growth",
    }
    on_disk = json.loads((path.parent / "shortage_report.json").read_text(encoding="utf-8"))
    assert on_disk["weights"] == report["weights"]
    assert read_provenance(path)["weights"] == report["weights"]


def _synthetic_store(tmp_path: Path) -> DataContext:
    """SYNTHETIC job ads and age structure (invented numbers, for testing only): more ads and
    older workforces in occupations AF labels brist."""
    ctx = DataContext(tmp_path / "data")
    employment = ctx.load("employment_county_ssyk4").frame
    year = int(employment["year"].max())
    cells = employment[employment["year"] == year].groupby(["region_code", "ssyk"])["value"].sum()
    labels = current_labels(ctx.load("yrkesbarometer").frame)
    national = labels[labels["region_code"] == "00"].set_index("ssyk")["rekryteringssituation"]
    rng = np.random.default_rng(7)
    tilt = {"brist": 1.5, "överskott": -1.5}
    ads_rows = []
    age_rows = []
    for (region, ssyk), value in cells.items():
        lift = tilt.get(str(national.get(ssyk, "")), 0.0)
        rate = math.exp(-4.0 + lift + rng.normal(0, 0.3))
        ads_rows.append(
            {
                "snapshot_date": "2026-01-15",
                "region_code": region,
                "ssyk": ssyk,
                "ads": round(value * rate),
                "positions": math.nan,
            }
        )
        old = min(0.6, max(0.05, 0.2 + 0.1 * lift + rng.normal(0, 0.02)))
        for band, share in (("16-54", 1 - old), ("55-64", old)):
            age_rows.append(
                {
                    "region_code": region,
                    "ssyk": ssyk[:3],
                    "age": band,
                    "year": year,
                    "value": float(value) * share,
                }
            )
    ages = (
        pd.DataFrame(age_rows)
        .groupby(["region_code", "ssyk", "age", "year"], as_index=False)["value"]
        .sum()
    )
    for frame, name, dims in (
        (pd.DataFrame(ads_rows), "job_ads", ("snapshot_date", "region_code", "ssyk")),
        (ages, "employment_age_ssyk3", ("region_code", "ssyk", "age")),
    ):
        store_synthetic(ctx, frame, name, dims)
    return ctx


def test_ads_and_age_indicators_used_when_present(tmp_path: Path) -> None:
    ctx = _synthetic_store(tmp_path)
    _, frame, report = run_shortage("00", tmp_path / "out", ctx=ctx)
    assert set(frame["region_code"]) == {"00"}
    for name in ("ads_per_employed", "share_55plus"):
        assert f"ind_{name}" in frame.columns
        assert frame[f"ind_{name}"].std() > 0
        assert name in report["indicators_used"]
        assert abs(report["weights"][name]) > 1e-3
        assert report["carried_share"][name] > 0
    assert set(report["indicators_missing"]) == {
        "log_tightness",
        "jobseekers_per_employed",
        "ads_growth",
    }  # no jobseeker or ad-history data in this store
    assert report["synthetic"] is True
    assert report["weights"]["ads_per_employed"] > 0  # the synthetic tilt is recovered


def test_unknown_region_is_usage_error_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(UsageError):
        run_shortage("Atlantis", out, ctx=DataContext(tmp_path / "data"))
    with pytest.raises(UsageError):
        run_shortage("0180", out, ctx=DataContext(tmp_path / "data"))  # a kommun
    assert not out.exists()
    assert not list(tmp_path.glob(".out.staging-*"))


def test_county_group_is_scored_with_national_weights(tmp_path: Path, demo_run: RunResult) -> None:
    _, national, report = demo_run
    _, frame, group_report = run_shortage("SE31", tmp_path / "se31", ctx=DataContext(tmp_path))
    assert set(frame["region_code"]) == {"SE31"}
    assert set(frame["ssyk"]) == set(national.loc[national["region_code"] == "00", "ssyk"])
    assert (frame["source"] == "model").all()  # AF does not label groups
    assert group_report["weights"] == report["weights"]  # the fit never sees the group
    members = national[national["region_code"].isin(["17", "20", "21"])]
    total = members.groupby("ssyk")["n_employed"].sum()
    assert frame.set_index("ssyk")["n_employed"].equals(
        total.loc[frame["ssyk"]].rename_axis("ssyk")
    )


def test_shrinkage_pulls_small_cells_to_national() -> None:
    cells = pd.DataFrame(
        {
            "region_code": ["00", "01", "02"],
            "ssyk": ["1111"] * 3,
            "n_employed": [10000.0, 200.0, 0.0],
            "x": [1.0, 3.0, 9.0],
        }
    )
    out = shrink(cells, ["x"], kappa=200.0)
    assert out["x"].tolist() == pytest.approx([1.0, 2.0, 1.0])


def test_auc_and_macro_f1() -> None:
    assert auc([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4]) == 1.0
    assert auc([0, 1], [0.5, 0.5]) == 0.5
    assert math.isnan(auc([1, 1], [0.1, 0.2]))
    assert macro_f1(["a", "b"], ["a", "b"], ["a", "b"]) == 1.0
    assert macro_f1(["a", "b"], ["a", "a"], ["a", "b"]) == pytest.approx((2 / 3 + 0) / 2)


def test_settings_file_matches_defaults() -> None:
    settings = load_settings()
    assert isinstance(settings, ShortageSettings)
    assert settings.kappa > 0 and settings.l2 > 0
    assert 0 < settings.overskott_probability <= settings.brist_probability < 1


def _ordered_labels(seed: int, n: int = 300) -> tuple[pd.DataFrame, list[str]]:
    """SYNTHETIC labelled rows: the latent shortage is 1.5·a + noise; b is pure noise."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    latent = 1.5 * frame["a"] + rng.logistic(size=n)
    labels = np.where(latent > 1.0, "brist", np.where(latent < -1.0, "överskott", "balans"))
    frame["af_label"] = labels
    return frame, list(labels)


def test_ordinal_model_recovers_the_ordering() -> None:
    frame, labels = _ordered_labels(3)
    x = frame[["a", "b"]].to_numpy(dtype=np.float64)
    model = fit_ordinal(x, labels, ("a", "b"), l2=0.01)
    assert model.kind == "ordinal" and model.converged
    assert model.weights["a"] == pytest.approx(1.5, abs=0.35)
    assert abs(model.weights["b"]) < 0.3
    assert model.cutpoints is not None
    low, high = model.cutpoints
    assert low == pytest.approx(-1.0, abs=0.4) and high == pytest.approx(1.0, abs=0.4)
    assert model.counts == {lab: labels.count(lab) for lab in ("överskott", "balans", "brist")}
    assert model.pseudo_r2 > 0.1


def test_ordinal_penalty_shrinks_weights() -> None:
    frame, labels = _ordered_labels(4)
    x = frame[["a", "b"]].to_numpy(dtype=np.float64)
    loose = fit_ordinal(x, labels, ("a", "b"), l2=0.01)
    tight = fit_ordinal(x, labels, ("a", "b"), l2=200.0)
    assert 0 < tight.weights["a"] < 0.5 * loose.weights["a"]


def test_label_share_cutoffs_reproduce_af_shares_on_fitted_rows() -> None:
    frame, labels = _ordered_labels(5)
    settings = ShortageSettings(cutoff_rule="label_shares")
    model = fit(frame, ("a", "b"), settings)
    status = classify(model, model.score(frame), frame, settings)
    for label in ("brist", "överskott"):
        assert (status == label).mean() == pytest.approx(
            labels.count(label) / len(labels), abs=0.01
        )
    binary = fit(frame, ("a", "b"), ShortageSettings(model="binary", cutoff_rule="model"))
    assert binary.kind == "binary" and binary.cutpoints is None
    assert binary.cutoffs[0] < 0 < binary.cutoffs[1]  # logit(0.45), logit(0.60)


def test_paradox_needs_ads_and_uses_jobseekers_when_present() -> None:
    frame, _ = _ordered_labels(6, n=40)
    settings = ShortageSettings()
    model = fit(frame, ("a", "b"), settings)
    z = frame.assign(ads_per_employed=0.0, jobseekers_per_employed=0.0, growth_5y=-3.0)
    z.loc[0, ["ads_per_employed", "jobseekers_per_employed"]] = [2.0, 2.0]
    z.loc[1, "ads_per_employed"] = 2.0  # pressure, but few jobseekers: not paradox
    status = classify(model, model.score(z), z, settings)
    assert status[0] == "paradox" and status[1] != "paradox"
    assert (status == "paradox").sum() == 1
    no_ads = classify(model, model.score(frame), frame, settings)
    assert "paradox" not in set(no_ads)


def test_report_publishes_model_cutoffs_and_repeated_cv(demo_run: RunResult) -> None:
    _, frame, report = demo_run
    assert report["fit"]["model"] == "ordinal"
    assert report["fit"]["label_counts"]["balans"] > 0  # balans rows are used by the fit
    low, high = report["fit"]["status_cutoffs"]
    assert report["thresholds"]["overskott_score"] == low <= high
    model_rows = frame[frame["source"] == "model"]
    assert (model_rows["score"] > high).eq(model_rows["status"] == "brist").all()
    repeated = report["cross_validation"]["repeated"]
    assert repeated["repeats"] == 10
    for metric in ("auc", "macro_f1"):
        spread = repeated[metric]
        assert spread["min"] <= spread["mean"] <= spread["max"]
