"""Selections of the local PxWebApi 2 server: parsing, expressions, elimination, placement.

`parse_body` (POST) and `split_list` (GET) read a selection; `make_plan` resolves it against a
`Table` as the reference SelectionHandler does (codes and expressions, codelists, elimination,
placement; see `PROTOCOL_NOTES` 1-9); `default_selection` is the selection of a request without
one; `compute` cuts, sums and orders the cube of a `Plan`. Part of
`support.pxweb_server`; not used by the product at run time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from support.pxweb_protocol import (
    empty_problem,
    problem,
    validation_problem,
)
from support.tables import Codelist, Table, Variable

__all__ = [
    "IntArray",
    "Plan",
    "compute",
    "default_selection",
    "make_plan",
    "parse_body",
    "split_list",
]

_EXPR_TOP = re.compile(r"^TOP\(([1-9]\d*)(?:,([0-9]\d*))?\)$", re.IGNORECASE)
_EXPR_BOTTOM = re.compile(r"^BOTTOM\(([1-9]\d*)(?:,([0-9]\d*))?\)$", re.IGNORECASE)
_EXPR_FROM = re.compile(r"^FROM\(([^,]+)\)$", re.IGNORECASE)
_EXPR_TO = re.compile(r"^TO\(([^,]+)\)$", re.IGNORECASE)
_EXPR_RANGE = re.compile(r"^RANGE\(([^,]+),([^,)]+)\)$", re.IGNORECASE)
_FUNCTION_PREFIXES = ("top(", "bottom(", "from(", "to(", "range(")

IntArray = npt.NDArray[np.intp]


@dataclass
class _Effective:
    """A variable as seen by a selection: its own codes or those of an applied codelist."""

    var: Variable
    codelist: Codelist | None
    codes: list[str]
    labels: list[str]
    members: list[IntArray]  # table positions of each effective value
    elimination: bool
    elimination_value_code: str | None

    exact: dict[str, int] = field(init=False, repr=False)
    folded: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.exact = {c: i for i, c in enumerate(self.codes)}
        self.folded = {}
        for i, c in enumerate(self.codes):
            self.folded.setdefault(c.lower(), i)

    def lookup(self, code: str) -> int | None:
        """The index of a code: exact match first, then case-insensitive (reference server)."""
        found = self.exact.get(code)
        return found if found is not None else self.folded.get(code.lower())


def _effective(var: Variable, codelist: Codelist | None) -> _Effective:
    if codelist is None:
        return _Effective(
            var,
            None,
            list(var.codes),
            list(var.labels or var.codes),
            [np.array([i], dtype=np.intp) for i in range(var.size)],
            var.elimination,
            var.elimination_value_code,
        )
    codes: list[str] = []
    labels: list[str] = []
    members: list[IntArray] = []
    for value in codelist.values:
        pos = [var.index[c] for c in value.value_map if c in var.index]
        if not pos:
            continue
        codes.append(value.code)
        labels.append(value.label)
        members.append(np.array(pos, dtype=np.intp))
    elim_code = codelist.elimination_value_code
    return _Effective(
        var,
        codelist,
        codes,
        labels,
        members,
        codelist.elimination,
        elim_code if elim_code in codes else None,
    )


def _expand_expression(eff: _Effective, expression: str) -> list[int]:
    """Indices (effective order) selected by an expression; raises the reference problems."""
    n = len(eff.codes)
    lowered = expression.lower()
    is_time = eff.var.role == "time"
    if lowered.startswith(_FUNCTION_PREFIXES):
        for pattern, kind in (
            (_EXPR_TOP, "top"),
            (_EXPR_BOTTOM, "bottom"),
            (_EXPR_FROM, "from"),
            (_EXPR_TO, "to"),
            (_EXPR_RANGE, "range"),
        ):
            if not lowered.startswith(kind + "("):
                continue
            m = pattern.match(expression)
            if m is None:
                raise problem("Illegal selection expression")
            if kind in ("top", "bottom"):
                count, offset = int(m.group(1)), int(m.group(2) or 0)
                first = (kind == "top") != is_time  # TOP on time = latest periods
                if first:
                    return list(range(n))[offset : offset + count]
                end = n - offset
                return list(range(max(0, end - count), max(0, end)))
            codes = [m.group(i) for i in range(1, (pattern.groups or 0) + 1)]
            found = [eff.lookup(c) for c in codes]
            if any(i is None for i in found):
                raise problem("Non-existent value")
            idx = [i for i in found if i is not None]
            if kind == "from":
                return list(range(idx[0], n))
            if kind == "to":
                return list(range(idx[0] + 1))
            lo, hi = sorted(idx)
            return list(range(lo, hi + 1))
    if "*" in expression:
        stars = expression.count("*")
        if expression != "*" and (
            stars > 2
            or (stars == 1 and not (expression.startswith("*") or expression.endswith("*")))
            or (stars == 2 and not (expression.startswith("*") and expression.endswith("*")))
        ):
            raise problem("Illegal selection expression")
        if expression == "*":
            return list(range(n))
        if stars == 2 or expression == "**":
            part = lowered[1:-1]
            return [i for i, c in enumerate(eff.codes) if part in c.lower()]
        if expression.startswith("*"):
            part = lowered[1:]
            return [i for i, c in enumerate(eff.codes) if c.lower().endswith(part)]
        part = lowered[:-1]
        return [i for i, c in enumerate(eff.codes) if c.lower().startswith(part)]
    if "?" in expression:
        pattern_q = re.compile("^" + re.escape(expression).replace("\\?", ".") + "$", re.IGNORECASE)
        return [i for i, c in enumerate(eff.codes) if pattern_q.match(c)]
    raise problem("Non-existent value")


@dataclass
class _Resolved:
    eff: _Effective
    selected: list[int]  # effective indices, in effective order
    eliminated: bool


@dataclass
class Plan:
    table: Table
    dims: list[_Resolved]  # table order
    order: list[str]  # output variable order (stub + heading)
    stub: list[str]
    heading: list[str]

    @property
    def cells(self) -> int:
        total = 1
        for d in self.dims:
            if not d.eliminated:
                total *= len(d.selected)
        return total


def split_list(text: str) -> list[str]:
    """Split "a,b,range(1,3)" on commas outside parentheses."""
    parts: list[str] = []
    depth = 0
    current = ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p for p in parts if p != ""]


def default_selection(table: Table) -> tuple[list[dict[str, Any]], dict[str, list[str]] | None]:
    """An approximation of the reference server's Bjarte3 default selection."""

    def first_valueset(var: Variable) -> Codelist | None:
        return next((c for c in var.codelists if c.type == "Valueset"), None)

    def entry(var: Variable, how: str, count: int | None = None) -> dict[str, Any]:
        cl = first_valueset(var) if how != "none" else None
        eff = _effective(var, cl)
        codes = eff.codes
        if how == "first":
            chosen = codes[: count or 1]
        elif how == "last":
            chosen = codes[-(count or 1) :]
        elif how == "all":
            chosen = codes
        else:
            chosen = []
        return {
            "variableCode": var.code,
            "codelist": cl.id if cl else None,
            "valueCodes": list(chosen),
        }

    contents = table.contents_variable
    time_var = table.time_variable
    sel: list[dict[str, Any]] = []
    if contents is None or time_var is None:
        for var in table.variables:
            sel.append(entry(var, "none" if var.elimination else "first"))
        return sel, None
    others = [v for v in table.variables if v.role not in ("time", "metric")]
    heading: list[str] = []
    stub: list[str] = []
    if not others:
        sel += [entry(contents, "all"), entry(time_var, "last", 13)]
        if contents.size < 6:
            heading, stub = [contents.code], [time_var.code]
        else:
            heading, stub = [time_var.code], [contents.code]
    elif len(others) == 1:
        other = others[0]
        if contents.size == 1:
            sel += [entry(contents, "all"), entry(time_var, "last", 13), entry(other, "all")]
            heading, stub = [contents.code, time_var.code], [other.code]
        else:
            sel += [entry(time_var, "last"), entry(contents, "all"), entry(other, "all")]
            big, small = (contents, other) if contents.size > other.size else (other, contents)
            heading, stub = [time_var.code, small.code], [big.code]
    else:
        mandatory = [v for v in others if not v.elimination]
        optional = [v for v in others if v.elimination]
        sel += [entry(contents, "first"), entry(time_var, "last")]
        heading = [contents.code, time_var.code]
        if len(mandatory) > 1:
            ends = [mandatory[0], mandatory[-1]]
            middle = mandatory[1:-1]
            eliminated = optional
        elif len(mandatory) == 1:
            ends = [mandatory[0], optional[-1]]
            middle = []
            eliminated = optional[:-1]
        else:
            ends = [others[0], others[-1]]
            middle = []
            eliminated = [v for v in optional if v not in ends]
        for v in middle:
            sel.append(entry(v, "first"))
            heading.append(v.code)
        big, small = (ends[0], ends[1]) if ends[0].size > ends[1].size else (ends[1], ends[0])
        sel += [entry(big, "all"), entry(small, "all")]
        stub.append(big.code)
        heading.append(small.code)
        for v in eliminated:
            sel.append(entry(v, "none"))
    order = {v.code: i for i, v in enumerate(table.variables)}
    sel.sort(key=lambda e: order[e["variableCode"]])
    return sel, {"heading": heading, "stub": stub}


