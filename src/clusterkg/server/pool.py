"""Worker processes that run the server's tasks, each task under its deadline.

pyoxigraph cannot cancel a query, so every task runs in a worker process holding the build
cache's store open read-only; a task still running at its deadline has its worker killed and
replaced. The request gets a 503 that says so, and the server and the other workers go on. A
worker that dies by itself (a crash, the kernel's OOM killer) gives its request a 500 and is
replaced too. A worker gives up the network first thing: it never needs it, unlike the server.

How workers start, measured on the 2 M-triple build (2 shared cores; to a worker ready to answer,
store opened): spawn 340 ms each (a new interpreter importing clusterkg); fork 32 ms, but from a
server whose RocksDB thread pool is running (the child has its memory but none of its threads, and
the store it opens finds a "running" pool with no thread in it); forkserver 49 ms, from a
single-threaded process that has imported clusterkg once (367 ms, once, while uvicorn starts).
So workers come from multiprocessing's forkserver, which forks nothing but itself: a runaway
query killed every 10 s costs ~50 ms of a core to replace, not a third of a second.

Requests beyond the number of workers wait their turn in one line, first come first served. The
timeout counts from when a worker takes the task (the time on the graph, as `--timeout` says):
counting the wait too would kill queries for a queue they did not cause, and under load kill
workers for nothing. The wait has its own bounds instead: a request waits at most as long as the
timeout for a worker, and at most `max_waiting` requests wait; beyond either it is answered 503
"busy" at once, with Retry-After.

Tasks and replies are pickled over a socket pair per worker (clusterkg.server.worker); the
server reads replies on its event loop (no thread per worker) and never blocks on a worker.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import logging
import os
import pickle
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from typing import Any

from clusterkg.engine.limits import Limits, timeout_error
from clusterkg.errors import first_line
from clusterkg.server.tasks import Reply, ServedStore, Task
from clusterkg.server.worker import (
    READY,
    forkserver,
    forkserver_users,
    framed,
    receive,
    received,
    work,
)

log = logging.getLogger("clusterkg.server")

# A worker's store can take a while to open on a cold disk; past this it counts as failed.
READY_WITHIN = 60.0
# After a worker failed to start, the next attempt waits this long (no busy loop of failures).
RETRY_AFTER_FAILURE = 1.0
DIED = "internal error: the worker answering this request stopped unexpectedly; try again"
STOPPING = "the server is stopping"


@dataclass(eq=False)
class _Worker:
    """The server's side of one worker process: the process and its end of the socket pair."""

    process: BaseProcess
    channel: socket.socket
    # whether the worker could give up the network (Linux with user namespaces allowed)
    isolated: bool = False
    # it has opened the store and said so
    ready: bool = False
    # its exit code once reaped (negative: the signal that ended it)
    exitcode: int | None = None

    @property
    def pid(self) -> int:
        assert self.process.pid is not None
        return self.process.pid

    def alive(self) -> bool:
        return self.process.is_alive()

    def kill(self) -> None:
        """SIGKILL now (a runaway query never returns to Python to hear anything gentler)."""
        with contextlib.suppress(OSError, ValueError, AttributeError):
            self.process.kill()

    def reap(self, close_channel: bool = True) -> None:
        """Wait for the killed process to be gone and let go of its descriptors. The forkserver,
        its parent, collects its exit status, so it leaves no zombie."""
        with contextlib.suppress(OSError, ValueError, AssertionError):
            self.process.join(5)
            self.exitcode = self.process.exitcode
            self.process.close()
        if close_channel:
            self.channel.close()

    def how_it_ended(self) -> str:
        """Once reaped: the way the process ended, for the log."""
        code = self.exitcode
        if code is None:
            return "still running"
        return f"killed by signal {-code}" if code < 0 else f"exit status {code}"


