"""`clusterkg serve` as a user starts it: a real process on 127.0.0.1, stopped after."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

CLI = [sys.executable, "-m", "clusterkg"]
pytestmark = pytest.mark.loopback


def _start(args: list[str], env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    """A `clusterkg … serve --port 0` process and the URL it says it serves at."""
    process = subprocess.Popen(
        [*CLI, *args], env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    assert process.stderr is not None
    deadline = time.monotonic() + 120
    seen = []
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line and process.poll() is not None:
            break
        seen.append(line)
        found = re.search(r"serving .*?\bat (http://\S+/)", line)
        if found:
            return process, found.group(1)
    process.kill()
    raise AssertionError(f"the server did not start: {''.join(seen)}")


def _stop(process: subprocess.Popen[str]) -> int:
    """Stop the server as a service manager does."""
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=20)


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
    process, url = _start(["serve", "--port", "0"], env)
    try:
        answer = httpx.get(url + "static/clusterkg.css", timeout=10)
        assert answer.status_code == 200
        assert "server" not in answer.headers  # says nothing about what it runs on
    finally:
        assert _stop(process) == 0
    children = subprocess.run(
        ["pgrep", "-P", str(process.pid)], capture_output=True, text=True
    ).stdout
    assert children == ""


def test_without_a_cache_serves_from_a_private_one_removed_after(
    env: dict[str, str], tmp_path: Path
) -> None:
    process, url = _start(["--no-cache", "serve", "--port", "0"], env)
    try:
        assert list((tmp_path / "tmp").iterdir()), "the private cache is in TMPDIR"
        assert httpx.get(url + "static/clusterkg.css", timeout=10).status_code == 200
    finally:
        assert _stop(process) == 0
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
