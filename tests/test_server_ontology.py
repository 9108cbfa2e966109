"""/ontology over HTTP (clusterkg.server.ontology_page), checked against the ontology and shapes
files read here independently with rdflib: every class and property has its anchor, the
ontology's own term IRIs resolve to the page, RDF clients get the ontology itself."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF
from starlette.testclient import TestClient

from clusterkg import KnowledgeGraph
from clusterkg.queries.resolve import Resolver
from clusterkg.server.app import create_app
from clusterkg.server.ontology_page import OntologyPage, static_pages
from clusterkg.server.site import InProcess, Paths, Site
from clusterkg.server.tasks import Served

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "clusterkg.ttl"
CK = "https://w3id.org/clusterkg/ontology#"
DECLARATIONS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph.load(cache=None).with_closure()


@pytest.fixture(scope="module")
def client(kg: KnowledgeGraph) -> Iterator[TestClient]:
    served = Served(kg.engine, kg.bundle, Resolver.of_build(kg.engine, None), Paths().base)
    with TestClient(create_app(Site(InProcess(served), kg.bundle))) as client:
        yield client


@pytest.fixture(scope="module")
def page(client: TestClient) -> Articles:
    response = client.get("/ontology", headers={"Accept": "text/html"})
    assert response.status_code == 200
    return Articles(response.text)


class Articles(HTMLParser):
    """Each <article id=…> of the page with its text; every id; every in-page link."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.text: dict[str, str] = {}
        self.fragments: set[str] = set()
        self._article: str | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.append(str(attributes["id"]))
        if tag == "article":
            self._article = attributes.get("id")
            self.text[self._article or ""] = ""
        href = attributes.get("href") or ""
        if tag == "a" and href.startswith("#"):
            self.fragments.add(href[1:])

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self._article = None

    def handle_data(self, data: str) -> None:
        if self._article is not None:
            self.text[self._article] += data


def declared() -> dict[str, str]:
    """Each class and property the ontology file declares → the anchor it must have: the local
    name of clusterkg's own terms, the CURIE (by the file's prefixes) of reused ones."""
    graph = rdflib.Graph().parse(ONTOLOGY, format="turtle")
    terms: dict[str, str] = {}
    for kind in DECLARATIONS:
        for subject in graph.subjects(RDF.type, kind):
            iri = str(subject)
            prefix, _namespace, local = graph.namespace_manager.compute_qname(iri)
            terms[iri] = local if iri.startswith(CK) else f"{prefix}:{local}"
    assert len(terms) > 50, "the ontology declares its classes and properties"
    return terms


def test_every_class_and_property_has_its_anchor(page: Articles) -> None:
    expected = declared()
    assert set(page.text) == set(expected.values())
    for iri, anchor in expected.items():
        assert iri in page.text[anchor]  # the article shows the IRI it documents


def test_anchors_are_unique_and_links_inside_the_page_land(page: Articles) -> None:
    assert len(page.ids) == len(set(page.ids))
    assert page.fragments <= set(page.ids)


def test_own_terms_have_their_label_and_definition(page: Articles) -> None:
    # written from ontology/clusterkg.ttl
    cluster = page.text["Cluster"]
    assert "Cluster" in cluster
    assert "A cluster organisation: a network of member organisations" in cluster
    assert "org:OrganizationalCollaboration" in cluster  # a superclass
    assert "prov:Entity" in cluster
    assert "reused" not in cluster


def test_domain_range_and_inverse_of_a_property(page: Articles) -> None:
    awarded = page.text["awardedTo"]
    assert "ck:LabelAward" in awarded  # domain
    assert "ck:Cluster" in awarded  # range
    assert "schema:about" in awarded  # superproperty
    assert "ck:hasAward" in awarded  # inverse
    assert "ck:awardedTo" in page.text["hasAward"]  # the inverse, seen from the other side


def test_shapes_that_constrain_a_class_and_a_property(page: Articles) -> None:
    # shapes.ttl: cksh:Named targets ck:Cluster among others; cksh:Named-acronym has
    # sh:path ck:acronym, sh:datatype xsd:string, sh:minLength 1
    assert "cksh:Named" in page.text["Cluster"]
    acronym = page.text["acronym"]
    assert "cksh:Named-acronym" in acronym
    assert "sh:datatype xsd:string" in acronym
    assert "A ck:acronym must be a plain non-empty string" in acronym


def test_reused_terms_are_marked_and_not_linked_out(page: Articles, client: TestClient) -> None:
    organization = page.text["org:Organization"]
    assert "reused" in organization
    assert "http://www.w3.org/ns/org#Organization" in organization
    html = client.get("/ontology").text
    assert 'href="http' not in html  # nothing on the page points outside the server


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("text/turtle", "text/turtle"),
        ("application/n-triples", "application/n-triples"),
        ("application/ld+json", "application/ld+json"),
        ("text/turtle;q=0.9, text/html;q=0.5", "text/turtle"),
    ],
)
def test_rdf_clients_get_the_ontology(client: TestClient, accept: str, media_type: str) -> None:
    response = client.get("/ontology", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in response.headers["vary"]
    fmt = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld"}
    served = rdflib.Graph().parse(data=response.content, format=fmt[media_type])
    original = rdflib.Graph().parse(ONTOLOGY, format="turtle")
    assert isomorphic(served, original)


@pytest.mark.parametrize("suffix", ["ttl", "nt", "jsonld"])
def test_the_ontology_by_suffix(client: TestClient, suffix: str) -> None:
    response = client.get(f"/ontology.{suffix}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert not response.headers["content-type"].startswith("text/html")


def test_a_term_iri_resolves_to_the_page_for_browsers(client: TestClient) -> None:
    # https://w3id.org/clusterkg/ontology#Cluster: the fragment stays in the browser
    path = Paths().path_of(CK + "Cluster")
    assert path == "/ontology#Cluster"
    response = client.get(path.split("#")[0], headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 200
    assert 'id="Cluster"' in response.text


def test_the_ontology_iri_and_its_version_iri_resolve(client: TestClient) -> None:
    # ontology/clusterkg.ttl: <https://w3id.org/clusterkg/ontology> owl:versionIRI <…/0.1.0>
    for iri in ("https://w3id.org/clusterkg/ontology", "https://w3id.org/clusterkg/ontology/0.1.0"):
        path = Paths().path_of(iri)
        assert path is not None
        response = client.get(path, headers={"Accept": "text/turtle"})
        assert response.status_code == 200
        assert response.content == ONTOLOGY.read_bytes()


def test_nothing_acceptable_is_406(client: TestClient) -> None:
    assert client.get("/ontology", headers={"Accept": "image/png"}).status_code == 406


def test_static_pages(kg: KnowledgeGraph) -> None:
    served = Served(kg.engine, kg.bundle, Resolver.of_build(kg.engine, None), Paths().base)
    pages = dict(static_pages(Site(InProcess(served), kg.bundle)))
    assert pages["/ontology"] == OntologyPage("html")
    assert set(pages) == {"/ontology", "/ontology.ttl", "/ontology.nt", "/ontology.jsonld"}
    assert InProcess(served).run_now(pages["/ontology.ttl"]).body == ONTOLOGY.read_bytes()
