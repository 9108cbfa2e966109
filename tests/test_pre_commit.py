"""The pre-commit hook of .pre-commit-hooks.yaml, run as a data repository runs it: `pre-commit
try-repo` installs clusterkg from a snapshot of this checkout into an environment of its own
(pip, from the package registry) and runs `clusterkg validate` on the repository's files.

try-repo takes a repository's HEAD, so the test commits a copy of the working tree (tracked and
new files, as git lists them) in a repository of its own; the real checkout's history is never
touched. pre-commit keeps its environments in a temporary PRE_COMMIT_HOME. Each run installs
clusterkg and its dependencies (about 40 s on two cores): slow.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
# written by hand: a Violation at line 27, a Warning at line 23 (its header says which)
BROKEN = ROOT / "tests" / "fixtures" / "sarif" / "broken-award.trig"
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "clusterkg tests",
    "GIT_AUTHOR_EMAIL": "tests@example.org",
    "GIT_COMMITTER_NAME": "clusterkg tests",
    "GIT_COMMITTER_EMAIL": "tests@example.org",
}


def git(folder: Path, *args: str) -> str:
    env = {**os.environ, **GIT_IDENTITY}
    process = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-C", str(folder), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    return process.stdout


def snapshot_of_checkout(folder: Path) -> Path:
    """A new repository holding the checkout's working tree (what `git ls-files` lists, tracked
    or new and not ignored), committed: what try-repo installs."""
    files = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    folder.mkdir()
    git(folder, "init", "-q")
    for name in filter(None, files.split("\0")):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is left out
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, folder / name)
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "snapshot of the working tree")
    return folder


def try_repo(repo: Path, data: Path, home: Path, *options: str) -> subprocess.CompletedProcess[str]:
    pre_commit = Path(sys.executable).parent / "pre-commit"
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        [str(pre_commit), "try-repo", str(repo), "clusterkg-validate", *options],
        cwd=data,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        check=False,
    )


def test_the_hooks_file_declares_the_validate_hook() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    validate = hooks["clusterkg-validate"]
    assert validate["entry"] == "clusterkg validate"
    assert validate["language"] == "python"
    assert validate["pass_filenames"] is True
    pattern = re.compile(validate["files"])
    assert all(pattern.search(f"data/x{s}") for s in (".ttl", ".trig", ".TTL", ".jsonld", ".nq"))
    assert not pattern.search("README.md")
    assert re.search(validate["exclude"], "shapes/extra.ttl")


FETEK_GOLD = (Path(__file__).parent / "fixtures" / "workspace" / "fetek-gold.trig").read_text(
    encoding="utf-8"
)


def new_workspace(folder: Path) -> Path:
    """A data repository that is a clusterkg workspace (`clusterkg init`), the bundled facts
    included, with a file valid in its context and a broken one in data/, staged."""
    subprocess.run(
        [sys.executable, "-m", "clusterkg", "init", str(folder)],
        capture_output=True,
        timeout=120,
        check=True,
    )
    git(folder, "init", "-q")
    (folder / "data" / "fetek-gold.trig").write_text(FETEK_GOLD, encoding="utf-8")
    shutil.copy(BROKEN, folder / "data" / "broken-award.trig")
    git(folder, "add", "-A")
    return folder


@pytest.mark.slow
def test_pre_commit_try_repo_passes_valid_data_and_fails_at_the_broken_line(
    tmp_path: Path,
) -> None:
    repo = snapshot_of_checkout(tmp_path / "clusterkg")
    data = new_workspace(tmp_path / "agency")
    home = tmp_path / "pre-commit-home"

    # valid in the workspace's context only: the hook validates the staged file in that context
    passed = try_repo(repo, data, home, "--files", "data/fetek-gold.trig", "README.md")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "clusterkg validate" in passed.stdout and "Passed" in passed.stdout

    failed = try_repo(repo, data, home, "--all-files")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout
    assert (
        "data/broken-award.trig:27: Violation: award:example-birch-cluster-bronze-2021 ck:tier"
        in (failed.stdout)
    )
    assert "data/broken-award.trig:23: Warning: cluster:example-birch-cluster ck:sector" in (
        failed.stdout
    )
    assert "fetek-gold.trig:" not in failed.stdout
    assert "shapes/example.ttl" not in failed.stdout  # shapes are not validated as data
    assert "Traceback" not in failed.stdout + failed.stderr
