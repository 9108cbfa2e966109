"""The W3C SPARQL 1.1 suites' harness: where the suites are, the servers they run against, and
how an answer is compared with the suite's expected one.

A target is a real SPARQL server listening on 127.0.0.1, started for one test over exactly that
test's data and stopped after it; the tests talk to it over real HTTP (httpx):

- `clusterkg`: the Starlette application of `clusterkg serve` (create_app over an in-process
  runner) served by uvicorn on a thread, over a pyoxigraph store filled with the test's data;
- `clusterkg_pool`: the same with the runner `clusterkg serve` uses, worker processes
  (clusterkg.server.pool) over the data in a store on disk, opened read-only; one server per
  dataset for the session (a pool takes a second to start; its store cannot change);
- `oxigraph`: Oxigraph's own server (`oxigraph serve`, the PyPI package `oxigraph`) in a
  subprocess, in memory, its data loaded through its Graph Store endpoint: a peer that shows the
  harness reads the suites right, and what another engine makes of the same tests.

The dataset of a test: each data file in a named graph (the protocol tests' ut:graphData names
them by rdfs:label), and the merge of all of them as the default graph — clusterkg's own model,
where the asserted graph holds again what the statement groups (named graphs) say. In clusterkg's
store the default graph is the asserted graph (vocabulary.ASSERTED), which a query without a
dataset sees.

The suites, unmodified, are beside the repository (`../shared/w3c/sparql11`, found by walking up
from this file), else in the repository's byte-identical copy (tests/w3c/sparql11). Without
either the tests are skipped, saying so; under CI (CI=true) they fail instead.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import httpx
import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD
from rdflib.term import Node

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from clusterkg.inputs.bundle import Bundle
    from clusterkg.server.site import Runner

HERE = Path(__file__).resolve().parent
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
# Protocol test requests address /sparql/ (the manifest's rdfs:comment): replaced by the target's
PROTOCOL_PREFIX = "/sparql/"


def _suite_folder() -> Path | None:
    """`shared/w3c/sparql11` in the nearest folder above this file that has one, else the
    repository's copy in tests/w3c."""
    for folder in HERE.parents:
        candidate = folder / "shared" / "w3c" / "sparql11"
        if candidate.is_dir():
            return candidate
    copy = HERE / "w3c" / "sparql11"
    return copy if copy.is_dir() else None


SUITE = _suite_folder()
MISSING_SUITE = (
    "the W3C SPARQL 1.1 test suites are not beside the repository (../shared/w3c/sparql11) "
    "nor in tests/w3c/sparql11"
)


def require_suite() -> Path:
    """The suites' folder; a visible skip without it, a failure under CI."""
    if SUITE is None:
        if os.environ.get("CI") == "true":
            pytest.fail(MISSING_SUITE)
        pytest.skip(MISSING_SUITE)
    return SUITE


