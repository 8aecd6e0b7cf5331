"""The shortage overview: a traffic-light table of status per occupation, the model's status
beside Arbetsförmedlingen's label (colour and word, so colour is never the only cue)."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.patches import Rectangle

from kompetens_forecast.analysis.shortage import NO_ASSESSMENT
from kompetens_forecast.languages import translate
from kompetens_forecast.report import palette
from kompetens_forecast.report.charts import bar_height
from kompetens_forecast.report.figure import ChartContext, finish, save, styled_figure
from kompetens_forecast.report.figure import wrap_label as wrap
from kompetens_forecast.report.numbers import fmt_decimal, fmt_pct
from kompetens_forecast.report.shortage_cells import ShortageCells
from kompetens_forecast.report.text import AF_LEVEL_MARKS as LEVEL_MARKS
from kompetens_forecast.report.text import status_word

STATUS_COLOURS = palette.STATUS
TEXT_COLOURS = palette.STATUS_TEXT


def overview_table(
    ind: pd.DataFrame, shortage: pd.DataFrame, region_code: str, top: int = 15
) -> pd.DataFrame:
    """The region's `top` largest occupations with AF's label and the model's status.

    `af_status` is AF's label that applies to the region (its county row, else a wider
    region's or the national one, as in indicators.parquet; `af_level` says which,
    `af_national` marks a national label); `model_shown` is the model's status where the
    status rule publishes it, else "ingen bedömning"; `confidence` and `drivers` beside it.
    """
    own = ind[ind["region_code"] == region_code].nlargest(top, "employed")
    cells = shortage[shortage["region_code"] == region_code].set_index("ssyk")

    def column(name: str, default: object = None) -> list[object]:
        values = cells[name] if name in cells.columns else pd.Series(dtype=object)
        return [values.get(c, default) for c in own["ssyk"]]

    published = [bool(v) for v in column("model_published", False)]
    model_status = column("model_status")
    table = pd.DataFrame(
        {
            "ssyk": own["ssyk"].to_numpy(),
            "ssyk_label": own["ssyk_label"].to_numpy(),
            "employed": own["employed"].to_numpy(),
            "model_status": model_status,
            "model_shown": [
                st if ok else NO_ASSESSMENT for st, ok in zip(model_status, published, strict=True)
            ],
            "confidence": column("confidence"),
            "drivers": column("drivers", ""),
            "drivers_en": column("drivers_en", ""),
            "score": column("score"),
        }
    )
    af = own["af_situation"] if "af_situation" in own else pd.Series([None] * len(own))
    level = own["af_level"] if "af_level" in own else pd.Series([None] * len(own))
    rounds = own["af_omgang"] if "af_omgang" in own else pd.Series([None] * len(own))
    table["af_status"] = af.to_numpy()
    table["af_level"] = [
        lvl if isinstance(a, str) else None for a, lvl in zip(af, level, strict=True)
    ]
    table["af_omgang"] = [
        r if isinstance(a, str) else None for a, r in zip(af, rounds, strict=True)
    ]
    table["af_national"] = [  # empty where AF has no label
        bool(lvl == "national") if isinstance(a, str) else None
        for a, lvl in zip(af, level, strict=True)
    ]
    return table


def _cell(ax: Any, x: float, y: int, status: object, word: str, width: float = 0.96) -> None:
    known = isinstance(status, str) and status in STATUS_COLOURS
    ax.add_patch(
        Rectangle(
            (x, y),
            width,
            0.9,
            facecolor=STATUS_COLOURS[str(status)] if known else palette.NO_DATA,
            edgecolor="none",
        )
    )
    ax.text(
        x + width / 2,
        y + 0.45,
        word,
        ha="center",
        va="center",
        fontsize=7.0,
        color=TEXT_COLOURS.get(str(status), palette.MUTED) if known else palette.MUTED,
    )


def shortage_overview(
    table: pd.DataFrame,
    omgang: str | None,
    ctx: ChartContext,
    out: Path,
    shortage: ShortageCells | None = None,
) -> list[Path]:
    """Traffic-light table led by AF's label (with its level), then the model's status where
    its skill and the row's data allow one ("ingen bedömning" otherwise), its confidence and
    the signals that drive it. The title counts AF's labels, never a weak model's."""
    data = table.head(12) if ctx.size == "slide" else table
    lang = ctx.lang
    with styled_figure(ctx, bar_height(len(data), list(data["ssyk_label"]))) as (fig, ax):
        for y, row in enumerate(data.itertuples(index=False)):
            af = row.af_status if isinstance(row.af_status, str) else None
            af_word = status_word(af, lang) + LEVEL_MARKS.get(str(row.af_level), "") if af else "–"
            _cell(ax, 0.0, y, af, af_word)
            shown = str(row.model_shown)
            published = shown != NO_ASSESSMENT
            _cell(
                ax,
                1.0,
                y,
                shown if published else None,
                status_word(shown, lang) if published else "–",
            )
            conf = row.confidence
            drivers = str((row.drivers if lang == "sv" else row.drivers_en) or "")
            if published and isinstance(conf, float) and math.isfinite(conf):
                drivers = f"{fmt_decimal(conf, lang, 2)}: {drivers}"
            ax.text(
                2.05,
                y + 0.45,
                textwrap.fill(drivers, 48),
                ha="left",
                va="center",
                fontsize=6.0,
                linespacing=1.0,
                color=palette.INK,
            )
        ax.set_xlim(0, 5.2)
        ax.set_ylim(len(data), 0)
        ax.set_yticks([y + 0.45 for y in range(len(data))], [wrap(s) for s in data["ssyk_label"]])
        ax.set_xticks(
            [0.48, 1.48, 2.05],
            [
                "AF",
                translate("chart.shortage_model", lang),
                translate("chart.shortage_drivers", lang),
            ],
            fontsize=7.5,
        )
        for label in ax.get_xticklabels()[2:]:
            label.set_horizontalalignment("left")
        ax.xaxis.tick_top()
        ax.tick_params(length=0)
        ax.grid(visible=False)
        for side in ("left", "bottom", "top", "right"):
            ax.spines[side].set_visible(False)
        ax.set_box_aspect(None)
        labelled = data["af_status"].apply(lambda v: isinstance(v, str))
        n_af = int((data["af_status"] == "brist").sum())
        title = translate(
            "chart.shortage_finding",
            lang,
            n=n_af,
            k=int(labelled.sum()),
            m=len(data),
            region=ctx.region_name,
        )
        sub = translate("chart.shortage_sub", lang, omgang=f" ({omgang})" if omgang else "")
        sub += " " + skill_sentence(shortage, lang)
        finish(fig, ctx, title, sub)
        return save(fig, out, "07_bristlage")


def skill_sentence(shortage: ShortageCells | None, lang: str) -> str:
    """How well the model agrees with AF on occupations it was not fitted on, in plain words,
    and whether it therefore shows statuses."""
    if shortage is None or shortage.auc is None:
        return translate("chart.shortage_no_cv", lang)
    pct = fmt_pct(shortage.auc * 100, lang, 0)
    key = "shortage_skilful" if shortage.skilful else "shortage_withheld"
    if (
        not shortage.skilful
        and shortage.best_single_auc is not None
        and shortage.auc > shortage.best_single_auc
    ):
        key = "shortage_withheld_weak"  # better than any one signal, still below the bar
    best = translate(f"chart.signal_{shortage.best_single}", lang) if shortage.best_single else ""
    best_pct = (
        fmt_pct(shortage.best_single_auc * 100, lang, 0)
        if shortage.best_single_auc is not None
        else "–"
    )
    return translate(f"chart.{key}", lang, pct=pct, best=best, best_pct=best_pct)
