"""Real SPARQL servers for the tests of the remote engine, publishing and remote validation:
started on 127.0.0.1 on a free port, in a scratch folder, stopped (and the folder removed) after.

- Oxigraph server: the `oxigraph` command of the PyPI package `oxigraph` (a dev dependency).
- Virtuoso 7: Debian's `virtuoso-opensource` (`virtuoso-t`, `isql-vt`), installed by
  .ci/install-virtuoso. Updates and the Graph Store need digest authentication: the server's
  `user` and `password` (Virtuoso's `dba`); reads on `query_url` are anonymous.

Use as context managers: `with oxigraph_server() as server: server.query_url …`. A test that
needs a server that is not installed skips with the reason, and fails instead under CI (where
.ci/run installs every server).
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

READY_SECONDS = 60


@dataclass(frozen=True)
class SparqlServer:
    """A running server: where to send queries, updates and Graph Store requests."""

    name: str
    query_url: str
    update_url: str
    store_url: str  # Graph Store Protocol endpoint (`?graph=IRI`)
    folder: Path
    # Who may update and use the Graph Store (None: anyone may, as on Oxigraph server). A
    # client gives them as CLUSTERKG_SPARQL_USER / CLUSTERKG_SPARQL_PASSWORD; Virtuoso asks
    # for them by a digest challenge.
    user: str | None = None
    password: str | None = None
    sql_port: int | None = None  # Virtuoso's SQL port (isql), where load_quads loads files


def load_quads(server: SparqlServer, quads: bytes) -> None:
    """Add N-Quads to the server's store, as a test's starting data (not how clusterkg
    publishes: that is `clusterkg publish`, through the Graph Store Protocol)."""
    if server.name == "oxigraph":
        reply = httpx.post(
            server.store_url,
            content=quads,
            headers={"Content-Type": "application/n-quads"},
            timeout=600,
        )
        assert reply.status_code < 300, reply.text
        return
    if server.name == "virtuoso":
        _virtuoso_bulk_load(server, quads)
        return
    raise NotImplementedError(server.name)


_load_numbers = itertools.count()


def _virtuoso_bulk_load(server: SparqlServer, quads: bytes) -> None:
    """Virtuoso's bulk loader: a file in a folder the server may read (DirsAllowed), registered
    with ld_dir and loaded by rdf_loader_run — 3 k quads in 0.1 s, where the Graph Store would
    take one request per graph. Each call gets its own file name, as the loader skips a file it
    has loaded once."""
    name = f"load-{next(_load_numbers)}.nq"
    (server.folder / name).write_bytes(quads)
    said = _isql(
        server,
        f"ld_dir('{server.folder}', '{name}', 'urn:clusterkg:test:no-graph');\n"
        "rdf_loader_run();\n"
        "checkpoint;\n"
        f"select ll_error from DB.DBA.load_list where ll_file like '%/{name}' "
        "and ll_error is not null;\n",
    )
    assert "0 Rows." in said and "Error" not in said, said


def _isql(server: SparqlServer, statements: str) -> str:
    """Run SQL statements (one a line) in the server with Virtuoso's isql; what it printed."""
    program = require("isql-vt", "Debian's virtuoso-opensource, installed by .ci/install-virtuoso")
    done = subprocess.run(
        [program, f"127.0.0.1:{server.sql_port}", str(server.user), str(server.password)],
        input=statements.encode(),
        capture_output=True,
        timeout=600,
        check=False,
    )
    said = (done.stdout + done.stderr).decode(errors="replace")
    assert done.returncode == 0, said
    return said


def bundled_quads() -> bytes:
    """The bundled graph as clusterkg builds it (asserted, inferred, statement groups), as
    N-Quads: what a test loads into a server to compare its answers with the local ones."""
    from clusterkg.knowledge_graph import KnowledgeGraph

    built = KnowledgeGraph.load(cache=None).with_closure().built
    dump = built.store.dump(format=ox.RdfFormat.N_QUADS)
    assert dump is not None
    return dump


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def require(program: str, why: str) -> str:
    """The path of `program`; skip the test (fail it under CI) when it is not installed."""
    found = shutil.which(program) or _beside_python(program)
    if found:
        return found
    message = f"{program} is not installed ({why})"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _beside_python(program: str) -> str | None:
    candidate = Path(sys.executable).parent / program
    return str(candidate) if candidate.exists() else None


@contextmanager
def oxigraph_server(read_only: bool = False) -> Iterator[SparqlServer]:
    """Oxigraph's own server over an empty on-disk store."""
    program = require("oxigraph", "the PyPI package oxigraph, a dev dependency")
    folder = Path(tempfile.mkdtemp(prefix="clusterkg-oxigraph-"))
    port = free_port()
    mode = "serve-read-only" if read_only else "serve"
    process = subprocess.Popen(
        [program, mode, "--location", str(folder / "store"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(f"{base}/query?query=ASK%7B%7D", process)
        yield SparqlServer("oxigraph", f"{base}/query", f"{base}/update", f"{base}/store", folder)
    finally:
        _stop(process)
        shutil.rmtree(folder, ignore_errors=True)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 8
; no automatic checkpoints: the database lives for one test run
CheckpointInterval = 0
CaseMode = 2
; the bulk loader reads files only from these folders
DirsAllowed = ., {folder}
; small for a shared 2-core machine: 10000 pages of 8 kB (80 MB) hold a few million triples
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
; one thread per query: with two, a query now and then stopped forever (no CPU, no answer)
ThreadsPerQuery = 1
AsyncQueueMaxThreads = 4
MaxQueryMem = 200M

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
MaxClientConnections = 8
ServerThreads = 8
Charset = UTF-8
EnabledDavVSP = 0

[SPARQL]
; the default (10000) cuts long answers short without saying so
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 600
MaxQueryCostEstimationTime = 0
"""

VIRTUOSO_DBA = ("dba", "dba")  # the user a fresh Virtuoso database is created with


@contextmanager
def virtuoso_server() -> Iterator[SparqlServer]:
    """Virtuoso 7 over a fresh database in a scratch folder (ready in about 3 s)."""
    program = require(
        "virtuoso-t", "Debian's virtuoso-opensource, installed by .ci/install-virtuoso"
    )
    require("isql-vt", "Debian's virtuoso-opensource, installed by .ci/install-virtuoso")
    folder = Path(tempfile.mkdtemp(prefix="clusterkg-virtuoso-"))
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(folder=folder, sql_port=sql_port, http_port=http_port))
    console = folder / "console.txt"  # a file, not a pipe: Virtuoso talks all along
    with console.open("wb") as output:
        process = subprocess.Popen(
            [program, "+foreground", "+configfile", str(ini)],
            cwd=folder,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{http_port}"
    user, password = VIRTUOSO_DBA
    try:
        _wait_until_ready(f"{base}/sparql?query=ASK%7B%7D", process, console)
        yield SparqlServer(
            "virtuoso",
            query_url=f"{base}/sparql",
            update_url=f"{base}/sparql-auth",  # /sparql refuses updates from anyone
            store_url=f"{base}/sparql-graph-crud-auth",
            folder=folder,
            user=user,
            password=password,
            sql_port=sql_port,
        )
    finally:
        _stop(process)
        shutil.rmtree(folder, ignore_errors=True)


def _wait_until_ready(
    url: str, process: subprocess.Popen[bytes], console: Path | None = None
) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = (
                console.read_bytes()
                if console
                else process.stderr.read()
                if process.stderr
                else b""
            )
            said = output.decode(errors="replace")
            raise AssertionError(f"the server stopped at start: {said[-2000:]}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"the server did not answer at {url} within {READY_SECONDS} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
