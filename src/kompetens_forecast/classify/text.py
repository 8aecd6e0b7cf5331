"""Text normalisation and fuzzy matching for code and name lookups."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from difflib import SequenceMatcher

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—]+")
_MARGIN = 0.15  # how far below the best match a suggestion may score


def normalize(text: str, *, keep_accents: bool = False) -> str:
    """Casefold, strip accents (unless `keep_accents`) and collapse whitespace and hyphens.

    >>> normalize("  Malung-Sälen ")
    'malung salen'
    """
    folded = text.casefold()
    if not keep_accents:
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    else:
        folded = unicodedata.normalize("NFC", folded)
    return _SEPARATORS.sub(" ", folded).strip()


def _score(query: str, key: str) -> float:
    """Similarity of `query` to the whole key or to its best-matching word."""
    best = SequenceMatcher(None, query, key).ratio()
    if " " in key and " " not in query:
        for word in key.split(" "):
            best = max(best, SequenceMatcher(None, query, word).ratio())
    return best


def closest(
    query: str, candidates: Mapping[str, str], n: int = 3, cutoff: float = 0.6
) -> list[str]:
    """Display strings of the candidates whose keys best match `query`.

    `candidates` maps a lookup key (code, name, alias) to the string shown to the user; several
    keys may share one display string. Keys are compared after `normalize`. If nothing reaches
    `cutoff`, candidates whose key starts with or contains the query (3+ characters) are used.
    Matches much weaker than the best one are dropped ("Dalarana" → Dalarna, not Haparanda).
    """
    q = normalize(query)
    if not q:
        return []
    scores: dict[str, float] = {}
    for key, display in candidates.items():
        score = _score(q, normalize(key))
        if score >= cutoff and score > scores.get(display, 0.0):
            scores[display] = score
    if not scores and len(q) >= 3:
        for key, display in candidates.items():
            k = normalize(key)
            if q in k:
                scores[display] = max(scores.get(display, 0.0), 2.0 if k.startswith(q) else 1.0)
    best = max(scores.values(), default=0.0)
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return [display for display, score in ranked[:n] if score >= best - _MARGIN]


def sibling_codes(query: str, codes: Iterable[str], n: int = 3) -> list[str]:
    """Codes of the same length as a numeric `query` that share all but its last digit.

    Suggestions for a mistyped code ("2081" → 2080, 2082, …). A code with no siblings ("99")
    gets none, so the caller's list of valid codes is shown instead.
    """
    q = query.strip()
    if not q.isdigit():
        return []
    return sorted(c for c in codes if len(c) == len(q) and c[:-1] == q[:-1] and c != q)[:n]


class NameIndex:
    """Names → codes. Looks up the exact (accented) form first, then ignores accents.

    Accents matter for a few pairs (Håbo 0305 / Habo 0643), so "Habo" must not find Håbo.
    `find` returns every code registered under the name; the caller decides on ties.
    """

    def __init__(self) -> None:
        self._exact: dict[str, list[str]] = {}
        self._loose: dict[str, list[str]] = {}

    def add(self, name: str, code: str) -> None:
        for table, key in (
            (self._exact, normalize(name, keep_accents=True)),
            (self._loose, normalize(name)),
        ):
            codes = table.setdefault(key, [])
            if code not in codes:
                codes.append(code)

    def find(self, name: str) -> list[str]:
        exact = self._exact.get(normalize(name, keep_accents=True))
        return list(exact or self._loose.get(normalize(name), []))
