"""Cardinality constraint components (SHACL section 4.2): sh:minCount, sh:maxCount, each a query
over the focus nodes; the same queries count qualified value nodes (shape_based.py)."""

from __future__ import annotations

from clusterkg.validation.compiled.components import FocusComponent, FocusScope, Query
from clusterkg.validation.compiled.expressions import sparql
from clusterkg.validation.compiled.results import CoreOutcome
from clusterkg.validation.compiled.shapes import count
from clusterkg.validation.compiled.terms import COMPONENT
from clusterkg.vocabulary import SH


def too_few(scope: FocusScope, n: int, only: str | None, component: str) -> Query:
    """Focus nodes with fewer than n values (`only`: counting the values meeting it)."""
    shape, focus = scope.shape, scope.focus
    assert shape.path is not None
    path, condition = sparql(shape.path), only or "true"
    if n == 1:
        sparql_text = (
            f"SELECT ?this WHERE {{ {focus.nodes} "
            f"FILTER NOT EXISTS {{ ?this {path} ?v . FILTER ({condition}) }} }}"
        )
    else:
        sparql_text = (
            f"SELECT ?this WHERE {{ {focus.nodes} "
            f"OPTIONAL {{ ?this {path} ?v . FILTER ({condition}) }} }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {n})"
        )
    return Query(sparql_text, CoreOutcome(shape, ((component, None),), None))


def too_many(scope: FocusScope, n: int, only: str | None, component: str) -> Query:
    """Focus nodes with more than n values (`only`: counting the values meeting it)."""
    shape, focus = scope.shape, scope.focus
    assert shape.path is not None
    path = sparql(shape.path)
    if only is None:
        # Subjects with too many values are few: find them, then keep the focus nodes.
        sparql_text = (
            f"SELECT ?this WHERE {{ {{ SELECT ?this WHERE {{ ?this {path} ?v }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {n}) }} {focus.test} }}"
        )
    else:  # the condition may be costly: test only the focus nodes' values
        sparql_text = (
            f"SELECT ?this WHERE {{ {focus.nodes} ?this {path} ?v . FILTER ({only}) }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {n})"
        )
    return Query(sparql_text, CoreOutcome(shape, ((component, None),), None))


def _add_min_count(scope: FocusScope) -> None:
    minimum = count(scope.g, scope.shape, "minCount")
    if minimum:
        scope.add(too_few(scope, minimum, None, COMPONENT["minCount"]))


def _add_max_count(scope: FocusScope) -> None:
    maximum = count(scope.g, scope.shape, "maxCount")
    if maximum is not None:
        scope.add(too_many(scope, maximum, None, COMPONENT["maxCount"]))


FOCUS_COMPONENTS = {
    SH + "minCount": FocusComponent(_add_min_count, property_shapes_only=True),
    SH + "maxCount": FocusComponent(_add_max_count, property_shapes_only=True),
}
