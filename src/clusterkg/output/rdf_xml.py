"""XML for RDF: the RDF/XML syntax of a graph, and the escaping the SPARQL XML results share.

RDF/XML is written deterministically like the other syntaxes (serialise.py): one
rdf:Description per subject in sorted order, its predicates and values sorted, blank nodes by
their content-derived labels. Some graphs have no RDF/XML form at all: a predicate IRI that
cannot be cut into an XML namespace and name (`http://example.org/1`), or text with a character
XML 1.0 forbids (most control characters). Those are refused with a ClusterKGError that says
so, never written as broken XML.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from clusterkg.engine import Term
from clusterkg.errors import ClusterKGError
from clusterkg.vocabulary import PREFIXES, RDF_TYPE, XSD

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
# The end of an IRI that can be an XML element's local name (an NCName, ASCII here).
_LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*$")
# What XML 1.0 cannot carry in any form, escaped or not.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

Triple = tuple[Term, Term, Term]


def xml_text(value: str) -> str:
    """`value` as XML character data (a carriage return kept as one, not read as a newline)."""
    return escape(_checked(value), {"\r": "&#13;"})


def xml_attribute(value: str) -> str:
    """`value` as a quoted XML attribute value."""
    return quoteattr(_checked(value))


def _checked(value: str) -> str:
    bad = _NOT_XML.search(value)
    if bad:
        raise ClusterKGError(
            f"this result cannot be written as XML: it holds the character "
            f"U+{ord(bad.group()):04X}, which XML 1.0 forbids; choose another format"
        )
    return value


def rdf_xml(triples: list[Triple]) -> str:
    """`triples` as an RDF/XML document: the same triples always give the same text."""
    namespaces = _namespaces(p.value for _, p, _ in triples)
    by_subject: dict[Term, set[tuple[str, str]]] = defaultdict(set)
    for s, p, o in triples:
        by_subject[s].add((p.value, _property(namespaces, p.value, o)))
    head = " ".join(
        f"xmlns:{prefix}={xml_attribute(iri)}" for iri, prefix in sorted(namespaces.items())
    )
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f"<rdf:RDF {head}>"]
    for subject in sorted(by_subject, key=lambda t: (isinstance(t, ox.BlankNode), str(t))):
        lines.append(f"  <rdf:Description {_node('rdf:about', subject)}>")
        ordered = sorted(by_subject[subject], key=lambda pv: (pv[0] != RDF_TYPE, pv))
        lines += [f"    {element}" for _, element in ordered]
        lines.append("  </rdf:Description>")
    lines.append("</rdf:RDF>")
    return "\n".join(lines) + "\n"


def _namespaces(predicates: Iterable[str]) -> dict[str, str]:
    """Each predicate's namespace → its prefix: the usual one where clusterkg has it, else
    ns1, ns2 … in sorted order."""
    known = {iri: prefix for prefix, iri in PREFIXES.items()}
    found = {_split(iri)[0] for iri in predicates} | {RDF}
    out = {iri: known[iri] for iri in found if iri in known}
    taken = set(out.values())
    fresh = (f"ns{i}" for i in range(1, len(found) + 1))
    for iri in sorted(found - set(out)):
        out[iri] = next(name for name in fresh if name not in taken)
    return out


def _split(iri: str) -> tuple[str, str]:
    """A predicate IRI as namespace and local name, the longest local name XML allows."""
    match = _LOCAL_NAME.search(iri)
    if match is None or match.start() == 0:
        raise ClusterKGError(
            f"this graph cannot be written as RDF/XML: the predicate <{iri}> does not end in "
            "an XML name; choose Turtle, N-Triples or JSON-LD"
        )
    return iri[: match.start()], iri[match.start() :]


def _property(namespaces: dict[str, str], predicate: str, value: Term) -> str:
    namespace, local = _split(predicate)
    name = f"{namespaces[namespace]}:{local}"
    if isinstance(value, (ox.NamedNode, ox.BlankNode)):
        return f"<{name} {_node('rdf:resource', value)}/>"
    if value.language:
        language = xml_attribute(value.language)
        return f"<{name} xml:lang={language}>{xml_text(value.value)}</{name}>"
    datatype = value.datatype.value
    typed = "" if datatype == XSD + "string" else f" rdf:datatype={xml_attribute(datatype)}"
    return f"<{name}{typed}>{xml_text(value.value)}</{name}>"


def _node(attribute: str, term: Term) -> str:
    """An IRI as `attribute` (rdf:about, rdf:resource); a blank node as rdf:nodeID."""
    if isinstance(term, ox.BlankNode):
        return f"rdf:nodeID={xml_attribute(term.value)}"
    return f"{attribute}={xml_attribute(term.value)}"
