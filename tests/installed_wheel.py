"""clusterkg as `pip install .` installs it, apart from the checkout: the wheel built from this
checkout and installed into a folder of its own, put ahead of the checkout on the path, with
its `clusterkg` command first on PATH. Its dependencies are the running environment's."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Installed:
    site: Path  # where the wheel's modules are
    env: dict[str, str]  # the environment that finds them first, and its clusterkg command


def run_python(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def install_wheel(folder: Path) -> Installed:
    """Build the wheel into `folder`/wheels and install it into `folder`/site."""
    wheels, site = folder / "wheels", folder / "site"
    env = {**os.environ, "CLUSTERKG_CACHE_DIR": str(folder / "cache")}
    built = run_python(
        "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT), cwd=ROOT, env=env
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("clusterkg-*.whl")
    target = ("--target", str(site), str(wheel))
    installed = run_python("-m", "pip", "install", "--no-deps", "-q", *target, cwd=ROOT, env=env)
    assert installed.returncode == 0, installed.stderr
    env["PYTHONPATH"] = str(site)
    env["PATH"] = f"{site / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return Installed(site, env)
