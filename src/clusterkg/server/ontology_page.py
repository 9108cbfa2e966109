"""/ontology — the ontology documented, and where its own term IRIs resolve.

Every class and property that ontology/clusterkg.ttl declares has an anchor on one page: its own
terms (https://w3id.org/clusterkg/ontology#Cluster) by their local name (/ontology#Cluster), so
the term IRIs resolve there; the terms it reuses (W3C ORG, SKOS, PROV-O, schema.org …), marked
as reused, by their CURIE (/ontology#org:Organization), with their IRI as plain text: nothing is
linked or loaded from outside. Each term shows its label, definition, domain and range, its
superclasses or superproperties, and the SHACL shapes of shapes.ttl that constrain it (node shapes
targeting a class, property shapes whose sh:path is the property).

The ontology IRI's path (/ontology) answers HTML to browsers and the ontology itself to RDF
clients (Turtle as written, N-Triples, JSON-LD), by Accept with `Vary: Accept`, or by suffix
(/ontology.ttl …). Both files are small: read with rdflib once per process.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from clusterkg.output import formats
from clusterkg.output.serialise import serialise_triples
from clusterkg.server import html
from clusterkg.server.negotiation import choose
from clusterkg.server.site import Site, respond
from clusterkg.server.stored import with_charset
from clusterkg.server.tasks import Reply, Served, Task
from clusterkg.vocabulary import CK

HTML = "text/html"
# RDF by the registry's names, Turtle first: the file as written, comments and all
RDF_FORMATS = ("ttl", "nt", "jsonld")
OFFERS = (HTML, *(formats.by_name(name, "graph").media_type for name in RDF_FORMATS))
VARY = {"Vary": "Accept"}
# Kinds of term, in the order the page lists them
KINDS = (
    (OWL.Class, "class", "Classes"),
    (OWL.ObjectProperty, "object property", "Object properties"),
    (OWL.DatatypeProperty, "datatype property", "Datatype properties"),
    (OWL.AnnotationProperty, "annotation property", "Annotation properties"),
    (RDF.Property, "property", "Other properties"),
)
# Constraint parameters shown beside a property shape, briefly
_CONSTRAINTS = (
    "minCount",
    "maxCount",
    "datatype",
    "class",
    "nodeKind",
    "pattern",
    "minLength",
    "maxLength",
    "uniqueLang",
    "languageIn",
    "in",
    "hasValue",
    "minInclusive",
    "maxInclusive",
    "qualifiedMinCount",
    "qualifiedMaxCount",
    "severity",
)


@dataclass(frozen=True)
class Ref:
    """A term named on the page: its CURIE, and its anchor if the page documents it."""

    text: str
    iri: str
    anchor: str | None


@dataclass
class Shape:
    """A SHACL shape that constrains a term, briefly."""

    name: str
    label: str
    constraints: list[str]
    message: str


@dataclass
class Term:
    iri: str
    anchor: str
    curie: str
    kind: str
    reused: bool
    label: str = ""
    definition: str = ""
    comment: str = ""
    deprecated: bool = False
    defined_by: str = ""
    domains: list[Ref] = field(default_factory=list)
    ranges: list[Ref] = field(default_factory=list)
    supers: list[Ref] = field(default_factory=list)
    inverses: list[Ref] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)


@dataclass(frozen=True)
class OntologyPage:
    """/ontology in one format: `html`, or one of RDF_FORMATS."""

    fmt: str = "html"

    def run(self, served: Served) -> Reply:
        ontology, shapes = served.bundle.ontology, served.bundle.shapes
        if self.fmt == "html":
            return html.page("ontology.html", headers=dict(VARY), **_document(ontology, shapes))
        media_type = formats.by_name(self.fmt, "graph").media_type
        return Reply(200, with_charset(media_type), _rdf(ontology, self.fmt), dict(VARY))


def routes(site: Site) -> list[BaseRoute]:
    async def ontology(request: Request) -> Response:
        media = choose(request.headers.get("accept"), OFFERS)
        if media is None:
            return respond(Reply.not_acceptable(OFFERS))
        found = formats.by_media_type(media, "graph")
        return respond(await site.run(OntologyPage(found.name if found else "html")))

    def by_suffix(fmt: str) -> Route:
        async def answer(request: Request) -> Response:
            return respond(await site.run(OntologyPage(fmt)))

        return Route(f"/ontology.{formats.by_name(fmt, 'graph').extension}", answer)

    # the ontology's IRI and its version IRI (…/ontology/0.1.0), where they are the site's
    iris = (_document(site.bundle.ontology, site.bundle.shapes)["iri"], _version_iri(site))
    paths = {"/ontology"} | {p for iri in iris if iri and (p := site.paths.path_of(iri))}
    return [
        *(Route(path, ontology, methods=["GET"]) for path in sorted(paths)),
        *map(by_suffix, RDF_FORMATS),
    ]


def _version_iri(site: Site) -> str:
    graph = _graph(site.bundle.ontology)
    header = next(iter(graph.subjects(RDF.type, OWL.Ontology)), None)
    return str(graph.value(header, OWL.versionIRI) or "") if header is not None else ""


def static_pages(site: Site) -> Iterable[tuple[str, Task]]:
    yield "/ontology", OntologyPage("html")
    for fmt in RDF_FORMATS:
        yield f"/ontology.{formats.by_name(fmt, 'graph').extension}", OntologyPage(fmt)


def anchor(iri: str, curie: str) -> str:
    """A term's id on the page: the local name of clusterkg's own terms, else its CURIE."""
    return iri[len(CK) :] if iri.startswith(CK) else curie


@cache
def _rdf(ontology: Path, fmt: str) -> bytes:
    if fmt == "ttl":
        return ontology.read_bytes()
    triples = ox.parse(path=str(ontology), format=ox.RdfFormat.TURTLE)
    return serialise_triples((t.triple for t in triples), fmt).encode("utf-8")


@cache
def _graph(path: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(path, format="turtle")


@cache
def _document(ontology: Path, shapes: Path) -> dict[str, Any]:
    """What the page shows: the ontology's header and its terms, grouped by kind."""
    graph = _graph(ontology)
    shapes_graph = _graph(shapes)
    terms = _terms(graph)
    by_iri = {t.iri: t for t in terms}
    for term in terms:
        _describe(graph, term, by_iri)
        term.shapes = _shapes_of(shapes_graph, term)
    header = next(iter(graph.subjects(RDF.type, OWL.Ontology)), None)
    return {
        "title": _text(graph, header, rdflib.DCTERMS.title) or "clusterkg ontology",
        "description": _text(graph, header, rdflib.DCTERMS.description),
        "iri": str(header or CK),
        "version": _text(graph, header, OWL.versionInfo),
        "licence": str(graph.value(header, rdflib.DCTERMS.license) or ""),
        "sections": [
            {
                "title": f"{title}{', reused' if reused else ''}",
                "id": f"{'reused-' if reused else ''}{title.lower().replace(' ', '-')}",
                "terms": [t for t in terms if t.kind == kind and t.reused == reused],
            }
            for reused in (False, True)
            for _, kind, title in KINDS
            if any(t.kind == kind and t.reused == reused for t in terms)
        ],
    }