@dataclass
class Pool:
    """Runs tasks in `workers` worker processes over `store` (default: one per core); the Runner
    of clusterkg.server.site. Workers start at once, while the server starts; a request that
    arrives before one is ready waits for it."""

    store: ServedStore
    workers: int | None = None
    # requests that may wait for a worker at once; more are answered 503 at once
    max_waiting: int = 1000
    size: int = field(init=False)

    def __post_init__(self) -> None:
        self.size = self.workers or os.cpu_count() or 1
        self._context = forkserver()
        self._lock = threading.Lock()  # guards _live: workers start on threads
        self._live: set[_Worker] = set()
        self._dead: set[_Worker] = set()  # killed, not yet reaped
        self._asking: set[_Worker] = set()  # given a task, its reply awaited
        self._closed = False
        self._starter = concurrent.futures.ThreadPoolExecutor(
            max_workers=self.size, thread_name_prefix="clusterkg-worker-start"
        )
        self._starting = [self._starter.submit(self._start_worker) for _ in range(self.size)]
        # the event loop's side, set up on the first request (the loop does not exist yet)
        self._idle: collections.deque[_Worker] = collections.deque()
        self._waiters: collections.deque[asyncio.Future[_Worker]] = collections.deque()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._background: set[asyncio.Task[None]] = set()
        forkserver_users.enter()

    # --- what the server calls ------------------------------------------------------------

    async def run(self, task: Task, timeout: float | None) -> Reply:
        """The task's reply from a worker; 503 past `timeout` seconds on the graph (the worker
        killed and replaced), 503 when every worker stays busy, 500 if the worker died."""
        if self._closed:
            return Reply.text(503, STOPPING)
        self._attach()
        payload = pickle.dumps(task, pickle.HIGHEST_PROTOCOL)
        worker = await self._take(timeout)
        if worker is None:
            return self._busy(timeout)
        self._asking.add(worker)
        try:
            reply = await asyncio.wait_for(self._exchange(worker, payload), timeout)
        except asyncio.TimeoutError:
            assert timeout is not None
            self._replace(worker, "ran past its timeout")
            if self._closed:
                return Reply.text(503, STOPPING)
            return Reply.text(503, str(timeout_error(Limits(timeout))))
        except (OSError, EOFError):
            if self._closed:  # killed by close()
                worker.channel.close()
                return Reply.text(503, STOPPING)
            self._replace(worker, "stopped unexpectedly", error=True)
            return Reply.text(500, DIED)
        except BaseException:  # cancelled mid-task: the worker's state is unknown
            self._replace(worker, "was left mid-task")
            raise
        finally:
            self._asking.discard(worker)
        self._hand_over(worker)
        return reply

    def close(self) -> None:
        """Kill every worker and wait for them to be gone. Safe to call more than once."""
        if self._closed:
            return
        self._closed = True
        # Starters waiting for a worker to be ready see it die, and return.
        killed = self._kill_live()
        self._starter.shutdown(wait=True, cancel_futures=True)
        for worker in [*killed, *self._kill_live(), *self._dead]:
            # A reply awaited on the event loop ends when the killed worker's end closes; the
            # request closes its channel then (closed here, the loop would never hear of it).
            worker.reap(close_channel=worker not in self._asking)
        for waiter in self._waiters:
            waiter.cancel()
        for job in self._background:
            with contextlib.suppress(RuntimeError):  # its loop may be closed already
                job.cancel()
        forkserver_users.leave()

    def _busy(self, timeout: float | None) -> Reply:
        if len(self._waiters) >= self.max_waiting:
            why = f"{len(self._waiters)} requests are waiting for a worker already"
        elif timeout is not None:
            why = f"no worker (of {self.size}) came free within {timeout:g} s"
        else:
            why = "the server is stopping"
        return Reply.text(503, f"busy: {why}; try again shortly", {"Retry-After": "1"})

    @property
    def isolated(self) -> bool:
        """Whether every worker ready now has given up the network."""
        with self._lock:
            return all(w.isolated for w in self._live if w.ready)

    @property
    def pids(self) -> list[int]:
        """The process ids of the workers now alive or starting."""
        with self._lock:
            return sorted(w.pid for w in self._live)

    # --- the line of requests waiting for a worker ------------------------------------------

    def _attach(self) -> None:
        """Bind to the running event loop on the first request; workers started before it join
        the idle ones as they become ready."""
        if self._loop is not None:
            return
        self._loop = asyncio.get_running_loop()
        for starting in self._starting:
            self._in_background(self._admit(starting))

    async def _take(self, timeout: float | None) -> _Worker | None:
        """A ready worker, the longest-waiting request first; None if the line is full or no
        worker came free within `timeout` (a dead idle worker is replaced, not handed out)."""
        assert self._loop is not None
        deadline = None if timeout is None else self._loop.time() + timeout
        while True:
            if self._idle:
                worker = self._idle.popleft()
            else:
                if len(self._waiters) >= self.max_waiting:
                    return None
                remaining = None if deadline is None else max(0.0, deadline - self._loop.time())
                found = await self._wait_in_line(remaining)
                if found is None:
                    return None
                worker = found
            if worker.alive():
                return worker
            self._replace(worker, "had died while idle", error=True)

    async def _wait_in_line(self, timeout: float | None) -> _Worker | None:
        assert self._loop is not None
        waiter: asyncio.Future[_Worker] = self._loop.create_future()
        self._waiters.append(waiter)
        try:
            await asyncio.wait([waiter], timeout=timeout)
        except asyncio.CancelledError:
            # Given a worker in the instant the request was cancelled: it goes to the next in
            # line, never lost.
            if waiter.done() and not waiter.cancelled():
                self._hand_over(waiter.result())
            self._leave_line(waiter)
            raise
        if waiter.done() and not waiter.cancelled():
            return waiter.result()
        self._leave_line(waiter)
        return None

    def _leave_line(self, waiter: asyncio.Future[_Worker]) -> None:
        """Out of the line at once, so it no longer counts against `max_waiting`."""
        waiter.cancel()
        with contextlib.suppress(ValueError):  # handed a worker: popped already
            self._waiters.remove(waiter)

    def _hand_over(self, worker: _Worker) -> None:
        """A free worker goes to the first request still waiting, else joins the idle ones."""
        if self._closed:
            return
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        self._idle.append(worker)

    # --- one task's round trip ----------------------------------------------------------------

    async def _exchange(self, worker: _Worker, payload: bytes) -> Reply:
        assert self._loop is not None
        await self._loop.sock_sendall(worker.channel, framed(payload))
        reply = pickle.loads(await received(self._loop, worker.channel))
        assert isinstance(reply, Reply)
        return reply

    # --- starting, replacing, stopping workers ----------------------------------------------

    def _start_worker(self) -> _Worker:
        """Start one worker and wait until it has opened the store (on a starter thread: the
        forkserver answers in milliseconds, but the first start waits for it to boot)."""
        ours, theirs = socket.socketpair()
        process = self._context.Process(
            target=work, args=(self.store, theirs), daemon=True, name="clusterkg-worker"
        )
        with self._lock:
            if self._closed:
                ours.close()
                theirs.close()
                raise RuntimeError("the pool is closed")
            process.start()
            worker = _Worker(process, ours)
            self._live.add(worker)
        theirs.close()
        try:
            ours.settimeout(READY_WITHIN)
            message = receive(ours)
            if message is None:
                raise EOFError("the worker stopped before it was ready")
            kind, content = pickle.loads(message)
            if kind != READY:
                raise RuntimeError(content)
            worker.isolated = content
            worker.ready = True
            ours.setblocking(False)
        except BaseException as error:
            self._forget(worker)
            worker.kill()
            worker.reap()
            raise RuntimeError(f"{first_line(error)} ({worker.how_it_ended()})") from None
        if not worker.isolated:
            log.warning("a query worker could not give up the network (no user namespaces)")
        return worker

    async def _admit(self, starting: concurrent.futures.Future[_Worker]) -> None:
        """Make a starting worker available once it is ready; if it fails, start another."""
        try:
            worker = await asyncio.wrap_future(starting)
        except Exception as error:
            if self._closed:
                return
            log.error("a query worker failed to start: %s; trying again", error)
            await asyncio.sleep(RETRY_AFTER_FAILURE)
            self._start_another()
            return
        self._hand_over(worker)

    def _replace(self, worker: _Worker, why: str, error: bool = False) -> None:
        """Kill `worker` (if it still runs) and start another in its place; `error`: it was not
        killed by the pool, and the log says how it ended."""
        worker.kill()
        if self._closed:
            worker.channel.close()  # close() has reaped the process
            return
        with self._lock:
            self._live.discard(worker)
            self._dead.add(worker)

        def start() -> _Worker:
            worker.reap()  # on a starter thread: the forkserver reports the exit in a moment
            with self._lock:
                self._dead.discard(worker)
            if error:
                log.error("a query worker %s (%s); starting another", why, worker.how_it_ended())
            return self._start_worker()

        self._start_another(start)

    def _start_another(self, start: Callable[[], _Worker] | None = None) -> None:
        try:
            starting = self._starter.submit(start or self._start_worker)
        except RuntimeError:  # closed meanwhile
            return
        self._in_background(self._admit(starting))

    def _in_background(self, job: Any) -> None:
        assert self._loop is not None
        task = self._loop.create_task(job)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _forget(self, worker: _Worker) -> None:
        with self._lock:
            self._live.discard(worker)

    def _kill_live(self) -> list[_Worker]:
        with self._lock:
            workers = list(self._live)
            self._live.clear()
        for worker in workers:
            worker.kill()
        return workers