def _get_ci(obj: Mapping[str, Any], key: str) -> Any:
    if key in obj:
        return obj[key]
    lowered = key.lower()
    for k, v in obj.items():
        if isinstance(k, str) and k.lower() == lowered:
            return v
    return None


def parse_body(body: bytes) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """(selection entries, placement) of a POST body; no/empty body = no selection."""
    if not body.strip():
        return [], None
    try:
        doc = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise validation_problem("$", f"The JSON value could not be converted: {exc}") from None
    if not isinstance(doc, dict):
        raise validation_problem("$", "The request body must be a JSON object.")
    raw_selection = _get_ci(doc, "selection")
    if raw_selection is None:
        raw_selection = []
    if not isinstance(raw_selection, list):
        raise validation_problem("$.selection", "selection must be an array.")
    entries: list[dict[str, Any]] = []
    for i, item in enumerate(raw_selection):
        if not isinstance(item, dict):
            raise validation_problem(f"$.selection[{i}]", "must be an object.")
        code = _get_ci(item, "variableCode")
        values = _get_ci(item, "valueCodes")
        codelist = _get_ci(item, "codelist")
        if not isinstance(code, str):
            raise validation_problem(f"$.selection[{i}].variableCode", "is required.")
        if values is None:
            values = []
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise validation_problem(f"$.selection[{i}].valueCodes", "must be strings.")
        if codelist is not None and not isinstance(codelist, str):
            raise validation_problem(f"$.selection[{i}].codelist", "must be a string.")
        entries.append({"variableCode": code, "valueCodes": values, "codelist": codelist})
    placement = _get_ci(doc, "placement")
    if placement is not None and not isinstance(placement, dict):
        raise validation_problem("$.placement", "must be an object.")
    return entries, placement


