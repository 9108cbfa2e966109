"""A SPARQL 1.1 Graph Store Protocol endpoint, as publishing uses it: read, replace and delete
one graph by `?graph=IRI` (indirect identification), through the pooled, authenticated
Connection.

Bodies go as lists of byte chunks with their length (no copy of a 300 MB dump, and a body httpx
can send again if an authentication challenge comes back). Oxigraph server, told apart by its
Server header, is sent its own bulk-load switches (`no_transaction`, `lenient`): measured here,
a 200 k-triple PUT took 13 s in a transaction and 2.2 s bulk-loaded; and it takes a whole set of
new statement groups as one N-Quads POST where any other server takes one PUT per group (about
1 ms each on Oxigraph server: 200 s for the 200 k groups of a 2 M-triple graph; 8 to 25 ms each
on Virtuoso).
"""

from __future__ import annotations

from collections.abc import Sequence

import httpx
import pyoxigraph as ox

from clusterkg.engine.connection import PASSWORD_VARIABLE, USER_VARIABLE, Connection
from clusterkg.errors import RemoteError

Body = Sequence[bytes | memoryview]
N_TRIPLES = "application/n-triples"
N_QUADS = "application/n-quads"
# What a server may answer a GET of a graph with, by preference.
ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
CREDENTIALS_HINT = (
    f"set {USER_VARIABLE} and {PASSWORD_VARIABLE} (or a netrc entry for the server's host) "
    "to a user allowed to write"
)
ENDPOINT_HINT = (
    "publish expects a SPARQL 1.1 Graph Store Protocol endpoint: Oxigraph server's is "
    "http://HOST:PORT/store, Virtuoso's http://HOST:PORT/sparql-graph-crud-auth"
)


class GraphStore:
    """One Graph Store endpoint; `oxigraph` is known after the first answer."""

    def __init__(self, url: str, timeout: float | None = None) -> None:
        self.url = url
        self.connection = Connection(url, timeout)
        self.oxigraph = False

    def get(self, graph: str) -> list[ox.Triple] | None:
        """The triples of one graph, None if the server has no such graph."""
        try:
            reply = self._send("GET", {"graph": graph}, headers={"Accept": ACCEPT})
        except RemoteError as error:
            if error.status == 404:
                return None
            if error.status == 400:  # an endpoint that does not know ?graph= (a query URL)
                said = RemoteError(f"{error} — {ENDPOINT_HINT}")
                said.status = error.status
                raise said from None
            raise
        media = reply.headers.get("content-type", "").split(";")[0].strip()
        fmt = ox.RdfFormat.from_media_type(media) if media else None
        if fmt is None or fmt.supports_datasets:
            raise RemoteError(
                f"{self.url} answered a GET of a graph with {media or 'no type'}, "
                f"not RDF: {ENDPOINT_HINT}"
            )
        try:
            return list(ox.parse(reply.content, format=fmt))
        except SyntaxError as error:
            raise RemoteError(
                f"{self.url} answered a GET of a graph with {media} that does not "
                f"parse ({error}): {ENDPOINT_HINT}"
            ) from None

    def put(self, graph: str, body: Body) -> None:
        """Replace one graph with the N-Triples `body` (created if it does not exist)."""
        self._send("PUT", {"graph": graph, **self._bulk()}, body, N_TRIPLES)

    def delete(self, graph: str) -> None:
        """Delete one graph; a graph the server does not have is already deleted."""
        try:
            self._send("DELETE", {"graph": graph})
        except RemoteError as error:
            if error.status != 404:
                raise

    def add_quads(self, body: Body) -> None:
        """Add N-Quads to their graphs in one request (Oxigraph server only: the protocol itself
        has no request for several graphs)."""
        assert self.oxigraph, "only Oxigraph server takes a dataset at its Graph Store endpoint"
        self._send("POST", self._bulk(), body, N_QUADS)

    def close(self) -> None:
        self.connection.close()

    def _bulk(self) -> dict[str, str]:
        # lenient: what is sent was written by Oxigraph's own serialiser, valid already
        return {"no_transaction": "", "lenient": ""} if self.oxigraph else {}

    def _send(
        self,
        method: str,
        params: dict[str, str],
        body: Body | None = None,
        media: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        headers = dict(headers or {})
        options: dict[str, object] = {"params": params, "headers": headers}
        if body is not None:
            headers["Content-Type"] = media or N_TRIPLES
            headers["Content-Length"] = str(sum(len(chunk) for chunk in body))
            options["content"] = list(body)
        try:
            reply = self.connection.request(method, **options)  # type: ignore[arg-type]
        except RemoteError as error:
            raise explained(error) from None
        self.oxigraph = reply.headers.get("server", "").startswith("Oxigraph/")
        return reply


def explained(error: RemoteError) -> RemoteError:
    """A server's refusal with what to do about it, for the statuses publishing meets."""
    hint = {
        401: CREDENTIALS_HINT,
        403: CREDENTIALS_HINT,
        404: ENDPOINT_HINT,
        405: ENDPOINT_HINT,
        413: "the server refused the body as too large: raise its request size limit",
    }.get(error.status or 0)
    if hint is None:
        return error
    said = RemoteError(f"{error} — {hint}")
    said.status = error.status
    return said
