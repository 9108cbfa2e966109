"""Writing query results: tables for people, SPARQL 1.1 formats for programs.

json is the SPARQL 1.1 Query Results JSON Format; csv and tsv follow the SPARQL 1.1 CSV/TSV
results formats (csv: plain values; tsv: terms in N-Triples/Turtle syntax).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pyoxigraph as ox

from clusterkg.engine import Table, Term, Triples
from clusterkg.namespaces import shorten
from clusterkg.serialise import serialise_triples

TABLE_FORMATS = ("table", "csv", "tsv", "json", "md")
GRAPH_FORMATS = ("ttl", "nt", "jsonld")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def render_table(table: Table, fmt: str) -> str:
    if fmt == "json":
        return _json(table)
    if fmt == "csv":
        return _csv(table)
    if fmt == "tsv":
        return _tsv(table)
    if fmt == "md":
        return _markdown(table)
    return _aligned(table)


def render_triples(result: Triples, fmt: str) -> str:
    """CONSTRUCT/DESCRIBE results as Turtle, N-Triples or JSON-LD: same input, same bytes."""
    return serialise_triples(result.triples, fmt)


def plain(term: Term | None) -> str:
    """A term as a person reads it: IRIs as CURIEs, literals as their text."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return shorten(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != _XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def _json(table: Table) -> str:
    document: dict[str, Any]
    if table.boolean is not None:
        document = {"head": {}, "boolean": table.boolean}
    else:
        bindings = [
            {v: _json_term(t) for v, t in zip(table.variables, row, strict=True) if t is not None}
            for row in table.rows
        ]
        document = {"head": {"vars": table.variables}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _csv(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if table.boolean is not None:
        writer.writerows([["result"], ["true" if table.boolean else "false"]])
        return buffer.getvalue()
    writer.writerow(table.variables)
    for row in table.rows:
        writer.writerow(["" if t is None else t.value for t in row])
    return buffer.getvalue()


def _tsv(table: Table) -> str:
    if table.boolean is not None:
        return f"?result\n{'true' if table.boolean else 'false'}\n"
    lines = ["\t".join(f"?{v}" for v in table.variables)]
    for row in table.rows:
        lines.append("\t".join("" if t is None else _nt(t) for t in row))
    return "\n".join(lines) + "\n"


def _nt(term: Term) -> str:
    text = str(term)
    # TSV cells hold no raw tabs or newlines; N-Triples escapes them already.
    return text.replace("\t", "\\t").replace("\n", "\\n")


def _cells(table: Table) -> tuple[list[str], list[list[str]]]:
    if table.boolean is not None:
        return ["result"], [["true" if table.boolean else "false"]]
    rows = [[plain(t).replace("\n", " ") for t in row] for row in table.rows]
    return table.variables, rows


def _aligned(table: Table) -> str:
    header, rows = _cells(table)
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    count = len(rows)
    lines.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(lines) + "\n"


def _markdown(table: Table) -> str:
    header, rows = _cells(table)

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    out = [line(header), "| " + " | ".join("---" for _ in header) + " |"]
    out += [line(r) for r in rows]
    return "\n".join(out) + "\n"
