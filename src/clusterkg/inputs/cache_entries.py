"""The build cache's entries as a whole: what each holds and weighs, who is reading it, and which
go when the cache is over its size.

Several processes, of several users, may share one cache folder. A process reading a build
holds a shared lock (flock) on the build's stamp file for as long as it lives; a build is
removed only by a process that gets the exclusive lock, which it holds while it renames the
folder out of sight (`.trash-…`, then deleted). A reader that took its lock while the folder was
being moved sees that its stamp is no longer at the build's path and builds afresh. The kernel
drops a dead process's locks: a crashed reader never pins a build.

The cache is kept under a size in bytes (`--cache-size`, $CLUSTERKG_CACHE_SIZE, default
DEFAULT_LIMIT): after each publish the least recently used builds are removed until the rest
fit, never the build just published nor one in use. "Used" is the folder's modification time,
which opening a build refreshes.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_LIMIT = 2 * 1000**3  # bytes: a dozen builds of the bundled data's size class and more
SIZE_VARIABLE = "CLUSTERKG_CACHE_SIZE"
STAMP_FILE = "stamp"
TRASH = ".trash-"
_UNITS = {"": 1, "b": 1, "k": 1000, "m": 1000**2, "g": 1000**3, "t": 1000**4}
_BINARY = {"ki": 1024, "mi": 1024**2, "gi": 1024**3, "ti": 1024**4}
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]i?)?b?\s*", re.IGNORECASE)


def parse_size(text: str) -> int:
    """Bytes from `2GB`, `500 MB`, `1.5GiB`, `2G` or a plain number; ValueError says the form."""
    found = _SIZE.fullmatch(text)
    if found is None:
        raise ValueError(f"{text!r} is not a size: write e.g. 2GB, 500MB, 1.5GiB or bytes")
    number, unit = found[1], (found[2] or "").lower()
    factor = _BINARY[unit] if unit in _BINARY else _UNITS[unit]
    return int(float(number) * factor)


def size_limit(given: int | None = None) -> int:
    """The cache's size: as given, else $CLUSTERKG_CACHE_SIZE, else DEFAULT_LIMIT."""
    if given is not None:
        return given
    written = os.environ.get(SIZE_VARIABLE)
    return parse_size(written) if written else DEFAULT_LIMIT


def human_size(count: float) -> str:
    """Bytes as a person reads them: `836 kB`, `1.2 GB` (powers of 1000, as --cache-size)."""
    for unit in ("B", "kB", "MB", "GB"):
        if count < 1000:
            return f"{count:.0f} {unit}" if unit == "B" or count >= 100 else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count:.1f} TB"


@dataclass
class Entry:
    """A published build: its key, folder and weight, when built and last used, and what its
    meta.json says it was made of."""

    key: str
    path: Path
    size: int
    last_used: float
    meta: dict[str, object] = field(default_factory=dict)

    @property
    def inputs(self) -> list[str]:
        inputs = self.meta.get("inputs")
        return [str(i) for i in inputs] if isinstance(inputs, list) else []

    def setting(self, name: str) -> str:
        return str(self.meta.get(name, "?"))


def folder_size(folder: Path) -> int:
    total = 0
    for base, _, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(base, name)).st_size
    return total


def published(root: Path) -> list[Entry]:
    """Every published build under `root`, the most recently used first."""
    found = []
    with contextlib.suppress(OSError):
        for folder in root.iterdir():
            if folder.name.startswith(".") or not folder.is_dir():
                continue
            with contextlib.suppress(OSError):
                used = folder.stat().st_mtime
                found.append(Entry(folder.name, folder, folder_size(folder), used, _meta(folder)))
    return sorted(found, key=lambda e: e.last_used, reverse=True)


def _meta(folder: Path) -> dict[str, object]:
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


# The stamp files this process holds a shared lock on: a build it reads, kept for its life.
_LEASES: dict[Path, int] = {}


def lease(folder: Path) -> bool:
    """Hold a shared lock on the build in `folder` for the life of this process; False if the
    build is gone (removed while the lock was awaited)."""
    stamp = folder / STAMP_FILE
    if stamp in _LEASES:
        return True
    try:
        handle = os.open(stamp, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_SH)  # waits only while a remover moves the folder
        still_there = os.fstat(handle).st_ino == os.stat(stamp).st_ino
    except OSError:
        still_there = False
    if not still_there:
        os.close(handle)
        return False
    _LEASES[stamp] = handle
    return True


def release(folder: Path) -> None:
    handle = _LEASES.pop(folder / STAMP_FILE, None)
    if handle is not None:
        os.close(handle)


def in_use(folder: Path) -> bool:
    """Whether a live process (this one included) reads the build in `folder`."""
    try:
        handle = os.open(folder / STAMP_FILE, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(handle)
    return False


def remove_unless_in_use(folder: Path) -> bool:
    """Remove the build in `folder` unless a live process reads it; True if it was removed.
    The exclusive lock is held while the folder is moved out of sight, so no reader can take
    it in between."""
    try:
        handle: int | None = os.open(folder / STAMP_FILE, os.O_RDONLY)
    except OSError:
        handle = None  # no stamp: not a whole build, nobody can be reading it
    trash = folder.with_name(f"{TRASH}{folder.name}-{uuid.uuid4().hex[:8]}")
    try:
        if handle is not None:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        folder.rename(trash)
    except OSError:  # locked by a reader, gone already, or not ours to move
        return False
    finally:
        if handle is not None:
            os.close(handle)
    shutil.rmtree(trash, ignore_errors=True)
    return True


def evict(root: Path, limit: int, keep: str) -> list[Entry]:
    """Remove the least recently used builds until the rest fit in `limit` bytes, never `keep`
    nor one in use; the builds removed."""
    entries = published(root)
    total = sum(e.size for e in entries)
    removed = []
    for entry in reversed(entries):  # the least recently used first
        if total <= limit:
            break
        if entry.key != keep and remove_unless_in_use(entry.path):
            total -= entry.size
            removed.append(entry)
    return removed


def clear_stale(root: Path, older_than: float = 24 * 3600) -> None:
    """Remove private folders left by killed builds and trash left by failed removals."""
    with contextlib.suppress(OSError):
        for stale in root.glob(".*-*"):
            if stale.is_dir() and time.time() - stale.stat().st_mtime > older_than:
                shutil.rmtree(stale, ignore_errors=True)
