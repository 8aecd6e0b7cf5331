"""faktablad.html: one self-contained HTML file per region.

Short text generated from the data (numbers via Babel), key charts inline as SVG, sources and
methods, the synthetic-data banner where it applies. No scripts and no external resources:
CSS is inline, charts are inline SVG (their XML prolog, DOCTYPE and metadata removed), so the
file opens offline and can be mailed or archived as is.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from kompetens_forecast import __version__
from kompetens_forecast.analysis.shortage import NO_ASSESSMENT
from kompetens_forecast.languages import translate, translate_all
from kompetens_forecast.report.charts_age import need_headline
from kompetens_forecast.report.charts_goals import CHART_NAME as GOALS_CHART
from kompetens_forecast.report.charts_shortage import skill_sentence
from kompetens_forecast.report.data import ReportData
from kompetens_forecast.report.factsheet_goals import goals_section
from kompetens_forecast.report.numbers import fmt_decimal, fmt_int, fmt_pct, signed_int
from kompetens_forecast.report.text import mid
from kompetens_forecast.store.atomic import write_text_atomic

TEMPLATES = Path(__file__).with_name("templates")
# the two printed pages show the first four of these that exist (two per page); the rest of
# KEY_CHARTS go into the appendix (`--full`)
PAGE_CHARTS = (
    "01_storsta_yrken",
    "07_bristlage",
    "12_rekryteringsbehov",
    "04_prognos",
    "02_forandring",
    "08_sysselsattning",
)
CHARTS_PER_PAGE = 2
KEY_CHARTS = (
    "01_storsta_yrken",
    "08_sysselsattning",
    "02_forandring",
    "04_prognos",
    "07_bristlage",
    "12_rekryteringsbehov",
    "03_lokaliseringskvoter",
    "05_delregioner",
    "06_matchningsgrad",
    "11_aldersstruktur",
    "14_lonelage",
    "15_annonser",
)
_SYNTHETIC_PREFIX = re.compile(r"^SYNTETISKA DATA \(synthetic\):\s*", re.I)
_PROLOG = re.compile(r"^.*?(?=<svg\b)", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>", re.S)
_SIZE = re.compile(r'(<svg\b[^>]*?)\s(?:width|height)="[^"]*"')


def inline_svg(text: str, prefix: str = "") -> str:
    """An SVG file's markup ready to sit inside HTML: no prolog or metadata, scalable, and its
    ids (and the references to them) prefixed so that several charts on one page never share
    an id (matplotlib numbers its groups text_1, patch_1, … in every file)."""
    svg = _METADATA.sub("", _PROLOG.sub("", text, count=1))
    for _ in range(2):
        svg = _SIZE.sub(r"\1", svg, count=1)
    if prefix:
        svg = svg.replace(' id="', f' id="{prefix}-')
        svg = svg.replace('href="#', f'href="#{prefix}-').replace("url(#", f"url(#{prefix}-")
    return svg.strip()


def _signed_pct(value: float, lang: str) -> str:
    return ("+" if value > 0 else "") + fmt_pct(value, lang, 1)


def _paragraphs(data: ReportData, tables: dict[str, pd.DataFrame]) -> list[str]:
    lang = data.lang
    own = data.ind[data.ind["region_code"] == data.region.code]
    year = int(own["year"].iloc[0])
    total = float(own["employed"].sum())
    trend = tables["utveckling"]
    start = int(trend["year"].iloc[0])
    change = float(trend["region_index"].iloc[-1]) - 100
    riket = float(trend["riket_index"].iloc[-1]) - 100
    region = data.in_text
    out = [
        translate(
            "factsheet.total_riket" if data.region.code == data.riket_code else "factsheet.total",
            lang,
            region=region,
            Region=region[:1].upper() + region[1:],
            n=fmt_int(total, lang),
            year=year,
            start=start,
            direction=translate("factsheet.up" if change >= 0 else "factsheet.down", lang),
            pct=fmt_pct(abs(change), lang, 1),
            riket=_signed_pct(riket, lang),
        )
    ]
    ranked = own.sort_values("employed", ascending=False)
    first = ranked.iloc[0]
    out.append(
        translate(
            "factsheet.largest",
            lang,
            label=mid(first["ssyk_label"], lang),
            n=fmt_int(float(first["employed"]), lang),
            share=fmt_pct(float(first["share"]), lang, 1),
            share5=fmt_pct(float(ranked["share"].head(5).sum()), lang, 0),
        )
    )
    moving = own[(own["employed"] >= 100) & own["change_5y_adj"].notna()]
    if not moving.empty:
        up = moving.loc[moving["change_5y_adj"].idxmax()]
        down = moving.loc[moving["change_5y_adj"].idxmin()]
        out.append(
            translate(
                "factsheet.change",
                lang,
                start=year - 5,
                end=year,
                up=mid(up["ssyk_label"], lang),
                up_n=signed_int(float(up["change_5y_adj"]), lang),
                up_pct=_signed_pct(float(up["change_5y_pct_adj"]), lang),
                down=mid(down["ssyk_label"], lang),
                down_n=signed_int(float(down["change_5y_adj"]), lang),
                down_pct=_signed_pct(float(down["change_5y_pct_adj"]), lang),
            )
        )
    if data.region.code != data.riket_code:
        common = own[own["employed"] >= 50]
        if not common.empty:
            top = common.loc[common["lq"].idxmax()]
            out.append(
                translate(
                    "factsheet.lq",
                    lang,
                    label=mid(top["ssyk_label"], lang),
                    lq=fmt_decimal(float(top["lq"]), lang, 1),
                )
            )
    out += _forecast_paragraph(data, own, year)
    if "bristlage" in tables:
        out.append(_shortage_paragraph(tables["bristlage"].head(15), data))
    subs = data.ind[data.ind["region_code"] != data.region.code]
    if not subs.empty and data.kommuner:
        totals = subs.groupby("region_code")["employed"].sum().sort_values(ascending=False)
        out.append(
            translate(
                "factsheet.subregions",
                lang,
                name=data.sub_names.get(str(totals.index[0]), str(totals.index[0])),
                share=fmt_pct(float(totals.iloc[0]) / float(totals.sum()) * 100, lang, 0),
            )
        )
    if data.matching is not None:
        table = data.matching.table
        last = table[table["sex"] == "1+2"].tail(1)
        if not last.empty:
            row = last.iloc[0]
            out.append(
                translate(
                    "factsheet.matching",
                    lang,
                    a=fmt_pct(float(row["region"]), lang, 1),
                    b=fmt_pct(float(row["riket"]), lang, 1) if pd.notna(row["riket"]) else "–",
                    year=int(row["year"]),
                )
            )
    if "rekryteringsbehov" in tables and not tables["rekryteringsbehov"].empty:
        kind, row, persons = need_headline(tables["rekryteringsbehov"], data.fc)
        out.append(
            translate(
                "factsheet.openings" if kind == "need" else "factsheet.openings_exits",
                lang,
                end=int(row["end_year"]),
                label=mid(row["ssyk_label"], lang),
                n=fmt_int(persons, lang),
            )
        )
    return out


def _forecast_paragraph(data: ReportData, own: pd.DataFrame, year: int) -> list[str]:
    fc = data.fc
    if fc.empty:
        return []
    end = int(fc["year"].max())
    last = fc[fc["year"] == end].set_index("ssyk")["yhat"]
    base = own.set_index("ssyk")["employed"].reindex(last.index)
    ok = base.notna()
    if not ok.any() or float(base[ok].sum()) == 0:
        return []
    change = (float(last[ok].sum()) / float(base[ok].sum()) - 1) * 100
    cells = fc.drop_duplicates("ssyk")
    beats = cells["beats_naive"] if "beats_naive" in cells else pd.Series(dtype="boolean")
    share = float(beats.fillna(False).astype(bool).mean() * 100) if len(beats) else float("nan")
    return [
        translate(
            "factsheet.forecast",
            data.lang,
            n=fmt_int(float(last[ok].sum()), data.lang),
            end=end,
            pct=_signed_pct(change, data.lang),
            year=year,
            beats=fmt_pct(share, data.lang, 0),
        )
    ]


def _raw_change(data: ReportData, start: int, end: int) -> float | None:
    """Per cent change in the region's employees as published, series breaks included."""
    own = data.panel[data.panel["region_code"] == data.region.code]
    first = own.loc[own["year"] == start, "value"]
    last = own.loc[own["year"] == end, "value"]
    if first.isna().any() or last.isna().any() or float(first.sum()) == 0:
        return None  # a total with a missing part is missing
    return (float(last.sum()) / float(first.sum()) - 1) * 100


