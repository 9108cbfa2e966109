"""One command as a user runs it: its own process, timed from spawn to exit (process start
included), with the peak RSS of its process tree and a time budget.

Peak RSS comes from wait4(2) on the spawned process: the kernel's ru_maxrss for it and the
descendants it waited for (the largest single process of the tree, which for clusterkg and a
JVM is the command itself), not the benchmark's own memory.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import signal
import statistics
import subprocess
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

AFFORDABLE = 20.0  # seconds: a command that takes longer runs once


@dataclass(frozen=True)
class Measured:
    """One run of one command."""

    wall: float  # seconds, spawn to exit
    rss_mb: float  # peak RSS of the process tree
    code: int  # exit code; -9 when the budget ran out and the process group was killed
    over_budget: bool
    stderr_tail: str  # the last lines of stderr, to say why a command failed


def run_measured(
    argv: list[str],
    *,
    budget: float,
    stdout: Path | None = None,
    env: dict[str, str] | None = None,
) -> Measured:
    """Run argv in a new process group; kill the group if it runs past `budget` seconds."""
    out = stdout.open("wb") if stdout else subprocess.DEVNULL
    err_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"clusterkg-bench-stderr-{os.getpid()}"
    with err_path.open("wb") as err:
        started = time.perf_counter()
        child = subprocess.Popen(
            argv, stdout=out, stderr=err, env=env, start_new_session=True
        )  # fmt: skip
        expired = threading.Event()
        timer = threading.Timer(budget, _kill_group, (child.pid, expired))
        timer.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)  # already reaped: Popen must not wait
    if stdout:
        out.close()  # type: ignore[union-attr]
    tail = err_path.read_text(errors="replace").strip().splitlines()[-3:]
    err_path.unlink()
    return Measured(
        wall=wall,
        rss_mb=usage.ru_maxrss / 1024,  # Linux: kilobytes
        code=child.returncode,
        over_budget=expired.is_set(),
        stderr_tail=" | ".join(tail),
    )


def _kill_group(pid: int, expired: threading.Event) -> None:
    expired.set()
    with contextlib.suppress(ProcessLookupError):  # it ended just now
        os.killpg(pid, signal.SIGKILL)


def repeated(
    argv: list[str],
    runs: int,
    *,
    budget: float,
    stdout: Path | None = None,
    env: dict[str, str] | None = None,
    ok_codes: tuple[int, ...] = (0,),
    affordable: float = AFFORDABLE,
) -> dict[str, object]:
    """Median wall and largest peak RSS of up to `runs` runs; stops at the first run that fails
    or runs over budget (one is enough to know), and says which. A command slower than
    `affordable` seconds runs once: a median of 3 is kept for what it does not make too long."""
    walls: list[float] = []
    rss: list[float] = []
    for _ in range(runs):
        if walls and walls[0] > affordable:
            break
        run = run_measured(argv, budget=budget, stdout=stdout, env=env)
        if run.over_budget:
            return {"status": "over budget", "budget": budget}
        if run.code not in ok_codes:
            return {"status": "failed", "code": run.code, "why": run.stderr_tail}
        walls.append(run.wall)
        rss.append(run.rss_mb)
    return {
        "status": "ok",
        "wall": statistics.median(walls),
        "runs": len(walls),
        "rss_mb": max(rss),
    }


def single(run: Measured) -> dict[str, object]:
    """The figures of one run, in the form `repeated` gives."""
    if run.over_budget:
        return {"status": "over budget"}
    if run.code != 0:
        return {"status": "failed", "code": run.code, "why": run.stderr_tail}
    return {"status": "ok", "wall": run.wall, "runs": 1, "rss_mb": run.rss_mb}


def apart(function: Callable[..., T], *arguments: Any) -> T:
    """function(*arguments) computed in a forked child process. What it reads (a result file of
    100 MB) then never swells this process, whose size every command it spawns afterwards
    would report as its own peak RSS: Linux keeps the high-water mark across fork and exec
    (a 2 M run showed 472 MB for every command after `query organisations`)."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        return pool.submit(function, *arguments).result()


def json_rows(path: Path) -> int | None:
    """Rows of a SPARQL JSON result file (clusterkg and Jena write the same format), counted in
    a child process (see apart)."""
    return apart(_json_rows, path)


def _json_rows(path: Path) -> int | None:
    try:
        return len(json.loads(path.read_text())["results"]["bindings"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
