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

`auto` reads with Oxigraph; reasons with the rules unless the graph uses OWL constructs they lack;
validates with the compiled shapes unless the shapes use what the compiler lacks; and writes
Turtle and N-Triples with the fast writer above 200,000 triples (smaller exports are
pretty-printed). `fast` insists on the fast backend, an error where it cannot serve (a construct
the rules lack, shapes the compiler lacks, a format other than Turtle and N-Triples); `reference`
always takes the reference backend: slower, for checking one against the other. The reasoner's
earlier names are still accepted: `rules` (fast) and `owlrl` (reference).
"""

from __future__ import annotations

from typing import Literal, get_args

from clusterkg.errors import ClusterKGError

Choice = Literal["auto", "fast", "reference"]
CHOICES: tuple[Choice, ...] = get_args(Choice)


def checked(capability: str, choice: str) -> Choice:
    """`choice` if it is one of CHOICES, else a ClusterKGError naming the capability."""
    for known in CHOICES:
        if choice == known:
            return known
    raise ClusterKGError(
        f"unknown {capability} backend {choice!r} (choose one of {', '.join(CHOICES)})"
    )
