"""Validating some files in the context of a whole graph (`clusterkg validate FILE…` in a
workspace, or with --in-context): the files are loaded with the graph's data, so that what they
point at (a cluster, a tier, a source described elsewhere) is there, and the report keeps the
problems located in the files named, leaving the rest of the graph's problems to a validation of
the whole."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from clusterkg.inputs.bundle import expand_paths
from clusterkg.validation.report import Report

if TYPE_CHECKING:
    from rdflib import Graph


def with_context(named: list[Path], context: list[Path]) -> list[Path]:
    """The files to load: the named ones first (a node described in one of them and mentioned
    elsewhere is located there), then the context's files not among them."""
    files = expand_paths(named)
    seen = {path.resolve() for path in files}
    context_files = expand_paths(context) if context else []
    return [*files, *(path for path in context_files if path.resolve() not in seen)]


def located_in(report: Report, named: list[Path]) -> tuple[Report, int]:
    """The report of the problems located in the `named` files (or folders' files), and how many
    problems of the graph were left out."""
    wanted = {path.resolve() for path in expand_paths(named)}
    kept = [p for p in report.problems if p.file is not None and Path(p.file).resolve() in wanted]
    # a focus node is located in one file: its results are all kept or all left out
    focuses = {p.focus for p in kept}
    narrowed = replace(
        report, problems=kept, results=lambda conforms: _results_about(report, focuses, conforms)
    )
    return narrowed, len(report.problems) - len(kept)


def _results_about(report: Report, focuses: set[str], conforms: bool) -> Graph:
    """The report's SHACL results graph with only the results about `focuses`."""
    from rdflib import Graph, Literal
    from rdflib.namespace import SH

    whole = report.results_graph
    graph = Graph()
    for prefix, namespace in whole.namespaces():
        graph.bind(prefix, namespace)
    for triple in whole:
        graph.add(triple)
    for top, _, result in list(whole.triples((None, SH.result, None))):
        if str(whole.value(result, SH.focusNode)) not in focuses:
            graph.remove((top, SH.result, result))
            graph.remove((result, None, None))
    for top in whole.subjects(SH.conforms, None):
        graph.set((top, SH.conforms, Literal(conforms)))
    return graph
