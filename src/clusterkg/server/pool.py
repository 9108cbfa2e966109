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

Tasks and replies are pickled over a socket pair per worker, each message framed by its length;
the server reads replies on its event loop (no thread per worker) and never blocks on a worker.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import logging
import multiprocessing
import multiprocessing.context
import os
import pickle
import pkgutil
import signal
import socket
import struct
import threading
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from typing import Any

import clusterkg.server
from clusterkg.engine.limits import Limits, _die_with, timeout_error
from clusterkg.engine.safety import isolate_from_network
from clusterkg.errors import first_line
from clusterkg.server.tasks import Reply, Served, ServedStore, Task

log = logging.getLogger("clusterkg.server")

# A worker's store can take a while to open on a cold disk; past this it counts as failed.
READY_WITHIN = 60.0
# After a worker failed to start, the next attempt waits this long (no busy loop of failures).
RETRY_AFTER_FAILURE = 1.0
DIED = "internal error: the worker answering this request stopped unexpectedly; try again"
FAILED = "internal error: the server failed to answer this request"

_HEADER = struct.Struct("!Q")  # every message: its length, then its pickle


@dataclass(eq=False)
class _Worker:
    """The server's side of one worker process: the process and its end of the socket pair."""

    process: BaseProcess
    channel: socket.socket
    # whether the worker could give up the network (Linux with user namespaces allowed)
    isolated: bool = False

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

    def reap(self) -> None:
        """Wait for the killed process to be gone and let go of its descriptors. The forkserver,
        its parent, collects its exit status, so it leaves no zombie."""
        with contextlib.suppress(OSError, ValueError, AssertionError):
            self.process.join(5)
            self.process.close()
        self.channel.close()

    def how_it_ended(self) -> str:
        code = self.process.exitcode
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
        self._context = _forkserver()
        self._lock = threading.Lock()  # guards _live: workers start on threads
        self._live: set[_Worker] = set()
        self._dead: set[_Worker] = set()  # killed, not yet reaped
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
        _forkserver_users.enter()

    # --- what the server calls ------------------------------------------------------------

    async def run(self, task: Task, timeout: float | None) -> Reply:
        """The task's reply from a worker; 503 past `timeout` seconds on the graph (the worker
        killed and replaced), 503 when every worker stays busy, 500 if the worker died."""
        if self._closed:
            return Reply.text(503, "the server is stopping")
        self._attach()
        payload = pickle.dumps(task, pickle.HIGHEST_PROTOCOL)
        worker = await self._take(timeout)
        if worker is None:
            return self._busy(timeout)
        try:
            reply = await asyncio.wait_for(self._exchange(worker, payload), timeout)
        except asyncio.TimeoutError:
            assert timeout is not None
            self._replace(worker, "ran past its timeout")
            return Reply.text(503, str(timeout_error(Limits(timeout))))
        except (OSError, EOFError):
            self._replace(worker, "stopped unexpectedly", error=True)
            return Reply.text(500, DIED)
        except BaseException:  # cancelled mid-task: the worker's state is unknown
            self._replace(worker, "was left mid-task")
            raise
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
            worker.reap()
        for waiter in self._waiters:
            waiter.cancel()
        for job in self._background:
            with contextlib.suppress(RuntimeError):  # its loop may be closed already
                job.cancel()
        _forkserver_users.leave()

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
            return all(w.isolated for w in self._live if w.channel.gettimeout() == 0.0)

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
            waiter.cancel()
            raise
        if waiter.done() and not waiter.cancelled():
            return waiter.result()
        waiter.cancel()  # out of the line: _hand_over skips it
        return None

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
        await self._loop.sock_sendall(worker.channel, _HEADER.pack(len(payload)) + payload)
        reply = pickle.loads(await _read_message(self._loop, worker.channel))
        assert isinstance(reply, Reply)
        return reply

    # --- starting, replacing, stopping workers ----------------------------------------------

    def _start_worker(self) -> _Worker:
        """Start one worker and wait until it has opened the store (on a starter thread: the
        forkserver answers in milliseconds, but the first start waits for it to boot)."""
        ours, theirs = socket.socketpair()
        process = self._context.Process(
            target=_work, args=(self.store, theirs), daemon=True, name="clusterkg-worker"
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
            message = _read_message_blocking(ours)
            if message is None:
                raise EOFError("the worker stopped before it was ready")
            kind, content = pickle.loads(message)
            if kind != "ready":
                raise RuntimeError(content)
            worker.isolated = content
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
        """Kill `worker` (if it still runs) and start another in its place."""
        worker.kill()
        with self._lock:
            self._live.discard(worker)
            self._dead.add(worker)
        if error:
            log.error("a query worker %s (%s); starting another", why, worker.how_it_ended())
        self._start_another(dead=worker)

    def _start_another(self, dead: _Worker | None = None) -> None:
        if self._closed:
            return

        def start() -> _Worker:
            if dead is not None:
                dead.reap()
                with self._lock:
                    self._dead.discard(dead)
            return self._start_worker()

        try:
            starting = self._starter.submit(start)
        except RuntimeError:  # shut down meanwhile
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


# --- the forkserver ---------------------------------------------------------------------------


def _forkserver() -> multiprocessing.context.ForkServerContext:
    """multiprocessing's forkserver, with clusterkg's server modules imported in it once, so a
    worker forked from it starts in milliseconds. `__main__` too: multiprocessing runs the
    parent's main script in every child otherwise (for `clusterkg`, the whole CLI)."""
    context = multiprocessing.get_context("forkserver")
    server = [f"clusterkg.server.{m.name}" for m in pkgutil.iter_modules(clusterkg.server.__path__)]
    context.set_forkserver_preload(["__main__", "clusterkg.engine.local", *server])
    return context


class _Users:
    """The pools open in this process. The forkserver (and multiprocessing's resource tracker,
    which it starts) are stopped with the last pool, so a closed pool leaves no process behind;
    stopping the forkserver any earlier would kill the workers of a pool still open (it is their
    parent, and they die with it)."""

    def __init__(self) -> None:
        self._count = 0
        self._lock = threading.Lock()

    def enter(self) -> None:
        with self._lock:
            self._count += 1

    def leave(self) -> None:
        with self._lock:
            self._count -= 1
            if self._count == 0:
                _stop_helpers()


_forkserver_users = _Users()


def _stop_helpers() -> None:
    """multiprocessing offers no public way to stop them; its own tests use these."""
    from multiprocessing import forkserver, resource_tracker

    for helper in (forkserver._forkserver, resource_tracker._resource_tracker):
        stop = getattr(helper, "_stop", None)
        if stop is not None:
            with contextlib.suppress(OSError, ChildProcessError):
                stop()


# --- messages: a length, then a pickle --------------------------------------------------------


async def _read_message(loop: asyncio.AbstractEventLoop, channel: socket.socket) -> bytearray:
    (size,) = _HEADER.unpack(await _read_exactly(loop, channel, _HEADER.size))
    return await _read_exactly(loop, channel, size)


async def _read_exactly(
    loop: asyncio.AbstractEventLoop, channel: socket.socket, size: int
) -> bytearray:
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        read = await loop.sock_recv_into(channel, view[got:])
        if read == 0:
            raise EOFError("the worker closed its end")
        got += read
    return buffer


def _read_message_blocking(channel: socket.socket) -> bytearray | None:
    """The next message; None if the other side closed between messages."""
    header = _read_exactly_blocking(channel, _HEADER.size)
    if header is None:
        return None
    (size,) = _HEADER.unpack(header)
    body = _read_exactly_blocking(channel, size)
    if body is None:
        raise EOFError("the other side closed mid-message")
    return body


def _read_exactly_blocking(channel: socket.socket, size: int) -> bytearray | None:
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        read = channel.recv_into(view[got:])
        if read == 0:
            if got:
                raise EOFError("the other side closed mid-message")
            return None
        got += read
    return buffer


def _send_blocking(channel: socket.socket, message: bytes) -> None:
    channel.sendall(_HEADER.pack(len(message)) + message)


# --- the worker's side ------------------------------------------------------------------------


def _work(store: ServedStore, channel: socket.socket) -> None:
    """A worker's whole life: give up the network, open the store, then answer tasks until the
    server closes its end (or kills it)."""
    # Ctrl-C reaches the whole process group; the server handles it and stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with(os.getppid())  # the forkserver, which dies with the server
    isolated = isolate_from_network()  # while single-threaded: before the store starts threads
    try:
        served = store.open()
    except Exception as error:
        _send_blocking(channel, pickle.dumps(("failed", first_line(error))))
        return
    _send_blocking(channel, pickle.dumps(("ready", isolated)))
    while (payload := _read_message_blocking(channel)) is not None:
        _send_blocking(channel, _answer(payload, served))


def _answer(payload: bytes | bytearray, served: Served) -> bytes:
    """The pickled reply to one pickled task; a task that fails is answered 500, in one line
    that names nothing, its traceback going to the server's log (stderr)."""
    try:
        task = pickle.loads(payload)
        return pickle.dumps(task.run(served), pickle.HIGHEST_PROTOCOL)
    except Exception:
        log.exception("a task failed in a query worker")
        return pickle.dumps(Reply.text(500, FAILED), pickle.HIGHEST_PROTOCOL)
