"""Swedish regions: riket, the 21 län, the 290 kommuner and configurable region groups.

Codes are always strings with leading zeros ("00", "01", "0114"). `RegionRegistry.get` accepts a
code or a name, case- and accent-insensitively, in this order:

1. a code: "20", "2080", "00", a group id ("SE12");
2. a full name: kommun "Falun", län "Dalarnas län", "Riket"/"Sweden"/"Sverige";
3. "X kommun"/"X stad"/"X län"/"Region X" forms: "Falu kommun", "Göteborgs stad", "Dalarna län",
   "Region Skåne" (the regional authority of Skåne län);
4. a county short name: "Dalarna", "Skåne";
5. a group name ("Östra Mellansverige", "East Middle Sweden").

A name shared by a kommun and a county short name means the kommun ("Uppsala" → 0380, "Uppsala
län" → 03), except when the län has that kommun as its only member, i.e. they are the same area:
that is only Gotland, so "Gotland" → län 09 (whose one kommun is 0980). Within a step the exact
accented spelling wins over an accent-insensitive match (Håbo 0305 vs Habo 0643).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal, TypeGuard

from kompetens_forecast.classify.text import NameIndex, closest, normalize, sibling_codes
from kompetens_forecast.errors import DataError, InvalidOptionError, UnknownRegionError
from kompetens_forecast.resources import (
    configs_dir,
    embedded_data_dir,
    read_csv_rows,
    read_toml,
)

Level = Literal["riket", "lan", "kommun", "group"]

RIKET = "00"
_RIKET_NAMES = ("Riket", "Sweden", "Sverige")
_VALID = "00 (riket), 01–25 (län), 4-digit kommun codes, or a name; see `forecast regions`"
_N_LAN, _N_KOMMUN = 21, 290
_MEMBER_LEVELS = frozenset({"lan", "kommun"})


@dataclass(frozen=True)
class Region:
    code: str  # "00", "20", "2080", or a group id such as "SE12"
    name: str  # Swedish name: "Riket", "Dalarnas län", "Falun", "Östra Mellansverige"
    level: Level
    lan_code: str | None  # county of a kommun; a län's own code; None for riket and groups
    members: tuple[str, ...] = ()  # groups: member län or kommun codes; län: its kommun codes
    name_en: str | None = None  # English name where one exists (groups)

    def label(self, lang: str = "sv") -> str:
        """Display name: "Riket"/"Sweden" for 00, a group's English name, otherwise `name`."""
        if lang not in ("sv", "en"):
            raise InvalidOptionError(f"Unknown language '{lang}'.", "Valid: sv, en.")
        if lang == "en":
            if self.code == RIKET:
                return "Sweden"
            if self.name_en:
                return self.name_en
        return self.name

    def display(self) -> str:
        """Code and name, e.g. "20 Dalarnas län"."""
        return f"{self.code} {self.name}"