def make_plan(
    table: Table, entries: list[dict[str, Any]], placement: Mapping[str, Any] | None
) -> Plan:
    """Resolve a selection as the reference SelectionHandler does (see PROTOCOL_NOTES)."""
    if not entries:
        entries, placement = default_selection(table)
    by_code: dict[str, dict[str, Any]] = {}
    time_var = table.time_variable
    for item in entries:
        code = item["variableCode"]
        if code.lower() == "time" and time_var is not None:
            code = time_var.code
        var = next((v for v in table.variables if v.code == code), None)
        if var is None:
            var = next((v for v in table.variables if v.code.lower() == code.lower()), None)
        if var is None:
            raise problem("Non-existent variable")
        if var.code in by_code:
            raise empty_problem(500)
        cl_id = item.get("codelist")
        codelist: Codelist | None = None
        if cl_id:
            if not (cl_id.startswith("agg_") or cl_id.startswith("vs_")):
                raise problem("Non-existent codelist")
            codelist = var.codelist(cl_id)
            if codelist is None:
                raise problem("Non-existent codelist")
        by_code[var.code] = {"var": var, "codelist": codelist, "values": item["valueCodes"]}
    dims: list[_Resolved] = []
    for var in table.variables:
        chosen = by_code.get(var.code)
        eff = _effective(var, chosen["codelist"] if chosen else None)
        if chosen is None and not eff.elimination:
            raise problem("Missing selection for mandantory variable")
        dims.append(_Resolved(eff, [], chosen is None))
    for dim in dims:
        chosen = by_code.get(dim.eff.var.code)
        if chosen is None:
            continue
        explicit: list[int] = []
        added: set[int] = set()
        for value in chosen["values"]:
            i = dim.eff.lookup(value)
            if i is not None:
                explicit.append(i)
            else:
                added.update(_expand_expression(dim.eff, value))
        if len(set(explicit)) != len(explicit):
            raise empty_problem(500)
        selected = sorted(set(explicit) | added)
        if not selected:
            if not dim.eff.elimination:
                raise problem("Missing selection for mandantory variable")
            dim.eliminated = True
        dim.selected = selected
    stub, heading = _placement(table, dims, placement)
    return Plan(table, dims, stub + heading, stub, heading)


