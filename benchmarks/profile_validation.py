"""Where in-process validation spends its time: each compiled query's CPU time, sorted.

    python benchmarks/profile_validation.py /tmp/clusterkg-bench/2M-c820-s2026 [--top 30]

The graph is built in memory (as `clusterkg validate` builds it), validated once to warm up and
once measured. CPU time per query is the time of the thread that ran it (queries run on a pool of
threads): on a machine shared with other work it is steadier than wall time, which is printed too.
"""

from __future__ import annotations

import argparse
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from clusterkg.engine import local
from clusterkg.knowledge_graph import KnowledgeGraph


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    kg = KnowledgeGraph.load([args.data], reads_every_triple=True)
    kg.validate()
    timings: list[tuple[float, int, str]] = []
    lock = threading.Lock()
    solutions = local.LocalEngine.solutions

    def timed(self: local.LocalEngine, query: str, *args: Any, **kwargs: Any) -> Iterator[Any]:
        started = time.thread_time()
        rows = list(solutions(self, query, *args, **kwargs))
        with lock:
            timings.append((time.thread_time() - started, len(rows), query))
        return iter(rows)

    local.LocalEngine.solutions = timed  # type: ignore[method-assign]
    wall, cpu = time.perf_counter(), time.process_time()
    report = kg.validate()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"validate: {wall:.2f} s wall, {cpu:.2f} s CPU, {len(report.problems)} problems")
    print(f"{len(timings)} queries, {sum(t for t, _, _ in timings):.2f} s CPU in queries")
    for seconds, rows, query in sorted(timings, reverse=True)[: args.top]:
        print(f"{seconds:7.2f} s {rows:6d} rows  {_short(query)}")


def _short(query: str) -> str:
    """The query on one line, its prefixes and long class lists left out."""
    text = " ".join(re.sub(r"PREFIX \S+ <[^>]*>", "", query).split())
    text = re.sub(r"VALUES \?ck_type \{[^}]*\}", "VALUES ?ck_type {…}", text)
    return text[:200]


if __name__ == "__main__":
    main()
