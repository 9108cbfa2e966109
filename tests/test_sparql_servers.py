"""The real SPARQL servers of the tests (tests/sparql_servers.py) start, hold the bundled build
graph for graph as clusterkg built it, take updates and Graph Store requests with the
credentials they are said to need, and leave nothing running when stopped."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from sparql_servers import (
    SparqlServer,
    bundled_quads,
    load_quads,
    oxigraph_server,
    virtuoso_server,
)

pytestmark = pytest.mark.loopback

SERVERS: dict[str, Callable[[], AbstractContextManager[SparqlServer]]] = {
    "oxigraph": oxigraph_server,
    "virtuoso": virtuoso_server,
}
OURS = "https://w3id.org/clusterkg/"
TRIPLE = '<urn:a> <urn:b> "c"'
COUNT_PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def local_counts(quads: bytes) -> Counter[str]:
    store = ox.Store()
    store.load(quads, format=ox.RdfFormat.N_QUADS)
    return Counter(quad.graph_name.value for quad in store)


def server_counts(server: SparqlServer) -> Counter[str]:
    """Triples per graph of ours (Virtuoso keeps graphs of its own besides)."""
    reply = httpx.post(
        server.query_url,
        data={"query": COUNT_PER_GRAPH},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert reply.status_code == 200, reply.text
    return Counter(
        {
            row["g"]["value"]: int(row["n"]["value"])
            for row in reply.json()["results"]["bindings"]
            if row["g"]["value"].startswith(OURS)
        }
    )


def running_in(folder: Path) -> list[str]:
    """Command lines of processes that name the server's scratch folder (unique per start)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if entry.name.isdigit() and int(entry.name) != os.getpid() and str(folder) in command:
            found.append(command)
    return found


@pytest.mark.parametrize("name", SERVERS)
def test_server_holds_the_bundled_build_graph_for_graph(name: str) -> None:
    quads = bundled_quads()
    expected = local_counts(quads)
    assert len(expected) > 10 and all(graph.startswith(OURS) for graph in expected)
    with SERVERS[name]() as server:
        assert server_counts(server) == Counter()
        load_quads(server, quads)
        assert server_counts(server) == expected
        folder = server.folder
        assert running_in(folder)
    assert running_in(folder) == []
    assert not folder.exists()


@pytest.mark.parametrize("name", SERVERS)
def test_updates_and_graph_store_with_the_servers_credentials(name: str) -> None:
    with SERVERS[name]() as server:
        auth = httpx.DigestAuth(server.user, server.password) if server.user else None
        with httpx.Client(auth=auth, timeout=60) as client:
            put = client.put(
                server.store_url,
                params={"graph": f"{OURS}test/put"},
                content='<urn:a> <urn:b> "Rūta \\"quoted\\"" .\n'.encode(),
                headers={"Content-Type": "application/n-triples"},
            )
            assert put.status_code < 300, put.text
            update = client.post(
                server.update_url,
                data={"update": f"INSERT DATA {{ GRAPH <{OURS}test/update> {{ {TRIPLE} }} }}"},
            )
            assert update.status_code < 300, update.text
        assert server_counts(server) == Counter({f"{OURS}test/put": 1, f"{OURS}test/update": 1})
        if server.user:  # without them, the server refuses
            refused = httpx.put(
                server.store_url,
                params={"graph": f"{OURS}test/refused"},
                content=b"<urn:a> <urn:b> <urn:c> .\n",
                headers={"Content-Type": "application/n-triples"},
                timeout=60,
            )
            assert refused.status_code == 401
