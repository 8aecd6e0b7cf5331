"""Parse PxWeb table metadata and decode PxWeb data responses into the tidy frame.

Pure functions over already-parsed JSON (no HTTP). Three response shapes are decoded into the
same tidy frame (see `tidy.py`):

* v2 ``json-stat2`` (``decode_jsonstat2``) — the main path;
* v1 ``json-stat`` 1.x with its ``dataset`` wrapper (``decode_jsonstat1``);
* v1 ``json`` with ``columns`` and ``data`` rows (``decode_v1_json``).

Metadata comes from the v2 ``/tables/{id}/metadata`` json-stat2 document
(``parse_metadata_v2``) or from the v1 table GET (``parse_metadata_v1``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal, ParamSpec, Protocol, TypeVar, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from kompetens_forecast.errors import DataError, UsageError
from kompetens_forecast.sources.tidy import empty_tidy, label_column, tidy_columns

Role = Literal["time", "geo", "metric"]
ROLES: Final[tuple[Role, ...]] = ("time", "geo", "metric")

#: Name SCB gives the contents ("tabellinnehåll") dimension; v1 ``json`` output has no
#: dimension for it (one column per content instead), so we need the name to rebuild it.
CONTENTS_CODE: Final = "ContentsCode"

Json = Mapping[str, Any]
ObjectArray = npt.NDArray[np.object_]
_P = ParamSpec("_P")
_R = TypeVar("_R")

#: What odd input makes the helpers below raise; the public parsers turn it into DataError.
_MALFORMED = (KeyError, TypeError, ValueError, IndexError, AttributeError, OverflowError)


def typed_errors(what: str) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Decorate a public parser: any error from odd input becomes one DataError line."""

    def decorate(function: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(function)
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            try:
                return function(*args, **kwargs)
            except (DataError, UsageError):
                raise
            except _MALFORMED as exc:
                detail = str(exc).splitlines()[0][:160] if str(exc) else ""
                raise DataError(
                    f"Malformed {what}: {type(exc).__name__} {detail}".strip(),
                    "The server's answer is not the json-stat we expect; it was not cached.",
                ) from exc

        return wrapper

    return decorate


@dataclass(frozen=True)
class CodelistRef:
    """A codelist (``vs_…`` value set or ``agg_…`` aggregation) offered for a dimension."""

    id: str
    label: str
    type: str


@dataclass(frozen=True)
class Dimension:
    """One variable of a table: its codes in the table's order and what they mean."""

    code: str
    label: str
    values: tuple[str, ...]
    value_labels: Mapping[str, str] = field(default_factory=dict, hash=False)
    elimination: bool = False
    codelists: tuple[CodelistRef, ...] = ()
    role: Role | None = None
    #: The code the server uses when the variable is left out (e.g. a total), if it says.
    elimination_value: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        """Number of codes."""
        return len(self.values)

    @property
    def is_time(self) -> bool:
        """Whether this is the table's time dimension."""
        return self.role == "time"

    def label_of(self, code: str) -> str:
        """The label of `code` (the code itself when it has none)."""
        return self.value_labels.get(code, code)


class _HasCodes(Protocol):
    @property
    def codes(self) -> Sequence[str]: ...


#: What `TableMetadata.cells` accepts per variable: a list of codes or a selection entry.
CellSpec = Sequence[str] | _HasCodes


@dataclass(frozen=True)
class TableMetadata:
    """What a table holds: its dimensions in order, labels, update time and notes."""

    table_id: str
    label: str
    dimensions: tuple[Dimension, ...]
    updated: str | None = None
    source: str | None = None
    notes: tuple[str, ...] = ()
    #: SCB's flag; it is unreliable (DESIGN §3), so treat it as a hint only.
    discontinued: bool | None = None
    language: str | None = None

    @property
    def dimension_codes(self) -> tuple[str, ...]:
        """The dimension codes in the table's order."""
        return tuple(d.code for d in self.dimensions)

    @property
    def time_dimension(self) -> Dimension | None:
        """The time dimension; None when the table has none."""
        return next((d for d in self.dimensions if d.is_time), None)

    def dimension(self, code: str) -> Dimension:
        """The dimension with this code (case-insensitive, as the server matches it)."""
        for dim in self.dimensions:
            if dim.code == code:
                return dim
        folded = [d for d in self.dimensions if d.code.casefold() == code.casefold()]
        if len(folded) == 1:
            return folded[0]
        raise UsageError(
            f"Table {self.table_id} has no variable '{code}'.",
            f"Variables: {', '.join(self.dimension_codes)}.",
        )

    def cells(self, selection: Mapping[str, CellSpec] | None = None) -> int:
        """Number of cells a selection asks for; the whole table when `selection` is None.

        A variable left out of the selection counts once if it can be eliminated (the server
        then sums it or uses its elimination value) and is an error if it is mandatory.
        """
        if selection is None:
            return math.prod(d.size for d in self.dimensions)
        chosen = {self.dimension(name).code: _count_codes(spec) for name, spec in selection.items()}
        total = 1
        for dim in self.dimensions:
            if dim.code in chosen:
                total *= chosen[dim.code]
            elif not dim.elimination:
                raise UsageError(
                    f"Variable '{dim.code}' of table {self.table_id} is mandatory.",
                    "Select at least one of its values.",
                )
        return total


def _count_codes(spec: CellSpec) -> int:
    if isinstance(spec, str):
        return 1  # a bare code, not a sequence of one-character codes
    if isinstance(spec, Sequence):
        return len(spec)
    return len(spec.codes)


# --- metadata -----------------------------------------------------------------------------


@typed_errors("table metadata (json-stat2)")
def parse_metadata_v2(doc: Json, *, table_id: str | None = None) -> TableMetadata:
    """Parse a v2 ``/tables/{id}/metadata`` json-stat2 document.

    The table id is taken from ``extension.px.tableid`` (json-stat2's ``id`` is the list of
    dimension ids, not the table's), falling back to ``extension.px.matrix``.
    """
    extension = _mapping(doc.get("extension"))
    px = _mapping(extension.get("px"))
    name = table_id or str(px.get("tableid") or px.get("matrix") or "")
    where = name or str(doc.get("label", "unknown table"))
    ids, sizes = _ids_and_sizes(doc, where)
    roles = _roles(doc.get("role"))
    dimensions = _mapping(doc.get("dimension"))
    parsed = []
    for code, size in zip(ids, sizes, strict=True):
        dim = _dimension_v2(code, _dimension_doc(dimensions, code, where), roles.get(code))
        if size is not None and dim.size != size:
            raise DataError(
                f"Table {where}: dimension '{code}' lists {dim.size} values but its size is {size}."
            )
        parsed.append(dim)
    discontinued = extension.get("discontinued")
    return TableMetadata(
        table_id=name,
        label=str(doc.get("label", "")),
        dimensions=tuple(parsed),
        updated=_optional_str(doc.get("updated")),
        source=_optional_str(doc.get("source")),
        notes=_notes(doc.get("note")),
        discontinued=discontinued if isinstance(discontinued, bool) else None,
        language=_optional_str(px.get("language")),
    )


def _dimension_v2(code: str, dim: Json, role: Role | None) -> Dimension:
    values, labels = _categories(dim)
    extension = _mapping(dim.get("extension"))
    codelists = tuple(
        CodelistRef(
            id=str(c.get("id", "")), label=str(c.get("label", "")), type=str(c.get("type", ""))
        )
        for c in extension.get("codelists") or ()
        if isinstance(c, Mapping)
    )
    return Dimension(
        code=code,
        label=str(dim.get("label", code)),
        values=values,
        value_labels=labels,
        # Absent means we must not assume the server may drop it: treat as mandatory.
        elimination=bool(extension.get("elimination", False)),
        codelists=codelists,
        role=role,
        elimination_value=_optional_str(extension.get("eliminationValueCode")),
        notes=_notes(dim.get("note")),
    )


@typed_errors("table metadata (v1)")
def parse_metadata_v1(
    doc: Json, *, table_id: str = "", updated: str | None = None
) -> TableMetadata:
    """Parse a v1 table GET: ``{"title": ..., "variables": [{"code", "text", "values", ...}]}``.

    v1 metadata carries neither the table id nor the update time; pass them if known (the
    level listing has ``updated``). A variable flagged ``time`` gets role "time"; the contents
    variable (``ContentsCode``) gets role "metric".
    """
    variables = doc.get("variables")
    if not isinstance(variables, list):
        raise DataError(f"Table {table_id or doc.get('title')}: v1 metadata has no 'variables'.")
    dimensions = tuple(_dimension_v1(_mapping(v), table_id) for v in variables)
    return TableMetadata(
        table_id=table_id,
        label=str(doc.get("title", "")),
        dimensions=dimensions,
        updated=updated,
    )


def _dimension_v1(variable: Json, table: str) -> Dimension:
    code = str(variable.get("code", ""))
    values = tuple(str(v) for v in variable.get("values") or ())
    texts = [str(t) for t in variable.get("valueTexts") or values]
    if len(texts) != len(values):
        raise DataError(
            f"Table {table}: variable '{code}' has {len(values)} values but {len(texts)} texts."
        )
    role: Role | None = None
    if variable.get("time"):
        role = "time"
    elif code == CONTENTS_CODE:
        role = "metric"
    return Dimension(
        code=code,
        label=str(variable.get("text", code)),
        values=values,
        value_labels=dict(zip(values, texts, strict=True)),
        elimination=bool(variable.get("elimination", False)),
        role=role,
    )


# --- data ---------------------------------------------------------------------------------


@typed_errors("json-stat2 data")
def decode_jsonstat2(doc: Json) -> pd.DataFrame:
    """Decode a v2 json-stat2 data response into the tidy frame (row-major, last id fastest)."""
    where = _table_name(doc)
    if doc.get("class", "dataset") != "dataset":
        raise DataError(f"Table {where}: expected a json-stat2 dataset, got '{doc.get('class')}'.")
    ids, _ = _ids_and_sizes(doc, where)
    return _decode_cube(doc, ids, _mapping(doc.get("dimension")), where)


@typed_errors("json-stat data")
def decode_jsonstat1(doc: Json) -> pd.DataFrame:
    """Decode a v1 ``json-stat`` (1.x) response: ``{"dataset": {...}}`` into the tidy frame.

    In 1.x the dimension ids and sizes sit inside ``dimension`` (``dimension.id``,
    ``dimension.size``); values and status are as in json-stat2.
    """
    dataset = _jsonstat1_dataset(doc)
    where = _table_name(dataset)
    dimensions = _mapping(dataset.get("dimension"))
    ids, _ = _ids_and_sizes(dimensions if "id" in dimensions else dataset, where)
    return _decode_cube(dataset, ids, dimensions, where)


def _jsonstat1_dataset(doc: Json) -> Json:
    if isinstance(doc.get("dataset"), Mapping):
        return cast(Json, doc["dataset"])
    # A 1.x bundle may name its single dataset anything; the content is what matters.
    found = [v for v in doc.values() if isinstance(v, Mapping) and "dimension" in v]
    if len(found) != 1:
        raise DataError("Expected a json-stat 1.x response with exactly one dataset.")
    return cast(Json, found[0])


def _decode_cube(doc: Json, ids: Sequence[str], dimensions: Json, where: str) -> pd.DataFrame:
    """Shared json-stat decoding: categories per dimension, values and status per cell."""
    categories = [_categories(_dimension_doc(dimensions, code, where)) for code in ids]
    sizes = [len(values) for values, _ in categories]
    declared = _declared_sizes(doc, dimensions)
    if declared is not None and list(declared) != sizes:
        raise DataError(
            f"Table {where}: dimension sizes {list(declared)} do not match the categories "
            f"listed ({sizes})."
        )
    n_cells = math.prod(sizes)
    values = _values(doc.get("value"), n_cells, sizes, where)
    if n_cells == 0:
        return empty_tidy(ids)
    symbols = _status(doc.get("status"), n_cells, where)
    columns: dict[str, Any] = {}
    for i, (code, (codes, labels)) in enumerate(zip(ids, categories, strict=True)):
        positions = _positions(sizes, i)
        columns[code] = _take(codes, positions)
        columns[label_column(code)] = _take(tuple(labels[c] for c in codes), positions)
    columns["value"] = values
    columns["symbol"] = symbols
    return pd.DataFrame(columns, columns=tidy_columns(ids))


def _positions(sizes: Sequence[int], axis: int) -> npt.NDArray[np.intp]:
    """Category position of every cell along one axis, in row-major order."""
    inner = math.prod(sizes[axis + 1 :])
    outer = math.prod(sizes[:axis])
    return np.tile(np.repeat(np.arange(sizes[axis], dtype=np.intp), inner), outer)


def _take(items: Sequence[str], positions: npt.NDArray[np.intp]) -> ObjectArray:
    array = np.empty(len(items), dtype=object)
    array[:] = items
    return cast(ObjectArray, array[positions])


def _values(raw: Any, n_cells: int, sizes: Sequence[int], where: str) -> npt.NDArray[np.float64]:
    if isinstance(raw, Mapping):
        # Sparse form: {"cell index": value}; cells not listed are missing.
        out = np.full(n_cells, np.nan)
        for key, value in raw.items():
            index = _cell_index(key, n_cells, where)
            out[index] = _to_float([value], where)[0]
        return out
    if not isinstance(raw, list):
        raise DataError(f"Table {where}: the response has no 'value' list.")
    if len(raw) != n_cells:
        raise DataError(
            f"Table {where}: the response has {len(raw)} values but its dimension sizes "
            f"{list(sizes)} make {n_cells} cells.",
            "The response is truncated or malformed; fetch it again.",
        )
    return _to_float(raw, where)


def _to_float(raw: Sequence[Any], where: str) -> npt.NDArray[np.float64]:
    try:
        # numpy maps None (json null) to NaN when the target dtype is float.
        values = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise DataError(f"Table {where}: a value is not a number or null ({exc}).") from exc
    if np.isinf(values).any():  # 1e999 parses as infinity: not a statistic
        raise DataError(f"Table {where}: a value is out of range (infinite).")
    return values


def _status(raw: Any, n_cells: int, where: str) -> ObjectArray:
    """Markers per cell from json-stat ``status``: dict {index: marker}, list, or one string."""
    out = np.full(n_cells, None, dtype=object)
    if raw is None:
        return out
    if isinstance(raw, str):
        out[:] = raw
    elif isinstance(raw, Mapping):
        for key, marker in raw.items():
            out[_cell_index(key, n_cells, where)] = _marker(marker)
    elif isinstance(raw, list):
        if len(raw) != n_cells:
            raise DataError(f"Table {where}: 'status' has {len(raw)} entries for {n_cells} cells.")
        out[:] = [_marker(m) for m in raw]
    else:
        raise DataError(f"Table {where}: 'status' must be an object, a list or a string.")
    return out


def _marker(marker: Any) -> str | None:
    return None if marker is None or marker == "" else str(marker)


def _cell_index(key: Any, n_cells: int, where: str) -> int:
    try:
        index = int(key)
    except (TypeError, ValueError) as exc:
        raise DataError(f"Table {where}: cell index '{key}' is not an integer.") from exc
    if not 0 <= index < n_cells:
        raise DataError(f"Table {where}: cell index {index} is outside 0..{n_cells - 1}.")
    return index


@typed_errors("v1 json data")
def decode_v1_json(doc: Json, metadata: TableMetadata | None = None) -> pd.DataFrame:
    """Decode a v1 ``json`` response (``columns`` + ``data`` rows) into the tidy frame.

    Each contents column (type "c") becomes a value of a ``ContentsCode`` dimension, as in
    the json-stat output. The format carries no value labels: with `metadata` the labels,
    the dimension order and a row-major row order come from it (so the frame equals the
    json-stat decoding of the same query); without it labels are None (contents labels come
    from the column texts), dimensions keep the column order with ``ContentsCode`` last and
    rows keep the response order.
    """
    where = metadata.table_id if metadata and metadata.table_id else _v1_json_name(doc)
    columns = [_mapping(c) for c in doc.get("columns") or ()]
    dims = [str(c.get("code")) for c in columns if c.get("type") in ("d", "t")]
    contents = [str(c.get("code")) for c in columns if c.get("type") == "c"]
    content_texts = {str(c.get("code")): str(c.get("text", c.get("code"))) for c in columns}
    if not contents:
        raise DataError(f"Table {where}: the v1 json response has no contents column.")
    keys, raw = _v1_rows(doc.get("data"), len(dims), len(contents), where)
    n_rows = keys.shape[0]
    contents_dim = _contents_dimension(metadata, contents)
    cells: dict[str, ObjectArray] = {
        d: np.repeat(keys[:, j], len(contents)) for j, d in enumerate(dims)
    }
    cells[contents_dim] = _take(contents, np.tile(np.arange(len(contents)), n_rows))
    values, symbols = _parse_v1_values(raw.reshape(-1))
    order = [*dims, contents_dim]
    if metadata is not None:
        order = [d for d in metadata.dimension_codes if d in cells]
        if len(order) != len(cells):
            missing = sorted(set(cells) - set(order))
            raise DataError(f"Table {where}: the metadata has no dimension {missing}.")
    frame = pd.DataFrame({**cells, "value": values, "symbol": symbols})
    for dim in order:
        frame[label_column(dim)] = _v1_labels(
            frame[dim], dim, metadata, contents_dim, content_texts
        )
    if metadata is not None:
        frame = _sort_row_major(frame, [metadata.dimension(d) for d in order])
    return frame[tidy_columns(order)]


def _v1_rows(raw: Any, n_dims: int, n_contents: int, where: str) -> tuple[ObjectArray, ObjectArray]:
    rows = [_mapping(r) for r in raw or ()]
    keys = np.empty((len(rows), n_dims), dtype=object)
    values = np.empty((len(rows), n_contents), dtype=object)
    for i, row in enumerate(rows):
        key, vals = row.get("key") or [], row.get("values") or []
        if len(key) != n_dims or len(vals) != n_contents:
            raise DataError(
                f"Table {where}: data row {i} has {len(key)} keys and {len(vals)} values; "
                f"expected {n_dims} and {n_contents}."
            )
        keys[i, :] = [str(k) for k in key]
        values[i, :] = vals
    return keys, values


def _parse_v1_values(raw: ObjectArray) -> tuple[npt.NDArray[np.float64], ObjectArray]:
    """v1 json values are strings; anything not numeric (e.g. "..") is a marker."""
    series = pd.Series(raw, dtype=object)
    text = series.where(series.isna(), series.astype(str).str.strip())
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64)
    symbols = np.full(len(raw), None, dtype=object)
    is_marker = np.isnan(values) & text.notna().to_numpy() & (text != "").to_numpy()
    symbols[is_marker] = text.to_numpy(dtype=object)[is_marker]
    return values, symbols


