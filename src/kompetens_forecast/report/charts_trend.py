"""Charts over time: forecast fans with backtest accuracy, employment index against riket, and
SCB's matchningsgrad by sex against riket."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from kompetens_forecast.analysis.totals import complete_total
from kompetens_forecast.languages import translate
from kompetens_forecast.report import palette
from kompetens_forecast.report.columns import yes_no
from kompetens_forecast.report.figure import (
    ChartContext,
    finish,
    save,
    styled_figure,
    thousands,
    wrap_label,
)
from kompetens_forecast.report.numbers import fmt_decimal, fmt_pct


def _years(ax: Axes, nbins: int = 4) -> None:
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=nbins))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: str(int(x))))


def _model_word(model: str, lang: str) -> str:
    return (
        translate(f"chart.model_{model}", lang)
        if model in ("damped_trend", "naive", "share")
        else model
    )


def _accuracy(fc: pd.DataFrame, lang: str) -> str:
    """The published forecast's own real-time accuracy in plain words: 'träffsäkrare än
    oförändrad nivå: ja · typiskt fel 3 %' (1 year ahead, origins 2018–2022)."""
    model = str(fc["model"].iloc[0])
    if "beats_naive" not in fc.columns or pd.isna(fc["beats_naive"].iloc[0]):
        return _model_word(model, lang)
    verdict = yes_no(bool(fc["beats_naive"].iloc[0]), lang)
    text = translate("chart.fans_accuracy", lang, verdict=verdict)
    error = fc["backtest_error_pct"].iloc[0] if "backtest_error_pct" in fc.columns else None
    if error is not None and pd.notna(error):
        text += " · " + translate("chart.fans_error", lang, pct=fmt_pct(float(error), lang, 0))
    return text


def _validated(forecast: pd.DataFrame, code: str) -> bool:
    """Whether the cell's published forecast beat an unchanged level in real time: only such
    cells may carry the chart's title finding (the others are shown, not headlined)."""
    if "beats_naive" not in forecast.columns:
        return True
    verdict = forecast.loc[forecast["ssyk"] == code, "beats_naive"]
    return bool(len(verdict)) and bool(verdict.fillna(False).astype(bool).iloc[0])


