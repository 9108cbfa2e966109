"""The triples owlrl adds whatever the graph says: its axioms and its datatype disjointness.

Written into the inferred graph before any rule runs, so that the rules see them as owlrl's
rules do: cls-thing, cls-nothing1, prp-ap and dt-type1 for the datatypes OWL 2 RL supports, and
owl:disjointWith between the top datatypes the asserted literals use (its dt-diff table).
"""

from __future__ import annotations

import pyoxigraph as ox

from clusterkg.engine import LocalStore
from clusterkg.reasoning.rules.graphs import PREFIXES
from clusterkg.vocabulary import OWL, RDF, RDFS, XSD

# Axiomatic triples owlrl always adds: cls-thing, cls-nothing1, prp-ap and dt-type1 (for the
# datatypes OWL 2 RL supports, as listed in owlrl.XsdDatatypes.OWL_RL_Datatypes).
ANNOTATION_PROPERTIES = [
    RDFS + "label",
    RDFS + "comment",
    RDFS + "seeAlso",
    RDFS + "isDefinedBy",
    OWL + "deprecated",
    OWL + "versionInfo",
    OWL + "priorVersion",
    OWL + "backwardCompatibleWith",
    OWL + "incompatibleWith",
]
_XSD_NAMES = """integer decimal nonNegativeInteger nonPositiveInteger negativeInteger
positiveInteger long int short byte unsignedLong unsignedInt unsignedShort unsignedByte float
double string normalizedString token language Name NCName NMTOKEN boolean hexBinary base64Binary
anyURI dateTimeStamp dateTime time date"""
OWL_RL_DATATYPES = [XSD + name for name in _XSD_NAMES.split()]
OWL_RL_DATATYPES += [RDFS + "Literal", RDF + "XMLLiteral", RDF + "HTML", RDF + "langString"]
OWL_RL_DATATYPES += [RDF + "PlainLiteral"]

# The datatypes owlrl counts as used by a literal of a datatype under them (its dt-type2 rule,
# owlrl.XsdDatatypes.OWL_Datatype_Subsumptions): between two used ones of these, it adds the
# owl:disjointWith triple of its table (owlrl.AxiomaticTriples.OWLRL_Datatypes_Disjointness).
_DATATYPE_FAMILIES = {
    "decimal": """decimal integer long int short byte nonNegativeInteger positiveInteger
        unsignedLong unsignedInt unsignedShort unsignedByte nonPositiveInteger negativeInteger""",
    "dateTime": "dateTime dateTimeStamp",
    "string": "normalizedString token language Name NCName NMTOKEN",  # xsd:string itself:
    # Oxigraph stores "x"^^xsd:string as the simple literal "x", which owlrl does not count
    "anyURI": "anyURI",
    "base64Binary": "base64Binary",
    "boolean": "boolean",
    "double": "double",
    "float": "float",
    "hexBinary": "hexBinary",
}
TOP_DATATYPES = {
    XSD + name: XSD + top for top, names in _DATATYPE_FAMILIES.items() for name in names.split()
}
TOP_DATATYPES[RDF + "XMLLiteral"] = RDF + "XMLLiteral"
TOP_DATATYPES[RDF + "PlainLiteral"] = RDF + "PlainLiteral"


def axioms(inferred: ox.NamedNode) -> str:
    """The update writing owlrl's axiomatic triples into `inferred`."""
    triples = ["owl:Thing a owl:Class .", "owl:Nothing a owl:Class ."]
    triples += [f"<{p}> a owl:AnnotationProperty ." for p in ANNOTATION_PROPERTIES]
    triples += [f"<{d}> a rdfs:Datatype ." for d in OWL_RL_DATATYPES]
    return f"{PREFIXES}INSERT DATA {{ GRAPH <{inferred.value}> {{ {' '.join(triples)} }} }}"


def add_datatype_disjointness(
    store: LocalStore, asserted: ox.NamedNode, inferred: ox.NamedNode
) -> None:
    """owlrl's dt-diff axioms for the top datatypes the asserted literals use (rarely two)."""
    rows = store.query(
        "SELECT DISTINCT (DATATYPE(?o) AS ?d) WHERE { ?s ?p ?o FILTER(isLiteral(?o)) }",
        default_graph=asserted,
    )
    assert isinstance(rows, ox.QuerySolutions)
    used = {TOP_DATATYPES[d] for row in rows if (d := str(row["d"].value)) in TOP_DATATYPES}
    if len(used) < 2:
        return
    from owlrl.AxiomaticTriples import OWLRL_Datatypes_Disjointness  # the table, only when needed

    disjoint = ox.NamedNode(OWL + "disjointWith")
    store.extend(
        ox.Quad(ox.NamedNode(str(left)), disjoint, ox.NamedNode(str(right)), inferred)
        for left, _, right in OWLRL_Datatypes_Disjointness
        if str(left) in used and str(right) in used
    )
