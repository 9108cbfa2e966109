"""The VoID/DCAT description of an exported dataset: licence, sources, size, vocabularies."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID, XSD

from clusterkg.namespaces import CK, CKID, PREFIXES

DATASET = URIRef(CKID + "dataset/clusterkg")
LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
VOCABULARIES = ("org", "skos", "xkos", "prov", "schema", "foaf", "dcterms", "cv")


def describe(asserted: Graph, triple_count: int) -> Graph:
    """A VoID + DCAT description of the dataset made of `asserted` (no timestamps: exports
    must be byte-identical for identical input)."""
    out = Graph()
    out.add((DATASET, RDF.type, VOID.Dataset))
    out.add((DATASET, RDF.type, DCAT.Dataset))
    out.add(
        (
            DATASET,
            DCTERMS.title,
            Literal("clusterkg: industry clusters and their labels", lang="en"),
        )
    )
    out.add(
        (
            DATASET,
            DCTERMS.description,
            Literal(
                "Industry clusters, their member companies, coordinators, agencies, projects, "
                "funders and "
                "ESCA cluster-management excellence label awards, each fact with its source.",
                lang="en",
            ),
        )
    )
    out.add((DATASET, DCTERMS.license, LICENCE))
    out.add((DATASET, VOID.uriSpace, Literal(CKID)))
    out.add((DATASET, VOID.triples, Literal(triple_count, datatype=XSD.integer)))
    out.add((DATASET, VOID.vocabulary, URIRef(CK)))
    for prefix in VOCABULARIES:
        out.add((DATASET, VOID.vocabulary, URIRef(PREFIXES[prefix])))
    for kind in ("SourceDocument", "WebSource"):
        for source in asserted.subjects(RDF.type, URIRef(CK + kind)):
            out.add((DATASET, DCTERMS.source, source))
    return out