class RegionRegistry:
    """Lookup of regions by code or name. Build with `load()` or use `default_registry()`."""

    def __init__(self, regions: Iterable[Region], county_short_names: Mapping[str, str]) -> None:
        order: dict[Level, int] = {"riket": 0, "lan": 1, "kommun": 2, "group": 3}
        self._regions = sorted(regions, key=lambda r: (order[r.level], r.code))
        self._by_code = {r.code: r for r in self._regions}
        self._code_keys = {normalize(r.code): r.code for r in self._regions}
        self._names, self._kommun_names = NameIndex(), NameIndex()
        self._short_names, self._group_names = NameIndex(), NameIndex()
        aliases: dict[str, list[str]] = {r.code: [r.code, r.name] for r in self._regions}
        for region in self._regions:
            if region.level == "riket":
                for alias in _RIKET_NAMES:
                    self._names.add(alias, region.code)
                    aliases[region.code].append(alias)
            elif region.level == "lan":
                short = county_short_names[region.code]
                self._names.add(region.name, region.code)
                self._short_names.add(short, region.code)
                aliases[region.code].append(short)
            elif region.level == "kommun":
                lan = self._by_code[region.lan_code or ""]
                same_area = lan.members == (region.code,) and normalize(region.name) == normalize(
                    county_short_names[lan.code]
                )
                self._names.add(region.name, lan.code if same_area else region.code)
                self._kommun_names.add(region.name, region.code)
            else:
                for group_name in (region.name, region.name_en):
                    if group_name:
                        self._group_names.add(group_name, region.code)
                        aliases[region.code].append(group_name)
        self._search_keys = {c: {normalize(a) for a in al} for c, al in aliases.items()}
        self._candidates = {a: self._by_code[c].display() for c, al in aliases.items() for a in al}

    @classmethod
    def load(cls, groups_file: Path | None = None) -> RegionRegistry:
        """Riket, län and kommuner from `data/codes`, groups from `configs/region_groups.toml`."""
        codes_dir = embedded_data_dir() / "codes"
        rows = read_csv_rows(codes_dir / "scb_regions_riket_lan_kommun.csv")
        county_rows = read_csv_rows(codes_dir / "scb_counties.csv")
        try:
            counties = {r["county_code"]: r["county_name_short"] for r in county_rows}
            kommuner = {r["code"]: r for r in rows if r["level"] == "kommun"}
            lan_rows = [r for r in rows if r["level"] == "lan"]
            n_riket = sum(r["level"] == "riket" and r["code"] == RIKET for r in rows)
        except KeyError as exc:
            raise DataError(f"A region code list lacks column {exc}.") from exc
        if len(lan_rows) != _N_LAN or len(kommuner) != _N_KOMMUN or n_riket != 1:
            raise DataError(
                f"Expected riket, {_N_LAN} län and {_N_KOMMUN} kommuner in the region code list, "
                f"found {n_riket}, {len(lan_rows)} and {len(kommuner)}."
            )
        lan_codes = {r["code"] for r in lan_rows}
        if set(counties) != lan_codes:
            raise DataError("scb_counties.csv and the region code list disagree on the län codes.")
        orphans = sorted(c for c, r in kommuner.items() if r["lan_code"] not in lan_codes)
        if orphans:
            raise DataError(f"Kommuner with an unknown län code: {', '.join(orphans)}.")
        regions = [Region(RIKET, "Riket", "riket", None)]
        regions += [
            Region(code, r["label_sv"], "kommun", r["lan_code"]) for code, r in kommuner.items()
        ]
        regions += [
            Region(
                r["code"],
                r["label_sv"],
                "lan",
                r["code"],
                tuple(sorted(c for c, k in kommuner.items() if k["lan_code"] == r["code"])),
            )
            for r in lan_rows
        ]
        path = groups_file or configs_dir() / "region_groups.toml"
        regions += _load_groups(path, {r.code: r for r in regions})
        return cls(regions, counties)

    def get(self, code_or_name: str) -> Region:
        """The region with this code or name; see the module docstring for the rules."""
        value = code_or_name.strip()
        code = self._code_keys.get(normalize(value))
        if code is not None:
            return self._by_code[code]
        stages = (
            self._names.find,
            self._affixed_name,
            self._short_names.find,
            self._group_names.find,
        )
        for stage in stages:
            codes = stage(value)
            if len(codes) == 1:
                return self._by_code[codes[0]]
            if codes:  # an accent-insensitive match on two names (Håbo/Habo): let the user pick
                raise UnknownRegionError(
                    value, [self._by_code[c].display() for c in codes], valid=_VALID
                )
        raise UnknownRegionError(value, self._suggest(value), valid=_VALID)

    def other_meanings(self, code_or_name: str) -> list[Region]:
        """Other regions a name could mean besides the one `get` picks ("Stockholm": `get`
        gives kommun 0180, the county 01 is the other meaning). Empty for codes and for names
        with one meaning; a kommun that is its county's only member (Gotland) is not another
        meaning of the county."""
        value = code_or_name.strip()
        if self._code_keys.get(normalize(value)) is not None:
            return []
        chosen = self.get(value)
        others: list[Region] = []
        for index in (self._names, self._kommun_names, self._short_names, self._group_names):
            for code in index.find(value):
                region = self._by_code[code]
                same_area = region.lan_code == chosen.code and chosen.members == (code,)
                same_area |= chosen.lan_code == code and region.members == (chosen.code,)
                if code != chosen.code and not same_area and region not in others:
                    others.append(region)
        return others

    def _affixed_name(self, value: str) -> list[str]:
        """Codes for "X kommun", "X stad", "X län" and "Region X" (a län's regional authority).

        X may be the name, its genitive ("Göteborgs kommun", "Dalarnas län") or, for kommuner,
        the name less its last letter ("Falu kommun" → Falun).
        """
        words = normalize(value, keep_accents=True).split(" ")
        if len(words) < 2:
            return []
        first, last = normalize(words[0]), normalize(words[-1])
        if last in ("kommun", "stad"):
            stem, index = " ".join(words[:-1]), self._kommun_names
        elif last == "lan":
            stem, index = " ".join(words[:-1]), self._short_names
        elif first == "region":
            stem, index = " ".join(words[1:]), self._short_names
        else:
            return []
        for candidate in (stem, stem[:-1] if stem.endswith("s") else ""):
            codes = index.find(candidate) if candidate else []
            if codes:
                return codes
        if index is self._kommun_names:
            loose = normalize(stem)
            return [
                r.code
                for r in self.municipalities()
                if len(normalize(r.name)) == len(loose) + 1 and normalize(r.name).startswith(loose)
            ]
        return []

    def _suggest(self, value: str) -> list[str]:
        if value.isdigit():
            return [self._by_code[c].display() for c in sibling_codes(value, self._by_code)]
        return closest(value, self._candidates)

    def search(self, text: str) -> list[Region]:
        """Regions whose code or any name contains `text` (accent-insensitive); "" → all."""
        query = normalize(text)
        if not query:
            return self.all()
        return [r for r in self._regions if any(query in k for k in self._search_keys[r.code])]

    def all(self) -> list[Region]:
        """Riket, the 21 län, the 290 kommuner, then the groups; codes sorted within each."""
        return list(self._regions)

    def counties(self) -> list[Region]:
        return [r for r in self._regions if r.level == "lan"]

    def municipalities(self, lan_code: str | None = None) -> list[Region]:
        """All kommuner, or those of one län (given by code or name)."""
        if lan_code is None:
            return [r for r in self._regions if r.level == "kommun"]
        lan = self.get(lan_code)
        if lan.level != "lan":
            suggestions = [r.display() for r in self.counties() if r.code == lan.lan_code]
            raise UnknownRegionError(lan_code, suggestions, valid="a län code 01–25 or name")
        return [self._by_code[c] for c in lan.members]

    def groups(self) -> list[Region]:
        return [r for r in self._regions if r.level == "group"]


