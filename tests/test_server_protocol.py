"""/sparql over real HTTP: the SPARQL 1.1 Protocol, read-only, on the real graph.

The application is driven through Starlette's TestClient (the real routes, tasks and writers,
no mocks), and once through a real `clusterkg serve` process. Expected values are written by
hand from data/: FETEK (`cluster:fetek`, prefLabel "FETEK"@en) is coordinated by ProTech in the
statement group `statement:protech-page-fetek`; LITEK's label holds an ampersand.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pickle
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
import rdflib
from rdflib.compare import isomorphic
from starlette.testclient import TestClient
from test_safety import BYPASSES, FROM_BYPASSES, fill

from clusterkg.engine import Answer, Table
from clusterkg.engine.limits import Limits, capped
from clusterkg.knowledge_graph import KnowledgeGraph
from clusterkg.queries.resolve import Resolver
from clusterkg.server.app import create_app
from clusterkg.server.editor import EXAMPLE
from clusterkg.server.protocol_answer import QueryTask
from clusterkg.server.service_description import DescribeService
from clusterkg.server.site import InProcess, Site
from clusterkg.server.tasks import Served

ROOT = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/clusterkg/id/"
FETEK = ID + "cluster/fetek"
PROTECH = ID + "organisation/protech"
PROTECH_GROUP = ID + "statement/protech-page-fetek"
CK = "https://w3id.org/clusterkg/ontology#"
SKOS_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
RESULTS = "{http://www.w3.org/2005/sparql-results#}"
MAX_BODY = 2000
MAX_ROWS = 5

CLUSTERS = f"SELECT ?c WHERE {{ ?c a <{CK}Cluster> }} ORDER BY ?c"
FETEK_LABEL = f"SELECT ?label WHERE {{ <{FETEK}> <{SKOS_LABEL}> ?label }}"
FETEK_GRAPH = f"CONSTRUCT {{ <{FETEK}> ?p ?o }} WHERE {{ <{FETEK}> ?p ?o }}"


@pytest.fixture(scope="module")
def served() -> Served:
    kg = KnowledgeGraph.load(cache=None).with_closure()
    return Served(
        kg.engine, kg.bundle, Resolver.of_build(kg.engine, None), "https://w3id.org/clusterkg/"
    )


def _client(served: Served, **settings: object) -> TestClient:
    site = Site(InProcess(served), served.bundle, **settings)  # type: ignore[arg-type]
    return TestClient(create_app(site))


@pytest.fixture(scope="module")
def client(served: Served) -> TestClient:
    return _client(served, limits=Limits(None, 10_000), max_body=MAX_BODY)


@pytest.fixture(scope="module")
def capped_client(served: Served) -> TestClient:
    return _client(served, limits=Limits(None, MAX_ROWS))


def bindings(response: object) -> list[dict[str, str]]:
    """The values of a SPARQL JSON answer, variable → value."""
    document = json.loads(response.content)  # type: ignore[attr-defined]
    return [{k: v["value"] for k, v in b.items()} for b in document["results"]["bindings"]]


# --- the three ways of asking ------------------------------------------------------------------


def test_get_answers_sparql_json_by_default(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": FETEK_LABEL})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/sparql-results+json"
    assert "Accept" in response.headers["vary"]
    document = json.loads(response.content)
    assert document["head"]["vars"] == ["label"]
    assert document["results"]["bindings"] == [
        {"label": {"type": "literal", "value": "FETEK", "xml:lang": "en"}}
    ]


def test_post_form_and_post_direct_answer_as_get(client: TestClient) -> None:
    form = client.post("/sparql", data={"query": FETEK_LABEL})
    direct = client.post(
        "/sparql",
        content=FETEK_LABEL.encode(),
        headers={"content-type": "application/sparql-query"},
    )
    assert form.status_code == direct.status_code == 200
    assert bindings(form) == bindings(direct) == [{"label": "FETEK"}]


def test_a_form_may_carry_the_dataset_in_the_url(client: TestClient) -> None:
    """As the W3C test query_post_form sends it: query in the body, dataset in the URL."""
    response = client.post(
        "/sparql?default-graph-uri=" + PROTECH_GROUP, data={"query": FETEK_LABEL}
    )
    assert response.status_code == 200 and bindings(response) == []


def test_utf8_queries_keep_their_letters(client: TestClient) -> None:
    query = 'SELECT ?x WHERE { BIND("Rūta Žemaitė" AS ?x) }'
    assert bindings(client.get("/sparql", params={"query": query})) == [{"x": "Rūta Žemaitė"}]
    direct = client.post(
        "/sparql",
        content=query.encode("utf-8"),
        headers={"content-type": "application/sparql-query; charset=UTF-8"},
    )
    assert bindings(direct) == [{"x": "Rūta Žemaitė"}]


def test_head_answers_the_headers_of_get(client: TestClient) -> None:
    get = client.get("/sparql", params={"query": "ASK {}"})
    head = client.head("/sparql", params={"query": "ASK {}"})
    assert head.status_code == get.status_code == 200
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-length"] == str(len(get.content))
    assert head.content == b""


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_not_allowed(client: TestClient, method: str) -> None:
    response = client.request(method, "/sparql", params={"query": "ASK {}"})
    assert response.status_code == 405


# --- formats, parsed back ----------------------------------------------------------------------


def test_every_table_format_reads_back(client: TestClient) -> None:
    query = (
        f"SELECT ?c ?label WHERE {{ VALUES ?c {{ <{ID}cluster/litek> }} ?c <{SKOS_LABEL}> ?label }}"
    )
    label = "LITEK Laser & Engineering Technologies Cluster"

    def get(accept: str) -> bytes:
        response = client.get("/sparql", params={"query": query}, headers={"accept": accept})
        assert response.status_code == 200
        assert response.headers["content-type"].split(";")[0] == accept
        return response.content

    xml = ET.fromstring(get("application/sparql-results+xml"))
    names = [v.get("name") for v in xml.iter(RESULTS + "variable")]
    literal = xml.find(f"{RESULTS}results/{RESULTS}result/{RESULTS}binding[@name='label']/")
    assert names == ["c", "label"] and literal is not None
    assert literal.text == label
    assert literal.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"

    rows = list(csv.reader(io.StringIO(get("text/csv").decode())))
    assert rows == [["c", "label"], [ID + "cluster/litek", label]]

    lines = get("text/tab-separated-values").decode().splitlines()
    assert lines == ["?c\t?label", f'<{ID}cluster/litek>\t"{label}"@en']


def test_ask_in_json_and_xml(client: TestClient) -> None:
    query = f'ASK {{ <{FETEK}> <{SKOS_LABEL}> "FETEK"@en }}'
    as_json = client.get("/sparql", params={"query": query})
    assert json.loads(as_json.content)["boolean"] is True
    as_xml = client.get(
        "/sparql", params={"query": query}, headers={"accept": "application/sparql-results+xml"}
    )
    assert ET.fromstring(as_xml.content).findtext(RESULTS + "boolean") == "true"


@pytest.mark.parametrize(
    ("accept", "parser"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_every_graph_format_reads_back_as_the_same_graph(
    client: TestClient, accept: str, parser: str
) -> None:
    response = client.get("/sparql", params={"query": FETEK_GRAPH}, headers={"accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    graph = rdflib.Graph().parse(data=response.content, format=parser)
    fetek = rdflib.URIRef(FETEK)
    assert (fetek, rdflib.URIRef(SKOS_LABEL), rdflib.Literal("FETEK", lang="en")) in graph
    assert (fetek, rdflib.URIRef(CK + "coordinator"), rdflib.URIRef(PROTECH)) in graph
    turtle = client.get("/sparql", params={"query": FETEK_GRAPH}).content
    assert isomorphic(graph, rdflib.Graph().parse(data=turtle, format="turtle"))


def test_a_describe_answers_turtle_by_default(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": f"DESCRIBE <{FETEK}>"})
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    assert (rdflib.URIRef(FETEK), rdflib.URIRef(SKOS_LABEL), None) in graph


# --- content negotiation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        (
            "application/sparql-results+json;q=0.1, text/tab-separated-values;q=0.9",
            "text/tab-separated-values",
        ),
        ("application/json", "application/sparql-results+json"),
        ("text/*", "text/csv"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
    ],
)
def test_a_table_in_the_format_preferred(
    client: TestClient, accept: str | None, media_type: str
) -> None:
    headers = {"accept": accept} if accept else {}
    response = client.get("/sparql", params={"query": "SELECT * {}"}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type


def test_no_acceptable_format_is_406_listing_the_offers(client: TestClient) -> None:
    response = client.get(
        "/sparql", params={"query": "SELECT * {}"}, headers={"accept": "image/png"}
    )
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text and "text/turtle" in response.text


def test_a_format_of_the_other_kind_is_406(client: TestClient) -> None:
    select = client.get(
        "/sparql", params={"query": "SELECT * {}"}, headers={"accept": "text/turtle"}
    )
    assert select.status_code == 406 and "a table (SELECT/ASK)" in select.text
    assert "application/sparql-results+xml" in select.text
    construct = client.get("/sparql", params={"query": FETEK_GRAPH}, headers={"accept": "text/csv"})
    assert construct.status_code == 406 and "application/rdf+xml" in construct.text


# --- the HTML table ----------------------------------------------------------------------------


def test_the_html_table_escapes_every_literal(client: TestClient) -> None:
    query = 'SELECT ?x WHERE { BIND("<script>alert(1)</script>" AS ?x) }'
    response = client.get("/sparql", params={"query": query}, headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "<script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_the_html_table_links_the_things_this_server_has_pages_for(client: TestClient) -> None:
    query = f"SELECT ?x WHERE {{ VALUES ?x {{ <{FETEK}> <javascript:alert(1)> }} }}"
    page = client.post("/sparql", data={"query": query}, headers={"accept": "text/html"}).text
    assert '<a href="/id/cluster/fetek">' in page
    assert 'href="javascript' not in page


# --- the dataset -------------------------------------------------------------------------------


def test_default_graph_uri_narrows_the_default_graph(client: TestClient) -> None:
    coordinator = f"SELECT ?o WHERE {{ <{FETEK}> <{CK}coordinator> ?o }}"
    params = {"query": coordinator, "default-graph-uri": PROTECH_GROUP}
    assert bindings(client.get("/sparql", params=params)) == [{"o": PROTECH}]
    # the label is asserted in another statement group: not in this dataset
    params = {"query": FETEK_LABEL, "default-graph-uri": PROTECH_GROUP}
    assert bindings(client.get("/sparql", params=params)) == []


def test_named_graph_uri_names_the_graphs_graph_reaches(client: TestClient) -> None:
    query = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{FETEK}> <{CK}coordinator> ?o }} }}"
    params = {"query": query, "named-graph-uri": PROTECH_GROUP}
    assert bindings(client.get("/sparql", params=params)) == [{"g": PROTECH_GROUP}]
    # named graphs alone: an empty default graph
    ask = client.get(
        "/sparql", params={"query": "ASK { ?s ?p ?o }", "named-graph-uri": PROTECH_GROUP}
    )
    assert json.loads(ask.content)["boolean"] is False


def test_without_a_dataset_the_default_dataset_has_the_statement_groups(client: TestClient) -> None:
    query = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{FETEK}> <{CK}coordinator> ?o }} }}"
    assert {"g": PROTECH_GROUP} in bindings(client.get("/sparql", params={"query": query}))


def test_a_graph_the_store_lacks_is_empty_and_never_fetched(client: TestClient) -> None:
    params = {"query": "ASK { ?s ?p ?o }", "default-graph-uri": "http://example.org/no-such-graph"}
    response = client.get("/sparql", params=params)
    assert response.status_code == 200 and json.loads(response.content)["boolean"] is False


def test_a_dataset_parameter_that_is_no_iri_is_400(client: TestClient) -> None:
    params = {"query": "ASK {}", "named-graph-uri": "not an iri"}
    response = client.get("/sparql", params=params)
    assert response.status_code == 400 and "named-graph-uri must be an IRI" in response.text


# --- refused -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "request_args",
    [
        {"method": "GET", "url": "/sparql", "params": {"update": "CLEAR ALL"}},
        {"method": "POST", "url": "/sparql", "data": {"update": "CLEAR ALL"}},
        {
            "method": "POST",
            "url": "/sparql",
            "content": b"INSERT DATA { <a:s> <a:p> <a:o> }",
            "headers": {"content-type": "application/sparql-update"},
        },
        {
            "method": "POST",
            "url": "/sparql?using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople",
            "content": b"CLEAR ALL",
            "headers": {"content-type": "application/sparql-update"},
        },
    ],
    ids=["GET update=", "POST form update=", "POST sparql-update", "using-named-graph-uri"],
)
def test_updates_are_refused_the_service_is_read_only(
    client: TestClient, request_args: dict[str, object]
) -> None:
    response = client.request(**request_args)  # type: ignore[arg-type]
    assert response.status_code == 403
    assert "read-only" in response.text


_NO_ENDPOINT = SimpleNamespace(server_address=("127.0.0.1", 9))  # a port nothing answers on
REFUSALS = {
    **{f"SERVICE {k}": fill(q, _NO_ENDPOINT) for k, q in BYPASSES.items()},  # type: ignore[arg-type]
    **{f"FROM {k}": q for k, q in FROM_BYPASSES.items()},
    "LOAD": "LOAD <http://example.org/x>",
    "INSERT as a query": "INSERT DATA { <a:s> <a:p> <a:o> }",
}


@pytest.mark.parametrize("query", list(REFUSALS.values()), ids=list(REFUSALS))
def test_the_clis_refusal_corpus_is_refused_over_http(client: TestClient, query: str) -> None:
    for response in (
        client.get("/sparql", params={"query": query}),
        client.post("/sparql", data={"query": query}),
    ):
        assert response.status_code == 400
        assert "not allowed" in response.text or "syntax error" in response.text
        assert len(response.text.strip().splitlines()) == 1


def test_a_syntax_error_is_400_in_one_line(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "ASK {"})
    assert response.status_code == 400
    assert response.text.startswith("SPARQL syntax error")
    assert len(response.text.strip().splitlines()) == 1


def test_exactly_one_query(client: TestClient) -> None:
    two = client.get("/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D")
    assert two.status_code == 400 and "one query" in two.text
    also_in_url = client.post(
        "/sparql?query=ASK%20%7B%7D",
        content=b"ASK {}",
        headers={"content-type": "application/sparql-query"},
    )
    assert also_in_url.status_code == 400
    none = client.post("/sparql", data={"default-graph-uri": PROTECH_GROUP})
    assert none.status_code == 400 and "no query" in none.text


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/json"])
def test_a_body_of_another_type_is_415(client: TestClient, content_type: str | None) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = client.post("/sparql", content=b"query=ASK%20%7B%7D", headers=headers)
    assert response.status_code == 415
    assert "application/sparql-query" in response.text


def test_a_body_over_the_cap_is_413_and_one_at_the_cap_is_read(client: TestClient) -> None:
    query = "ASK {}\n# "
    at_cap = (query + "x" * (MAX_BODY - len(query))).encode()
    assert len(at_cap) == MAX_BODY
    direct = {"content-type": "application/sparql-query"}
    assert client.post("/sparql", content=at_cap, headers=direct).status_code == 200
    over = client.post("/sparql", content=at_cap + b"x", headers=direct)
    assert over.status_code == 413 and str(MAX_BODY) in over.text
    form = client.post("/sparql", data={"query": "ASK {} #" + "x" * MAX_BODY})
    assert form.status_code == 413


def test_a_body_over_the_cap_is_refused_without_a_content_length(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"#" * (MAX_BODY // 4)

    response = client.post(
        "/sparql", content=chunks(), headers={"content-type": "application/sparql-query"}
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    "request_args",
    [
        {
            "url": "/sparql",
            "content": b"ASK { } # \xff",
            "headers": {"content-type": "application/sparql-query"},
        },
        {
            "url": "/sparql",
            "content": b"query=ASK%20%7B%7D%20%23%FF",
            "headers": {"content-type": "application/x-www-form-urlencoded"},
        },
        {
            "url": "/sparql?query=ASK%20%7B%7D%20%23%FF",
            "content": b"",
            "headers": {"content-type": "application/x-www-form-urlencoded"},
        },
        {
            "url": "/sparql",
            "content": "ASK {}".encode("utf-16"),
            "headers": {"content-type": "application/sparql-query; charset=UTF-16"},
        },
    ],
    ids=["direct", "form", "url", "UTF-16 as the W3C test sends it"],
)
def test_a_query_that_is_not_utf8_is_400(
    client: TestClient, request_args: dict[str, object]
) -> None:
    response = client.post(**request_args)  # type: ignore[arg-type]
    assert response.status_code == 400
    assert "UTF-8" in response.text


def test_a_get_that_is_not_utf8_is_400(client: TestClient) -> None:
    response = client.get("/sparql?query=ASK%20%7B%7D%20%23%FF")
    assert response.status_code == 400 and "UTF-8" in response.text


def test_errors_name_no_file_and_carry_no_traceback(client: TestClient) -> None:
    answers = [
        client.get("/sparql", params={"query": "ASK {"}),
        client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"}),
        client.get("/sparql", params={"query": 'SELECT * WHERE { ?s ?p ?o FILTER(xsd:int("1")) }'}),
        client.get("/sparql", params={"query": "SELECT * { SERVICE <file:///etc/passwd> {} }"}),
        client.post(
            "/sparql",
            content=b"x" * (MAX_BODY + 1),
            headers={"content-type": "application/sparql-query"},
        ),
        client.post("/sparql", content=b"ASK {}", headers={"content-type": "text/plain"}),
        client.get("/sparql", params={"query": "ASK {}", "default-graph-uri": "::"}),
    ]
    for response in answers:
        assert 400 <= response.status_code < 500
        text = response.text
        assert "Traceback" not in text and ".py" not in text
        for path in (str(ROOT), "/home/", "/tmp/", "/work/", "site-packages", sys.prefix):
            assert path not in text, f"{path} in {text!r}"


# --- the row cap -------------------------------------------------------------------------------


def test_a_capped_answer_says_it_was_cut(capped_client: TestClient) -> None:
    response = capped_client.get("/sparql", params={"query": CLUSTERS})
    assert len(bindings(response)) == MAX_ROWS
    assert response.headers["x-clusterkg-truncated"] == "true"
    page = capped_client.get("/sparql", params={"query": CLUSTERS}, headers={"accept": "text/html"})
    assert page.headers["x-clusterkg-truncated"] == "true"
    assert f"Only the first {MAX_ROWS} rows are shown" in page.text
    assert page.text.count("<tr><td") == MAX_ROWS


def test_an_answer_within_the_cap_says_nothing(capped_client: TestClient) -> None:
    fits = f"{CLUSTERS} LIMIT {MAX_ROWS}"
    response = capped_client.get("/sparql", params={"query": fits})
    assert len(bindings(response)) == MAX_ROWS
    assert "x-clusterkg-truncated" not in response.headers
    page = capped_client.get("/sparql", params={"query": fits}, headers={"accept": "text/html"})
    assert "Only the first" not in page.text


def test_a_capped_graph_says_it_was_cut(capped_client: TestClient) -> None:
    response = capped_client.get("/sparql", params={"query": FETEK_GRAPH})
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    assert len(graph) == MAX_ROWS and response.headers["x-clusterkg-truncated"] == "true"


def test_capped_keeps_the_rows_up_to_the_cap() -> None:
    rows = [[None]] * 3
    exactly = capped(Answer(["x"], iter([rows])), 3).collect()
    assert isinstance(exactly, Table) and len(exactly.rows) == 3 and not exactly.truncated
    cut = capped(Answer(["x"], iter([rows, rows])), 4).collect()
    assert isinstance(cut, Table) and len(cut.rows) == 4 and cut.truncated


# --- CORS --------------------------------------------------------------------------------------


def test_a_browser_client_elsewhere_may_ask(client: TestClient) -> None:
    preflight = client.options(
        "/sparql",
        headers={
            "origin": "https://example.org",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    answer = client.get(
        "/sparql", params={"query": "ASK {}"}, headers={"origin": "https://example.org"}
    )
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "X-Clusterkg-Truncated" in answer.headers["access-control-expose-headers"]


# --- the service description and the editor ----------------------------------------------------

FORMAT_IRIS = {
    f"http://www.w3.org/ns/formats/{name}"
    for name in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
        "RDF_XML",
    )
}


def test_get_without_a_query_describes_the_service(client: TestClient) -> None:
    response = client.get("/sparql")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    service = graph.value(predicate=rdflib.RDF.type, object=SD.Service)
    assert service is not None
    assert graph.value(service, SD.endpoint) == rdflib.URIRef("http://testserver/sparql")
    assert graph.value(service, SD.supportedLanguage) == SD.SPARQL11Query
    assert {str(f) for f in graph.objects(service, SD.resultFormat)} == FORMAT_IRIS
    dataset = graph.value(service, SD.defaultDataset)
    names = {str(graph.value(g, SD.name)) for g in graph.objects(dataset, SD.namedGraph)}
    assert PROTECH_GROUP in names
    assert graph.value(dataset, SD.defaultGraph) is not None
    # never claimed: graphs are not fetched, SERVICE is refused
    assert not set(graph.objects(service, SD.feature)) & {
        SD.DereferencesURIs,
        SD.BasicFederatedQuery,
    }


@pytest.mark.parametrize(
    ("accept", "parser"),
    [
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/n-triples", "nt"),
    ],
)
def test_the_service_description_in_other_formats(
    client: TestClient, accept: str, parser: str
) -> None:
    response = client.get("/sparql", headers={"accept": accept})
    assert response.headers["content-type"].split(";")[0] == accept
    graph = rdflib.Graph().parse(data=response.content, format=parser)
    turtle = rdflib.Graph().parse(data=client.get("/sparql").content, format="turtle")
    assert isomorphic(graph, turtle)


def test_a_browser_gets_the_editor_whose_example_runs(client: TestClient) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = client.get("/sparql", headers={"accept": browser})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<form action="/sparql" method="post">' in page.text
    assert '<textarea name="query"' in page.text
    answer = client.post("/sparql", data={"query": EXAMPLE})
    assert {"cluster": FETEK, "name": "FETEK"} in bindings(answer)


def test_a_get_without_a_query_but_a_dataset_is_400(client: TestClient) -> None:
    response = client.get("/sparql", params={"default-graph-uri": PROTECH_GROUP})
    assert response.status_code == 400


# --- a real server -----------------------------------------------------------------------------

CLIENT = r"""
import json, sys, time, urllib.error, urllib.parse, urllib.request
base = sys.argv[1]
deadline = time.monotonic() + 120
while True:
    try:
        urllib.request.urlopen(base + "/sparql", timeout=5).read()
        break
    except (urllib.error.URLError, ConnectionError):
        if time.monotonic() > deadline:
            raise
        time.sleep(0.3)
