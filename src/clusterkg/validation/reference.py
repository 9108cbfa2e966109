"""The reference backend: pySHACL, on an rdflib copy of the store's asserted graph, with the options
clusterkg always uses (no inference, advanced features, warnings allowed, no imports followed).
The fast backend (compiled/) gives the same results; tests hold the two together."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from clusterkg.engine import Engine
from clusterkg.errors import InputError, ShapesError
from clusterkg.inputs.screening import screen
from clusterkg.inputs.sources import SourceMap
from clusterkg.validation.report import Problem, Report, problem_order
from clusterkg.validation.shapes_files import Shapes, merged_graph, shapes_paths, where_in
from clusterkg.vocabulary import ASSERTED, RELATIVE_BASE, shorten


def validate_with_pyshacl(engine: Engine, shapes: Shapes, sources: SourceMap) -> Report:
    """The engine's asserted graph, with its statement groups as named graphs (pySHACL
    validates their union, which is the asserted graph), against the shapes file (or files,
    taken together), by pySHACL."""
    from clusterkg.engine.convert import dataset_to_rdflib
    from clusterkg.engine.groups import statement_group_quads
    from clusterkg.quiet import quiet_rdflib

    with quiet_rdflib():  # ill-typed literals are reported, not logged with a traceback
        asserted = list(engine.triples(ASSERTED))
        # pySHACL validates the union of the graphs: a group's copy of a triple no longer
        # asserted (removed from the asserted graph alone) must not count
        held = set(asserted)
        grouped = [q for q in statement_group_quads(engine) if q.triple in held]
        data = dataset_to_rdflib(asserted, grouped)
        files = shapes_paths(shapes)
        if len(files) == 1:
            return validate(data, read_shapes(files[0]), sources)
        try:
            return validate(data, merged_graph(files), sources)
        except ShapesError as error:  # which of the files: the one naming the shape
            raise ShapesError(f"{where_in(files, str(error))}: {error}") from None


def read_shapes(shapes: Path) -> Graph:
    """The shapes graph as written, for pySHACL.

    Unlike a data file, it is not refused for owl:imports (pySHACL is told not to follow them
    either: clusterkg reads only the files it is given) nor for ill-typed literals (a shapes file
    may also hold data, as the W3C tests do; sh:datatype is what reports them)."""
    from clusterkg.engine.convert import to_rdflib
    from clusterkg.inputs.reading import parse_files, read_text

    fmt = ox.RdfFormat.from_extension(shapes.suffix.lstrip(".").lower())
    if fmt is None or fmt == ox.RdfFormat.JSON_LD:
        return parse_files([shapes])[0]  # the data loader, which refuses remote JSON-LD contexts
    screen(shapes)  # an RDF/XML DTD is refused before Oxigraph reads the file
    try:
        parsed = list(ox.parse(read_text(shapes), fmt, base_iri=RELATIVE_BASE))
    except SyntaxError as error:
        raise InputError(shapes, f"cannot parse the shapes: {error}") from None
    graph = Graph()
    for t in parsed:
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return graph


def validate(data: Graph, shapes: Graph, sources: SourceMap) -> Report:
    """The reference: pySHACL on `data` (vocabulary included) against `shapes`; no inference,
    no imports."""
    from pyshacl import validate as shacl_validate
    from pyshacl.errors import ReportableRuntimeError

    try:
        _conforms, results, _text = shacl_validate(
            data_graph=data,
            shacl_graph=shapes,
            inference="none",
            advanced=True,
            allow_warnings=True,
            do_owl_imports=False,
        )
    except (ReportableRuntimeError, NotImplementedError) as error:
        raise ShapesError(f"the shapes cannot be used: {_reason(error)}") from None
    except Exception as error:  # rdflib's SPARQL parser and pySHACL raise plain exceptions too
        raise ShapesError(f"pySHACL cannot use the shapes: {_reason(error)}") from None
    if not isinstance(results, Graph):  # pySHACL returns a ValidationFailure, not raises it
        raise ShapesError(f"the shapes cannot be used: {_reason(results)}")
    problems = [
        _problem(results, r, sources) for r in results.subjects(RDF.type, SH.ValidationResult)
    ]
    problems.sort(key=problem_order)
    # The graph keeps the sh:conforms set here, whatever problems are added to the report later.
    report = Report(problems, "pyshacl", results)
    # pySHACL's sh:conforms ignores warnings (allow_warnings); the specification's does not.
    for node in results.subjects(RDF.type, SH.ValidationReport):
        results.set((node, SH.conforms, Literal(report.conforms)))
    return report


def _reason(error: object) -> str:
    """pySHACL's own explanation, without its "see the specification" footer."""
    text = str(getattr(error, "message", None) or error).strip()
    return text.split("\n")[0] or type(error).__name__


def _problem(results: Graph, result: Node, sources: SourceMap) -> Problem:
    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    severity = results.value(result, SH.resultSeverity)
    messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
    component = results.value(result, SH.sourceConstraintComponent)
    shape = results.value(result, SH.sourceShape)
    value = results.value(result, SH.value)
    constraint = results.value(result, SH.sourceConstraint)
    where = sources.locate(str(focus)) if isinstance(focus, URIRef) else None
    return Problem(
        file=where[0] if where else None,
        line=where[1] if where else None,
        severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
        focus=_show(focus),
        path=str(path) if isinstance(path, URIRef) else (_show(path) if path else None),
        message=messages[0] if messages else "constraint not met",
        component=shorten(str(component)) if component else "",
        shape=_show(shape) if shape is not None else None,
        value=_show(value) if value is not None else None,
        constraint=_show(constraint) if constraint is not None else None,
    )


def _show(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, Literal):
        return str(term)
    if isinstance(term, URIRef):
        return str(term)
    return f"_:{term}"
