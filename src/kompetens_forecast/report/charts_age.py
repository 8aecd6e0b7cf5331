"""Age structure and recruitment need (exits + expansion over 5 and 10 years), drawn when the
indicators have the age columns of `analysis.age_need` (the region's own SSYK-3 age data, or
riket's SSYK-4 age structure applied to the region's employees: the chart says which)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from kompetens_forecast.analysis.age_need import AGE_COLUMNS, has_age_columns, recruitment_need
from kompetens_forecast.languages import translate
from kompetens_forecast.report import palette
from kompetens_forecast.report.charts import _barh, bar_height
from kompetens_forecast.report.figure import (
    ChartContext,
    finish,
    nice_ticks,
    save,
    styled_figure,
    wrap_label,
)
from kompetens_forecast.report.numbers import fmt_int, fmt_pct
from kompetens_forecast.report.text import mid

TEN_YEAR_EDGE = 1.0  # the ten-year bars: outlined in the colours of the five-year bars

__all__ = ["age_structure", "age_table", "has_age_data", "openings", "openings_table"]


def has_age_data(ind: pd.DataFrame) -> bool:
    return has_age_columns(ind)


def _national(data: pd.DataFrame) -> bool:
    return "age_basis" in data and bool((data["age_basis"] == "riket").any())


def rounded(value: float) -> float:
    """A person count as a chart states it (an estimate): three significant digits from a
    thousand (34 870 → 34 900), tens below (863 → 860)."""
    size = abs(value)
    if size >= 1000:
        return float(round(value, 2 - math.floor(math.log10(size))))
    return float(round(value, -1) if size >= 100 else round(value))


def _is_riket(ctx: ChartContext) -> bool:
    return ctx.region_name in ("riket", "Sweden")


def age_table(ind: pd.DataFrame) -> pd.DataFrame:
    """The region's occupations with their age columns, largest first (the Åldersstruktur
    sheet)."""
    columns = ["ssyk", "ssyk_label", "employed", *AGE_COLUMNS]
    data = ind[ind["exits_5y"].notna()].sort_values("employed", ascending=False)
    return data.loc[:, [c for c in columns if c in data]].reset_index(drop=True)


def age_structure(ind: pd.DataFrame, ctx: ChartContext, out: Path, top: int = 15) -> list[Path]:
    """Share aged 55+ among the largest occupations, the expected exits in 5 and 10 years
    beside each bar."""
    top = min(top, 12) if ctx.size == "slide" else top
    data = ind.nlargest(top, "employed")
    data = data[data["share_55plus"].notna()].sort_values("share_55plus", ascending=False)
    year = int(data["age_year"].iloc[0]) if "age_year" in data else int(ind["year"].iloc[0])
    national = _national(data)
    exits10 = data["exits_10y"] if "exits_10y" in data else pd.Series(float("nan"), data.index)
    texts = [
        fmt_pct(s, ctx.lang, 0)
        + (
            "\u2003"
            + translate(
                "chart.age_exits",
                ctx.lang,
                n5=fmt_int(rounded(e5), ctx.lang),
                n10=fmt_int(rounded(e10), ctx.lang),
            )
            if pd.notna(e5) and pd.notna(e10)
            else ""
        )
        for s, e5, e10 in zip(data["share_55plus"], data["exits_5y"], exits10, strict=True)
    ]
    colour = palette.RIKET if national and not _is_riket(ctx) else None
    with styled_figure(ctx, bar_height(len(data), list(data["ssyk_label"]))) as (fig, ax):
        _barh(
            ax,
            list(data["ssyk_label"]),
            list(data["share_55plus"]),
            colour or palette.REGION,
            texts,
        )
        ax.set_xlim(0, float(data["share_55plus"].max()) * 2.7)
        nice_ticks(ax.xaxis, ctx.lang, lambda x, lang, d: fmt_pct(x, lang, d))
        ax.set_xlabel(translate("chart.age_axis", ctx.lang))
        first = data.iloc[0]
        title = translate(
            "chart.age_finding",
            ctx.lang,
            pct=fmt_pct(float(first["share_55plus"]), ctx.lang, 0),
            label=mid(first["ssyk_label"], ctx.lang),
            where=translate("chart.age_where_riket", ctx.lang)
            if national and not _is_riket(ctx)
            else "",
            m=len(data),
            region=ctx.region_name,
        )
        basis = translate(
            "chart.age_basis_riket" if national else "chart.age_basis_region", ctx.lang
        )
        sub = translate(
            "chart.age_sub", ctx.lang, basis=basis, year=year, region=ctx.region_name, m=len(data)
        )
        finish(fig, ctx, title, sub)
        return save(fig, out, "11_aldersstruktur")


def openings_table(ind: pd.DataFrame, forecast: pd.DataFrame, top: int = 1000) -> pd.DataFrame:
    """Recruitment need per occupation, largest five-year need first (`age_need`)."""
    return recruitment_need(ind, forecast).head(top)


def _validated(forecast: pd.DataFrame, code: str) -> bool:
    """Whether the occupation's published forecast beat an unchanged level in real time (only
    then may its forecast change carry the title)."""
    if "beats_naive" not in forecast.columns:
        return False
    verdict = forecast.loc[forecast["ssyk"] == code, "beats_naive"]
    return bool(len(verdict)) and bool(verdict.fillna(False).astype(bool).iloc[0])


def need_headline(table: pd.DataFrame, forecast: pd.DataFrame) -> tuple[str, pd.Series, float]:
    """What a title or key figure may state: ("need", row, persons) for the largest
    five-year need when the forecast behind it beat an unchanged level in real time;
    otherwise ("exits", row, persons) for the most expected exits (from the observed age
    structure, no forecast in it). Persons rounded to tens."""
    ranked = table[table["openings_5y"].notna()]
    if not ranked.empty and _validated(forecast, str(ranked["ssyk"].iloc[0])):
        first = ranked.iloc[0]
        return "need", first, rounded(float(first["openings_5y"]))
    most = table.iloc[int(table["exits_5y"].to_numpy().argmax())]
    return "exits", most, rounded(float(most["exits_5y"]))


def _title(data: pd.DataFrame, forecast: pd.DataFrame, ctx: ChartContext) -> str:
    kind, row, persons = need_headline(data, forecast)
    return translate(
        "chart.openings_finding" if kind == "need" else "chart.openings_finding_exits",
        ctx.lang,
        label=row["ssyk_label"],
        region=ctx.region_name,
        end=int(row["end_year"]),
        n=fmt_int(persons, ctx.lang),
    )


def _fill(colour: str, outline: bool) -> dict[str, object]:
    """A filled bar, or (ten years) a white bar outlined in the same colour."""
    if outline:
        return {"facecolor": "white", "edgecolor": colour, "linewidth": TEN_YEAR_EDGE}
    return {"color": colour}


def _stack(
    ax: Axes, y: list[float], exits: pd.Series, change: pd.Series, outline: bool
) -> pd.Series:
    """Exits with the forecast change stacked on them (a decline hatched over the exits it
    offsets); returns where each bar ends."""
    growth = change.fillna(0.0).clip(lower=0.0)
    decline = change.fillna(0.0).clip(upper=0.0)
    ax.barh(y, exits, height=0.38, **_fill(palette.REGION, outline))  # type: ignore[arg-type]
    ax.barh(y, growth, left=exits, height=0.38, **_fill(palette.INCREASE, outline))  # type: ignore[arg-type]
    ax.barh(
        y,
        -decline,
        left=exits + decline,
        color="white",
        alpha=0.7,
        hatch="////",
        edgecolor=palette.DECREASE,
        linewidth=0,
        height=0.38,
    )
    return exits + growth


def openings(
    table: pd.DataFrame, forecast: pd.DataFrame, ctx: ChartContext, out: Path, top: int = 10
) -> list[Path]:
    """Top list of recruitment need: per occupation a five-year bar (dark) and a ten-year bar
    (light), exits and forecast change stacked; the ten-year bar is exits only where the
    forecast does not reach ten years."""
    data = table[table["openings_5y"].notna()].head(8 if ctx.size == "slide" else top)
    data = data.reset_index(drop=True)
    base = int(data["end_year"].iloc[0]) - 5
    has_ten = bool(data["expansion_10y"].notna().any())
    with styled_figure(ctx, bar_height(len(data), list(data["ssyk_label"])) * 1.3) as (fig, ax):
        five = [i - 0.2 for i in range(len(data))]
        ten = [i + 0.2 for i in range(len(data))]
        ends5 = _stack(ax, five, data["exits_5y"], data["expansion_5y"], False)
        change10 = data["expansion_10y"] if has_ten else pd.Series(0.0, index=data.index)
        ends10 = _stack(ax, ten, data["exits_10y"], change10, True)
        for y, x, n in zip(five, ends5, data["openings_5y"], strict=True):
            text = translate("chart.openings_5y", ctx.lang, n=fmt_int(rounded(float(n)), ctx.lang))
            ax.annotate(f" {text}", (x, y), va="center", fontsize=6.5)
        key = "openings_10y" if has_ten else "openings_10y_exits"
        shown10 = data["openings_10y"] if has_ten else data["exits_10y"]
        for y, x, n in zip(ten, ends10, shown10, strict=True):
            if pd.notna(n):
                text = translate(f"chart.{key}", ctx.lang, n=fmt_int(rounded(float(n)), ctx.lang))
                ax.annotate(f" {text}", (x, y), va="center", fontsize=6.5, color=palette.MUTED)
        ax.set_yticks(list(range(len(data))), [wrap_label(s) for s in data["ssyk_label"]])
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
        ax.set_xlim(0, float(pd.concat([ends5, ends10]).max()) * 1.4)
        nice_ticks(ax.xaxis, ctx.lang, lambda x, lang, _d: fmt_int(x, lang))
        ax.set_xlabel(translate("chart.persons", ctx.lang))
        handles = [
            Rectangle((0, 0), 1, 1, color=palette.REGION),
            Rectangle((0, 0), 1, 1, color=palette.INCREASE),
            Rectangle(
                (0, 0), 1, 1, facecolor="white", hatch="////", edgecolor=palette.DECREASE, lw=0
            ),
            Rectangle((0, 0), 1, 1, facecolor="white", edgecolor=palette.REGION, lw=TEN_YEAR_EDGE),
        ]
        names = [
            translate("chart.openings_replacement", ctx.lang),
            translate("chart.openings_expansion", ctx.lang),
            translate("chart.openings_decline", ctx.lang),
            translate("chart.openings_ten", ctx.lang),
        ]
        end5, end10 = base + 5, base + 10
        sub = translate(
            "chart.openings_sub", ctx.lang, base=base, end5=end5, end10=end10, m=len(data)
        )
        if not has_ten:
            fc_end = int(forecast["year"].max()) if not forecast.empty else base
            sub += " " + translate("chart.openings_sub_exits_only", ctx.lang, fc_end=fc_end)
        elif bool(data["scenario_10y"].fillna(False).astype(bool).any()):
            sub += " " + translate("chart.openings_sub_scenario", ctx.lang, end5=end5)
        if _national(data):
            sub += " " + translate("chart.openings_sub_riket", ctx.lang)
        sub += " " + translate("chart.openings_sub_title", ctx.lang)
        finish(fig, ctx, _title(data, forecast, ctx), sub, legend=(handles, names), legend_rows=2)
        return save(fig, out, "12_rekryteringsbehov")
