"""Helpers shared by the CLI tests: running clusterkg as a real process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


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


def copy_without_bronze_tier(folder: Path) -> int:
    """Copy data/ into `folder`, with award:fetek-bronze-2018's ck:tier deleted from the
    statement group that holds it; the line where that award's subject is written."""
    shutil.copytree(Path(__file__).resolve().parents[1] / "data", folder)
    awards = folder / "awards.trig"
    lines = awards.read_text(encoding="utf-8").splitlines(keepends=True)
    subject = next(
        i for i, line in enumerate(lines) if line.strip().startswith("award:fetek-bronze-2018 a ")
    )
    end = next(i for i in range(subject, len(lines)) if lines[i].rstrip().endswith(" ."))
    tier = next(i for i in range(subject, end) if lines[i].strip().startswith("ck:tier "))
    del lines[tier]
    awards.write_text("".join(lines), encoding="utf-8")
    return subject + 1
