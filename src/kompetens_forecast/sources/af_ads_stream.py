"""Job ads streamed in constant memory: JSON lines or a JSON array, plain or zipped → counts.

`AdAggregate` counts ads and positions per period × county × kommun × SSYK-4 one ad at a time
(each placed by `af_codes.classify_ad`); `aggregate_ads` feeds it lines, `iter_json_array`
splits one large JSON array, and `read_history` reads a whole historical-ads file (local or a
URL, downloaded first). Memory grows with the number of distinct cells, never with the ads.

Either format (JSON lines, or one JSON array) is detected from the first byte, inside a zip or
not; lines are not de-duplicated. Why, with the sources' dated quirks: see `af_history`.
"""

from __future__ import annotations

import codecs
import io
import json
import re
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from kompetens_forecast.errors import DataError, UsageError
from kompetens_forecast.sources.af_codes import (
    OCCUPATION_METHODS,
    REGION_METHODS,
    AfCodes,
    classify_ad,
    codes_or_default,
)
from kompetens_forecast.sources.http import HttpClient
from kompetens_forecast.sources.http_stream import CHUNK, download, is_url, url_file_name

__all__ = [
    "AdAggregate",
    "aggregate_ads",
    "feed_ads",
    "iter_json_array",
    "read_ads_file",
    "read_history",
    "require_ads_file",
]

_WS = re.compile(r"[ \t\n\r]*")
_BOM = b"\xef\xbb\xbf"
_DELIMITERS = frozenset(",] \t\r\n")


def _add_into(total: list[int], cell: Sequence[int]) -> None:
    for i, n in enumerate(cell):
        total[i] += n


@dataclass
class AdAggregate:
    """Ads and positions per (period, county, kommun, SSYK-4), built one ad at a time.

    Memory grows with the number of distinct cells (bounded by months × kommuner × SSYK-4),
    never with the number of ads. `period` is the ad's month unless a fixed period is given
    (a snapshot date). Each cell is [ads, positions (sum of known values), ads without a
    vacancy count].
    """

    codes: AfCodes
    period: str | None = None
    skip_removed: bool = False
    cells: dict[tuple[str, str, str, str], list[int]] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)

    def add_line(self, line: bytes | str) -> None:
        """One JSON line; blank lines are skipped, unreadable ones counted as `bad_lines`."""
        if isinstance(line, bytes):
            line = line.removeprefix(_BOM)
            if not line.strip():
                return
        elif not line.strip():
            return
        self.counts["lines"] += 1
        try:
            ad = json.loads(line)
        except ValueError:
            self.counts["bad_lines"] += 1
            return
        self.add_ad(ad)

    def add_ad(self, ad: Any) -> None:
        if not isinstance(ad, dict):
            self.counts["bad_lines"] += 1
            return
        if self.skip_removed and ad.get("removed") is True:
            self.counts["removed_skipped"] += 1
            return
        where = classify_ad(ad, self.codes)
        period = self.period if self.period is not None else where.month
        self.counts["ads"] += 1
        self.counts[f"occupation:{where.occupation_method}"] += 1
        self.counts[f"region:{where.region_method}"] += 1
        if where.kommun and where.kommun[:2] != where.county:
            self.counts["county_kommun_mismatch"] += 1
        if not period:
            self.counts["no_date"] += 1
            return
        key = (period, where.county, where.kommun, where.ssyk)
        cell = self.cells.get(key)
        if cell is None:
            cell = self.cells[key] = [0, 0, 0]
        cell[0] += 1
        if where.positions is None:
            cell[2] += 1
            self.counts["ads_without_positions"] += 1
        else:
            cell[1] += where.positions

    def merge(self, other: AdAggregate) -> None:
        for key, cell in other.cells.items():
            _add_into(self.cells.setdefault(key, [0, 0, 0]), cell)
        self.counts.update(other.counts)

    @property
    def ads(self) -> int:
        return self.counts["ads"]

    def frame(self, level: Literal["kommun", "county"] = "kommun") -> pd.DataFrame:
        """Columns period, region_code, ssyk, ads (int), positions (float, NaN if unknown).

        `kommun`: ads placed in a kommun; `county`: every ad placed in a county (including
        those with a county but no kommun). Ads without a region are in neither (see report).
        """
        sums: dict[tuple[str, str, str], list[int]] = {}
        for (period, county, kommun, ssyk), cell in self.cells.items():
            region = kommun if level == "kommun" else county
            if not region:
                continue
            _add_into(sums.setdefault((period, region, ssyk), [0, 0, 0]), cell)
        rows = sorted(sums.items())
        frame = pd.DataFrame(
            {
                "period": pd.Series([k[0] for k, _ in rows], dtype=object),
                "region_code": pd.Series([k[1] for k, _ in rows], dtype=object),
                "ssyk": pd.Series([k[2] for k, _ in rows], dtype=object),
                "ads": pd.Series([v[0] for _, v in rows], dtype="int64"),
                "positions": pd.Series(
                    [np.nan if v[2] == v[0] else float(v[1]) for _, v in rows], dtype="float64"
                ),
            }
        )
        return frame

    def report(self) -> dict[str, Any]:
        """Mapping counts for the manifest: how many ads were mapped, by which step, and not."""
        occupation = {m: self.counts[f"occupation:{m}"] for m in OCCUPATION_METHODS}
        region = {m: self.counts[f"region:{m}"] for m in REGION_METHODS}
        return {
            "lines": self.counts["lines"],
            "ads": self.ads,
            "bad_lines": self.counts["bad_lines"],
            "no_date": self.counts["no_date"],
            "removed_skipped": self.counts["removed_skipped"],
            "ads_without_positions": self.counts["ads_without_positions"],
            "occupation": occupation,
            "occupation_mapped": self.ads - occupation["unmapped"],
            "occupation_unmapped": occupation["unmapped"],
            "region": region,
            "kommun_mapped": region["kommun_code"] + region["kommun_concept_id"],
            "kommun_unmapped": region["county_only"] + region["unknown"],
            "county_kommun_mismatch": self.counts["county_kommun_mismatch"],
            "code_lists_missing": list(self.codes.missing),
        }