def _placement(
    table: Table, dims: list[_Resolved], placement: Mapping[str, Any] | None
) -> tuple[list[str], list[str]]:
    kept = [d.eff.var.code for d in dims if not d.eliminated]
    default = (
        [c for c in table.stub or () if c in kept],
        [c for c in table.heading or () if c in kept],
    )
    if placement is None:
        return default
    heading_raw = _get_ci(placement, "heading")
    stub_raw = _get_ci(placement, "stub")
    if heading_raw is None or stub_raw is None:
        return default
    if not isinstance(heading_raw, list) or not isinstance(stub_raw, list):
        raise problem("Illegal placment")
    if not heading_raw and not stub_raw:
        return default
    time_var = table.time_variable

    def canon(code: Any) -> str:
        if not isinstance(code, str):
            raise problem("Illegal placment")
        if code.lower() == "time" and time_var is not None:
            code = time_var.code
        match = next((k for k in kept if k.lower() == code.lower()), None)
        if match is None:
            raise problem("Illegal placment")
        return match

    heading = [canon(c) for c in heading_raw]
    stub = [canon(c) for c in stub_raw]
    if len(heading) + len(stub) == len(kept):
        if set(heading) & set(stub) or len(set(heading + stub)) != len(kept):
            raise problem("Illegal placment")
        return stub, heading
    if bool(heading) != bool(stub):
        unused = [k for k in kept if k not in set(heading + stub)]
        return (unused, heading) if heading else (stub, unused)
    raise problem("Illegal placment")


def compute(plan: Plan) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.uint8]]:
    """The selected cube (output order) and its status codes."""
    table = plan.table
    pos_arrays: list[IntArray] = []
    groups: list[tuple[int, list[IntArray]]] = []
    for axis, dim in enumerate(plan.dims):
        eff = dim.eff
        if dim.eliminated:
            elim = eff.elimination_value_code
            if elim is not None:
                picked = [eff.members[eff.codes.index(elim)]]
            else:  # one group: the sum over every value
                picked = [np.unique(np.concatenate(eff.members))]
        else:
            picked = [eff.members[i] for i in dim.selected]
        if all(len(m) == 1 for m in picked):
            pos_arrays.append(np.concatenate(picked).astype(np.intp))
            continue
        union = np.unique(np.concatenate(picked))
        local = {int(p): i for i, p in enumerate(union)}
        pos_arrays.append(union.astype(np.intp))
        groups.append((axis, [np.array([local[int(p)] for p in m], dtype=np.intp) for m in picked]))
    grid = np.ix_(*pos_arrays)
    values = table.values[grid]
    status = table.status_array[grid]
    for axis, members in groups:
        values = np.stack([values.take(m, axis=axis).sum(axis=axis) for m in members], axis=axis)
        status = np.stack([status.take(m, axis=axis).max(axis=axis) for m in members], axis=axis)
    codes = [d.eff.var.code for d in plan.dims]
    keep = [i for i, d in enumerate(plan.dims) if not d.eliminated]
    drop = tuple(i for i, d in enumerate(plan.dims) if d.eliminated)
    if drop:
        values = values.reshape([values.shape[i] for i in keep])
        status = status.reshape([status.shape[i] for i in keep])
    kept_codes = [codes[i] for i in keep]
    perm = [kept_codes.index(c) for c in plan.order]
    if perm != list(range(len(perm))):
        values = np.transpose(values, perm)
        status = np.transpose(status, perm)
    return values, status
