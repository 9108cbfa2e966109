"""One registry of output formats: the lists the CLI offers come from it, each of its formats is
written by someone, and a media type (as HTTP content negotiation gives it) finds its format."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.query import Result

from clusterkg.engine import Table, Triples
from clusterkg.errors import ClusterKGError
from clusterkg.output.formats import FORMATS, by_media_type, by_name, names
from clusterkg.output.serialise import DATASET_FORMATS, EXPORT_FORMATS, serialise
from clusterkg.output.tables import GRAPH_FORMATS, TABLE_FORMATS, render_table, render_triples

EX = "http://example.org/"


def test_the_format_lists_are_drawn_from_the_registry_in_the_clis_order() -> None:
    assert EXPORT_FORMATS == ("ttl", "nt", "nq", "trig", "jsonld", "rdfxml")
    assert DATASET_FORMATS == ("nq", "trig")
    assert GRAPH_FORMATS == ("ttl", "nt", "jsonld", "rdfxml")
    assert TABLE_FORMATS == ("table", "csv", "tsv", "json", "xml", "md")
    assert names("table") == (*TABLE_FORMATS, "xlsx")  # a binary format, written elsewhere
    assert names("report") == ("text", "json", "ttl", "xlsx", "sarif")
    assert set(names("graph", "dataset", "table", "report")) == {f.name for f in FORMATS}


@pytest.mark.parametrize("kind", ["graph", "dataset", "table", "report"])
def test_names_and_media_types_are_each_given_once_within_a_kind(kind: str) -> None:
    of_kind = [f for f in FORMATS if f.kind == kind]
    for field in ("name", "media_type", "extension"):
        values = [getattr(f, field) for f in of_kind]
        assert len(values) == len(set(values)), field


def test_the_same_name_is_another_format_in_another_kind() -> None:
    assert by_name("json", "table").media_type == "application/sparql-results+json"
    assert by_name("json", "report").media_type == "application/json"
    assert by_media_type("text/plain", "report") == by_name("text")
    assert by_media_type("text/plain", "table") == by_name("table")
    with pytest.raises(KeyError):
        by_name("text", "table")


@pytest.mark.parametrize("name", EXPORT_FORMATS)
def test_every_graph_and_dataset_format_has_a_writer(name: str) -> None:
    quad = (ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal("o"), EX + "g")
    assert "example.org" in serialise([quad], name)


@pytest.mark.parametrize("name", TABLE_FORMATS)
def test_every_table_format_has_a_writer(name: str) -> None:
    table = Table(["x"], [[ox.Literal("a value")]])
    assert "a value" in render_table(table, name)


@pytest.mark.parametrize(
    ("media_type", "name"),
    [
        ("text/turtle", "ttl"),
        ("text/turtle; charset=utf-8", "ttl"),
        ("Application/N-Triples", "nt"),
        ("application/sparql-results+json", "json"),
        ("text/csv", "csv"),
    ],
)
def test_a_media_type_finds_its_format(media_type: str, name: str) -> None:
    found = by_media_type(media_type, "graph", "table")
    assert found is not None
    assert found == by_name(name, "graph", "table")


def test_a_media_type_of_no_format_of_ours_finds_none() -> None:
    assert by_media_type("image/png") is None


# Written by hand: one of each kind of term, the characters XML must escape, a carriage return.
RDF_TYPE_IRI = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_INT = "http://www.w3.org/2001/XMLSchema#integer"
TRIPLES = [
    ox.Triple(ox.NamedNode(EX + "s"), ox.NamedNode(RDF_TYPE_IRI), ox.NamedNode(EX + "Cluster")),
    ox.Triple(
        ox.NamedNode(EX + "s"), ox.NamedNode(EX + "label"), ox.Literal("<a> & b", language="lt")
    ),
    ox.Triple(
        ox.NamedNode(EX + "s"),
        ox.NamedNode(EX + "size-2"),
        ox.Literal("7", datatype=ox.NamedNode(XSD_INT)),
    ),
    ox.Triple(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "part"), ox.BlankNode("x")),
    ox.Triple(ox.BlankNode("x"), ox.NamedNode(EX + "note"), ox.Literal("line\r\nnext")),
]


def test_rdf_xml_is_the_same_graph_read_back() -> None:
    text = render_triples(Triples(TRIPLES), "rdfxml")
    read = rdflib.Graph().parse(data=text, format="xml")
    expected = rdflib.Graph().parse(data="".join(f"{t} .\n" for t in TRIPLES), format="nt")
    assert isomorphic(read, expected)
    assert text == render_triples(Triples(list(reversed(TRIPLES))), "rdfxml")  # deterministic


def test_rdf_xml_refuses_a_predicate_xml_cannot_name() -> None:
    quad = (ox.NamedNode(EX + "s"), ox.NamedNode(EX + "1"), ox.Literal("o"), None)
    with pytest.raises(ClusterKGError, match="cannot be written as RDF/XML"):
        serialise([quad], "rdfxml")


def test_xml_refuses_a_character_xml_forbids() -> None:
    with pytest.raises(ClusterKGError, match=r"U\+0001, which XML 1\.0 forbids"):
        render_table(Table(["x"], [[ox.Literal("a\x01")]]), "xml")


def test_sparql_xml_results_read_back_as_the_same_terms() -> None:
    rows: list[list[ox.NamedNode | ox.BlankNode | ox.Literal | None]] = [
        [ox.NamedNode(EX + "s"), ox.Literal("<a> & b", language="lt")],
        [ox.Literal("7", datatype=ox.NamedNode(XSD_INT)), None],
        [ox.BlankNode("b1"), ox.Literal("line\r\nnext")],
    ]
    text = render_table(Table(["x", "y"], rows), "xml")
    result = Result.parse(io.BytesIO(text.encode()), format="xml")
    assert [str(v) for v in result.vars] == ["x", "y"]
    read = [list(r) for r in result]
    assert read[0] == [rdflib.URIRef(EX + "s"), rdflib.Literal("<a> & b", lang="lt")]
    assert read[1] == [rdflib.Literal("7", datatype=rdflib.URIRef(XSD_INT)), None]
    assert isinstance(read[2][0], rdflib.BNode) and read[2][1] == rdflib.Literal("line\r\nnext")
    ask = Result.parse(io.BytesIO(render_table(Table([], [], False), "xml").encode()), format="xml")
    assert ask.askAnswer is False


def test_csv_writes_a_blank_node_as_a_blank_node() -> None:
    """SPARQL 1.1 CSV/TSV §2: `_:label`, so a reader can tell it from the literal "label"."""
    table = Table(["x", "y"], [[ox.BlankNode("a"), ox.Literal("a")]])
    assert render_table(table, "csv") == "x,y\r\n_:a,a\r\n"
