"""SHACL validation of the graph on a SPARQL server (`clusterkg --endpoint URL validate`): the
shapes compiled to SPARQL run there, with the results the local fast validator gives on the same
triples (compiled/portable.py stands in for the checks a server cannot call).

A server knows no files: each problem names the server's graph instead of a file and line. The
loader's findings (ill-typed literals, literals stored in another form) and reasoning's
contradictions are local-loading matters, made before publishing; the server's triples are
validated as they are held.
"""

from __future__ import annotations

from dataclasses import replace

from clusterkg import backends
from clusterkg.backends import Choice as Backend
from clusterkg.engine import Engine
from clusterkg.engine.server_graphs import ServerGraphs
from clusterkg.inputs.sources import SourceMap
from clusterkg.validation.report import Report
from clusterkg.validation.shapes_files import Shapes, where_in


def validate_remote(
    engine: Engine, shapes: Shapes, graphs: ServerGraphs, backend: Backend = "auto"
) -> Report:
    """Validate the server's asserted graph against the shapes file.

    backend "fast" runs the compiled shapes on the server; "reference" is pySHACL over the
    asserted graph read from the server (slow: every triple travels); "auto" compiles unless the
    shapes use what a server cannot run exactly, then falls back to pySHACL, as locally."""
    backends.checked("validator", backend)
    report = _validate(engine, shapes, graphs.asserted, backend)
    report.problems = [replace(p, graph=graphs.asserted) for p in report.problems]
    return report


def _validate(engine: Engine, shapes: Shapes, graph: str, backend: Backend) -> Report:
    nowhere = SourceMap()  # no file holds the server's nodes
    if backend != "reference":
        from clusterkg.validation.compiled import UnsupportedShapes
        from clusterkg.validation.fast import compiled_shapes, report_of

        try:
            results = compiled_shapes(shapes).validate_without_python(engine, graph)
        except UnsupportedShapes as lacking:
            if backend == "fast":
                where = where_in(shapes, str(lacking))
                raise UnsupportedShapes(
                    f"{where}: the fast validator cannot run these shapes on a "
                    f"server ({lacking}); use --validator auto or reference"
                ) from None
        else:
            return report_of(results, nowhere)
    from clusterkg.validation.reference import validate_with_pyshacl

    return validate_with_pyshacl(engine, shapes, nowhere)
