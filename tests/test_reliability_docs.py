"""docs/reliability.md names tests that exist (a renamed test must not leave a dead row)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")


def test_every_test_named_in_the_reliability_table_exists() -> None:
    named: list[tuple[str, str]] = []
    for row in DOC.splitlines():
        current = ""
        for path, name in re.findall(r"`(tests/[\w/]+\.py)?::(test_\w+)`", row):
            current = path or current
            named.append((current, name))
    assert len(named) >= 30
    missing = [
        f"{path}::{name}"
        for path, name in named
        if not re.search(rf"def {name}\(", (ROOT / path).read_text(encoding="utf-8"))
    ]
    assert not missing, missing


def test_every_numbered_fault_class_has_a_row() -> None:
    numbers = {int(n) for n in re.findall(r"^\| (\d+) \|", DOC, re.M)}
    assert numbers == set(range(1, 11))
