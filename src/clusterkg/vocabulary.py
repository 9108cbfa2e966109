"""The IRIs clusterkg knows, in one place: namespaces and prefixes, the store's graphs, the
terms the code names, CURIEs both ways, and the one slug rule for new IRIs."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

CK = "https://w3id.org/clusterkg/ontology#"
CKID = "https://w3id.org/clusterkg/id/"

# The store's named graphs: what the files assert, what reasoning added, and (in exports only)
# the VoID/DCAT description of the dataset. Queries see the union of the first two.
ASSERTED = "https://w3id.org/clusterkg/graph/asserted"
INFERRED = "https://w3id.org/clusterkg/graph/inferred"
DESCRIPTION = "https://w3id.org/clusterkg/graph/description"
# What queries see as their default graph. Every other named graph of a store is a statement
# group (docs/model.md): the asserted triples of one source passage, kept a second time so that
# GRAPH ?g finds the sources of one triple.
QUERIED = (ASSERTED, INFERRED)
OWN_GRAPHS = frozenset({ASSERTED, INFERRED, DESCRIPTION})

PREFIXES: dict[str, str] = {
    "ck": CK,
    "ckid": CKID,
    "cluster": CKID + "cluster/",
    "organisation": CKID + "organisation/",
    "person": CKID + "person/",
    "post": CKID + "post/",
    "project": CKID + "project/",
    "award": CKID + "award/",
    "membership": CKID + "membership/",
    "tier": CKID + "tier/",
    "sector": CKID + "sector/",
    "source": CKID + "source/",
    "statement": CKID + "statement/",
    "evidence": CKID + "evidence/",
    # the other namespaces of the bundled files' things, so every one of them prints as a CURIE
    "role": CKID + "role/",
    "criterion": CKID + "criterion/",
    "scheme": CKID + "scheme/",
    "quote": CKID + "quote/",
    "quotation": CKID + "quotation/",
    "figure": CKID + "figure/",
    "forecast": CKID + "forecast/",
    "change-event": CKID + "change-event/",
    "grant": CKID + "grant/",
    "funder": CKID + "funder/",
    "funding-scheme": CKID + "funding-scheme/",
    "country": "http://publications.europa.eu/resource/authority/country/",
    "nace": "http://data.europa.eu/ux2/nace2/",
    "org": "http://www.w3.org/ns/org#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xkos": "http://rdf-vocabulary.ddialliance.org/xkos#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "cv": "http://data.europa.eu/m8g/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "oa": "http://www.w3.org/ns/oa#",
}


# Namespaces and terms the code itself names (the data's own terms live in ontology/).
RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
OWL = PREFIXES["owl"]
XSD = PREFIXES["xsd"]
SH = PREFIXES["sh"]
ORG = PREFIXES["org"]
DCTERMS = PREFIXES["dcterms"]
VOID = PREFIXES["void"]
DCAT = PREFIXES["dcat"]
FOAF = PREFIXES["foaf"]
RDF_TYPE, RDF_LANG_STRING = RDF + "type", RDF + "langString"
RDF_FIRST, RDF_REST, RDF_NIL = RDF + "first", RDF + "rest", RDF + "nil"
RDFS_SUBCLASSOF, RDFS_CLASS = RDFS + "subClassOf", RDFS + "Class"
RDFS_LITERAL, RDFS_DATATYPE = RDFS + "Literal", RDFS + "Datatype"
OWL_CLASS, OWL_ONTOLOGY = OWL + "Class", OWL + "Ontology"
OWL_SAME_AS, OWL_IMPORTS = OWL + "sameAs", OWL + "imports"
XSD_STRING, XSD_INTEGER, XSD_BOOLEAN = XSD + "string", XSD + "integer", XSD + "boolean"
# What an IRI may not contain as written (RFC 3987 via Turtle's IRIREF): control characters,
# spaces and <>"{}|^`\
NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
# The EU's authority table of countries, which the data's countries are taken from.
EU_COUNTRY = "http://publications.europa.eu/resource/authority/country/"
# Relative IRIs in input files resolve against this base: the same IRIs wherever a file lies.
RELATIVE_BASE = "https://w3id.org/clusterkg/relative/"


def expand_curie(text: str) -> str | None:
    """The IRI of a CURIE with a known prefix, else None."""
    prefix, colon, local = text.partition(":")
    if not colon or prefix not in PREFIXES or local.startswith("//"):
        return None
    return PREFIXES[prefix] + local


def curie(iri: str, local_name_ok: Callable[[str], bool]) -> str | None:
    """The shortest CURIE for `iri` whose local part `local_name_ok` accepts (on a tie, the one
    whose prefix comes first in PREFIXES), or None."""
    best: str | None = None
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            candidate = f"{prefix}:{local}"
            if local_name_ok(local) and (best is None or len(candidate) < len(best)):
                best = candidate
    return best


def shorten(iri: str) -> str:
    """The shortest CURIE for an IRI, for people to read (tables, messages), or the IRI itself."""
    return curie(iri, lambda local: bool(local) and "/" not in local) or iri


_FOLD = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae", "Æ": "AE"}
    | {"œ": "oe", "Œ": "OE", "\u0131": "i", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D"}
)


def ascii_fold(value: str) -> str:
    """The name without accents: `Jūratė Wiśniewska` → `Jurate Wisniewska`."""
    if value.isascii():
        return value
    decomposed = unicodedata.normalize("NFKD", value.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(name: str) -> str:
    """The IRI path segment for a name: lowercase ASCII kebab-case, as the project's IRIs are
    written (`Rūta & Partners UAB` → `ruta-and-partners-uab`); `x` for a name with no letter
    or digit. Not unique by itself: a producer that meets the same slug twice tells them apart.
    """
    folded = ascii_fold(name).lower().replace("&", " and ")
    return _NOT_SLUG.sub("-", folded).strip("-") or "x"
