"""Atomic file writes: write to a temporary name in the same directory, then rename.

A reader never sees a half-written file, and a failed write leaves the previous file intact.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def apply_default_mode(path: Path) -> None:
    """Give a temp file/dir (created 0600/0700 by tempfile) the mode a normal create would."""
    path.chmod((0o777 if path.is_dir() else 0o666) & ~_umask())


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success rename it onto `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        apply_default_mode(tmp)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


def write_atomic(target: Path, writer: Callable[[Path], object]) -> Path:
    """Call `writer(tmp_path)` and move the result onto `target`."""
    with atomic_path(target) as tmp:
        writer(tmp)
    return target


def write_text_atomic(target: Path, text: str) -> Path:
    return write_atomic(target, lambda tmp: tmp.write_text(text, encoding="utf-8"))
