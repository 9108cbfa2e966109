"""Queries under limits: a deadline and a row cap that hold even for a query that runs away.

pyoxigraph cannot cancel a running query (a cartesian product, an ORDER BY over millions of rows
runs in Rust until it is done), so the query runs in a worker process that is killed at the
deadline. The worker is forked: it inherits the store, whether built in memory or opened
read-only from the build cache, with nothing to copy or reopen. It sends its rows back in pages
through a pipe; a pipe holds 64 KiB, so a worker whose reader is slow (a pager, a slow
consumer) waits instead of piling rows up in memory. The CLI uses it for every query, and a
server can use it for each request.

Where fork is not available the query runs in this process and the limits are checked between
pages: the row cap holds, and the deadline holds for queries that produce rows as they go.
"""

from __future__ import annotations

import contextlib
import functools
import os
import pickle
import signal
import sys
import time
import warnings
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection, Pipe
from typing import Any

from clusterkg.engine import Answer, Engine, Row, Term
from clusterkg.errors import ClusterKGError, QueryError, QueryTimeout, first_line

_PR_SET_PDEATHSIG = 1  # prctl option, from <linux/prctl.h>


@dataclass(frozen=True)
class Limits:
    """`timeout`: seconds of wall-clock time for the whole answer, from the start of the query to
    its last row being read. `max_rows`: rows (or triples) kept; the rest are not computed."""

    timeout: float | None = None
    max_rows: int | None = None

    def __post_init__(self) -> None:
        if self.timeout is not None and self.timeout <= 0:
            raise ClusterKGError(f"the timeout must be more than 0 seconds, not {self.timeout}")
        if self.max_rows is not None and self.max_rows < 1:
            raise ClusterKGError(f"the row cap must be at least 1, not {self.max_rows}")


NO_LIMITS = Limits()


def run_limited(
    engine: Engine,
    query: str,
    bindings: Mapping[str, Term] | None = None,
    limits: Limits = NO_LIMITS,
) -> Answer:
    """Start `query` in a worker process; its pages arrive as they are read from the Answer.

    Raises QueryTimeout at the deadline (while the pages are read, or here if an ASK's answer
    is not ready by then), after the worker has been killed. Stopping early (answer.close(), or
    dropping the Answer) kills the worker too. One query per thread at a time: a worker forked
    while another thread's query runs would also hold that query's pipe open."""
    limited = getattr(engine, "evaluate_limited", None)
    if limited is not None:  # an engine that holds the limits itself (a remote server's)
        answer: Answer = limited(query, bindings, limits)
        return answer
    deadline = None if limits.timeout is None else time.monotonic() + limits.timeout
    if not hasattr(os, "fork"):
        return _in_process(engine.evaluate(query, bindings), limits, deadline)
    worker = _Worker(lambda send: _serve(engine, query, bindings, limits.max_rows, send))
    try:
        _, (variables, boolean, graph) = worker.receive(deadline, limits)
    except BaseException:
        worker.stop()
        raise
    answer = Answer(variables, boolean=boolean, graph=graph)
    answer.pages = _received_pages(worker, answer, deadline, limits)
    # Closed, or dropped unread (its pages never started, so their `finally` never runs): the
    # worker is stopped either way, and a long-lived process (a server) keeps no stray workers.
    answer.on_close = weakref.finalize(answer, worker.stop)
    return answer


def capped(answer: Answer, max_rows: int | None) -> Answer:
    """`answer`, its pages stopped after `max_rows` rows (`truncated` set if one was left out),
    in this process: for a caller that is itself a worker under a deadline (the server's)."""
    answer.pages = _capped(answer.pages, max_rows, answer)
    return answer


def timeout_error(limits: Limits) -> QueryTimeout:
    return QueryTimeout(f"query stopped: it ran past its {limits.timeout:g} s timeout")


# --- the worker's side ------------------------------------------------------------------------

Send = Callable[[tuple[str, Any]], None]


def _serve(
    engine: Engine,
    query: str,
    bindings: Mapping[str, Term] | None,
    max_rows: int | None,
    send: Send,
) -> None:
    """Run the query and send its head, its pages and how it ended (or the error)."""
    try:
        answer = engine.evaluate(query, bindings)
        send(("head", (answer.variables, answer.boolean, answer.graph)))
        for page in _capped(answer.pages, max_rows, answer):
            send(("page", _encoded(page)))
        send(("end", answer.truncated))
    except ClusterKGError as error:
        send(("error", str(error)))


def _capped(
    pages: Iterator[list[Row]], max_rows: int | None, answer: Answer
) -> Iterator[list[Row]]:
    """`pages` up to `max_rows` rows; sets answer.truncated if a row was left out."""
    if max_rows is None:
        yield from pages
        return
    kept = 0
    for page in pages:
        if kept == max_rows:
            answer.truncated = True  # the page just read holds a row beyond the cap
            return
        room = max_rows - kept
        if len(page) > room:
            answer.truncated = True
            yield page[:room]
            return
        kept += len(page)
        yield page


