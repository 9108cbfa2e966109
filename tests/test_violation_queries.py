"""Stored `*-violation` queries return no rows on the bundled graph, and rows on a broken copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from clusterkg import KnowledgeGraph
from clusterkg.engine import Table
from clusterkg.inputs.bundle import bundled

VIOLATION_QUERIES = sorted(p.stem for p in bundled().queries.glob("*-violation.rq"))

# "LTFood" recorded as a cluster of its own, with its own 2018 bronze award: the mistake the
# identity inference (LTFood = National Food Cluster) prevents. Lithuania would then count 11.
LTFOOD_TWICE = """
@prefix ck: <https://w3id.org/clusterkg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix schema: <https://schema.org/> .
<https://w3id.org/clusterkg/id/cluster/ltfood> a ck:Cluster ;
    skos:prefLabel "LTFood"@en ;
    ck:country <http://publications.europa.eu/resource/authority/country/LTU> .
<https://w3id.org/clusterkg/id/award/ltfood-bronze-2018> a ck:LabelAward ;
    ck:awardedTo <https://w3id.org/clusterkg/id/cluster/ltfood> ;
    ck:tier <https://w3id.org/clusterkg/id/tier/bronze> ;
    schema:issuedBy <https://w3id.org/clusterkg/id/organisation/esca> ;
    ck:awardYear "2018"^^xsd:gYear .
"""


def test_there_are_violation_queries() -> None:
    assert len(VIOLATION_QUERIES) >= 2


@pytest.fixture(scope="module")
def bundled_graph() -> KnowledgeGraph:
    return KnowledgeGraph.load()


@pytest.mark.parametrize("name", VIOLATION_QUERIES)
def test_violation_query_finds_nothing_in_bundled_data(
    bundled_graph: KnowledgeGraph, name: str
) -> None:
    result = bundled_graph.query(name)
    assert isinstance(result, Table)
    assert result.rows == []


def test_counting_ltfood_twice_is_caught(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(bundled().root / "data", data)
    (data / "ltfood-twice.ttl").write_text(LTFOOD_TWICE, encoding="utf-8")
    graph = KnowledgeGraph.load([data])

    per_country = graph.query("bronze-clusters-per-country-violation")
    assert isinstance(per_country, Table)
    counted = {row[per_country.variables.index("counted")].value for row in per_country.rows}
    assert counted == {"11"}


def test_a_listed_cluster_without_its_award_is_caught(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(bundled().root / "data", data)
    awards = data / "awards.trig"
    text = awards.read_text(encoding="utf-8")
    # Drop PrefabLT's bronze award: the "Total of 10 Bronze Labels" list then holds 9.
    start = text.index("award:prefablt-bronze a")
    end = text.index(" .\n", start) + 3
    awards.write_text(text[:start] + text[end:], encoding="utf-8")
    graph = KnowledgeGraph.load([data])

    result = graph.query("reported-figure-violation")
    assert isinstance(result, Table)
    figures = {row[0].value.rsplit("/", 1)[-1] for row in result.rows if row[0] is not None}
    assert "benchmarked-clusters-in-lithuania" in figures
