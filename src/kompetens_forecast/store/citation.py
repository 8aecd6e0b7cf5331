"""Source lines as analysts write them: the statistic's name and publisher, the years or AF's
round, the retrieval date — "Källa: SCB, yrkesregistret med yrkesstatistik 2014–2023, hämtad
2026-11-28; Arbetsförmedlingen, Yrkesbarometern omgång 2025-2 och 2026-1, hämtad 2026-11-28".

The technical table ids (AM0208M/YREG60BAS, …) stay in manifest.json and the workbook's Källor
sheet, where a reader who wants to re-fetch a figure looks for them. A dataset not named here
(one a user added to the catalog) is cited by its catalog title. The names and words are in
the translation catalogue (keys `citation.*`).
"""

from __future__ import annotations

from collections.abc import Sequence

from kompetens_forecast.languages import has_text, translate
from kompetens_forecast.store.manifest import Manifest


def publisher(source: str) -> str:
    """The publisher's name for a source code ("scb" → "SCB"); an unknown code upper-cased."""
    key = f"citation.publisher.{source}"
    return translate(key, "sv") if has_text(key) else source.upper()


def statistic(dataset: str, lang: str) -> str | None:
    """The statistic's name as its publisher calls it, None for a dataset not catalogued."""
    key = f"citation.statistic.{dataset}"
    return translate(key, lang) if has_text(key) else None


def _years(manifest: Manifest) -> str:
    years = manifest.extra.get("years")
    if isinstance(years, list) and len(years) == 2 and all(isinstance(y, int) for y in years):
        return f" {years[0]}–{years[1]}" if years[0] != years[1] else f" {years[0]}"
    return ""


def _rounds(manifest: Manifest, lang: str) -> str:
    rounds = manifest.extra.get("rounds")
    if not isinstance(rounds, list) or not rounds:
        return ""
    joined = f" {translate('citation.and', lang)} ".join(sorted(map(str, rounds)))
    return f" {translate('citation.round', lang)} {joined}"


def human_source(manifest: Manifest, lang: str) -> str:
    """'SCB, yrkesregistret med yrkesstatistik 2014–2023, hämtad 2026-11-28' for one dataset."""
    name = statistic(manifest.dataset, lang) or manifest.title
    text = f"{publisher(manifest.source)}, {name}{_years(manifest)}{_rounds(manifest, lang)}"
    credit = manifest.extra.get("credit")
    if isinstance(credit, str) and credit:
        text += f" ({credit})"
    return f"{text}, {translate('citation.retrieved', lang)} {manifest.retrieved_at[:10]}"


def source_line(manifests: Sequence[Manifest], lang: str) -> str:
    """One 'Källa: …; …' line for the real (not synthetic) datasets behind a chart or table,
    each statistic named once (several datasets of one register, e.g. employees by county and
    by age, are one statistic: the first one's years and date stand)."""
    parts: list[str] = []
    named: set[tuple[str, str]] = set()
    for manifest in manifests:
        if manifest.synthetic:
            continue
        name = (manifest.source, statistic(manifest.dataset, "sv") or manifest.title)
        part = human_source(manifest, lang)
        if part not in parts and name not in named:
            parts.append(part)
            named.add(name)
    return f"{translate('citation.source', lang)}: " + "; ".join(parts) if parts else ""