def aggregate_ads(
    lines: Iterable[bytes | str], *, codes: AfCodes | None = None, period: str | None = None
) -> AdAggregate:
    """Aggregate JSON lines of ads (one ad per line) to month × county × kommun × SSYK-4.

    Pure and streaming: lines are read one at a time and never kept. `period` fixes the
    period of every ad (a snapshot date) instead of its publication month.
    """
    aggregate = AdAggregate(codes_or_default(codes), period=period)
    for line in lines:
        aggregate.add_line(line)
    return aggregate


def iter_json_array(read: Callable[[int], bytes], chunk_size: int = CHUNK) -> Iterator[Any]:
    """The elements of one JSON array read in chunks: memory ≈ one chunk + one element."""
    decoder = json.JSONDecoder()
    utf8 = codecs.getincrementaldecoder("utf-8-sig")()
    buf, pos, eof = "", 0, False

    def more() -> bool:
        nonlocal buf, pos, eof
        if eof:
            return False
        chunk = read(chunk_size)
        text = utf8.decode(chunk, final=not chunk)
        eof = not chunk
        buf, pos = buf[pos:] + text, 0
        return bool(text) or not eof

    def skip_ws() -> bool:
        nonlocal pos
        while True:
            pos = _WS.match(buf, pos).end()  # type: ignore[union-attr]  # always matches
            if pos < len(buf):
                return True
            if not more():
                return False

    if not skip_ws():
        return
    if buf[pos] != "[":
        raise DataError("Not a JSON array: the stream does not start with '['.")
    pos += 1
    expect_value = True
    first = True
    while True:
        if not skip_ws():
            raise DataError("The JSON array ends early (truncated download?).")
        char = buf[pos]
        if char == "]" and (first or not expect_value):
            return
        if char == ",":
            if expect_value:
                raise DataError(f"Malformed JSON array near character {pos}.")
            pos += 1
            expect_value = True
            continue
        if not expect_value:
            raise DataError(f"Malformed JSON array: ',' expected near character {pos}.")
        while True:
            try:
                value, end = decoder.raw_decode(buf, pos)
            except json.JSONDecodeError as exc:
                if not more():
                    raise DataError(f"Malformed or truncated JSON array: {exc}") from exc
                continue
            if (
                not isinstance(value, dict | list)
                and (end == len(buf) or buf[end] not in _DELIMITERS)
                and more()
            ):
                continue  # a number may go on in the next chunk ("1" of "1.25")
            break
        pos = end
        first = expect_value = False
        yield value


