"""Conversions between rdflib and pyoxigraph terms, for the reference paths (rdflib parsing,
owlrl, pySHACL). Kept apart so the fast path never imports rdflib (0.2 s of every cold start)."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from clusterkg.engine.local import LocalStore
from clusterkg.vocabulary import XSD_STRING

Term = ox.NamedNode | ox.BlankNode | ox.Literal


def to_oxigraph(term: Node) -> Term:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def to_rdflib(term: object) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"not an RDF term: {term!r}")


def to_rdflib_graph(store: LocalStore, graph: ox.NamedNode) -> Graph:
    """One named graph of the store as an rdflib Graph."""
    return triples_to_rdflib(
        quad.triple for quad in store.quads_for_pattern(None, None, None, graph)
    )


def triples_to_rdflib(triples: Iterable[ox.Triple]) -> Graph:
    """Triples (an engine's graph) as an rdflib Graph."""
    out = Graph()
    for t in triples:
        out.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return out


def dataset_to_rdflib(default: Iterable[ox.Triple], named: Iterable[ox.Quad]) -> Dataset:
    """A default graph's triples and named graphs' quads (statement groups) as an rdflib
    Dataset."""
    out = Dataset()
    for t in default:
        out.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    for q in named:
        terms = (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
        out.add((*terms, to_rdflib(q.graph_name)))  # type: ignore[arg-type]
    return out