def _facts(data: ReportData, tables: dict[str, pd.DataFrame]) -> list[dict[str, str]]:
    """The key-figure cards: employees, their change (adjusted, with the raw figure), the
    occupation with the largest recruitment need (else the largest increase) and AF's
    shortage count among the largest occupations with its round and level."""
    lang = data.lang
    own = data.ind[data.ind["region_code"] == data.region.code]
    year = int(own["year"].iloc[0])
    trend = tables["utveckling"]
    start = int(trend["year"].iloc[0])
    raw = _raw_change(data, start, year)
    facts = [
        {
            "value": fmt_int(float(own["employed"].sum()), lang),
            "label": translate("factsheet.fact_employed", lang, year=year),
        },
        {
            "value": _signed_pct(float(trend["region_index"].iloc[-1]) - 100, lang),
            "label": translate(
                "factsheet.fact_change",
                lang,
                start=start,
                end=year,
                raw=_signed_pct(raw, lang) if raw is not None else "–",
            ),
        },
    ]
    need = tables.get("rekryteringsbehov")
    if need is not None and not need.empty:
        kind, row, persons = need_headline(need, data.fc)
        facts.append(
            {
                "value": str(row["ssyk_label"]),
                "label": translate(
                    "factsheet.fact_need" if kind == "need" else "factsheet.fact_exits",
                    lang,
                    end=int(row["end_year"]),
                    n=fmt_int(persons, lang),
                ),
            }
        )
    else:
        moving = own[(own["employed"] >= 100) & own["change_5y_adj"].notna()]
        if not moving.empty:
            up = moving.loc[moving["change_5y_adj"].idxmax()]
            facts.append(
                {
                    "value": str(up["ssyk_label"]),
                    "label": translate(
                        "factsheet.fact_growth",
                        lang,
                        start=year - 5,
                        end=year,
                        n=signed_int(float(up["change_5y_adj"]), lang),
                    ),
                }
            )
    af = _af_fact(data, tables)
    if af is not None:
        facts.append(af)
    return facts


