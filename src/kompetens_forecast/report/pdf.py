"""faktablad.pdf from faktablad.html, through the optional `pdf` extra (WeasyPrint).

`pip install "kompetens-forecast[pdf]"` (WeasyPrint needs Pango, e.g. Debian's libpango-1.0-0).
Without it, `--pdf` is refused before anything is computed or written; a browser's print to
PDF (`chromium --headless --print-to-pdf=faktablad.pdf faktablad.html`) gives the same page.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from kompetens_forecast.errors import InvalidOptionError
from kompetens_forecast.store.atomic import write_atomic


def pdf_available() -> bool:
    return importlib.util.find_spec("weasyprint") is not None


def check_pdf() -> None:
    if not pdf_available():
        raise InvalidOptionError(
            "--pdf needs WeasyPrint, which is not installed.",
            "Install the extra: pip install 'kompetens-forecast[pdf]' (or print faktablad.html "
            "to PDF from a browser).",
        )


def write_pdf(html: Path, pdf: Path) -> Path:
    """Render the self-contained HTML file to an A4 PDF (no network: nothing external)."""
    import weasyprint

    document = weasyprint.HTML(filename=str(html))
    return write_atomic(pdf, lambda tmp: document.write_pdf(str(tmp)))
