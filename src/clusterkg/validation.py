"""SHACL validation with pySHACL, reported one problem a line with the file and line of the node.

Data files are validated together with the ontology and the reference vocabularies, so a new file
about a new cluster may point at ESCA, the tiers and the sectors without repeating them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from clusterkg.engine import ASSERTED
from clusterkg.namespaces import shorten
from clusterkg.sources import SourceMap

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
    """The outcome of a validation: conforms unless a Violation was found."""

    problems: list[Problem]
    results_graph: Graph

    @property
    def conforms(self) -> bool:
        return not any(p.severity == "Violation" for p in self.problems)

    def count(self, severity: str) -> int:
        return sum(1 for p in self.problems if p.severity == severity)

    def as_text(self) -> str:
        lines = [p.text() for p in self.problems]
        summary = (
            f"{'conforms' if self.conforms else 'does not conform'}: "
            f"{self.count('Violation')} violation(s), {self.count('Warning')} warning(s), "
            f"{self.count('Info')} info"
        )
        return "\n".join([*lines, summary]) + "\n"

    def as_json(self) -> str:
        document: dict[str, Any] = {
            "conforms": self.conforms,
            "violations": self.count("Violation"),
            "warnings": self.count("Warning"),
            "problems": [asdict(p) for p in self.problems],
        }
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def validate_store(store: ox.Store, shapes: Path, sources: SourceMap) -> Report:
    """Validate the asserted graph of `store` (vocabulary included) against the shapes file."""
    from clusterkg.convert import to_rdflib_graph
    from clusterkg.loading import parse_files

    shapes_graph, _ = parse_files([shapes])
    return validate(to_rdflib_graph(store, ox.NamedNode(ASSERTED)), shapes_graph, sources)


def validate(data: Graph, shapes: Graph, sources: SourceMap) -> Report:
    """The reference: pySHACL on `data` (vocabulary included) against `shapes`; no inference,
    no imports."""
    from pyshacl import validate as shacl_validate

    _conforms, results, _text = shacl_validate(
        data_graph=data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        do_owl_imports=False,
    )
    problems = [
        _problem(results, r, sources) for r in results.subjects(RDF.type, SH.ValidationResult)
    ]
    problems.sort(
        key=lambda p: (
            SEVERITY_ORDER.get(p.severity, 3),
            p.file or "",
            p.line or 0,
            p.focus,
            p.path or "",
            p.message,
        )
    )
    return Report(problems, results)


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
