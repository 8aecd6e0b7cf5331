"""The output languages and their one translation catalogue.

A module of its own so that the CLI can check `--lang` before (and without) importing the
pipeline and its heavy dependencies; the catalogue is read on first use.

Every text a reader sees in sv or en — chart titles, fact-sheet sentences, column headers,
code values ("lan" → "län"/"county"), source lines — lives in
``locale/<lang>/LC_MESSAGES/kompetens_forecast.po``. A msgid is an English key, its namespace
first (``chart.``, ``factsheet.``, ``column.``, ``value.<column>.``, ``goals.``,
``citation.``); the msgstr is the text, with ``{name}`` fields filled by `translate`.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from kompetens_forecast.errors import InvalidOptionError

LANGUAGES = ("sv", "en")
DOMAIN = "kompetens_forecast"


def check_language(lang: str) -> str:
    """`lang` if it is one of LANGUAGES, else an InvalidOptionError naming the choices."""
    if lang not in LANGUAGES:
        raise InvalidOptionError(
            f"Invalid language '{lang}'.", f"Choose one of: {', '.join(LANGUAGES)}."
        )
    return lang


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Key → text in `lang`, read from the package's .po file (Babel)."""
    from babel.messages.pofile import read_po  # only when a text is needed: keeps the CLI fast

    path = resources.files("kompetens_forecast").joinpath(
        "locale", check_language(lang), "LC_MESSAGES", f"{DOMAIN}.po"
    )
    with path.open("rb") as handle:
        messages = read_po(handle, locale=lang, domain=DOMAIN)
    return {str(m.id): str(m.string) for m in messages if m.id}


def has_text(key: str) -> bool:
    """Whether the catalogue holds `key` (a test checks every key is in every language)."""
    return key in catalogue(LANGUAGES[0])


def translate(key: str, lang: str, **fields: object) -> str:
    """The text of `key` in `lang` with its ``{name}`` fields filled from `fields`."""
    return catalogue(lang)[key].format(**fields)


def translate_all(prefix: str, lang: str) -> list[str]:
    """The texts of keys ``prefix.1``, ``prefix.2``, … in order (paragraphs of a box)."""
    texts: list[str] = []
    while has_text(f"{prefix}.{len(texts) + 1}"):
        texts.append(translate(f"{prefix}.{len(texts) + 1}", lang))
    return texts
