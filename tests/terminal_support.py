"""Running the real `clusterkg` on a pseudo-terminal (Linux), as a person at a terminal runs it.

Standard output and standard error each get a terminal of their own, in raw mode (no `\\r`
added), sized `columns` wide; what each received is returned.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import sys
import termios
import tty
from dataclasses import dataclass

ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def seen(self) -> str:
        """Standard output as a person sees it: without the colour codes."""
        return ESCAPE.sub("", self.stdout)


def run_on_terminal(*args: str, columns: int = 80, env: dict[str, str] | None = None) -> Run:
    """`python -m clusterkg ARGS` with stdout and stderr on terminals `columns` wide; `env`
    added to (a value None: removed from) the environment, NO_COLOR and COLUMNS unset first."""
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS")}
    environment |= {"PYTHONUTF8": "1", "TERM": "xterm-256color", **(env or {})}
    terminals = [_terminal(columns) for _ in range(2)]
    process = subprocess.Popen(
        [sys.executable, "-m", "clusterkg", *args],
        stdin=subprocess.DEVNULL,
        stdout=terminals[0][1],
        stderr=terminals[1][1],
        env=environment,
    )
    for _, follower in terminals:
        os.close(follower)
    received = _read_all([leader for leader, _ in terminals], timeout=120)
    code = process.wait(timeout=10)
    for leader, _ in terminals:
        os.close(leader)
    return Run(code, *(r.decode("utf-8") for r in received))


def _terminal(columns: int) -> tuple[int, int]:
    leader, follower = os.openpty()
    tty.setraw(follower)
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    return leader, follower


def _read_all(leaders: list[int], timeout: float) -> list[bytes]:
    """Everything written to the terminals until the program closes them (EIO on Linux)."""
    received = {fd: b"" for fd in leaders}
    open_ones = set(leaders)
    while open_ones:
        ready, _, _ = select.select(list(open_ones), [], [], timeout)
        if not ready:
            raise TimeoutError("clusterkg wrote nothing for too long")
        for fd in ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            if chunk:
                received[fd] += chunk
            else:
                open_ones.discard(fd)
    return [received[fd] for fd in leaders]