def _shortage_paragraph(top: pd.DataFrame, data: ReportData) -> str:
    """AF's labels first (how many, at which level, which round), then the model: its status
    where it may give one, and in plain words how well it agrees with AF out of sample."""
    lang = data.lang
    labelled = top[top["af_status"].apply(lambda v: isinstance(v, str))]
    levels = labelled["af_level"].value_counts().to_dict()
    level_text = ", ".join(
        translate(f"factsheet.level_{name}", lang, n=int(levels[name]))
        for name in ("county", "wider", "national")
        if levels.get(name)
    )
    rounds = sorted({str(r) for r in labelled["af_omgang"].dropna()})
    text = translate(
        "factsheet.shortage",
        lang,
        af=int((labelled["af_status"] == "brist").sum()),
        k=len(labelled),
        m=len(top),
        levels=f" ({level_text})" if level_text else "",
        omgang=f" {translate('factsheet.round', lang)} {', '.join(rounds)}" if rounds else "",
    )
    shortage = data.shortage
    if shortage is not None and shortage.skilful:
        shown = top[(top["af_status"].isna()) & (top["model_shown"] != NO_ASSESSMENT)]
        text += " " + translate(
            "factsheet.shortage_model",
            lang,
            n=len(shown),
            brist=int((shown["model_shown"] == "brist").sum()),
        )
    return text + " " + skill_sentence(shortage, lang)


def _af_fact(data: ReportData, tables: dict[str, pd.DataFrame]) -> dict[str, str] | None:
    """'N av 15': AF's brist labels among the largest occupations, saying which round and how
    many of the labels are the county's own assessments."""
    table = tables.get("bristlage")
    if table is None or "af_status" not in table:
        return None
    top = table.head(15)
    labelled = top[top["af_status"].notna()]
    if labelled.empty:
        return None
    levels = labelled["af_level"].value_counts().to_dict() if "af_level" in labelled else {}
    level = ", ".join(
        translate(f"factsheet.level_{name}", data.lang, n=int(levels[name]))
        for name in ("county", "wider", "national")
        if levels.get(name)
    )
    rounds = sorted({str(r) for r in labelled.get("af_omgang", pd.Series(dtype=object)).dropna()})
    omgang = " och ".join(rounds) if data.lang == "sv" else " and ".join(rounds)
    n_brist = int((top["af_status"] == "brist").sum())
    return {
        "value": f"{n_brist} {translate('factsheet.of', data.lang)} {len(top)}",
        "label": translate(
            "factsheet.fact_af", data.lang, omgang=omgang or "–", level=level or "–"
        ),
    }


