"""Small tasks for tests/test_server_pool.py, in a module of their own: a worker process finds a
task's class by importing its module, as it does the server's own tasks."""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass

from clusterkg.engine import Table
from clusterkg.server.tasks import Reply, Served


@dataclass(frozen=True)
class Sparql:
    """A query's rows, one line each, values separated by tabs."""

    query: str

    def run(self, served: Served) -> Reply:
        table = served.engine.run(self.query)
        assert isinstance(table, Table)
        lines = ["\t".join("" if t is None else t.value for t in row) for row in table.rows]
        return Reply(200, "text/plain", "\n".join(lines).encode())


@dataclass(frozen=True)
class Pid:
    """Which worker answered (its process id), after `pause` seconds; `tag` says who asked."""

    pause: float = 0.0
    tag: str = ""

    def run(self, served: Served) -> Reply:
        time.sleep(self.pause)
        return Reply(200, "text/plain", f"{os.getpid()} {self.tag}".encode())


@dataclass(frozen=True)
class Crash:
    """A worker that dies mid-task, as a segmentation fault in the engine would end it."""

    def run(self, served: Served) -> Reply:
        os._exit(70)


@dataclass(frozen=True)
class Fail:
    """A task with a bug: its message names a file, which no answer may repeat."""

    def run(self, served: Served) -> Reply:
        raise RuntimeError("could not read /secret/folder/file.ttl")


@dataclass(frozen=True)
class Connect:
    """Try to connect to `port` on loopback; the answer says what happened."""

    port: int

    def run(self, served: Served) -> Reply:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=2):
                return Reply(200, "text/plain", b"connected")
        except OSError as error:
            return Reply(200, "text/plain", f"refused {error.errno}".encode())


@dataclass(frozen=True)
class CountRows:
    """How many rows a query gives, read as they come and kept nowhere (a runaway query runs
    without filling memory)."""

    query: str

    def run(self, served: Served) -> Reply:
        answer = served.engine.evaluate(self.query)
        count = sum(len(page) for page in answer.pages)
        return Reply(200, "text/plain", str(count).encode())
