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
    assert set(names("graph", "dataset", "table")) == {f.name for f in FORMATS}


def test_names_media_types_and_extensions_are_each_given_once() -> None:
    for field in ("name", "media_type", "extension"):
        values = [getattr(f, field) for f in FORMATS]
        assert len(values) == len(set(values)), field


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
    found = by_media_type(media_type)
    assert found is not None
    assert found == by_name(name)


def test_a_media_type_of_no_format_of_ours_finds_none() -> None:
    assert by_media_type("image/png") is None
