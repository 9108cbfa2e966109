"""A thing read from the graph (things.Thing) as what its HTML template shows: labels instead of
IRIs, links to the pages of related things, the provenance of each statement as numbered notes.

Links: an IRI under the base is linked at its own path (/id/…, /ontology#…); any other IRI
(a web source, a country of the EU's table, a vocabulary term) is linked to /page?iri=, the
page of what this graph says about it, so that no page sends a reader off the server unasked —
the IRI itself is shown, to copy. The template escapes every value.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

import pyoxigraph as ox

from clusterkg.engine import Term
from clusterkg.queries.catalogue import Catalogue
from clusterkg.queries.names import CLASSES_BY_KIND
from clusterkg.server.site import Paths
from clusterkg.server.things import Statement, Thing
from clusterkg.vocabulary import RDF_TYPE, XSD_STRING, curie, shorten


def href(iri: str, paths: Paths) -> str:
    """Where a link to `iri` goes on this server."""
    own = paths.path_of(iri)
    if own is not None:
        return quote(own, safe="/#:@!$&'()*+,;=-._~")
    return "/page?iri=" + quote(iri, safe="")


def thing_page(thing: Thing, paths: Paths, catalogue: Catalogue) -> dict[str, Any]:
    """The context of templates/thing.html."""
    view = _View(thing, paths)
    numbers = {g: n for n, g in enumerate(sorted(thing.groups), start=1)}
    path = paths.path_of(thing.iri)
    return {
        "title": view.name(thing.iri),
        "iri": thing.iri,
        "types": [view.link(s.object) for s in thing.statements if _is_type(s) and not s.inferred],
        "statements": [view.row(s, numbers) for s in thing.statements],
        "more_statements": thing.more_statements,
        "groups": [view.group(g, numbers[g]) for g in sorted(thing.groups)],
        "incoming": [view.incoming(s) for s in thing.incoming],
        "incoming_counts": [
            (view.link(ox.NamedNode(p)), n) for p, n in sorted(thing.incoming_counts.items())
        ],
        "more_incoming": thing.more_incoming,
        "contents": [view.triple(s) for s in thing.contents],
        "more_contents": thing.more_contents,
        "questions": questions(thing, catalogue),
        "alternates": []
        if path is None
        else [
            (f"{path}.{fmt}", name)
            for fmt, name in (("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("nt", "N-Triples"))
        ],
    }


def questions(thing: Thing, catalogue: Catalogue) -> list[dict[str, str]]:
    """The stored queries that take this thing as a parameter, each linked with it filled in:
    a parameter of a kind whose classes the thing has (reasoning has typed it with all its
    superclasses), or of kind `subject` (anything)."""
    types = {s.object.value for s in thing.statements if _is_type(s)}
    found = []
    for query in catalogue:
        for parameter in query.parameters:
            classes = CLASSES_BY_KIND.get(parameter.kind, [])
            if parameter.kind == "subject" or types & set(classes):
                found.append(
                    {
                        "title": query.title or query.name,
                        "href": f"/queries/{quote(query.name)}?"
                        + urlencode({parameter.name: thing.iri}),
                    }
                )
                break
    return found


def _is_type(statement: Statement) -> bool:
    return statement.predicate.value == RDF_TYPE


class _View:
    def __init__(self, thing: Thing, paths: Paths) -> None:
        self.thing = thing
        self.paths = paths

    def name(self, iri: str) -> str:
        """Its label, else a CURIE (`statement:…`, `ckid:quote/…`), else the IRI."""
        if iri in self.thing.labels:
            return self.thing.labels[iri]
        short = shorten(iri)
        return short if short != iri else (curie(iri, bool) or iri)

    def link(self, term: Term) -> dict[str, Any]:
        if isinstance(term, ox.NamedNode):
            return {
                "kind": "link",
                "href": href(term.value, self.paths),
                "text": self.name(term.value),
                "iri": term.value,
            }
        if isinstance(term, ox.BlankNode) and term.value in self.thing.holders:
            holder, by = self.thing.holders[term.value]
            link = self.link(ox.NamedNode(holder))
            return link | {"text": f"{link['text']} ({self.name(by)})"}
        if isinstance(term, ox.BlankNode):
            rows = self.thing.blanks.get(term.value, [])
            return {
                "kind": "blank",
                "rows": [(self.link(s.predicate), self.link(s.object), s.inferred) for s in rows],
            }
        return _literal(term)

    def row(self, statement: Statement, numbers: dict[str, int]) -> dict[str, Any]:
        groups = self.thing.groups
        return {
            "predicate": self.link(statement.predicate),
            "value": self.link(statement.object),
            "inferred": statement.inferred,
            "notes": [
                {
                    "number": numbers[g],
                    "evidence": [self.name(e) for e in groups[g].evidence],
                }
                for g in statement.groups
            ],
        }

    def group(self, iri: str, number: int) -> dict[str, Any]:
        group = self.thing.groups[iri]
        return {
            "number": number,
            "link": self.link(ox.NamedNode(iri)),
            "evidence": [self.link(ox.NamedNode(e)) for e in group.evidence],
            "sources": [self.link(ox.NamedNode(s)) for s in group.sources],
            "quotes": [_literal(q) for q in sorted(group.quotes, key=str)],
            "reasoning": [_literal(r) for r in sorted(group.reasoning, key=str)],
        }

    def incoming(self, statement: Statement) -> dict[str, Any]:
        return {
            "subject": self.link(statement.subject),
            "predicate": self.link(statement.predicate),
            "inferred": statement.inferred,
        }

    def triple(self, statement: Statement) -> dict[str, Any]:
        return self.incoming(statement) | {"value": self.link(statement.object)}


def _literal(term: Term) -> dict[str, Any]:
    assert isinstance(term, ox.Literal)
    datatype = term.datatype.value
    shown = None if term.language or datatype == XSD_STRING else shorten(datatype)
    return {"kind": "literal", "text": term.value, "lang": term.language, "datatype": shown}
