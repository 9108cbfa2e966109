"""Inconsistencies: what reasoning found contradictory, reported as problems, never as data.

Both reasoners find them: the rules (rules/inconsistencies.py) with one query per OWL 2 RL
inconsistency rule they support, owlrl as "error message" nodes it writes into its closure, which
reference.py takes out of the inferred triples and hands over as text; `from_owlrl` reads the
rule and the nodes back out of that text. Validation reports each one as a Violation located
where its first node is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from clusterkg.vocabulary import shorten

if TYPE_CHECKING:
    from clusterkg.inputs.sources import SourceMap
    from clusterkg.validation.report import Problem


@dataclass(frozen=True)
class Inconsistency:
    """One contradiction: the OWL 2 RL rule that found it, the nodes involved, and why."""

    rule: str
    nodes: tuple[str, ...]
    message: str

    def text(self) -> str:
        return f"{self.rule}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {"rule": self.rule, "nodes": list(self.nodes), "message": self.message}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Inconsistency:
        nodes = data.get("nodes", [])
        assert isinstance(nodes, list)
        return cls(str(data["rule"]), tuple(str(n) for n in nodes), str(data["message"]))


def named(*nodes: str) -> str:
    """Nodes as a person reads them: CURIEs where a prefix is known."""
    return " and ".join(shorten(n) for n in nodes)


# owlrl's error messages (owlrl/OWLRL.py, add_error): the rule each one comes from, and the
# pattern of its text. Its nodes are printed with str(), so IRIs appear without brackets.
_NODE = r"(\S+?)"
OWLRL_MESSAGES = {
    "eq-diff1": rf"'sameAs' and 'differentFrom' .*: \({_NODE}, {_NODE}\)$",
    "eq-diff2": rf"'sameAs' and 'AllDifferent' .*: \({_NODE}, {_NODE}\)$",
    "prp-irp": rf"Irreflexive property used on {_NODE} with {_NODE}$",
    "prp-asyp": rf"Erroneous usage of asymmetric property {_NODE} on {_NODE} and {_NODE}$",
    "prp-pdw": (
        rf"Erroneous usage of disjoint properties {_NODE} and {_NODE} on {_NODE} and (\S+)$"
    ),
    "prp-adp": r"Disjoint properties in an 'AllDisjointProperties'",
    "prp-npa": r"Negative \(\w+\) property assertion violated for: \((\S+?), ",
    "cls-nothing2": rf"^{_NODE} is defined of type 'Nothing'$",
    "cls-com": rf"Violation of complementarity for classes {_NODE} and {_NODE} on element ",
    "cls-maxc": r"Erroneous usage of maximum (?:qualified )?cardinality with (\S+?),",
    "cls-avf": r"Violation of type restriction for allValuesFrom in (\S+?) ",
    "cax-dw": rf"Disjoint classes {_NODE} and {_NODE} have a common individual {_NODE}$",
}
# owlrl's literal check (dt-not-type) is not a contradiction of the ontology: clusterkg refuses
# ill-typed literals when loading, and owlrl's own converters reject some valid forms.
NOT_INCONSISTENCIES = re.compile(r"^Lexical value of the literal")


def from_owlrl(messages: list[str]) -> list[Inconsistency]:
    """owlrl's error messages as inconsistencies (the focus node first where owlrl names it)."""
    found = []
    for message in messages:
        if NOT_INCONSISTENCIES.search(message):
            continue
        rule = "owlrl"
        nodes: tuple[str, ...] = ()
        for name, pattern in OWLRL_MESSAGES.items():
            match = re.search(pattern, message)
            if match:
                rule, nodes = name, _focus_first(name, match.groups())
                break
        found.append(Inconsistency(rule, nodes, message))
    return sorted(set(found), key=lambda i: (i.rule, i.nodes, i.message))


def _focus_first(rule: str, groups: tuple[str, ...]) -> tuple[str, ...]:
    """The individual first: owlrl names the class or property before it in some messages."""
    if rule == "cax-dw" or rule == "cls-com":
        return (groups[-1], *groups[:-1])
    if rule == "prp-asyp":
        return (*groups[1:], groups[0])
    if rule == "prp-pdw":
        return (groups[2], groups[3], groups[0], groups[1])
    return groups


def problems(found: list[Inconsistency], sources: SourceMap) -> list[Problem]:
    """One Violation per inconsistency, at the file and line where its first node is written."""
    from clusterkg.validation.report import Problem

    result = []
    for inconsistency in found:
        focus = inconsistency.nodes[0] if inconsistency.nodes else "(graph)"
        # blank nodes (written "_:…" here) have no spelling to look for in the files
        where = sources.locate(focus) if not focus.startswith(("_:", "(")) else None
        result.append(
            Problem(
                file=where[0] if where else None,
                line=where[1] if where else None,
                severity="Violation",
                focus=focus,
                path=None,
                message=f"inconsistent ({inconsistency.rule}): {inconsistency.message}",
                component=f"owl2rl:{inconsistency.rule}",
                shape=None,
                value=" ".join(inconsistency.nodes[1:]) or None,
            )
        )
    return result
