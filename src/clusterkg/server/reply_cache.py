"""Replies kept for the life of the server: the graph it serves never changes, so the same task
always gets the same answer, and a repeated request (a popular page, the aggregate every
dashboard polls) costs a dictionary lookup instead of a worker's time.

Only answers that depend on the graph alone are kept (200, and the 4xx of a request that is
wrong in itself); a 503 (timeout, busy) or a 500 says something about that moment and is not.
The oldest-used replies are dropped past `max_bytes`; a reply bigger than a tenth of it is never
kept, so one big answer cannot empty the cache.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from clusterkg.server.tasks import Reply, Task

KEPT_STATUSES = frozenset({200, 303, 400, 404, 406})


@dataclass
class ReplyCache:
    max_bytes: int = 64 * 1024 * 1024
    _replies: OrderedDict[Task, Reply] = field(default_factory=OrderedDict)
    _bytes: int = 0
    hits: int = 0
    misses: int = 0

    def get(self, task: Task) -> Reply | None:
        reply = self._replies.get(task) if _hashable(task) else None
        if reply is None:
            self.misses += 1
            return None
        self._replies.move_to_end(task)
        self.hits += 1
        return reply

    def keep(self, task: Task, reply: Reply) -> None:
        size = len(reply.body)
        if reply.status not in KEPT_STATUSES or size > self.max_bytes // 10:
            return
        if not _hashable(task) or task in self._replies:
            return
        self._replies[task] = reply
        self._bytes += size
        while self._bytes > self.max_bytes:
            _, dropped = self._replies.popitem(last=False)
            self._bytes -= len(dropped.body)


def _hashable(task: Task) -> bool:
    """Frozen dataclasses of plain values are; a task holding a list is not, and is not kept."""
    try:
        hash(task)
    except TypeError:
        return False
    return True