def _load_groups(path: Path, regions: Mapping[str, Region]) -> list[Region]:
    """Parse and validate the region groups file."""
    doc = read_toml(path, "region groups file")
    table = doc.get("groups", {})
    if not isinstance(table, dict):
        raise DataError(f"{path}: 'groups' must be a table of [groups.<id>] entries.")
    known_keys = {normalize(c) for c in regions}
    known_names: set[str] = set()
    groups = []
    for group_id, spec in table.items():
        where = f"{path}: group '{group_id}'"
        if not isinstance(spec, dict):
            raise DataError(f"{where} must be a table.")
        name, name_en, members = spec.get("name"), spec.get("name_en"), spec.get("members")
        if not isinstance(name, str) or not name.strip():
            raise DataError(f"{where} needs a non-empty string 'name'.")
        if name_en is not None and not isinstance(name_en, str):
            raise DataError(f"{where}: 'name_en' must be a string.")
        if not _is_str_list(members) or not members:
            raise DataError(f"{where} needs 'members', a non-empty list of code strings.")
        if normalize(group_id) in known_keys:
            raise DataError(f"{where}: the id clashes with an existing region code.")
        known_keys.add(normalize(group_id))
        for label in {normalize(name), normalize(name_en or name)}:
            if label in known_names:
                raise DataError(f"{where}: the name '{label}' is used by another group.")
            known_names.add(label)
        unknown = [m for m in members if m not in regions or regions[m].level not in _MEMBER_LEVELS]
        if unknown:
            raise DataError(f"{where}: unknown län/kommun codes {', '.join(unknown)}.")
        levels = {regions[m].level for m in members}
        if len(levels) > 1 or len(set(members)) != len(members):
            raise DataError(f"{where}: members must be distinct and all län or all kommuner.")
        groups.append(
            Region(group_id, name.strip(), "group", None, tuple(sorted(members)), name_en)
        )
    return groups


def _is_str_list(value: object) -> TypeGuard[list[str]]:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


@cache
def default_registry() -> RegionRegistry:
    """The shipped registry (loaded once per process)."""
    return RegionRegistry.load()
