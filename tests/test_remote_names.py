"""Names resolved on a server (RemoteNames) exactly as locally (MemoryNames), on Oxigraph server
and Virtuoso: every name of the bundled graph, typed as written, lower-cased without accents and
as one of its words, finds the same things (or the same near names) remotely as locally."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import pyoxigraph as ox
import pytest
from sparql_servers import SparqlServer, load_quads, oxigraph_server, virtuoso_server

from clusterkg import KnowledgeGraph
from clusterkg.engine.connection import Connection
from clusterkg.engine.remote import RemoteEngine
from clusterkg.queries.names import ANY, MemoryNames, normalise, scan
from clusterkg.queries.remote_names import RemoteNames, pattern
from clusterkg.queries.resolve import Resolver

SERVERS: dict[str, Callable[[], AbstractContextManager[SparqlServer]]] = {
    "oxigraph": oxigraph_server,
    "virtuoso": virtuoso_server,
}
# Any thing; one kind of several classes; one whose names are short words (a lookup per kind
# and name on two servers: the other kinds only take other classes in the same query).
KINDS = [ANY, "organisation", "sector"]


@pytest.fixture(scope="module")
def local() -> KnowledgeGraph:
    return KnowledgeGraph.load(cache=None).with_closure()


@pytest.fixture(scope="module", params=list(SERVERS))
def remote(request: pytest.FixtureRequest, local: KnowledgeGraph) -> Iterator[RemoteEngine]:
    dump = local.built.store.dump(format=ox.RdfFormat.N_QUADS)
    assert isinstance(dump, bytes)
    with SERVERS[request.param]() as server:
        load_quads(server, dump)
        with Connection(server.query_url) as connection:
            yield RemoteEngine(connection)


def typed_forms(local: KnowledgeGraph) -> list[str]:
    """Every name of the graph as written, normalised, and its first word; a few typos."""
    things = scan(local.engine)
    forms = set(things.display.values())
    for keys in things.keys.values():
        for key in keys:
            forms.add(key)
            forms.update(key.split()[:1])
    return [*sorted(forms), "Rutta", "Smart Fod Cluster", "litekk", "zzz nothing", "", "!!"]


def test_every_name_matches_the_pattern_of_its_words(local: KnowledgeGraph) -> None:
    """The server-side filter keeps every name it must (Python's re reads it as XPath does)."""
    things = scan(local.engine)
    for name in things.display.values():
        for word in normalise(name).split():
            assert re.search(pattern(word), name), (word, name)
    assert not re.search(pattern("ruta"), "Rita")


@pytest.mark.loopback
def test_names_resolve_remotely_as_locally(local: KnowledgeGraph, remote: RemoteEngine) -> None:
    here = Resolver(local.engine, MemoryNames(local.engine))
    there = Resolver(remote, RemoteNames(remote))
    forms = typed_forms(local)
    assert len(forms) > 100
    differ = [
        (kind, typed)
        for kind in KINDS
        for typed in forms
        if there.matches(kind, typed) != here.matches(kind, typed)
    ]
    assert differ == []
