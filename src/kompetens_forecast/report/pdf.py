"""faktablad.pdf from faktablad.html, through the optional `pdf` extra (WeasyPrint).

`pip install "kompetens-forecast[pdf]"` (WeasyPrint needs Pango, e.g. Debian's libpango-1.0-0).
Without it, `--pdf` is refused before anything is computed or written; a browser's print to
PDF (`chromium --headless --print-to-pdf=faktablad.pdf faktablad.html`) gives the same page.
"""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path

from kompetens_forecast.errors import InvalidOptionError
from kompetens_forecast.store.atomic import write_atomic


@cache
def pdf_available() -> bool:
    """WeasyPrint imports, and finds its system libraries (Pango): a package that is installed
    but cannot load them counts as missing."""
    try:
        importlib.import_module("weasyprint")
    except (ImportError, OSError):
        return False
    return True


def check_pdf() -> None:
    if not pdf_available():
        raise InvalidOptionError(
            "--pdf needs WeasyPrint (with Pango), which is not installed or cannot load.",
            "Install the extra: pip install 'kompetens-forecast[pdf]' (or print faktablad.html "
            "to PDF from a browser).",
        )


def write_pdf(html: Path, pdf: Path) -> Path:
    """Render the self-contained HTML file to an A4 PDF (no network: nothing external)."""
    import weasyprint

    document = weasyprint.HTML(filename=str(html))
    return write_atomic(pdf, lambda tmp: document.write_pdf(str(tmp)))
