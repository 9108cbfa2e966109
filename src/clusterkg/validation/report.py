"""The outcome of a validation, whichever backend made it: one Problem a result, located at the file
and line of its focus node (on a remote server, in the server's graph), and the Report's
renderings (text, JSON, the SHACL validation report graph as Turtle). Nothing here knows how the
results were found."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from clusterkg.vocabulary import shorten

if TYPE_CHECKING:
    from rdflib import Graph

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True)
class Problem:
    """One SHACL result, located where its focus node is written; on a SPARQL server, where no
    file is known, `graph` names the server's graph it is in."""

    file: str | None
    line: int | None
    severity: str
    focus: str
    path: str | None
    message: str
    component: str
    shape: str | None
    value: str | None
    graph: str | None = None
    # the constraint's own node where it has one (an sh:sparql constraint: sh:sourceConstraint)
    constraint: str | None = None

    def location(self) -> str:
        if self.file is None:
            return f"<{self.graph}>" if self.graph else "(graph)"
        return f"{self.file}:{self.line}" if self.line else self.file

    def text(self) -> str:
        path = shorten(self.path) if self.path else "-"
        return f"{self.location()}: {self.severity}: {shorten(self.focus)} {path}: {self.message}"


def problem_order(p: Problem) -> tuple[Any, ...]:
    """The order of a report's lines: by severity, then where the focus node is written."""
    return (
        SEVERITY_ORDER.get(p.severity, 3),
        p.file or "",
        p.line or 0,
        p.focus,
        p.path or "",
        p.message,
    )


@dataclass
class Report:
    """The outcome of a validation.

    `conforms` is the SHACL specification's: true iff there are no results at all, warnings and
    info included (section 3.6.1). `violated` is what the CLI's exit code follows: true iff a
    result has severity Violation (warnings and info alone exit 0).

    `engine` names the backend that made it: "sparql" (the compiled, fast one) or "pyshacl" (the
    reference). `results` is the SHACL validation report graph, or what makes it on request from
    whether the data conforms; `raw` the backend's own results, where it has some."""

    problems: list[Problem]
    engine: str
    results: Graph | Callable[[bool], Graph]
    raw: list[Any] | None = None
    _graph: Graph | None = field(default=None, init=False, repr=False)

    @property
    def results_graph(self) -> Graph:
        """The SHACL validation report as a graph (built on first request where the backend
        gave a way to make it)."""
        if self._graph is None:
            made = self.results
            self._graph = made(self.conforms) if callable(made) else made
        return self._graph

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
        """The SHACL validation report graph, in Turtle."""
        return self.results_graph.serialize(format="turtle")
