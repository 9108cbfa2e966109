"""The VoID/DCAT description of an exported dataset: licence, sources, size, vocabularies."""

from __future__ import annotations

import pyoxigraph as ox

from clusterkg import vocabulary
from clusterkg.engine import Engine, Table
from clusterkg.vocabulary import ASSERTED, CK, CKID, DCAT, DCTERMS, INFERRED, PREFIXES, VOID

RDF_TYPE = ox.NamedNode(vocabulary.RDF_TYPE)
XSD_INTEGER = ox.NamedNode(vocabulary.XSD_INTEGER)
DATASET = ox.NamedNode(CKID + "dataset/clusterkg")
# An export with the inferred graph says so: the loader reading the export back in a format
# without graphs can then tell that inferred triples are in it.
HAS_PART = ox.NamedNode(DCTERMS + "hasPart")
INFERRED_GRAPH = ox.NamedNode(INFERRED)
LICENCE = ox.NamedNode("https://creativecommons.org/licenses/by/4.0/")
VOCABULARIES = ("org", "skos", "xkos", "prov", "schema", "foaf", "dcterms", "cv")
TITLE = "clusterkg: industry clusters and their labels"
ABSTRACT = (
    "Industry clusters, their member companies, coordinators, agencies, projects, funders and "
    "ESCA cluster-management excellence label awards, each fact with its source."
)

Triple = tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]


def describe(engine: Engine, triple_count: int, inferred: bool = False) -> list[Triple]:
    """A VoID + DCAT description of the dataset in the engine's asserted graph (no timestamps:
    exports must be byte-identical for identical input); `inferred`: the export holds inferred
    triples."""
    out: list[Triple] = [
        (DATASET, RDF_TYPE, ox.NamedNode(VOID + "Dataset")),
        (DATASET, RDF_TYPE, ox.NamedNode(DCAT + "Dataset")),
        (DATASET, ox.NamedNode(DCTERMS + "title"), ox.Literal(TITLE, language="en")),
        (DATASET, ox.NamedNode(DCTERMS + "description"), ox.Literal(ABSTRACT, language="en")),
        (DATASET, ox.NamedNode(DCTERMS + "license"), LICENCE),
        (DATASET, ox.NamedNode(VOID + "uriSpace"), ox.Literal(CKID)),
        (
            DATASET,
            ox.NamedNode(VOID + "triples"),
            ox.Literal(str(triple_count), datatype=XSD_INTEGER),
        ),
        (DATASET, ox.NamedNode(VOID + "vocabulary"), ox.NamedNode(CK)),
    ]
    out += [
        (DATASET, ox.NamedNode(VOID + "vocabulary"), ox.NamedNode(PREFIXES[prefix]))
        for prefix in VOCABULARIES
    ]
    if inferred:
        out.append((DATASET, HAS_PART, INFERRED_GRAPH))
    for kind in ("SourceDocument", "WebSource"):
        found = engine.run(f"SELECT ?source WHERE {{ ?source a <{CK}{kind}> }}", graphs=[ASSERTED])
        assert isinstance(found, Table)
        for (source,) in found.rows:
            if isinstance(source, ox.NamedNode | ox.BlankNode):
                out.append((DATASET, ox.NamedNode(DCTERMS + "source"), source))
    return out
