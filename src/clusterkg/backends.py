"""Choosing, for each capability, between its fast backend and its reference backend.

Reading, reasoning, validation and writing each have two implementations that give the same
answers (tests/test_backend_parity.py checks they do):

  capability  fast                                          reference
  reader      Oxigraph parses Turtle, N-Triples, N-Quads,   rdflib parses Turtle and N-Triples
              TriG                                          (JSON-LD, RDF/XML: always rdflib)
  reasoner    OWL 2 RL rules run inside the store           owlrl
  validator   the shapes compiled to SPARQL                 pySHACL
  writer      the engine's N-Triples dump, sorted           the canonical writer (prefixes,
              (Turtle and N-Triples exports)                pretty Turtle)

`auto` takes the fast backend where it covers the input and the reference one where it does not
(the rules refuse OWL constructs they lack; small exports are pretty-printed). `fast` insists on
the fast backend (an error where it does not cover the input, for the reasoner); `reference`
always takes the reference backend: slower, for checking one against the other. The reasoner's
earlier names are still accepted: `rules` (fast) and `owlrl` (reference).
"""

from __future__ import annotations

from clusterkg.errors import ClusterKGError

CHOICES = ("auto", "fast", "reference")


def checked(capability: str, choice: str) -> str:
    """`choice` if it is one of CHOICES, else a ClusterKGError naming the capability."""
    if choice not in CHOICES:
        raise ClusterKGError(
            f"unknown {capability} backend {choice!r} (choose one of {', '.join(CHOICES)})"
        )
    return choice
