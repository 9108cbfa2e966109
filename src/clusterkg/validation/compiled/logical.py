"""Logical constraint components (SHACL section 4.6): sh:or. (sh:not, sh:and and sh:xone are not
compiled: shapes using them are validated by pySHACL.)

A value conforms to a member shape when it passes all of that shape's value tests
(Compiler.conforms, which sh:qualifiedValueShape uses too)."""

from __future__ import annotations

from clusterkg.validation.compiled.components import Condition, ValueComponent, ValueScope
from clusterkg.validation.compiled.expressions import any_of
from clusterkg.validation.compiled.terms import COMPONENT, Term, UnsupportedShapes, name
from clusterkg.vocabulary import SH


def _or(scope: ValueScope, value: Term) -> Condition:
    members = scope.g.items(value, scope.shape.node)
    if not members:
        raise UnsupportedShapes(f"{name(scope.shape.node)}: empty sh:or list")
    # pySHACL skips a member that is filtered out, never here; an unknown member is an error.
    return lambda v: any_of(*(scope.compiler.conforms(m, v) for m in members))


VALUE_COMPONENTS = {SH + "or": ValueComponent(COMPONENT["or"], _or, repeatable=True)}
