"""Job ads per year (`analysis.ads_trend`): all occupations and the region's largest, small
multiples on their own scales; the region's own ads where fetched, else riket's (said so)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.ticker import FuncFormatter

from kompetens_forecast.analysis.ads_trend import TOTAL
from kompetens_forecast.languages import translate
from kompetens_forecast.report import palette
from kompetens_forecast.report.figure import (
    ChartContext,
    finish,
    nice_ticks,
    save,
    styled_figure,
    wrap_label,
)
from kompetens_forecast.report.numbers import fmt_int, fmt_pct


def readable_ads(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The ads table for readers: the all-occupations rows named, without a code."""
    out = table.copy()
    total = out["ssyk"] == TOTAL
    out["ssyk"] = out["ssyk"].astype(object).mask(total, "")
    out.loc[total, "ssyk_label"] = translate("chart.ads_all", lang)
    return out


def _title(total: pd.DataFrame, where: str, lang: str) -> str:
    """The change to the last whole year: from the peak year when it lies before, else from
    the first year."""
    series = total.set_index("year")["ads"].astype(float)
    last, peak = int(series.index.max()), int(series.idxmax())
    if peak != last:
        pct = (1 - series[last] / series[peak]) * 100
        return translate(
            "chart.ads_finding_down",
            lang,
            where=where,
            pct=fmt_pct(pct, lang, 0),
            last=last,
            peak=peak,
        )
    first = int(series.index.min())
    pct = (series[last] / series[first] - 1) * 100
    return translate(
        "chart.ads_finding_up", lang, where=where, pct=fmt_pct(pct, lang, 0), first=first, last=last
    )


def ads_chart(table: pd.DataFrame, ctx: ChartContext, out: Path, *, is_riket: bool) -> list[Path]:
    """Ads per whole year: all occupations, then the region's largest occupations."""
    national = bool((table["ads_basis"] == "riket").all())
    colour = palette.REGION if (is_riket or not national) else palette.RIKET
    codes = [TOTAL, *dict.fromkeys(c for c in table["ssyk"] if c != TOTAL)]
    total = table[table["ssyk"] == TOTAL]
    first, last = int(total["year"].min()), int(total["year"].max())
    where = (
        translate("chart.riket", ctx.lang).lower()
        if ctx.lang == "sv"
        else translate("chart.riket", ctx.lang)
    )
    if not national:
        where = ctx.region_name
    with styled_figure(ctx, 4.2, 2, 3, sharex=True) as (fig, axes):
        for ax, code in zip(axes.ravel(), codes, strict=False):
            part = table[table["ssyk"] == code].sort_values("year")
            ax.bar(part["year"], part["ads"], color=colour, width=0.7)
            name = (
                translate("chart.ads_all", ctx.lang)
                if code == TOTAL
                else str(part["ssyk_label"].iloc[0])
            )
            ax.set_title(wrap_label(name, 24), fontsize=7, loc="left", fontweight="bold")
            nice_ticks(ax.yaxis, ctx.lang, lambda x, lang, _d: fmt_int(x, lang), nbins=4)
            ax.tick_params(labelsize=7)
            ax.set_xticks(list(range(last, first - 1, -2)))  # the last year always labelled
            ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p: f"{int(x)}"))
            ax.grid(axis="x", visible=False)
            ax.grid(axis="y", visible=True)
        for ax in axes.ravel()[len(codes) :]:
            ax.set_visible(False)
        sub = translate(
            "chart.ads_sub",
            ctx.lang,
            first=first,
            last=last,
            k=len(codes) - 1,
            region=ctx.region_name,
        )
        if national and not is_riket:
            sub += " " + translate("chart.ads_sub_riket", ctx.lang)
        finish(fig, ctx, _title(total, where, ctx.lang), sub)
        return save(fig, out, "15_annonser")
