"""One place chooses the reasoning backend: the names and synonyms it takes, and what it answers
for a graph the fast reasoner covers and for one it does not."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from clusterkg import build
from clusterkg.engine import LocalStore
from clusterkg.errors import ClusterKGError
from clusterkg.reasoning import FAST, REFERENCE, choose_reasoner
from clusterkg.vocabulary import ASSERTED, INFERRED

FUNCTIONAL = "http://www.w3.org/2002/07/owl#FunctionalProperty"


@pytest.mark.parametrize(
    ("wanted", "chosen"),
    [
        ("auto", FAST),
        ("fast", FAST),
        ("rules", FAST),
        ("reference", REFERENCE),
        ("owlrl", REFERENCE),
    ],
)
def test_each_name_chooses_its_backend_for_a_graph_the_rules_cover(
    wanted: str, chosen: str
) -> None:
    assert choose_reasoner(wanted, []) == chosen


@pytest.mark.parametrize("wanted", ["auto", "reference", "owlrl"])
def test_a_graph_the_rules_do_not_cover_goes_to_the_reference(wanted: str) -> None:
    assert choose_reasoner(wanted, [FUNCTIONAL]) == REFERENCE


@pytest.mark.parametrize("wanted", ["fast", "rules"])
def test_wanting_the_rules_for_a_graph_they_do_not_cover_says_what_they_lack(wanted: str) -> None:
    with pytest.raises(ClusterKGError) as raised:
        choose_reasoner(wanted, [FUNCTIONAL, "the rdfs profile"])
    assert str(raised.value) == (
        "the rules reasoner does not cover owl:FunctionalProperty, the rdfs profile; "
        "use --reasoner reference (owlrl)"
    )


def test_an_unknown_reasoner_is_refused() -> None:
    with pytest.raises(ClusterKGError, match="unknown reasoner 'pellet'"):
        choose_reasoner("pellet", [])


@pytest.mark.parametrize(("wanted", "used"), [("fast", FAST), ("reference", REFERENCE)])
def test_build_reasons_with_the_backend_a_synonym_names(wanted: str, used: str) -> None:
    store = LocalStore()
    turtle = (
        b"@prefix ex: <http://example.org/> .\n"
        b"@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        b"ex:p rdfs:domain ex:Thing . ex:a ex:p ex:b ."
    )
    store.load(turtle, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ASSERTED))
    assert build.reason(store, "owlrl", wanted) == (used, [])
    typed = (ox.NamedNode("http://example.org/a"), None, ox.NamedNode("http://example.org/Thing"))
    assert list(store.quads_for_pattern(*typed, ox.NamedNode(INFERRED)))
