"""Shape-based constraint components (SHACL section 4.7): sh:property, sh:qualifiedValueShape (with
sh:qualifiedMinCount, sh:qualifiedMaxCount). (sh:node is not compiled: shapes using it are
validated by pySHACL.)

A property shape of a node shape is compiled for the node shape's focus nodes; a qualified value
shape counts the values that conform to it (Compiler.conforms) with cardinality.py's queries."""

from __future__ import annotations

import pyoxigraph as ox

from clusterkg.validation.compiled.cardinality import too_few, too_many
from clusterkg.validation.compiled.components import FocusComponent, FocusScope
from clusterkg.validation.compiled.shapes import boolean, count
from clusterkg.validation.compiled.terms import COMPONENT, UnsupportedShapes, name
from clusterkg.vocabulary import SH


def _add_property_shapes(scope: FocusScope) -> None:
    shape = scope.shape
    for node in scope.g.objects(shape.node, SH + "property"):
        child = scope.compiler.shapes.get(node)
        if shape.is_property or child is None or not child.is_property:
            raise UnsupportedShapes(f"{name(shape.node)}: sh:property {name(node)}")
        scope.compiler.compile_shape(child, scope.focus)


def _add_qualified(scope: FocusScope) -> None:
    g, shape = scope.g, scope.shape
    qualified = g.one(shape.node, SH + "qualifiedValueShape", "sh:qualifiedValueShape")
    if qualified is None:
        return
    disjoint = g.objects(shape.node, SH + "qualifiedValueShapesDisjoint")
    if any(not isinstance(d, ox.Literal) or boolean(d, shape, "disjoint") for d in disjoint):
        raise UnsupportedShapes(f"{name(shape.node)}: sh:qualifiedValueShapesDisjoint")
    minimum = count(g, shape, "qualifiedMinCount")
    maximum = count(g, shape, "qualifiedMaxCount")
    if minimum is None and maximum is None:
        raise UnsupportedShapes(f"{name(shape.node)}: qualified shape without a count")
    condition = scope.compiler.conforms(qualified, "?v")
    if minimum:
        scope.add(too_few(scope, minimum, condition, COMPONENT["qualifiedMinCount"]))
    if maximum is not None:
        scope.add(too_many(scope, maximum, condition, COMPONENT["qualifiedMaxCount"]))


FOCUS_COMPONENTS = {
    SH + "qualifiedValueShape": FocusComponent(_add_qualified, property_shapes_only=True),
    SH + "property": FocusComponent(_add_property_shapes),
}
