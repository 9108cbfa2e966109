"""Cardinality constraint components (SHACL section 4.2): sh:minCount, sh:maxCount, each a query
over the focus nodes; the same queries count qualified value nodes (shape_based.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clusterkg.validation.compiled.components import FocusComponent, Query
from clusterkg.validation.compiled.expressions import sparql
from clusterkg.validation.compiled.results import CoreOutcome
from clusterkg.validation.compiled.shapes import Shape, count
from clusterkg.validation.compiled.terms import COMPONENT, SH

if TYPE_CHECKING:
    from clusterkg.validation.compiled.compiler import Compiler
    from clusterkg.validation.compiled.targets import Focus


def too_few(shape: Shape, focus: Focus, n: int, only: str | None, component: str) -> Query:
    """Focus nodes with fewer than n values (`only`: counting the values meeting it)."""
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


def too_many(shape: Shape, focus: Focus, n: int, only: str | None, component: str) -> Query:
    """Focus nodes with more than n values (`only`: counting the values meeting it)."""
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


def _add_min_count(compiler: Compiler, shape: Shape, focus: Focus) -> None:
    minimum = count(compiler.g, shape, "minCount")
    if minimum:
        compiler.queries.append(too_few(shape, focus, minimum, None, COMPONENT["minCount"]))


def _add_max_count(compiler: Compiler, shape: Shape, focus: Focus) -> None:
    maximum = count(compiler.g, shape, "maxCount")
    if maximum is not None:
        compiler.queries.append(too_many(shape, focus, maximum, None, COMPONENT["maxCount"]))


FOCUS_COMPONENTS = {
    SH + "minCount": FocusComponent(_add_min_count, property_shapes_only=True),
    SH + "maxCount": FocusComponent(_add_max_count, property_shapes_only=True),
}
