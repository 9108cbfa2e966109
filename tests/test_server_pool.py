"""The server's worker pool (clusterkg.server.pool), with real worker processes over a real
build-cache store: answers, a runaway query killed at its timeout while another worker answers,
killed and crashed workers replaced, a task's error answered without its details, requests
waiting their turn in order and within bounds, no network inside a worker, and nothing left
running after close().

The runaway query is the graph joined with itself three times (about 10^12 rows of the bundled
graph): it never ends by itself. Time bounds are generous (the machine is shared)."""

from __future__ import annotations

import asyncio
import errno
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pool_tasks import Connect, CountRows, Crash, Fail, Pid, Sparql

from clusterkg.cli.settings import Settings
from clusterkg.inputs.cache import BuildCache
from clusterkg.server.pool import DIED, STOPPING, Pool
from clusterkg.server.site import DEFAULT_BASE
from clusterkg.server.startup import served_store
from clusterkg.server.tasks import Reply, ServedStore
from clusterkg.server.worker import FAILED

CARTESIAN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
FETEK = (
    "SELECT ?label WHERE { <https://w3id.org/clusterkg/id/cluster/fetek> "
    "<http://www.w3.org/2004/02/skos/core#prefLabel> ?label }"
)
# Starting: the forkserver boots (it imports clusterkg once), then each worker opens the store.
START = 60.0

T = TypeVar("T")


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pool-cache")


@pytest.fixture(scope="module")
def store(cache_dir: Path) -> Iterator[ServedStore]:
    """The bundled graph, built once into a build cache of this module, as the server serves it."""
    yield served_store(Settings(cache=BuildCache(cache_dir)), DEFAULT_BASE)


def with_pool(store: ServedStore, scenario: Callable[[Pool], Awaitable[T]], **options: Any) -> T:
    """Run `scenario` on a new pool in an event loop of its own; the pool is closed after."""

    async def main() -> T:
        pool = Pool(store, **options)
        try:
            return await scenario(pool)
        finally:
            pool.close()

    return asyncio.run(main())


async def pids_of_both(pool: Pool) -> set[int]:
    """The pids of two workers, each held by a task long enough that the other must answer."""
    replies = await asyncio.gather(pool.run(Pid(0.3), START), pool.run(Pid(0.3), START))
    return {pid(r) for r in replies}


def pid(reply: Reply) -> int:
    assert reply.status == 200, reply.body
    return int(reply.body.split()[0])


def text(reply: Reply) -> str:
    return reply.body.decode().strip()


def running(pid: int) -> bool:
    """Whether process `pid` exists (a zombie counts: it was not reaped)."""
    return Path(f"/proc/{pid}").exists()


def state(pid: int) -> str | None:
    """The process's state letter (R, S, Z …), None if it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


def gone_soon(pid: int, within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while running(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def children(parent: int) -> set[int]:
    """The processes whose parent is `parent`, from /proc."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # the command name, in parentheses, may hold spaces: the fields after it are fixed
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            found.add(int(entry))
    return found


# --- answers ----------------------------------------------------------------------------------


def test_a_worker_answers_a_query_on_the_served_graph(store: ServedStore) -> None:
    reply = with_pool(store, lambda pool: pool.run(Sparql(FETEK), START), workers=1)
    assert (reply.status, text(reply)) == (200, "FETEK")


def test_two_workers_answer_at_the_same_time(store: ServedStore) -> None:
    async def scenario(pool: Pool) -> tuple[set[int], float]:
        await pids_of_both(pool)  # both ready
        started = time.monotonic()
        pids = await pids_of_both(pool)
        return pids, time.monotonic() - started

    pids, took = with_pool(store, scenario, workers=2)
    assert len(pids) == 2
    assert took < 0.6  # two tasks of 0.3 s side by side, not one after the other


# --- a runaway query ----------------------------------------------------------------------------