# --- the data a test runs over ---------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    """Data files, each in the named graph its IRI names; all of them merged in the default
    graph too. `default_only`: files for the default graph alone (the result-format tests)."""

    named: tuple[tuple[str, Path], ...] = ()
    default_only: tuple[Path, ...] = ()

    def default_files(self) -> list[Path]:
        return [path for _, path in self.named] + list(self.default_only)


def _rdf_format(path: Path) -> ox.RdfFormat:
    return ox.RdfFormat.N_TRIPLES if path.suffix == ".nt" else ox.RdfFormat.TURTLE


# --- the servers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    """A running server: where to send queries and updates."""

    base: str  # http://127.0.0.1:PORT
    query_path: str
    update_path: str

    def url(self, path: str, update: bool = False) -> str:
        return self.base + (self.update_path if update else self.query_path) + path


class Target(Protocol):
    name: str

    def serving(self, dataset: Dataset) -> contextlib.AbstractContextManager[Endpoint]: ...


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Clusterkg:
    """`clusterkg serve`'s application over the dataset, uvicorn on a thread of this process.
    Its runner: in this process (`pool=False`: InProcess), or as `clusterkg serve` runs it, a
    pool of worker processes over the store on disk, opened read-only (clusterkg.server.pool)."""

    name = "clusterkg"

    def __init__(self, pool: bool = False) -> None:
        self.pool = pool
        # With the pool, one server per dataset serves every test over it until close(): its
        # store is opened read-only on disk, so no request can change what the next test sees,
        # and a pool takes about a second to start (a forkserver, then a worker).
        self._kept: dict[Dataset, Endpoint] = {}
        self._running = contextlib.ExitStack()

    @contextlib.contextmanager
    def serving(self, dataset: Dataset) -> Iterator[Endpoint]:
        if not self.pool:
            with self._started(dataset) as endpoint:
                yield endpoint
            return
        if dataset not in self._kept:
            self._kept[dataset] = self._running.enter_context(self._started(dataset))
        yield self._kept[dataset]

    def close(self) -> None:
        self._running.close()
        self._kept.clear()

    @contextlib.contextmanager
    def _started(self, dataset: Dataset) -> Iterator[Endpoint]:
        from clusterkg.inputs.bundle import bundled
        from clusterkg.server.app import create_app
        from clusterkg.server.site import Site

        bundle = bundled()
        with self._runner(dataset, bundle) as runner:
            app = create_app(Site(runner, bundle))
            with _uvicorn(app) as port:
                yield Endpoint(f"http://127.0.0.1:{port}", "/sparql", "/sparql")

    @contextlib.contextmanager
    def _runner(self, dataset: Dataset, bundle: Bundle) -> Iterator[Runner]:
        from clusterkg.engine import LocalEngine, LocalStore
        from clusterkg.queries.resolve import Resolver
        from clusterkg.server.pool import Pool
        from clusterkg.server.site import DEFAULT_BASE, InProcess
        from clusterkg.server.tasks import Served, ServedStore

        if not self.pool:
            engine = LocalEngine(LocalStore(_store(dataset)))
            yield InProcess(Served(engine, bundle, Resolver.of_build(engine, None), DEFAULT_BASE))
            return
        with tempfile.TemporaryDirectory(prefix="w3c-store-") as folder:
            on_disk = ox.Store(folder)
            _fill(on_disk, dataset)
            on_disk.flush()
            del on_disk  # closed: the workers open it read-only
            pool = Pool(ServedStore(Path(folder), None, bundle, DEFAULT_BASE), workers=1)
            try:
                yield pool
            finally:
                pool.close()


def _store(dataset: Dataset) -> ox.Store:
    store = ox.Store()
    _fill(store, dataset)
    return store


def _fill(store: ox.Store, dataset: Dataset) -> None:
    """Each named file in its graph, all of them in the asserted graph (clusterkg's default)."""
    from clusterkg.vocabulary import ASSERTED

    for iri, path in dataset.named:
        store.load(path=str(path), format=_rdf_format(path), to_graph=ox.NamedNode(iri))
    for path in dataset.default_files():
        store.load(path=str(path), format=_rdf_format(path), to_graph=ox.NamedNode(ASSERTED))


@contextlib.contextmanager
def _uvicorn(app: Starlette) -> Iterator[int]:
    """`app` served by uvicorn on a thread, on a free port of 127.0.0.1 (yielded)."""
    import uvicorn

    from clusterkg.server.listen import listen

    sock = listen("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)
        port: int = sock.getsockname()[1]
        yield port
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def oxigraph_command() -> str | None:
    """The `oxigraph` server command: beside this Python (a venv), else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


class Oxigraph:
    """Oxigraph's server (`oxigraph serve`, in memory) in a subprocess; data loaded over its
    Graph Store Protocol endpoint /store. Queries go to /query, updates to /update."""

    name = "oxigraph"

    def __init__(self, command: str) -> None:
        self.command = command

    @contextlib.contextmanager
    def serving(self, dataset: Dataset) -> Iterator[Endpoint]:
        port = free_port()
        process = subprocess.Popen(
            [self.command, "serve", "--bind", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=base, timeout=10) as client:
                _wait_until_answering(client, process)
                for iri, path in dataset.named:
                    _load(client, path, {"graph": iri})
                for path in dataset.default_files():
                    _load(client, path, {"default": ""})
            yield Endpoint(base, "/query", "/update")
        finally:
            process.terminate()
            process.wait(10)


def _wait_until_answering(client: httpx.Client, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 10
    while True:
        assert process.poll() is None, "oxigraph serve exited"
        try:
            client.get("/query", params={"query": "ASK {}"})
            return
        except httpx.TransportError:
            assert time.monotonic() < deadline, "oxigraph serve did not answer"
            time.sleep(0.02)


def _load(client: httpx.Client, path: Path, params: dict[str, str]) -> None:
    media = "application/n-triples" if path.suffix == ".nt" else "text/turtle"
    reply = client.post(
        "/store", params=params, content=path.read_bytes(), headers={"content-type": media}
    )
    assert reply.status_code < 300, reply.text


CLUSTERKG = Clusterkg()
CLUSTERKG_POOL = Clusterkg(pool=True)


def targets() -> list[object]:
    """The targets as pytest parameters: clusterkg (in process, and with its worker pool)
    always; Oxigraph if installed (a visible skip otherwise, a failure under CI: it is a dev
    dependency)."""
    command = oxigraph_command()
    if command is not None:
        oxigraph = pytest.param(Oxigraph(command), id="oxigraph")
    elif os.environ.get("CI") == "true":
        oxigraph = pytest.param(None, id="oxigraph")  # the test fails: see target fixture
    else:
        reason = "Oxigraph's server is not installed (pip install oxigraph): no peer to compare"
        oxigraph = pytest.param(None, id="oxigraph", marks=pytest.mark.skip(reason=reason))
    return [
        pytest.param(CLUSTERKG, id="clusterkg"),
        pytest.param(CLUSTERKG_POOL, id="clusterkg_pool"),
        oxigraph,
    ]


@pytest.fixture(scope="session", name="kept_servers")
def kept_servers_fixture() -> Iterator[None]:
    """The servers a target keeps between tests, stopped at the end of the session."""
    yield
    CLUSTERKG_POOL.close()


@pytest.fixture(params=targets(), name="target")
def target_fixture(request: pytest.FixtureRequest, kept_servers: None) -> Target:
    """The server a test runs against (a test module imports this fixture and the one above)."""
    if request.param is None:
        pytest.fail("Oxigraph's server (pip package `oxigraph`) is missing: CI installs it")
    found: Target = request.param
    return found


# --- answers, read and compared ---------------------------------------------------------------

TABLE_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
# The protocol tests' "RDF": "expect one of: RDF/XML, Turtle, N-Triples, RDFa"
RDF_TYPES = {
    "application/rdf+xml": "xml",
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "text/html": "html",
    "application/xhtml+xml": "html",
}
# What rdflib reads, for a service description (any RDF syntax will do there)
RDF_SYNTAXES = RDF_TYPES | {
    "application/n-quads": "nquads",
    "application/trig": "trig",
    "application/ld+json": "json-ld",
}


def media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip().lower()


def boolean_of(response: httpx.Response) -> bool:
    """The boolean of an ASK answer in SPARQL JSON or XML."""
    kind = TABLE_TYPES.get(media_type(response))
    if kind == "json":
        value = json.loads(response.content)["boolean"]
    elif kind == "xml":
        import xml.etree.ElementTree as ET

        found = ET.fromstring(response.content).find(
            "{http://www.w3.org/2005/sparql-results#}boolean"
        )
        assert found is not None and found.text is not None, response.text
        value = {"true": True, "false": False}[found.text.strip()]
    else:
        raise AssertionError(f"a boolean answer in {media_type(response)!r}")
    assert isinstance(value, bool)
    return value


def rdf_graph(response: httpx.Response, syntaxes: dict[str, str] = RDF_TYPES) -> Graph:
    """The graph an RDF answer holds (it must parse)."""
    syntax = syntaxes.get(media_type(response))
    assert syntax is not None, f"an RDF answer, not {media_type(response)!r}"
    graph = Graph()
    if syntax != "html":  # RDFa: rdflib has no reader since 7.0; the media type is checked
        with warnings.catch_warnings():  # rdflib's N-Quads reader uses its own deprecated API
            warnings.simplefilter("ignore", DeprecationWarning)
            graph.parse(data=response.content, format=syntax, publicID="http://example.org/")
    return graph


# A SELECT answer as (variables, rows); a row maps a variable to its term, unbound ones absent.
Row = dict[str, Node]


@dataclass
class Table:
    variables: list[str]
    rows: list[Row] = field(default_factory=list)


_XSD_STRING = str(XSD.string)


def _literal(value: str, datatype: str | None = None, language: str | None = None) -> Literal:
    """A literal, xsd:string as a simple literal (the same term in RDF 1.1), numbers by value."""
    if language:
        return Literal(value, lang=language)
    if datatype is None or datatype == _XSD_STRING:
        return Literal(value)
    return Literal(value, datatype=URIRef(datatype), normalize=_NUMBERS.__contains__(datatype))


_NUMBERS = {str(XSD[t]) for t in ("integer", "decimal", "double", "float")}


def table_of_json(data: bytes) -> Table:
    parsed = json.loads(data)
    table = Table(list(parsed["head"].get("vars", [])))
    for binding in parsed["results"]["bindings"]:
        table.rows.append({name: _json_term(term) for name, term in binding.items()})
    return table


def _json_term(term: dict[str, str]) -> Node:
    kind = term["type"]
    if kind == "uri":
        return URIRef(term["value"])
    if kind == "bnode":
        return BNode(term["value"])
    assert kind in ("literal", "typed-literal"), term
    return _literal(term["value"], term.get("datatype"), term.get("xml:lang"))


def table_of_csv(data: bytes) -> Table:
    """SPARQL 1.1 CSV: plain values (lexical forms, IRIs bare), `_:label` blank nodes, an empty
    field unbound. Values are compared as strings (CSV keeps no types), blank nodes as such."""
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    header, *lines = list(reader)
    table = Table(header)
    for line in lines:
        assert len(line) == len(header), line
        table.rows.append(
            {
                name: BNode(value[2:]) if value.startswith("_:") else Literal(value)
                for name, value in zip(header, line, strict=True)
                if value != ""
            }
        )
    return table


def table_of_tsv(data: bytes) -> Table:
    """SPARQL 1.1 TSV: `?var` headers, each value an RDF term in Turtle (SPARQL) syntax."""
    header, *lines = data.decode("utf-8").removesuffix("\n").split("\n")
    names = [name.removeprefix("?") for name in header.split("\t")]
    assert all(h.startswith("?") for h in header.split("\t")), header
    table = Table(names)
    for line in lines:
        cells = line.removesuffix("\r").split("\t")
        assert len(cells) == len(names), line
        table.rows.append(
            {name: _tsv_term(cell) for name, cell in zip(names, cells, strict=True) if cell}
        )
    return table


def _tsv_term(cell: str) -> Node:
    if cell.startswith("_:"):
        return BNode(cell[2:])
    # a Turtle object is read by rdflib; blank nodes are handled above so labels stay shared
    graph = Graph().parse(data=f"<urn:s> <urn:p> {cell} .", format="turtle")
    (value,) = list(graph.objects())
    if isinstance(value, Literal):
        datatype = str(value.datatype) if value.datatype else None
        return _literal(str(value), datatype, value.language)
    return value


def same_table(got: Table, expected: Table, ordered: bool, columns_in_order: bool = True) -> bool:
    """Same variables (in order if `columns_in_order`), and the same rows as a multiset (in
    order if `ordered`), blank nodes compared up to a renaming: each table becomes a graph (a
    row, a blank node; its bindings, triples; its position, a triple if ordered), and the graphs
    are compared by isomorphism."""
    if columns_in_order:
        same_variables = got.variables == expected.variables
    else:
        same_variables = sorted(got.variables) == sorted(expected.variables)
    return same_variables and isomorphic(_as_graph(got, ordered), _as_graph(expected, ordered))


_ROW = Namespace("urn:x-harness:")


def _as_graph(table: Table, ordered: bool) -> Graph:
    graph = Graph()
    for index, row in enumerate(table.rows):
        node = BNode()
        graph.add((node, _ROW.row, Literal(index if ordered else 0)))
        for name, term in row.items():
            graph.add((node, _ROW[name], term))
    return graph


def ordered_query(query: str) -> bool:
    """Whether the query orders its rows (the suite's queries put ORDER BY outside strings)."""
    return "ORDER BY" in " ".join(query.upper().split())


def star_query(query: str) -> bool:
    """Whether the query is SELECT *: the order of its variables is the engine's own (SPARQL
    1.1 Query §18.2.1 makes them the in-scope variables, in no stated order)."""
    return re.search(r"\bSELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?\*", query, re.IGNORECASE) is not None
