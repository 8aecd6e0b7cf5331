"""Selections of PxWeb table cells: expand selection expressions, count cells, split queries.

Pure functions (no HTTP). The client expands every expression itself, against the table's
metadata, and always sends explicit value codes: that way the cell count is known before the
request, a query can be split into chunks under the server's ``maxDataCells``, and nothing
depends on how a given server version interprets an expression.

Expression semantics follow the reference server (PxTools/PxWebApi, ``SelectionExpressions``):

* ``*`` every value; ``abc*`` / ``*abc`` / ``*abc*`` codes starting with / ending with /
  containing ``abc`` (a ``*`` elsewhere is illegal); ``?`` stands for exactly one character
  (``20??`` = four-character codes starting with 20). Matching ignores case.
* ``top(n[,offset])``: for the time variable the *n newest* periods (counted from the end of
  the table's ascending time order, skipping `offset` from the end); for any other variable
  the first n values in the table's order after skipping `offset`. ``bottom`` is the mirror:
  the oldest periods, or the last values.
* ``from(c)`` / ``to(c)``: from c to the last value / from the first value to c, inclusive;
  ``range(a,b)``: a to b inclusive (either order).
* Function names and codes match case-insensitively, an exact code always wins over an
  expression, and the result is in the table's order without duplicates.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from kompetens_forecast.errors import UsageError
from kompetens_forecast.sources.jsonstat import Dimension, TableMetadata

EXPRESSION_HELP: Final = (
    "Use a code or an expression: *, a pattern with ? or a leading/trailing *, top(n), "
    "top(n,offset), bottom(n), bottom(n,offset), from(code), to(code), range(code1,code2)."
)

_FUNCTION = re.compile(r"^\s*([A-Za-z]+)\s*\((.*)\)\s*$", re.DOTALL)
_COUNT_OFFSET = re.compile(r"^\s*(\d+)\s*(?:,\s*(\d+)\s*)?$")
_FUNCTIONS: Final = ("top", "bottom", "from", "to", "range")


# --- selections ---------------------------------------------------------------------------


@dataclass(frozen=True)
class VariableSelection:
    """The explicit codes chosen for one variable, and the codelist they belong to."""

    codes: tuple[str, ...]
    codelist: str | None = None


class Selection(Mapping[str, VariableSelection]):
    """An ordered mapping variable code → `VariableSelection`, every code listed explicitly.

    Codes must be non-empty and unique per variable: the server treats an empty list as
    "eliminate this variable" and answers repeated codes with a bare 500.
    """

    def __init__(
        self,
        variables: Mapping[str, VariableSelection | Sequence[str]]
        | Iterable[tuple[str, VariableSelection | Sequence[str]]] = (),
    ) -> None:
        items = variables.items() if isinstance(variables, Mapping) else variables
        self._variables: dict[str, VariableSelection] = {}
        for name, spec in items:
            if name in self._variables:
                raise UsageError(f"Variable '{name}' is selected twice.")
            self._variables[name] = _checked(name, spec)

    def __getitem__(self, variable: str) -> VariableSelection:
        return self._variables[variable]

    def __iter__(self) -> Iterator[str]:
        return iter(self._variables)

    def __len__(self) -> int:
        return len(self._variables)

    def __repr__(self) -> str:
        parts = ", ".join(
            f"{name}={list(sel.codes)!r}" + (f"@{sel.codelist}" if sel.codelist else "")
            for name, sel in self._variables.items()
        )
        return f"Selection({parts})"

    @property
    def cells(self) -> int:
        """Cells selected: the product of the codes chosen per variable."""
        return count_cells(self)

    def replace(self, variable: str, codes: Sequence[str]) -> Selection:
        """A copy with other codes for one variable (same codelist, same variable order)."""
        current = self._variables[variable]
        return Selection(
            (name, VariableSelection(tuple(codes), current.codelist) if name == variable else sel)
            for name, sel in self._variables.items()
        )

    def to_query(self) -> list[dict[str, object]]:
        """The ``selection`` list of a v2 POST body."""
        query: list[dict[str, object]] = []
        for name, sel in self._variables.items():
            entry: dict[str, object] = {"variableCode": name, "valueCodes": list(sel.codes)}
            if sel.codelist:
                entry["codelist"] = sel.codelist
            query.append(entry)
        return query


def _checked(name: str, spec: VariableSelection | Sequence[str]) -> VariableSelection:
    if isinstance(spec, str):
        raise UsageError(
            f"Codes for variable '{name}' must be a list, not the string '{spec}'.",
            "Expand expressions with expand() first.",
        )
    selection = spec if isinstance(spec, VariableSelection) else VariableSelection(tuple(spec))
    codes = tuple(selection.codes)
    if not codes:
        raise UsageError(f"No codes selected for variable '{name}'.")
    repeated = (
        sorted({c for c in codes if codes.count(c) > 1}) if len(set(codes)) < len(codes) else []
    )
    if repeated:
        raise UsageError(f"Variable '{name}' lists codes more than once: {', '.join(repeated)}.")
    return VariableSelection(codes, selection.codelist)


def count_cells(selection: Mapping[str, VariableSelection]) -> int:
    """Cells the selection asks for: the product of the number of codes per variable."""
    return math.prod(len(sel.codes) for sel in selection.values())


def resolve(
    metadata: TableMetadata,
    request: Mapping[str, Sequence[str] | str],
    codelists: Mapping[str, str] | None = None,
) -> Selection:
    """Expand a request {variable: codes or expressions} against a table's metadata.

    The result follows the table's variable order. `metadata` must describe the table with
    the requested codelists applied (their codes replace the table's own). A variable left
    out is eliminated by the server, which is allowed only where the metadata says so;
    leaving out a mandatory variable is an error.
    """
    codelists = codelists or {}
    wanted = {metadata.dimension(name).code: values for name, values in request.items()}
    for name in codelists:
        if metadata.dimension(name).code not in wanted:
            raise UsageError(f"Codelist given for variable '{name}' but no values selected.")
    chosen: list[tuple[str, VariableSelection]] = []
    for dim in metadata.dimensions:
        if dim.code in wanted:
            codes = tuple(expand(wanted[dim.code], dim))
            codelist = next(
                (c for n, c in codelists.items() if n.casefold() == dim.code.casefold()), None
            )
            chosen.append((dim.code, VariableSelection(codes, codelist)))
        elif not dim.elimination:
            raise UsageError(
                f"Variable '{dim.code}' ({dim.label}) of table {metadata.table_id} is mandatory.",
                f"Select values for it, e.g. '*' or top(1). {EXPRESSION_HELP}",
            )
    return Selection(chosen)


# --- expressions --------------------------------------------------------------------------


def expand(expression_values: Sequence[str] | str, dimension: Dimension) -> list[str]:
    """Concrete codes for a variable's requested codes and expressions, in the table's order."""
    requested = (
        [expression_values] if isinstance(expression_values, str) else list(expression_values)
    )
    if not requested:
        raise UsageError(f"No values requested for variable '{dimension.code}'.", EXPRESSION_HELP)
    lookup = _Lookup(dimension)
    chosen: set[int] = set()
    for value in requested:
        positions = _positions(value, dimension, lookup)
        if not positions:
            raise UsageError(
                f"'{value}' selects no value of variable '{dimension.code}' ({dimension.label}).",
                _valid_hint(dimension),
            )
        chosen.update(positions)
    return [dimension.values[i] for i in sorted(chosen)]


class _Lookup:
    """Code → position, exact first, then ignoring case (as the server does) when unique."""

    def __init__(self, dimension: Dimension) -> None:
        self.exact = {code: i for i, code in enumerate(dimension.values)}
        folded: dict[str, list[int]] = {}
        for i, code in enumerate(dimension.values):
            folded.setdefault(code.casefold(), []).append(i)
        self.folded = {key: pos[0] for key, pos in folded.items() if len(pos) == 1}

    def find(self, code: str) -> int | None:
        if code in self.exact:
            return self.exact[code]
        return self.folded.get(code.casefold())


def _positions(value: str, dim: Dimension, lookup: _Lookup) -> list[int]:
    found = lookup.find(value)
    if found is not None:
        return [found]
    function = _FUNCTION.match(value)
    if function:
        return _function(function.group(1).casefold(), function.group(2), value, dim, lookup)
    if "*" in value or "?" in value:
        return _pattern(value, dim)
    raise _unknown(value, dim)


def _function(name: str, args: str, value: str, dim: Dimension, lookup: _Lookup) -> list[int]:
    size = dim.size
    if name in ("top", "bottom"):
        count, offset = _count_offset(args, value, dim)
        # Time counts from the newest end (tables list periods oldest first); others from
        # the first value. `bottom` is the mirror image of `top`.
        from_end = dim.is_time == (name == "top")
        order = range(size - 1, -1, -1) if from_end else range(size)
        return sorted(order[offset : offset + count])
    if name == "from":
        return list(range(_code_in(args, value, dim, lookup), size))
    if name == "to":
        return list(range(_code_in(args, value, dim, lookup) + 1))
    if name == "range":
        first, last = sorted(_range_ends(args, value, dim, lookup))
        return list(range(first, last + 1))
    raise _illegal(value, dim, f"Unknown function '{name}'; use one of {', '.join(_FUNCTIONS)}.")


def _count_offset(args: str, value: str, dim: Dimension) -> tuple[int, int]:
    match = _COUNT_OFFSET.match(args)
    if not match or int(match.group(1)) < 1:
        raise _illegal(value, dim, "Write top(n) or top(n,offset) with whole numbers n ≥ 1.")
    return int(match.group(1)), int(match.group(2) or 0)


def _code_in(args: str, value: str, dim: Dimension, lookup: _Lookup) -> int:
    code = args.strip()
    found = lookup.find(code)
    if found is None:
        if not code:
            raise _illegal(value, dim, "Put a code between the parentheses.")
        raise _unknown(code, dim, within=value)
    return found


def _range_ends(args: str, value: str, dim: Dimension, lookup: _Lookup) -> tuple[int, int]:
    # Codes may themselves contain commas (e.g. "01.4,02,03.1"): try every split point.
    splits = [i for i, char in enumerate(args) if char == ","]
    for i in splits:
        first, last = lookup.find(args[:i].strip()), lookup.find(args[i + 1 :].strip())
        if first is not None and last is not None:
            return first, last
    if len(splits) != 1:
        raise _illegal(value, dim, "Write range(code1,code2).")
    # One comma and no pair of codes found: name the end that is not a code.
    comma = splits[0]
    return (
        _code_in(args[:comma], value, dim, lookup),
        _code_in(args[comma + 1 :], value, dim, lookup),
    )


def _pattern(value: str, dim: Dimension) -> list[int]:
    if value.count("*") > 2 or "*" in value[1:-1]:
        raise _illegal(value, dim, "A * may only stand at the start and/or the end of a pattern.")
    regex = re.compile(
        "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in value),
        re.IGNORECASE | re.DOTALL,
    )
    return [i for i, code in enumerate(dim.values) if regex.fullmatch(code)]


# --- errors -------------------------------------------------------------------------------


def _unknown(code: str, dim: Dimension, *, within: str | None = None) -> UsageError:
    context = f" in '{within}'" if within else ""
    return UsageError(
        f"Unknown value '{code}'{context} for variable '{dim.code}' ({dim.label}).",
        _suggest(code, dim),
    )


def _illegal(value: str, dim: Dimension, detail: str) -> UsageError:
    return UsageError(
        f"Illegal selection expression '{value}' for variable '{dim.code}'.",
        f"{detail} {EXPRESSION_HELP}",
    )


def _suggest(code: str, dim: Dimension) -> str:
    by_label = [c for c in dim.values if dim.label_of(c).casefold() == code.strip().casefold()]
    if by_label:
        return f"'{code}' is a label; use the code: {', '.join(by_label)}."
    close = difflib.get_close_matches(code, dim.values, n=5, cutoff=0.6)
    if close:
        return "Did you mean: " + ", ".join(f"{c} ({dim.label_of(c)})" for c in close) + "?"
    return _valid_hint(dim)


def _valid_hint(dim: Dimension) -> str:
    shown = ", ".join(dim.values[:8])
    more = f", … ({dim.size} values)" if dim.size > 8 else ""
    return f"Valid values: {shown}{more}. {EXPRESSION_HELP}"


# --- splitting ----------------------------------------------------------------------------


def split(selection: Selection, max_cells: int, *, prefer: Sequence[str] = ()) -> list[Selection]:
    """Split a selection into chunks of at most `max_cells` cells that partition its cells.

    Contiguous blocks of one variable's codes are cut, picking the variable that gives the
    fewest chunks; ties go to variables in `prefer` (in that order; names not in the
    selection are ignored), then to the variable with the most codes. Where even one code of
    that variable exceeds the cap, each of its codes is split again on the other variables.
    Chunks come in the order of the codes cut, and every chunk lists every variable.
    """
    if max_cells < 1:
        raise UsageError(f"max_cells must be at least 1, not {max_cells}.")
    return _split(selection, max_cells, tuple(prefer))


def _split(selection: Selection, cap: int, prefer: tuple[str, ...]) -> list[Selection]:
    total = selection.cells
    if total <= cap:
        return [selection]
    variable = _choose(selection, cap, prefer)
    codes = selection[variable].codes
    rest = total // len(codes)
    if rest <= cap:
        n_blocks = math.ceil(len(codes) / (cap // rest))
        return [selection.replace(variable, block) for block in _blocks(codes, n_blocks)]
    return [
        chunk
        for code in codes
        for chunk in _split(selection.replace(variable, (code,)), cap, prefer)
    ]


def _choose(selection: Selection, cap: int, prefer: tuple[str, ...]) -> str:
    sizes = {name: len(sel.codes) for name, sel in selection.items()}
    rank = {name: i for i, name in enumerate(prefer)}
    candidates = sorted(
        (name for name, n in sizes.items() if n > 1),
        key=lambda name: (rank.get(name, len(rank)), -sizes[name]),
    )
    # min() keeps the first of equal counts, so the candidate order breaks ties.
    return min(candidates, key=lambda name: _chunks_if_cut(name, sizes, cap))


def _chunks_if_cut(variable: str, sizes: Mapping[str, int], cap: int) -> int:
    others = tuple(sorted(n for name, n in sizes.items() if name != variable and n > 1))
    rest = math.prod(others)
    if rest <= cap:
        return math.ceil(sizes[variable] / (cap // rest))
    return sizes[variable] * _fewest_chunks(others, cap)


@functools.lru_cache(maxsize=4096)
def _fewest_chunks(sizes: tuple[int, ...], cap: int) -> int:
    """Fewest chunks `_split` reaches for these variable sizes (given sorted, so cacheable)."""
    if math.prod(sizes) <= cap:
        return 1
    named = {str(i): n for i, n in enumerate(sizes) if n > 1}
    return min(_chunks_if_cut(name, named, cap) for name in named)


def _blocks(codes: Sequence[str], n_blocks: int) -> list[tuple[str, ...]]:
    """`n_blocks` contiguous blocks whose sizes differ by at most one."""
    size, extra = divmod(len(codes), n_blocks)
    blocks, start = [], 0
    for i in range(n_blocks):
        end = start + size + (1 if i < extra else 0)
        blocks.append(tuple(codes[start:end]))
        start = end
    return blocks


def halve(selection: Selection) -> list[Selection]:
    """Split a selection in two along the variable with the most codes.

    For when the server still answers "Too many cells" (its count can differ from ours,
    e.g. after applying a codelist).
    """
    sizes = {name: len(sel.codes) for name, sel in selection.items()}
    variable = max(sizes, key=lambda name: sizes[name], default=None)
    if variable is None or sizes[variable] < 2:
        raise UsageError(
            f"Cannot split {selection!r} further: it selects a single cell.",
            "The server rejects even one cell; check the table and the selection.",
        )
    return [selection.replace(variable, block) for block in _blocks(selection[variable].codes, 2)]
