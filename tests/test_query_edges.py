"""Stored queries at the edges the bundled facts do not reach: a cluster with no label, a Gold one.

The golden tests (test_stored_queries.py) only see the ten Lithuanian clusters, which all hold
Bronze or Silver. An OPTIONAL whose variable is left unbound by an earlier OPTIONAL joins with
everything, and only these edges show it: here they come from a hand-written fixture beside the
bundled data, and from every cluster of a generated data set, where the expected tiers are worked
out in the test from the award triples themselves.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from clusterkg import KnowledgeGraph
from clusterkg.engine import Table
from clusterkg.generate.dataset import generate
from clusterkg.inputs.bundle import bundled

EDGES = Path(__file__).parent / "fixtures" / "queries" / "label-edges.ttl"
CKID = "https://w3id.org/clusterkg/id/"
TIER = CKID + "tier/"
# The ESCA ladder (text 2: "The bronze label can be earned first, and it can be followed by the
# silver and eventually the gold label."): each tier, and the tier that follows it.
LADDER = ["bronze", "silver", "gold"]
FOLLOWS = {"bronze": "silver", "silver": "gold", "gold": None}


@pytest.fixture(scope="module")
def edges() -> KnowledgeGraph:
    return KnowledgeGraph.load(data=[*bundled().data, EDGES])


def next_label(kg: KnowledgeGraph, cluster: str) -> list[tuple[str | None, ...]]:
    table = kg.query("next-label", {"cluster": cluster})
    assert isinstance(table, Table)
    wanted = [table.variables.index(v) for v in ("currentTierName", "nextTierName", "nextTier")]
    return [tuple(None if row[i] is None else row[i].value for i in wanted) for row in table.rows]


def test_a_cluster_with_no_label_can_earn_bronze_first(edges: KnowledgeGraph) -> None:
    assert next_label(edges, "Example Unlabelled Cluster") == [(None, "Bronze", TIER + "bronze")]


def test_a_gold_cluster_has_no_next_tier(edges: KnowledgeGraph) -> None:
    assert next_label(edges, "Example Gold Cluster") == [("Gold", None, None)]


def test_the_bundled_clusters_are_unchanged_beside_the_edges(edges: KnowledgeGraph) -> None:
    # public-facts: FETEK "later received" a Silver label.
    assert next_label(edges, "FETEK") == [("Silver", "Gold", TIER + "gold")]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    folder = tmp_path_factory.mktemp("generated")
    generate(folder, clusters=60, seed=1, violations=0)
    return KnowledgeGraph.load(data=[folder])


def highest_tiers(kg: KnowledgeGraph) -> dict[str, str | None]:
    """Each cluster's highest tier, worked out here from the award triples."""
    clusters = kg.sparql("SELECT ?c WHERE { ?c a <https://w3id.org/clusterkg/ontology#Cluster> }")
    awards = kg.sparql(
        "PREFIX ck: <https://w3id.org/clusterkg/ontology#> "
        "SELECT ?c ?t WHERE { ?a ck:awardedTo ?c ; ck:tier ?t }"
    )
    assert isinstance(clusters, Table) and isinstance(awards, Table)
    held: dict[str, list[int]] = defaultdict(list)
    for cluster, tier in awards.rows:
        assert cluster is not None and tier is not None
        held[cluster.value].append(LADDER.index(tier.value.removeprefix(TIER)))
    result: dict[str, str | None] = {}
    for (cluster,) in clusters.rows:
        assert cluster is not None
        ranks = held.get(cluster.value)
        result[cluster.value] = LADDER[max(ranks)] if ranks else None
    return result


def test_next_label_gives_one_row_per_cluster_on_generated_data(generated: KnowledgeGraph) -> None:
    highest = highest_tiers(generated)
    kinds = {"none": 0, "gold": 0}
    for cluster, current in highest.items():
        following = FOLLOWS[current] if current else "bronze"
        expected = [
            (
                current.capitalize() if current else None,
                following.capitalize() if following else None,
                TIER + following if following else None,
            )
        ]
        assert next_label(generated, cluster) == expected, cluster
        if current is None:
            kinds["none"] += 1
        elif current == "gold":
            kinds["gold"] += 1
    # The generated data must hold both edges, or this test would prove nothing about them.
    assert kinds["none"] > 0 and kinds["gold"] > 0, kinds
