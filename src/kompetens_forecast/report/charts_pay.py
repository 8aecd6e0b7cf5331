"""Pay level of the region's largest occupations (`analysis.pay_level`): the average monthly
pay in the riksområde the region lies in beside riket's, against the all-occupation average."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from kompetens_forecast.languages import translate
from kompetens_forecast.report import palette
from kompetens_forecast.report.charts import bar_height
from kompetens_forecast.report.figure import (
    ChartContext,
    finish,
    nice_ticks,
    save,
    styled_figure,
    wrap_label,
)
from kompetens_forecast.report.numbers import fmt_int


def pay_chart(
    table: pd.DataFrame,
    reference: dict[str, float],
    ctx: ChartContext,
    out: Path,
    *,
    is_riket: bool,
    top: int = 12,
) -> list[Path]:
    """Bars of average monthly pay per occupation (the riksområde's where published, riket's
    beside it), highest first; a dashed line at all occupations' average."""
    data = table.head(10 if ctx.size == "slide" else top)
    has_area = bool(data["pay_mean_area"].notna().any())
    shown = "pay_mean_area" if has_area else "pay_mean_riket"
    data = data.sort_values(shown, ascending=False, na_position="last").reset_index(drop=True)
    area = (
        str(data["pay_area"].dropna().iloc[0]) if has_area else translate("chart.riket", ctx.lang)
    )
    year = int(data["pay_year"].iloc[0])
    main = palette.REGION if (has_area or is_riket) else palette.RIKET
    height = bar_height(len(data), list(data["ssyk_label"])) * (1.3 if has_area else 1.0)
    with styled_figure(ctx, height) as (fig, ax):
        positions = list(range(len(data)))
        shift = 0.19 if has_area else 0.0
        bar = 0.38 if has_area else 0.7
        ax.barh([p - shift for p in positions], data[shown].fillna(0), height=bar, color=main)
        if has_area:
            ax.barh(
                [p + shift for p in positions],
                data["pay_mean_riket"].fillna(0),
                height=bar,
                color=palette.RIKET,
            )
        for p, value in zip(positions, data[shown], strict=True):
            text = fmt_int(value, ctx.lang) if pd.notna(value) else "–"
            x = float(value) if pd.notna(value) else 0.0
            ax.annotate(  # on white: a label must stay readable across the dashed line
                text,
                (x, p - shift),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=7,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6},
            )
        all_key = "area" if has_area else "riket"
        average = reference.get(all_key, math.nan)
        if not math.isnan(average):
            ax.axvline(average, color=palette.INK, linewidth=0.9, linestyle="--")
        ax.set_yticks(positions, [wrap_label(s) for s in data["ssyk_label"]])
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
        top_value = float(pd.concat([data[shown], data["pay_mean_riket"]]).max())
        ax.set_xlim(0, max(top_value, average if not math.isnan(average) else 0) * 1.15)
        nice_ticks(ax.xaxis, ctx.lang, lambda x, lang, _d: fmt_int(x, lang))
        ax.set_xlabel(translate("chart.pay_axis", ctx.lang))
        handles: list[object] = [Rectangle((0, 0), 1, 1, color=main)]
        names = [
            translate("chart.pay_area_legend", ctx.lang, area=area)
            if has_area
            else translate("chart.riket", ctx.lang)
        ]
        if has_area:
            handles.append(Rectangle((0, 0), 1, 1, color=palette.RIKET))
            names.append(translate("chart.riket", ctx.lang))
        handles.append(Line2D([], [], color=palette.INK, linewidth=0.9, linestyle="--"))
        names.append(translate("chart.pay_all", ctx.lang, where=area))
        below = int((data[shown] < average).sum()) if not math.isnan(average) else 0
        title = translate(
            "chart.pay_finding_all" if below == len(data) else "chart.pay_finding",
            ctx.lang,
            n=below,
            m=len(data),
            region=ctx.region_name,
            area=area,
            avg=fmt_int(average, ctx.lang),
        )
        sub = translate("chart.pay_sub", ctx.lang, year=year, m=len(data), region=ctx.region_name)
        if has_area and not is_riket and area != ctx.region_name:
            sub += " " + translate(
                "chart.pay_sub_area", ctx.lang, area=area, region=ctx.region_name
            )
        finish(fig, ctx, title, sub, legend=(handles, names))
        return save(fig, out, "14_lonelage")