def test_a_runaway_query_is_stopped_at_its_timeout_while_another_worker_answers(
    store: ServedStore,
) -> None:
    async def scenario(pool: Pool) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        before = await pids_of_both(pool)
        started = loop.time()
        runaway = asyncio.ensure_future(pool.run(CountRows(CARTESIAN), 1.0))
        await asyncio.sleep(0.2)
        other = await pool.run(Pid(), 5.0)
        other_at = loop.time() - started
        stopped = await runaway
        stopped_at = loop.time() - started
        after = await pids_of_both(pool)
        return {
            "before": before,
            "after": after,
            "other": other,
            "other_at": other_at,
            "stopped": stopped,
            "stopped_at": stopped_at,
        }

    seen = with_pool(store, scenario, workers=2)
    stopped = seen["stopped"]
    assert (stopped.status, text(stopped)) == (503, "query stopped: it ran past its 1 s timeout")
    assert 1.0 <= seen["stopped_at"] < 5.0
    # answered by the other worker, while the runaway still ran
    assert seen["other"].status == 200
    assert seen["other_at"] < 1.0
    # the runaway's worker was killed, reaped and replaced; the other one goes on
    killed = seen["before"] - {pid(seen["other"])}
    assert len(killed) == 1
    assert gone_soon(next(iter(killed)))
    assert len(seen["after"]) == 2
    assert pid(seen["other"]) in seen["after"]
    assert not killed & seen["after"]


def test_the_timeout_counts_the_time_on_the_graph_not_the_wait_for_a_worker(
    store: ServedStore,
) -> None:
    """Waiting 0.6 s behind another task, a task of 0.6 s under a 1 s timeout is answered."""

    async def scenario(pool: Pool) -> list[Reply]:
        await pool.run(Pid(), START)
        first = asyncio.ensure_future(pool.run(Pid(0.6, "first"), 1.0))
        await asyncio.sleep(0.05)
        return [await pool.run(Pid(0.6, "second"), 1.0), await first]

    second, first = with_pool(store, scenario, workers=1)
    assert (first.status, second.status) == (200, 200)
    assert pid(first) == pid(second)  # nobody was killed


# --- workers that die, tasks that fail --------------------------------------------------------


def test_a_worker_that_dies_mid_task_gives_a_500_without_details_and_is_replaced(
    store: ServedStore,
) -> None:
    async def scenario(pool: Pool) -> tuple[int, Reply, int]:
        before = pid(await pool.run(Pid(), START))
        crashed = await pool.run(Crash(), 5.0)
        after = pid(await pool.run(Pid(), START))
        return before, crashed, after

    before, crashed, after = with_pool(store, scenario, workers=1)
    assert (crashed.status, text(crashed)) == (500, DIED)
    assert "/" not in text(crashed)
    assert after != before
    assert gone_soon(before)


def test_a_worker_killed_while_idle_is_replaced_before_it_is_given_a_task(
    store: ServedStore,
) -> None:
    async def scenario(pool: Pool) -> tuple[int, Reply]:
        before = pid(await pool.run(Pid(), START))
        os.kill(before, signal.SIGKILL)
        await asyncio.sleep(0.2)
        return before, await pool.run(Sparql(FETEK), START)

    before, reply = with_pool(store, scenario, workers=1)
    assert (reply.status, text(reply)) == (200, "FETEK")
    assert gone_soon(before)


def test_a_task_that_fails_gives_a_500_that_names_nothing_and_the_worker_goes_on(
    store: ServedStore,
) -> None:
    async def scenario(pool: Pool) -> tuple[int, Reply, int]:
        before = pid(await pool.run(Pid(), START))
        failed = await pool.run(Fail(), 5.0)
        return before, failed, pid(await pool.run(Pid(), 5.0))

    before, failed, after = with_pool(store, scenario, workers=1)
    assert (failed.status, text(failed)) == (500, FAILED)
    assert "secret" not in text(failed)
    assert after == before


# --- waiting for a worker -----------------------------------------------------------------------


def test_requests_beyond_the_workers_are_answered_first_come_first_served(
    store: ServedStore,
) -> None:
    async def scenario(pool: Pool) -> list[str]:
        await pool.run(Pid(), START)
        finished: list[str] = []

        async def ask(tag: str, pause: float) -> None:
            reply = await pool.run(Pid(pause, tag), 10.0)
            finished.append(text(reply).split()[1])

        asking = []
        for tag in "abcde":
            asking.append(asyncio.ensure_future(ask(tag, 0.3 if tag == "a" else 0.0)))
            await asyncio.sleep(0.02)
        await asyncio.gather(*asking)
        return finished

    assert with_pool(store, scenario, workers=1) == list("abcde")


