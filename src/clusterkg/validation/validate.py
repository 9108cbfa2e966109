"""SHACL validation as `clusterkg validate` runs it: the backend chosen, and the report completed
with what loading and reasoning found, one problem a line with the file and line of the node.

Data files are validated together with the ontology and the reference vocabularies, so a new file
about a new cluster may point at ESCA, the tiers and the sectors without repeating them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from clusterkg import backends
from clusterkg.backends import Choice as Backend
from clusterkg.engine import Engine, LocalEngine, LocalStore
from clusterkg.inputs.sources import SourceMap
from clusterkg.validation.report import Problem, Report, problem_order
from clusterkg.validation.shapes_files import Shapes, where_in

if TYPE_CHECKING:
    from clusterkg.build import Build
    from clusterkg.inputs.fidelity import Change, Fidelity


def validate_store(
    engine: Engine,
    shapes: Shapes,
    sources: SourceMap,
    backend: Backend = "auto",
    fidelity: Fidelity | None = None,
) -> Report:
    """Validate the engine's asserted graph (vocabulary included) against the shapes file (or
    files, taken together: the bundled shapes and a workspace's).

    backend "fast" runs the shapes compiled to SPARQL inside the store (validation.compiled: the
    same results as pySHACL, tested, at a fraction of the time); "reference" is pySHACL; "auto"
    compiles unless the shapes use a feature the compiler does not cover.

    `fidelity`: the loader's record of literals as written (fidelity.py); its ill-typed literals
    are reported as violations and the literals the store rewrote as info, and sh:datatype judges
    rewritten literals as written."""
    report = _validate_store(engine, shapes, sources, backend, fidelity)
    if fidelity is not None:
        report.problems = sorted([*report.problems, *loading_problems(fidelity)], key=problem_order)
    return report


def validate_files(
    data: list[Path], shapes: Path, backend: Backend = "auto"
) -> tuple[Report, Build]:
    """Validate data files against a shapes file as `clusterkg validate` does, but without the
    bundled vocabulary (the W3C SHACL suite's harness uses it): the build loads the files keeping
    ill-typed literals, and validation is handed its record of the literals as written.
    A shapes file given as data too may hold owl:imports, as a shapes graph may (read_shapes):
    they are loaded as triples, never followed."""
    from clusterkg.build import build_store

    shapes_as_data = shapes.resolve() in {path.resolve() for path in data}
    built = build_store(LocalStore(), data, keep_ill_typed=True, refuse_imports=not shapes_as_data)
    return validate_build(built, shapes, backend), built


def validate_build(
    built: Build, shapes: Shapes, backend: Backend = "auto", engine: Engine | None = None
) -> Report:
    """The validation of a build: SHACL results, the literals the files wrote ill-typed (or the
    store rewrote), and the contradictions reasoning found, each located at its file and line."""
    from clusterkg.reasoning import consistency

    engine = engine or LocalEngine(built.store)
    report = validate_store(engine, shapes, built.sources, backend, built.fidelity)
    report.problems += consistency.problems(built.inconsistencies, built.sources)
    return report


def _validate_store(
    engine: Engine, shapes: Shapes, sources: SourceMap, backend: Backend, fidelity: Fidelity | None
) -> Report:
    backends.checked("validator", backend)
    if backend != "reference":
        from clusterkg.validation.compiled import UnsupportedShapes
        from clusterkg.validation.fast import compiled_shapes, validate_compiled

        try:
            compiled = compiled_shapes(shapes)
        except UnsupportedShapes as lacking:
            if backend == "fast":
                where = where_in(shapes, str(lacking))
                raise UnsupportedShapes(
                    f"{where}: the fast validator does not compile {lacking}; "
                    "use --validator auto or reference"
                ) from None
        else:
            return validate_compiled(compiled, engine, sources, fidelity)
    from clusterkg.validation.reference import validate_with_pyshacl

    return validate_with_pyshacl(engine, shapes, sources)


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
