"""Plain-language column headers for the tables people read (workbook, CSV, Markdown).

The Parquet files keep the machine names of README's output contract; a table for a report
gets these headers instead (the workbook keeps the machine name as a comment on each header
cell, so a figure can be traced to its Parquet column). Unknown columns keep their name.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

# machine name → (Swedish, English)
LABELS: dict[str, tuple[str, str]] = {
    "region_code": ("Regionkod", "Region code"),
    "region_name": ("Region", "Region"),
    "level": ("Regionnivå", "Region level"),
    "ssyk": ("Yrkeskod (SSYK 2012)", "Occupation code (SSYK 2012)"),
    "ssyk_label": ("Yrke", "Occupation"),
    "ssyk_level": ("SSYK-nivå", "SSYK level"),
    "year": ("År", "Year"),
    "employed": ("Anställda", "Employees"),
    "share": ("Andel av anställda (%)", "Share of employees (%)"),
    "lq": ("Lokaliseringskvot", "Location quotient"),
    "change_1y": ("Förändring 1 år", "Change 1 year"),
    "change_1y_pct": ("Förändring 1 år (%)", "Change 1 year (%)"),
    "change_5y": ("Förändring 5 år", "Change 5 years"),
    "change_5y_pct": ("Förändring 5 år (%)", "Change 5 years (%)"),
    "change_5y_adj": (
        "Förändring 5 år, justerat för seriebrott",
        "Change 5 years, adjusted for series breaks",
    ),
    "change_5y_pct_adj": (
        "Förändring 5 år, justerat för seriebrott (%)",
        "Change 5 years, adjusted for series breaks (%)",
    ),
    "cagr_5y_adj": (
        "Årlig förändring 5 år, justerat för seriebrott (%)",
        "Annual change 5 years, adjusted for series breaks (%)",
    ),
    "break_in_1y": ("Seriebrott inom 1 år", "Series break within 1 year"),
    "break_in_5y": ("Seriebrott inom 5 år", "Series break within 5 years"),
    "share_women": ("Andel kvinnor (%)", "Share of women (%)"),
    "ssyk_major": ("Yrkesområde (SSYK 1)", "Major group (SSYK 1)"),
    "skill_level": ("Kompetensnivå", "Skill level"),
    "hhi_occupations": ("Koncentration (HHI)", "Concentration (HHI)"),
    "af_situation": ("AF: rekryteringssituation", "AF: recruitment situation"),
    "af_prognos": ("AF: prognos", "AF: outlook"),
    "af_omgang": ("AF: omgång", "AF: round"),
    "af_yrke": ("AF: yrke", "AF: occupation"),
    "af_level": ("AF: nivå", "AF: level"),
    "af_conflict": ("AF: olika bedömningar", "AF: conflicting labels"),
    "af_status": ("AF:s bedömning", "AF's label"),
    "af_national": ("AF:s bedömning gäller riket", "AF's label is national"),
    "synthetic": ("Syntetiska data", "Synthetic data"),
    "share_55plus": ("Andel 55+ (%)", "Share aged 55+ (%)"),
    "share_60plus": ("Andel 60+ (%)", "Share aged 60+ (%)"),
    "replacement_rate_5y": ("Avgångar 5 år (% av anställda)", "Exits 5 years (% of employees)"),
    "replacement_rate_10y": (
        "Avgångar 10 år (% av anställda)",
        "Exits 10 years (% of employees)",
    ),
    "exits_5y": ("Förväntade avgångar 5 år", "Expected exits 5 years"),
    "exits_10y": ("Förväntade avgångar 10 år", "Expected exits 10 years"),
    "expansion_5y": ("Förändring enligt prognos 5 år", "Forecast change 5 years"),
    "expansion_10y": ("Förändring enligt prognos 10 år", "Forecast change 10 years"),
    "openings_5y": ("Rekryteringsbehov 5 år", "Recruitment need 5 years"),
    "openings_10y": ("Rekryteringsbehov 10 år", "Recruitment need 10 years"),
    "end_year": ("Till år (5 år)", "To year (5 years)"),
    "end_year_10": ("Till år (10 år)", "To year (10 years)"),
    "scenario_10y": ("10 år: scenario (bortom 5 år)", "10 years: scenario (beyond 5 years)"),
    "age_basis": ("Åldersstruktur från", "Age structure from"),
    "age_year": ("År för åldersstrukturen", "Year of the age structure"),
    "pay_mean_area": (
        "Medellön i riksområdet (kr/mån)",
        "Average pay in the NUTS-2 region (SEK/month)",
    ),
    "pay_mean_riket": ("Medellön i riket (kr/mån)", "Average pay in Sweden (SEK/month)"),
    "pay_median_riket": ("Medianlön i riket (kr/mån)", "Median pay in Sweden (SEK/month)"),
    "pay_p10_riket": (
        "Lön, 10:e percentil, riket (kr/mån)",
        "Pay, 10th percentile, Sweden (SEK/month)",
    ),
    "pay_p90_riket": (
        "Lön, 90:e percentil, riket (kr/mån)",
        "Pay, 90th percentile, Sweden (SEK/month)",
    ),
    "pay_area": ("Riksområde", "NUTS-2 region"),
    "pay_year": ("Lönestatistikens år", "Year of the pay statistics"),
    "ads": ("Platsannonser", "Job ads"),
    "positions": ("Lediga jobb i annonserna", "Vacancies in the ads"),
    "ads_basis": ("Annonser för", "Ads for"),
    "yhat": ("Prognos", "Forecast"),
    "yhat_lo": ("Prognos, nedre gräns (80 %)", "Forecast, lower bound (80 %)"),
    "yhat_hi": ("Prognos, övre gräns (80 %)", "Forecast, upper bound (80 %)"),
    "yhat_base": ("Prognos före avstämning", "Forecast before reconciliation"),
    "model": ("Modell", "Model"),
    "backtest_mase": (
        "Fel i efterhand, publicerad prognos (lägre = bättre)",
        "Error in hindsight, published forecast (lower = better)",
    ),
    "backtest_mase_naive": (
        "Fel i efterhand, oförändrad nivå (lägre = bättre)",
        "Error in hindsight, unchanged level (lower = better)",
    ),
    "backtest_mase_share": (
        "Fel i efterhand, andelsmodell (lägre = bättre)",
        "Error in hindsight, share model (lower = better)",
    ),
    "beats_naive": ("Träffsäkrare än oförändrad nivå", "More accurate than an unchanged level"),
    "backtest_error_pct": ("Typiskt fel 1 år framåt (%)", "Typical error 1 year ahead (%)"),
    "naive_weight": ("Vikt på oförändrad nivå", "Weight on an unchanged level"),
    "horizon": ("Prognoshorisont (år)", "Horizon (years)"),
    "interval_method": ("Intervallmetod", "Interval method"),
    "scenario": ("Scenario (bortom 5 år)", "Scenario (beyond 5 years)"),
    "reconciled": ("Avstämd mot totaler", "Reconciled to totals"),
    "employed_riket": ("Anställda i riket", "Employees in Sweden"),
    "employed_adj": (
        "Anställda, justerat för seriebrott",
        "Employees, adjusted for series breaks",
    ),
    "employed_riket_adj": (
        "Anställda i riket, justerat för seriebrott",
        "Employees in Sweden, adjusted for series breaks",
    ),
    "region_index": (
        "Index regionen (2014 = 100), justerat för seriebrott",
        "Index region (2014 = 100), adjusted for series breaks",
    ),
    "riket_index": (
        "Index riket (2014 = 100), justerat för seriebrott",
        "Index Sweden (2014 = 100), adjusted for series breaks",
    ),
    "region_index_raw": (
        "Index regionen (2014 = 100), ej justerat",
        "Index region (2014 = 100), unadjusted",
    ),
    "riket_index_raw": (
        "Index riket (2014 = 100), ej justerat",
        "Index Sweden (2014 = 100), unadjusted",
    ),
    "major": ("Yrkesområde (SSYK 1)", "Major group (SSYK 1)"),
    "label": ("Benämning", "Label"),
    "share_riket": ("Andel i riket (%)", "Share in Sweden (%)"),
    "model_status": ("Modellens bedömning", "Model's status"),
    "probability_brist": ("Sannolikhet brist", "Probability of shortage"),
    "score": ("Bristindikator", "Shortage score"),
    "replacement": ("Ersättningsbehov", "Replacement demand"),
    "expansion": ("Expansionsbehov", "Expansion demand"),
    "openings": ("Rekryteringsbehov", "Openings"),
    "region": ("Regionen", "Region"),
    "riket": ("Riket", "Sweden"),
    "sex": ("Kön", "Sex"),
    "dataset": ("Datamängd", "Dataset"),
    "source": ("Källa", "Source"),
    "title": ("Titel", "Title"),
    "table_ids": ("Tabeller", "Tables"),
    "vintage": ("Version", "Vintage"),
    "retrieved_at": ("Hämtad", "Retrieved"),
    "source_updated": ("Uppdaterad hos källan", "Updated at source"),
    "origin": ("Ursprung", "Origin"),
    "licence": ("Licens", "Licence"),
    "kind": ("Typ", "Kind"),
    "description": ("Beskrivning", "Description"),
    "effect": ("Effekt", "Effect"),
}

YES_NO = {"sv": ("ja", "nej"), "en": ("yes", "no")}

_STATUS = {
    "brist": ("brist", "shortage"),
    "balans": ("balans", "balance"),
    "överskott": ("överskott", "surplus"),
    "paradox": (
        "paradox (brist trots många sökande)",
        "paradox (shortage despite many jobseekers)",
    ),
    "ingen bedömning": ("ingen bedömning", "no assessment"),
}
# column → code value → (Swedish, English): what a reader sees instead of the code. Parquet
# files keep the codes of README's contract. A code missing here shows as the code, and the
# report test that scans every sheet fails, so a new code is translated when it is added.
VALUES: dict[str, dict[str, tuple[str, str]]] = {
    "level": {
        "riket": ("riket", "Sweden"),
        "lan": ("län", "county"),
        "kommun": ("kommun", "municipality"),
        "group": ("grupp av län", "group of counties"),
    },
    "model": {
        "naive": ("oförändrad nivå (naiv)", "no change (naive)"),
        "share": ("andelsmodell", "share model"),
        "damped_trend": ("dämpad trend", "damped trend"),
    },
    "interval_method": {
        "empirical": ("från tidigare prognosfel", "from past forecast errors"),
        "normal": ("normalfördelning", "normal distribution"),
    },
    "af_level": {
        "national": ("riket", "Sweden"),
        "county": ("länet", "county"),
        "wider": ("större region", "wider region"),
    },
    "af_situation": _STATUS,
    "af_status": _STATUS,
    "model_status": _STATUS,
    "status": _STATUS,
    "af_prognos": {
        "öka": ("öka", "increase"),
        "minska": ("minska", "decrease"),
        "vara oförändrad": ("vara oförändrad", "stay unchanged"),
    },
    "kind": {
        "source": ("byte av källa", "change of source"),
        "population": ("ändrad population", "change of population"),
    },
    "source": {
        "scb": ("SCB", "Statistics Sweden (SCB)"),
        "af": ("Arbetsförmedlingen", "Swedish Public Employment Service (AF)"),
        "synthetic": ("syntetiska data", "synthetic data"),
        "model": ("modellen", "the model"),
    },
    "age_basis": {
        "riket": ("yrket i riket", "the occupation in Sweden"),
        "region": ("regionens egna data", "the region's own data"),
    },
    "ads_basis": {
        "riket": ("hela riket", "all of Sweden"),
        "region": ("regionen", "the region"),
    },
    "origin": {
        "demo": ("inbäddade demodata", "embedded demo data"),
        "store": ("hämtad till datakatalogen", "fetched into the data directory"),
    },
}


def column_label(name: str, lang: str) -> str:
    labels = LABELS.get(name)
    if labels is None:
        return name
    return labels[0] if lang == "sv" else labels[1]


def column_labels(names: Iterable[object], lang: str) -> list[str]:
    return [column_label(str(n), lang) for n in names]


def yes_no(value: bool, lang: str) -> str:
    yes, no = YES_NO["sv" if lang == "sv" else "en"]
    return yes if value else no


def value_label(column: str, value: object, lang: str) -> object:
    """A code value as the reader should see it ("lan" → "län"/"county"); other values as
    they are."""
    labels = VALUES.get(column, {}).get(value) if isinstance(value, str) else None
    if labels is None:
        return value
    return labels[0] if lang == "sv" else labels[1]


def translate_values(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """`frame` with every coded column's values in `lang` (`VALUES`); codes in other columns,
    numbers and missing values untouched."""
    out = frame.copy()
    for column in out.columns:
        if column in VALUES and out[column].dtype == object:
            labels = [value_label(str(column), v, lang) for v in out[column]]
            out[column] = pd.Series(labels, index=out.index, dtype=object)
    return out