out = {}
query = sys.argv[2]
get = urllib.request.urlopen(base + "/sparql?" + urllib.parse.urlencode({"query": query}))
out["get"] = [get.status, get.headers["Content-Type"], json.loads(get.read())]
form = urllib.request.Request(
    base + "/sparql", data=urllib.parse.urlencode({"query": query}).encode(),
    headers={"Accept": "text/csv"}, method="POST")
with urllib.request.urlopen(form) as answer:
    out["form"] = [answer.status, answer.headers["Content-Type"], answer.read().decode()]
refused = urllib.request.Request(base + "/sparql", data=b"CLEAR ALL",
    headers={"Content-Type": "application/sparql-update"}, method="POST")
try:
    urllib.request.urlopen(refused)
except urllib.error.HTTPError as error:
    out["update"] = [error.code, error.read().decode()]
print(json.dumps(out))
"""


def _free_port() -> int:
    """A free port of this worktree's range (21000-21099)."""
    for port in range(21000, 21100):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail("no free port in 21000-21099")


def test_a_real_server_answers_the_protocol(tmp_path: Path) -> None:
    port = _free_port()
    env = os.environ | {"CLUSTERKG_CACHE_DIR": str(tmp_path / "cache")}
    server = subprocess.Popen(
        [sys.executable, "-m", "clusterkg", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", CLIENT, f"http://127.0.0.1:{port}", FETEK_LABEL],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    finally:
        server.terminate()
        try:
            _, errors = server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            _, errors = server.communicate()
    assert done.returncode == 0, done.stderr + errors.decode(errors="replace")
    out = json.loads(done.stdout)
    status, media_type, document = out["get"]
    assert (status, media_type) == (200, "application/sparql-results+json")
    assert document["results"]["bindings"][0]["label"]["value"] == "FETEK"
    assert out["form"] == [200, "text/csv; charset=utf-8", "label\r\nFETEK\r\n"]
    assert out["update"][0] == 403 and "read-only" in out["update"][1]


def test_relative_iris_are_read_against_the_datas_base(client: TestClient) -> None:
    query = f"SELECT ?label WHERE {{ <id/cluster/fetek> <{SKOS_LABEL}> ?label }}"
    assert bindings(client.get("/sparql", params={"query": query})) == [{"label": "FETEK"}]
    # as the W3C test query_content_type_construct sends it
    construct = client.post(
        "/sparql",
        content=b"CONSTRUCT { <s> <p> 1 } WHERE {}",
        headers={"content-type": "application/sparql-query"},
    )
    graph = rdflib.Graph().parse(data=construct.content, format="turtle")
    base = "https://w3id.org/clusterkg/"
    assert set(graph) == {(rdflib.URIRef(base + "s"), rdflib.URIRef(base + "p"), rdflib.Literal(1))}


def test_a_graph_answer_as_an_html_table_of_triples(client: TestClient) -> None:
    page = client.get("/sparql", params={"query": FETEK_GRAPH}, headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "<th>subject</th><th>predicate</th><th>object</th>" in page.text
    assert '<a href="/id/organisation/protech">organisation:protech</a>' in page.text


def test_the_tasks_travel_to_a_worker_process() -> None:
    """The pool pickles each task into a worker: the tasks must survive it unchanged."""
    tasks = [
        QueryTask("ASK {}", ("urn:g",), None, "json", None, "text/turtle", 10, "urn:base/"),
        DescribeService("http://127.0.0.1/sparql", "ttl", ("json", "ttl"), 10),
    ]
    for task in tasks:
        assert pickle.loads(pickle.dumps(task)) == task


def test_an_answer_xml_cannot_carry_is_406_with_the_reason(client: TestClient) -> None:
    query = 'SELECT ?x WHERE { BIND("a\\u0001b" AS ?x) }'  # U+0001: no XML 1.0 can hold it
    as_xml = client.get(
        "/sparql", params={"query": query}, headers={"accept": "application/sparql-results+xml"}
    )
    assert as_xml.status_code == 406 and "XML 1.0 forbids" in as_xml.text
    assert bindings(client.get("/sparql", params={"query": query})) == [{"x": "a\x01b"}]
