"""The JSON documents of the local PxWebApi 2 server (metadata, data, table items, codelists).

Shapes follow the recorded SCB responses (tests/fixtures/scb/v2); `Renderer.data` renders the
json-stat2 answer of a resolved selection (`Plan`). Part of
`support.pxweb_server`; not used by the product at run time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from support.loopback import json_bytes
from support.pxweb_protocol import ServerConfig
from support.pxweb_selection import Plan, compute
from support.tables import Codelist, Table, Variable

__all__ = ["Renderer"]


def _join_labels(labels: Sequence[str], lang: str) -> str:
    conj = " och " if lang == "sv" else " and "
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + conj + labels[-1]


class Renderer:
    def __init__(self, base_url: str, config: ServerConfig, languages: Sequence[str]) -> None:
        self.base = base_url
        self.config = config
        self.languages = list(languages)

    # links
    def codelist_info(self, cl: Codelist, lang: str) -> dict[str, Any]:
        return {
            "id": cl.id,
            "label": cl.label,
            "type": cl.type,
            "links": [
                {
                    "rel": "metadata",
                    "hreflang": lang,
                    "href": f"{self.base}/codeLists/{cl.id}?lang={lang}",
                }
            ],
        }

    def codelist(self, cl: Codelist, lang: str) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "id": cl.id,
            "label": cl.label,
            "language": lang,
            "languages": list(cl.languages),
            "elimination": cl.elimination,
        }
        if cl.elimination_value_code is not None:
            doc["eliminationValueCode"] = cl.elimination_value_code
        doc["type"] = cl.type
        doc["values"] = [
            {"code": v.code, "label": v.label, "valueMap": list(v.value_map)} for v in cl.values
        ]
        links = [
            {"rel": "self", "hreflang": lang, "href": f"{self.base}/codeLists/{cl.id}?lang={lang}"}
        ]
        links += [
            {
                "rel": "alternate",
                "hreflang": other,
                "href": f"{self.base}/codeLists/{cl.id}?lang={other}",
            }
            for other in cl.languages
            if other != lang
        ]
        doc["links"] = links
        return doc

    def table_item(self, table: Table, lang: str) -> dict[str, Any]:
        base = f"{self.base}/tables/{table.id}"
        item: dict[str, Any] = {
            "id": table.id,
            "label": table.label,
            "description": table.description,
            "sortCode": table.sort_code if table.sort_code is not None else table.id,
            "updated": table.updated,
            "firstPeriod": table.first_period,
            "lastPeriod": table.last_period,
            "category": table.category,
            "variableNames": [v.label for v in table.variables],
        }
        if table.discontinued is not None:
            item["discontinued"] = table.discontinued
        item["source"] = table.source
        item["subjectCode"] = table.subject_code
        item["timeUnit"] = table.time_unit
        item["paths"] = [[dict(p) for p in path] for path in table.paths]
        links = [{"rel": "self", "hreflang": lang, "href": f"{base}?lang={lang}"}]
        links += [
            {"rel": "alternate", "hreflang": other, "href": f"{base}?lang={other}"}
            for other in self.languages
            if other != lang
        ]
        links += [
            {"rel": "metadata", "hreflang": lang, "href": f"{base}/metadata?lang={lang}"},
            {
                "rel": "data",
                "hreflang": lang,
                "href": f"{base}/data?lang={lang}&outputFormat=json-stat2",
            },
        ]
        item["links"] = links
        return item

    def _px(
        self, table: Table, lang: str, stub: Sequence[str], heading: Sequence[str]
    ) -> dict[str, Any]:
        return {
            "infofile": table.infofile,
            "tableid": table.id,
            "decimals": table.decimals,
            "official-statistics": table.official_statistics,
            "aggregallowed": table.aggregallowed,
            "copyright": table.copyright,
            "language": lang,
            "contents": table.contents,
            "descriptiondefault": table.descriptiondefault,
            "heading": list(heading),
            "stub": list(stub),
            "matrix": table.matrix or table.id,
            "subject-code": table.subject_code,
            "subject-area": table.subject_area,
        }

    def _dimension(
        self,
        var: Variable,
        codes: Sequence[str],
        labels: Sequence[str],
        elimination: bool,
        elimination_value_code: str | None,
        codelists: Sequence[Codelist] | None,
        lang: str,
    ) -> dict[str, Any]:
        dim: dict[str, Any] = {"label": var.label}
        if var.notes:
            dim["note"] = list(var.notes)
        category: dict[str, Any] = {
            "index": {c: i for i, c in enumerate(codes)},
            "label": dict(zip(codes, labels, strict=True)),
        }
        notes = {c: list(var.value_notes[c]) for c in codes if c in var.value_notes}
        if notes:
            category["note"] = notes
        units = {c: dict(var.units[c]) for c in codes if c in var.units}
        if units:
            category["unit"] = units
        dim["category"] = category
        ext: dict[str, Any] = {"elimination": elimination}
        if codelists is None and elimination_value_code is not None:
            ext["eliminationValueCode"] = elimination_value_code
        if var.note_mandatory:
            ext["noteMandatory"] = dict(var.note_mandatory)
        extra = dict(var.extension)
        if "refperiod" in extra:
            ext["refperiod"] = self._per_code(extra.pop("refperiod"), var, codes)
        ext["show"] = var.show
        if codelists is not None:
            ext["codelists"] = [self.codelist_info(cl, lang) for cl in codelists]
        for key, value in extra.items():
            ext[key] = self._per_code(value, var, codes)
        dim["extension"] = ext
        return dim

    @staticmethod
    def _per_code(value: Any, var: Variable, codes: Sequence[str]) -> Any:
        if isinstance(value, Mapping) and value and all(k in var.index for k in value):
            return {c: value[c] for c in codes if c in value}
        return value

    def _role(self, table: Table, present: Sequence[str]) -> dict[str, list[str]]:
        role: dict[str, list[str]] = {}
        for name in ("time", "geo", "metric"):
            codes = [v.code for v in table.variables if v.role == name and v.code in present]
            if codes:
                role[name] = codes
        return role

    def metadata(self, table: Table, lang: str) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "version": "2.0",
            "class": "dataset",
            "label": table.label,
            "source": table.source,
            "updated": table.updated,
        }
        if table.notes:
            doc["note"] = list(table.notes)
        codes = [v.code for v in table.variables]
        doc["role"] = self._role(table, codes)
        doc["id"] = codes
        doc["size"] = [v.size for v in table.variables]
        doc["dimension"] = {
            v.code: self._dimension(
                v, v.codes, v.labels or v.codes, v.elimination, None, v.codelists, lang
            )
            for v in table.variables
        }
        ext: dict[str, Any] = {}
        if table.note_mandatory:
            ext["noteMandatory"] = dict(table.note_mandatory)
        ext["px"] = self._px(table, lang, table.stub or (), table.heading or ())
        if table.discontinued is not None:
            ext["discontinued"] = table.discontinued
        ext["contact"] = [dict(c) for c in table.contact]
        doc["extension"] = ext
        doc["value"] = []
        return doc

    def data(self, plan: Plan, lang: str) -> bytes:
        table = plan.table
        values, status = compute(plan)
        dims = {d.eff.var.code: d for d in plan.dims}
        out_labels = [dims[c].eff.var.label for c in plan.order if dims[c].eff.var.role != "metric"]
        if table.contents:
            label = f"{table.contents} {'efter' if lang == 'sv' else 'by'} " + _join_labels(
                out_labels, lang
            )
        else:
            label = table.label
        doc: dict[str, Any] = {
            "version": "2.0",
            "class": "dataset",
            "label": label,
            "source": table.source,
            "updated": table.updated,
        }
        if table.notes:
            doc["note"] = list(table.notes)
        doc["role"] = self._role(table, plan.order)
        doc["id"] = list(plan.order)
        doc["size"] = [len(dims[c].selected) for c in plan.order]
        dimension: dict[str, Any] = {}
        for code in plan.order:
            d = dims[code]
            eff = d.eff
            dimension[code] = self._dimension(
                eff.var,
                [eff.codes[i] for i in d.selected],
                [eff.labels[i] for i in d.selected],
                eff.elimination,
                eff.elimination_value_code,
                None,
                lang,
            )
        doc["dimension"] = dimension
        ext: dict[str, Any] = {}
        if table.note_mandatory:
            ext["noteMandatory"] = dict(table.note_mandatory)
        ext["px"] = self._px(table, lang, plan.stub, plan.heading)
        ext["discontinued"] = table.discontinued
        ext["contact"] = [dict(c) for c in table.contact]
        doc["extension"] = ext
        flat = values.reshape(-1)
        flat_status = status.reshape(-1)
        missing = np.flatnonzero(flat_status)
        if table.decimals == 0:
            filled = np.where(flat_status != 0, 0.0, flat)
            out: list[Any] = np.rint(filled).astype(np.int64).tolist()
        else:
            out = np.round(np.where(flat_status != 0, 0.0, flat), table.decimals).tolist()
        markers = table.markers
        status_doc: dict[str, str] = {}
        for i in missing.tolist():
            out[i] = None
            status_doc[str(i)] = markers[int(flat_status[i])]
        doc["value"] = out
        if status_doc:
            doc["status"] = status_doc
        return json_bytes(doc, compact=True)
