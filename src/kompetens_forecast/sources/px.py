"""Read PX (PC-Axis) files, as analysts download them by hand, into the tidy frame.

A PX file is a header of ``KEYWORD[lang]("sub","keys")=value;`` statements and then
``DATA=``: the cells of a stub × heading matrix, both in row-major order over their variables
(the last variable varies fastest), so the whole DATA block is in C order over STUB + HEADING.
Reference: Statistics Sweden, "PX file format specification" (2013).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kompetens_forecast.errors import DataError, UsageError
from kompetens_forecast.sources.tidy import label_column

__all__ = ["DATA_SYMBOLS", "PxTable", "read_px", "read_px_folder"]

#: Cell markers the spec allows in DATA: one to six dots (DATASYMBOL1..6) and "-" (DATASYMBOLNIL).
DATA_SYMBOLS: Final = (".", "..", "...", "....", ".....", "......", "-")
#: SCB's "nil": a true zero ("inget finns att redovisa"), unlike the dots (not available).
NIL_SYMBOL: Final = "-"

_Key = tuple[str, str | None, tuple[str, ...]]  # (KEYWORD, language or None, subkeys)
_Floats = npt.NDArray[np.float64]
_Objects = npt.NDArray[np.object_]

_STATEMENT: Final = re.compile(
    r'(?P<kw>[A-Za-z][\w-]*)(?:\[(?P<lang>[^\]"]*)\])?(?:\((?P<sub>(?:"[^"]*"|[^")])*)\))?\s*='
)
_VALUE: Final = re.compile(r'(?:"[^"]*"|[^";])*;')
_TOKEN: Final = re.compile(r'"(?P<s>[^"]*)"|(?P<c>,)|(?P<b>TLIST\([^)]*\)|[^\s,"]+)|\s+')
_NUMBER: Final = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_NON_SPACE: Final = re.compile(r"\S")
_DATA_START: Final = re.compile(rb"(?:^|;)\s*DATA\s*=", re.MULTILINE)
_CODEPAGE: Final = re.compile(rb'CODEPAGE\s*=\s*"([^"]*)"')
_SYNTAX: Final = 'Statements are KEYWORD[lang]("sub")=value; with quoted strings.'
_SYMBOL_KEYWORDS: Final = {
    **{"." * n: f"DATASYMBOL{n}" for n in range(1, 7)},
    "-": "DATASYMBOLNIL",
}


@dataclass(frozen=True)
class PxTable:
    """One PX file: its metadata in the selected language and the tidy frame of its cells.

    `dimensions` are variable codes (VARIABLECODE, else the default-language name) in STUB then
    HEADING order; `codes`/`values` hold each variable's value codes and labels; `symbols` maps
    a DATA marker to its DATASYMBOL text; `metadata` holds every header keyword as written
    (``'VALUES[sv]("region")'`` → items); `last_updated` is LAST-UPDATED as written, `updated`
    the same parsed.
    """

    path: Path
    matrix: str
    title: str | None
    contents: str | None
    language: str | None
    languages: list[str]
    last_updated: str | None
    updated: datetime | None
    source: str | None
    units: str | None
    dimensions: list[str]
    variable_names: dict[str, str]
    codes: dict[str, list[str]] = field(repr=False)
    values: dict[str, list[str]] = field(repr=False)
    notes: list[str]
    symbols: dict[str, str]
    encoding: str
    frame: pd.DataFrame = field(repr=False)
    metadata: dict[str, list[str]] = field(repr=False)


def read_px(path: Path, *, lang: str | None = None) -> PxTable:
    """Read one PX file; `lang` picks ``KEYWORD[lang]`` where present (default: LANGUAGE)."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"PX file '{path}' does not exist.", "Check the path.")
    raw = path.read_bytes()
    encoding = _detect_encoding(raw, path)
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DataError(
            f"PX file '{path}': bytes at offset {exc.start} are not valid {encoding}.",
            "Re-save the file in the encoding its CODEPAGE names.",
        ) from exc
    entries, data = _parse_header(text, path)
    return _build_table(path, entries, data, lang, encoding)


