"""The namespaces of the synthetic data and the prefixes its files declare.

The synthetic entities live in a namespace of their own (`SYNTHETIC`), apart from the project's
ids, so that they are never mistaken for facts; the reference vocabulary they point at (tiers,
sectors, roles, evidence levels, ESCA) is the project's, from clusterkg.vocabulary. Statement
groups are named in the model's own `statement:` namespace (docs/model.md), which a loader or a
query may recognise groups by; their quotes, synthetic, in `quote:`.
"""

from __future__ import annotations

from clusterkg.output.turtle_writer import iri
from clusterkg.vocabulary import CK, CKID, EU_COUNTRY, PREFIXES

SYNTHETIC = "https://w3id.org/clusterkg/synthetic/"
COUNTRY_NS = EU_COUNTRY
SH = PREFIXES["sh"]
ESCA = iri(f"{CKID}organisation/esca")

# In the order the files declare them.
NAMESPACES: dict[str, str] = {
    "ck": CK,
    "tier": PREFIXES["tier"],
    "sector": PREFIXES["sector"],
    "role": CKID + "role/",
    "evidence": CKID + "evidence/",
    "country": COUNTRY_NS,
    "language": "http://publications.europa.eu/resource/authority/language/",
    "cluster": SYNTHETIC + "cluster/",
    "company": SYNTHETIC + "company/",
    "organisation": SYNTHETIC + "organisation/",
    "membership": SYNTHETIC + "membership/",
    "award": SYNTHETIC + "award/",
    "person": SYNTHETIC + "person/",
    "post": SYNTHETIC + "post/",
    "project": SYNTHETIC + "project/",
    "funder": SYNTHETIC + "funder/",
    "funding-scheme": SYNTHETIC + "funding-scheme/",
    "figure": SYNTHETIC + "figure/",
    "source": SYNTHETIC + "source/",
    "statement": PREFIXES["statement"],
    "quote": SYNTHETIC + "quote/",
    **{
        p: PREFIXES[p]
        for p in ("org", "rdfs", "xsd", "skos", "prov", "schema", "foaf", "dcterms", "oa")
    },
}


def full_iri(curie: str) -> str:
    """The full IRI of a CURIE written with one of NAMESPACES."""
    prefix, _, local = curie.partition(":")
    return NAMESPACES[prefix] + local
