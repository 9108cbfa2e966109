"""Reasoning: the OWL 2 RL (or RDFS) closure of the asserted graph, by one of two backends.

- rules/          the fast reasoner ("rules"): OWL 2 RL rules run as SPARQL updates inside the
                  Oxigraph store; it covers most of OWL 2 RL and says what it does not cover
- reference.py    the reference reasoner ("owlrl"): owlrl over an rdflib copy of the graph;
                  every construct and the rdfs profile, at Python's speed
- consistency.py  the contradictions either one finds, in one form, for reports and validation

`choose_reasoner` is the one place that decides which backend runs. Neither backend is imported
here: opening a cached build must not pay for loading them.
"""

from __future__ import annotations

from clusterkg.errors import ClusterKGError
from clusterkg.vocabulary import shorten

FAST = "rules"
REFERENCE = "owlrl"
# What the inferred graph holds: the OWL 2 RL closure, or only the RDFS one (owlrl only).
PROFILES = ("owlrl", "rdfs")
SYNONYMS = {"auto": "auto", "fast": FAST, FAST: FAST, "reference": REFERENCE, REFERENCE: REFERENCE}


def reasoner_name(wanted: str) -> str:
    """The one name of the reasoner `wanted` names: "auto", FAST or REFERENCE (a build cached
    with --reasoner fast is the build of --reasoner rules)."""
    backend = SYNONYMS.get(wanted)
    if backend is None:
        known = ", ".join(SYNONYMS)
        raise ClusterKGError(f"unknown reasoner {wanted!r}; choose one of {known}")
    return backend


def choose_reasoner(wanted: str, unsupported: list[str]) -> str:
    """The backend to run, FAST ("rules") or REFERENCE ("owlrl"), given the one `wanted`
    ("auto", "fast" or "rules", "reference" or "owlrl") and what the graph uses that the fast
    one does not cover (`unsupported`: terms or phrases; none, and it may run). "auto" takes
    the fast one where it can; wanting the fast one for a graph it does not cover is an error."""
    backend = reasoner_name(wanted)
    if backend == REFERENCE or (backend == "auto" and unsupported):
        return REFERENCE
    if unsupported:
        raise ClusterKGError(
            f"the rules reasoner does not cover {', '.join(shorten(t) for t in unsupported)}; "
            "use --reasoner reference (owlrl)"
        )
    return FAST
