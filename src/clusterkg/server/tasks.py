"""What a request asks of the graph, and what it gets back.

A route turns a request into a `Task`: a small picklable object whose `run(served)` reads the
graph and returns a `Reply` (status, media type, body bytes, headers). Tasks run where the graph
is: in a worker process of the pool (clusterkg.server.pool) when serving, in this process when
writing the static site. The whole body is made before the status line is sent, so a query that
times out or fails midway never becomes a truncated 200.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Protocol

from clusterkg.engine import Engine
from clusterkg.inputs.bundle import Bundle
from clusterkg.queries.catalogue import Catalogue
from clusterkg.queries.resolve import Resolver
from clusterkg.queries.service import QueryService


@dataclass
class Reply:
    """An HTTP answer, whole: `body` is every byte of it."""

    status: int
    media_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def text(cls, status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
        return cls(status, "text/plain; charset=utf-8", f"{message}\n".encode(), headers or {})

    @classmethod
    def not_acceptable(cls, offered: Iterable[str]) -> Reply:
        """406: the client accepts none of the media types `offered` (listed for it)."""
        listed = ", ".join(offered)
        return cls.text(
            406, f"none of the formats accepted is offered; offered: {listed}", {"Vary": "Accept"}
        )


@dataclass
class Served:
    """The graph as a task reads it: the engine, the query service (names resolved as the CLI
    resolves them) and the bundle (ontology, shapes, stored queries)."""

    engine: Engine
    bundle: Bundle
    resolver: Resolver
    # the IRI base of the data's things, mapped onto the server's paths (see site.Paths)
    base: str

    @cached_property
    def catalogue(self) -> Catalogue:
        return Catalogue(self.bundle.query_folders)

    @cached_property
    def service(self) -> QueryService:
        return QueryService(self.engine, self.catalogue, self.resolver)


@dataclass(frozen=True)
class ServedStore:
    """Where a worker process finds the graph: a build-cache entry's read-only store and its
    name index (picklable: it is all a worker is told)."""

    store: Path
    names: Path | None
    bundle: Bundle
    base: str

    def open(self) -> Served:
        from clusterkg.engine import LocalEngine, LocalStore

        engine = LocalEngine(LocalStore.read_only(self.store))
        return Served(engine, self.bundle, Resolver.of_build(engine, self.names), self.base)


class Task(Protocol):
    """One request's work on the graph; picklable (it is sent to a worker process)."""

    def run(self, served: Served) -> Reply: ...
