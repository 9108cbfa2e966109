"""`clusterkg serve` as a user starts it: a real process on 127.0.0.1, stopped after."""

from __future__ import annotations

import concurrent.futures
import os
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from served import CLI, start_server, stop_server

pytestmark = pytest.mark.loopback


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    return {
        **os.environ,
        "CLUSTERKG_CACHE_DIR": str(tmp_path / "cache"),
        "TMPDIR": str(scratch),
    }


def test_serves_until_stopped_and_leaves_no_process(env: dict[str, str]) -> None:
    process, url = start_server(["serve", "--port", "0"], env)
    try:
        answer = httpx.get(url + "static/clusterkg.css", timeout=10)
        assert answer.status_code == 200
        assert "server" not in answer.headers  # says nothing about what it runs on
    finally:
        assert stop_server(process) == 0
    children = subprocess.run(
        ["pgrep", "-P", str(process.pid)], capture_output=True, text=True
    ).stdout
    assert children == ""


def test_without_a_cache_serves_from_a_private_one_removed_after(
    env: dict[str, str], tmp_path: Path
) -> None:
    process, url = start_server(["--no-cache", "serve", "--port", "0"], env)
    try:
        assert list((tmp_path / "tmp").iterdir()), "the private cache is in TMPDIR"
        assert httpx.get(url + "static/clusterkg.css", timeout=10).status_code == 200
    finally:
        assert stop_server(process) == 0
    assert list((tmp_path / "tmp").iterdir()) == []
    assert not (tmp_path / "cache").exists()  # the user's cache was left alone


def test_a_port_in_use_is_one_clear_error(env: dict[str, str]) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        done = subprocess.run(
            [*CLI, "serve", "--port", str(port)], env=env, capture_output=True, text=True
        )
    assert done.returncode != 0
    assert done.stderr.strip() == (
        f"clusterkg: error: cannot listen on 127.0.0.1:{port}: Address already in use"
    )


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_runaway_queries_leave_a_worker_to_the_stored_queries(env: dict[str, str]) -> None:
    """Two clients send cross-joins at once to a server of two workers: one runs (and is
    stopped at the timeout), the other waits for the one worker open to ad-hoc queries, and
    meanwhile a stored query is answered at once by the other worker."""
    process, url = start_server(["serve", "--port", "0", "--workers", "2", "--timeout", "3"], env)
    try:
        with concurrent.futures.ThreadPoolExecutor(2) as runaways, httpx.Client() as client:
            sent = [
                runaways.submit(client.get, url + "sparql", params={"query": RUNAWAY}, timeout=30)
                for _ in range(2)
            ]
            time.sleep(0.5)  # both runaways are in: one runs, one waits
            started = time.monotonic()
            lookup = client.get(
                url + "queries/clusters-of-company.csv",
                params={"company": "Rūta", "sector": "food"},
                timeout=30,
            )
            waited = time.monotonic() - started
            answers = [future.result() for future in sent]
        assert lookup.status_code == 200
        assert "Smart Food Cluster" in lookup.text
        assert waited < 2.5, f"the lookup waited {waited:.1f} s behind the runaways"
        statuses = sorted(a.status_code for a in answers)
        assert statuses == [503, 503], [a.text for a in answers]
        assert any("timeout" in a.text for a in answers)
    finally:
        assert stop_server(process) == 0
