"""The reference reasoner: OWL RL (or RDFS) reasoning with owlrl, its additions kept apart.

owlrl expands a graph in place; we expand a copy and keep the difference, so the asserted facts
stay exactly as written and the inferred ones can be exported or hidden on request.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import owlrl
from rdflib import RDF, Graph, Literal, URIRef

from clusterkg.vocabulary import OWL_SAME_AS

# Where owlrl writes what it finds contradictory, as nodes of its closure (Closure.py, ERRNS).
ERRORS = "http://www.daml.org/2002/03/agents/agent-ont#"

SEMANTICS = {"owlrl": owlrl.OWLRL_Semantics, "rdfs": owlrl.RDFS_Semantics}


@dataclass
class OwlrlResult:
    """What owlrl added: the inferred triples, and under which profile; and its messages about
    contradictions, which are findings, not triples of the graph."""

    profile: str
    inferred: Graph
    errors: list[str] = field(default_factory=list)


def infer(asserted: Graph, profile: str = "owlrl") -> OwlrlResult:
    """The triples that `profile` entails from `asserted` and that are not asserted."""
    semantics = SEMANTICS[profile]
    closure = Graph()
    closure += asserted
    owlrl.DeductiveClosure(semantics, axiomatic_triples=False, datatype_axioms=False).expand(
        closure
    )
    messages = set(closure.subjects(RDF.type, URIRef(ERRORS + "ErrorMessage")))
    errors = sorted(
        str(text) for m in messages for text in closure.objects(m, URIRef(ERRORS + "error"))
    )
    inferred = Graph()
    for triple in closure:
        if triple not in asserted and triple[0] not in messages and _meaningful(triple):
            inferred.add(triple)
    return OwlrlResult(profile, inferred, errors)


def _meaningful(triple: tuple[object, object, object]) -> bool:
    """Drop owlrl's by-products that say nothing about the data: literal subjects (invalid RDF)
    and reflexive owl:sameAs, which every OWL RL closure adds for every node."""
    subject, predicate, obj = triple
    if isinstance(subject, Literal):
        return False
    return not (predicate == URIRef(OWL_SAME_AS) and subject == obj)
