"""Source lines as analysts write them: the statistic's name and publisher, the years or AF's
round, the retrieval date — "Källa: SCB, yrkesregistret med yrkesstatistik 2014–2023, hämtad
2026-11-28; Arbetsförmedlingen, Yrkesbarometern omgång 2025-2 och 2026-1, hämtad 2026-11-28".

The technical table ids (AM0208M/YREG60BAS, …) stay in manifest.json and the workbook's Källor
sheet, where a reader who wants to re-fetch a figure looks for them. A dataset not named here
(one a user added to the catalog) is cited by its catalog title.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from kompetens_forecast.store.manifest import Manifest

PUBLISHERS: Final[dict[str, str]] = {"scb": "SCB", "af": "Arbetsförmedlingen"}

_REGISTER = ("yrkesregistret med yrkesstatistik", "the occupational register (SCB)")
# dataset → the statistic's name (sv, en), as the publisher calls it
STATISTICS: Final[dict[str, tuple[str, str]]] = {
    "employment_county_ssyk4": _REGISTER,
    "employment_kommun_ssyk3": _REGISTER,
    "employment_age_ssyk3": _REGISTER,
    "employment_age_ssyk4": _REGISTER,
    "employment_education_ssyk": _REGISTER,
    "matching_grade_county": (
        "regionala matchningsindikatorer (RMI)",
        "regional matching indicators (RMI)",
    ),
    "matched_employment_education": (
        "regionala matchningsindikatorer (RMI)",
        "regional matching indicators (RMI)",
    ),
    "labour_status_bas": (
        "befolkningens arbetsmarknadsstatus (BAS)",
        "labour market status of the population (BAS)",
    ),
    "population": ("befolkningsstatistik", "population statistics"),
    "wages_ssyk4": ("lönestrukturstatistik", "wage and salary structures"),
    "yrkesbarometer": ("Yrkesbarometern", "Yrkesbarometer (occupational outlook)"),
    "job_ads": ("Platsbanken, annonser via JobSearch", "Platsbanken job ads (JobSearch)"),
    "job_ads_history": ("Platsbanken, historiska annonser", "Platsbanken job ads, history"),
    "job_ads_snapshot": ("Platsbanken, annonser via JobStream", "Platsbanken job ads (JobStream)"),
    "jobseekers": ("inskrivna arbetssökande", "registered jobseekers"),
}
WORDS: Final[dict[str, dict[str, str]]] = {
    "source": {"sv": "Källa", "en": "Source"},
    "retrieved": {"sv": "hämtad", "en": "retrieved"},
    "round": {"sv": "omgång", "en": "round"},
    "and": {"sv": "och", "en": "and"},
}


def _years(manifest: Manifest) -> str:
    years = manifest.extra.get("years")
    if isinstance(years, list) and len(years) == 2 and all(isinstance(y, int) for y in years):
        return f" {years[0]}–{years[1]}" if years[0] != years[1] else f" {years[0]}"
    return ""


def _rounds(manifest: Manifest, lang: str) -> str:
    rounds = manifest.extra.get("rounds")
    if not isinstance(rounds, list) or not rounds:
        return ""
    return f" {WORDS['round'][lang]} " + f" {WORDS['and'][lang]} ".join(sorted(map(str, rounds)))


def human_source(manifest: Manifest, lang: str) -> str:
    """'SCB, yrkesregistret med yrkesstatistik 2014–2023, hämtad 2026-11-28' for one dataset."""
    publisher = PUBLISHERS.get(manifest.source, manifest.source.upper())
    names = STATISTICS.get(manifest.dataset)
    name = (names[0] if lang == "sv" else names[1]) if names else manifest.title
    text = f"{publisher}, {name}{_years(manifest)}{_rounds(manifest, lang)}"
    credit = manifest.extra.get("credit")
    if isinstance(credit, str) and credit:
        text += f" ({credit})"
    return f"{text}, {WORDS['retrieved'][lang]} {manifest.retrieved_at[:10]}"


def source_line(manifests: Sequence[Manifest], lang: str) -> str:
    """One 'Källa: …; …' line for the real (not synthetic) datasets behind a chart or table,
    each statistic named once (several datasets of one register, e.g. employees by county and
    by age, are one statistic: the first one's years and date stand)."""
    parts: list[str] = []
    named: set[tuple[str, str]] = set()
    for manifest in manifests:
        if manifest.synthetic:
            continue
        names = STATISTICS.get(manifest.dataset)
        statistic = (manifest.source, names[0] if names else manifest.title)
        part = human_source(manifest, lang)
        if part not in parts and statistic not in named:
            parts.append(part)
            named.add(statistic)
    return f"{WORDS['source'][lang]}: " + "; ".join(parts) if parts else ""
