"""/ over HTTP (clusterkg.server.home): what the dataset is, the stored questions, a search box.

Counts written by hand from data/: 10 clusters (data/clusters.trig and memberships: fetek, ivita,
laugea, litcare, litek, lithuanian-plastic-cluster, national-food-cluster, prefablt,
smart-food-cluster, vilnius-film-cluster; MITA's text: "the benchmarked clusters in Lithuania
to 10") and 13 label awards (tests/test_stored_queries.py, EXPECTED_AWARDS).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from clusterkg import KnowledgeGraph
from clusterkg.queries.resolve import Resolver
from clusterkg.server.app import create_app
from clusterkg.server.home import HomePage, static_pages
from clusterkg.server.site import InProcess, Paths, Site
from clusterkg.server.tasks import Served
from clusterkg.vocabulary import ASSERTED, INFERRED

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph.load(cache=None).with_closure()


@pytest.fixture(scope="module")
def served(kg: KnowledgeGraph) -> Served:
    return Served(kg.engine, kg.bundle, Resolver.of_build(kg.engine, None), Paths().base)


@pytest.fixture(scope="module")
def home(served: Served) -> str:
    with TestClient(create_app(Site(InProcess(served), served.bundle))) as client:
        response = client.get("/", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def count_of(page: str, what: str) -> int:
    found = re.search(rf"<strong>([\d,]+)</strong> {re.escape(what)}", page)
    assert found, what
    return int(found.group(1).replace(",", ""))


def test_counts_of_the_dataset(home: str) -> None:
    assert count_of(home, "clusters") == 10
    assert count_of(home, "label awards") == 13


def test_triples_asserted_and_inferred(home: str, kg: KnowledgeGraph) -> None:
    # counted here another way: every triple of each graph, read one by one
    asserted = sum(1 for _ in kg.engine.triples(ASSERTED))
    inferred = sum(1 for _ in kg.engine.triples(INFERRED))
    assert asserted > 1000
    assert inferred > 0
    assert count_of(home, "triples asserted by the sources, and") == asserted
    assert f"<strong>{inferred:,}</strong> inferred" in home


def test_licence_and_sources(home: str) -> None:
    assert "https://creativecommons.org/licenses/by/4.0/" in home
    assert "CC BY 4.0" in home
    # the two source texts (data/sources.trig), by title, linked to their pages
    assert (
        '<a href="/id/source/mita-8-more-clusters-bronze-label">'
        "8 more clusters in Lithuania awarded with Bronze Label of Excellence</a>"
    ) in home
    # a web page cited as a source is shown, not linked (nothing points outside)
    assert "https://litfoodcluster.eu/en/achievements/" in home
    assert 'href="http' not in home


def test_every_stored_question_with_its_example(home: str) -> None:
    names = sorted(path.stem for path in (ROOT / "queries").glob("*.rq"))
    assert names
    for name in names:
        assert f'href="/queries/{name}"' in home
    assert 'href="/queries/clusters-of-company?company=R%C5%ABta&amp;sector=food"' in home


def test_search_box_and_the_query_editor(home: str) -> None:
    main = home.split("<main>", 1)[1]
    assert re.search(r'<form action="/search" method="get"[^>]*>\s*<label', main)
    assert '<input id="home-search" type="search" name="q"' in main
    assert 'href="/sparql"' in main


def test_static_page(served: Served) -> None:
    site = Site(InProcess(served), served.bundle)
    pages = dict(static_pages(site))
    assert pages == {"/": HomePage(site.paths)}
    assert InProcess(served).run_now(pages["/"]).status == 200


def test_a_second_request_gives_the_same_page(served: Served) -> None:
    # the facts are read once per served graph: a second page is the same page
    first = InProcess(served).run_now(HomePage()).body
    assert InProcess(served).run_now(HomePage()).body == first


@pytest.fixture
def client(served: Served) -> Iterator[TestClient]:
    with TestClient(create_app(Site(InProcess(served), served.bundle))) as client:
        yield client


def test_home_answers_head(client: TestClient) -> None:
    assert client.head("/").status_code == 200
