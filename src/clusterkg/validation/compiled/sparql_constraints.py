"""SPARQL-based constraints (SHACL section 5): sh:sparql on node shapes, with sh:select,
sh:prefixes (sparql_prefixes.py), sh:message templates and sh:deactivated.

The query runs in Oxigraph with the focus nodes joined in (sparql_rewrite.py); each solution is a
result, its messages substituted as pySHACL substitutes them."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from clusterkg.engine import Solution
from clusterkg.validation.compiled.components import FocusComponent, FocusScope, Query
from clusterkg.validation.compiled.rdflib_view import as_pyshacl_reports, pyshacl_text
from clusterkg.validation.compiled.results import Outcome, Run, ShaclResult, bound
from clusterkg.validation.compiled.shapes import Shape, deactivated, is_text
from clusterkg.validation.compiled.sparql_prefixes import sparql_prefixes
from clusterkg.validation.compiled.sparql_rewrite import join_focus_into
from clusterkg.validation.compiled.terms import COMPONENT, Resource, Term, UnsupportedShapes, name
from clusterkg.vocabulary import SH


def _add_sparql_constraints(scope: FocusScope) -> None:
    shape = scope.shape
    for constraint in scope.g.objects(shape.node, SH + "sparql"):
        if shape.is_property:
            raise UnsupportedShapes(f"{name(shape.node)}: sh:sparql on a property shape")
        query = _compiled_constraint(scope, constraint)
        if query is not None:
            scope.add(query)


def _compiled_constraint(scope: FocusScope, constraint: Term) -> Query | None:
    """The query of one SPARQL-based constraint, None if it is deactivated."""
    g, shape = scope.g, scope.shape
    if isinstance(constraint, ox.Literal):
        raise UnsupportedShapes(f"{name(shape.node)}: sh:sparql {constraint}")
    selects = g.objects(constraint, SH + "select")
    if len(selects) != 1 or not is_text(selects[0]):
        raise UnsupportedShapes(f"{name(constraint)} needs exactly one sh:select text")
    messages = g.objects(constraint, SH + "message")
    if not all(is_text(m) for m in messages):
        raise UnsupportedShapes(f"{name(constraint)}: sh:message is not a text")
    if deactivated(g, constraint):
        return None
    select = selects[0]
    assert isinstance(select, ox.Literal)
    prefixes = sparql_prefixes(g, constraint)
    try:
        rewritten = join_focus_into(select.value, scope.focus)
    except UnsupportedShapes as error:
        raise UnsupportedShapes(f"{name(constraint)}: {error}") from None
    sparql_text = (
        "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items()) + "\n" + rewritten.text
    )
    outcome = _SparqlOutcome(
        shape,
        constraint,
        rewritten.projected,
        tuple(m for m in messages if isinstance(m, ox.Literal)),
    )
    return Query(sparql_text, outcome, heavy=True)


FOCUS_COMPONENTS = {SH + "sparql": FocusComponent(_add_sparql_constraints)}


# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _SparqlOutcome(Outcome):
    """A SPARQL-based constraint's result, with pySHACL's message substitution."""

    shape: Shape
    constraint: Resource
    projected: tuple[str, ...]
    constraint_messages: tuple[ox.Literal, ...]

    def results(self, row: Solution, run: Run) -> Iterator[ShaclResult]:
        focus = bound(row, "this")
        this = focus if "this" in self.projected else None
        path = row["path"] if "path" in self.projected else None
        value = row["value"] if "value" in self.projected else None
        if this is None and path is None and value is None:
            return  # pySHACL ignores a solution without $this, ?path or ?value
        value = value if value is not None else focus
        bindings = [
            (variable, term)
            for variable in self.projected
            if variable not in ("this", "path", "value") and (term := row[variable]) is not None
        ]
        special = (("this", this), ("path", path), ("value", value))
        bindings += [(variable, term) for variable, term in special if term is not None]
        extra = [m for m in self.constraint_messages if m not in self.shape.messages]
        messages = {_substitute(m.value, bindings) for m in (*extra, *self.shape.messages)}
        yield ShaclResult(
            focus=as_pyshacl_reports(focus) or focus,
            path=path,
            value=as_pyshacl_reports(value),
            source_shape=self.shape.node,
            component=COMPONENT["sparql"],
            severity=self.shape.severity,
            messages=tuple(sorted(messages)),
            source_constraint=self.constraint,
        )


def _substitute(message: str, bindings: Sequence[tuple[str, Term]]) -> str:
    """pySHACL's _format_sparql_based_result_message: re.sub of {?name} / {$name}, in order."""
    for variable, term in bindings:
        message = re.sub(f"{{[?$]{variable}}}", pyshacl_text(term), message)
    return message