def _encoded(page: list[Row]) -> tuple[list[Term], list[list[int | None]]]:
    """A page as its distinct terms and rows of indexes into them. Rows repeat terms (a
    predicate, a class, the same subject on many rows): pickling each term once made the
    worker's transport 5 times cheaper than pickling every term (2.5 s → 0.5 s at 100 k rows
    of 9 columns, on both sides together; Oxigraph took 5 s to compute them)."""
    index: dict[Term, int] = {}
    rows = [[None if t is None else index.setdefault(t, len(index)) for t in row] for row in page]
    return list(index), rows


def _decoded(terms: list[Term], rows: list[list[int | None]]) -> list[Row]:
    return [[None if i is None else terms[i] for i in row] for row in rows]


class _Worker:
    """A forked process running `task(send)`, where `send` pickles one message into the pipe."""

    def __init__(self, task: Callable[[Send], None]) -> None:
        reader, writer = Pipe(duplex=False)
        # Whatever this process has buffered would otherwise be written twice, by both.
        sys.stdout.flush()
        sys.stderr.flush()
        parent = os.getpid()
        _prctl()  # looked up here, so the worker inherits it
        with warnings.catch_warnings():
            # Python 3.12+ warns about forking a process with threads: RocksDB's (a store opened
            # from the build cache) are idle compaction threads of a read-only database, and the
            # worker only reads; glibc makes malloc safe across fork.
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # the worker; it never returns from here
            reader.close()
            _run_as_worker(task, writer, parent)
        writer.close()
        self.pid = pid
        self.connection = reader
        self.exit_status: int | None = None

    def receive(self, deadline: float | None, limits: Limits) -> tuple[str, Any]:
        """The next message from the worker; QueryError if it reported one or died,
        QueryTimeout (after killing it) at the deadline."""
        remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
        try:
            # past the deadline, even with pages waiting: a slow reader (a workbook being
            # written) always finds one, and would read a runaway query for ever
            if remaining == 0.0 or not self.connection.poll(remaining):
                self.stop()
                raise timeout_error(limits)
            kind, content = pickle.loads(self.connection.recv_bytes())
        except (EOFError, OSError):
            how = self._ended()
            self.stop()
            raise QueryError(f"the query worker stopped unexpectedly ({how})") from None
        if kind == "error":
            self.stop()
            raise QueryError(content)
        return kind, content

    def stop(self) -> None:
        """Kill the worker (if it still runs) and reap it. Safe to call more than once."""
        if self.exit_status is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self.exit_status = os.waitpid(self.pid, 0)[1]
        self.connection.close()

    def _ended(self) -> str:
        """How the worker ended; called once its end of the pipe is closed, so it has exited."""
        if self.exit_status is None:
            self.exit_status = os.waitpid(self.pid, 0)[1]
        if os.WIFSIGNALED(self.exit_status):
            return f"killed by signal {os.WTERMSIG(self.exit_status)}"
        return f"exit status {os.waitstatus_to_exitcode(self.exit_status)}"


def _run_as_worker(task: Callable[[Send], None], writer: Connection, parent: int) -> None:
    """The worker's whole life: run the task, then leave at once with os._exit (no atexit
    handlers, no flushing of buffers inherited from the parent)."""
    status = 1
    try:
        # Ctrl-C reaches the whole process group; the parent handles it and kills the worker.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _die_with(parent)
        task(lambda message: writer.send_bytes(pickle.dumps(message, pickle.HIGHEST_PROTOCOL)))
        status = 0
    except BrokenPipeError:
        status = 0  # the parent stopped reading: nothing left to do
    except BaseException as error:  # an unexpected fault: the parent reports it as one line
        with contextlib.suppress(BaseException):
            writer.send_bytes(pickle.dumps(("error", f"query failed: {first_line(error)}")))
    finally:
        os._exit(status)


def _die_with(parent: int) -> None:
    """Have the kernel kill this worker when its parent dies (killed by a signal, say), so no
    orphan goes on running a runaway query. Linux only."""
    prctl = _prctl()
    if prctl is not None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before that took effect
        os._exit(1)


@functools.cache
def _prctl() -> Callable[..., int] | None:
    """libc's prctl, looked up in the parent before the first fork: importing ctypes in each
    worker cost 4 ms of every query; here it is 2 ms once, and only for commands that query."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


# --- the parent's side ------------------------------------------------------------------------


def _received_pages(
    worker: _Worker, answer: Answer, deadline: float | None, limits: Limits
) -> Iterator[list[Row]]:
    """The pages the worker sends, until its end message; the worker is stopped however the
    reading ends (last page, timeout, error, or the reader giving up)."""
    try:
        while True:
            kind, content = worker.receive(deadline, limits)
            if kind == "end":
                answer.truncated = content
                return
            yield _decoded(*content)
    finally:
        worker.stop()


def _in_process(answer: Answer, limits: Limits, deadline: float | None) -> Answer:
    """The fallback without fork: the cap holds; the deadline is checked between pages."""
    pages = capped(answer, limits.max_rows).pages

    def checked() -> Iterator[list[Row]]:
        for page in pages:
            if deadline is not None and time.monotonic() > deadline:
                raise timeout_error(limits)
            yield page

    answer.pages = checked()
    return answer
