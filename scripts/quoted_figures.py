"""Every forecast-accuracy figure quoted in README.md, docs/ and configs/, computed here.

    python scripts/quoted_figures.py           # recompute, write docs/figures.json
    python scripts/quoted_figures.py --check   # recompute and compare; check every quote
    python scripts/quoted_figures.py --update  # recompute, write, and rewrite every quote

Figures come from the real-time (nested) backtest of the published procedure on the embedded
demo data (`forecast backtest --region all --horizon 5`, in-process), and from the shortage
model's grouped, repeated cross-validation with every candidate procedure (`forecast shortage
--region 00`, in-process). Documents quote a figure
with a marker that names it, so a check can find every quote:

- Markdown: `<!--fig:nested_h1_abs_ratio-->0.919<!--/fig-->` (renders as 0.919);
- TOML comments: `# fig:nested_h1_abs_ratio = 0.919`.

`tests/test_quoted_figures.py` fails when a quote differs from docs/figures.json, or when
docs/figures.json differs from a fresh computation.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
FIGURES = REPO / "docs" / "figures.json"
QUOTING = ("README.md", "docs", "configs")
MARKDOWN = re.compile(r"<!--fig:(\w+)-->(.*?)<!--/fig-->")
TOML = re.compile(r"#\s*fig:(\w+)\s*=\s*(.+?)\s*$", re.MULTILINE)
HORIZONS = 5


def _pct(value: float | None, decimals: int = 1) -> str:
    return "–" if value is None else f"{value * 100:.{decimals}f} %"


def _num(value: float | None, decimals: int = 3) -> str:
    return "–" if value is None else f"{value:.{decimals}f}"


def compute() -> dict[str, str]:
    """The figures, formatted as quoted (name → text)."""
    from kompetens_forecast.jobs.backtest import run_backtest

    with tempfile.TemporaryDirectory() as tmp:
        _, frame, summary = run_backtest("all", Path(tmp), horizons=HORIZONS)
    out: dict[str, str] = {"nested_cells": f"{frame.groupby(['region_code', 'ssyk']).ngroups:,}"}
    for name, rows in (("nested", summary["nested"]), ("break_free", summary["nested_break_free"])):
        for row in rows:
            key = f"{name}_h{row['horizon']}"
            out[f"{key}_abs_ratio"] = _num(row["abs_error_ratio_naive"])
            out[f"{key}_mase_ratio"] = _num(row["mase_ratio_naive"])
            out[f"{key}_beating"] = _pct(row["share_cells_beating_naive"], 0)
            out[f"{key}_direction"] = _pct(row["direction_accuracy_moved_5pct"])
            out[f"{key}_coverage"] = _pct(row["coverage_80"])
            out[f"{key}_error_pct"] = f"{row['typical_error_pct']:.1f} %"
            out[f"{key}_naive_weight"] = _num(row["mean_naive_weight"], 2)
    out.update(compute_shortage())
    return out


def _range(auc: dict[str, float | None]) -> str:
    """mean (min–max) of an AUC over the CV shuffles; a fixed score has one value."""
    mean, low, high = auc.get("mean"), auc.get("min"), auc.get("max")
    if low == high:
        return _num(mean)
    return f"{_num(mean)} ({_num(low)}–{_num(high)})"


def compute_shortage() -> dict[str, str]:
    """The shortage model's cross-validation on the demo (`forecast shortage --region 00`,
    in-process): the published procedure, every candidate tried, the single-signal baselines
    and the county-label check."""
    from kompetens_forecast.jobs.shortage import run_shortage

    with tempfile.TemporaryDirectory() as tmp:
        _, _, report = run_shortage("00", Path(tmp) / "shortage")
    cv = report["cross_validation"]
    model = cv["model"]
    out = {
        "shortage_n_auc": str(cv["n_auc"]),
        "shortage_procedure": str(cv["procedure"]),
        "shortage_auc": _range(model["auc"]),
        "shortage_macro_f1": _num(model["macro_f1"]["mean"]),
        "shortage_brier": _num(model["brier"]["mean"]),
        "shortage_slope": _num(model["calibration_slope"]["mean"], 2),
        "shortage_skilful": "yes" if cv["skilful"] else "no",
        "shortage_best_single": f"{cv['best_single_signal']['name']} "
        f"{_num(cv['best_single_signal']['auc_mean'])}",
        "shortage_size_spearman": _num(
            report["checks"]["size_score_spearman"]["all_riket_occupations"], 2
        ),
        "shortage_majority_f1": _num(cv["baselines"]["majority_class"]["macro_f1"]),
    }
    for name, metrics in cv["candidates"].items():
        out[f"shortage_cand_{name}"] = _range(metrics["auc"])
    for name, metrics in cv["baselines"]["single_signal"].items():
        out[f"shortage_single_{name}"] = _num(metrics["auc"]["mean"])
    for name, metrics in cv["baselines"]["single_signal_signed"].items():
        out[f"shortage_signed_{name}"] = _num(metrics["auc"]["mean"])
    county = report["checks"]["county_labels"]["within_occupation"]
    for subset, entry in county.items():
        out[f"shortage_county_{subset}_rows"] = str(entry["rows"])
        for column in ("county_growth_vs_riket", "county_lq_change_5y", "score"):
            value = entry[column]
            out[f"shortage_county_{subset}_{column}"] = (
                f"{_num(value['concordance'], 2)} ({value['pairs']} pairs)"
            )
    return out


def quotes(root: Path = REPO) -> list[tuple[str, str, str]]:
    """Every quoted figure: (file, name, quoted text)."""
    found = []
    for entry in QUOTING:
        path = root / entry
        files = [path] if path.is_file() else sorted(path.rglob("*"))
        for file in files:
            if file.suffix not in (".md", ".toml"):
                continue
            text = file.read_text(encoding="utf-8")
            pattern = MARKDOWN if file.suffix == ".md" else TOML
            rel = str(file.relative_to(root))
            found += [(rel, m.group(1), m.group(2).strip()) for m in pattern.finditer(text)]
    return found


def mismatches(figures: dict[str, Any], root: Path = REPO) -> list[str]:
    """Quotes that differ from `figures` (or name no figure)."""
    bad = []
    for file, name, text in quotes(root):
        if name not in figures:
            bad.append(f"{file}: fig:{name} is not a computed figure")
        elif figures[name] != text:
            bad.append(f"{file}: fig:{name} = {text!r}, computed {figures[name]!r}")
    return bad


def rewrite_quotes(figures: dict[str, str], root: Path = REPO) -> None:
    """Put the computed figure into every quote (the prose around it is for a human)."""
    files = {file for file, _, _ in quotes(root)}
    for file in sorted(files):
        path = root / file
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".md":
            text = MARKDOWN.sub(
                lambda m: (
                    f"<!--fig:{m.group(1)}-->{figures.get(m.group(1), m.group(2))}<!--/fig-->"
                ),
                text,
            )
        else:
            text = TOML.sub(
                lambda m: f"# fig:{m.group(1)} = {figures.get(m.group(1), m.group(2))}", text
            )
        path.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument("--update", action="store_true", help="also rewrite the quotes")
    args = parser.parse_args()
    figures = compute()
    if args.check:
        stored = json.loads(FIGURES.read_text(encoding="utf-8"))
        problems = [
            f"docs/figures.json: {k} = {stored.get(k)!r}, computed {v!r}"
            for k, v in figures.items()
            if stored.get(k) != v
        ]
        problems += mismatches(figures)
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    FIGURES.write_text(json.dumps(figures, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if args.update:
        rewrite_quotes(figures)
    for problem in mismatches(figures):
        print(problem, file=sys.stderr)
    print(FIGURES)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
