"""A damaged build cache costs a rebuild and one line of notice, never a wrong answer or a crash.

Each case damages a real cache entry the way disks and people do (garbage inside a data file,
a truncated or deleted file, broken metadata) or puts it on a read-only file system, then runs
the real command: the answer must equal that of a run without the cache.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_support import run_process

QUERY = ("query", "clusters-of-company", "-p", "company", "Rūta", "-p", "sector", "food")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("CLUSTERKG_CACHE_DIR", str(root))
    first = run_process(*QUERY)
    assert first.returncode == 0, first.stderr
    return root


@pytest.fixture(scope="module")
def expected() -> str:
    done = run_process("--no-cache", *QUERY)
    assert done.returncode == 0, done.stderr
    return done.stdout


def entry(cache: Path) -> Path:
    (found,) = [p for p in cache.iterdir() if not p.name.startswith(".")]
    return found


def biggest_data_file(cache: Path) -> Path:
    files = [p for p in (entry(cache) / "store").iterdir() if p.suffix == ".sst"]
    return max(files, key=lambda p: p.stat().st_size)


def overwrite_middle(path: Path) -> None:
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(size // 3)
        handle.write(os.urandom(size // 3))


def truncate(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2)


DAMAGE = {
    "garbage in a data file": lambda cache: overwrite_middle(biggest_data_file(cache)),
    "truncated data file": lambda cache: truncate(biggest_data_file(cache)),
    "deleted data file": lambda cache: biggest_data_file(cache).unlink(),
    "deleted manifest": lambda cache: next((entry(cache) / "store").glob("MANIFEST-*")).unlink(),
    "garbage in the name index": lambda cache: overwrite_middle(entry(cache) / "names.sqlite"),
    "deleted name index": lambda cache: (entry(cache) / "names.sqlite").unlink(),
    "broken metadata": lambda cache: (entry(cache) / "meta.json").write_text("{", "utf-8"),
    "metadata of another build": lambda cache: (entry(cache) / "meta.json").write_text(
        json.dumps({"key": "0" * 32}), "utf-8"
    ),
}


@pytest.mark.parametrize("damage", list(DAMAGE.values()), ids=list(DAMAGE))
def test_a_damaged_entry_is_rebuilt_with_one_line_of_notice(
    cache: Path, expected: str, damage: object
) -> None:
    damage(cache)  # type: ignore[operator]
    rebuilt = run_process(*QUERY)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert rebuilt.stdout == expected
    notices = rebuilt.stderr.splitlines()
    assert len(notices) == 1 and "damaged" in notices[0] and "rebuilding" in notices[0], notices
    again = run_process(*QUERY)  # repaired: served from the cache, silently
    assert (again.stdout, again.stderr) == (expected, "")


def test_an_intact_entry_says_nothing(cache: Path, expected: str) -> None:
    done = run_process(*QUERY)
    assert (done.stdout, done.stderr, done.returncode) == (expected, "", 0)


def test_an_entry_copied_elsewhere_is_still_used(cache: Path, expected: str) -> None:
    """New modification times alone (a copy) are checked by checksum, not thrown away."""
    for path in (entry(cache) / "store").iterdir():
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    done = run_process(*QUERY)
    assert (done.stdout, done.stderr) == (expected, "")


@pytest.fixture
def read_only(cache: Path) -> Iterator[Path]:
    """The cache folder mounted read-only on itself (needs root, as CI has)."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("a read-only bind mount needs root")
    mounts = [["mount", "--bind", str(cache), str(cache)]]
    mounts.append(["mount", "-o", "remount,bind,ro", str(cache)])
    for command in mounts:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            subprocess.run(["umount", str(cache)], check=False, capture_output=True)
            pytest.skip(f"cannot mount here: {done.stderr.strip()}")
    yield cache
    subprocess.run(["umount", str(cache)], check=True)


def test_an_intact_entry_on_a_read_only_file_system_is_used(read_only: Path, expected: str) -> None:
    done = run_process(*QUERY)
    assert (done.stdout, done.stderr, done.returncode) == (expected, "", 0)
