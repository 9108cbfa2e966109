"""The name a page shows for an IRI, the same on every page: its skos:prefLabel, else its
rdfs:label, schema:name, foaf:name or dcterms:title; English first, then no language, then any;
the least of equals, so the choice never depends on the store's order.

Looked up in batches: one query for up to BATCH IRIs (a thing's page shows a hundred, a table
thousands), where one query each cost a page 60 lookups.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from clusterkg.engine import Engine, Table
from clusterkg.vocabulary import DCTERMS, FOAF, PREFIXES, RDFS

SKOS, SCHEMA = PREFIXES["skos"], PREFIXES["schema"]
# most preferred first (docs/model.md: skos:prefLabel is the display name; vocabularies use
# rdfs:label; sources dcterms:title)
LABELS = (SKOS + "prefLabel", RDFS + "label", SCHEMA + "name", FOAF + "name", DCTERMS + "title")
BATCH = 500
# ?p filtered, not a VALUES list: Oxigraph joins two VALUES lists first and then scans each
# predicate's whole index (a cluster's page at 2 M triples: 0.6 s; 27 ms with a query per IRI); read
# from each IRI, the triples are found by subject (the page: 12 ms)
_QUERY = f"""SELECT ?thing ?p ?label WHERE {{
  VALUES ?thing {{ %s }}
  ?thing ?p ?label
  FILTER(?p IN ({", ".join(f"<{p}>" for p in LABELS)}))
}}"""


def labels(engine: Engine, iris: Iterable[str]) -> dict[str, str]:
    """The display name of each IRI that has one."""
    wanted = sorted(set(iris))
    found: dict[str, tuple[int, int, str]] = {}
    for start in range(0, len(wanted), BATCH):
        # The IRIs are the store's own terms, written by pyoxigraph (escaped), never text a user
        # typed: a binding is one term, and these are hundreds.
        terms = " ".join(str(ox.NamedNode(iri)) for iri in wanted[start : start + BATCH])
        table = engine.run(_QUERY % terms)
        assert isinstance(table, Table)
        for thing, predicate, label in table.rows:
            if thing is None or predicate is None or not isinstance(label, ox.Literal):
                continue
            rank = (LABELS.index(predicate.value), _language_rank(label), label.value)
            if thing.value not in found or rank < found[thing.value]:
                found[thing.value] = rank
    return {iri: text for iri, (_, _, text) in found.items()}


def _language_rank(label: ox.Literal) -> int:
    return {"en": 0, None: 1, "": 1}.get(label.language, 2)