def _terms(graph: rdflib.Graph) -> list[Term]:
    """Every IRI the ontology types as a class or a property, once (its first kind in KINDS)."""
    seen: dict[str, Term] = {}
    for rdf_type, kind, _ in KINDS:
        for subject in graph.subjects(RDF.type, rdf_type):
            iri = str(subject)
            if isinstance(subject, rdflib.URIRef) and iri not in seen:
                curie = graph.qname(subject)
                seen[iri] = Term(iri, anchor(iri, curie), curie, kind, not iri.startswith(CK))
    return sorted(seen.values(), key=lambda t: (t.curie.lower(), t.curie))


def _describe(graph: rdflib.Graph, term: Term, by_iri: dict[str, Term]) -> None:
    node = rdflib.URIRef(term.iri)

    def refs(predicate: rdflib.URIRef) -> list[Ref]:
        found = [o for o in graph.objects(node, predicate) if isinstance(o, rdflib.URIRef)]
        return sorted((_ref(graph, o, by_iri) for o in found), key=lambda r: r.text)

    term.label = _text(graph, node, RDFS.label)
    term.definition = _text(graph, node, SKOS.definition)
    term.comment = _text(graph, node, RDFS.comment)
    term.deprecated = bool(graph.value(node, OWL.deprecated))
    term.defined_by = str(graph.value(node, RDFS.isDefinedBy) or "")
    term.domains = refs(RDFS.domain)
    term.ranges = refs(RDFS.range)
    term.supers = refs(RDFS.subClassOf if term.kind == "class" else RDFS.subPropertyOf)
    inverse = refs(OWL.inverseOf)
    inverse += [
        _ref(graph, s, by_iri)
        for s in graph.subjects(OWL.inverseOf, node)
        if isinstance(s, rdflib.URIRef)
    ]
    term.inverses = sorted(set(inverse), key=lambda r: r.text)


def _ref(graph: rdflib.Graph, node: rdflib.URIRef, by_iri: dict[str, Term]) -> Ref:
    known = by_iri.get(str(node))
    return Ref(graph.qname(node), str(node), known.anchor if known else None)


def _shapes_of(shapes: rdflib.Graph, term: Term) -> list[Shape]:
    """The shapes that constrain a term: node shapes targeting the class, property shapes whose
    path is the property (with the node shapes that hold them)."""
    node = rdflib.URIRef(term.iri)
    if term.kind == "class":
        found = list(shapes.subjects(SH.targetClass, node))
    else:
        found = list(shapes.subjects(SH.path, node))
        found += shapes.subjects(SH.targetSubjectsOf, node)
        found += shapes.subjects(SH.targetObjectsOf, node)
    return [_shape(shapes, s) for s in sorted(set(found), key=str)]


def _shape(shapes: rdflib.Graph, shape: rdflib.term.Node) -> Shape:
    constraints = []
    for name in _CONSTRAINTS:
        for value in shapes.objects(shape, SH[name]):
            constraints.append(f"sh:{name} {_brief(shapes, value)}")
    if (shape, SH["or"], None) in shapes:
        constraints.append("sh:or (…)")
    if (shape, SH.sparql, None) in shapes:
        constraints.append("sh:sparql")
    label = _text(shapes, shape, SH.name) or _text(shapes, shape, RDFS.label)
    name = shapes.qname(shape) if isinstance(shape, rdflib.URIRef) else "(a blank node)"
    return Shape(name, label, constraints, _text(shapes, shape, SH.message))


def _brief(graph: rdflib.Graph, value: rdflib.term.Node) -> str:
    if isinstance(value, rdflib.URIRef):
        return graph.qname(value)
    if isinstance(value, rdflib.Literal):
        return f'"{value}"' if isinstance(value.value, str) else str(value)
    items = list(Collection(graph, value)) if value else []
    return "(" + " ".join(_brief(graph, item) for item in items) + ")"


def _text(graph: rdflib.Graph, node: rdflib.term.Node | None, predicate: rdflib.URIRef) -> str:
    """The English (else any) text of a property of a node, or ''."""
    if node is None:
        return ""
    values = [v for v in graph.objects(node, predicate) if isinstance(v, rdflib.Literal)]
    english = [v for v in values if v.language in (None, "en")]
    chosen = sorted(english or values, key=str)
    return str(chosen[0]) if chosen else ""
