"""SSYK 2012, the Swedish standard classification of occupations (levels 1–4).

The master list is SCB's structure (`ssyk2012_structure_en.csv`, 633 codes with English names);
Swedish names come from Arbetsförmedlingen's taxonomy (`ssyk2012_level{1..4}_af_taxonomy.csv`).
Two gaps between them:

* SCB splits most manager groups by management level ("1211"/"1212"), AF has one group ("1210").
  1211 gets AF's 1210 label + ", nivå 1" and 1212 + ", nivå 2" — SCB's own naming pattern
  ("Ekonomi- och finanschefer, nivå 1").
* A few codes (443/4430, 5322, 5324, 7619) have no Swedish name in our sources: `label_sv` is
  then the English name and `label_sv_is_fallback` is True. Swedish names are never invented.

SCB's tables also carry "0002" (occupation unknown): it is included, flagged `is_unknown`, and
left out of `level()` and `search()` unless asked for. It is never a real occupation.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kompetens_forecast.classify.text import NameIndex, closest, normalize, sibling_codes
from kompetens_forecast.errors import DataError, InvalidOptionError, UnknownOccupationError
from kompetens_forecast.resources import embedded_data_dir

UNKNOWN_CODE = "0002"
_VALID = "SSYK 2012 codes of 1–4 digits (e.g. 2, 21, 214, 2141) or an occupation name"


@dataclass(frozen=True)
class Occupation:
    code: str  # "2", "21", "214", "2141"
    level: int  # 1..4 (the number of digits)
    label_sv: str
    label_en: str
    label_sv_is_fallback: bool  # no Swedish label in our sources: label_sv is the English one
    is_unknown: bool = False  # "0002", occupation unknown

    def label(self, lang: str = "sv") -> str:
        if lang not in ("sv", "en"):
            raise InvalidOptionError(f"Unknown language '{lang}'.", "Valid: sv, en.")
        return self.label_en if lang == "en" else self.label_sv

    def display(self) -> str:
        """Code and Swedish name, e.g. "2341 Grundskollärare"."""
        return f"{self.code} {self.label_sv}"


def _read_csv(path: Path, columns: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The given columns of a CSV as strings, whitespace collapsed (leading zeros kept)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            return [tuple(" ".join(row[c].split()) for c in columns) for row in csv.DictReader(f)]
    except OSError as exc:
        raise DataError(f"Cannot read code list {path}: {exc}") from exc
    except KeyError as exc:
        raise DataError(f"Code list {path} lacks column {exc}.") from exc


def _checked_level(n: int) -> int:
    if n not in (1, 2, 3, 4):
        raise InvalidOptionError(f"Invalid SSYK level {n}.", "Valid: 1, 2, 3, 4.")
    return n


class OccupationRegistry:
    """Lookup of SSYK 2012 occupations by code or by Swedish or English name."""

    def __init__(self, occupations: list[Occupation], aliases_sv: dict[str, list[str]]) -> None:
        self._occupations = sorted(occupations, key=lambda o: (o.level, o.code))
        self._by_code = {o.code: o for o in self._occupations}
        self._sv, self._en = NameIndex(), NameIndex()
        self._candidates: dict[str, str] = {}
        for occ in self._occupations:
            names_sv = [] if occ.label_sv_is_fallback else [occ.label_sv]
            names_sv += aliases_sv.get(occ.code, [])
            for name in names_sv:
                self._sv.add(name, occ.code)
            self._en.add(occ.label_en, occ.code)
            for name in (*names_sv, occ.label_en):
                self._candidates[name] = occ.display()
        self._search_keys = {
            o.code: {normalize(n) for n in (o.code, o.label_sv, o.label_en)}
            | {normalize(n) for n in aliases_sv.get(o.code, [])}
            for o in self._occupations
        }

    @classmethod
    def load(cls) -> OccupationRegistry:
        """SSYK 2012 from `data/codes`: SCB's structure plus AF's Swedish labels."""
        codes_dir = embedded_data_dir() / "codes"
        structure = _read_csv(codes_dir / "ssyk2012_structure_en.csv", ("code", "name"))
        sv: dict[str, str] = {}
        aliases: dict[str, list[str]] = {}
        for n in (1, 2, 3, 4):
            path = codes_dir / f"ssyk2012_level{n}_af_taxonomy.csv"
            for code, label in _read_csv(path, (f"ssyk{n}", "label")):
                sv[code] = label
        # AF's short labels (as in SCB's table labels, e.g. "Civilingenjörsyrken, logistik och
        # prod.planering") are accepted as lookup names too.
        level4 = codes_dir / "ssyk2012_level4_af_taxonomy.csv"
        for code, short in _read_csv(level4, ("ssyk4", "label_2021_occupation_group")):
            if short and short != sv.get(code):
                aliases.setdefault(code, []).append(short)
        occupations: list[Occupation] = []
        for code, label_en in structure:
            if not (code.isdigit() and 1 <= len(code) <= 4) or not label_en:
                raise DataError(f"Bad SSYK row in the structure list: {code!r}, {label_en!r}.")
            label_sv = sv.get(code)
            merged = f"{code[:3]}0"  # AF's single code for SCB's level-split manager groups
            if label_sv is None and len(code) == 4 and code[3] in "12" and merged in sv:
                label_sv = f"{sv[merged]}, nivå {code[3]}"
                aliases[code] = [f"{a}, nivå {code[3]}" for a in aliases.get(merged, [])]
            occupations.append(
                Occupation(code, len(code), label_sv or label_en, label_en, label_sv is None)
            )
        occupations.append(
            Occupation(UNKNOWN_CODE, 4, "Yrke okänt", "Occupation unknown", False, True)
        )
        codes = [o.code for o in occupations]
        if len(set(codes)) != len(codes):
            raise DataError("Duplicate codes in the SSYK 2012 structure list.")
        known = set(codes)
        orphans = [c for c in codes[:-1] if len(c) > 1 and c[:-1] not in known]
        if orphans:
            raise DataError(f"SSYK codes without a parent group: {', '.join(orphans)}.")
        return cls(occupations, aliases)

    def get(self, code_or_name: str) -> Occupation:
        """By code, else by Swedish name, else by English name (case/accent-insensitive).

        A name used at several levels (e.g. "Officerare": 01, 011, 0110 are one group) resolves
        to the most detailed level; a name shared by two codes of one level raises with both.
        """
        value = code_or_name.strip()
        if value in self._by_code:
            return self._by_code[value]
        for index in (self._sv, self._en):
            codes = index.find(value)
            if codes:
                deepest = max(len(c) for c in codes)
                best = [c for c in codes if len(c) == deepest]
                if len(best) == 1:
                    return self._by_code[best[0]]
                suggestions = [self._by_code[c].display() for c in best]
                raise UnknownOccupationError(value, suggestions, valid=_VALID)
        raise UnknownOccupationError(value, self._suggest(value), valid=_VALID)

    def _suggest(self, value: str) -> list[str]:
        if value.isdigit():
            return [self._by_code[c].display() for c in sibling_codes(value, self._by_code)]
        return closest(value, self._candidates)

    def search(
        self, text: str, level: int | None = None, *, include_unknown: bool = False
    ) -> list[Occupation]:
        """Occupations whose code or a name contains `text` (accent-insensitive); "" → all.

        When nothing contains `text`, its words' Swedish stems are looked for instead, so a
        singular finds the plural labels ("sjuksköterska" → "…sjuksköterskor", 2221…2239).
        Sorted by level, then code.
        """
        if level is not None:
            _checked_level(level)
        candidates = [
            o
            for o in self._occupations
            if (level is None or o.level == level) and (include_unknown or not o.is_unknown)
        ]
        query = normalize(text)
        if not query:
            return candidates
        found = [o for o in candidates if any(query in k for k in self._search_keys[o.code])]
        stems = _stems(text)
        if found or not stems:
            return found
        return [
            o
            for o in candidates
            if any(all(stem in k for stem in stems) for k in self._search_keys[o.code])
        ]

    def level(self, n: int, *, include_unknown: bool = False) -> list[Occupation]:
        """All occupations of level `n` (1–4), sorted by code; "0002" only if asked for."""
        _checked_level(n)
        return [
            o for o in self._occupations if o.level == n and (include_unknown or not o.is_unknown)
        ]

    def parent(self, code: str, level: int) -> str:
        """The level-`level` group containing `code` ("2141", 3 → "214")."""
        occ = self._by_code.get(code.strip())
        if occ is None:
            raise UnknownOccupationError(code, self._suggest(code.strip()), valid=_VALID)
        if occ.is_unknown:
            raise InvalidOptionError(f"SSYK {occ.code} (occupation unknown) has no parent group.")
        if not 1 <= level <= occ.level:
            raise InvalidOptionError(
                f"Invalid parent level {level} for SSYK {occ.code} (level {occ.level}).",
                f"Valid: 1–{occ.level}.",
            )
        parent = occ.code[:level]
        if parent not in self._by_code:  # guarded in load(); only a hand-built registry gets here
            raise DataError(f"SSYK {occ.code} has no level-{level} group {parent}.")
        return parent


_MIN_STEM = 3  # shorter stems match too much to be useful


def _stems(text: str) -> list[str]:
    """Snowball's Swedish stems of the words in `text`, normalised like the search keys.

    Empty when a word's stem would be too short, or for a code."""
    import snowballstemmer  # only when a plain search found nothing

    stemmer = snowballstemmer.stemmer("swedish")
    words = normalize(text, keep_accents=True).split(" ")
    stems = [normalize(stemmer.stemWord(word)) for word in words if not word.isdigit()]
    return stems if stems and all(len(stem) >= _MIN_STEM for stem in stems) else []


@cache
def default_occupations() -> OccupationRegistry:
    """The shipped SSYK 2012 registry (loaded once per process)."""
    return OccupationRegistry.load()