def read_px_folder(folder: Path, *, lang: str | None = None) -> list[PxTable]:
    """Read every ``*.px`` file in `folder` (not recursive), sorted by file name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"PX folder '{folder}' does not exist.", "Check the path.")
    files = sorted(
        (p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".px"),
        key=lambda p: p.name,
    )
    if not files:
        raise DataError(f"PX folder '{folder}' holds no .px files.", "Download PX files into it.")
    return [read_px(p, lang=lang) for p in files]


def _detect_encoding(raw: bytes, path: Path) -> str:
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    start = _DATA_START.search(raw)
    head = raw[: start.start()] if start else raw
    # 2026-11: files re-saved by editors keep CODEPAGE="iso-8859-1" but hold UTF-8 bytes
    # (PxWebApi's own tab4_fewcells.px does). Latin-1 Swedish text is never valid multi-byte
    # UTF-8, so a non-ASCII header that decodes as UTF-8 is read as UTF-8. CHARSET (missing =
    # DOS code page, PX spec 2013) is ignored: hand-downloaded files are all "ANSI".
    if not head.isascii():
        try:
            head.decode("utf-8")
            return "utf-8"
        except UnicodeDecodeError:
            pass
    declared = _CODEPAGE.search(head)
    if declared is None:  # PX spec 2013: the default CODEPAGE is iso-8859-1
        return "iso-8859-1"
    name = declared.group(1).decode("ascii", "replace").strip()
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError) as exc:  # ValueError: a NUL byte in the name
        raise DataError(
            f"PX file '{path}': unknown CODEPAGE {name!r}.", "Use iso-8859-1 or utf-8."
        ) from exc


def _parse_header(text: str, path: Path) -> tuple[dict[_Key, list[str]], tuple[str, int]]:
    """Keyword statements up to DATA=, then the DATA text (up to ';') and its line number."""
    entries: dict[_Key, list[str]] = {}
    pos = _skip_space(text, 0)
    while pos < len(text):
        stmt = _STATEMENT.match(text, pos)
        if stmt is None:
            snippet = text[pos : pos + 40].split("\n")[0]
            raise DataError(f"{_where(path, text, pos)}: cannot parse {snippet!r}.", _SYNTAX)
        keyword = stmt["kw"].upper()
        if keyword == "DATA":
            return entries, (_data_text(text, stmt.end(), path), _line(text, pos))
        value = _VALUE.match(text, stmt.end())
        items = _parse_value(value.group()[:-1]) if value else None
        if value is None or items is None:
            where = _where(path, text, pos)
            raise DataError(f"{where}: {keyword} has no closing ';' or quote.", _SYNTAX)
        sub = tuple(re.findall(r'"([^"]*)"', stmt["sub"] or ""))
        entries[(keyword, stmt["lang"], sub)] = items
        pos = _skip_space(text, value.end())
    raise DataError(f"PX file '{path}' has no DATA keyword.", "The file may be truncated.")


def _parse_value(text: str) -> list[str] | None:
    """Items of a value: quoted strings, bare words (numbers, YES/NO, TLIST(...)).

    None when a bare word holds '=': the value ran into the next statement (a lost ';').
    """
    # PX spec 2013: a long string is split into several quoted strings on consecutive lines
    # with no comma between them ("a"\n"b" is "ab"); a comma separates list items.
    items: list[str] = []
    joinable = False
    for token in _TOKEN.finditer(text):
        kind = token.lastgroup
        if kind is None:  # white space
            continue
        if kind == "b" and "=" in token["b"]:
            return None
        if kind == "s" and joinable:
            items[-1] += token["s"]
        elif kind != "c":
            items.append(token[kind])
        joinable = kind == "s"
    return items


def _data_text(text: str, start: int, path: Path) -> str:
    end = text.find(";", start)
    if end < 0:  # a cut file can still have the right cell count if it ends inside a number
        raise DataError(
            f"PX file '{path}': DATA does not end with ';'.", "The file looks truncated."
        )
    return text[start:end]


def _skip_space(text: str, pos: int) -> int:
    found = _NON_SPACE.search(text, pos)
    return found.start() if found else len(text)


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _where(path: Path, text: str, pos: int) -> str:
    return f"PX file '{path}', line {_line(text, pos)}"


class _Keywords:
    """Keyword look-up in one language, falling back to the file's default language."""

    def __init__(self, entries: dict[_Key, list[str]], lang: str | None) -> None:
        self.entries = entries
        found = entries.get(("LANGUAGE", None, ()))
        self.default = found[0] if found else None
        self.lang = lang or self.default

    def get(
        self, kw: str, sub: tuple[str, ...] = (), dsub: tuple[str, ...] | None = None
    ) -> list[str] | None:
        """KEYWORD[lang](sub), else KEYWORD(dsub) in the default language (dsub: default names)."""
        dsub = sub if dsub is None else dsub
        for key in ((kw, self.lang, sub), (kw, None, dsub), (kw, self.default, dsub)):
            if key in self.entries:
                return self.entries[key]
        return None

    def default_get(self, kw: str, sub: tuple[str, ...] = ()) -> list[str] | None:
        return self.entries.get((kw, None, sub)) or self.entries.get((kw, self.default, sub))

    def text(
        self, kw: str, sub: tuple[str, ...] = (), dsub: tuple[str, ...] | None = None
    ) -> str | None:
        found = self.get(kw, sub, dsub)
        return "".join(found) if found else None