def _page_charts(available: list[str]) -> tuple[list[str], list[str]]:
    """The charts of the two printed pages (in order) and the rest, for the appendix."""
    pages = [name for name in PAGE_CHARTS if name in available][: 2 * CHARTS_PER_PAGE]
    rest = [name for name in KEY_CHARTS if name in available and name not in pages]
    return pages, rest


def _sources(data: ReportData) -> list[dict[str, Any]]:
    """The appendix's full source list: dataset titles, table ids, retrieval dates, licences."""
    lang = data.lang
    retrieved = translate("factsheet.retrieved", lang)
    out = []
    for d in data.datasets:
        source = {"scb": "SCB", "af": "Arbetsförmedlingen"}.get(d["source"], d["source"])
        out.append(
            {
                # the tag says "synthetic" once; the title need not say it again
                "title": _SYNTHETIC_PREFIX.sub("", str(d["title"])),
                "source": source,
                "tables": f"{translate('factsheet.tables', lang)} {', '.join(d['table_ids'])}",
                "retrieved": f"{retrieved} {str(d['retrieved_at'])[:10]}",
                "licence": f"{translate('factsheet.licence', lang)}: {d.get('licence') or '–'}",
                "synthetic": bool(d["synthetic"]),
            }
        )
    return out


def render(data: ReportData, tables: dict[str, pd.DataFrame], chart_dir: Path) -> str:
    lang = data.lang
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )
    available = [name for name in KEY_CHARTS if (chart_dir / f"{name}.svg").is_file()]
    on_pages, rest = _page_charts(available)

    def chart(name: str) -> dict[str, str]:
        svg = (chart_dir / f"{name}.svg").read_text("utf-8")
        return {"name": name, "svg": inline_svg(svg, prefix=name)}

    charts = [chart(name) for name in on_pages]
    goals_svg = chart_dir / f"{GOALS_CHART}.svg"
    goals = goals_section(
        data.goals,
        inline_svg(goals_svg.read_text("utf-8"), prefix=GOALS_CHART) if goals_svg.is_file() else "",
        lang,
    )
    banner = ""
    if data.synthetic or data.sub_synthetic:
        what = translate(
            "factsheet.banner_region" if data.synthetic else "factsheet.banner_subs", lang
        )
        banner = translate("factsheet.banner", lang, what=what)
    today = datetime.now(UTC).date().isoformat()
    label = data.region.label(lang)
    return env.get_template("faktablad.html.j2").render(
        lang=lang,
        version=__version__,
        date=today,
        title=translate("factsheet.title", lang, region=label),
        lead=translate(
            "factsheet.lead", lang, region=data.in_text, date=today, version=__version__
        ),
        banner=banner,
        facts=_facts(data, tables),
        summary_heading=translate("factsheet.summary", lang),
        paragraphs=_paragraphs(data, tables),
        page1_charts=charts[:CHARTS_PER_PAGE],
        page2_charts=charts[CHARTS_PER_PAGE:],
        more=translate("factsheet.more", lang),
        goals=goals,
        sources_heading=translate("factsheet.sources", lang),
        citations=data.citations,
        methods_heading=translate("factsheet.methods", lang),
        methods_short=translate_all("factsheet.methods_short", lang),
        full=data.full,
        appendix_heading=translate("factsheet.appendix", lang),
        appendix_charts=[chart(name) for name in rest] if data.full else [],
        sources=_sources(data),
        synthetic_mark=translate("factsheet.synthetic_mark", lang),
        breaks_heading=translate("factsheet.breaks", lang),
        breaks=[f"{b['year']}: {b['description']}" for b in data.breaks],
        methods_full_heading=translate("factsheet.methods_full", lang),
        methods=translate_all("factsheet.methods", lang),
        riket=translate("chart.riket", lang),
    )


def write_factsheet(
    data: ReportData, tables: dict[str, pd.DataFrame], chart_dir: Path, path: Path
) -> Path:
    return write_text_atomic(path, render(data, tables, chart_dir))
