"""Reading one thing from the graph for its page: its statements with their provenance, the
statements that point at it, the labels of everything shown, and its triples for RDF.

Every query is bounded (a LIMIT one row past the cap tells that more exist, a COUNT says how
many), so a sector with 100,000 members gives a page of `cap` of them and the number of the rest.
The thing's IRI and every term that follows from it are bound as RDF terms (`bindings`), never
written into the query text. Queries run through `Engine.solutions` over the asserted graph,
so that `GRAPH ?g` reaches the statement groups (docs/model.md) and the inferred graph is asked
for by name: a statement found only there is marked inferred.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from clusterkg.engine import Engine, Term
from clusterkg.server.labels import labels
from clusterkg.vocabulary import ASSERTED, CK, INFERRED, OWN_GRAPHS, PREFIXES, RDFS

OA = PREFIXES["oa"]
PROV = PREFIXES["prov"]
# Blank nodes (a group's quote, its selector) are shown nested, this deep at most.
BLANK_DEPTH = 3

# Each statement once: asserted, else inferred (the reasoner writes only what is new, but a
# store built otherwise may hold a triple in both; the asserted one wins).
_OUTGOING = f"""SELECT ?s ?p ?o ?inferred WHERE {{
  {{ ?s ?p ?o BIND(false AS ?inferred) }}
  UNION
  {{ GRAPH <{INFERRED}> {{ ?s ?p ?o }} FILTER NOT EXISTS {{ ?s ?p ?o }} BIND(true AS ?inferred) }}
}} LIMIT ?"""
_INCOMING = _OUTGOING.replace("SELECT ?s ?p ?o", "SELECT ?o ?s ?p")
_INCOMING_COUNTS = f"""SELECT ?o ?p (COUNT(*) AS ?n) WHERE {{
  {{ ?s ?p ?o }}
  UNION
  {{ GRAPH <{INFERRED}> {{ ?s ?p ?o }} FILTER NOT EXISTS {{ ?s ?p ?o }} }}
}} GROUP BY ?o ?p"""
_OUTGOING_COUNT = f"""SELECT ?s (COUNT(*) AS ?n) WHERE {{
  {{ ?s ?p ?o }}
  UNION
  {{ GRAPH <{INFERRED}> {{ ?s ?p ?o }} FILTER NOT EXISTS {{ ?s ?p ?o }} }}
}} GROUP BY ?s"""
_NOT_GROUPS = ", ".join(f"<{g}>" for g in sorted(OWN_GRAPHS))
_GROUPS_OF = f"""SELECT ?s ?p ?o ?g WHERE {{
  GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({_NOT_GROUPS}))
}} LIMIT ?"""
_GROUP = f"""SELECT ?g ?what ?value WHERE {{
  {{ ?g <{CK}evidence> ?value BIND("evidence" AS ?what) }}
  UNION {{ ?g <{PROV}wasDerivedFrom> ?value BIND("source" AS ?what) }}
  UNION {{ ?g <{CK}quote>/<{OA}hasSelector>/<{OA}exact> ?value BIND("quote" AS ?what) }}
  UNION {{ ?g <{CK}reasoning> ?value BIND("reasoning" AS ?what) }}
  UNION {{ ?g <{RDFS}label> ?value BIND("label" AS ?what) }}
}}"""
_IN_GROUP = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT ?"
# Where an anonymous node that points here hangs (a group's quote → the group).
_HOLDER = "SELECT ?b ?holder ?p WHERE { ?holder ?p ?b FILTER(isIRI(?holder)) } LIMIT 1"


@dataclass
class Statement:
    """One triple about the thing (or, incoming, pointing at it)."""

    subject: Term
    predicate: ox.NamedNode
    object: Term
    inferred: bool
    groups: list[str] = field(default_factory=list)  # statement groups that hold it


@dataclass
class Group:
    """A statement group's metadata: what the statements in it rest on."""

    iri: str
    evidence: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    quotes: list[ox.Literal] = field(default_factory=list)
    reasoning: list[ox.Literal] = field(default_factory=list)
    label: list[ox.Literal] = field(default_factory=list)


@dataclass
class Thing:
    """What a page shows of one thing. `more_*`: how many were left out past the caps."""

    iri: str
    statements: list[Statement]
    more_statements: int
    incoming: list[Statement]
    incoming_counts: dict[str, int]
    more_incoming: int
    groups: dict[str, Group]
    # a statement group's own triples (empty for anything else)
    contents: list[Statement]
    more_contents: int
    blanks: dict[str, list[Statement]]
    labels: dict[str, str]
    # for each blank node pointing here: the IRI that holds it, and by which property
    holders: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def exists(self) -> bool:
        return bool(self.statements or self.incoming or self.contents)


def _limited(query: str, cap: int) -> str:
    # The cap is a number the server chose (not a request's value): written into the text.
    return query.replace("LIMIT ?", f"LIMIT {int(cap) + 1}")


def statements_about(engine: Engine, subject: Term, cap: int) -> tuple[list[Statement], bool]:
    """The thing's statements as subject, asserted and inferred (at most `cap`; True: more)."""
    rows = list(engine.solutions(_limited(_OUTGOING, cap), ASSERTED, {"s": subject}))
    found = [_statement(r["s"], r["p"], r["o"], r["inferred"]) for r in rows]
    return sorted(found[:cap], key=_order), len(found) > cap


