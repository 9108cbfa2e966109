"""SHACL validation with pySHACL, reported one problem a line with the file and line of the node.

Data files are validated together with the ontology and the reference vocabularies, so a new file
about a new cluster may point at ESCA, the tiers and the sectors without repeating them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from clusterkg.engine import LocalStore
from clusterkg.errors import InputError, ShapesError
from clusterkg.inputs.screening import RELATIVE_BASE, screen
from clusterkg.inputs.sources import SourceMap
from clusterkg.vocabulary import ASSERTED, shorten

if TYPE_CHECKING:
    from clusterkg.build import Build
    from clusterkg.inputs.fidelity import Change, Fidelity
    from clusterkg.validation.compiled import CompiledShapes

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True)
class Problem:
    """One SHACL result, located where its focus node is written."""

    file: str | None
    line: int | None
    severity: str
    focus: str
    path: str | None
    message: str
    component: str
    shape: str | None
    value: str | None

    def location(self) -> str:
        if self.file is None:
            return "(graph)"
        return f"{self.file}:{self.line}" if self.line else self.file

    def text(self) -> str:
        path = shorten(self.path) if self.path else "-"
        return f"{self.location()}: {self.severity}: {shorten(self.focus)} {path}: {self.message}"


@dataclass
class Report:
    """The outcome of a validation.

    `conforms` is the SHACL specification's: true iff there are no results at all, warnings and
    info included (section 3.6.1). `violated` is what the CLI's exit code follows: true iff a
    result has severity Violation (warnings and info alone exit 0)."""

    problems: list[Problem]
    _results_graph: Graph | None
    engine: str = "pyshacl"
    raw: list[Any] | None = None

    @property
    def results_graph(self) -> Graph:
        """The SHACL validation report as a graph (built on request from the compiled
        validator's results)."""
        if self._results_graph is None:
            self._results_graph = _report_graph(self.raw or [], self.conforms)
        return self._results_graph

    @property
    def conforms(self) -> bool:
        return not self.problems

    @property
    def violated(self) -> bool:
        return any(p.severity == "Violation" for p in self.problems)

    @property
    def verdict(self) -> str:
        """The first words of the text summary."""
        if self.conforms:
            return "conforms"
        return "does not conform" if self.violated else "no violations"

    def count(self, severity: str) -> int:
        return sum(1 for p in self.problems if p.severity == severity)

    def as_text(self) -> str:
        lines = [p.text() for p in self.problems]
        summary = (
            f"{self.verdict}: "
            f"{self.count('Violation')} violation(s), {self.count('Warning')} warning(s), "
            f"{self.count('Info')} info"
        )
        return "\n".join([*lines, summary]) + "\n"

    def as_json(self) -> str:
        document: dict[str, Any] = {
            "conforms": self.conforms,
            "violations": self.count("Violation"),
            "warnings": self.count("Warning"),
            "info": self.count("Info"),
            "problems": [asdict(p) for p in self.problems],
        }
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"

    def as_turtle(self) -> str:
        """The SHACL validation report graph as Turtle."""
        return self.results_graph.serialize(format="turtle")


def validate_store(
    store: LocalStore,
    shapes: Path,
    sources: SourceMap,
    engine: str = "auto",
    fidelity: Fidelity | None = None,
) -> Report:
    """Validate the asserted graph of `store` (vocabulary included) against the shapes file.

    engine "sparql" runs the shapes compiled to SPARQL inside the store (shacl_sparql.py: the
    same results as pySHACL, tested, at a fraction of the time); "pyshacl" is the reference;
    "auto" compiles unless the shapes use a feature the compiler does not cover.

    `fidelity`: the loader's record of literals as written (fidelity.py); its ill-typed literals
    are reported as violations and the literals the store rewrote as info, and sh:datatype judges
    rewritten literals as written."""
    report = _validate_store(store, shapes, sources, engine, fidelity)
    if fidelity is not None:
        report.problems = sorted(
            [*report.problems, *loading_problems(fidelity)], key=_problem_order
        )
    return report


def validate_files(data: list[Path], shapes: Path, engine: str = "auto") -> tuple[Report, Build]:
    """Validate data files against a shapes file as `clusterkg validate` does, but without the
    bundled vocabulary (the W3C SHACL suite's harness uses it): the build loads the files keeping
    ill-typed literals, and validation is handed its record of the literals as written.
    A shapes file given as data too may hold owl:imports, as a shapes graph may (read_shapes):
    they are loaded as triples, never followed."""
    from clusterkg.build import build_store

    shapes_as_data = shapes.resolve() in {path.resolve() for path in data}
    built = build_store(LocalStore(), data, keep_ill_typed=True, refuse_imports=not shapes_as_data)
    return validate_build(built, shapes, engine), built


def validate_build(built: Build, shapes: Path, engine: str = "auto") -> Report:
    """The validation of a build: SHACL results, the literals the files wrote ill-typed (or the
    store rewrote), and the contradictions reasoning found, each located at its file and line."""
    from clusterkg.reasoning import consistency

    report = validate_store(built.store, shapes, built.sources, engine, built.fidelity)
    report.problems += consistency.problems(built.inconsistencies, built.sources)
    return report


def _validate_store(
    store: LocalStore, shapes: Path, sources: SourceMap, engine: str, fidelity: Fidelity | None
) -> Report:
    from clusterkg.engine.convert import to_rdflib_graph
    from clusterkg.quiet import quiet_rdflib

    if engine != "pyshacl":
        from clusterkg.validation.compiled import UnsupportedShapes

        try:
            compiled = _compiled(shapes, shapes.stat().st_mtime_ns)
        except UnsupportedShapes:
            if engine == "sparql":
                raise
        else:
            results = compiled.validate(
                store,
                ox.NamedNode(ASSERTED),
                written_forms=fidelity.written_forms() if fidelity else None,
                written_triples=fidelity.written_triples() if fidelity else None,
            )
            return _report_of(_values_as_written(results, fidelity), sources)
    with quiet_rdflib():  # ill-typed literals are reported, not logged with a traceback
        data = to_rdflib_graph(store, ox.NamedNode(ASSERTED))
        report = validate(data, read_shapes(shapes), sources)
    report.engine = "pyshacl"
    return report


def _values_as_written(results: list[Any], fidelity: Fidelity | None) -> list[Any]:
    """Each result's value as the file wrote it where the store holds it otherwise (a result on
    "300"^^xsd:byte names that literal, not the store's "300"^^xsd:integer); kept as stored
    when one triple was written in several forms the store made one."""
    triples = fidelity.written_triples() if fidelity else {}
    if not triples:
        return results
    shown = []
    for result in results:
        key = (str(result.focus), str(result.path), result.value)
        forms = set(triples.get(key, ())) if isinstance(result.value, ox.Literal) else set()
        shown.append(replace(result, value=forms.pop()) if len(forms) == 1 else result)
    return shown


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


@lru_cache(maxsize=4)
def _compiled(shapes: Path, _modified: int) -> CompiledShapes:
    """The shapes file compiled once per process and version of the file (read by Oxigraph:
    no rdflib needed)."""
    from clusterkg.validation.compiled import compile_shapes

    return compile_shapes(shapes)


def _report_of(results: list[Any], sources: SourceMap) -> Report:
    """The report of the compiled validator's results, located and sorted like pySHACL's."""
    sources.locate_many(r.focus.value for r in results if isinstance(r.focus, ox.NamedNode))
    problems = [_problem_of(r, sources) for r in results]
    problems.sort(key=_problem_order)
    return Report(problems, None, engine="sparql", raw=results)


def _problem_of(result: Any, sources: SourceMap) -> Problem:
    focus = result.focus
    where = sources.locate(focus.value) if isinstance(focus, ox.NamedNode) else None
    path = result.path
    return Problem(
        file=where[0] if where else None,
        line=where[1] if where else None,
        severity=result.severity.rsplit("#", 1)[-1],
        focus=_show_ox(focus),
        path=path.value if isinstance(path, ox.NamedNode) else (_show_ox(path) if path else None),
        message=result.messages[0] if result.messages else "constraint not met",
        component=shorten(result.component),
        shape=_show_ox(result.source_shape),
        value=_show_ox(result.value) if result.value is not None else None,
    )


def _show_ox(term: Any) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(getattr(term, "value", term))


def _problem_order(p: Problem) -> tuple[Any, ...]:
    return (
        SEVERITY_ORDER.get(p.severity, 3),
        p.file or "",
        p.line or 0,
        p.focus,
        p.path or "",
        p.message,
    )


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
    problems.sort(key=_problem_order)
    report = Report(problems, results)
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
    )


