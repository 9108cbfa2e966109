"""Value range constraint components (SHACL section 4.3): sh:minExclusive, sh:minInclusive,
sh:maxExclusive, sh:maxInclusive.

SPARQL compares integers and decimals that both Oxigraph and Python compare exactly; any other
value goes to pySHACL's comparison, in Python."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

import pyoxigraph as ox

from clusterkg.validation.compiled.components import Condition, ValueComponent, ValueScope
from clusterkg.validation.compiled.expressions import all_of, any_of, sparql, string
from clusterkg.validation.compiled.rdflib_view import as_rdflib
from clusterkg.validation.compiled.terms import COMPONENT, Term, UnsupportedShapes, name
from clusterkg.vocabulary import SH, XSD

# Numbers Oxigraph and Python both compare exactly (xsd:decimal in Oxigraph: 18 fraction digits).
_EXACT_NUMBER = r"^[+-]?[0-9]{1,18}(\.[0-9]{1,18})?$"
_EXACT_NUMBER_TYPES = (XSD + "integer", XSD + "decimal")


def _range(parameter: str, compare: str, scope: ValueScope, value: Term) -> Condition:
    """The values `compare` the parameter's value (">=" for sh:minInclusive…)."""
    if not isinstance(value, ox.Literal):
        raise UnsupportedShapes(f"{name(scope.shape.node)}: sh:{parameter} {value}")
    rule = value
    exact_rule = rule.datatype.value in _EXACT_NUMBER_TYPES and re.fullmatch(
        _EXACT_NUMBER[1:-1], rule.value
    )
    types = ", ".join(f"<{t}>" for t in _EXACT_NUMBER_TYPES)

    def condition(v: str) -> str:
        exact = scope.functions.call(lambda term: _in_range(term, rule, compare), v)
        if not exact_rule:
            return all_of(f"isLiteral({v})", exact)
        fast = all_of(
            f"isLiteral({v})",
            f"DATATYPE({v}) IN ({types})",
            f"REGEX(STR({v}), {string(_EXACT_NUMBER)})",
            f"{v} {compare} {sparql(rule)}",
        )
        return any_of(fast, all_of(f"isLiteral({v})", exact))

    return condition


VALUE_COMPONENTS = {
    SH + parameter: ValueComponent(
        COMPONENT[parameter], partial(_range, parameter, compare), repeatable=True
    )
    for parameter, compare in (
        ("minInclusive", ">="),
        ("maxInclusive", "<="),
        ("minExclusive", ">"),
        ("maxExclusive", "<"),
    )
}


def _in_range(term: Term, rule: ox.Literal, compare: str) -> bool:
    """pySHACL's Min/MaxInclusive/ExclusiveConstraintComponent on one value node."""
    if not isinstance(term, ox.Literal):
        return False
    from pyshacl.rdfutil import compare as pyshacl_compare

    compare_literal: Callable[[Any, Any], int] = pyshacl_compare.compare_literal
    value, bound = as_rdflib(term), as_rdflib(rule)
    if isinstance(bound.value, str) != isinstance(value.value, str):
        return False  # pySHACL compares strings with strings only
    try:
        order = compare_literal(value, bound)
    except (TypeError, NotImplementedError):
        return False
    return {">=": order >= 0, ">": order > 0, "<=": order <= 0, "<": order < 0}[compare]
