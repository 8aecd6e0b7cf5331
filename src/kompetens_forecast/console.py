"""The `forecast` console script: imports the CLI inside the interrupt handler.

Importing the CLI (pandas, matplotlib, statsmodels …) takes seconds on a busy machine; a
Ctrl-C during that time must end in the same one line and exit code 130 as one during a
command, not in an import traceback.
"""

from __future__ import annotations

import itertools
import sys


def main(argv: list[str] | None = None) -> None:
    """Entry point of `forecast`: `kompetens_forecast.cli.main` with a guarded import."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        from kompetens_forecast import cli
    except KeyboardInterrupt:
        english = "--lang=en" in args or any(
            a == "--lang" and b == "en" for a, b in itertools.pairwise(args)
        )
        sys.stderr.write(f"Error: {'Interrupted.' if english else 'Avbrutet.'}\n")
        raise SystemExit(130) from None
    cli.main(args)
