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
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
import rdflib.term

from clusterkg.cli import cli
from clusterkg.cli.settings import Settings
from clusterkg.inputs.bundle import Bundle, bundled, expand_paths
from clusterkg.knowledge_graph import KnowledgeGraph
from clusterkg.validation.report import Report

LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def _loopback(address: Any) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    return (
        isinstance(host, (str, bytes))
        and (host.decode() if isinstance(host, bytes) else host) in LOOPBACK
    )


@pytest.fixture(autouse=True)
def no_network(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make any attempt to open a network connection fail the test.

    The attempt raises AssertionError and is also recorded, so the test fails even if the code
    under test swallows the exception (rdflib's parsers are wrapped in `except Exception`).
    A test marked `loopback` (a client of the project's own server) may reach 127.0.0.1 and
    ::1, nothing else.
    """
    allowed = _loopback if request.node.get_closest_marker("loopback") else (lambda _: False)
    connect = socket.socket.connect
    connect_ex = socket.socket.connect_ex
    create_connection = socket.create_connection
    getaddrinfo = socket.getaddrinfo
    attempts: list[str] = []

    def refuse(what: str, address: Any) -> AssertionError:
        attempts.append(f"network access attempted: {what} {address!r}")
        return AssertionError(attempts[-1])

    def guarded_connect(self: socket.socket, address: Any) -> None:
        if self.family == getattr(socket, "AF_UNIX", None) or allowed(address):
            return connect(self, address)
        raise refuse("socket.connect", address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> int:
        if self.family == getattr(socket, "AF_UNIX", None) or allowed(address):
            return connect_ex(self, address)
        raise refuse("socket.connect_ex", address)

    def guarded_create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        if allowed(address):
            return create_connection(address, *args, **kwargs)
        raise refuse("socket.create_connection", address)

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if allowed(host):
            return getaddrinfo(host, *args, **kwargs)
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
# is loaded, reasoned over and validated once per set of input files (keyed by their content): the
# CLI is given a loader that keeps the graphs it loads, through its Settings.

_GRAPHS: dict[tuple[Any, ...], KnowledgeGraph] = {}


class _SharedGraph(KnowledgeGraph):
    """A graph that tests share: validated once by each validator, its report reused."""

    @cached_property
    def _reports(self) -> dict[str, Report]:
        return {}

    def validate(self, validator: str = "auto") -> Report:
        if validator not in self._reports:
            self._reports[validator] = super().validate(validator)
        return self._reports[validator]


def _content_key(
    data: Sequence[Path] | None, profile: str, bundle: Bundle | None = None
) -> tuple[Any, ...] | None:
    try:
        files = expand_paths(list(data)) if data else (bundle or bundled()).data
    except Exception:
        return None
    digests = tuple((str(f), hashlib.sha256(f.read_bytes()).hexdigest()) for f in files)
    return (tuple(str(p) for p in data or ()), digests, profile)


def _load_shared(data: Sequence[Path] | None, **options: Any) -> KnowledgeGraph:
    """KnowledgeGraph.load, reusing the graph loaded earlier from the same inputs."""
    bundle = options.get("bundle")
    key = _content_key(data, options["profile"], bundle)
    if key is None:
        return KnowledgeGraph.load(data, **options)  # the real load reports the problem
    # a workspace's bundle adds its stored queries and shapes: part of what the graph is
    key = (*key, options["reasoner"], options["reader"], options["keep_ill_typed"], bundle)
    if key not in _GRAPHS:
        _GRAPHS[key] = _SharedGraph.load(data, **options)
    return _GRAPHS[key]


@pytest.fixture
def shared_graphs(monkeypatch: pytest.MonkeyPatch) -> None:
    """CLI commands run in process reuse the graph (with its reasoning and validation) loaded
    from the same input files: the loader is given as click's `obj` for every invocation (a
    default of the group's context_settings), as `CliRunner().invoke(cli, args, obj=...)` would."""
    monkeypatch.setitem(cli.context_settings, "obj", Settings(load=_load_shared))


# --- the W3C SHACL suite's pass count ------------------------------------------------------------


# (what the line says, the start of its tests' ids)
W3C_SUITES = [
    ("W3C SHACL", "test_w3c_shacl.py::test_w3c_shacl["),
    *(
        (f"W3C SPARQL {suite} [{target}]", f"test_w3c_{module}.py::test_w3c_{test}[{target}-")
        for suite, module, test in (
            ("Protocol", "protocol", "protocol"),
            ("Service Description", "protocol", "service_description"),
            ("result formats", "result_formats", "result_format"),
        )
        for target in ("clusterkg", "clusterkg_pool", "oxigraph")
    ),
]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print "W3C SHACL: N/M passed, K listed divergences" (and the same for each W3C SPARQL
    suite and server) after a run that included the suite."""
    reports = [
        report
        for outcome in ("passed", "failed", "error")
        for report in terminalreporter.stats.get(outcome, [])
        if report.when == "call"
    ]
    for label, prefix in W3C_SUITES:
        runs = [r for r in reports if prefix in r.nodeid]
        if not runs:
            continue
        # a listed divergence whose test failed counts as a failure, not as a divergence
        diverged = sum(
            r.passed and any(k == "w3c_divergence" for k, _ in r.user_properties) for r in runs
        )
        passed = sum(r.passed for r in runs) - diverged
        terminalreporter.write_line(
            f"{label}: {passed}/{len(runs)} passed, {diverged} listed divergences"
        )


@pytest.fixture
def in_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test runs in a folder of its own (reports name files relative to the current one)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
