"""Shared test fixtures: no network, and loaded graphs shared between CLI tests.

clusterkg must never reach outside the files it is given (no remote JSON-LD @context, no SERVICE,
LOAD or FROM <url>). Every test runs with Python's socket connections and name lookups replaced
by functions that fail the test; local (AF_UNIX) sockets are still allowed. (pyoxigraph's own
HTTP client is Rust code these guards cannot see; tests that could reach it use a URL that
pyoxigraph refuses to contact, such as port 9.)
"""

from __future__ import annotations

import hashlib
import os
import socket
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import rdflib.term

from clusterkg.inputs.bundle import bundled, expand_paths
from clusterkg.knowledge_graph import KnowledgeGraph
from clusterkg.validation.report import Report


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make any attempt to open a network connection fail the test.

    The attempt raises AssertionError and is also recorded, so the test fails even if the code
    under test swallows the exception (rdflib's parsers are wrapped in `except Exception`).
    """
    connect = socket.socket.connect
    connect_ex = socket.socket.connect_ex
    attempts: list[str] = []

    def refuse(what: str, address: Any) -> AssertionError:
        attempts.append(f"network access attempted: {what} {address!r}")
        return AssertionError(attempts[-1])

    def guarded_connect(self: socket.socket, address: Any) -> None:
        if self.family == getattr(socket, "AF_UNIX", None):
            return connect(self, address)
        raise refuse("socket.connect", address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> int:
        if self.family == getattr(socket, "AF_UNIX", None):
            return connect_ex(self, address)
        raise refuse("socket.connect_ex", address)

    def guarded_create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        raise refuse("socket.create_connection", address)

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        raise refuse("socket.getaddrinfo", host)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    monkeypatch.setattr(socket, "create_connection", guarded_create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    yield
    if attempts:
        pytest.fail("; ".join(attempts))


@pytest.fixture(autouse=True, scope="session")
def private_build_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """CLI runs (in process and in subprocesses) keep their builds in a folder of this session,
    never in the user's ~/.cache."""
    root = tmp_path_factory.mktemp("build-cache")
    saved = os.environ.get("CLUSTERKG_CACHE_DIR")
    os.environ["CLUSTERKG_CACHE_DIR"] = str(root)
    yield root
    if saved is None:
        del os.environ["CLUSTERKG_CACHE_DIR"]
    else:
        os.environ["CLUSTERKG_CACHE_DIR"] = saved


@pytest.fixture(autouse=True)
def restore_rdflib_literal_conversions() -> Iterator[None]:
    """Undo owlrl's process-wide change to rdflib's literal converters after each test.

    owlrl's reasoner installs its own lexical-to-Python converters for the whole process and
    leaves some in place (its gMonth converter rejects the valid "--05"); restoring them keeps
    the tests independent of their order. Whether clusterkg itself copes is checked by
    test_cli.py::test_commands_run_one_after_another_in_one_process.
    """
    saved = dict(rdflib.term._toPythonMapping)
    yield
    rdflib.term._toPythonMapping.clear()
    rdflib.term._toPythonMapping.update(saved)


# --- sharing loaded graphs between tests ---------------------------------------------------------
# Reasoning (~3 s) and SHACL validation (~6 s) dominate the run time. With `shared_graphs`, a graph
# is loaded, reasoned over and validated once per set of input files (keyed by their content).

_GRAPHS: dict[tuple[Any, ...], KnowledgeGraph] = {}
_REPORTS: dict[int, Report] = {}
_ORIGINAL_LOAD = KnowledgeGraph.load.__func__  # type: ignore[attr-defined]
_ORIGINAL_VALIDATE = KnowledgeGraph.validate


def _content_key(data: Sequence[Path | str] | None, profile: str) -> tuple[Any, ...] | None:
    try:
        files = expand_paths([Path(p) for p in data]) if data else bundled().data
    except Exception:
        return None  # let the real load report the problem
    digests = tuple((str(f), hashlib.sha256(f.read_bytes()).hexdigest()) for f in files)
    return (tuple(str(p) for p in data or ()), digests, profile)


@pytest.fixture
def shared_graphs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reuse the graph (with its reasoning and validation) loaded from the same input files."""

    def load(
        cls: type[KnowledgeGraph],
        data: Sequence[Path | str] | None = None,
        profile: str = "owlrl",
        bundle: Any = None,
        cache: Any = None,
        reasoner: str = "auto",
        keep_ill_typed: bool = False,
        reads_every_triple: bool = False,
    ) -> KnowledgeGraph:
        key = _content_key(data, profile) if bundle is None else None
        args = (cls, data, profile, bundle, cache, reasoner, keep_ill_typed, reads_every_triple)
        if key is None:
            return _ORIGINAL_LOAD(*args)  # type: ignore[no-any-return]
        key = (*key, reasoner, keep_ill_typed)
        if key not in _GRAPHS:
            _GRAPHS[key] = _ORIGINAL_LOAD(*args)
        return _GRAPHS[key]

    def validate(self: KnowledgeGraph) -> Report:
        if not any(graph is self for graph in _GRAPHS.values()):
            return _ORIGINAL_VALIDATE(self)
        if id(self) not in _REPORTS:
            _REPORTS[id(self)] = _ORIGINAL_VALIDATE(self)
        return _REPORTS[id(self)]

    monkeypatch.setattr(KnowledgeGraph, "load", classmethod(load))
    monkeypatch.setattr(KnowledgeGraph, "validate", validate)


# --- the W3C SHACL suite's pass count ------------------------------------------------------------


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print "W3C SHACL: N/M passed, K listed divergences" after a run that included the suite."""
    runs = [
        report
        for outcome in ("passed", "failed", "error")
        for report in terminalreporter.stats.get(outcome, [])
        if report.when == "call" and "test_w3c_shacl.py::test_w3c_shacl[" in report.nodeid
    ]
    if not runs:
        return
    diverged = sum(any(k == "w3c_divergence" for k, _ in r.user_properties) for r in runs)
    passed = sum(r.passed for r in runs) - diverged
    terminalreporter.write_line(
        f"W3C SHACL: {passed}/{len(runs)} passed, {diverged} listed divergences"
    )
