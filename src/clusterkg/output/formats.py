"""The output formats, once: each format's name, media type, file extension and kind.

The command line offers formats by name (`--format ttl`); an HTTP face would choose one by media
type (content negotiation), and a file by its extension. Every list of formats the code uses
(EXPORT_FORMATS, DATASET_FORMATS in serialise.py, TABLE_FORMATS, GRAPH_FORMATS in tables.py)
is drawn from FORMATS, so a format is added in one place.

Kinds: a `graph` format writes triples (an export, a CONSTRUCT result); a `dataset` format writes
quads, so an export keeps its named graphs; a `table` format writes SELECT/ASK results; a
`report` format writes a validation report (sarif: the SARIF 2.1.0 log code-scanning tools
read). xlsx, a spreadsheet, is both a table and a report format, and the one binary format. A
name or a media type is unique within a kind (the JSON of a table is SPARQL results JSON, the
JSON of a report is not), so lookups take the kinds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["graph", "dataset", "table", "report"]
KINDS: tuple[Kind, ...] = ("graph", "dataset", "table", "report")


@dataclass(frozen=True)
class Format:
    """One output format: `name` as the command line spells it, the IANA `media_type`, the
    usual file `extension` (without the dot) and its `kind`."""

    name: str
    media_type: str
    extension: str
    kind: Kind


# In the order the command line lists them: name, media type, extension, kind. The report's ttl
# is the SHACL validation report graph.
_TABLE = """
ttl     text/turtle                       ttl     graph
nt      application/n-triples             nt      graph
nq      application/n-quads               nq      dataset
trig    application/trig                  trig    dataset
jsonld  application/ld+json               jsonld  graph
rdfxml  application/rdf+xml               rdf     graph
table   text/plain                        txt     table
csv     text/csv                          csv     table
tsv     text/tab-separated-values         tsv     table
json    application/sparql-results+json   srj     table
xml     application/sparql-results+xml    srx     table
md      text/markdown                     md      table
xlsx    application/vnd.openxmlformats-officedocument.spreadsheetml.sheet  xlsx  table
text    text/plain                        txt     report
json    application/json                  json    report
ttl     text/turtle                       ttl     report
xlsx    application/vnd.openxmlformats-officedocument.spreadsheetml.sheet  xlsx  report
sarif   application/sarif+json            sarif   report
"""

# Formats written as bytes, not text: to a file (-o) or a pipe, never to a terminal.
BINARY = frozenset({"xlsx"})


def _format(line: str) -> Format:
    name, media_type, extension, kind = line.split()
    return Format(name, media_type, extension, next(k for k in KINDS if k == kind))


FORMATS = tuple(_format(line) for line in _TABLE.strip().splitlines())


def names(*kinds: Kind) -> tuple[str, ...]:
    """The names of the formats of these kinds, in FORMATS order."""
    return tuple(f.name for f in FORMATS if f.kind in kinds)


def by_name(name: str, *kinds: Kind) -> Format:
    """The format of these kinds (default: any) the command line calls `name`, the first in
    FORMATS order (KeyError for none)."""
    found = [f for f in FORMATS if f.name == name and f.kind in (kinds or KINDS)]
    if not found:
        raise KeyError(name)
    return found[0]


def by_media_type(media_type: str, *kinds: Kind) -> Format | None:
    """The format of these kinds (default: any) of a media type as an HTTP Accept or
    Content-Type header gives it (`text/turtle; charset=utf-8`: parameters and case do not
    matter), the first in FORMATS order; None if none is ours."""
    essence = media_type.split(";", 1)[0].strip().lower()
    found = [f for f in FORMATS if f.media_type == essence and f.kind in (kinds or KINDS)]
    return found[0] if found else None
