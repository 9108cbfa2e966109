"""Writing query results: tables for people, SPARQL 1.1 formats for programs.

json is the SPARQL 1.1 Query Results JSON Format, xml the SPARQL Query Results XML Format; csv
and tsv follow the SPARQL 1.1 CSV/TSV results formats (csv: plain values; tsv: terms in
N-Triples/Turtle syntax).

Every table format streams: the text is written page by page as rows come, so a result of any
size needs the memory of one page. The aligned `table` format sizes its columns on each block of
at least ALIGN_ROWS rows, as psql does with FETCH_COUNT: a result of up to ALIGN_ROWS rows is one
block, aligned as a whole; beyond that, column widths may change from block to block. Graph
results (ttl, nt, jsonld, rdfxml) are written at the end: the canonical writer sorts every triple.

The `table` and `md` formats are for people: terms as clusterkg.output.display shows them (CURIEs,
readable dates); the table fitted to a width and coloured as its Layout says
(clusterkg.output.fitting). csv, tsv, json and xml keep every term exactly and are never cut.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pyoxigraph as ox

from clusterkg.engine import Answer, Row, Table, Term, Triples
from clusterkg.errors import ClusterKGError
from clusterkg.output.display import shown
from clusterkg.output.fitting import Layout, aligned_lines, record_lines
from clusterkg.output.formats import BINARY, names
from clusterkg.output.rdf_xml import xml_attribute, xml_text
from clusterkg.output.serialise import serialise_triples
from clusterkg.vocabulary import XSD_STRING

# the table formats written as text here (xlsx, a binary table format: answer_workbook.py)
TABLE_FORMATS = tuple(name for name in names("table") if name not in BINARY)
GRAPH_FORMATS = names("graph")
# Rows the aligned table holds to size its columns (a few hundred kB of text at most).
ALIGN_ROWS = 1000


def render_table(table: Table, fmt: str) -> str:
    """A SELECT/ASK result held in memory, as text (the aligned table sized on all its rows)."""
    answer = Answer(table.variables, iter([table.rows]), boolean=table.boolean)
    return "".join(stream_table(answer, fmt))


def render_triples(result: Triples, fmt: str) -> str:
    """CONSTRUCT/DESCRIBE results in a graph format: same input, same bytes."""
    return serialise_triples(result.triples, fmt)


def stream_answer(answer: Answer, fmt: str | None, layout: Layout | None = None) -> Iterator[str]:
    """Any answer as text: SELECT/ASK in a table format (default table), CONSTRUCT/DESCRIBE in a
    graph format (default ttl). Which kind a query gives is known once it runs, so a format of
    the other kind is refused here, with the formats that fit. `layout`: how the aligned table
    is drawn (default: nothing cut, no colour)."""
    if answer.graph:
        if fmt is not None and fmt not in GRAPH_FORMATS:
            raise ClusterKGError(
                f"--format {fmt} is for tables; a graph result takes {_either(GRAPH_FORMATS)}"
            )
        return stream_triples(answer, fmt or "ttl")
    if fmt is not None and fmt not in TABLE_FORMATS:
        raise ClusterKGError(
            f"--format {fmt} is for graphs; a table result takes {_either(TABLE_FORMATS)}"
        )
    return stream_table(answer, fmt or "table", layout)


def _either(names: tuple[str, ...]) -> str:
    return ", ".join(names[:-1]) + " or " + names[-1]


def stream_table(answer: Answer, fmt: str, layout: Layout | None = None) -> Iterator[str]:
    """A SELECT/ASK answer as text, a chunk per page as its pages are read."""
    layout = layout or Layout()
    if answer.boolean is not None:
        return iter([_boolean(answer.boolean, fmt, layout)])
    if fmt == "json":
        return _json(answer)
    if fmt == "xml":
        return _xml(answer)
    if fmt == "csv":
        return _csv(answer)
    if fmt == "tsv":
        return _tsv(answer)
    if fmt == "md":
        return _markdown(answer)
    return _aligned(answer, layout)


def stream_triples(answer: Answer, fmt: str) -> Iterator[str]:
    """A CONSTRUCT/DESCRIBE answer as text: one chunk, once every triple is read."""
    collected = answer.collect()
    assert isinstance(collected, Triples)
    yield render_triples(collected, fmt)


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def _boolean(value: bool, fmt: str, layout: Layout) -> str:
    text = "true" if value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return f"result\r\n{text}\r\n"
    if fmt == "tsv":
        return f"?result\n{text}\n"
    if fmt == "md":
        return f"| result |\n| --- |\n| {text} |\n"
    if fmt == "xml":
        return f"{_XML_HEAD}<head/>\n<boolean>{text}</boolean>\n</sparql>\n"
    return "".join(_aligned_blocks(["result"], iter([[[text]]]), layout))


def _json(answer: Answer) -> Iterator[str]:
    """The SPARQL JSON results document, written as json.dumps(indent=2) would write it whole."""
    empty = {"head": {"vars": answer.variables}, "results": {"bindings": []}}
    opening, closing = json.dumps(empty, ensure_ascii=False, indent=2).rsplit("[]", 1)
    yield opening + "["
    separator = "\n"
    for page in answer.pages:
        items = []
        for row in page:
            binding = {
                v: _json_term(t)
                for v, t in zip(answer.variables, row, strict=True)
                if t is not None
            }
            text = json.dumps(binding, ensure_ascii=False, indent=2).replace("\n", "\n      ")
            items.append(separator + "      " + text)
            separator = ",\n"
        yield "".join(items)
    yield ("]" if separator == "\n" else "\n    ]") + closing + "\n"


_XML_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'


def _xml(answer: Answer) -> Iterator[str]:
    """The SPARQL Query Results XML document, a chunk per page."""
    variables = "".join(f"  <variable name={xml_attribute(v)}/>\n" for v in answer.variables)
    yield f"{_XML_HEAD}<head>\n{variables}</head>\n<results>\n"
    for page in answer.pages:
        yield "".join(_xml_result(answer.variables, row) for row in page)
    yield "</results>\n</sparql>\n"


def _xml_result(variables: list[str], row: Row) -> str:
    bindings = "".join(
        f"  <binding name={xml_attribute(v)}>{_xml_term(t)}</binding>\n"
        for v, t in zip(variables, row, strict=True)
        if t is not None
    )
    return f"<result>\n{bindings}</result>\n"


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{xml_text(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{xml_text(term.value)}</bnode>"
    if term.language:
        return f"<literal xml:lang={xml_attribute(term.language)}>{xml_text(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        datatype = xml_attribute(term.datatype.value)
        return f"<literal datatype={datatype}>{xml_text(term.value)}</literal>"
    return f"<literal>{xml_text(term.value)}</literal>"


def _csv(answer: Answer) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(answer.variables)
    yield buffer.getvalue()  # the header at once, before the first rows are ready
    buffer.seek(0)
    buffer.truncate()
    for page in answer.pages:
        writer.writerows([_csv_value(t) for t in row] for row in page)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _csv_value(term: Term | None) -> str:
    """A term as SPARQL 1.1 CSV writes it: its plain value, a blank node as `_:label`."""
    if term is None:
        return ""
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def _tsv(answer: Answer) -> Iterator[str]:
    yield "\t".join(f"?{v}" for v in answer.variables) + "\n"
    for page in answer.pages:
        yield "".join("\t".join("" if t is None else _nt(t) for t in row) + "\n" for row in page)


def _nt(term: Term) -> str:
    text = str(term)
    # TSV cells hold no raw tabs or newlines; N-Triples escapes them already.
    return text.replace("\t", "\\t").replace("\n", "\\n")


def _cells(page: list[Row]) -> list[list[str]]:
    return [[shown(t) for t in row] for row in page]


def _aligned(answer: Answer, layout: Layout) -> Iterator[str]:
    return _aligned_blocks(answer.variables, (_cells(page) for page in answer.pages), layout)


def _aligned_blocks(
    header: list[str], pages: Iterator[list[list[str]]], layout: Layout
) -> Iterator[str]:
    """Blocks of at least ALIGN_ROWS rows, each aligned on its own; the header sized with the
    first. If reading stops with an error (a timeout), the rows already read are written first."""
    block: list[list[str]] = []
    count = 0
    try:
        for page in pages:
            block += page
            if len(block) >= ALIGN_ROWS:
                yield _align(header, block, layout, count)
                count, block = count + len(block), []
    except Exception:
        if block:
            yield _align(header, block, layout, count)
        raise
    if block or count == 0:
        yield _align(header, block, layout, count)
    count += len(block)
    yield f"({count} row{'s' if count != 1 else ''})\n"


def _align(header: list[str], rows: list[list[str]], layout: Layout, before: int) -> str:
    """A block of rows, `before` rows having been written: the header with the first block."""
    if layout.as_records(header):
        lines = record_lines(header, rows, layout, first=before + 1)
    else:
        lines = aligned_lines(header, rows, layout, with_header=before == 0)
    return "".join(line + "\n" for line in lines)


def _markdown(answer: Answer) -> Iterator[str]:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |\n"

    yield line(answer.variables) + "| " + " | ".join("---" for _ in answer.variables) + " |\n"
    for page in answer.pages:
        yield "".join(line(cells) for cells in _cells(page))
