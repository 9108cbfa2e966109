"""A publish, step by step, in the order that keeps a half-done one detectable.

A server has no transaction across Graph Store requests, so the order is chosen for what an
interruption leaves: the previous description is read first (what the server holds), a pending
description is written before any statement group changes (every group about to be written is
listed, without a digest), then the groups, the inferred graph, the asserted graph, and the
complete description last. Until that last request the description does not match the data: a
failure says which graphs were replaced before it, and publishing again finishes the work.

Without --with-inferred, an inferred graph an earlier publish left is deleted: stale inferences
would be wrong answers to the stored queries.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pyoxigraph as ox

from clusterkg.engine import Engine
from clusterkg.engine.server_graphs import ServerGraphs
from clusterkg.errors import RemoteError
from clusterkg.progress import step
from clusterkg.publishing.contents import Contents, triple_count
from clusterkg.publishing.default_graph import DefaultCopy, copy_digest
from clusterkg.publishing.graph_store import GraphStore
from clusterkg.publishing.record import Record, described
from clusterkg.vocabulary import ASSERTED, INFERRED

# New statement groups go to Oxigraph server in N-Quads bodies of about this size.
BATCH_BYTES = 32 * 1024 * 1024


@dataclass
class Summary:
    """What a publish did: graphs and triples on the server, groups sent, kept and deleted."""

    url: str
    graphs: int = 0
    triples: int = 0
    sent: int = 0
    unchanged: int = 0
    deleted: int = 0
    seconds: float = 0.0
    replaced: list[str] = field(default_factory=list)  # in order, for a failure's message
    hint: str | None = None  # a note on the default graph's copy (publishing.default_graph)
    copy: str | None = None  # what this publish did to the default graph's copy, if anything

    def line(self) -> str:
        return (
            f"published {self.graphs:,} graphs ({self.triples:,} triples) to {self.url} in "
            f"{self.seconds:.1f} s: {self.sent:,} statement groups sent, {self.unchanged:,} "
            f"unchanged, {self.deleted:,} deleted" + (f"; {self.copy}" if self.copy else "")
        )


def publish(
    engine: Engine,
    url: str,
    graphs: ServerGraphs,
    inferred: bool,
    timeout: float | None = None,
    default_graph: bool | None = None,
) -> Summary:
    """Replace clusterkg's graphs on the Graph Store endpoint `url` with the engine's;
    `default_graph`: the copy in the server's default graph (publishing.default_graph: None
    chooses)."""
    started = time.perf_counter()
    summary = Summary(url)
    store = GraphStore(url, timeout)
    try:
        with failure_said(summary):
            _publish(store, engine, graphs, inferred, summary, default_graph)
    finally:
        store.close()
    summary.seconds = time.perf_counter() - started
    return summary


@dataclass
class Plan:
    """What a publish changes: the digest of every graph it publishes (by server IRI), those
    whose digest differs from the earlier publish's, and the groups it published that are no
    longer in the data."""

    previous: Record
    current: dict[str, str]
    own: dict[str, str]  # the asserted and inferred graphs' digests
    changed: list[str]
    stale: list[str]

    @classmethod
    def of(cls, previous: Record, contents: Contents, own: dict[str, str]) -> Plan:
        current = {**contents.digests, **own}
        changed = [iri for iri, digest in current.items() if previous.digests.get(iri) != digest]
        stale = sorted(set(previous.digests) - set(current) - set(own))
        return cls(previous, current, own, changed, stale)

    def pending(self) -> dict[str, str]:
        """The digests a pending description lists: none for a graph about to be written, the
        earlier one for a stale group (still to be deleted)."""
        kept = {i: d if self.previous.digests.get(i) == d else "" for i, d in self.current.items()}
        return {**kept, **{iri: self.previous.digests[iri] for iri in self.stale}}

    def groups(self) -> list[str]:
        return [iri for iri in self.changed if iri not in self.own]


def _publish(
    store: GraphStore,
    engine: Engine,
    graphs: ServerGraphs,
    inferred: bool,
    summary: Summary,
    default_graph: bool | None = None,
) -> None:
    # A small request first: it learns the server's authentication challenge, so every large
    # body is sent once, and what kind of server it is.
    described_before = store.get(graphs.description)
    previous = Record.read(described_before)
    with step("Preparing the graphs"):
        contents = Contents(engine, inferred)
        own = {graphs.asserted: contents.digest_of(ASSERTED)}
        if inferred:
            own[graphs.inferred] = contents.digest_of(INFERRED)
    plan = Plan.of(previous, contents, own)
    copy = DefaultCopy.decide(store, graphs, default_graph)
    copy.before_changes(copy_digest(own))
    stale_groups = [iri for iri in plan.stale if iri != graphs.inferred]
    summary.unchanged = len(contents.digests) - len(plan.groups())
    counts = {graphs.asserted: engine.count(ASSERTED)}
    if inferred:
        counts[graphs.inferred] = engine.count(INFERRED)
    if plan.changed or plan.stale:
        pending = described(engine, graphs, counts, plan.pending(), pending=True)
        store.put(graphs.description, [contents.skolemised(pending)])
    known = set(previous.groups(graphs))
    _send_groups(store, contents, plan.groups(), known, summary)
    _delete_groups(store, stale_groups, summary)
    _replace_own_graphs(store, contents, graphs, plan, summary)
    copied = copy.after_changes(contents, copy_digest(own))
    if copied:
        summary.replaced.append(copied)
        summary.copy = copied
    summary.hint = copy.hint
    body = contents.skolemised(described(engine, graphs, counts, plan.current))
    if not _same_triples(body, described_before):  # Oxigraph server replaces 400 k in 30 s
        store.put(graphs.description, [body])
    summary.graphs = len(plan.current) + 1
    summary.triples = sum(counts.values()) + triple_count(body) + contents.group_triples


def _delete_groups(store: GraphStore, stale: list[str], summary: Summary) -> None:
    with step(f"Deleting {len(stale):,} statement groups no longer in the data") as progress:
        for done, iri in enumerate(stale):
            store.delete(iri)
            summary.deleted += 1
            progress.update(done + 1, len(stale))


def _replace_own_graphs(
    store: GraphStore, contents: Contents, graphs: ServerGraphs, plan: Plan, summary: Summary
) -> None:
    """The inferred graph (or, without it, an earlier publish's deleted: stale inferences are
    wrong answers), then the asserted graph; each only if it changed."""
    if graphs.inferred not in plan.own:
        store.delete(graphs.inferred)
    elif graphs.inferred in plan.changed:
        with step("Replacing the inferred graph"):
            store.put(graphs.inferred, contents.graph(INFERRED))
        summary.replaced.append("the inferred graph")
    if graphs.asserted in plan.changed:
        with step("Replacing the asserted graph"):
            store.put(graphs.asserted, contents.graph(ASSERTED))
        summary.replaced.append("the asserted graph")


def _same_triples(ntriples: bytes, triples: list[ox.Triple] | None) -> bool:
    return triples is not None and set(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)) == set(
        triples
    )


def _send_groups(
    store: GraphStore, contents: Contents, changed: list[str], known: set[str], summary: Summary
) -> None:
    """The statement groups that changed: a PUT each; on Oxigraph server the new ones (no
    earlier publish listed them, so the server has no such graph) in N-Quads batches."""
    batch: list[bytes] = []
    size = 0
    with step(f"Sending {len(changed):,} statement groups") as progress:
        for done, iri in enumerate(changed):
            ntriples = contents.group(iri)
            if store.oxigraph and iri not in known:
                batch.append(ntriples.replace(b" .\n", f" <{iri}> .\n".encode()))
                size += len(batch[-1])
                if size >= BATCH_BYTES:
                    store.add_quads(batch)
                    batch, size = [], 0
            else:
                store.put(iri, [ntriples])
            summary.sent += 1
            progress.update(done + 1, len(changed))
        if batch:
            store.add_quads(batch)
    if changed:
        summary.replaced.append(f"{len(changed):,} statement groups")


@contextmanager
def failure_said(summary: Summary) -> Iterator[None]:
    """A failure after some graphs were replaced says which, and how to finish."""
    try:
        yield
    except RemoteError as error:
        if not summary.replaced and not summary.sent and not summary.deleted:
            raise
        done = ", ".join(summary.replaced) or f"{summary.sent:,} statement groups"
        if summary.deleted:
            done += f"; {summary.deleted:,} stale groups deleted"
        stopped = RemoteError(
            f"publishing stopped part-way: {error}. Replaced before the failure: {done}. The "
            "server has no transaction across requests: its description graph does not match "
            "the data until a publish completes; publish again to finish"
        )
        stopped.status = error.status
        raise stopped from None
