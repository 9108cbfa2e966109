"""The server's default graph as a copy of the queried graphs (asserted + inferred), and the
small record graph that says whose copy it is.

Why: clusterkg's queries read asserted + inferred as their default graph and reach the statement
groups by GRAPH ?g. Oxigraph server follows the SPARQL Protocol strictly: a query sent with
default-graph-uri reaches no named graph unless each is listed by named-graph-uri, and at
thousands of statement groups listing them all is slow (1.2 s instead of 4 ms a query at 18 k
groups). With the copy in its default graph, the remote engine sends no dataset at all and the
server's own dataset is the local one (clusterkg.engine.remote, `default_is_copy`).

The copy REPLACES whatever the server's default graph held, so without --default-graph it is
only written where nothing is lost: on Oxigraph server (the only server known to need it) whose
default graph is empty or already holds this dataset's copy; else publish says how to have it.
With --no-default-graph an earlier copy of this dataset is removed (a copy left behind would go
stale). The record (DEFAULT_COPY_RECORD) names the graphs copied and the copy's digest: it loses
its digest before the copy changes and gets it back once the copy is complete, so an engine
never takes a half-written copy for the data.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pyoxigraph as ox

from clusterkg.engine.server_graphs import (
    COPY_DIGEST,
    COPY_OF,
    DEFAULT_COPY_RECORD,
    ServerGraphs,
)
from clusterkg.errors import RemoteError, first_line
from clusterkg.publishing.contents import Contents
from clusterkg.publishing.graph_store import N_TRIPLES, Body, GraphStore
from clusterkg.vocabulary import ASSERTED, INFERRED, RDFS

RECORD = ox.NamedNode(DEFAULT_COPY_RECORD)
COMMENT = (
    "the server's default graph holds a copy of the graphs this names (asserted and inferred "
    "triples), so that a query sent without a dataset reads them and reaches every graph by "
    "GRAPH; written by clusterkg publish"
)
HINT = (
    "hint: the server's default graph holds other triples, so it was left as it is; a query "
    "by --endpoint then lists every statement group as a named graph, which is slow on "
    "Oxigraph server with thousands of them: `publish --default-graph` replaces that default "
    "graph with a copy of clusterkg's triples"
)

REFUSED = (
    "published without the copy in the default graph: the server refused it (Virtuoso needs "
    "none: its GRAPH reaches every graph)"
)


@dataclass
class DefaultCopy:
    """The copy a publish keeps (or removes) in the server's default graph."""

    store: GraphStore
    graphs: ServerGraphs
    wanted: bool  # the copy is written by this publish
    ours: bool  # the record names this dataset's asserted graph: the default graph is its copy
    digest: str  # the digest the record holds ("" if none)
    empty: bool  # the default graph holds no triple (a copy emptied by hand is written again)
    hint: str | None = None

    @classmethod
    def decide(cls, store: GraphStore, graphs: ServerGraphs, option: bool | None) -> DefaultCopy:
        """Read the record and choose: `option` True/False as --default-graph/--no-default-graph
        said; None: only on Oxigraph server, and only over an empty default graph or this
        dataset's own copy."""
        ours, digest = _read_record(store.get(DEFAULT_COPY_RECORD), graphs)
        oxigraph, empty = _default_graph_probed(store) if option is not False else (False, True)
        hint = None
        wanted = option
        if wanted is None:
            wanted = oxigraph and (ours or empty)
            hint = HINT if oxigraph and not wanted else None
        return cls(store, graphs, wanted, ours, digest, empty, hint)

    def _kept(self, new_digest: str) -> bool:
        """The copy on the server is this dataset's, complete and up to date."""
        return self.ours and self.digest == new_digest and not self.empty

    def before_changes(self, new_digest: str) -> None:
        """Before any graph changes: a copy of this dataset that will change (or go) loses the
        digest in its record, so no engine reads it while it is stale."""
        if self.ours and self.digest and not (self.wanted and self._kept(new_digest)):
            self.store.put(DEFAULT_COPY_RECORD, [_record(self.graphs, "")])
        if self.wanted and not self._kept(new_digest):
            self._emptied_or_refused()

    def _emptied_or_refused(self) -> None:
        """The default graph emptied by a PUT with no body, before any large one: a server that
        has no default graph to write (Virtuoso) says so to a small request, where a refused
        300 MB body would leave the pooled connection out of step (its next answer a 501)."""
        try:
            _put_default(self.store, [])
        except RemoteError as error:
            if error.status is None:  # no answer: the publish stops there
                raise
            self.wanted = False
            self.hint = f"{REFUSED}: {first_line(error)[:300]}"

    def after_changes(self, contents: Contents, new_digest: str) -> str | None:
        """Once the asserted and inferred graphs are on the server: the copy written (if it
        changed) and its record completed, or an earlier copy of ours removed. What it did, for
        the summary."""
        if self.wanted:
            if self._kept(new_digest):
                return None
            body: list[bytes | memoryview] = list(contents.graph(ASSERTED))
            if contents.inferred:
                body += contents.graph(INFERRED)
            _put_default(self.store, body)
            self.store.put(DEFAULT_COPY_RECORD, [_record(self.graphs, new_digest)])
            return "the queried graphs copied to the default graph"
        if self.ours:
            _delete_default(self.store)
            self.store.delete(DEFAULT_COPY_RECORD)
            return "the default graph's copy removed"
        return None


