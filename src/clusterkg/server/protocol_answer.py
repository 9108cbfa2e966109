"""A SPARQL query's whole answer, made where the graph is: the task a /sparql request becomes.

Which kind of answer a query gives (a table for SELECT/ASK, a graph for CONSTRUCT/DESCRIBE) is
known only once it runs, so the route negotiates a format of each kind and the task takes the
one that fits; a kind the client accepts no format of is answered 406 with what is offered.
The rows are capped at the site's limit with clusterkg.engine.limits' cap, and the cap's
cutting announced: `X-Clusterkg-Truncated: true`, and a visible notice on the HTML table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from clusterkg.engine import Answer, Term
from clusterkg.engine.limits import capped
from clusterkg.errors import ClusterKGError, QueryError, QueryTimeout
from clusterkg.output import formats
from clusterkg.output.display import plain
from clusterkg.output.tables import stream_answer
from clusterkg.server import html
from clusterkg.server.site import Paths
from clusterkg.server.tasks import Reply, Served

HTML = "html"  # the browser's table: a page of the server, not a format of the registry
TRUNCATED = "X-Clusterkg-Truncated"


@dataclass(frozen=True)
class QueryTask:
    """Run `query` over its dataset; answer in `table_format` or `graph_format` (format names
    of clusterkg.output.formats, or HTML; None: the client accepts no format of that kind)."""

    query: str
    graphs: tuple[str, ...] | None
    named: tuple[str, ...] | None
    table_format: str | None
    graph_format: str | None
    offered: str  # the media types offered, for a 406's message
    max_rows: int | None
    base: str

    def run(self, served: Served) -> Reply:
        try:
            # relative IRIs are read against the data's base: <id/cluster/fetek> is FETEK
            answer = served.engine.evaluate(
                self.query, None, self.graphs, self.named, base=self.base
            )
        except QueryError as error:
            return Reply.text(400, str(error))
        try:
            return self._answered(capped(answer, self.max_rows))
        except QueryTimeout as error:  # an engine that keeps its own deadline
            return Reply.text(503, str(error))
        except QueryError as error:  # Oxigraph evaluates lazily: errors come while reading
            return Reply.text(400, str(error))
        except ClusterKGError as error:  # the format cannot carry this answer (XML)
            return Reply.text(406, str(error))
        finally:
            answer.close()

    def _answered(self, answer: Answer) -> Reply:
        fmt = self.graph_format if answer.graph else self.table_format
        if fmt is None:
            kind = "a graph (CONSTRUCT/DESCRIBE)" if answer.graph else "a table (SELECT/ASK)"
            return Reply.text(
                406,
                f"this query's answer is {kind}, in none of the formats accepted; "
                f"offered: {self.offered}",
                {"Vary": "Accept"},
            )
        if fmt == HTML:
            return self._page(answer)
        body = "".join(stream_answer(answer, fmt)).encode("utf-8")
        media_type = formats.by_name(fmt, "graph" if answer.graph else "table").media_type
        return Reply(200, _with_charset(media_type), body, self._headers(answer))

    def _page(self, answer: Answer) -> Reply:
        """The answer as an HTML table, every value escaped by the template."""
        paths = Paths(self.base)
        rows = [[_cell(term, paths) for term in row] for page in answer.pages for row in page]
        return html.page(
            "sparql_results.html",
            headers=self._headers(answer),
            query=self.query,
            variables=answer.variables,
            rows=rows,
            boolean=answer.boolean,
            truncated=answer.truncated,
            max_rows=self.max_rows,
        )

    def _headers(self, answer: Answer) -> dict[str, str]:
        headers = {"Vary": "Accept"}
        if answer.truncated:
            headers[TRUNCATED] = "true"
        return headers


def _with_charset(media_type: str) -> str:
    """Text types say their charset (their default would be US-ASCII or ISO-8859-1); the
    others are UTF-8 by definition or say it themselves (XML)."""
    return f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type


def _cell(term: Term | None, paths: Paths) -> dict[str, Any]:
    """What the template shows of a term: its text, its full form, and a link for the IRIs
    this server has a page for (no other link: an IRI could be `javascript:`)."""
    if term is None:
        return {"text": "", "title": "", "href": None}
    href = paths.path_of(term.value) if isinstance(term, ox.NamedNode) else None
    return {"text": plain(term), "title": str(term), "href": href}
