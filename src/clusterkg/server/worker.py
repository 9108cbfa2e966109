"""A worker process of the server's pool (clusterkg.server.pool): its whole life, the
forkserver it is forked from, and the messages it exchanges with the server.

A worker gives up the network, opens the build cache's store read-only, then answers tasks one at
a time until the server closes its end of their socket pair, or kills it. Every message either
way is a length (8 bytes) and a pickle: a Task to the worker, a Reply back; the first message a
worker sends says whether it is ready.
"""

from __future__ import annotations

import asyncio
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

import clusterkg.server
from clusterkg.engine.limits import _die_with
from clusterkg.engine.safety import isolate_from_network
from clusterkg.errors import first_line
from clusterkg.server.tasks import Reply, Served, ServedStore

log = logging.getLogger("clusterkg.server")

FAILED = "internal error: the server failed to answer this request"
READY = "ready"

_HEADER = struct.Struct("!Q")


def work(store: ServedStore, channel: socket.socket) -> None:
    """A worker's whole life: give up the network, open the store, say it is ready (and
    whether it is cut off from the network), then answer tasks until the server closes its end."""
    # Ctrl-C reaches the whole process group; the server handles it and stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _let_go_of_forkserver()
    _die_with(os.getppid())  # the forkserver, which dies with the server
    isolated = isolate_from_network()  # while single-threaded: before the store starts threads
    try:
        served = store.open()
    except Exception as error:
        send(channel, pickle.dumps(("failed", first_line(error))))
        return
    send(channel, pickle.dumps((READY, isolated)))
    while (payload := receive(channel)) is not None:
        send(channel, answer(payload, served))


def _let_go_of_forkserver() -> None:
    """Close this worker's copy of the pipe whose end tells the forkserver that the server has
    gone. multiprocessing hands every child one; held here, a worker busy with a runaway query
    would keep the forkserver alive after the server's death, and so itself (it dies with the
    forkserver, its parent): an orphan running the query for ever."""
    from multiprocessing import forkserver as server

    alive = getattr(server._forkserver, "_forkserver_alive_fd", None)
    if alive is not None:
        with contextlib.suppress(OSError):
            os.close(alive)
        server._forkserver._forkserver_alive_fd = None  # type: ignore[attr-defined]


def answer(payload: bytes | bytearray, served: Served) -> bytes:
    """The pickled reply to one pickled task; a task that fails is answered 500, in one line
    that names nothing, its traceback going to the server's log (stderr)."""
    try:
        task = pickle.loads(payload)
        return pickle.dumps(task.run(served), pickle.HIGHEST_PROTOCOL)
    except Exception:
        log.exception("a task failed in a query worker")
        return pickle.dumps(Reply.text(500, FAILED), pickle.HIGHEST_PROTOCOL)


# --- the forkserver ---------------------------------------------------------------------------


def forkserver() -> multiprocessing.context.ForkServerContext:
    """multiprocessing's forkserver, with clusterkg's server modules imported in it once, so a
    worker forked from it starts in milliseconds. `__main__` too: multiprocessing runs the
    parent's main script in every child otherwise (for `clusterkg`, the whole CLI)."""
    context = multiprocessing.get_context("forkserver")
    server = [f"clusterkg.server.{m.name}" for m in pkgutil.iter_modules(clusterkg.server.__path__)]
    context.set_forkserver_preload(["__main__", "clusterkg.engine.local", *server])
    return context


def start_forkserver() -> None:
    """Start the forkserver now: it imports clusterkg on its own while the caller goes on (opens
    the build), so the first workers fork from it sooner."""
    from multiprocessing import forkserver as server

    forkserver()
    server.ensure_running()


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


forkserver_users = _Users()


def _stop_helpers() -> None:
    """multiprocessing offers no public way to stop them; its own tests use these."""
    from multiprocessing import forkserver, resource_tracker

    for helper in (forkserver._forkserver, resource_tracker._resource_tracker):
        stop = getattr(helper, "_stop", None)
        if stop is not None:
            with contextlib.suppress(OSError, ChildProcessError):
                stop()


# --- messages: a length, then a pickle --------------------------------------------------------


def framed(message: bytes) -> bytes:
    return _HEADER.pack(len(message)) + message


def send(channel: socket.socket, message: bytes) -> None:
    channel.sendall(framed(message))


def receive(channel: socket.socket) -> bytearray | None:
    """The next message, waiting for it; None if the other side closed between messages."""
    header = _read_exactly(channel, _HEADER.size)
    if header is None:
        return None
    (size,) = _HEADER.unpack(header)
    body = _read_exactly(channel, size)
    if body is None:
        raise EOFError("the other side closed mid-message")
    return body


async def received(loop: asyncio.AbstractEventLoop, channel: socket.socket) -> bytearray:
    """The next message, read on the event loop (`channel` is non-blocking); EOFError if the
    worker's end closed (it died)."""
    (size,) = _HEADER.unpack(await _read_exactly_async(loop, channel, _HEADER.size))
    return await _read_exactly_async(loop, channel, size)


async def _read_exactly_async(
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


def _read_exactly(channel: socket.socket, size: int) -> bytearray | None:
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
