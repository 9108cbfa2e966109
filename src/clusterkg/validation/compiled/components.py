"""What a section module gives the compiler for each constraint component it compiles.

Components come in two kinds. A value component (sh:class, sh:pattern, sh:in…) is a condition on
one value node: the compiler tests all of a shape's value components in one pass over its value
nodes, a flag each, and uses the same conditions to decide whether a value conforms to a shape
(sh:or, sh:qualifiedValueShape). A focus component (sh:minCount, sh:property, sh:sparql…) adds
queries of its own over the focus nodes. The registries (compiler.py) key both by the sh:
parameter that switches the component on, as pySHACL's CONSTRAINT_PARAMETERS_MAP does: one
parameter may make results of several components (sh:qualifiedValueShape: qualified min and max
counts), and the results name their component themselves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from clusterkg.validation.compiled.shapes import Shape, ShapesGraph
from clusterkg.validation.compiled.terms import Term

if TYPE_CHECKING:
    from clusterkg.validation.compiled.compiler import Compiler
    from clusterkg.validation.compiled.functions import Functions
    from clusterkg.validation.compiled.results import Outcome
    from clusterkg.validation.compiled.targets import Focus

Condition = Callable[[str], str]  # a SPARQL boolean expression about a variable


@dataclass(frozen=True)
class Query:
    """One compiled query, and how its rows become results. `heavy`: a query that may read the
    whole graph (a SPARQL-based constraint), started first so that no core waits on it alone at
    the end. `joined`: the same query with its class tests as joins (targets.joined_instances),
    run instead where the values of `predicate` are many."""

    sparql: str
    outcome: Outcome
    heavy: bool = False
    joined: str | None = None
    predicate: str | None = None


@dataclass(frozen=True)
class ValueTest:
    """One constraint on every value node: the result component and the SPARQL condition."""

    component: str
    condition: Condition


@dataclass(frozen=True)
class ValueScope:
    """What the value tests of one shape are built from.

    `datatype`: the values' datatype, where the tests are only ever used together, all of them in
    order (a member of sh:or, a qualified value shape), so the datatype test comes first and the
    others may take it for granted; None otherwise."""

    compiler: Compiler
    shape: Shape
    datatype: str | None

    @property
    def g(self) -> ShapesGraph:
        return self.compiler.g

    @property
    def functions(self) -> Functions:
        return self.compiler.functions


@dataclass(frozen=True)
class ValueComponent:
    """A constraint component tested on each value node."""

    component: str
    build: Callable[[ValueScope, Term], Condition]  # from one value of the parameter
    repeatable: bool = False  # a shape may give the parameter several values


@dataclass(frozen=True)
class FocusScope:
    """What the queries of a focus component are built from: the shape, its focus nodes, and the
    compiler, which collects the queries."""

    compiler: Compiler
    shape: Shape
    focus: Focus

    @property
    def g(self) -> ShapesGraph:
        return self.compiler.g

    def add(self, query: Query) -> None:
        self.compiler.queries.append(query)


@dataclass(frozen=True)
class FocusComponent:
    """A constraint component checked by queries of its own over the focus nodes."""

    add_queries: Callable[[FocusScope], None]
    property_shapes_only: bool = False
