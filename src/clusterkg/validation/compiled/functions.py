"""Python functions that compiled queries call as SPARQL functions (Oxigraph custom functions):
pySHACL's exact checks, for the rare values a fast SPARQL test cannot vouch for, and the record of
literals as written (written.py)."""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox

from clusterkg.validation.compiled.terms import Term
from clusterkg.validation.compiled.value_type import datatype_matches
from clusterkg.validation.compiled.written import RECORDED, WRITTEN_AS, WrittenForms

# The IRIs of the exact checks: CHECK + a number (portable.py finds the calls by it).
CHECK = "urn:x-clusterkg:shacl-sparql:check:"


class Functions:
    """The functions of one compiled shapes graph, by the IRI queries call them with."""

    def __init__(self) -> None:
        self.table: dict[ox.NamedNode, Callable[..., ox.Literal]] = {}
        self.written = WrittenForms(datatype_matches)
        self.table[RECORDED] = self.written.recorded
        self.table[WRITTEN_AS] = self.written.written_as

    def call(self, check: Callable[[Term], bool], var: str) -> str:
        """SPARQL calling `check` on `var`."""
        iri = ox.NamedNode(f"{CHECK}{len(self.table)}")
        self.table[iri] = lambda term: ox.Literal(bool(check(term)))
        return f"{iri}({var})"