def _contents_dimension(metadata: TableMetadata | None, contents: Sequence[str]) -> str:
    if metadata is not None:
        for dim in metadata.dimensions:
            if set(contents) <= set(dim.values) and (
                dim.role == "metric" or dim.code == CONTENTS_CODE
            ):
                return dim.code
    return CONTENTS_CODE


def _v1_labels(
    codes: pd.Series,
    dim: str,
    metadata: TableMetadata | None,
    contents_dim: str,
    content_texts: Mapping[str, str],
) -> pd.Series:
    if metadata is not None:
        return codes.map(dict(metadata.dimension(dim).value_labels)).astype(object)
    if dim == contents_dim:
        return codes.map(dict(content_texts)).astype(object)
    return pd.Series(None, index=codes.index, dtype=object)


def _sort_row_major(frame: pd.DataFrame, dims: Sequence[Dimension]) -> pd.DataFrame:
    keys = []
    for dim in reversed(dims):  # np.lexsort sorts by the last key first
        position = {code: i for i, code in enumerate(dim.values)}
        keys.append(frame[dim.code].map(position).fillna(len(position)).to_numpy())
    order = np.lexsort(keys) if keys else np.arange(len(frame))
    return frame.iloc[order].reset_index(drop=True)


# --- helpers ------------------------------------------------------------------------------


