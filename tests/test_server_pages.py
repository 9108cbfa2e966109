"""A page for every thing, /search and /void, through the HTTP face (Starlette's test client over
the in-process runner). Golden facts are written by hand from data/ and sources/: FETEK's name
and coordinator (data/clusters.trig), its Silver award (data/awards.trig), text 1's quote."""

from __future__ import annotations

import json
import pickle
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from starlette.testclient import TestClient

from clusterkg.engine import Table
from clusterkg.inputs.bundle import bundled
from clusterkg.knowledge_graph import KnowledgeGraph
from clusterkg.queries.resolve import Resolver
from clusterkg.server.app import create_app
from clusterkg.server.pages import ThingsUnder, ThingTask, VoidTask
from clusterkg.server.search import Search
from clusterkg.server.site import DEFAULT_BASE, InProcess, Site
from clusterkg.server.tasks import Served

HOSTILE = Path(__file__).parent / "fixtures" / "pages" / "hostile-label.trig"
FETEK = "https://w3id.org/clusterkg/id/cluster/fetek"
CK = "https://w3id.org/clusterkg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
TURTLE = {"Accept": "text/turtle"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture(scope="module")
def served() -> Served:
    kg = KnowledgeGraph.load([*bundled().data, HOSTILE], cache=None).with_closure()
    return Served(kg.engine, kg.bundle, Resolver.of_build(kg.engine, None), DEFAULT_BASE)


@pytest.fixture(scope="module")
def client(served: Served) -> Iterator[TestClient]:
    with TestClient(create_app(Site(InProcess(served), served.bundle))) as client:
        yield client


def test_fetek_page_shows_labels_links_and_sources(client: TestClient) -> None:
    page = client.get("/id/cluster/fetek", headers=BROWSER)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["vary"].startswith("Accept")
    assert page.headers["content-location"] == "/id/cluster/fetek.html"
    text = page.text
    assert "<h1>FETEK</h1>" in text
    # its coordinator by name, linked to its page (data/clusters.trig, the ProTech page)
    assert re.search(r'<a href="/id/organisation/protech"[^>]*>ProTech</a>', text)
    assert re.search(r'<a href="/id/sector/photovoltaics"[^>]*>Photovoltaics</a>', text)
    # text 1's words, with the group's evidence level
    assert "Lithuanian clusters that are currently benchmarked by ESCA" in text
    assert "Stated" in text and "Confirmed" in text
    # the Silver award points here (ck:awardedTo), by its label
    assert "Silver Label (May, year not stated): FETEK" in text
    assert 'href="/id/award/fetek-silver"' in text


def test_inferred_statements_are_marked(client: TestClient) -> None:
    text = client.get("/id/cluster/fetek").text
    # ck:sector ⊑ dcterms:subject: the reasoner adds FETEK dcterms:subject photovoltaics
    rows = re.findall(r"<tr( class=\"inferred\")?>\s*<td>(.*?)</td>", text, re.DOTALL)
    subject_rows = [marked for marked, cell in rows if "dcterms:subject" in cell]
    assert subject_rows == [' class="inferred"']
    label_rows = [marked for marked, cell in rows if "skos:prefLabel" in cell]
    assert label_rows == [""]


def test_turtle_is_the_triples_the_store_has(client: TestClient, served: Served) -> None:
    answer = client.get("/id/cluster/fetek", headers=TURTLE)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/turtle")
    assert answer.headers["content-location"] == "/id/cluster/fetek.ttl"
    assert answer.headers["vary"].startswith("Accept")
    graph = rdflib.Graph().parse(data=answer.text, format="turtle")
    fetek = rdflib.URIRef(FETEK)
    assert (fetek, rdflib.URIRef(SKOS + "prefLabel"), rdflib.Literal("FETEK", lang="en")) in graph
    protech = rdflib.URIRef("https://w3id.org/clusterkg/id/organisation/protech")
    assert (fetek, rdflib.URIRef(CK + "coordinator"), protech) in graph
    stored = served.engine.run("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", {"s": ox.NamedNode(FETEK)})
    assert isinstance(stored, Table)
    expected = {(str(p.value), str(o.value)) for _, p, o in stored.rows}  # type: ignore[union-attr]
    assert {(str(p), str(o)) for s, p, o in graph if s == fetek} == expected
    assert {s for s, _, _ in graph} == {fetek}  # its triples as subject, nothing else


@pytest.mark.parametrize(
    "suffix, media, parse",
    [
        ("ttl", "text/turtle", "turtle"),
        ("nt", "application/n-triples", "nt"),
        ("jsonld", "application/ld+json", "json-ld"),
    ],
)
def test_a_suffix_chooses_the_format(
    client: TestClient, suffix: str, media: str, parse: str
) -> None:
    answer = client.get(f"/id/cluster/fetek.{suffix}", headers=BROWSER)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(media)
    graph = rdflib.Graph().parse(data=answer.text, format=parse)
    assert (rdflib.URIRef(FETEK), rdflib.URIRef(SKOS + "prefLabel"), None) in graph


def test_accept_chooses_json_ld_and_refuses_what_is_not_offered(client: TestClient) -> None:
    answer = client.get("/id/cluster/fetek", headers={"Accept": "application/ld+json"})
    assert answer.status_code == 200
    document = json.loads(answer.text)
    assert any(node["@id"] == "cluster:fetek" for node in document["@graph"])
    refused = client.get("/id/cluster/fetek", headers={"Accept": "image/png"})
    assert refused.status_code == 406
    assert "text/turtle" in refused.text
    assert client.get("/id/cluster/fetek.html").text.count("<h1>FETEK</h1>") == 1


def test_an_iri_with_a_dot_is_not_mistaken_for_a_suffix(client: TestClient) -> None:
    answer = client.get("/id/cluster/dotted.ttl", headers=BROWSER)
    assert answer.status_code == 200
    assert "<h1>Dotted Test Cluster</h1>" in answer.text
    as_turtle = client.get("/id/cluster/dotted.ttl.ttl")
    assert as_turtle.headers["content-type"].startswith("text/turtle")
    assert "Dotted Test Cluster" in as_turtle.text


def test_any_path_under_the_base_is_a_thing(client: TestClient) -> None:
    # a generated graph's things are under …/clusterkg/synthetic/, not …/id/
    page = client.get("/test/beside-id", headers=BROWSER)
    assert page.status_code == 200 and "<h1>Test Cluster Beside id</h1>" in page.text
    assert client.get("/test/no-such-thing", headers=BROWSER).status_code == 404


def test_unknown_things_are_404_with_a_search_box(client: TestClient) -> None:
    page = client.get("/id/cluster/no-such-cluster", headers=BROWSER)
    assert page.status_code == 404
    assert '<form action="/search"' in page.text
    rdf = client.get("/id/cluster/no-such-cluster", headers=TURTLE)
    assert rdf.status_code == 404
    assert rdf.headers["content-type"].startswith("text/plain")
    assert client.get("/id/cluster/no-such-cluster.ttl").status_code == 404


def test_labels_are_escaped(client: TestClient) -> None:
    text = client.get("/id/cluster/hostile-label").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script>" not in text
    group = client.get("/id/statement/test-hostile-label").text
    assert "&lt;img src=x onerror=alert(2)&gt; quoted" in group
    assert "<img" not in group


def test_search_one_match_redirects(client: TestClient) -> None:
    answer = client.get("/search", params={"q": "Rūta"}, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/id/organisation/ruta"
    by_iri = client.get("/search", params={"q": "cluster:fetek"}, follow_redirects=False)
    assert by_iri.headers["location"] == "/id/cluster/fetek"


def test_search_many_matches_lists_candidates(client: TestClient) -> None:
    # data/clusters.trig: two of the ten are named "Lithuanian …"
    answer = client.get("/search", params={"q": "lithuanian"}, headers=BROWSER)
    assert answer.status_code == 200
    listed = r'<a href="/id/cluster/lithuanian-plastic-cluster">Lithuanian Plastic Cluster</a>'
    assert re.search(listed, answer.text)
    assert 'href="/id/cluster/laugea"' in answer.text
    as_json = client.get(
        "/search", params={"q": "lithuanian"}, headers={"Accept": "application/json"}
    )
    found = {c["iri"] for c in as_json.json()["found"]}
    assert "https://w3id.org/clusterkg/id/cluster/laugea" in found


def test_search_without_a_name_is_the_search_page(client: TestClient) -> None:
    answer = client.get("/search")
    assert answer.status_code == 200 and "<h1>Search</h1>" in answer.text
    assert client.get("/search", params={"q": "x" * 501}).status_code == 400


def test_search_unknown_is_404_with_near_names(client: TestClient) -> None:
    answer = client.get("/search", params={"q": "Smart Fod Cluster"}, headers=BROWSER)
    assert answer.status_code == 404
    assert "Did you mean" in answer.text and "Smart Food Cluster" in answer.text
    nothing = client.get("/search", params={"q": "zzzzqqq"}, headers={"Accept": "application/json"})
    assert nothing.status_code == 404
    assert nothing.json()["found"] == []


def test_void_describes_the_dataset(client: TestClient) -> None:
    answer = client.get("/void")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=answer.text, format="turtle")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    assert (None, rdflib.RDF.type, void.Dataset) in graph
    html = client.get("/void", headers=BROWSER)
    assert html.headers["content-type"].startswith("text/html")
    assert json.loads(client.get("/void.jsonld").text)["@graph"]


def test_things_outside_the_base_have_a_page(client: TestClient) -> None:
    source = "https://litfoodcluster.eu/en/achievements/"
    page = client.get("/page", params={"iri": source})
    assert page.status_code == 200
    # the group that cites it points here (data/clusters.trig)
    assert 'href="/id/statement/achievements-page-the-eight"' in page.text
    ours = client.get("/page", params={"iri": FETEK}, follow_redirects=False)
    assert ours.status_code == 301 and ours.headers["location"] == "/id/cluster/fetek"


def test_pages_are_bounded_and_say_how_many_more(served: Served) -> None:
    bronze = "https://w3id.org/clusterkg/id/tier/bronze"
    count = "SELECT ?o (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?o"
    counted = served.engine.run(count, {"o": ox.NamedNode(bronze)})
    assert isinstance(counted, Table)
    total = int(counted.rows[0][1].value)  # type: ignore[union-attr]
    assert total >= 11  # eleven Bronze awards in data/awards.trig, each ck:tier bronze
    page = ThingTask(bronze, "html", None, 2, DEFAULT_BASE).run(served).body.decode()
    table = page.split('<table class="incoming">', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr") == 2
    assert f"{total - 2} more statements point here" in page


def test_no_page_refers_to_another_host(client: TestClient) -> None:
    paths = ["/id/cluster/fetek", "/id/statement/text-1-benchmarked-clusters", "/void.html"]
    paths += ["/page?iri=https%3A%2F%2Flitfoodcluster.eu%2Fen%2Fachievements%2F"]
    for path in paths:
        text = client.get(path, headers=BROWSER).text
        outside = re.findall(r'(?:src|href|action)="(?:https?:)?//[^"]*"', text)
        assert not outside, (path, outside)


def test_tasks_are_picklable() -> None:
    """They are sent to worker processes."""
    tasks = [
        ThingTask(FETEK, "ttl", (FETEK, "ttl"), 10, DEFAULT_BASE, "/id/cluster/fetek"),
        Search("Rūta", True, DEFAULT_BASE),
        VoidTask("ttl"),
        ThingsUnder(DEFAULT_BASE),
    ]
    for task in tasks:
        assert pickle.loads(pickle.dumps(task)) == task


def test_head_answers_the_headers_alone(client: TestClient) -> None:
    answer = client.head("/id/cluster/fetek", headers=TURTLE)
    assert answer.status_code == 200 and answer.content == b""
    assert answer.headers["content-location"] == "/id/cluster/fetek.ttl"


def test_paths_that_are_no_iri_are_404(client: TestClient) -> None:
    assert client.get("/id/cluster/a%20b", headers=BROWSER).status_code == 404
    assert client.get("/id/cluster/%3Cx%3E.ttl").status_code == 404
    assert client.get("/page", params={"iri": "not an iri"}).status_code == 404
    assert client.get("/page").status_code == 404


def test_a_page_links_the_stored_queries_that_take_it(client: TestClient) -> None:
    text = client.get("/id/cluster/fetek").text
    # queries/members-of-cluster.rq takes a cluster (#+ param: cluster cluster required)
    wanted = "/queries/members-of-cluster?cluster=https%3A%2F%2Fw3id.org%2Fclusterkg%2Fid%2F"
    wanted += "cluster%2Ffetek"
    assert f'href="{wanted}"' in text
    # …and a sector page offers no query that takes a cluster
    assert "/queries/members-of-cluster?" not in client.get("/id/sector/food").text


def test_anonymous_nodes_pointing_here_are_shown_by_what_holds_them(client: TestClient) -> None:
    # text 1 is the source of the quote of statement:text-1-benchmarked-clusters (a blank node)
    text = client.get("/id/source/mita-8-more-clusters-bronze-label").text
    table = text.split('<table class="incoming">', 1)[1].split("</table>", 1)[0]
    assert '<ul class="blank">' not in table
    assert 'href="/id/statement/text-1-benchmarked-clusters"' in text
