"""Swedish (or English) number formatting without the OS locale, via Babel."""

from __future__ import annotations

import math

from babel.numbers import format_decimal, format_percent

LOCALES = {"sv": "sv_SE", "en": "en_GB"}


def _minus(text: str, lang: str) -> str:
    """Swedish typography writes a real minus sign (U+2212), not a hyphen."""
    return text.replace("-", "\u2212") if lang == "sv" else text


def fmt_int(value: float, lang: str = "sv") -> str:
    """12345 → '12 345' (sv, non-breaking space) or '12,345' (en); NaN → '–'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return _minus(format_decimal(round(value), locale=LOCALES[lang]), lang)


def fmt_pct(percent: float, lang: str = "sv", digits: int = 1) -> str:
    """3.4 (percent) → '3,4 %' (sv) or '3.4%' (en); NaN → '–'."""
    if percent is None or (isinstance(percent, float) and math.isnan(percent)):
        return "–"
    pattern = "#,##0." + "0" * digits + " %" if digits else "#,##0 %"
    text = _minus(format_percent(percent / 100.0, format=pattern, locale=LOCALES[lang]), lang)
    return (
        str(text).replace("\xa0%", " %")
        if lang == "sv"
        else str(text).replace(" %", "%").replace("\xa0%", "%")
    )


def fmt_decimal(value: float, lang: str = "sv", digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return _minus(format_decimal(value, format=pattern, locale=LOCALES[lang]), lang)


def signed_int(value: float, lang: str = "sv") -> str:
    """+1 234 / −1 234 (a real minus sign in Swedish typography); NaN → '–'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = fmt_int(abs(value), lang)
    if round(value) == 0:
        return text
    return ("+" if value > 0 else ("\u2212" if lang == "sv" else "-")) + text


def signed_pct(percent: float, lang: str = "sv", digits: int = 1) -> str:
    """+3,4 % / −3,4 %; NaN → '–'."""
    text = fmt_pct(percent, lang, digits)
    return "+" + text if text != "–" and round(percent, digits) > 0 else text
