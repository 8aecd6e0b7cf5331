"""Regenerate the reference thumbnails of the visual regression test
(tests/chart_baselines/): the charts of `forecast run --region 20` (Swedish) and
`forecast --lang en run --region 00` on the embedded demo data, as the tests draw them.

Run after an intended change to a chart, then look at the changed images before committing:

    python scripts/update_chart_baselines.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from chart_baselines import BASELINE_DIR, thumbnail  # noqa: E402

RUNS = {"county": ["run", "--region", "20"], "riket": ["--lang", "en", "run", "--region", "00"]}


def main() -> None:
    BASELINE_DIR.mkdir(exist_ok=True)
    for old in BASELINE_DIR.glob("*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        for name, args in RUNS.items():
            out = Path(tmp) / name
            command = [sys.executable, "-m", "kompetens_forecast.cli", "--quiet"]
            command += ["--data-dir", str(Path(tmp) / "data"), *args, "--out", str(out)]
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            for png in sorted((out / "charts").glob("*.png")):
                target = BASELINE_DIR / f"{name}_{png.name}"
                thumbnail(png).save(target, optimize=True)
                print(target.relative_to(ROOT))


if __name__ == "__main__":
    main()