def test_a_request_beyond_the_waiting_line_is_answered_busy_at_once(store: ServedStore) -> None:
    async def scenario(pool: Pool) -> tuple[Reply, float, list[Reply]]:
        await pool.run(Pid(), START)
        held = asyncio.ensure_future(pool.run(Pid(1.0), 10.0))
        await asyncio.sleep(0.05)
        waiting = asyncio.ensure_future(pool.run(Pid(), 10.0))
        await asyncio.sleep(0.05)
        started = time.monotonic()
        refused = await pool.run(Pid(), 10.0)
        took = time.monotonic() - started
        return refused, took, [await held, await waiting]

    refused, took, others = with_pool(store, scenario, workers=1, max_waiting=1)
    assert refused.status == 503
    assert text(refused).startswith("busy: 1 requests are waiting")
    assert refused.headers["Retry-After"] == "1"
    assert took < 0.5
    assert [r.status for r in others] == [200, 200]


def test_a_request_waits_for_a_worker_no_longer_than_its_timeout(store: ServedStore) -> None:
    async def scenario(pool: Pool) -> tuple[Reply, float, Reply]:
        await pool.run(Pid(), START)
        held = asyncio.ensure_future(pool.run(Pid(1.5), 10.0))
        await asyncio.sleep(0.05)
        started = time.monotonic()
        refused = await pool.run(Pid(), 0.4)
        return refused, time.monotonic() - started, await held

    refused, waited, held = with_pool(store, scenario, workers=1)
    assert (refused.status, text(refused)) == (
        503,
        "busy: no worker (of 1) came free within 0.4 s; try again shortly",
    )
    assert 0.4 <= waited < 1.4
    assert held.status == 200  # the busy worker was left alone


# --- no network, nothing left behind ----------------------------------------------------------


def test_a_worker_cannot_connect_even_to_loopback(store: ServedStore) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]

        async def scenario(pool: Pool) -> tuple[Reply, bool]:
            reply = await pool.run(Connect(port), START)
            return reply, pool.isolated

        reply, isolated = with_pool(store, scenario, workers=1)
    if not isolated:
        pytest.skip("this kernel lets no process leave the network (no user namespaces)")
    # a network namespace of its own: not even loopback is up
    assert text(reply) == f"refused {errno.ENETUNREACH}"


def test_close_leaves_no_process_behind(store: ServedStore) -> None:
    before = children(os.getpid())

    async def scenario(pool: Pool) -> tuple[list[int], Reply, float]:
        await pids_of_both(pool)
        busy = asyncio.ensure_future(pool.run(CountRows(CARTESIAN), 30.0))  # one mid-query
        await asyncio.sleep(0.2)
        workers = pool.pids
        started = time.monotonic()
        pool.close()
        return workers, await busy, time.monotonic() - started

    workers, stopped, took = with_pool(store, scenario, workers=2)
    # the request in progress is answered at once, not at its timeout
    assert (stopped.status, text(stopped)) == (503, STOPPING)
    assert took < 5
    assert len(workers) == 2
    assert not any(running(p) for p in workers)
    assert children(os.getpid()) <= before


def test_the_workers_die_with_a_server_that_is_killed(store: ServedStore, cache_dir: Path) -> None:
    """SIGKILL leaves the server no chance to stop its workers: an idle one reads the end of its
    socket and leaves, one running a query is killed by the kernel (its parent, the forkserver,
    leaves when the server's end of its pipe closes, and it dies with its parent)."""
    here = Path(__file__).parent
    server = subprocess.Popen(
        [sys.executable, str(here / "pool_server.py"), str(cache_dir)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(here), *sys.path])},
    )
    try:
        assert server.stdout is not None
        workers = [int(p) for p in server.stdout.readline().split()]
        assert len(workers) == 2
        assert all(state(p) in ("R", "S") for p in workers)
        time.sleep(0.5)  # one of them well into the runaway query
    finally:
        server.kill()
        server.wait()
    deadline = time.monotonic() + 10
    # dead: gone, or a zombie whose new parent (this container's init) has not reaped it yet
    while any(state(p) not in (None, "Z", "X") for p in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(state(p) in (None, "Z", "X") for p in workers)


def test_a_request_that_gave_up_waiting_leaves_its_place_in_the_line(store: ServedStore) -> None:
    async def scenario(pool: Pool) -> tuple[Reply, Reply, Reply]:
        await pool.run(Pid(), START)
        held = asyncio.ensure_future(pool.run(Pid(1.0), 10.0))
        await asyncio.sleep(0.05)
        gave_up = await pool.run(Pid(), 0.2)  # waits 0.2 s, then busy
        waited = await pool.run(Pid(), 10.0)  # the line is free again: it waits its turn
        return gave_up, waited, await held

    gave_up, waited, held = with_pool(store, scenario, workers=1, max_waiting=1)
    assert gave_up.status == 503
    assert (waited.status, held.status) == (200, 200)