def _categories(dim: Json) -> tuple[tuple[str, ...], dict[str, str]]:
    """Codes in index order and their labels (a missing label falls back to the code)."""
    category = _mapping(dim.get("category"))
    index = category.get("index")
    labels = _mapping(category.get("label"))
    codes: list[str]
    if index is None:
        codes = [str(c) for c in labels]  # json-stat allows no index for one category
    elif isinstance(index, list):
        codes = [str(c) for c in index]
    elif isinstance(index, Mapping):
        codes = [str(c) for c, _ in sorted(index.items(), key=lambda item: int(item[1]))]
    else:
        raise DataError("A json-stat category index must be an object or a list.")
    if len(set(codes)) != len(codes):
        duplicated = sorted({c for c in codes if codes.count(c) > 1})[:3]
        raise DataError(f"A json-stat category lists codes twice: {', '.join(duplicated)}.")
    return tuple(codes), {c: str(labels.get(c, c)) for c in codes}


def _ids_and_sizes(doc: Json, where: str) -> tuple[list[str], list[int | None]]:
    ids = doc.get("id")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise DataError(f"Table {where}: the response lists no dimension ids.")
    sizes = doc.get("size")
    if sizes is None:
        return list(ids), [None] * len(ids)
    if not isinstance(sizes, list) or len(sizes) != len(ids):
        raise DataError(f"Table {where}: 'size' does not give one size per dimension id.")
    return list(ids), [int(s) for s in sizes]