def _show(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, Literal):
        return str(term)
    if isinstance(term, URIRef):
        return str(term)
    return f"_:{term}"


def _report_graph(results: list[Any], conforms: bool) -> Graph:
    """A sh:ValidationReport graph with one sh:ValidationResult per compiled result."""
    from rdflib import BNode

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
        constraint = getattr(item, "source_constraint", None)
        if constraint is not None:
            graph.add((node, SH.sourceConstraint, to_rdflib(constraint)))
        for message in item.messages:
            graph.add((node, SH.resultMessage, Literal(message)))
    return graph


# --- what the loader found in the literals as written (clusterkg.inputs.fidelity) ---------
# An ill-typed literal is a Violation: the value means nothing, whatever the shapes say. A literal
# the store keeps in another form ("007"^^xsd:integer as "7") is Info, not a Warning: it is the
# same value (RDF's datatype semantics) and sh:datatype is judged on it as written, so the data
# conforms; but queries and exports see the stored form, and the user should know which.

ILL_TYPED_COMPONENT = "clusterkg:IllTypedLiteral"
STORED_FORM_COMPONENT = "clusterkg:StoredForm"


def loading_problems(fidelity: Fidelity) -> list[Problem]:
    """The fidelity record as report lines, each at the file and line of the literal."""
    return [
        *(_loading_problem(c, "Violation") for c in fidelity.ill_typed),
        *(_loading_problem(c, "Info") for c in fidelity.rewritten),
    ]


def _loading_problem(change: Change, severity: str) -> Problem:
    if severity == "Violation":
        message, component = change.refusal(), ILL_TYPED_COMPONENT
    else:
        message, component = change.explanation(), STORED_FORM_COMPONENT
    return Problem(
        file=change.file,
        line=change.line,
        severity=severity,
        focus=_unbracket(change.subject),
        path=_unbracket(change.predicate) or None,
        message=message,
        component=component,
        shape=None,
        value=change.written,
    )


def _unbracket(term: str) -> str:
    return term[1:-1] if term.startswith("<") and term.endswith(">") else term
