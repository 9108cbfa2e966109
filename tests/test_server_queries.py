"""/queries over HTTP: the stored queries as an API and as forms (clusterkg.server.stored).

Expected answers are written by hand from the data and the README: Rūta belongs to two food
clusters, the Smart Food Cluster and the National Food Cluster (README's quick start, text 2:
"the Smart Food and the National Food Cluster belong to the 'Rūta' sweets factory"); "food" is a
word of both their names, so as a cluster it is ambiguous; 13 label awards are recorded (8 bronze
of 2018, the 2 earlier bronze, iVita's bronze held in 2016, 2 silver: tests/test_stored_queries.py).
"""

from __future__ import annotations

import csv
import io
import json
import pickle
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from starlette.testclient import TestClient

from clusterkg import KnowledgeGraph
from clusterkg.engine.limits import Limits
from clusterkg.errors import Candidate, ParameterError
from clusterkg.queries.catalogue import Catalogue
from clusterkg.queries.resolve import Resolver
from clusterkg.server.app import create_app
from clusterkg.server.home import HomePage
from clusterkg.server.ontology_page import OntologyPage
from clusterkg.server.site import InProcess, Paths, Site
from clusterkg.server.stored import QueryList, RunStored, static_pages
from clusterkg.server.tasks import Served

ROOT = Path(__file__).resolve().parents[1]
CKID = "https://w3id.org/clusterkg/id/"
FOOD_CLUSTERS = {CKID + "cluster/smart-food-cluster", CKID + "cluster/national-food-cluster"}
RUTA_FOOD = "/queries/clusters-of-company?company=R%C5%ABta&sector=food"
AWARDS = 13
SPARQL_JSON = "application/sparql-results+json"
HOSTILE = "<script>alert(1)</script>"


def served_of(kg: KnowledgeGraph) -> Served:
    return Served(
        kg.engine, kg.bundle, Resolver.of_build(kg.engine, None), "https://w3id.org/clusterkg/"
    )


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph.load(cache=None).with_closure()


@pytest.fixture(scope="module")
def client(kg: KnowledgeGraph) -> Iterator[TestClient]:
    with TestClient(create_app(Site(InProcess(served_of(kg)), kg.bundle))) as client:
        yield client


def capped_client(kg: KnowledgeGraph, max_rows: int) -> TestClient:
    site = Site(InProcess(served_of(kg)), kg.bundle, Limits(10.0, max_rows))
    return TestClient(create_app(site))


