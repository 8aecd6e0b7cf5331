"""Write the example goals config for Dalarna (county 20) and its CSV indicator.

    python scripts/build_goal_examples.py [--out configs/goals]

- `dalarna_kvinnor.csv`: the share of women (%) among employees in Dalarnas län by year
  (region_code;year;value), from the embedded demo dataset's REAL SCB figures (YREG60 family;
  women and everyone summed over SSYK-4, unknown occupation 0002 left out) — a series the
  built-ins do not give. A share, so the 2020 and 2023 series breaks, which move both counts,
  move it far less than the counts themselves.
- `dalarna.toml`: a county strategy example with the indicators Region Dalarna follows up
  (employment, health-care staff, the forecast, shortage, matchningsgrad, employment rate).
  Targets are ILLUSTRATIVE, set by the rules below from the baseline values (or, where the
  data are not in the demo, as round levels); they are not Region Dalarna's adopted targets.

Deterministic: same demo data, same files.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kompetens_forecast.analysis.panel import UNKNOWN_SSYK
from kompetens_forecast.store.datasets import DataContext

REGION = "20"
#: Illustrative target rules: baseline × factor by the target year.
GROWTH = {"anstallda": 1.10, "vard": 1.15}
#: Illustrative: the share of women this many percentage points above the baseline.
WOMEN_POINTS = 2.0
#: Illustrative levels for indicators the demo does not hold (per cent).
LEVELS = {"matchningsgrad": 72.0, "sysselsattningsgrad": 82.0}


def women_share(ctx: DataContext) -> list[tuple[int, float]]:
    frame = ctx.load("employment_county_ssyk4").frame
    rows = frame[
        (frame["region_code"] == REGION)
        & frame["sex"].isin(["1", "2"])
        & ~frame["ssyk"].isin(UNKNOWN_SSYK)
    ]

    def total(part: object) -> object:
        grouped = part.groupby("year")["value"]  # type: ignore[attr-defined]
        return grouped.sum(min_count=1).where(grouped.count() == grouped.size())

    share = total(rows[rows["sex"] == "2"]) / total(rows) * 100  # type: ignore[operator]
    return [(int(y), float(v)) for y, v in share.dropna().items()]


def employed_baselines(ctx: DataContext) -> dict[str, float]:
    from kompetens_forecast.classify.regions import default_registry
    from kompetens_forecast.goals.config import GoalsConfig, GoalSpec
    from kompetens_forecast.goals.indicators import IndicatorResolver

    registry = default_registry()
    config = GoalsConfig(Path(), ())
    resolver = IndicatorResolver(ctx, registry, config)
    out = {}
    for name, ssyk in (("anstallda", ()), ("vard", ("222", "532"))):
        indicator = "employed_ssyk" if ssyk else "employed"
        goal = GoalSpec(name, name, indicator, (REGION,), 2018, 0.0, 2030, ssyk=ssyk)
        panel = resolver._panel(registry.get(REGION))
        cells = resolver._cells(registry.get(REGION), goal, panel.data)
        out[name] = float(cells[cells["year"] == 2018]["value_adj"].sum())
    return out


def config_text(base: dict[str, float], women_2018: float) -> str:
    def target(name: str, value: float) -> str:
        return f"{round(value * GROWTH[name], -2):.0f}"

    return f"""# Example: a county strategy's goals for Dalarna (county 20), followed up with
#   forecast goals --config configs/goals/dalarna.toml --out out/mal
# Written by scripts/build_goal_examples.py. The TARGETS ARE ILLUSTRATIVE (baseline × a
# growth factor, or a round level where the demo has no data), not Region Dalarna's adopted
# targets. Replace them with your strategy's. Format: README.md, "Goals".

region = "20"
title = "Kompetensförsörjning i Dalarna – exempel"

[rules]              # the documented defaults, spelled out
tolerance = 0.10     # share of |target − baseline| counted as on the path / reaching the target
trend_years = 5      # the trend is fitted on the latest 5 values …
min_points = 3       # … and needs at least 3

[kolada]             # the Kolada KPI behind employment_rate: check the id on kolada.se
employment_rate = "N00914"

[[goal]]
id = "anstallda"
title = "Fler anställda i länet"
indicator = "employed"
baseline_year = 2018
target = {target("anstallda", base["anstallda"])}   # 2018 × {GROWTH["anstallda"]}
target_year = 2030
direction = "higher"

[[goal]]
id = "vard"
title = "Fler sjuksköterskor och undersköterskor"
indicator = "employed_ssyk"
ssyk = ["222", "532"]
baseline_year = 2018
target = {target("vard", base["vard"])}   # 2018 × {GROWTH["vard"]}
target_year = 2030

[[goal]]
id = "prognos"
title = "Prognosen når 2018 års nivå + 5 %"
indicator = "forecast_employed"
baseline_year = 2018
target = {round(base["anstallda"] * 1.05, -2):.0f}
target_year = 2028

[[goal]]
id = "brist"
title = "Mindre andel anställda i bristyrken"
indicator = "share_in_shortage"
baseline_year = 2023
target = 25.0
target_year = 2030
direction = "lower"
unit = "%"

[[goal]]
id = "kvinnor"
title = "Jämnare könsfördelning: andel kvinnor bland anställda"
indicator = "csv:dalarna_kvinnor.csv"
baseline_year = 2018
target = {women_2018 + WOMEN_POINTS:.1f}   # 2018 + {WOMEN_POINTS} percentage points
target_year = 2030
unit = "%"

[[goal]]
id = "matchningsgrad"
title = "Högre matchningsgrad"
indicator = "matching_grade"   # needs: forecast fetch --dataset matching_grade_county
baseline_year = 2019
target = {LEVELS["matchningsgrad"]}
target_year = 2030
unit = "%"

[[goal]]
id = "sysselsattningsgrad"
title = "Högre sysselsättningsgrad 20–64 år"
indicator = "employment_rate"  # needs: forecast fetch --dataset kolada --kpi N00914
baseline_year = 2019
target = {LEVELS["sysselsattningsgrad"]}
target_year = 2030
unit = "%"
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("configs/goals"))
    args = parser.parse_args()
    ctx = DataContext(use_demo=True)
    series = women_share(ctx)
    args.out.mkdir(parents=True, exist_ok=True)
    lines = ["region_code;year;value"] + [f"{REGION};{y};{v:.2f}" for y, v in series]
    (args.out / "dalarna_kvinnor.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    women_2018 = dict(series)[2018]
    text = config_text(employed_baselines(ctx), women_2018)
    (args.out / "dalarna.toml").write_text(text, encoding="utf-8")
    print(f"wrote {args.out / 'dalarna.toml'} and {args.out / 'dalarna_kvinnor.csv'}")


if __name__ == "__main__":
    main()
