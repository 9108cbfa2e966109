"""Real SPARQL servers for the tests of the remote engine, publishing and remote validation:
started on 127.0.0.1 on a free port, in a scratch folder, stopped (and the folder removed) after.

- Oxigraph server: the `oxigraph` command of the PyPI package `oxigraph` (a dev dependency).
- Virtuoso 7: Debian's `virtuoso-opensource` (`virtuoso-t`), installed by .ci/install-virtuoso.

Use as context managers: `with oxigraph_server() as server: server.query_url …`. A test that
needs a server that is not installed skips with the reason, and fails instead under CI (where
.ci/run installs every server).
"""

from __future__ import annotations

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
    raise NotImplementedError(server.name)


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


def _wait_until_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            said = process.stderr.read().decode(errors="replace") if process.stderr else ""
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