def feed_ads(aggregate: AdAggregate, reader: io.BufferedReader[Any]) -> None:
    """Feed a JSON-lines or JSON-array stream of ads into `aggregate` (format from byte 1)."""
    head = reader.peek(64).removeprefix(_BOM).lstrip()
    if head.startswith(b"["):
        for value in iter_json_array(reader.read):
            aggregate.counts["lines"] += 1
            aggregate.add_ad(value)
        return
    for line in reader:
        aggregate.add_line(line)


def _data_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    members = [
        info
        for info in archive.infolist()
        if not info.is_dir()
        and not info.filename.startswith("__MACOSX/")
        and info.filename.lower().endswith((".jsonl", ".json", ".ndjson"))
    ]
    return sorted(members, key=lambda info: info.filename)


def read_ads_file(path: Path, aggregate: AdAggregate) -> None:
    """Feed every ad of a `.jsonl` or `.json` file, or of each such member of a zip."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = _data_members(archive)
            if not members:
                raise DataError(f"{path.name} holds no .jsonl or .json file.")
            for info in members:
                with archive.open(info) as member:
                    # ZipExtFile is buffered but slow per line: a BufferedReader on top reads
                    # the decompressed stream in 1 MiB blocks and splits lines in C.
                    feed_ads(aggregate, io.BufferedReader(member, CHUNK))
        return
    with io.BufferedReader(io.FileIO(path, "r"), CHUNK) as handle:
        feed_ads(aggregate, handle)


def require_ads_file(path: Path) -> Path:
    """`path` if it is a file, else a UsageError."""
    if not path.is_file():
        raise UsageError(f"No such file: {path}.", "Give a .jsonl, .json or .zip file.")
    return path


def read_history(
    path_or_url: str | Path,
    http: HttpClient | None = None,
    *,
    codes: AfCodes | None = None,
    download_dir: Path | None = None,
    refresh: bool = False,
) -> AdAggregate:
    """Stream one historical-ads file (`.jsonl`, `.json`, or a `.zip` of either) to an aggregate.

    A URL is downloaded to `download_dir` (default: the HTTP cache directory, else a temporary
    directory) and read from there; the file is kept for the next run unless `refresh`.
    """
    aggregate = AdAggregate(codes_or_default(codes))
    if not is_url(path_or_url):
        _read_checked(require_ads_file(Path(path_or_url)), aggregate)
        return aggregate
    if http is None:
        raise UsageError("Reading a URL needs an HttpClient.", "Pass http=HttpClient(...).")
    url = str(path_or_url)
    directory = download_dir or (
        http.settings.cache_dir / "downloads" if http.settings.cache_dir else None
    )
    if directory is None:  # nowhere to keep it: a temporary copy, removed after reading
        with tempfile.TemporaryDirectory(prefix="kf-ads-") as tmp:
            _read_checked(
                download(http, url, Path(tmp) / url_file_name(url), refresh=True), aggregate
            )
        return aggregate
    _read_checked(download(http, url, directory / url_file_name(url), refresh=refresh), aggregate)
    return aggregate


def _read_checked(path: Path, aggregate: AdAggregate) -> None:
    read_ads_file(path, aggregate)
    if aggregate.counts["lines"] and aggregate.counts["bad_lines"] == aggregate.counts["lines"]:
        raise DataError(f"No line of {path.name} is a JSON ad.", "Is it a historical-ads file?")
