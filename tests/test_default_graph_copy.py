"""The copy of the queried graphs in the server's default graph (clusterkg.publishing.
default_graph), against real servers on 127.0.0.1.

With the copy the remote engine sends no dataset at all; these tests tell the two ways apart by
answers, not by looking at requests: a triple put in the server's default graph by hand (not in
the asserted or inferred graph) is found only by a query sent without a dataset.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from sparql_servers import SparqlServer, oxigraph_server, virtuoso_server
from test_publish import credentials, two_files  # noqa: F401  (a fixture)
from test_query_portability import cases, comparable, concatenated

from clusterkg.engine import Table
from clusterkg.engine.connection import Connection
from clusterkg.engine.remote import RemoteEngine
from clusterkg.engine.server_graphs import COPY_OF, DEFAULT_COPY_RECORD, ServerGraphs
from clusterkg.knowledge_graph import KnowledgeGraph
from clusterkg.publishing.default_graph import HINT
from clusterkg.vocabulary import ASSERTED, QUERIED

pytestmark = pytest.mark.loopback

MARKER = "<urn:test:only-in-the-default-graph> <urn:test:p> <urn:test:o> .\n"
# A query with GRAPH (the engine sends a query without it with default-graph-uri, as before).
ONLY_IN_DEFAULT = (
    f"ASK {{ <urn:test:only-in-the-default-graph> ?p ?o GRAPH <{ASSERTED}> {{ ?s a ?type }} }}"
)


def publish(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "clusterkg", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONUTF8": "1", **(env or {})},
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture
def oxigraph() -> Iterator[SparqlServer]:
    with oxigraph_server() as server:
        yield server


def engine(server: SparqlServer, graph: str | None = None) -> RemoteEngine:
    """A fresh engine: it asks the server again whether the default graph is the copy."""
    return RemoteEngine(Connection(server.query_url), ServerGraphs.under(graph))


def add_to_default_graph(server: SparqlServer, ntriples: str) -> None:
    reply = httpx.post(
        server.store_url,
        params={"default": ""},
        content=ntriples.encode(),
        headers={"Content-Type": "application/n-triples"},
    )
    assert reply.status_code in (200, 201, 204), reply.text


def triples(server: SparqlServer, dataset: dict[str, list[str]]) -> set[ox.Triple]:
    """Every triple of the default graph of the dataset given (none given: the server's)."""
    reply = httpx.post(
        server.query_url,
        data={"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", **dataset},
        headers={"Accept": "application/n-triples"},
        timeout=120,
    )
    assert reply.status_code == 200, reply.text
    return set(ox.parse(reply.content, format=ox.RdfFormat.N_TRIPLES))


def server_default(server: SparqlServer) -> set[ox.Triple]:
    return triples(server, {})


def queried(server: SparqlServer) -> set[ox.Triple]:
    return triples(server, {"default-graph-uri": list(QUERIED)})


def all_rows(server: SparqlServer, kg: KnowledgeGraph) -> dict[str, object]:
    """Every stored query's rows with each of its examples, by a fresh engine."""
    remote = engine(server)
    rows: dict[str, object] = {}
    for label, case in cases(kg):
        if case.hostile:
            continue
        stored = kg.catalogue.get(case.query)
        table = remote.run(stored.text, dict(case.bindings))
        assert isinstance(table, Table)
        rows[label] = (table.variables, comparable(table, concatenated(stored.text)))
    return rows


def test_the_copy_gives_the_same_rows_as_the_dataset(oxigraph: SparqlServer) -> None:
    kg = KnowledgeGraph.load(cache=None).with_closure()
    publish("publish", oxigraph.store_url, "--with-inferred", "--no-default-graph")
    assert not engine(oxigraph).default_is_copy
    assert server_default(oxigraph) == set()
    without = all_rows(oxigraph, kg)
    publish("publish", oxigraph.store_url, "--with-inferred")
    assert engine(oxigraph).default_is_copy
    assert server_default(oxigraph) == queried(oxigraph)  # skolemised as the graphs: equal
    with_copy = all_rows(oxigraph, kg)
    assert sum(1 for _, rows in with_copy.values() if rows) >= 10  # type: ignore[misc]
    assert with_copy == without


def test_with_the_copy_the_engine_sends_no_dataset(oxigraph: SparqlServer) -> None:
    publish("publish", oxigraph.store_url, "--with-inferred")
    add_to_default_graph(oxigraph, MARKER)  # in the server's default graph, not in the data
    assert engine(oxigraph).run(ONLY_IN_DEFAULT).boolean is True  # type: ignore[union-attr]
    # a publish rewriting the copy takes the record's digest out: the copy is not read then
    record = f"<{DEFAULT_COPY_RECORD}> <{COPY_OF}> <{ASSERTED}> .\n"
    reply = httpx.put(
        oxigraph.store_url,
        params={"graph": DEFAULT_COPY_RECORD},
        content=record.encode(),
        headers={"Content-Type": "application/n-triples"},
    )
    assert reply.status_code in (200, 201, 204)
    pending = engine(oxigraph)
    assert not pending.default_is_copy
    assert pending.run(ONLY_IN_DEFAULT).boolean is False  # type: ignore[union-attr]


def test_without_the_copy_the_engine_sends_the_dataset(oxigraph: SparqlServer) -> None:
    publish("publish", oxigraph.store_url, "--with-inferred", "--no-default-graph")
    add_to_default_graph(oxigraph, MARKER)
    assert engine(oxigraph).run(ONLY_IN_DEFAULT).boolean is False  # type: ignore[union-attr]


def test_a_stale_copy_is_replaced_on_republish(oxigraph: SparqlServer, two_files: Path) -> None:  # noqa: F811
    publish("--data", str(two_files), "publish", oxigraph.store_url, "--with-inferred")
    assert any("teal" in str(t) for t in server_default(oxigraph))
    (two_files / "teal.trig").unlink()
    done = publish("--data", str(two_files), "publish", oxigraph.store_url, "--with-inferred")
    copy = server_default(oxigraph)
    assert copy == queried(oxigraph)
    assert not any("teal" in str(t) for t in copy), done.stderr
    assert engine(oxigraph).default_is_copy


def test_no_default_graph_removes_an_earlier_copy(oxigraph: SparqlServer) -> None:
    publish("publish", oxigraph.store_url)
    assert engine(oxigraph).default_is_copy
    assert server_default(oxigraph)
    publish("publish", oxigraph.store_url, "--no-default-graph")
    assert server_default(oxigraph) == set()
    assert not engine(oxigraph).default_is_copy


def test_a_default_graph_of_other_data_is_kept_unless_asked(oxigraph: SparqlServer) -> None:
    add_to_default_graph(oxigraph, MARKER)
    done = publish("publish", oxigraph.store_url)
    assert HINT in done.stderr
    assert server_default(oxigraph) == set(ox.parse(MARKER, format=ox.RdfFormat.N_TRIPLES))
    assert not engine(oxigraph).default_is_copy
    publish("publish", oxigraph.store_url, "--default-graph")
    assert server_default(oxigraph) == queried(oxigraph)
    assert engine(oxigraph).default_is_copy


def test_the_copy_of_another_dataset_is_not_read(oxigraph: SparqlServer) -> None:
    """One default graph per server: a dataset published under --graph A whose copy was
    replaced by dataset B's reads its own graphs again, by the dataset."""
    a, b = "https://example.org/a", "https://example.org/b"
    publish("publish", oxigraph.store_url, "--graph", a)
    assert engine(oxigraph, a).default_is_copy
    publish("publish", oxigraph.store_url, "--graph", b, "--default-graph")
    assert not engine(oxigraph, a).default_is_copy
    assert engine(oxigraph, b).default_is_copy


def test_virtuoso_refuses_a_default_graph_and_publish_says_so() -> None:
    """Virtuoso's Graph Store has no default graph to write (nor needs one: GRAPH ?g reaches
    every graph there): the publish completes without the copy and says so."""
    with virtuoso_server() as server:
        done = publish("publish", server.store_url, "--default-graph", env=credentials(server))
        assert "without the copy" in done.stderr, done.stderr
        assert not engine(server).default_is_copy


def test_a_copy_emptied_by_hand_is_written_again(oxigraph: SparqlServer) -> None:
    publish("publish", oxigraph.store_url)
    reply = httpx.delete(oxigraph.store_url, params={"default": ""})
    assert reply.status_code in (200, 204)
    assert server_default(oxigraph) == set()
    done = publish("publish", oxigraph.store_url)
    assert "copied to the default graph" in done.stderr, done.stderr
    assert server_default(oxigraph) == queried(oxigraph) != set()
