"""A page for every thing (dereferenceable IRIs): /id/… and any other path under the base;
/page?iri= for things outside the base; /search and /void.

A thing's IRI (https://w3id.org/clusterkg/id/cluster/fetek) is served at its own path
(/id/cluster/fetek) with 200 in the representation the Accept header prefers — HTML, Turtle,
JSON-LD or N-Triples — with `Vary: Accept` and the `Content-Location` of that representation,
which also answers by suffix (/id/cluster/fetek.ttl). docs/serving.md argues the choice (hash
vs 303 vs 200 with Content-Location). Every read of the graph is a Task run in the worker pool.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from clusterkg.engine import Table
from clusterkg.output import formats
from clusterkg.output.description import describe
from clusterkg.output.serialise import Quad, serialise
from clusterkg.server import html, negotiation
from clusterkg.server.search import Search
from clusterkg.server.site import InProcess, Paths, Site, respond
from clusterkg.server.tasks import Reply, Served, Task
from clusterkg.server.thing_html import thing_page
from clusterkg.server.things import read_thing, statements_about
from clusterkg.vocabulary import ASSERTED, INFERRED

# The representations of a thing, HTML first (browsers, and curl's */*), by suffix.
RDF_FORMATS = ("ttl", "jsonld", "nt")
SUFFIXES = {"html": html.HTML.split(";")[0]} | {
    name: formats.by_name(name, "graph").media_type for name in RDF_FORMATS
}
OFFERS = list(SUFFIXES.values())
FORMAT_OF = {media: name for name, media in SUFFIXES.items()}
# Rows a page shows of each list (statements, incoming links); the rest are counted.
PAGE_CAP = 200


def routes(site: Site) -> list[Route]:
    async def thing(request: Request) -> Response:
        path = "/" + request.path_params["path"]
        return respond(await site.run(_thing_task(site, path, request.headers.get("accept"))))

    async def any_iri(request: Request) -> Response:
        iri = request.query_params.get("iri", "")
        own = site.paths.path_of(iri)
        if own is not None:  # ours: its own address
            return RedirectResponse(quote(own, safe="/:#"), status_code=301)
        fmt = _negotiated(request.headers.get("accept"))
        return respond(await site.run(ThingTask(iri, fmt, None, PAGE_CAP, site.paths.base)))

    async def search(request: Request) -> Response:
        wants_json = negotiation.choose(
            request.headers.get("accept"), [OFFERS[0], "application/json"]
        )
        task = Search(
            request.query_params.get("q", ""), wants_json == "application/json", site.paths.base
        )
        return respond(await site.run(task))

    async def void(request: Request) -> Response:
        fmt = _suffix_format(request.path_params.get("suffix")) or _void_format(request)
        if fmt is None:
            return respond(Reply.not_acceptable(OFFERS))
        reply = await site.run(VoidTask(fmt))
        if not request.path_params.get("suffix"):
            reply.headers |= {"Vary": "Accept", "Content-Location": f"/void.{fmt}"}
        return respond(reply)

    return [
        Route("/page", any_iri, methods=["GET", "HEAD"]),
        Route("/search", search, methods=["GET", "HEAD"]),
        Route("/void", void, methods=["GET", "HEAD"]),
        Route("/void.{suffix}", void, methods=["GET", "HEAD"]),
        # Last, and last in app._faces(): any other path is a thing's IRI under the base
        # (/id/cluster/fetek, a generated graph's /synthetic/…), or a 404 page with a search box.
        Route("/{path:path}", thing, methods=["GET", "HEAD"]),
    ]


def static_pages(site: Site) -> Iterable[tuple[str, Task]]:
    """The pages of a static site (clusterkg.server.static_site): the dataset description and
    every thing under the base, each as HTML, Turtle and JSON-LD, at its path with the suffix.
    Hash IRIs (the ontology's terms) are left to the page of the document they are part of."""
    for fmt in ("ttl", "html", "jsonld"):
        yield f"/void.{fmt}", VoidTask(fmt)
    runner = site.runner
    assert isinstance(runner, InProcess), "a static site runs its tasks in this process"
    listing = runner.run_now(ThingsUnder(site.paths.base))
    for iri in listing.body.decode("utf-8").splitlines():
        path = site.paths.path_of(iri)
        if path is None or "#" in path or path == "/":
            continue
        stem = path + "index" if path.endswith("/") else path
        for fmt in ("html", "ttl", "jsonld"):
            yield f"{stem}.{fmt}", ThingTask(iri, fmt, None, PAGE_CAP, site.paths.base)


@dataclass(frozen=True)
class ThingsUnder:
    """The IRIs under `prefix` the graph says something of, one a line, in order."""

    prefix: str

    def run(self, served: Served) -> Reply:
        query = """SELECT DISTINCT ?s ?prefix WHERE {
          ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?prefix))
        }"""
        found = served.engine.run(query, {"prefix": ox.Literal(self.prefix)})
        assert isinstance(found, Table)
        iris = sorted({row[0].value for row in found.rows if row[0] is not None})
        return Reply(200, "text/plain; charset=utf-8", "".join(f"{i}\n" for i in iris).encode())


def _thing_task(site: Site, path: str, accept: str | None) -> ThingTask:
    """The task for a path: the IRI it names, or, when it ends in a known suffix, the IRI
    without it (which of the two the graph has is known only where the graph is)."""
    iri = site.paths.iri_of(path)
    stem, dot, suffix = path.rpartition(".")
    by_suffix = (site.paths.iri_of(stem), suffix) if dot and suffix in SUFFIXES else None
    return ThingTask(iri, _negotiated(accept), by_suffix, PAGE_CAP, site.paths.base, path)


def _negotiated(accept: str | None) -> str | None:
    chosen = negotiation.choose(accept, OFFERS)
    return FORMAT_OF[chosen] if chosen else None


def _suffix_format(suffix: str | None) -> str | None:
    return suffix if suffix in ("ttl", "jsonld", "html") else None


def _void_format(request: Request) -> str | None:
    offers = [SUFFIXES["ttl"], SUFFIXES["html"], SUFFIXES["jsonld"]]
    chosen = negotiation.choose(request.headers.get("accept"), offers)
    return FORMAT_OF[chosen] if chosen else None


@dataclass(frozen=True)
class ThingTask:
    """The page of one thing. `fmt`: the negotiated format (None: the client accepts none of
    ours); `by_suffix`: the (IRI, format) the path names if its suffix is a format's, used
    when the whole path is not a thing's IRI; `path`: where it was asked for (None: /page)."""

    iri: str
    fmt: str | None
    by_suffix: tuple[str, str] | None
    cap: int
    base: str
    path: str | None = None

    def run(self, served: Served) -> Reply:
        if _exists(served, self.iri):
            if self.fmt is None:
                return Reply.not_acceptable(OFFERS)
            reply = self._represent(served, self.iri, self.fmt)
            if self.path is not None:  # negotiated at the thing's own path
                location = f"{self.path}.{self.fmt}"
                reply.headers |= {"Vary": "Accept", "Content-Location": location}
            return reply
        if self.by_suffix is not None:
            iri, fmt = self.by_suffix
            if _exists(served, iri):
                return self._represent(served, iri, fmt)
        return _not_found(self.fmt or "html", self.iri)

    def _represent(self, served: Served, iri: str, fmt: str) -> Reply:
        if fmt == "html":
            thing = read_thing(served.engine, iri, self.cap)
            context = thing_page(thing, Paths(self.base), served.catalogue)
            return html.page("thing.html", **context)
        return rdf_reply(served, iri, fmt, self.cap)


def _exists(served: Served, iri: str) -> bool:
    """The graph says something of `iri`, or points at it (a web source no group describes
    has a page too). A path that is no IRI at all (spaces, `<`) names nothing."""
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return False
    if statements_about(served.engine, node, 1)[0]:
        return True
    rows = served.engine.solutions("SELECT ?o WHERE { ?s ?p ?o } LIMIT 1", ASSERTED, {"o": node})
    return any(True for _ in rows)


def rdf_reply(served: Served, iri: str, fmt: str, cap: int) -> Reply:
    """The thing's triples as subject (asserted and inferred, with its blank nodes' triples:
    the quote of a statement group), at most `cap` of them, as `fmt`."""
    statements, more = statements_about(served.engine, ox.NamedNode(iri), cap)
    quads: list[Quad] = []
    pending = statements
    for _ in range(3):  # blank nodes, as deep as a group's quote and its selector
        quads += [(s.subject, s.predicate, s.object, None) for s in pending]
        blanks = [s.object for s in pending if isinstance(s.object, ox.BlankNode)]
        pending = [t for b in blanks for t in statements_about(served.engine, b, cap)[0]]
    media = formats.by_name(fmt, "graph").media_type
    headers = {"X-Clusterkg-Truncated": "true"} if more else {}
    return Reply(200, f"{media}; charset=utf-8", serialise(quads, fmt).encode(), headers)


@dataclass(frozen=True)
class VoidTask:
    """The VoID/DCAT description of the dataset served (asserted and inferred graphs)."""

    fmt: str

    def run(self, served: Served) -> Reply:
        engine = served.engine
        total = engine.count(ASSERTED) + engine.count(INFERRED)
        triples = describe(engine, total, inferred=True)
        if self.fmt == "html":
            rows = [(str(p.value), o) for _, p, o in triples]
            return html.page("void.html", rows=rows, turtle=serialise(_quads(triples), "ttl"))
        media = formats.by_name(self.fmt, "graph").media_type
        return Reply(200, f"{media}; charset=utf-8", serialise(_quads(triples), self.fmt).encode())


def _quads(triples: Iterable[tuple[ox.NamedNode, ox.NamedNode, object]]) -> list[Quad]:
    return [(s, p, o, None) for s, p, o in triples]  # type: ignore[misc]


def _not_found(fmt: str, iri: str) -> Reply:
    if fmt == "html":
        return html.page("not_found.html", 404, iri=iri, query="")
    return Reply.text(404, "not found: the graph has nothing about this IRI")