def forecast_fans(
    history: pd.DataFrame,
    forecast: pd.DataFrame,
    labels: dict[str, str],
    ctx: ChartContext,
    out: Path,
    top: int = 6,
) -> list[Path]:
    """Small multiples: observed, break-adjusted history and forecast with its 80 % band, and
    each cell's real-time accuracy in plain words under its title."""
    latest = int(history["year"].max())
    now = history[history["year"] == latest]
    biggest = now.nlargest(top, "value")["ssyk"].tolist()
    end = int(forecast["year"].max())
    growth = {}
    for code in biggest:
        last = forecast[(forecast["ssyk"] == code) & (forecast["year"] == end)]
        base = now[now["ssyk"] == code]["value"]
        if not last.empty and float(base.iloc[0]) and _validated(forecast, code):
            # a change is named only when the 80 % interval leaves today's level out: a
            # flat fan's "+3 %" is noise a reader cannot trust
            level = float(base.iloc[0])
            low, high = float(last["yhat_lo"].iloc[0]), float(last["yhat_hi"].iloc[0])
            if low > level or high < level:
                growth[code] = (float(last["yhat"].iloc[0]) / level - 1) * 100
    with styled_figure(ctx, 4.2, 2, 3, sharex=True) as (fig, axes):
        for ax, code in zip(axes.ravel(), biggest, strict=False):
            hist = history[history["ssyk"] == code].sort_values("year")
            fc = forecast[forecast["ssyk"] == code].sort_values("year")
            ax.plot(hist["year"], hist["value"], color=palette.HISTORY, linewidth=1.1)
            ax.plot(
                hist["year"], hist["value_adj"], color=palette.HISTORY, linewidth=1.0, linestyle=":"
            )
            ax.fill_between(
                fc["year"],
                fc["yhat_lo"],
                fc["yhat_hi"],
                color=palette.REGION,
                alpha=0.2,
                linewidth=0,
            )
            joined = pd.concat(
                [
                    hist.tail(1).rename(columns={"value": "yhat"})[["year", "yhat"]],
                    fc[["year", "yhat"]],
                ]
            )
            ax.plot(joined["year"], joined["yhat"], color=palette.REGION, linewidth=1.5)
            name = wrap_label(labels.get(code, code), 26, 4)  # four lines: never cut with "…"
            text = _accuracy(fc, ctx.lang) if not fc.empty else ""
            accuracy = wrap_label(text, 28) if text else ""
            ax.set_title(
                f"{name}\n{accuracy}", fontsize=7, loc="left", fontweight="bold", linespacing=1.3
            )
            ax.yaxis.set_major_formatter(thousands(ctx.lang))
            ax.tick_params(labelsize=7)
            _years(ax)
            ax.grid(axis="y", visible=True)
            ax.set_ylim(bottom=0)
        for ax in axes.ravel()[len(biggest) :]:
            ax.set_visible(False)
        handles = [
            Line2D([], [], color=palette.HISTORY, linewidth=1.1),
            Line2D([], [], color=palette.HISTORY, linewidth=1.0, linestyle=":"),
            Line2D([], [], color=palette.REGION, linewidth=1.5),
            Rectangle((0, 0), 1, 1, color=palette.REGION, alpha=0.2),
        ]
        names = [
            translate("chart.forecast_legend_history", ctx.lang),
            translate("chart.forecast_legend_adjusted", ctx.lang),
            translate("chart.forecast_legend_forecast", ctx.lang),
            translate("chart.forecast_legend_interval", ctx.lang),
        ]
        if growth:
            best = max(growth, key=lambda c: growth[c])
            if growth[best] < 0:  # no clear increase: the clearest decrease
                best = min(growth, key=lambda c: growth[c])
            key = "fans_finding_up" if growth[best] > 0 else "fans_finding_down"
            title = translate(
                f"chart.{key}",
                ctx.lang,
                end=end,
                label=labels.get(best, best),
                region=ctx.region_name,
                pct=("+" if growth[best] > 0 else "") + fmt_pct(growth[best], ctx.lang, 0),
            )
        else:
            title = translate(
                "chart.fans_finding_stable", ctx.lang, region=ctx.region_name, end=end
            )
        finish(fig, ctx, title, translate("chart.fans_sub", ctx.lang), legend=(handles, names))
        return save(fig, out, "04_prognos")


def employment_index(panel: pd.DataFrame, region_code: str, riket_code: str) -> pd.DataFrame:
    """Employees per year, region and riket, as published (`employed`, `employed_riket`) and
    adjusted for series breaks (`*_adj`, whole persons), with the index first year = 100 of
    both (`region_index`, `riket_index` adjusted; `*_raw` unadjusted). Totals are complete
    sums (a year with a suppressed occupation is missing)."""
    rows = panel[panel["region_code"].isin([region_code, riket_code])]
    raw = complete_total(rows, ["region_code", "year"], "value").unstack(0)
    adj = complete_total(rows, ["region_code", "year"], "value_adj").unstack(0)
    frame = pd.DataFrame(
        {
            "year": adj.index.astype("int64"),
            "employed": raw[region_code].to_numpy(),
            "employed_riket": raw[riket_code].to_numpy(),
            "employed_adj": adj[region_code].round().to_numpy(),
            "employed_riket_adj": adj[riket_code].round().to_numpy(),
        }
    )
    for column, name in (
        ("employed_adj", "region_index"),
        ("employed_riket_adj", "riket_index"),
        ("employed", "region_index_raw"),
        ("employed_riket", "riket_index_raw"),
    ):
        frame[name] = frame[column] / frame[column].iloc[0] * 100
    return frame


