"""The fast backend: the shapes compiled to SPARQL (compiled/) and run inside the store, their
results located and rendered like the reference backend's. Compiling raises UnsupportedShapes for
shapes it does not cover; the caller decides whether to fall back to pySHACL."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from clusterkg.engine import Engine
from clusterkg.inputs.sources import SourceMap
from clusterkg.validation.report import Problem, Report, problem_order
from clusterkg.validation.shapes_files import Shapes, shapes_paths
from clusterkg.vocabulary import ASSERTED, shorten

if TYPE_CHECKING:
    from rdflib import Graph

    from clusterkg.inputs.fidelity import Fidelity
    from clusterkg.validation.compiled import CompiledShapes, ShaclResult


def compiled_shapes(shapes: Shapes) -> CompiledShapes:
    """The shapes file (or files, taken together) compiled to SPARQL; UnsupportedShapes if they
    use what is not compiled."""
    files = shapes_paths(shapes)
    return _compiled(files, tuple(path.stat().st_mtime_ns for path in files))


@lru_cache(maxsize=4)
def _compiled(files: tuple[Path, ...], _modified: tuple[int, ...]) -> CompiledShapes:
    """The shapes files compiled once per process and version of the files (read by Oxigraph:
    no rdflib needed)."""
    from clusterkg.validation.compiled import compile_shapes

    return compile_shapes(files[0] if len(files) == 1 else files)


def validate_compiled(
    compiled: CompiledShapes, engine: Engine, sources: SourceMap, fidelity: Fidelity | None
) -> Report:
    """The engine's asserted graph against the compiled shapes; sh:datatype judges the
    literals the store rewrote as `fidelity` records them written."""
    results = compiled.validate(
        engine,
        ASSERTED,
        written_forms=fidelity.written_forms() if fidelity else None,
        written_triples=fidelity.written_triples() if fidelity else None,
    )
    return report_of(_values_as_written(results, fidelity), sources)


def _values_as_written(results: list[ShaclResult], fidelity: Fidelity | None) -> list[ShaclResult]:
    """Each result's value as the file wrote it where the store holds it otherwise (a result on
    "300"^^xsd:byte names that literal, not the store's "300"^^xsd:integer); kept as stored
    when one triple was written in several forms the store made one."""
    triples = fidelity.written_triples() if fidelity else {}
    if not triples:
        return results
    shown = []
    for result in results:
        value, forms = result.value, set()
        if isinstance(value, ox.Literal):
            forms = set(triples.get((str(result.focus), str(result.path), value), ()))
        shown.append(replace(result, value=forms.pop()) if len(forms) == 1 else result)
    return shown


def report_of(results: list[ShaclResult], sources: SourceMap) -> Report:
    """The report of the compiled validator's results, located and sorted like pySHACL's."""
    sources.locate_many(r.focus.value for r in results if isinstance(r.focus, ox.NamedNode))
    problems = [_problem_of(r, sources) for r in results]
    problems.sort(key=problem_order)
    return Report(
        problems, "sparql", lambda conforms: _results_graph(results, conforms), raw=results
    )


def _problem_of(result: ShaclResult, sources: SourceMap) -> Problem:
    focus = result.focus
    where = sources.locate(focus.value) if isinstance(focus, ox.NamedNode) else None
    path = result.path
    return Problem(
        file=where[0] if where else None,
        line=where[1] if where else None,
        severity=result.severity.rsplit("#", 1)[-1],
        focus=_show(focus),
        path=path.value if isinstance(path, ox.NamedNode) else (_show(path) if path else None),
        message=result.messages[0] if result.messages else "constraint not met",
        component=shorten(result.component),
        shape=_show(result.source_shape),
        value=_show(result.value) if result.value is not None else None,
        constraint=_show(result.source_constraint) if result.source_constraint else None,
    )


def _show(term: Any) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(getattr(term, "value", term))


def _results_graph(results: list[ShaclResult], conforms: bool) -> Graph:
    """A sh:ValidationReport graph with one sh:ValidationResult per compiled result."""
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.namespace import RDF, SH

    from clusterkg.engine.convert import to_rdflib

    graph = Graph()
    graph.bind("sh", SH)
    report = BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(conforms)))
    for item in results:
        node = BNode()
        graph.add((report, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, to_rdflib(item.focus)))
        graph.add((node, SH.resultSeverity, URIRef(item.severity)))
        graph.add((node, SH.sourceConstraintComponent, URIRef(item.component)))
        if item.path is not None:
            graph.add((node, SH.resultPath, to_rdflib(item.path)))
        if item.value is not None:
            graph.add((node, SH.value, to_rdflib(item.value)))
        graph.add((node, SH.sourceShape, to_rdflib(item.source_shape)))
        if item.source_constraint is not None:
            graph.add((node, SH.sourceConstraint, to_rdflib(item.source_constraint)))
        for message in item.messages:
            graph.add((node, SH.resultMessage, Literal(message)))
    return graph
