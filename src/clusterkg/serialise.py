"""Deterministic RDF serialisation: the same graph always gives the same bytes.

Subjects, predicates and objects are written in sorted order, and blank nodes get labels derived
from their content (rdflib's canonical labelling, applied only to the triples that touch blank
nodes), so neither hash seeds nor parse order change the output. Writes are atomic.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from clusterkg.engine import Term
from clusterkg.namespaces import PREFIXES

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
EXPORT_FORMATS = ("ttl", "nt", "nq", "trig", "jsonld")
DATASET_FORMATS = ("nq", "trig")
_LOCAL_NAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_\-]*[A-Za-z0-9_])?")

Quad = tuple[Term, Term, Term, str | None]


def canonical_blank_nodes(quads: list[Quad]) -> list[Quad]:
    """Relabel blank nodes by content so labels do not depend on parse order or hash seeds.

    Colour refinement: a blank node's label is a hash of its edges, where neighbouring blank
    nodes contribute their label of the previous round, until the partition stops splitting.
    Blank nodes left with equal labels are interchangeable in practice (e.g. identical list
    cells) and are numbered in order of their neighbourhood.
    """
    edges: dict[str, list[tuple[str, Term]]] = defaultdict(list)
    for s, p, o, g in quads:
        if isinstance(s, ox.BlankNode):
            edges[s.value].append((f"{p} {g or ''}", o))
        if isinstance(o, ox.BlankNode):
            edges[o.value].append((f"^{p} {g or ''}", s))
    if not edges:
        return quads
    colour = dict.fromkeys(edges, "")
    for _round in range(len(edges)):
        refined = {
            node: hashlib.sha256(
                "\n".join(
                    sorted(f"{label} {_colour_of(term, colour)}" for label, term in out)
                ).encode()
            ).hexdigest()
            for node, out in edges.items()
        }
        stable = len(set(refined.values())) == len(set(colour.values()))
        colour = refined
        if stable:
            break
    mapping: dict[str, ox.BlankNode] = {}
    counts: dict[str, int] = defaultdict(int)
    for node in sorted(edges, key=lambda n: colour[n]):
        label = colour[node][:16]
        counts[label] += 1
        suffix = f"_{counts[label]}" if counts[label] > 1 else ""
        mapping[node] = ox.BlankNode(f"b{label}{suffix}")

    def relabel(term: Term) -> Term:
        return mapping[term.value] if isinstance(term, ox.BlankNode) else term

    return [(relabel(s), p, relabel(o), g) for s, p, o, g in quads]


def _colour_of(term: Term, colour: dict[str, str]) -> str:
    return colour[term.value] if isinstance(term, ox.BlankNode) else str(term)


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write `text` (str, or UTF-8 bytes) to `path` so that a failure leaves any existing file
    untouched."""
    path = path.resolve()
    data = text.encode("utf-8") if isinstance(text, str) else text
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def serialise(quads: list[Quad], fmt: str) -> str:
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
    raise ValueError(f"unknown format {fmt!r}")


def serialise_triples(triples: Iterable[ox.Triple], fmt: str) -> str:
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
    best: str | None = None
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            if (local == "" or _LOCAL_NAME.fullmatch(local)) and (
                best is None or len(prefix) + len(local) < len(best)
            ):
                best = f"{prefix}:{local}"
    return best


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
    by_subject: dict[Term, dict[Term, list[Term]]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in triples:
        if o not in by_subject[s][p]:
            by_subject[s][p].append(o)
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
    nodes: dict[str, dict[str, Any]] = {}
    for s, p, o in triples:
        key = _jsonld_value(s)["@id"]
        node = nodes.setdefault(key, {"@id": key})
        name = "@type" if p.value == RDF_TYPE else (_curie(p.value) or p.value)
        value: Any = _jsonld_value(o)["@id"] if name == "@type" else _jsonld_value(o)
        if value not in node.setdefault(name, []):
            node[name].append(value)
    for node in nodes.values():
        for values in node.values():
            if isinstance(values, list):
                values.sort(key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return [nodes[k] for k in sorted(nodes)]


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


__all__ = ["EXPORT_FORMATS", "serialise", "serialise_triples", "write_atomic"]
