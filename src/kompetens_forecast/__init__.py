"""kompetens-forecast: regional competence-need forecasts from Swedish official statistics.

The library does the work and never prints or exits; the `forecast` CLI (cli.py) translates
arguments and maps the typed errors of `kompetens_forecast.errors` to messages and exit codes.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kompetens-forecast")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
