"""Prefix declarations of SPARQL-based constraints (SHACL section 5.2.1): sh:prefixes, owl:imports
within the shapes graph, sh:declare with sh:prefix and sh:namespace."""

from __future__ import annotations

import pyoxigraph as ox

from clusterkg.validation.compiled.shapes import ShapesGraph, is_text
from clusterkg.validation.compiled.terms import Term, UnsupportedShapes, name
from clusterkg.vocabulary import (
    OWL,
    OWL_IMPORTS,
    OWL_ONTOLOGY,
    RDF,
    RDF_LANG_STRING,
    RDF_TYPE,
    RDFS,
    SH,
    XSD,
    XSD_STRING,
)


def sparql_prefixes(g: ShapesGraph, constraint: Term) -> dict[str, str]:
    """The prefixes pySHACL declares for a SPARQL constraint (its collect_prefixes), and those
    the specification adds: sh:prefixes/owl:imports*/sh:declare (section 5.2.1), imports being
    followed inside the shapes graph only (pySHACL does not follow them: W3C test prefixes-001)."""
    prefixes = {"rdf": RDF, "rdfs": RDFS, "owl": OWL}
    declared: dict[str, str] = {}
    named_graph = set(g.objects(g.identifier, SH + "declare")) if g.identifier else set()
    ontologies = set(g.subjects(RDF_TYPE, ox.NamedNode(OWL_ONTOLOGY)))
    everywhere = named_graph | {d for o in ontologies for d in g.objects(o, SH + "declare")}
    for owner in g.objects(constraint, SH + "prefixes"):
        own = {d for o in _imports_closure(g, owner) for d in g.objects(o, SH + "declare")}
        declarations = own | named_graph if own and owner in ontologies else everywhere | own
        for declaration in sorted(declarations, key=str):
            prefix, namespace = _declaration(g, declaration)
            if declared.get(prefix, namespace) != namespace:
                raise UnsupportedShapes(f"prefix {prefix}: is declared twice ({name(constraint)})")
            declared[prefix] = namespace
    return prefixes | declared


def _imports_closure(g: ShapesGraph, node: Term) -> list[Term]:
    """The node and what it owl:imports, transitively, as far as the shapes graph says."""
    found, pending = [node], [node]
    while pending:
        for imported in g.objects(pending.pop(), OWL_IMPORTS):
            if imported not in found:
                found.append(imported)
                pending.append(imported)
    return found


def _declaration(g: ShapesGraph, declaration: Term) -> tuple[str, str]:
    prefixes = g.objects(declaration, SH + "prefix")
    namespaces = g.objects(declaration, SH + "namespace")
    if len(prefixes) != 1 or len(namespaces) != 1 or not is_text(prefixes[0]):
        raise UnsupportedShapes(f"malformed sh:declare {name(declaration)}")
    namespace = namespaces[0]
    readable = (XSD + "anyURI", XSD_STRING, RDF_LANG_STRING)
    if not isinstance(namespace, ox.Literal) or namespace.datatype.value not in readable:
        raise UnsupportedShapes(f"sh:namespace of {name(declaration)} is not an xsd:anyURI")
    return prefixes[0].value, namespace.value
