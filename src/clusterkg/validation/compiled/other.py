"""Other constraint components (SHACL section 4.8): sh:in. (sh:closed and sh:hasValue are not
compiled: shapes using them are validated by pySHACL.)

pySHACL tests membership with rdflib's term equality, under which literals of the datatypes rdflib
normalises are equal to other spellings of their value: sameTerm settles the rest in SPARQL."""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from clusterkg.validation.compiled.components import Condition, ValueComponent, ValueScope
from clusterkg.validation.compiled.expressions import all_of, any_of, sparql
from clusterkg.validation.compiled.rdflib_view import as_rdflib, rdflib_sees_as_written
from clusterkg.validation.compiled.terms import COMPONENT, Term
from clusterkg.vocabulary import SH


def _in(scope: ValueScope, value: Term) -> Condition:
    members = scope.g.items(value, scope.shape.node)
    named = [m for m in members if not isinstance(m, ox.BlankNode)]

    def condition(v: str) -> str:
        same = [f"sameTerm({v}, {sparql(m)})" for m in named]
        exact = scope.functions.call(lambda term: _is_member(term, named), v)
        normalised = all_of(f"isLiteral({v})", f"!{rdflib_sees_as_written(v)}", exact)
        return any_of(*same, normalised)

    return condition


VALUE_COMPONENTS = {SH + "in": ValueComponent(COMPONENT["in"], _in)}


def _is_member(term: Term, members: Sequence[Term]) -> bool:
    """pySHACL's InConstraintComponent on one value node: rdflib's term equality."""
    return as_rdflib(term) in {as_rdflib(m) for m in members}
