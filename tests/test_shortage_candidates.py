"""Candidate procedures of the shortage score (`analysis.shortage_candidates`) and the county
signals (`analysis.shortage_county`): fast checks on small synthetic data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize

from kompetens_forecast.analysis.shortage_candidates import (
    choice_fitter,
    fitters,
    signed_logit,
    unit_fitter,
    unit_weights,
)
from kompetens_forecast.analysis.shortage_county import county_label_check, county_signals
from kompetens_forecast.analysis.shortage_settings import ShortageSettings, load_settings
from kompetens_forecast.analysis.shortage_validation import Fitted, auc, out_of_fold
from kompetens_forecast.errors import DataError


def _labelled(n: int, seed: int, signal: float) -> tuple[np.ndarray, list[str], list[str]]:
    """n rows, column 0 carries `signal` toward brist, columns 1–2 are noise; 2 rows/group."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    x = rng.normal(size=(n, 3))
    x[:, 0] += signal * (y - 0.5)
    labels = ["brist" if v else "överskott" for v in y]
    groups = [f"g{i // 2}" for i in range(n)]
    return x, labels, groups


@pytest.mark.parametrize("l2", [0.3, 3.0])
def test_signed_logit_is_the_bounded_optimum_and_keeps_the_signs(l2: float) -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(40, 6))
    y = (x[:, 0] - x[:, 1] + rng.normal(size=40) > 0).astype(float)
    signs = np.array([1.0, 1.0, -1.0, 0.0, 1.0, -1.0])  # column 1 gets the wrong a-priori sign
    beta = signed_logit(x, y, signs, l2)
    assert np.all(beta[1:] * signs >= 0) and beta[4] == 0.0  # signless column: no weight
    assert beta[2] == 0.0  # its true effect is negative, its a-priori sign positive: bound
    used = signs != 0
    design = np.column_stack([np.ones(40), x[:, used] * signs[used]])

    def loss(b: np.ndarray) -> float:
        eta = design @ b
        return float(np.sum(np.logaddexp(0, eta) - y * eta) + 0.5 * l2 * b[1:] @ b[1:])

    bounds = [(None, None)] + [(0.0, None)] * int(used.sum())
    ref = minimize(loss, np.zeros(design.shape[1]), method="L-BFGS-B", bounds=bounds)
    expected = np.zeros(7)
    expected[0] = ref.x[0]
    expected[1:][used] = ref.x[1:] * signs[used]
    assert np.allclose(beta, expected, atol=1e-4)


def test_unit_weights_count_every_domain_once() -> None:
    features = ["a", "b", "c", "d", "e"]
    signs = {"a": 1, "b": -1, "c": 1, "d": 1}  # e has no a-priori sign
    flat = unit_weights(features, signs)
    assert np.allclose(flat, [0.25, -0.25, 0.25, 0.25, 0.0])
    domains = {"one": ("a",), "two": ("b", "c", "d"), "three": ("e",)}
    balanced = unit_weights(features, signs, domains)
    # two domains have a signed member: each carries half the weight however many it has
    assert np.isclose(abs(balanced[0]), 0.5) and np.isclose(np.abs(balanced[1:4]).sum(), 0.5)
    assert balanced[1] < 0 and balanced[4] == 0.0
    assert np.allclose(unit_weights(features, signs, only=["a", "e"]), [1, 0, 0, 0, 0])


def test_a_unit_score_is_never_flipped_by_its_calibration() -> None:
    x, labels, groups = _labelled(30, 1, signal=3.0)
    right = unit_fitter(np.array([1.0, 0.0, 0.0]))(x, labels, groups)
    assert right.weights[0] > 0 and np.array_equal(right.ranking, [1.0, 0.0, 0.0])
    wrong = unit_fitter(np.array([-1.0, 0.0, 0.0]))(x, labels, groups)
    # the training rows rank it the wrong way: no slope (base rate), the ranking unchanged
    assert np.all(wrong.weights == 0) and np.array_equal(wrong.ranking, [-1.0, 0.0, 0.0])


def test_nested_choice_takes_the_candidate_the_inner_cv_prefers() -> None:
    x, labels, groups = _labelled(60, 2, signal=3.0)
    settings = ShortageSettings(l2_grid=(1.0,), inner_folds=4)
    pool = {
        "noise": unit_fitter(np.array([0.0, 1.0, 0.0])),
        "signal": unit_fitter(np.array([1.0, 0.0, 0.0])),
    }
    assert choice_fitter(pool, settings)(x, labels, groups).chose == "signal"