class Page(HTMLParser):
    """What a test reads of an HTML page: links, form inputs, datalist options, all text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.inputs: list[dict[str, str | None]] = []
        self.options: dict[str, list[str]] = {}
        self.text: list[str] = []
        self._href: str | None = None
        self._datalist: str | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "a":
            self._href = attributes.get("href")
        elif tag == "input":
            self.inputs.append(attributes)
        elif tag == "datalist":
            self._datalist = attributes["id"]
            self.options[self._datalist or ""] = []
        elif tag == "option" and self._datalist is not None:
            self.options[self._datalist].append(attributes.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "datalist":
            self._datalist = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._href is not None and data.strip():
            self.links.append((self._href, data.strip()))
            self._href = None

    def form_inputs(self) -> dict[str, dict[str, str | None]]:
        return {str(i["name"]): i for i in self.inputs if i.get("type") != "search"}


# --- answers ---


def test_clusters_of_rūta_in_food_as_html(client: TestClient) -> None:
    response = client.get(RUTA_FOOD, headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "Accept" in response.headers["vary"]
    page = Page(response.text)
    # each cluster by its name, linked to its page (the IRI's path under the base)
    assert ("/id/cluster/smart-food-cluster", "Smart Food Cluster") in page.links
    assert ("/id/cluster/national-food-cluster", "National Food Cluster") in page.links
    # the company by its preferred name (data/organisations.trig: skos:prefLabel 'UAB "Rūta"')
    assert ("/id/organisation/ruta", 'UAB "Rūta"') in page.links
    assert "2 rows" in response.text
    assert "x-clusterkg-truncated" not in response.headers


@pytest.mark.parametrize(
    ("path", "accept", "media_type"),
    [
        (RUTA_FOOD, SPARQL_JSON, SPARQL_JSON),
        (RUTA_FOOD, "application/json", "application/json"),
        (RUTA_FOOD.replace("company?", "company.json?"), "text/html", SPARQL_JSON),
    ],
)
def test_clusters_of_rūta_in_food_as_sparql_json(
    client: TestClient, path: str, accept: str, media_type: str
) -> None:
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    document = response.json()
    assert "cluster" in document["head"]["vars"]
    bindings = document["results"]["bindings"]
    assert {b["cluster"]["value"] for b in bindings} == FOOD_CLUSTERS
    assert {b["cluster"]["type"] for b in bindings} == {"uri"}
    assert {b["company"]["value"] for b in bindings} == {CKID + "organisation/ruta"}


@pytest.mark.parametrize(
    ("path", "accept"),
    [(RUTA_FOOD, "text/csv"), (RUTA_FOOD.replace("company?", "company.csv?"), "application/json")],
)
def test_clusters_of_rūta_in_food_as_csv(client: TestClient, path: str, accept: str) -> None:
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {row["cluster"] for row in rows} == FOOD_CLUSTERS
    assert {row["name"] for row in rows} == {"Smart Food Cluster", "National Food Cluster"}


def test_tsv_by_suffix(client: TestClient) -> None:
    response = client.get(RUTA_FOOD.replace("company?", "company.tsv?"))
    assert response.status_code == 200
    lines = response.text.splitlines()
    assert lines[0].split("\t")[0] == "?cluster"
    assert {line.split("\t")[0] for line in lines[1:]} == {f"<{iri}>" for iri in FOOD_CLUSTERS}


def test_nothing_acceptable_is_406(client: TestClient) -> None:
    assert client.get(RUTA_FOOD, headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/queries", headers={"Accept": "image/png"}).status_code == 406


def test_an_empty_optional_field_is_a_parameter_not_given(client: TestClient) -> None:
    # a form sends its blank optional fields as `sector=`
    response = client.get(
        "/queries/clusters-of-company.json?company=R%C5%ABta&sector=", headers={"Accept": "*/*"}
    )
    assert response.status_code == 200
    bindings = response.json()["results"]["bindings"]
    assert {b["cluster"]["value"] for b in bindings} >= FOOD_CLUSTERS
    assert all("sector" not in b for b in bindings)


# --- the row cap ---


def test_a_capped_answer_says_it_is_truncated(kg: KnowledgeGraph) -> None:
    with capped_client(kg, 5) as capped:
        page = capped.get("/queries/labelled-clusters")
        data = capped.get("/queries/labelled-clusters.json")
    assert page.status_code == data.status_code == 200
    assert page.headers["x-clusterkg-truncated"] == "true"
    assert data.headers["x-clusterkg-truncated"] == "true"
    assert len(data.json()["results"]["bindings"]) == 5
    assert "Only the first 5 rows" in page.text


def test_an_answer_under_the_cap_is_whole(kg: KnowledgeGraph) -> None:
    with capped_client(kg, AWARDS) as capped:
        data = capped.get("/queries/labelled-clusters.json")
    assert len(data.json()["results"]["bindings"]) == AWARDS
    assert "x-clusterkg-truncated" not in data.headers


# --- parameter errors ---


def test_an_ambiguous_name_is_400_with_the_candidates_as_json(client: TestClient) -> None:
    response = client.get(
        "/queries/cluster-profile?cluster=food", headers={"Accept": "application/json"}
    )
    assert response.status_code == 400
    problem = response.json()
    assert problem["parameter"] == "cluster"
    assert problem["value"] == "food"
    assert "ambiguous" in problem["message"]
    candidates = problem["candidates"]
    assert {c["iri"] for c in candidates} == FOOD_CLUSTERS
    assert {c["label"] for c in candidates} == {"Smart Food Cluster", "National Food Cluster"}
    assert {c["kind"] for c in candidates} == {"cluster"}
    # each candidate's url runs the query again with its IRI, and that works
    for candidate in candidates:
        assert dict(parse_qsl(urlsplit(candidate["url"]).query)) == {"cluster": candidate["iri"]}
        again = client.get(candidate["url"], headers={"Accept": SPARQL_JSON})
        assert again.status_code == 200
        assert again.json()["results"]["bindings"]


def test_an_ambiguous_name_is_400_with_the_candidates_as_links(client: TestClient) -> None:
    response = client.get(
        "/queries/members-of-cluster?cluster=Food", headers={"Accept": "text/html"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    chosen = {}
    for href, text in Page(response.text).links:
        arguments = dict(parse_qsl(urlsplit(href).query))
        if (
            urlsplit(href).path == "/queries/members-of-cluster"
            and arguments.get("cluster") in FOOD_CLUSTERS
        ):
            chosen[arguments["cluster"]] = text
    assert chosen == {
        CKID + "cluster/smart-food-cluster": "Smart Food Cluster",
        CKID + "cluster/national-food-cluster": "National Food Cluster",
    }


def test_other_parameters_are_kept_in_the_candidates_links(client: TestClient) -> None:
    response = client.get(
        "/queries/next-label.json?cluster=food&date=2021-06-01", headers={"Accept": "*/*"}
    )
    assert response.status_code == 400
    for candidate in response.json()["candidates"]:
        assert dict(parse_qsl(urlsplit(candidate["url"]).query)) == {
            "date": "2021-06-01",
            "cluster": candidate["iri"],
        }


def test_a_subject_s_candidates_say_what_each_thing_is(client: TestClient) -> None:
    # provenance takes any thing: "food cluster" is in the names of both food clusters, of
    # their 2018 bronze awards (data/awards.trig) and of statement groups about them
    response = client.get("/queries/provenance.json?subject=food%20cluster")
    problem = response.json()
    assert response.status_code == 400
    kinds = {c["iri"]: c["kind"] for c in problem["candidates"]}
    assert {kinds[iri] for iri in FOOD_CLUSTERS} == {"cluster"}
    awards = {
        CKID + f"award/{slug}-bronze-2018"
        for slug in ("smart-food-cluster", "national-food-cluster")
    }
    assert {kinds[iri] for iri in awards} == {"label award"}


def test_an_unknown_name_is_400_with_the_near_names(client: TestClient) -> None:
    response = client.get("/queries/next-label.json?cluster=FETEKK")
    assert response.status_code == 400
    problem = response.json()
    assert problem["value"] == "FETEKK"
    assert CKID + "cluster/fetek" in {c["iri"] for c in problem["candidates"]}


def test_an_unknown_country_is_400_with_the_near_countries(client: TestClient) -> None:
    response = client.get("/queries/clusters-by-country.json?country=Lithuanja")
    assert response.status_code == 400
    (candidate,) = [c for c in response.json()["candidates"] if c["label"] == "Lithuania"]
    # the EU authority table's IRI, which the data's ck:country values are taken from
    assert candidate["iri"] == "http://publications.europa.eu/resource/authority/country/LTU"
    assert candidate["kind"] == "country"
    assert client.get(candidate["url"]).status_code == 200


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/queries/clusters-of-company.json?sector=food", "company"),  # required, missing
        ("/queries/clusters-of-company.json?company=Rūta&colour=red", "colour"),  # unknown
        ("/queries/labelled-clusters.json?year=20x8", "year"),  # not a year
        ("/queries/clusters-of-company.json?company=Rūta&company=MITA", "company"),  # twice
    ],
)
def test_a_wrong_parameter_is_400(client: TestClient, path: str, parameter: str) -> None:
    response = client.get(path)
    assert response.status_code == 400
    problem = response.json()
    assert problem["parameter"] == parameter
    # what the query does take, so a client can correct itself
    assert {p["name"] for p in problem["parameters"]} <= {
        "company",
        "sector",
        "year",
        "tier",
        "date",
    }


def test_a_missing_parameter_as_csv_is_400_plain_text(client: TestClient) -> None:
    response = client.get("/queries/clusters-of-company.csv?sector=food")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert "company" in response.text


def test_an_unknown_query_is_404(client: TestClient) -> None:
    page = client.get("/queries/no-such-query", headers={"Accept": "text/html"})
    data = client.get("/queries/no-such-query.json")
    assert page.status_code == data.status_code == 404
    assert "no-such-query" in page.text
    assert ("/queries/statistics", "Statistics") in Page(page.text).links
    assert data.json()["error"] == "unknown query"


# --- the list and the forms ---


def stored_names() -> list[str]:
    names = sorted(path.stem for path in (ROOT / "queries").glob("*.rq"))
    assert names, "the glob found no stored query"
    return names


@pytest.mark.parametrize("path", ["/queries.json", "/queries"])
def test_the_list_names_every_stored_query(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "application/json"})
    assert response.status_code == 200
    listed = response.json()["queries"]
    assert [q["name"] for q in listed] == stored_names()
    by_name = {q["name"]: q for q in listed}
    company = by_name["clusters-of-company"]
    assert company["title"] == "Clusters a company belongs to"
    assert [(p["name"], p["kind"], p["required"]) for p in company["parameters"]] == [
        ("company", "organisation", True),
        ("sector", "sector", False),
    ]
    assert company["examples"] == [
        {"arguments": {"company": "Rūta", "sector": "food"}, "url": RUTA_FOOD}
    ]


def test_the_list_as_html_links_every_query_and_example(client: TestClient) -> None:
    response = client.get("/queries", headers={"Accept": "text/html"})
    assert response.status_code == 200
    hrefs = {href for href, _ in Page(response.text).links}
    assert {f"/queries/{name}" for name in stored_names()} <= hrefs
    assert RUTA_FOOD in hrefs
    assert "/queries/labelled-clusters?tier=bronze" in hrefs


@pytest.mark.parametrize("name", stored_names())
def test_each_query_has_a_form_of_its_parameters(client: TestClient, name: str) -> None:
    stored = Catalogue(ROOT / "queries").get(name)
    response = client.get(f"/queries/{name}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    page = Page(response.text)
    inputs = page.form_inputs()
    assert list(inputs) == [p.name for p in stored.parameters]
    example = dict(stored.example_arguments()[0]) if stored.examples else {}
    # A query that needs a parameter shows its form with the example filled in; one that needs
    # none runs at once without parameters, the example shown as each field's placeholder.
    needs = any(p.required for p in stored.parameters)
    for parameter in stored.parameters:
        field = inputs[parameter.name]
        assert field["value"] == (example.get(parameter.name, "") if needs else "")
        assert field.get("placeholder") == (example.get(parameter.name) or None)
        assert ("required" in field) == parameter.required
        assert field["type"] == ("date" if parameter.kind == "date" else "text")


def test_a_query_that_needs_parameters_shows_its_form_without_running(client: TestClient) -> None:
    response = client.get("/queries/clusters-of-company", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert 'id="answer"' not in response.text
    # a query without required parameters runs at once
    assert 'id="answer"' in client.get("/queries/statistics").text


def test_tiers_sectors_and_countries_are_offered_as_choices(client: TestClient) -> None:
    tiers = Page(client.get("/queries/labelled-clusters").text).options["choices-tier"]
    assert sorted(tiers) == ["Bronze", "Gold", "Silver"]
    sectors = Page(client.get("/queries/clusters-by-sector").text).options["choices-sector"]
    assert {"Food", "Health"} <= set(sectors)
    countries = Page(client.get("/queries/clusters-by-country").text).options["choices-country"]
    assert "Lithuania" in countries


# --- safety ---


def test_a_hostile_parameter_value_is_escaped(client: TestClient) -> None:
    response = client.get("/queries/cluster-profile", params={"cluster": HOSTILE})
    assert response.status_code == 400
    assert HOSTILE not in response.text
    assert "&lt;script&gt;" in response.text


def test_a_hostile_query_name_is_escaped(client: TestClient) -> None:
    # a name without "/" (which would leave the route): an element with a script attribute
    response = client.get("/queries/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    assert response.status_code == 404
    assert "<img src=x" not in response.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in response.text


def test_a_hostile_label_is_escaped(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.ttl"
    hostile.write_text(
        "@prefix ck: <https://w3id.org/clusterkg/ontology#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "<https://w3id.org/clusterkg/id/cluster/hostile> a ck:Cluster ;\n"
        f'  skos:prefLabel "{HOSTILE}"@en ;\n'
        "  ck:sector <https://w3id.org/clusterkg/id/sector/food> .\n",
        encoding="utf-8",
    )
    kg = KnowledgeGraph.load([ROOT / "data", hostile], cache=None).with_closure()
    with TestClient(create_app(Site(InProcess(served_of(kg)), kg.bundle))) as hostile_client:
        response = hostile_client.get("/queries/clusters-by-sector?sector=food")
    assert response.status_code == 200
    assert HOSTILE not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert ("/id/cluster/hostile", HOSTILE) in Page(response.text).links


# --- tasks ---


def test_tasks_and_parameter_errors_cross_processes() -> None:
    task = RunStored("clusters-of-company", (("company", "Rūta"),), "text/csv", 10, Paths())
    assert pickle.loads(pickle.dumps(task)) == task
    for other in (QueryList("application/json"), OntologyPage("ttl"), HomePage(Paths())):
        assert pickle.loads(pickle.dumps(other)) == other
    error = ParameterError("x: ambiguous", "x", "y", [Candidate("urn:a", "A", "cluster")])
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.parameter, copy.value, copy.candidates) == (
        "x: ambiguous",
        "x",
        "y",
        (Candidate("urn:a", "A", "cluster"),),
    )


def test_static_pages_cover_the_list_and_every_query(kg: KnowledgeGraph) -> None:
    site = Site(InProcess(served_of(kg)), kg.bundle)
    pages = dict(static_pages(site))
    assert {"/queries", "/queries.json"} <= set(pages)
    for name in stored_names():
        assert {f"/queries/{name}", f"/queries/{name}.json", f"/queries/{name}.csv"} <= set(pages)
    runner = InProcess(served_of(kg))
    reply = runner.run_now(pages["/queries/clusters-of-company.json"])
    assert reply.status == 200
    bindings = json.loads(reply.body)["results"]["bindings"]
    assert {b["cluster"]["value"] for b in bindings} == FOOD_CLUSTERS