def employment_trend(
    index: pd.DataFrame, ctx: ChartContext, out: Path, *, is_riket: bool = False
) -> list[Path]:
    """Employment index (first year = 100): the region against riket."""
    start, end = int(index["year"].iloc[0]), int(index["year"].iloc[-1])
    with styled_figure(ctx, 2.8) as (fig, ax):
        ax.plot(
            index["year"],
            index["region_index"],
            color=palette.REGION,
            linewidth=2,
            marker="o",
            ms=3,
        )
        # the published (unadjusted) series beside it: what the break adjustment smooths away
        ax.plot(
            index["year"], index["region_index_raw"], color=palette.REGION, linewidth=0.9, ls=":"
        )
        lines = [("region_index", palette.REGION, ctx.region_name)]
        if not is_riket:
            ax.plot(
                index["year"], index["riket_index"], color=palette.RIKET, linewidth=1.2, ls="--"
            )
            lines.append(("riket_index", palette.RIKET, translate("chart.riket", ctx.lang)))
        for column, colour, name in lines:
            value = float(index[column].iloc[-1])
            ax.annotate(
                f" {name[:1].upper() + name[1:]} {fmt_decimal(value, ctx.lang, 0)}",
                (end, value),
                va="center",
                fontsize=7.5,
                color=colour,
            )
        ax.axhline(100, color=palette.INK, linewidth=0.6)
        ax.grid(axis="y", visible=True)
        ax.grid(axis="x", visible=False)
        ax.margins(x=0.02)
        ax.set_xlim(start - 0.3, end + 2.6)
        step = 1 if end - start <= 10 else 2
        ax.set_xticks(
            list(range(start, end + 1, step)), [str(y) for y in range(start, end + 1, step)]
        )
        ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _p: fmt_decimal(y, ctx.lang, 0)))
        pct = float(index["region_index"].iloc[-1]) - 100
        riket = float(index["riket_index"].iloc[-1]) - 100
        key = "trend_finding_up" if pct >= 0 else "trend_finding_down"
        direction = translate("chart.trend_up" if pct >= 0 else "chart.trend_down", ctx.lang)
        title = translate(
            f"chart.{key}",
            ctx.lang,
            region=ctx.region_name,
            pct=fmt_pct(abs(pct), ctx.lang, 1),
            start=start,
            end=end,
            riket=("+" if riket > 0 else "") + fmt_pct(riket, ctx.lang, 1),
        )
        if is_riket:
            title = translate(
                "chart.trend_finding_riket",
                ctx.lang,
                direction=direction,
                pct=fmt_pct(abs(pct), ctx.lang, 1),
                start=start,
                end=end,
            )
        finish(fig, ctx, title, translate("chart.trend_sub", ctx.lang, start=start))
        return save(fig, out, "08_sysselsattning")


def matching_grade(table: pd.DataFrame, ctx: ChartContext, out: Path) -> list[Path]:
    """Matchningsgrad by sex over time: the region (solid) against riket (dashed)."""
    colours = {"1+2": palette.BOTH_SEXES, "2": palette.WOMEN, "1": palette.MEN}
    with styled_figure(ctx, 3.0) as (fig, ax):
        for sex, part in table.groupby("sex", sort=False):
            colour = colours.get(str(sex), palette.BOTH_SEXES)
            label = str(part["sex_label"].iloc[0])
            ax.plot(part["year"], part["region"], color=colour, linewidth=1.8, marker="o", ms=3)
            if part["riket"].notna().any():
                ax.plot(part["year"], part["riket"], color=colour, linewidth=1.0, ls="--")
            last = part.iloc[-1]
            ax.annotate(
                f" {label}", (last["year"], last["region"]), va="center", fontsize=7.5, color=colour
            )
        _years(ax, nbins=8)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _p: fmt_pct(y, ctx.lang, 0)))
        ax.grid(axis="y", visible=True)
        ax.margins(x=0.12)
        total = table[table["sex"] == "1+2"]
        if total.empty:
            total = table
        last = total.iloc[-1]
        riket = last["riket"]
        title = translate(
            "chart.matching_finding",
            ctx.lang,
            region=ctx.region_name,
            year=int(last["year"]),
            a=fmt_pct(float(last["region"]), ctx.lang, 1),
            b=fmt_pct(float(riket), ctx.lang, 1)
            if riket is not None and not math.isnan(float(riket))
            else "–",
        )
        finish(fig, ctx, title, translate("chart.matching_sub", ctx.lang))
        return save(fig, out, "06_matchningsgrad")
