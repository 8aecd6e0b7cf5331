"""Words used in charts and tables, in Swedish (default) and English."""

from __future__ import annotations

from typing import Final

TEXT: Final[dict[str, dict[str, str]]] = {
    "largest_title": {
        "sv": "Största yrkesgrupperna i {region} {year}",
        "en": "Largest occupations in {region}, {year}",
    },
    "employed": {"sv": "Antal anställda", "en": "Employees"},
    "change_title": {
        "sv": "Yrken som ökat och minskat mest i {region} {start}–{end}",
        "en": "Occupations that grew and shrank the most in {region}, {start}–{end}",
    },
    "change_axis": {
        "sv": "Förändring {start}–{end}, antal anställda (justerat för seriebrott)",
        "en": "Change {start}–{end}, employees (adjusted for series breaks)",
    },
    "lq_title": {
        "sv": "Yrken som är överrepresenterade i {region} jämfört med riket {year}",
        "en": "Occupations over-represented in {region} compared with Sweden, {year}",
    },
    "lq_axis": {
        "sv": "Lokaliseringskvot (1 = samma andel som i riket)",
        "en": "Location quotient (1 = same share as Sweden)",
    },
    "forecast_title": {
        "sv": "Prognos för de största yrkena i {region} till {end}",
        "en": "Forecast for the largest occupations in {region} to {end}",
    },
    "forecast_legend_history": {"sv": "Utfall", "en": "Observed"},
    "forecast_legend_adjusted": {
        "sv": "Utfall justerat för seriebrott",
        "en": "Observed, adjusted for series breaks",
    },
    "forecast_legend_forecast": {"sv": "Prognos", "en": "Forecast"},
    "forecast_legend_interval": {"sv": "80 % prognosintervall", "en": "80 % prediction interval"},
    "municipalities_title": {
        "sv": "Anställda per kommun i {region} {year}",
        "en": "Employees by municipality in {region}, {year}",
    },
    "subregions_title": {
        "sv": "Anställda per delregion i {region} {year}",
        "en": "Employees by sub-region in {region}, {year}",
    },
    "matching_title": {
        "sv": "Matchningsgrad i {region}: andel förvärvsarbetande med matchande utbildning",
        "en": "Matching grade in {region}: share of employed whose education matches their job",
    },
    "riket": {"sv": "Riket", "en": "Sweden"},
    "synthetic_banner": {
        "sv": "SYNTETISKA DEMODATA – inte officiell statistik",
        "en": "SYNTHETIC DEMO DATA – not official statistics",
    },
    "processing": {
        "sv": "Bearbetning: kompetens-forecast {version}",
        "en": "Processing: kompetens-forecast {version}",
    },
    "breaks_note": {
        "sv": "Seriebrott: {breaks}.",
        "en": "Series breaks: {breaks}.",
    },
    "synthetic_source": {
        "sv": "Syntetiska kommundata fördelade från SCB:s länsdata",
        "en": "Synthetic municipal data allocated from SCB county data",
    },
}


def t(key: str, lang: str, **values: object) -> str:
    return TEXT[key][lang].format(**values)
