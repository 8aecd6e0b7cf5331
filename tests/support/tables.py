"""Tables served by the local PxWebApi 2 server (`pxweb_server.PxWebServer`).

A `Table` is a dense cube: one `Variable` per dimension (codes, labels, elimination rule,
codelists), a float64 value array of the cube's shape (NaN = no value) and a parallel uint8
status array indexing `Table.markers` (0 = no marker). A cell either has a value or a marker,
never both: markers such as ".." only remove values, as the json-stat2 `status` of SCB does.

Builders:

- `tab6471_from_recording()` — SCB TAB6471 (population per month) from the recorded v2
  metadata and data responses in `tests/fixtures/scb/v2/` (stefur/pxwebpy, MIT). Only the
  2,772 recorded cells (21 län x 11 ten-year ages x 3 sexes x 2026M01-M04) carry values; every
  other cell of the 312 x 134 x 3 x 1 x 16 cube is served with status "..".
- `yreg_table_from_parquet()` — a yrkesregistret-shaped table (Region x Yrke2012 x Kon x
  ContentsCode x Tid) with the real SCB values of the shared parquet extract; riket "00" is
  the sum of the 21 län. The table texts (label, notes, paths) are illustrative, the values are
  not: nothing is invented, markers only remove values.
- `Table.from_frame()` — small tables for tests from a long pandas frame.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = [
    "LAN_NAMES",
    "Codelist",
    "CodelistValue",
    "Marking",
    "Table",
    "Variable",
    "default_fixtures_dir",
    "recorded_codelists",
    "tab6471_from_recording",
    "yreg_table_from_parquet",
]

FloatArray = npt.NDArray[np.float64]
StatusArray = npt.NDArray[np.uint8]
Role = Literal["time", "metric", "geo"]
CodelistType = Literal["Valueset", "Aggregation"]

#: The marker of a cell without a value (SCB: "uppgift saknas").
MISSING = ".."

#: The 21 län with the Swedish names of SCB's v2 metadata (TAB6471, recorded).
LAN_NAMES: dict[str, str] = {
    "01": "Stockholms län",
    "03": "Uppsala län",
    "04": "Södermanlands län",
    "05": "Östergötlands län",
    "06": "Jönköpings län",
    "07": "Kronobergs län",
    "08": "Kalmar län",
    "09": "Gotlands län",
    "10": "Blekinge län",
    "12": "Skåne län",
    "13": "Hallands län",
    "14": "Västra Götalands län",
    "17": "Värmlands län",
    "18": "Örebro län",
    "19": "Västmanlands län",
    "20": "Dalarnas län",
    "21": "Gävleborgs län",
    "22": "Västernorrlands län",
    "23": "Jämtlands län",
    "24": "Västerbottens län",
    "25": "Norrbottens län",
}

#: Selection of cells for `Table.mark`: variable code -> one code or several; absent = all.
CellSelection = Mapping[str, str | Sequence[str]]
#: A marking for the builders: a cell selection (marker "..") or (cell selection, marker).
Marking = CellSelection | tuple[CellSelection, str]


@dataclass(frozen=True)
class CodelistValue:
    """One value of a codelist: its code, label and the table codes it maps to."""

    code: str
    label: str
    value_map: tuple[str, ...]


@dataclass(frozen=True)
class Codelist:
    """A value set (`vs_…`, 1:1 subset of the variable's codes) or an aggregation (`agg_…`)."""

    id: str
    label: str
    type: CodelistType
    values: tuple[CodelistValue, ...]
    elimination: bool = False
    elimination_value_code: str | None = None
    languages: tuple[str, ...] = ("sv", "en")

    @classmethod
    def valueset(
        cls,
        codelist_id: str,
        label: str,
        codes: Sequence[str],
        labels: Sequence[str] | None = None,
        *,
        elimination: bool = False,
        elimination_value_code: str | None = None,
    ) -> Codelist:
        """A value set selecting `codes` of the variable (each value maps to itself)."""
        labels = list(codes) if labels is None else list(labels)
        if len(labels) != len(codes):
            raise ValueError(f"codelist {codelist_id}: {len(codes)} codes but {len(labels)} labels")
        values = tuple(CodelistValue(c, lab, (c,)) for c, lab in zip(codes, labels, strict=True))
        return cls(codelist_id, label, "Valueset", values, elimination, elimination_value_code)

    @classmethod
    def aggregation(
        cls,
        codelist_id: str,
        label: str,
        groups: Mapping[str, Sequence[str]],
        labels: Mapping[str, str] | None = None,
        *,
        elimination: bool = False,
    ) -> Codelist:
        """An aggregation: each group code is the sum of the table codes it maps to."""
        labels = labels or {}
        values = tuple(
            CodelistValue(code, labels.get(code, code), tuple(members))
            for code, members in groups.items()
        )
        return cls(codelist_id, label, "Aggregation", values, elimination)

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Codelist:
        """Parse a `GET /codelists/{id}` response (draft-era `value` labels accepted)."""
        values = tuple(
            CodelistValue(
                str(v["code"]),
                str(v.get("label", v.get("value", v["code"]))),
                tuple(str(m) for m in v.get("valueMap", [v["code"]])),
            )
            for v in doc["values"]
        )
        kind: CodelistType = "Aggregation" if doc.get("type") == "Aggregation" else "Valueset"
        languages = tuple(str(lang) for lang in doc.get("languages", ("sv", "en")))
        return cls(
            id=str(doc["id"]),
            label=str(doc.get("label", doc["id"])),
            type=kind,
            values=values,
            elimination=bool(doc.get("elimination", False)),
            elimination_value_code=doc.get("eliminationValueCode"),
            languages=languages,
        )


@dataclass(frozen=True)
class Variable:
    """One dimension of a table.

    `elimination` says whether the variable may be left out of a selection; it is then
    reduced to `elimination_value_code` if set, else summed over all its values.
    `extension` holds extra json-stat2 dimension-extension keys (e.g. for ContentsCode
    `refperiod`, `measuringType`, `priceType`, `adjustment`, `alternativeText`), and `units`
    the json-stat2 `category.unit` per code.
    """

    code: str
    label: str
    codes: Sequence[str] = ()
    labels: Sequence[str] | None = None
    role: Role | None = None
    elimination: bool = False
    elimination_value_code: str | None = None
    show: str = "value"
    codelists: Sequence[Codelist] = ()
    notes: Sequence[str] = ()
    note_mandatory: Mapping[str, bool] = field(default_factory=dict)
    value_notes: Mapping[str, Sequence[str]] = field(default_factory=dict)
    units: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    extension: Mapping[str, Any] = field(default_factory=dict)
    index: Mapping[str, int] = field(init=False, repr=False, compare=False)
    index_ci: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        codes = tuple(str(c) for c in self.codes)
        labels = codes if self.labels is None else tuple(str(x) for x in self.labels)
        if len(labels) != len(codes):
            raise ValueError(f"variable {self.code}: {len(codes)} codes but {len(labels)} labels")
        index = {c: i for i, c in enumerate(codes)}
        if len(index) != len(codes):
            raise ValueError(f"variable {self.code}: repeated codes")
        elim = self.elimination_value_code
        if elim is not None and codes and elim not in index:
            raise ValueError(
                f"variable {self.code}: elimination value {self.elimination_value_code!r} "
                "is not one of its codes"
            )
        index_ci: dict[str, int] = {}
        for i, c in enumerate(codes):
            index_ci.setdefault(c.lower(), i)
        object.__setattr__(self, "codes", codes)
        object.__setattr__(self, "labels", labels)
        object.__setattr__(self, "codelists", tuple(self.codelists))
        object.__setattr__(self, "notes", tuple(self.notes))
        object.__setattr__(self, "index", index)
        object.__setattr__(self, "index_ci", index_ci)

    @property
    def size(self) -> int:
        return len(self.codes)

    def label_of(self, code: str) -> str:
        assert self.labels is not None  # set in __post_init__
        return self.labels[self.index[code]]

    def codelist(self, codelist_id: str) -> Codelist | None:
        """The codelist with this id (exact, then case-insensitive), or None."""
        for cl in self.codelists:
            if cl.id == codelist_id:
                return cl
        for cl in self.codelists:
            if cl.id.lower() == codelist_id.lower():
                return cl
        return None

    def with_codes(self, codes: Sequence[str], labels: Sequence[str] | None = None) -> Variable:
        return replace(self, codes=tuple(codes), labels=labels)


def _infer_time_unit(codes: Sequence[str]) -> str:
    if not codes:
        return "Other"
    if all(re.fullmatch(r"\d{4}", c) for c in codes):
        return "Annual"
    if all(re.fullmatch(r"\d{4}M\d{2}", c) for c in codes):
        return "Monthly"
    if all(re.fullmatch(r"\d{4}[KQ]\d", c) for c in codes):
        return "Quarterly"
    if all(re.fullmatch(r"\d{4}V\d{2}", c) for c in codes):
        return "Weekly"
    return "Other"


@dataclass(eq=False, kw_only=True)
class Table:
    """A served table: metadata plus a dense value cube and its status markers.

    `values` has the shape of the variables' sizes in `variables` order; NaN means no value.
    `status` indexes `markers` (`markers[0]` must be ""); cells with a marker have no value,
    and a NaN without a marker gets "..". `stub` + `heading` (the px placement) must list every
    variable once; by default they follow the variable order, so data responses keep it.
    """

    id: str
    label: str
    updated: str
    variables: Sequence[Variable]
    values: FloatArray
    status: StatusArray | None = None
    markers: Sequence[str] = ("",)
    source: str = "SCB"
    notes: Sequence[str] = ()
    note_mandatory: Mapping[str, bool] = field(default_factory=dict)
    contents: str = ""
    decimals: int = 0
    description: str = ""
    sort_code: str | None = None
    category: str = "public"
    subject_code: str = ""
    subject_area: str = ""
    time_unit: str | None = None
    paths: Sequence[Sequence[Mapping[str, str]]] = ()
    discontinued: bool | None = None
    infofile: str = ""
    official_statistics: bool = True
    aggregallowed: bool = False
    copyright: bool = False
    language: str = "sv"
    descriptiondefault: bool = False
    matrix: str | None = None
    stub: Sequence[str] | None = None
    heading: Sequence[str] | None = None
    contact: Sequence[Mapping[str, str]] = ()

    def __post_init__(self) -> None:
        self.variables = tuple(self.variables)
        codes = [v.code for v in self.variables]
        if len(set(codes)) != len(codes):
            raise ValueError(f"table {self.id}: repeated variable codes {codes}")
        shape = tuple(v.size for v in self.variables)
        values = np.asarray(self.values, dtype=np.float64)
        if values.shape != shape:
            raise ValueError(f"table {self.id}: values have shape {values.shape}, not {shape}")
        self.values = values.copy()
        markers = list(self.markers) if self.markers else [""]
        if markers[0] != "":
            raise ValueError("markers[0] must be '' (no marker)")
        if self.status is None:
            status = np.zeros(shape, dtype=np.uint8)
        else:
            status = np.asarray(self.status, dtype=np.uint8).copy()
            if status.shape != shape:
                raise ValueError(f"table {self.id}: status has shape {status.shape}")
            if status.size and int(status.max()) >= len(markers):
                raise ValueError(f"table {self.id}: status codes beyond markers {markers}")
        self.markers = markers
        self.status = status
        unmarked_nan = np.isnan(self.values) & (status == 0)
        if unmarked_nan.any():
            status[unmarked_nan] = self._marker_code(MISSING)
        self.values[self.status_array != 0] = np.nan
        if self.stub is None and self.heading is None:
            trailing: list[str] = []
            for v in reversed(self.variables):
                if v.role in ("time", "metric"):
                    trailing.insert(0, v.code)
                else:
                    break
            if len(trailing) == len(codes):
                trailing = trailing[-1:]
            self.heading = trailing
            self.stub = codes[: len(codes) - len(trailing)]
        elif self.stub is None:
            self.stub = [c for c in codes if c not in set(self.heading or ())]
        elif self.heading is None:
            self.heading = [c for c in codes if c not in set(self.stub)]
        self.stub = list(self.stub)
        self.heading = list(self.heading or ())
        if sorted(self.stub + self.heading) != sorted(codes):
            raise ValueError(f"table {self.id}: stub + heading must list every variable once")
        if self.time_unit is None:
            time = self.time_variable
            self.time_unit = _infer_time_unit(time.codes) if time else "Other"

    # -- accessors ---------------------------------------------------------------------
    @property
    def status_array(self) -> StatusArray:
        assert self.status is not None  # set in __post_init__
        return self.status

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(v.size for v in self.variables)

    @property
    def cell_count(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    def variable(self, code: str) -> Variable:
        for v in self.variables:
            if v.code == code:
                return v
        raise KeyError(f"table {self.id} has no variable {code!r}")

    @property
    def time_variable(self) -> Variable | None:
        return next((v for v in self.variables if v.role == "time"), None)

    @property
    def contents_variable(self) -> Variable | None:
        return next((v for v in self.variables if v.role == "metric"), None)

    @property
    def first_period(self) -> str | None:
        time = self.time_variable
        return time.codes[0] if time and time.codes else None

    @property
    def last_period(self) -> str | None:
        time = self.time_variable
        return time.codes[-1] if time and time.codes else None

    def value(self, **codes: str) -> float | None:
        """The value of one cell (None if it has a marker), e.g. `value(Region="01", ...)`."""
        pos = tuple(v.index[codes[v.code]] for v in self.variables)
        x = float(self.values[pos])
        return None if np.isnan(x) else x

    def marker(self, **codes: str) -> str | None:
        pos = tuple(v.index[codes[v.code]] for v in self.variables)
        code = int(self.status_array[pos])
        return self.markers[code] if code else None

    # -- markers -----------------------------------------------------------------------
    def _marker_code(self, marker: str) -> int:
        if not marker:
            raise ValueError("a marker must be a non-empty string such as '..'")
        markers = list(self.markers)
        if marker not in markers:
            if len(markers) >= 255:
                raise ValueError("too many distinct markers")
            markers.append(marker)
            self.markers = markers
        return markers.index(marker)

    def mark(self, where: CellSelection, marker: str = MISSING) -> Table:
        """Remove the values of the selected cells and give them `marker` (in place)."""
        index: list[npt.NDArray[np.intp]] = []
        unknown = set(where) - {v.code for v in self.variables}
        if unknown:
            raise KeyError(f"table {self.id} has no variable(s) {sorted(unknown)}")
        for v in self.variables:
            chosen = where.get(v.code)
            if chosen is None:
                index.append(np.arange(v.size, dtype=np.intp))
                continue
            wanted = [chosen] if isinstance(chosen, str) else list(chosen)
            missing = [c for c in wanted if c not in v.index]
            if missing:
                raise KeyError(f"variable {v.code} has no code(s) {missing}")
            index.append(np.array([v.index[c] for c in wanted], dtype=np.intp))
        code = self._marker_code(marker)
        grid = np.ix_(*index)
        self.status_array[grid] = code
        self.values[grid] = np.nan
        return self

    def apply_markings(self, markings: Iterable[Marking]) -> Table:
        for item in markings:
            if isinstance(item, tuple):
                self.mark(item[0], item[1])
            else:
                self.mark(item)
        return self

    # -- builders ----------------------------------------------------------------------
    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        table_id: str,
        label: str,
        variables: Sequence[Variable],
        value_column: str = "value",
        status_column: str | None = None,
        updated: str = "2025-01-01T00:00:00Z",
        **table_fields: Any,
    ) -> Table:
        """Build a table from a long frame: one column per variable code plus values.

        A variable with no `codes` takes the sorted distinct values of its column; a variable
        without a column must have exactly one code (e.g. ContentsCode). Combinations absent
        from the frame, NaN values and rows with a non-empty `status_column` are served with a
        marker ("..", or the status text). Repeated combinations are an error.
        """
        resolved: list[Variable] = []
        positions: list[npt.NDArray[np.intp]] = []
        for var in variables:
            if var.code in frame.columns:
                column = frame[var.code].astype(str)
                if not var.codes:
                    var = var.with_codes(sorted(column.unique()))
                cat = pd.Categorical(column, categories=list(var.codes))
                idx = np.asarray(cat.codes, dtype=np.intp)
                if (idx < 0).any():
                    bad = sorted(set(column[idx < 0]))[:5]
                    raise ValueError(f"column {var.code}: codes {bad} are not in the variable")
                positions.append(idx)
            else:
                if len(var.codes) != 1:
                    raise ValueError(
                        f"variable {var.code} has no column in the frame and not exactly one code"
                    )
                positions.append(np.zeros(len(frame), dtype=np.intp))
            resolved.append(var)
        shape = tuple(v.size for v in resolved)
        flat = (
            np.ravel_multi_index(tuple(positions), shape)
            if positions
            else np.zeros(len(frame), dtype=np.intp)
        )
        if len(np.unique(flat)) != len(flat):
            raise ValueError(f"table {table_id}: the frame repeats a cell")
        values = np.full(int(np.prod(shape, dtype=np.int64)), np.nan)
        values[flat] = pd.to_numeric(frame[value_column], errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan
        )
        status = np.zeros(values.shape, dtype=np.uint8)
        markers = [""]
        if status_column is not None:
            texts = frame[status_column]
            for marker in sorted({str(s) for s in texts.dropna() if str(s)}):
                markers.append(marker)
                hit = (texts.astype(str) == marker).to_numpy() & texts.notna().to_numpy()
                status[flat[hit]] = len(markers) - 1
        return cls(
            id=table_id,
            label=label,
            updated=updated,
            variables=resolved,
            values=values.reshape(shape),
            status=status.reshape(shape),
            markers=markers,
            **table_fields,
        )


# -- recorded TAB6471 ----------------------------------------------------------------------


def default_fixtures_dir() -> Path:
    """`tests/fixtures/scb/v2`, beside this module."""
    return Path(__file__).resolve().parents[1] / "fixtures" / "scb" / "v2"


def _load(directory: Path | None, name: str) -> Any:
    path = (directory or default_fixtures_dir()) / name
    if not path.exists():
        raise FileNotFoundError(
            f"{path} not found; pass fixtures_dir= pointing at a copy of tests/fixtures/scb/v2"
        )
    return json.loads(path.read_text(encoding="utf-8"))


def recorded_codelists(fixtures_dir: Path | None = None) -> list[Codelist]:
    """Codelists recorded as `GET /codelists/{id}` responses (agg_Ålder10årJ)."""
    return [Codelist.from_json(_load(fixtures_dir, "agg_Alder10arJ.json"))]


def _tab6471_valueset_codes(variable: str, codelist_id: str, codes: Sequence[str]) -> list[str]:
    """The codes of the value sets named in the TAB6471 metadata (their codes are table codes).

    Region: riket "00" / the 2-digit län / the 4-digit kommuner. Alder: "TotSA" / 1-year
    classes ("0".."99", "100+") / 5-year ("-4", "5-9", …, "100+5") / 10-year ("0-9", …,
    "100+10").
    """
    if variable == "Region":
        if codelist_id.endswith("Riket"):
            return [c for c in codes if c == "00"]
        if "Län" in codelist_id:
            return [c for c in codes if len(c) == 2 and c != "00"]
        if "Kommun" in codelist_id:
            return [c for c in codes if len(c) == 4]
    if variable == "Alder":

        def width(code: str) -> int | None:
            if code == "100+":
                return 1
            if code.startswith("100+"):
                return int(code[4:])
            m = re.fullmatch(r"(\d*)-(\d+)", code)
            if m:
                return int(m.group(2)) - int(m.group(1) or 0) + 1
            return 1 if code.isdigit() else None

        if codelist_id.endswith("AlderTot"):
            return [c for c in codes if width(c) is None]
        for size, key in ((1, "1år"), (5, "5år"), (10, "10år")):
            if key in codelist_id:
                return [c for c in codes if width(c) == size]
    raise ValueError(f"no rule for value set {codelist_id} of {variable}")


def tab6471_from_recording(fixtures_dir: Path | None = None) -> Table:
    """TAB6471 from the recorded v2 responses (metadata: all 312 regions, 134 ages, 16 months).

    Only the cells of the recorded data response have values; all others have status "..".
    The value sets named in the metadata are served with the codes implied by their names
    (`_tab6471_valueset_codes`). Region's elimination value "00" (riket) is an assumption:
    the metadata does not show elimination values; Kon's "TotSa" comes from the recorded data.
    """
    meta = _load(fixtures_dir, "TAB6471_metadata.json")
    data = _load(fixtures_dir, "TAB6471_data.json")
    time_codes = set(meta["role"].get("time", []))
    metric_codes = set(meta["role"].get("metric", []))
    variables: list[Variable] = []
    for code in meta["id"]:
        dim = meta["dimension"][code]
        index: dict[str, int] = dim["category"]["index"]
        codes = sorted(index, key=lambda c: index[c])
        labels = [dim["category"]["label"][c] for c in codes]
        ext = dict(dim.get("extension", {}))
        data_ext = data["dimension"].get(code, {}).get("extension", {})
        elim_code = data_ext.get("eliminationValueCode")
        if code == "Region" and elim_code is None and "00" in index:
            elim_code = "00"
        codelists = tuple(
            Codelist.valueset(
                info["id"],
                info["label"],
                (vs := _tab6471_valueset_codes(code, info["id"], codes)),
                [labels[index[c]] for c in vs],
            )
            for info in ext.get("codelists", [])
            if info.get("type") == "Valueset"
        )
        known = {"elimination", "eliminationValueCode", "noteMandatory", "show", "codelists"}
        role: Role | None = "time" if code in time_codes else None
        if code in metric_codes:
            role = "metric"
        variables.append(
            Variable(
                code=code,
                label=dim["label"],
                codes=codes,
                labels=labels,
                role=role,
                elimination=bool(ext.get("elimination", False)),
                elimination_value_code=elim_code if ext.get("elimination") else None,
                show=ext.get("show", "value"),
                codelists=codelists,
                notes=dim.get("note", ()),
                note_mandatory=ext.get("noteMandatory", {}),
                value_notes=dim["category"].get("note", {}),
                units=dim["category"].get("unit", {}),
                extension={k: v for k, v in ext.items() if k not in known},
            )
        )
    shape = tuple(v.size for v in variables)
    values = np.full(shape, np.nan)
    # Place the recorded cells in the full cube.
    data_ids: list[str] = data["id"]
    data_codes = []
    for code in data_ids:
        idx = data["dimension"][code]["category"]["index"]
        data_codes.append(sorted(idx, key=lambda c: idx[c]))
    grids = np.meshgrid(
        *[
            np.array([var.index[c] for c in data_codes[data_ids.index(var.code)]], dtype=np.intp)
            for var in variables
        ],
        indexing="ij",
    )
    recorded = np.array(
        [np.nan if x is None else float(x) for x in data["value"]], dtype=np.float64
    ).reshape(tuple(len(c) for c in data_codes))
    order = [data_ids.index(v.code) for v in variables]
    values[tuple(grids)] = np.transpose(recorded, order)
    px = meta["extension"]["px"]
    return Table(
        id=px.get("tableid", "TAB6471"),
        label=meta["label"],
        updated=meta["updated"],
        variables=variables,
        values=values,
        markers=("", MISSING),
        source=meta.get("source", "SCB"),
        notes=meta.get("note", ()),
        note_mandatory=meta["extension"].get("noteMandatory", {}),
        contents=px.get("contents", ""),
        decimals=int(px.get("decimals", 0)),
        sort_code="01",
        subject_code=px.get("subject-code", ""),
        subject_area=px.get("subject-area", ""),
        paths=[
            [
                {"id": "BE", "label": "Befolkning", "sortCode": "Befolkning"},
                {"id": "BE0101", "label": "Befolkningsstatistik", "sortCode": "BE0101"},
            ]
        ],
        infofile=px.get("infofile", ""),
        official_statistics=bool(px.get("official-statistics", True)),
        aggregallowed=bool(px.get("aggregallowed", False)),
        copyright=bool(px.get("copyright", False)),
        language=px.get("language", "sv"),
        descriptiondefault=bool(px.get("descriptiondefault", False)),
        matrix=px.get("matrix"),
        stub=px.get("stub"),
        heading=px.get("heading"),
        contact=meta["extension"].get("contact", ()),
    )


# -- yrkesregistret from the real parquet ----------------------------------------------------

_SEX_CODES = {"men": "1", "women": "2"}
_SEX_LABELS = {"1": "män", "2": "kvinnor"}


def yreg_table_from_parquet(
    path: str | Path,
    table_id: str = "TAB9999",
    *,
    with_riket: bool = True,
    markers: Iterable[Marking] = (),
    contents_code: str = "000001HF",
    contents_label: str = "Anställda",
    updated: str = "2025-01-01T00:00:00Z",
) -> Table:
    """A yrkesregistret-shaped table with the real values of the SCB parquet extract.

    Variables: `Region` ("00" riket = sum of the län, if `with_riket`, then the 21 län; Swedish
    labels), `Yrke2012` (SSYK 2012 4-digit codes, labels = the parquet's English `occupation`),
    `Kon` ("1" män, "2" kvinnor), `ContentsCode` (one content) and `Tid` (the years).
    Region is eliminable to "00" (to the sum of the län without riket); Yrke2012 and Kon are
    eliminable by summing. `markers` remove values: each item is a cell selection such as
    `{"Region": "09", "Yrke2012": "0110"}` (marker "..") or a (selection, marker) pair.
    Expected columns: code_4, occupation, county_code, sex (men/women), year, value.
    """
    frame = pd.read_parquet(
        path, columns=["code_4", "occupation", "county_code", "sex", "year", "value"]
    )
    frame = frame.assign(
        code_4=frame["code_4"].astype(str),
        county_code=frame["county_code"].astype(str),
        year=frame["year"].astype(str),
        sex=frame["sex"].map(_SEX_CODES),
    )
    if frame["sex"].isna().any():
        raise ValueError("column sex must hold 'men' / 'women'")
    unknown_lan = sorted(set(frame["county_code"]) - set(LAN_NAMES))
    if unknown_lan:
        raise ValueError(f"unknown county codes {unknown_lan}")
    occupations = frame.drop_duplicates("code_4").set_index("code_4")["occupation"].astype(str)
    occ_codes = sorted(occupations.index)
    lan_codes = [c for c in LAN_NAMES if c in set(frame["county_code"])]
    years = sorted(frame["year"].unique())

    region_codes = (["00"] if with_riket else []) + lan_codes
    region_labels = (["Riket"] if with_riket else []) + [LAN_NAMES[c] for c in lan_codes]
    variables = [
        Variable(
            "Region",
            "region",
            region_codes,
            region_labels,
            elimination=True,
            elimination_value_code="00" if with_riket else None,
            show="code_value",
            codelists=(
                (
                    [Codelist.valueset("vs_RegionRiket99", "riket", ["00"], ["Riket"])]
                    if with_riket
                    else []
                )
                + [
                    Codelist.valueset(
                        "vs_RegionLän07", "län", lan_codes, [LAN_NAMES[c] for c in lan_codes]
                    )
                ]
            ),
        ),
        Variable(
            "Yrke2012",
            "yrke (SSYK 2012)",
            occ_codes,
            [occupations[c] for c in occ_codes],
            elimination=True,
            show="code_value",
        ),
        Variable("Kon", "kön", ["1", "2"], [_SEX_LABELS["1"], _SEX_LABELS["2"]], elimination=True),
        Variable(
            "ContentsCode",
            "tabellinnehåll",
            [contents_code],
            [contents_label],
            role="metric",
            units={contents_code: {"base": "antal", "decimals": 0}},
            extension={
                "measuringType": {contents_code: "Stock"},
                "priceType": {contents_code: "NotApplicable"},
                "adjustment": {contents_code: "None"},
            },
        ),
        Variable("Tid", "år", years, years, role="time", show="code"),
    ]
    shape = tuple(v.size for v in variables)
    values = np.full(shape, np.nan)
    offset = 1 if with_riket else 0
    r = np.array([variables[0].index[c] for c in frame["county_code"]], dtype=np.intp)
    o = pd.Categorical(frame["code_4"], categories=occ_codes).codes.astype(np.intp)
    s = pd.Categorical(frame["sex"], categories=["1", "2"]).codes.astype(np.intp)
    t = pd.Categorical(frame["year"], categories=years).codes.astype(np.intp)
    flat = np.ravel_multi_index((r, o, s, np.zeros_like(r), t), shape)
    if len(np.unique(flat)) != len(flat):
        raise ValueError("the parquet repeats a cell")
    values.reshape(-1)[flat] = frame["value"].to_numpy(dtype=np.float64)
    if with_riket:
        counties = values[offset:]
        riket = counties.sum(axis=0)  # NaN (a gap) in any län leaves riket without value
        values[0] = riket
    table = Table(
        id=table_id,
        label=(
            f"Anställda efter region (arbetsställets län), yrke (SSYK 2012), kön och år. "
            f"År {years[0]}-{years[-1]}"
        ),
        updated=updated,
        variables=variables,
        values=values,
        markers=("", MISSING),
        notes=(
            "Testtabell byggd av SCB:s yrkesregister (YREG60, YREG60N, YREG60BAS): "
            "RAMS till och med 2019, BAS från 2020; från 2023 ingår 16-69 år. Källa: SCB.",
        ),
        contents=contents_label,
        subject_code="AM",
        subject_area="Arbetsmarknad",
        infofile="AM0208",
        sort_code=table_id,
        paths=[
            [
                {"id": "AM", "label": "Arbetsmarknad", "sortCode": "Arbetsmarknad"},
                {
                    "id": "AM0208",
                    "label": "Yrkesregistret med yrkesstatistik",
                    "sortCode": "AM0208",
                },
            ]
        ],
    )
    return table.apply_markings(markers)