def test_a_candidate_never_sees_the_fold_it_scores() -> None:
    x, labels, groups = _labelled(40, 3, signal=1.0)
    seen: list[set[str]] = []

    def recording(xs: np.ndarray, labs: Sequence[str], grps: Sequence[str]) -> Fitted:
        seen.append(set(grps))
        return Fitted(0.0, np.zeros(3), np.array([1.0, 0.0, 0.0]))

    settings = ShortageSettings(folds=5)
    oof = out_of_fold(x, labels, groups, settings, seed=11, fitter=recording)
    assert len(seen) == 5
    for k, trained_on in zip(np.unique(oof.fold), seen, strict=True):
        held_out = {g for g, f in zip(groups, oof.fold, strict=True) if f == k}
        assert not trained_on & held_out
    # the pooled ranking is the fixed score itself: its AUC is the in-sample one
    y = np.array([lab == "brist" for lab in labels], dtype=float)
    assert auc(y, oof.ranking) == auc(y, x[:, 0])


def test_every_declared_candidate_is_built_and_scores_held_out_rows() -> None:
    settings = replace(load_settings(), repeats=1, l2_grid=(1.0, 10.0))
    features = ["growth_5y", "pay_relative", "share_55plus", "pay_dispersion"]
    x, labels, groups = _labelled(40, 4, signal=2.0)
    x = np.column_stack([x, x[:, 0]])  # a fourth column: pay_dispersion
    built = fitters(features, replace(settings, trio=("pay_relative",), core=("growth_5y",)))
    assert list(built) == list(settings.candidates)
    for name, fitter in built.items():
        oof = out_of_fold(x, labels, groups, settings, seed=5, fitter=fitter)
        assert np.isfinite(oof.probability).all(), name
        assert ((oof.probability > 0) & (oof.probability < 1)).all(), name


def test_settings_refuse_a_bad_sign_or_an_unknown_candidate(tmp_path: Path) -> None:
    from kompetens_forecast.resources import configs_dir

    text = (configs_dir() / "shortage.toml").read_text(encoding="utf-8")
    bad_sign = tmp_path / "sign.toml"
    bad_sign.write_text(text.replace("share_under30 = -1", "share_under30 = 2"), "utf-8")
    with pytest.raises(DataError, match="signs must be 1 or -1"):
        load_settings(bad_sign)
    bad_candidate = tmp_path / "candidate.toml"
    bad_candidate.write_text(text.replace('"unit_core",\n', '"unit_cor",\n'), "utf-8")
    with pytest.raises(DataError, match="unknown candidates"):
        load_settings(bad_candidate)


def test_county_signals_are_growth_and_lq_change_against_riket() -> None:
    rows = []
    # riket: occupation A 100 → 121 over 5 years, B 100 → 100; county 01: A 10 → 20, B 10 → 10
    for region, a_now, a_then, b in (("00", 121.0, 100.0, 100.0), ("01", 20.0, 10.0, 10.0)):
        for ssyk, now, then in (("1111", a_now, a_then), ("2222", b, b)):
            cagr = ((now / then) ** 0.2 - 1) * 100
            rows.append(
                {
                    "region_code": region,
                    "ssyk": ssyk,
                    "employed": now,
                    "change_5y_adj": now - then,
                    "cagr_5y_adj": cagr,
                }
            )
    out = county_signals(pd.DataFrame(rows)).set_index(["region_code", "ssyk"])
    riket_a = ((121 / 100) ** 0.2 - 1) * 100
    assert out.loc[("01", "1111"), "growth_vs_riket"] == pytest.approx(
        ((20 / 10) ** 0.2 - 1) * 100 - riket_a
    )
    expected = 100 * (np.log(2) - np.log(30 / 20) - np.log(1.21) + np.log(221 / 200))
    assert out.loc[("01", "1111"), "lq_change_5y"] == pytest.approx(expected)
    assert out.loc[("00", "1111"), "lq_change_5y"] == pytest.approx(0.0)


def test_county_label_check_orders_pairs_within_an_occupation() -> None:
    cells = pd.DataFrame(
        {
            "region_code": ["01", "02", "03", "01", "02", "00"],
            "ssyk": ["1111", "1111", "1111", "2222", "2222", "1111"],
            "af_status": ["brist", "balans", "överskott", "paradox", "brist", "brist"],
            "af_county_level": [True, False, True, True, True, False],
            "signal": [3.0, 2.0, 1.0, 0.0, 5.0, 9.0],
        }
    )
    check = county_label_check(cells, ("signal",))
    every = check["all_county_labels"]
    # 1111: three ordered pairs, all in AF's order; 2222: paradox is left out, riket ignored
    assert every["rows"] == 4 and every["signal"] == {"concordance": 1.0, "pairs": 3}
    own = check["county_level_only"]
    assert own["rows"] == 3 and own["signal"]["pairs"] == 1
    flipped = county_label_check(cells.assign(signal=-cells["signal"]), ("signal",))
    assert flipped["all_county_labels"]["signal"]["concordance"] == 0.0
