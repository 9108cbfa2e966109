"""The bundled facts quote only words their sources really have (docs/model.md, issue 10).

Every `oa:exact` of a statement group's `ck:quote` whose `oa:hasSource` is one of the two source
texts must occur, word for word, in that text (sources/<dcterms:identifier>); every
`schema:text` of a `schema:Quotation` must occur in the text its group cites. Web pages are not
stored here, so quotes from them cannot be checked: the data quotes none.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

ROOT = Path(__file__).resolve().parents[1]
DATA_FILES = sorted((ROOT / "data").glob("*.trig"))
OA = Namespace("http://www.w3.org/ns/oa#")
CK = Namespace("https://w3id.org/clusterkg/ontology#")
SCHEMA = Namespace("https://schema.org/")


def _dataset() -> Dataset:
    dataset = Dataset()
    for path in DATA_FILES:
        dataset.parse(path, format="trig")
    return dataset


def _default(dataset: Dataset) -> Graph:
    return dataset.default_graph


def _text_of(default: Graph, source: URIRef) -> str | None:
    name = default.value(source, DCTERMS.identifier)
    if name is None:
        return None  # a web page: its words are not stored
    return (ROOT / "sources" / str(name)).read_text(encoding="utf-8")


def test_the_bundled_data_files_are_found() -> None:
    assert DATA_FILES, "no data/*.trig files"


def test_every_quote_of_a_source_text_is_verbatim() -> None:
    dataset = _dataset()
    default = _default(dataset)
    checked = 0
    for quote in default.objects(None, CK.quote):
        source = default.value(quote, OA.hasSource)
        selector = default.value(quote, OA.hasSelector)
        exact = default.value(selector, OA.exact)
        assert source is not None and exact is not None, quote
        text = _text_of(default, source)
        assert text is not None, f"quote from a page whose words are not stored: {source}"
        assert str(exact) in text, f"not in {source}: {exact!r}"
        assert exact.language == "en", exact
        checked += 1
    assert checked > 20


@pytest.mark.parametrize("person", ["kestutis-setkus", "julius-pauzolis", "ruta-gilaitiene"])
def test_each_quotation_is_as_written_in_its_source(person: str) -> None:
    dataset = _dataset()
    default = _default(dataset)
    creator = URIRef(f"https://w3id.org/clusterkg/id/person/{person}")
    found = 0
    for graph in dataset.graphs():
        for quotation in graph.subjects(SCHEMA.creator, creator):
            assert (quotation, RDF.type, SCHEMA.Quotation) in graph
            text = graph.value(quotation, SCHEMA.text)
            sources = list(default.objects(graph.identifier, PROV.wasDerivedFrom))
            assert sources, f"group {graph.identifier} has no source"
            assert any(str(text) in (_text_of(default, s) or "") for s in sources), text
            found += 1
    assert found == 1
