"""A validation report as a SARIF 2.1.0 log, the format code-scanning tools read (GitHub code
scanning, GitLab, VS Code's SARIF viewer).

One run; its tool is clusterkg. Each rule is one constraint of one shape (its id: the shape's or
the SPARQL constraint's CURIE and the constraint component, `cksh:LabelAward-tier/MinCount`: the
same in every run, so alerts are tracked from commit to commit). Each result is one problem: its
level (Violation → error, Warning → warning, Info → note), its message, and where its focus node
is written — a file relative to the current folder (uriBaseId %SRCROOT%) or a file: URI outside
it, and the line. A problem with no file (a graph on a SPARQL server) gets a logical location:
the focus node. Checked against the OASIS schema in tests/test_sarif.py.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from clusterkg.validation.report import Problem, Report
from clusterkg.version import __version__
from clusterkg.vocabulary import shorten

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://w3id.org/clusterkg/"
SOURCE_ROOT = "%SRCROOT%"
LEVELS = {"Violation": "error", "Warning": "warning", "Info": "note"}
SHAPES = "https://w3id.org/clusterkg/shapes#"  # the bundled shapes' namespace, cksh:


@dataclass(frozen=True)
class Rule:
    """One constraint of one shape, as SARIF's reportingDescriptor describes it."""

    id: str
    description: str
    level: str
    properties: dict[str, str]


def as_sarif(report: Report, here: Path | None = None) -> str:
    """The SARIF log of `report`, as JSON text; files under `here` (default: the current folder)
    are named relative to it."""
    return json.dumps(sarif_log(report, here or Path.cwd()), ensure_ascii=False, indent=2) + "\n"


def sarif_log(report: Report, here: Path) -> dict[str, Any]:
    rules: dict[str, Rule] = {}
    for problem in report.problems:
        rules.setdefault(rule_id(problem), _rule(problem))
    order = {rule: index for index, rule in enumerate(rules)}
    driver = {
        "name": "clusterkg",
        "version": __version__,
        "semanticVersion": __version__,
        "informationUri": INFORMATION_URI,
        "rules": [_descriptor(rule) for rule in rules.values()],
    }
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "columnKind": "unicodeCodePoints",
                "results": [_result(p, order, here) for p in report.problems],
                "properties": {"validator": report.engine, "conforms": report.conforms},
            }
        ],
    }


def rule_id(problem: Problem) -> str:
    """The rule a problem breaks: its constraint's (or shape's) CURIE and the component's short
    name; a shape with no IRI (a blank node) is named by its path instead."""
    component = _component_name(problem.component)
    for node in (problem.constraint, problem.shape):
        if node and not node.startswith("_:"):
            return f"{curie(node)}/{component}"
    if problem.path and not problem.path.startswith("_:"):
        return f"{curie(problem.path)}/{component}"
    return problem.component or "clusterkg:problem"


def _component_name(component: str) -> str:
    """`sh:MinCountConstraintComponent` → `MinCount`; components of our own stay as they are."""
    if component.startswith("sh:") and component.endswith("ConstraintComponent"):
        return component[3 : -len("ConstraintComponent")]
    return component


def curie(iri: str) -> str:
    """An IRI as a CURIE: the bundled shapes' as cksh:, others as everywhere (vocabulary)."""
    if iri.startswith(SHAPES):
        return "cksh:" + iri[len(SHAPES) :]
    return shorten(iri)


def _rule(problem: Problem) -> Rule:
    component = _component_name(problem.component)
    subject = f" of {curie(problem.shape)}" if problem.shape else ""
    if problem.constraint and not problem.constraint.startswith("_:"):
        subject = f" {curie(problem.constraint)}{subject}"
    on = f" on {curie(problem.path)}" if problem.path else ""
    properties = {"component": problem.component}
    if problem.shape:
        properties["shape"] = problem.shape
    if problem.constraint:
        properties["constraint"] = problem.constraint
    return Rule(
        rule_id(problem),
        f"{component} constraint{subject}{on}",
        LEVELS.get(problem.severity, "warning"),
        properties,
    )


def _descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "shortDescription": {"text": rule.description},
        "defaultConfiguration": {"level": rule.level},
        "properties": rule.properties,
    }


def _result(problem: Problem, order: dict[str, int], here: Path) -> dict[str, Any]:
    rule = rule_id(problem)
    properties = {
        "severity": problem.severity,
        "focusNode": problem.focus,
        **({"resultPath": problem.path} if problem.path else {}),
        **({"value": problem.value} if problem.value is not None else {}),
        **({"graph": problem.graph} if problem.graph else {}),
    }
    return {
        "ruleId": rule,
        "ruleIndex": order[rule],
        "level": LEVELS.get(problem.severity, "warning"),
        "message": {"text": problem.message},
        "locations": [_location(problem, here)],
        "partialFingerprints": {"clusterkgProblem/v1": _fingerprint(problem, rule)},
        "properties": properties,
    }


def _location(problem: Problem, here: Path) -> dict[str, Any]:
    """Where the focus node is written; with no file, the node itself (and its graph)."""
    logical = {"name": curie(problem.focus), "fullyQualifiedName": problem.focus}
    if problem.file is None:
        return {"logicalLocations": [{**logical, "kind": "object"}]}
    physical: dict[str, Any] = {"artifactLocation": _artifact(Path(problem.file), here)}
    if problem.line:
        physical["region"] = {"startLine": problem.line}
    return {"physicalLocation": physical, "logicalLocations": [{**logical, "kind": "object"}]}


def _artifact(file: Path, here: Path) -> dict[str, str]:
    """A file under `here` relative to it (what code scanning matches against the repository),
    any other file as an absolute file: URI."""
    absolute = file if file.is_absolute() else here / file
    absolute = Path(*_normalised(absolute.parts))
    try:
        relative = absolute.relative_to(here)
    except ValueError:
        return {"uri": absolute.as_uri()}
    return {"uri": quote(relative.as_posix()), "uriBaseId": SOURCE_ROOT}


def _normalised(parts: tuple[str, ...]) -> list[str]:
    """`a/./b/../c` → `a/c`, without resolving links (the file is named as it was given)."""
    kept: list[str] = []
    for part in parts:
        if part == "..":
            if len(kept) > 1:
                kept.pop()
        elif part != ".":
            kept.append(part)
    return kept


def _fingerprint(problem: Problem, rule: str) -> str:
    """The same problem on another line (lines added above it) keeps its fingerprint."""
    key = "\n".join([rule, problem.focus, problem.path or "", problem.value or ""])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