@dataclass(frozen=True)
class _Variable:
    code: str
    name: str  # in the selected language
    default_name: str
    codes: list[str]
    labels: list[str]  # in the selected language
    default_labels: list[str]


def _variables(kw: _Keywords, path: Path) -> list[_Variable]:
    """Variables in STUB then HEADING order (same positions in every language)."""
    names = (kw.get("STUB") or []) + (kw.get("HEADING") or [])
    dnames = (kw.default_get("STUB") or []) + (kw.default_get("HEADING") or [])
    if not names or len(names) != len(dnames):
        raise DataError(f"PX file '{path}': STUB/HEADING are missing or differ between languages.")
    out = [_variable(kw, name, dname, path) for name, dname in zip(names, dnames, strict=True)]
    cols = [v.code for v in out]
    if len(set(cols)) != len(cols) or {"value", "symbol"} & set(cols):
        raise DataError(f"PX file '{path}': variable codes {cols} clash in the tidy frame.")
    return out


def _variable(kw: _Keywords, name: str, dname: str, path: Path) -> _Variable:
    labels = kw.get("VALUES", (name,), (dname,))
    if not labels:
        raise DataError(f"PX file '{path}': no VALUES(\"{name}\") keyword.")
    dlabels = kw.default_get("VALUES", (dname,)) or labels
    # 2026-11: codes stay the same in every language: VARIABLECODE else the default-language
    # name; CODES else the default-language VALUES. CODES[lang] is often left out.
    codes = kw.get("CODES", (name,), (dname,)) or dlabels
    if not len(codes) == len(labels) == len(dlabels):
        raise DataError(
            f"PX file '{path}': CODES/VALUES(\"{name}\") have {len(codes)}/{len(labels)} items."
        )
    if len(set(codes)) != len(codes):
        twice = sorted({c for c in codes if codes.count(c) > 1})
        raise DataError(
            f"PX file '{path}': CODES(\"{name}\") lists {len(twice)} code(s) twice: "
            f"{', '.join(twice[:3])}.",
            "Each value code must appear once.",
        )
    code = (kw.get("VARIABLECODE", (name,), (dname,)) or [dname])[0]
    return _Variable(code, name, dname, codes, labels, dlabels)


def _parse_data(body: str, expected: int, path: Path, line: int) -> tuple[_Floats, _Objects]:
    """Cell values (float64: NaN for the dot markers, 0 for the nil marker "-", which means a
    true zero) and markers (object, None for numbers; "-" kept beside its 0)."""
    tokens = pa.array(body.replace(",", " ").split(), pa.string())
    if len(tokens) != expected:
        raise DataError(
            f"PX file '{path}', DATA at line {line}: {len(tokens)} cells, but the variables "
            f"give {expected}.",
            "The file is truncated or its VALUES do not match DATA.",
        )
    numeric = pc.match_substring_regex(tokens, f"^(?:{_NUMBER.pattern})$")
    cast = pc.cast(pc.if_else(numeric, tokens, pa.scalar(None, pa.string())), pa.float64())
    values = np.array(cast.to_numpy(zero_copy_only=False), dtype=np.float64)
    symbols: _Objects = np.full(expected, None, dtype=object)
    other = np.flatnonzero(~np.asarray(numeric.to_numpy(zero_copy_only=False), dtype=bool))
    encoded = pc.dictionary_encode(tokens.take(pa.array(other)))
    which = np.asarray(encoded.indices.to_numpy(zero_copy_only=False))
    for i, token in enumerate(encoded.dictionary.to_pylist()):
        mark = str(token).strip('"')
        if mark in DATA_SYMBOLS:
            symbols[other[which == i]] = mark
            if mark == NIL_SYMBOL:
                values[other[which == i]] = 0.0
        elif _NUMBER.fullmatch(mark):  # a quoted number
            values[other[which == i]] = float(mark)
        else:
            raise DataError(
                f"PX file '{path}', DATA at line {line}: bad cell {token!r}.",
                f"Cells are numbers or one of {' '.join(DATA_SYMBOLS)} (quoted or not).",
            )
    infinite = np.flatnonzero(np.isinf(values))
    if len(infinite):  # e.g. 1e999: a number too large for a float is not a count
        raise DataError(
            f"PX file '{path}', DATA at line {line}: {len(infinite)} cell(s) out of range "
            f"(cell {int(infinite[0]) + 1}).",
            "Cells must be finite numbers.",
        )
    return values, symbols


