"""Helpers shared by the CLI tests: running clusterkg as a real process."""

from __future__ import annotations

import os
import subprocess
import sys


def run_process(*args: str, seed: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m clusterkg ARGS` as a real process (optionally with a PYTHONHASHSEED)."""
    env = {**os.environ, "PYTHONUTF8": "1", "PYTHONIOENCODING": "utf-8"}
    if seed is not None:
        env["PYTHONHASHSEED"] = seed
    return subprocess.run(
        [sys.executable, "-m", "clusterkg", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )
