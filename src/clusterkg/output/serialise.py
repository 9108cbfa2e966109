"""Deterministic RDF serialisation: the same graph always gives the same bytes.

Turtle, N-Triples, N-Quads, TriG, JSON-LD and RDF/XML (rdf_xml.py), written by hand rather than
by rdflib: subjects, predicates and objects in sorted order, prefixes only where used, and blank
nodes labelled by their content (blank_labels.py), so neither hash seeds nor parse order change
the output.
Files are written with atomic.py.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import pyoxigraph as ox

from clusterkg.engine import Term
from clusterkg.output.blank_labels import canonical_blank_nodes
from clusterkg.output.formats import names
from clusterkg.output.rdf_xml import rdf_xml
from clusterkg.vocabulary import PREFIXES, RDF_TYPE, XSD, curie

EXPORT_FORMATS = names("graph", "dataset")
DATASET_FORMATS = names("dataset")  # an export in these keeps its named graphs
_LOCAL_NAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_\-]*[A-Za-z0-9_])?")

Quad = tuple[Term, Term, Term, str | None]


def serialise(quads: list[Quad], fmt: str) -> str:
    """`quads` as text in `fmt` (one of EXPORT_FORMATS; graph names are written by the dataset
    formats and JSON-LD): the same quads, in any order, always give the same text."""
    quads = canonical_blank_nodes(quads)
    if fmt == "nt":
        return _lines((s, p, o, None) for s, p, o, _ in quads)
    if fmt == "nq":
        return _lines(quads)
    if fmt == "ttl":
        return _turtle([(s, p, o) for s, p, o, _ in quads])
    if fmt == "trig":
        return _trig(quads)
    if fmt == "jsonld":
        return _jsonld(quads)
    if fmt == "rdfxml":
        return rdf_xml([(s, p, o) for s, p, o, _ in quads])
    raise ValueError(f"unknown format {fmt!r}")


def serialise_triples(triples: Iterable[ox.Triple], fmt: str) -> str:
    """Triples (a CONSTRUCT or DESCRIBE result) as text in `fmt`, as serialise writes them."""
    # RDF-star quoted triples never occur here: the graph is loaded from RDF 1.1 files.
    quads: list[Quad] = [(t.subject, t.predicate, t.object, None) for t in triples]  # type: ignore[misc]
    return serialise(quads, fmt)


def _lines(quads: Iterable[Quad]) -> str:
    out = set()
    for s, p, o, g in quads:
        graph = f" <{g}>" if g else ""
        out.add(f"{s} {p} {o}{graph} .\n")
    return "".join(sorted(out))


def _used_prefixes(triples: Iterable[tuple[Term, Term, Term]]) -> dict[str, str]:
    used: dict[str, str] = {}
    for triple in triples:
        for term in triple:
            iris = [term.value] if isinstance(term, ox.NamedNode) else []
            if isinstance(term, ox.Literal) and not term.language:
                iris.append(term.datatype.value)
            for iri in iris:
                curie = _curie(iri)
                if curie:
                    prefix = curie.split(":", 1)[0]
                    used[prefix] = PREFIXES[prefix]
    return dict(sorted(used.items()))


@lru_cache(maxsize=1 << 16)  # predicates, classes and datatypes repeat on every line
def _curie(iri: str) -> str | None:
    """A CURIE Turtle can write as a prefixed name, if there is one."""
    return curie(iri, lambda local: local == "" or bool(_LOCAL_NAME.fullmatch(local)))


def _term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return _curie(term.value) or str(term)
    if isinstance(term, ox.Literal) and not term.language:
        datatype = term.datatype.value
        lexical = str(ox.Literal(term.value))
        if datatype == XSD + "string":
            return lexical
        return f"{lexical}^^{_curie(datatype) or '<' + datatype + '>'}"
    return str(term)


def _sort_key(term: Term) -> tuple[int, str]:
    return (1 if isinstance(term, ox.BlankNode) else 0, str(term))


def _statements(triples: list[tuple[Term, Term, Term]], indent: str = "") -> list[str]:
    # Objects in a dict used as a set: a subject with 100,000 values of one predicate must not
    # cost 100,000² comparisons.
    by_subject: dict[Term, dict[Term, dict[Term, None]]] = defaultdict(lambda: defaultdict(dict))
    for s, p, o in triples:
        by_subject[s][p][o] = None
    blocks = []
    for subject in sorted(by_subject, key=_sort_key):
        predicates = by_subject[subject]
        ordered = sorted(predicates, key=lambda p: (p.value != RDF_TYPE, p.value))
        parts = []
        for predicate in ordered:
            verb = "a" if predicate.value == RDF_TYPE else _term(predicate)
            objects = ", ".join(_term(o) for o in sorted(predicates[predicate], key=_sort_key))
            parts.append(f"{indent}    {verb} {objects}")
        blocks.append(f"{indent}{_term(subject)}\n" + " ;\n".join(parts) + " .\n")
    return blocks


def _prefix_lines(prefixes: dict[str, str]) -> str:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in prefixes.items())


def _turtle(triples: list[tuple[Term, Term, Term]]) -> str:
    head = _prefix_lines(_used_prefixes(triples))
    return head + "\n" + "\n".join(_statements(triples))


def _trig(quads: list[Quad]) -> str:
    by_graph: dict[str, list[tuple[Term, Term, Term]]] = defaultdict(list)
    for s, p, o, g in quads:
        by_graph[g or ""].append((s, p, o))
    head = _prefix_lines(_used_prefixes(t for ts in by_graph.values() for t in ts))
    parts = []
    for name in sorted(by_graph):
        body = "\n".join(_statements(by_graph[name], indent="    "))
        parts.append(f"<{name}> {{\n{body}}}\n" if name else body)
    return head + "\n" + "\n".join(parts)


def _jsonld_value(term: Term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"@id": _curie(term.value) or term.value}
    if isinstance(term, ox.BlankNode):
        return {"@id": f"_:{term.value}"}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == XSD + "string":
        return {"@value": term.value}
    return {"@value": term.value, "@type": _curie(term.datatype.value) or term.datatype.value}


def _jsonld_nodes(triples: list[tuple[Term, Term, Term]]) -> list[dict[str, Any]]:
    # Each node's values keyed by their JSON text: that sorts them, and a set lookup (not a
    # list scan) drops duplicates, so a node with 100,000 values stays linear.
    values: dict[str, dict[str, dict[str, Any]]] = defaultdict(lambda: defaultdict(dict))
    for s, p, o in triples:
        name = "@type" if p.value == RDF_TYPE else (_curie(p.value) or p.value)
        value: Any = _jsonld_value(o)["@id"] if name == "@type" else _jsonld_value(o)
        key = json.dumps(value, sort_keys=True, ensure_ascii=False)
        values[_jsonld_value(s)["@id"]][name][key] = value
    return [
        {"@id": node} | {name: [v[k] for k in sorted(v)] for name, v in values[node].items()}
        for node in sorted(values)
    ]


def _jsonld(quads: list[Quad]) -> str:
    by_graph: dict[str, list[tuple[Term, Term, Term]]] = defaultdict(list)
    for s, p, o, g in quads:
        by_graph[g or ""].append((s, p, o))
    everything = [t for ts in by_graph.values() for t in ts]
    document: dict[str, Any] = {"@context": _used_prefixes(everything)}
    if set(by_graph) <= {""}:
        document["@graph"] = _jsonld_nodes(by_graph.get("", []))
    else:
        document["@graph"] = [
            {"@id": name, "@graph": _jsonld_nodes(by_graph[name])} for name in sorted(by_graph)
        ]
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


__all__ = ["DATASET_FORMATS", "EXPORT_FORMATS", "Quad", "serialise", "serialise_triples"]
