"""One registry of output formats: the lists the CLI offers come from it, each of its formats is
written by someone, and a media type (as HTTP content negotiation gives it) finds its format."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from clusterkg.engine import Table
from clusterkg.output.formats import FORMATS, by_media_type, by_name, names
from clusterkg.output.serialise import DATASET_FORMATS, EXPORT_FORMATS, serialise
from clusterkg.output.tables import GRAPH_FORMATS, TABLE_FORMATS, render_table

EX = "http://example.org/"


def test_the_format_lists_are_drawn_from_the_registry_in_the_clis_order() -> None:
    assert EXPORT_FORMATS == ("ttl", "nt", "nq", "trig", "jsonld")
    assert DATASET_FORMATS == ("nq", "trig")
    assert GRAPH_FORMATS == ("ttl", "nt", "jsonld")
    assert TABLE_FORMATS == ("table", "csv", "tsv", "json", "md")
    assert names("report") == ("text", "json", "ttl")
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
