"""`clusterkg serve` as a user starts it, for the tests that are its clients: a real process on
127.0.0.1 (`--port 0`), the URL read from the line it prints once it listens, stopped after."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time

CLI = [sys.executable, "-m", "clusterkg"]
ANNOUNCED = re.compile(r"serving .*?\bat (http://\S+/)")


def start_server(args: list[str], env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    """A `clusterkg …args` process (args end with `serve --port 0 …`) and its URL."""
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
        found = ANNOUNCED.search(line)
        if found:
            return process, found.group(1)
    process.kill()
    process.wait()
    raise AssertionError(f"clusterkg serve did not start: {''.join(seen)}")


def stop_server(process: subprocess.Popen[str]) -> int:
    """Stop the server as a service manager does (SIGTERM); its exit status."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise
