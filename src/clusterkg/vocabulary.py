"""The prefixes clusterkg knows: for CURIEs typed by users and for shortening IRIs in tables."""

from __future__ import annotations

CK = "https://w3id.org/clusterkg/ontology#"
CKID = "https://w3id.org/clusterkg/id/"

# The store's named graphs: what the files assert, what reasoning added, and (in exports only)
# the VoID/DCAT description of the dataset. Queries see the union of the first two.
ASSERTED = "https://w3id.org/clusterkg/graph/asserted"
INFERRED = "https://w3id.org/clusterkg/graph/inferred"
DESCRIPTION = "https://w3id.org/clusterkg/graph/description"

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
}


def expand_curie(text: str) -> str | None:
    """The IRI of a CURIE with a known prefix, else None."""
    prefix, colon, local = text.partition(":")
    if not colon or prefix not in PREFIXES or local.startswith("//"):
        return None
    return PREFIXES[prefix] + local


def shorten(iri: str) -> str:
    """The shortest CURIE for an IRI, or the IRI itself."""
    best = iri
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            candidate = f"{prefix}:{local}"
            if local and "/" not in local and len(candidate) < len(best):
                best = candidate
    return best
