"""/sparql — the SPARQL 1.1 Protocol, read-only; its Service Description; the editor for browsers.

GET `?query=`, POST of a form and POST of the query itself (protocol_request.py reads them);
the answer by content negotiation among the formats of clusterkg.output.formats, made whole by a
task where the graph is (protocol_answer.py), so a query that fails or times out midway never
becomes a truncated 200. A GET without a query answers the Service Description
(service_description.py), or the query editor to a client that prefers HTML (a browser).

The dataset parameters (default-graph-uri, named-graph-uri) name graphs of the store, never
fetched. A graph the store lacks is an empty graph, not an error: the W3C protocol tests
(query_get, query_post_form, query_content_type_*) name a graph no server holds and expect an
answer, and SPARQL 1.1 Query §13 treats a dataset's graphs as given, not looked up.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from clusterkg.output import formats
from clusterkg.server import negotiation
from clusterkg.server.editor import editor_page
from clusterkg.server.html import HTML as HTML_MEDIA_TYPE
from clusterkg.server.protocol_answer import HTML, QueryTask
from clusterkg.server.protocol_request import Operation, Refused, read_operation
from clusterkg.server.service_description import DescribeService
from clusterkg.server.site import Site, respond
from clusterkg.server.tasks import Reply

ENDPOINT = "/sparql"
_HTML_TYPE = HTML_MEDIA_TYPE.split(";")[0]


def _offers(kind: formats.Kind, names: tuple[str, ...]) -> dict[str, str]:
    """Media type → format name, the default first."""
    return {formats.by_name(name, kind).media_type: name for name in names}


# SELECT/ASK: SPARQL JSON first (the default), then the other SPARQL results formats, the HTML
# table for browsers, and plain `application/json` for clients that ask for JSON by that name.
TABLE_FORMATS = ("json", "xml", "csv", "tsv")
TABLE_OFFERS = _offers("table", TABLE_FORMATS) | {_HTML_TYPE: HTML, "application/json": "json"}
# CONSTRUCT/DESCRIBE: Turtle first (the default).
GRAPH_FORMATS = ("ttl", "nt", "jsonld", "rdfxml")
GRAPH_OFFERS = _offers("graph", GRAPH_FORMATS) | {_HTML_TYPE: HTML}
# The service description: Turtle first; a browser (preferring HTML) gets the editor instead.
DESCRIPTION_OFFERS = _offers("graph", ("ttl", "jsonld", "rdfxml", "nt")) | {_HTML_TYPE: HTML}


def routes(site: Site) -> list[Route]:
    async def sparql(request: Request) -> Response:
        try:
            operation = await read_operation(request, site.max_body)
        except Refused as refused:
            return respond(Reply.text(refused.status, refused.message))
        accept = request.headers.get("accept")
        if operation is None:
            return await _description(site, request, accept)
        return respond(await _answer(site, operation, accept))

    return [Route(ENDPOINT, sparql, methods=["GET", "HEAD", "POST"])]


async def _answer(site: Site, operation: Operation, accept: str | None) -> Reply:
    table = _negotiated(accept, TABLE_OFFERS)
    graph = _negotiated(accept, GRAPH_OFFERS)
    if table is None and graph is None:
        return Reply.not_acceptable([*TABLE_OFFERS, *GRAPH_OFFERS])
    # at most one kind lacks a format: its offers are what a 406 for that kind lists
    lacking = TABLE_OFFERS if table is None else GRAPH_OFFERS
    task = QueryTask(
        operation.query,
        operation.graphs,
        operation.named,
        table,
        graph,
        _listed(list(lacking)),
        site.limits.max_rows,
        site.paths.base,
    )
    return await site.run_open_ended(task)


async def _description(site: Site, request: Request, accept: str | None) -> Response:
    fmt = _negotiated(accept, DESCRIPTION_OFFERS)
    if fmt is None:
        return respond(Reply.not_acceptable(DESCRIPTION_OFFERS))
    if fmt == HTML:
        return respond(editor_page(site))
    endpoint = str(request.url.replace(query="", fragment=""))
    task = DescribeService(endpoint, fmt, TABLE_FORMATS + GRAPH_FORMATS, site.limits.max_rows)
    return respond(await site.run(task))


def _negotiated(accept: str | None, offers: dict[str, str]) -> str | None:
    chosen = negotiation.choose(accept, list(offers))
    return None if chosen is None else offers[chosen]


def _listed(media_types: list[str]) -> str:
    return ", ".join(dict.fromkeys(media_types))


_VARY = {"Vary": "Accept"}
