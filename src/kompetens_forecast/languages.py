"""The output languages. A module of its own so that the CLI can check `--lang` before (and
without) importing the pipeline and its heavy dependencies."""

from __future__ import annotations

from kompetens_forecast.errors import InvalidOptionError

LANGUAGES = ("sv", "en")


def check_language(lang: str) -> str:
    """`lang` if it is one of LANGUAGES, else an InvalidOptionError naming the choices."""
    if lang not in LANGUAGES:
        raise InvalidOptionError(
            f"Invalid language '{lang}'.", f"Choose one of: {', '.join(LANGUAGES)}."
        )
    return lang