def read_thing(engine: Engine, iri: str, cap: int) -> Thing:
    """Everything the page of `iri` shows, each list capped at `cap` rows."""
    node = ox.NamedNode(iri)
    statements, more = statements_about(engine, node, cap)
    more_statements = _count_outgoing(engine, node) - cap if more else 0
    incoming_rows = list(engine.solutions(_limited(_INCOMING, cap), ASSERTED, {"o": node}))
    incoming = [_statement(r["s"], r["p"], r["o"], r["inferred"]) for r in incoming_rows]
    counts = {
        r["p"].value: int(r["n"].value)  # type: ignore[union-attr]
        for r in engine.solutions(_INCOMING_COUNTS, ASSERTED, {"o": node})
    }
    contents = [
        _statement(r["s"], r["p"], r["o"], False)
        for r in engine.solutions(_limited(_IN_GROUP, cap), ASSERTED, {"g": node})
    ]
    _attach_groups(engine, statements, node, cap)
    blanks = _blank_descriptions(engine, [s.object for s in statements + contents], cap)
    groups = {g: _group(engine, g) for s in statements for g in s.groups}
    thing = Thing(
        iri,
        statements,
        more_statements,
        sorted(incoming[:cap], key=_order),
        counts,
        max(0, sum(counts.values()) - cap),
        groups,
        sorted(contents[:cap], key=_order),
        max(0, len(contents) - cap),
        blanks,
        {},
    )
    thing.holders = _holders(engine, [s.subject for s in thing.incoming])
    thing.labels = labels(engine, _iris_shown(thing))
    return thing


def _holders(engine: Engine, subjects: Iterable[Term]) -> dict[str, tuple[str, str]]:
    """The IRI (and property) that holds each blank node among `subjects`, where one does."""
    found = {}
    for blank in {s for s in subjects if isinstance(s, ox.BlankNode)}:
        for row in engine.solutions(_HOLDER, ASSERTED, {"b": blank}):
            found[blank.value] = (row["holder"].value, row["p"].value)  # type: ignore[union-attr]
    return found


def _statement(s: object, p: object, o: object, inferred: object) -> Statement:
    assert isinstance(p, ox.NamedNode)
    flag = isinstance(inferred, ox.Literal) and inferred.value == "true"
    return Statement(s, p, o, flag)  # type: ignore[arg-type]


def _order(statement: Statement) -> tuple[bool, str, str, str]:
    return (
        statement.inferred,
        statement.predicate.value,
        str(statement.subject),
        str(statement.object),
    )


def _count_outgoing(engine: Engine, node: ox.NamedNode) -> int:
    rows = list(engine.solutions(_OUTGOING_COUNT, ASSERTED, {"s": node}))
    return int(rows[0]["n"].value) if rows else 0  # type: ignore[union-attr]


def _attach_groups(engine: Engine, statements: list[Statement], node: Term, cap: int) -> None:
    """Each asserted statement's statement groups (its sources are those of every group)."""
    held: dict[tuple[str, str], list[str]] = defaultdict(list)
    # a statement is in a handful of groups: `cap` statements hold at most a few times as many
    for row in engine.solutions(_limited(_GROUPS_OF, cap * 4), ASSERTED, {"s": node}):
        held[(str(row["p"]), str(row["o"]))].append(row["g"].value)  # type: ignore[union-attr]
    for statement in statements:
        statement.groups = sorted(held.get((str(statement.predicate), str(statement.object)), []))


def _group(engine: Engine, iri: str) -> Group:
    group = Group(iri)
    for row in engine.solutions(_GROUP, ASSERTED, {"g": ox.NamedNode(iri)}):
        what, value = str(row["what"].value), row["value"]  # type: ignore[union-attr]
        if what in ("evidence", "source") and isinstance(value, ox.NamedNode):
            getattr(group, "sources" if what == "source" else "evidence").append(value.value)
        elif isinstance(value, ox.Literal):
            {"quote": group.quotes, "reasoning": group.reasoning, "label": group.label}[
                what
            ].append(value)
    for values in (group.evidence, group.sources):
        values.sort()
    return group


def _blank_descriptions(
    engine: Engine, objects: Iterable[Term], cap: int
) -> dict[str, list[Statement]]:
    """The statements of the blank nodes among `objects`, and of theirs, BLANK_DEPTH deep."""
    found: dict[str, list[Statement]] = {}
    pending = [o for o in objects if isinstance(o, ox.BlankNode)]
    for _ in range(BLANK_DEPTH):
        following = []
        for blank in pending:
            if blank.value in found:
                continue
            statements, _more = statements_about(engine, blank, cap)
            found[blank.value] = statements
            following += [s.object for s in statements if isinstance(s.object, ox.BlankNode)]
        pending = following
    return found


def _iris_shown(thing: Thing) -> set[str]:
    statements = thing.statements + thing.incoming + thing.contents
    statements += [s for ss in thing.blanks.values() for s in ss]
    terms: list[object] = [thing.iri]
    for s in statements:
        terms += [s.subject, s.predicate, s.object]
    found = {t.value for t in terms if isinstance(t, ox.NamedNode)} | {thing.iri}
    found |= set(thing.incoming_counts)
    for group in thing.groups.values():
        found |= {group.iri, *group.evidence, *group.sources}
    return found | {iri for pair in thing.holders.values() for iri in pair}