def _declared_sizes(doc: Json, dimensions: Json) -> list[int] | None:
    sizes = doc.get("size", dimensions.get("size"))
    return [int(s) for s in sizes] if isinstance(sizes, list) else None


def _dimension_doc(dimensions: Json, code: str, where: str) -> Json:
    dim = dimensions.get(code)
    if not isinstance(dim, Mapping):
        raise DataError(f"Table {where}: dimension '{code}' is listed in 'id' but not described.")
    return dim


def _roles(raw: Any) -> dict[str, Role]:
    roles: dict[str, Role] = {}
    for role in ROLES:
        for code in _mapping(raw).get(role) or ():
            roles.setdefault(str(code), role)
    return roles


def _notes(raw: Any) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        return (raw,)
    if isinstance(raw, Mapping):  # json-stat allows {"index": note}
        return tuple(str(n) for n in raw.values())
    return tuple(str(n) for n in raw)


def _table_name(doc: Json) -> str:
    px = _mapping(_mapping(doc.get("extension")).get("px"))
    return str(px.get("tableid") or px.get("matrix") or doc.get("label") or "unknown table")


def _v1_json_name(doc: Json) -> str:
    meta = doc.get("metadata")
    if isinstance(meta, list) and meta and isinstance(meta[0], Mapping):
        return str(meta[0].get("label") or meta[0].get("infofile") or "unknown table")
    return "unknown table"


def _mapping(raw: Any) -> Json:
    return cast(Json, raw) if isinstance(raw, Mapping) else {}


def _optional_str(raw: Any) -> str | None:
    return None if raw is None else str(raw)
