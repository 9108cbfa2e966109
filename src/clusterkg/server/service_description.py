"""The SPARQL 1.1 Service Description of /sparql: what a GET with no query answers.

It says where the endpoint is, that it answers SPARQL 1.1 queries (no updates), in which
result formats, and its default dataset: a default graph made of the asserted and the inferred
graphs, and every graph of the store as a named graph (statement groups, by GRAPH ?g).

No sd:feature is claimed, because none of the five the vocabulary defines holds:
sd:DereferencesURIs (graphs named by the protocol are never fetched), sd:BasicFederatedQuery
(SERVICE is refused), sd:UnionDefaultGraph (the default graph is two graphs, not the union of
all: the statement groups hold the asserted triples a second time), sd:RequiresDataset (a query
without one runs on the default dataset), sd:EmptyGraphs (a feature of updates).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from clusterkg.engine import Table
from clusterkg.engine.limits import capped
from clusterkg.output import formats
from clusterkg.output.serialise import serialise_triples
from clusterkg.server.tasks import Reply, Served
from clusterkg.vocabulary import QUERIED, RDF_TYPE, RDFS

SD = "http://www.w3.org/ns/sparql-service-description#"
RDFS_COMMENT = RDFS + "comment"
# The W3C's IRIs of the result formats (https://www.w3.org/ns/formats/), by format name.
FORMAT_IRIS = {
    "json": "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    "xml": "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    "csv": "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    "tsv": "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    "ttl": "http://www.w3.org/ns/formats/Turtle",
    "nt": "http://www.w3.org/ns/formats/N-Triples",
    "jsonld": "http://www.w3.org/ns/formats/JSON-LD",
    "rdfxml": "http://www.w3.org/ns/formats/RDF_XML",
}
_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } } ORDER BY ?g"


@dataclass(frozen=True)
class DescribeService:
    """The description of the endpoint at `endpoint` (its absolute URL), in graph format
    `fmt`, listing at most `max_rows` named graphs (the rest announced as cut, like any answer
    of this server)."""

    endpoint: str
    fmt: str
    result_formats: tuple[str, ...]
    max_rows: int | None

    def run(self, served: Served) -> Reply:
        answer = capped(served.engine.evaluate(_GRAPHS), self.max_rows)
        table = answer.collect()
        assert isinstance(table, Table)
        graphs = [row[0].value for row in table.rows if isinstance(row[0], ox.NamedNode)]
        body = serialise_triples(self.triples(graphs), self.fmt).encode("utf-8")
        media_type = formats.by_name(self.fmt, "graph").media_type
        if media_type.startswith("text/"):
            media_type += "; charset=utf-8"
        headers = {"Vary": "Accept"}
        if table.truncated:
            headers["X-Clusterkg-Truncated"] = "true"
        return Reply(200, media_type, body, headers)

    def triples(self, graphs: list[str]) -> list[ox.Triple]:
        service, dataset, default = ox.BlankNode(), ox.BlankNode(), ox.BlankNode()
        out = [
            _t(service, RDF_TYPE, _iri(SD + "Service")),
            _t(service, SD + "endpoint", _iri(self.endpoint)),
            _t(service, SD + "supportedLanguage", _iri(SD + "SPARQL11Query")),
            _t(service, SD + "defaultDataset", dataset),
            _t(dataset, RDF_TYPE, _iri(SD + "Dataset")),
            _t(dataset, SD + "defaultGraph", default),
            _t(default, RDF_TYPE, _iri(SD + "Graph")),
            _t(
                default,
                RDFS_COMMENT,
                ox.Literal(
                    "The asserted triples and those OWL 2 RL reasoning adds: the graphs "
                    + " and ".join(f"<{g}>" for g in QUERIED),
                    language="en",
                ),
            ),
        ]
        out += [_t(service, SD + "resultFormat", _iri(FORMAT_IRIS[f])) for f in self.result_formats]
        for graph in graphs:
            node = ox.BlankNode()
            out += [
                _t(dataset, SD + "namedGraph", node),
                _t(node, RDF_TYPE, _iri(SD + "NamedGraph")),
                _t(node, SD + "name", _iri(graph)),
            ]
        return out


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def _t(subject: ox.NamedNode | ox.BlankNode, predicate: str, obj: object) -> ox.Triple:
    return ox.Triple(subject, ox.NamedNode(predicate), obj)  # type: ignore[arg-type]
