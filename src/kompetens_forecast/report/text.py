"""Helpers for the words in charts and tables; the texts themselves are in the catalogue
(`kompetens_forecast.languages.translate`, keys `chart.*`)."""

from __future__ import annotations

from kompetens_forecast.languages import has_text, translate

# how a chart marks the level of AF's assessment beside its label (explained in the subtitle)
AF_LEVEL_MARKS = {"national": "*", "wider": "†", "county": ""}


def status_word(status: str, lang: str) -> str:
    """AF's / the model's status label in `lang` (AF's own Swedish words in sv)."""
    key = f"chart.status_{status}"
    return translate(key, lang) if has_text(key) else status


def mid(label: object, lang: str) -> str:
    """An occupation label inside a Swedish sentence: lower-case first letter ('undersköterskor'),
    unless it starts an acronym ('IT-arkitekter')."""
    text = str(label)
    if lang == "sv" and len(text) > 1 and text[1].islower():
        return text[0].lower() + text[1:]
    return text