def copy_digest(own: dict[str, str]) -> str:
    """The copy's digest: of the digests of the graphs copied (asserted, inferred if published),
    so it changes exactly when one of them does."""
    text = " ".join(f"{iri}={digest}" for iri, digest in sorted(own.items()))
    return hashlib.sha256(text.encode()).hexdigest()


def _read_record(triples: list[ox.Triple] | None, graphs: ServerGraphs) -> tuple[bool, str]:
    ours, digest = False, ""
    for t in triples or []:
        if t.subject != RECORD or not isinstance(t.object, ox.NamedNode | ox.Literal):
            continue
        if t.predicate.value == COPY_OF and t.object.value == graphs.asserted:
            ours = True
        elif t.predicate.value == COPY_DIGEST:
            digest = t.object.value
    return ours, digest


def _record(graphs: ServerGraphs, digest: str) -> bytes:
    """The record as N-Triples; without a digest while the copy is being rewritten."""
    triples = [
        ox.Triple(RECORD, ox.NamedNode(COPY_OF), ox.NamedNode(graphs.asserted)),
        ox.Triple(RECORD, ox.NamedNode(COPY_OF), ox.NamedNode(graphs.inferred)),
        ox.Triple(RECORD, ox.NamedNode(RDFS + "comment"), ox.Literal(COMMENT, language="en")),
    ]
    if digest:
        triples.append(ox.Triple(RECORD, ox.NamedNode(COPY_DIGEST), ox.Literal(digest)))
    out = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert out is not None
    return out


def _default_graph_probed(store: GraphStore) -> tuple[bool, bool]:
    """Whether the server is Oxigraph server (its Server header: the GETs before may all have
    been 404s) and its default graph is empty; only the answer's first bytes are read (it may
    hold millions of triples). A server that refuses the GET: neither."""
    try:
        with store.connection.stream(
            "GET", params={"default": ""}, headers={"Accept": N_TRIPLES}
        ) as reply:
            oxigraph = reply.headers.get("server", "").startswith("Oxigraph/")
            return oxigraph, not any(chunk.strip() for chunk in reply.iter_bytes())
    except RemoteError:
        return False, False


def _put_default(store: GraphStore, body: Body) -> None:
    """Replace the default graph (Graph Store Protocol `?default`), bulk-loaded on Oxigraph."""
    params = {"default": "", **({"no_transaction": ""} if store.oxigraph else {})}
    store.connection.request(
        "PUT",
        params=params,
        headers={
            "Content-Type": N_TRIPLES,
            "Content-Length": str(sum(len(chunk) for chunk in body)),
        },
        content=list(body),
    )


def _delete_default(store: GraphStore) -> None:
    try:
        store.connection.request("DELETE", params={"default": ""})
    except RemoteError as error:
        if error.status != 404:
            raise