def _tidy(variables: list[_Variable], values: _Floats, symbols: _Objects) -> pd.DataFrame:
    """C order over the variables: np.repeat for the inner ones, np.tile for the outer."""
    sizes = [len(v.codes) for v in variables]
    columns: dict[str, object] = {}
    for i, var in enumerate(variables):
        inner, outer = int(np.prod(sizes[i + 1 :])), int(np.prod(sizes[:i]))
        index = np.tile(np.repeat(np.arange(sizes[i]), inner), outer)
        columns[var.code] = np.asarray(var.codes, dtype=object)[index]
        columns[label_column(var.code)] = np.asarray(var.labels, dtype=object)[index]
    columns["value"] = values
    columns["symbol"] = symbols
    # copy=False keeps one block per column: consolidating the object columns costs more
    # than parsing a 1M-cell DATA block.
    return pd.DataFrame(columns, copy=False)


def _notes(kw: _Keywords, variables: list[_Variable]) -> list[str]:
    """Table notes, then variable notes as 'name: text'."""
    # 2026-11: PX texts (NOTE, CONTACT) use '#' for a line break; it becomes "\n".
    notes = [kw.text(k) for k in ("NOTEX", "NOTE")]
    for v in variables:
        for k in ("NOTEX", "NOTE"):
            text = kw.text(k, (v.name,), (v.default_name,))
            notes.append(f"{v.name}: {text}" if text else None)
    return [n.replace("#", "\n") for n in notes if n]


def _per_content(kw: _Keywords, variables: list[_Variable], keyword: str) -> list[str]:
    """KEYWORD("content value") for each value of the CONTVARIABLE (units, LAST-UPDATED)."""
    name = kw.text("CONTVARIABLE")
    found = [
        kw.text(keyword, (label,), (dlabel,))
        for v in variables
        if v.name == name
        for label, dlabel in zip(v.labels, v.default_labels, strict=True)
    ]
    return list(dict.fromkeys(f for f in found if f))


def _parse_time(text: str | None) -> datetime | None:
    """LAST-UPDATED is "CCYYMMDD hh:mm" (PX spec 2013); seconds or no time also occur."""
    for fmt in ("%Y%m%d %H:%M", "%Y%m%d %H:%M:%S", "%Y%m%d"):
        try:
            return datetime.strptime(text or "", fmt)
        except ValueError:
            pass
    return None


def _build_table(
    path: Path,
    entries: dict[_Key, list[str]],
    data: tuple[str, int],
    lang: str | None,
    encoding: str,
) -> PxTable:
    if any(key[0] == "KEYS" for key in entries):
        raise DataError(f"PX file '{path}': KEYS (sparse DATA) is not supported.")
    kw = _Keywords(entries, lang)
    languages = kw.default_get("LANGUAGES") or ([kw.default] if kw.default else [])
    if lang is not None and lang != kw.default and lang not in languages:
        raise UsageError(
            f"PX file '{path}' has no language '{lang}'.",
            f"Valid: {', '.join(languages) or 'only the default (lang=None)'}.",
        )
    variables = _variables(kw, path)
    expected = int(np.prod([len(v.codes) for v in variables]))
    values, symbols = _parse_data(data[0], expected, path, data[1])
    # 2026-11: with a CONTVARIABLE, LAST-UPDATED is given per content value (SCB's files);
    # the latest of them stands for the table.
    updated = kw.text("LAST-UPDATED") or max(
        _per_content(kw, variables, "LAST-UPDATED"), default=None
    )
    return PxTable(
        path=path,
        matrix=kw.text("MATRIX") or kw.text("TABLEID") or path.stem,
        title=kw.text("TITLE") or kw.text("DESCRIPTION"),
        contents=kw.text("CONTENTS"),
        language=kw.lang,
        languages=languages,
        last_updated=updated,
        updated=_parse_time(updated),
        source=kw.text("SOURCE"),
        units=kw.text("UNITS") or "; ".join(_per_content(kw, variables, "UNITS")) or None,
        dimensions=[v.code for v in variables],
        variable_names={v.code: v.name for v in variables},
        codes={v.code: v.codes for v in variables},
        values={v.code: v.labels for v in variables},
        notes=_notes(kw, variables),
        symbols={m: t for m, k in _SYMBOL_KEYWORDS.items() if (t := kw.text(k)) is not None},
        encoding=encoding,
        frame=_tidy(variables, values, symbols),
        metadata={_render_key(key): items for key, items in entries.items()},
    )


def _render_key(key: _Key) -> str:
    keyword, lang, sub = key
    lang_part = f"[{lang}]" if lang else ""
    sub_part = "(" + ",".join(f'"{s}"' for s in sub) + ")" if sub else ""
    return f"{keyword}{lang_part}{sub_part}"
