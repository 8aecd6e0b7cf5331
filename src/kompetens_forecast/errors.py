"""Typed errors raised by the library.

Every error carries a one-line message naming the bad value and, where possible, a `hint`
saying how to fix it (valid choices, close matches). The CLI maps `UsageError` to exit code 2
and every other `KFError` to exit code 1.
"""

from __future__ import annotations

from collections.abc import Sequence


class KFError(Exception):
    """Base class of all errors the library raises on purpose."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        """The message and hint on one line, as the CLI prints them."""
        return f"{self.message} {self.hint}".strip() if self.hint else self.message


class UsageError(KFError):
    """The caller asked for something that does not exist or is not allowed."""


class UnknownCodeError(UsageError):
    """A code or name was not found in a classification."""

    kind = "code"

    def __init__(self, value: str, suggestions: Sequence[str], valid: str) -> None:
        self.value = value
        self.suggestions = list(suggestions)
        hint = (
            f"Did you mean: {', '.join(self.suggestions)}?"
            if self.suggestions
            else f"Valid: {valid}."
        )
        super().__init__(f"Unknown {self.kind} '{value}'.", hint)


class UnknownRegionError(UnknownCodeError):
    kind = "region"


class UnknownOccupationError(UnknownCodeError):
    kind = "occupation"


class InvalidOptionError(UsageError):
    """An option value is outside its valid range or set."""


class MissingExtraError(KFError):
    """An optional dependency (a pip extra such as `dask`) is not installed."""


class DataError(KFError):
    """Data are missing, malformed or inconsistent."""


def csv_row_error(file: str, row: int, problem: str, hint: str | None = None) -> DataError:
    """A DataError about data row `row` (0-based, below the header) of the CSV file `file`:
    the message names the file and the line a text editor shows."""
    return DataError(f"{file} line {row + 2}: {problem}", hint)


class StoreError(KFError):
    """The Parquet store could not be read or written."""


class DamagedDataError(StoreError):
    """A stored file is missing, unreadable or does not match its manifest's checksum."""


class OutputError(KFError):
    """Run outputs could not be written (folder locked, not a folder, read-only, disk full)."""


class UpstreamChangeError(DataError):
    """A new vintage differs from the current one in structure (regions, codes, dimensions)
    or totals; it was kept aside and the current one stays in use."""


class SourceError(KFError):
    """A data source (SCB, Arbetsförmedlingen) answered with an error or could not be reached."""

    def __init__(self, message: str, hint: str | None = None, *, status: int | None = None) -> None:
        super().__init__(message, hint)
        self.status = status


class TooManyCellsError(SourceError):
    """The server refused a query as too large (PxWebApi: 400/403 "Too many cells selected")."""


class NotFoundError(SourceError):
    """The server does not have the table, codelist or page asked for."""


class OfflineError(SourceError):
    """Offline mode was asked for and the response is not in the cache."""


class FetchLockedError(StoreError):
    """Another process is fetching into the same data directory."""
