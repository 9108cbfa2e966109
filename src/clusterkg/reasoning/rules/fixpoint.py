"""The fixpoint driver: runs the rule table until nothing new is derived.

A round runs the schema rules naively to their fixpoint (the ontology is small), then the fact
rules semi-naively: after the first pass each rule joins one of its fact patterns with only what
the previous pass derived (the delta), so a pass costs what it derives, not the size of the
graph. Transitive closures are added in the same passes. Rounds repeat while the facts derive
schema (a data file may make a property a subproperty of rdfs:subClassOf).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from clusterkg.engine import LocalStore
from clusterkg.reasoning.rules.chains import chain_rules
from clusterkg.reasoning.rules.graphs import PREFIXES, Graphs, count, drop
from clusterkg.reasoning.rules.table import (
    PROPERTY_RULES,
    SCHEMA_RULES,
    TYPE_RULES,
    FactRule,
    SchemaRule,
    read_by_rules,
    schema_count,
)
from clusterkg.reasoning.rules.transitive import add_transitive_closures, transitive_properties
from clusterkg.vocabulary import RDF


@dataclass(frozen=True)
class Rule:
    name: str
    update: str


def close(store: LocalStore, g: Graphs, report: Callable[[str], None] | None) -> None:
    """Schema rules, then property and type rules, again while the latter derive schema."""
    rounds = 0
    while True:
        rounds += 1
        _fixpoint(store, [_schema_rule(r, g) for r in SCHEMA_RULES], ox.NamedNode(g.inferred))
        schema = schema_count(store, g)
        fact_rules = PROPERTY_RULES + chain_rules(store, g)
        _seminaive(store, fact_rules, transitive_properties(store, g), g)
        if report:
            report(f"round {rounds}: {count(store, ox.NamedNode(g.inferred))} inferred")
        if schema_count(store, g) == schema:
            return


def _fixpoint(store: LocalStore, rules: list[Rule], inferred: ox.NamedNode) -> None:
    while True:
        before = count(store, inferred)
        for rule in rules:
            store.update(rule.update)
        if count(store, inferred) == before:
            return


def _schema_rule(rule: SchemaRule, graphs: Graphs) -> Rule:
    """INSERT head INTO inferred WHERE body, matched in the base and inferred graphs together,
    unless the head is in the base graph already."""
    name, body, head, condition = rule
    patterns = [f"{p.strip()} ." for p in body.split(" . ")]
    if condition:
        patterns.append(f"FILTER({condition})")
    patterns.append(f"FILTER NOT EXISTS {{ GRAPH <{graphs.base}> {{ {head} }} }}")
    where = "\n  ".join(patterns)
    update = (
        f"{PREFIXES}INSERT {{ GRAPH <{graphs.inferred}> {{ {head} }} }}\n"
        f"{graphs.dataset()}\nWHERE {{\n  {where}\n}}"
    )
    return Rule(name, update)


def _seminaive(store: LocalStore, rules: list[FactRule], transitive: list[str], g: Graphs) -> None:
    """Apply the fact rules until nothing new is derived, semi-naively: after the first pass,
    each rule joins with the triples the previous pass derived (the delta) for one of its fact
    patterns, so a pass costs what it derives, not the size of the graph."""
    drop(store, g.passes())  # left by an earlier round
    # Types derived by the type rules need no delta unless another rule reads rdf:type (see
    # TYPE_RULES): in most ontologies none does, and each triple is then written once.
    types_read = read_by_rules(store, g, RDF + "type")
    first = True
    while True:
        for rule in rules:
            for update in _variants(rule, g, first, types_read):
                store.update(update)
        add_transitive_closures(store, transitive, g, first)
        if not store.query(
            f"ASK {{ GRAPH ?g {{ ?s ?p ?o }} VALUES ?g {{ <{g.new.facts}> <{g.new.types}> }} }}"
        ):
            return
        drop(store, [g.delta.facts, g.delta.types])
        g = g.next_pass()
        first = False


def _variants(rule: FactRule, g: Graphs, first: bool, types_read: bool = True) -> list[str]:
    """The updates of one rule for one pass: on the first, every fact pattern reads all facts;
    later, one update per fact pattern and delta graph, that pattern reading only the delta."""
    name, schema, data, head, condition = rule
    deltas = [g.delta.facts] if name == "cax-sco" else [g.delta.facts, g.delta.types]
    plans: list[tuple[int | None, str]] = (
        [(None, "")] if first else [(i, d) for i in range(len(data)) for d in deltas]
    )
    target = g.new.facts if name not in TYPE_RULES else g.new.types if types_read else None
    updates = []
    for delta_at, delta in plans:
        where = [f"{schema} ."] if schema else []
        for i, pattern in enumerate(data):
            if i == delta_at:
                where.append(f"GRAPH <{delta}> {{ {pattern} }}")
            else:
                where.append(f"{pattern} .")
        if condition:
            where.append(f"FILTER({condition})")
        where.append(f"FILTER NOT EXISTS {{ {head} }}")  # in none of the graphs read
        body = "\n  ".join(where)
        delta_too = f"GRAPH <{target}> {{ {head} }} " if target else ""
        updates.append(
            f"{PREFIXES}INSERT {{ GRAPH <{g.inferred}> {{ {head} }} {delta_too}}}\n"
            f"{g.dataset()}\nWHERE {{\n  {body}\n}}"
        )
    return updates
