"""Shortage status (`analysis.shortage`, `shortage_run`): coverage, labels, CV, optional data."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from kompetens_forecast.analysis.af_rounds import current_labels
from kompetens_forecast.analysis.shortage import (
    LABELS,
    NO_ASSESSMENT,
    ShortageSettings,
    barometer_groups,
    load_settings,
    shrink,
)
from kompetens_forecast.analysis.shortage_model import classify, fit, fit_ordinal, logit_l2
from kompetens_forecast.analysis.shortage_validation import (
    auc,
    fold_assignment,
    macro_f1,
    out_of_fold,
)
from kompetens_forecast.classify.regions import default_registry
from kompetens_forecast.errors import UsageError
from kompetens_forecast.jobs.outputs import read_provenance
from kompetens_forecast.jobs.shortage import run_shortage
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
    assert set(frame["status"]) <= {*LABELS, NO_ASSESSMENT}
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
    published = model_rows["model_published"]
    assert (model_rows.loc[published, "status"] == model_rows.loc[published, "model_status"]).all()
    assert (model_rows.loc[~published, "status"] == NO_ASSESSMENT).all()


def test_contract_columns_come_first_then_confidence_and_drivers(demo_run: RunResult) -> None:
    _, frame, _ = demo_run
    assert list(frame.columns[:8]) == [
        "region_code",
        "ssyk",
        "score",
        "status",
        "source",
        "n_employed",
        "confidence",
        "drivers",
    ]
    assert frame["confidence"].between(0, 1).all()
    riket = frame[frame["region_code"] == "00"]
    named = riket["drivers"].str.len() > 0
    # a signal is named when it moves the log-odds by ≥ 0.05; the unit-weighted score's small
    # calibrated slope leaves the most ordinary occupations without one
    assert named.mean() > 0.75
    assert riket.loc[named, "drivers"].str.count(", ").le(2).all()  # two or three signals
    assert riket["drivers_en"].str.len().gt(0).mean() > 0.75


def test_demo_model_has_no_skill_of_its_own_so_every_model_status_is_withheld(
    demo_run: RunResult,
) -> None:
    # the combined model ranks AF's labels worse than pay alone (docs/methods.md): the status
    # rule must then publish no model status anywhere
    _, frame, report = demo_run
    cv = report["cross_validation"]
    best = cv["best_single_signal"]
    assert cv["model"]["auc"]["mean"] < max(
        report["settings"]["status"]["min_cv_auc"], best["auc_mean"]
    )
    assert cv["skilful"] is False
    assert not frame["model_published"].any()
    assert (frame.loc[frame["source"] == "model", "status"] == NO_ASSESSMENT).all()


def test_cv_folds_keep_a_barometer_occupation_together(demo_run: RunResult) -> None:
    _, _, report = demo_run
    settings = load_settings()
    labels = current_labels(DataContext().load("yrkesbarometer").frame)
    riket = labels[labels["region_code"] == "00"].reset_index(drop=True)
    groups = barometer_groups(riket)
    # Jurister spans six SSYK-4 codes: one group, hence one fold
    jurister = groups[riket["ssyk"].isin(["2611", "2612", "2613", "2614", "2615", "2619"])]
    assert jurister.nunique() == 1
    folds = fold_assignment(groups.tolist(), settings.folds, settings.seed)
    assert folds["group"].is_unique and set(folds["group"]) == set(groups)
    assert report["cross_validation"]["folds"] == settings.folds
    assert "barometer occupation" in report["cross_validation"]["grouping"]


def test_barometer_groups_join_occupations_sharing_a_code() -> None:
    labels = pd.DataFrame({"yb_yrke": ["A", "A; B", "B", "C", None]})
    groups = barometer_groups(labels)
    assert groups[0] == groups[1] == groups[2] == "A"
    assert groups[3] == "C" and groups[4] not in {"A", "C"}


def test_out_of_fold_never_fits_on_the_held_out_group() -> None:
    # SYNTHETIC: two rows per group share a label drawn at random per group, and the only
    # features are group indicators. A model that saw a row's group-mate scores its label
    # perfectly; with folds grouped by barometer occupation it cannot (AUC at chance).
    rng = np.random.default_rng(11)
    n_groups = 40
    label = rng.choice(["brist", "överskott"], size=n_groups)
    member = np.repeat(np.arange(n_groups), 2)
    x = np.eye(n_groups)[member]
    labels = list(label[member])
    y = np.array([lab == "brist" for lab in labels], dtype=float)
    settings = ShortageSettings(folds=5, l2_grid=(0.01,), l2=0.01)
    grouped = out_of_fold(x, labels, [f"g{g}" for g in member], settings, seed=1, nested=False)
    for g in range(n_groups):
        assert grouped.fold[2 * g] == grouped.fold[2 * g + 1]
    assert abs(auc(y, grouped.ranking) - 0.5) < 0.1
    leaky = out_of_fold(
        x, labels, [f"r{i}" for i in range(len(labels))], settings, seed=1, nested=False
    )
    assert auc(y, leaky.ranking) > 0.9  # the same model with ungrouped folds leaks


def test_logit_l2_matches_the_penalised_optimum() -> None:
    rng = np.random.default_rng(2)
    x = rng.normal(size=(200, 2))
    y = (rng.random(200) < 1 / (1 + np.exp(-(0.5 + 2.0 * x[:, 0])))).astype(float)
    loose, tight = logit_l2(x, y, 1e-6), logit_l2(x, y, 100.0)
    assert loose[1] == pytest.approx(2.0, abs=0.6) and abs(loose[2]) < 0.4
    assert abs(tight[1]) < 0.6 * abs(loose[1])  # the penalty shrinks the weights
    eta = loose[0] + x @ loose[1:]
    gradient = x.T @ (y - 1 / (1 + np.exp(-eta)))
    assert np.abs(gradient).max() < 1e-4  # the first-order condition holds


def test_report_has_auc_baselines_weights_thresholds(demo_run: RunResult) -> None:
    path, _, report = demo_run
    cv = report["cross_validation"]
    auc_spread = cv["model"]["auc"]
    assert 0.0 <= auc_spread["min"] <= auc_spread["mean"] <= auc_spread["max"] <= 1.0
    assert cv["repeats"] == 10 and cv["n_auc"] > 30
    assert cv["baselines"]["majority_class"]["auc"] == 0.5
    assert "persistence" in cv["baselines"]
    singles = cv["baselines"]["single_signal"]
    assert set(singles) == set(report["indicators_used"])
    # pay relative to all occupations separates AF's brist from överskott on its own
    assert singles["pay_relative"]["auc"]["mean"] > 0.7
    assert "log_size" not in report["indicators_used"]  # size must not decide the status
    size = report["checks"]["size_score_spearman"]["all_riket_occupations"]
    assert -1.0 <= size <= 1.0
    assert set(report["weights"]) == set(report["indicators_selected"])
    assert report["thresholds"]["brist_score"] > report["thresholds"]["overskott_score"]
    for name in ("pay_relative", "share_55plus", "ads_growth_12m", "growth_5y"):
        assert name in report["indicators_used"]
    assert set(report["indicators_missing"]) == {
        "ads_per_employed",
        "log_tightness",
        "jobseekers_per_employed",
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
    name = "ads_per_employed"
    assert f"ind_{name}" in frame.columns
    assert frame[f"ind_{name}"].std() > 0
    assert name in report["indicators_used"]
    assert abs(report["weights"][name]) > 1e-3
    assert report["carried_share"][name] > 0
    assert set(report["indicators_missing"]) == {
        "log_tightness",
        "jobseekers_per_employed",
    }  # no jobseeker data in this store
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


def test_report_publishes_cutoffs_repeated_cv_and_every_candidate(demo_run: RunResult) -> None:
    _, frame, report = demo_run
    settings = load_settings()
    assert report["fit"]["model"] == report["procedure"] == settings.model
    low, high = report["fit"]["status_cutoffs"]
    assert report["thresholds"]["overskott_score"] == low <= high
    model_rows = frame[frame["source"] == "model"]
    assert (model_rows["score"] >= high).eq(model_rows["model_status"] == "brist").all()
    cv = report["cross_validation"]
    assert cv["repeats"] == 10 and len(cv["seeds"]) == 10
    for metric in ("auc", "macro_f1", "brier", "calibration_slope"):
        spread = cv["model"][metric]
        assert spread["min"] <= spread["mean"] <= spread["max"]
    # every declared candidate is recorded, scored on the same folds as the published one
    candidates = cv["candidates"]
    assert list(candidates) == list(settings.candidates)
    for name, metrics in candidates.items():
        assert metrics["auc"]["min"] <= metrics["auc"]["mean"] <= metrics["auc"]["max"], name
    assert candidates[settings.model]["auc"] == cv["model"]["auc"]
    for name in ("unit_weighted", "unit_domains", "unit_core"):  # nothing fitted: one value
        assert candidates[name]["auc"]["min"] == candidates[name]["auc"]["max"]
    assert sum(candidates["nested_choice"]["chose"].values()) == 50  # per fold and shuffle
    signed = cv["baselines"]["single_signal_signed"]
    assert set(signed) == {k for k, _ in settings.signs} & set(report["indicators_used"])
    best = max(
        [m["auc"]["mean"] for m in cv["baselines"]["single_signal"].values()]
        + [m["auc"]["mean"] for m in signed.values()]
    )
    assert cv["best_single_signal"]["auc_mean"] == best


def test_printed_table_has_the_model_every_single_signal_and_candidate(
    demo_run: RunResult,
) -> None:
    from kompetens_forecast.jobs.shortage import shortage_summary_lines

    _, _, report = demo_run
    lines = shortage_summary_lines(report)
    cv = report["cross_validation"]
    assert f"procedure={cv['procedure']}" in lines[0]
    rows = {line.split("\t")[0]: line.split("\t")[1:] for line in lines}
    assert rows["model"][0] == f"{cv['model']['auc']['mean']:.3f}"
    for name in cv["baselines"]["single_signal"]:
        assert f"single:{name}" in rows
    for name in cv["baselines"]["single_signal_signed"]:
        assert f"signed:{name}" in rows
    for name, metrics in cv["candidates"].items():
        assert rows[f"candidate:{name}"][:3] == [
            f"{metrics['auc'][k]:.3f}" for k in ("mean", "min", "max")
        ]


def test_county_signals_are_reported_and_checked_against_af_county_labels(
    demo_run: RunResult,
) -> None:
    _, frame, report = demo_run
    counties = frame[frame["region_code"] != "00"]
    assert counties["county_growth_vs_riket"].notna().mean() > 0.9
    riket = frame[frame["region_code"] == "00"]
    assert riket["county_growth_vs_riket"].abs().max() < 1e-9  # riket against itself
    check = report["checks"]["county_labels"]["within_occupation"]
    every = check["all_county_labels"]
    assert every["rows"] == (counties["af_status"].isin(["brist", "balans", "överskott"])).sum()
    for column in ("county_growth_vs_riket", "county_lq_change_5y", "score"):
        assert every[column]["pairs"] > 0
        assert 0 <= every[column]["concordance"] <= 1


def test_a_skilful_model_publishes_only_confident_rows_with_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # were the model skilful, it would publish its status exactly where coverage and
    # confidence reach the configured minima, and say "ingen bedömning" elsewhere
    from dataclasses import replace

    import kompetens_forecast.jobs.shortage as shortage_run
    from kompetens_forecast.analysis.shortage_validation import CrossValidation
    from kompetens_forecast.jobs.shortage import score_all

    monkeypatch.setattr(CrossValidation, "skilful", property(lambda self: True))
    monkeypatch.setattr(shortage_run, "_RECENT", {})  # never a result scored without the patch
    settings = replace(load_settings(), repeats=1)
    result, _ = score_all(DataContext(tmp_path), settings)
    model_rows = result.cells[result.cells["source"] == "model"]
    expected = (
        model_rows["model_status"].isin(["brist", "överskott", "paradox"])
        & (model_rows["coverage"] >= settings.min_coverage)
        & (model_rows["confidence"] >= settings.min_confidence)
    )
    assert expected.any() and (~expected).any()
    assert model_rows["model_published"].equals(expected)
    published = model_rows[expected]
    assert (published["status"] == published["model_status"]).all()
    assert (model_rows.loc[~expected, "status"] == NO_ASSESSMENT).all()
