"""The server's settings and its runner: what every route needs besides the request."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Protocol

import anyio.to_thread
from starlette.responses import Response

from clusterkg.engine.limits import Limits
from clusterkg.inputs.bundle import Bundle
from clusterkg.server.reply_cache import ReplyCache
from clusterkg.server.tasks import Reply, Served, Task

DEFAULT_BASE = "https://w3id.org/clusterkg/"


class Runner(Protocol):
    """Runs tasks where the graph is (clusterkg.server.pool.Pool: worker processes)."""

    async def run(self, task: Task, timeout: float | None) -> Reply:
        """The task's reply; past `timeout` seconds a 503 Reply that says so."""
        ...

    def close(self) -> None: ...


@dataclass
class InProcess:
    """Tasks run on a thread of this process: for the static site and for tests of pages.
    A timeout is not enforced (pyoxigraph cannot cancel a query; the pool kills workers)."""

    served: Served

    async def run(self, task: Task, timeout: float | None) -> Reply:
        return await anyio.to_thread.run_sync(task.run, self.served)

    def run_now(self, task: Task) -> Reply:
        return task.run(self.served)

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class Paths:
    """IRIs under `base` are served at the same path under the server's root:
    https://w3id.org/clusterkg/id/cluster/fetek ↔ /id/cluster/fetek."""

    base: str = DEFAULT_BASE

    def path_of(self, iri: str) -> str | None:
        """The server path of an IRI under the base (None: the IRI is not ours)."""
        if not iri.startswith(self.base):
            return None
        return "/" + iri[len(self.base) :]

    def iri_of(self, path: str) -> str:
        """The IRI a server path stands for."""
        return self.base + path.lstrip("/")


@dataclass
class Site:
    """What the routes share: the runner, the limits of every query, the IRI ↔ path mapping."""

    runner: Runner
    bundle: Bundle
    limits: Limits = field(default_factory=lambda: Limits(10.0, 10_000))
    paths: Paths = field(default_factory=Paths)
    # the largest request body read (a query, a form); beyond it: 413
    max_body: int = 1_000_000
    # how many ad-hoc SPARQL queries run at once (None: no bound): with the pool, every worker
    # but one, so runaway queries can take all but one worker and the stored queries and pages
    # are always answered
    open_ended_slots: int | None = None
    _open_ended: asyncio.Semaphore | None = field(default=None, init=False, repr=False)

    # answers kept for the life of the server (the graph does not change); None: none kept
    replies: ReplyCache | None = field(default_factory=ReplyCache)

    async def run(self, task: Task) -> Reply:
        """The task's reply: the one kept from an earlier identical request, or the runner's."""
        kept = self._kept(task)
        return kept if kept is not None else self._keep(task, await self._run(task))

    async def run_open_ended(self, task: Task) -> Reply:
        """An ad-hoc query's task: run when one of the open-ended slots is free; 503 "busy" if
        none comes free within the timeout."""
        kept = self._kept(task)
        if kept is not None:
            return kept
        if self.open_ended_slots is None:
            return self._keep(task, await self._run(task))
        if self._open_ended is None:
            self._open_ended = asyncio.Semaphore(self.open_ended_slots)
        try:
            await asyncio.wait_for(self._open_ended.acquire(), self.limits.timeout)
        except asyncio.TimeoutError:
            return Reply.text(
                503,
                f"busy: the {self.open_ended_slots} worker(s) open to ad-hoc queries stayed busy; "
                "stored queries and pages are answered meanwhile; try again shortly",
                {"Retry-After": "1"},
            )
        try:
            return self._keep(task, await self._run(task))
        finally:
            self._open_ended.release()

    async def _run(self, task: Task) -> Reply:
        return await self.runner.run(task, self.limits.timeout)

    def _kept(self, task: Task) -> Reply | None:
        return self.replies.get(task) if self.replies is not None else None

    def _keep(self, task: Task, reply: Reply) -> Reply:
        if self.replies is not None:
            self.replies.keep(task, reply)
        return reply


def respond(reply: Reply) -> Response:
    """A task's Reply as Starlette's Response (every byte made before the status is sent)."""
    return Response(reply.body, reply.status, reply.headers, reply.media_type)
