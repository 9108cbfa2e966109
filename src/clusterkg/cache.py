"""The build cache: parsed + reasoned graphs kept on disk as read-only Oxigraph stores.

A build is keyed by the content of every input file (vocabulary, shapes, data), where it was
read from (relative IRIs resolve against it), the reasoning profile and the versions of clusterkg
and the engines. Any change gives another key, so a stale build can never be served.

Concurrency: a build is written into a private temporary folder and published by one atomic
rename; a reader only ever opens a published folder, read-only. Two processes building the same
key both succeed; the second rename loses and its copy is thrown away. A published folder that
cannot be opened, or whose stamp does not match its key, is deleted and rebuilt, never fatal.

The stamp (the key, in a file beside the store and in meta.json) is kept out of the store: a
triple there would be seen by queries, and a cached run would count one triple more than an
uncached one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pyoxigraph as ox

from clusterkg import __version__

FORMAT = 2  # bump when the layout of a cached build changes (2: stamp out of the store)
STAMP_FILE = "stamp"
KEEP = 6  # builds kept; older ones are removed when a new one is published


def default_root() -> Path:
    """$CLUSTERKG_CACHE_DIR, else $XDG_CACHE_HOME/clusterkg, else ~/.cache/clusterkg."""
    explicit = os.environ.get("CLUSTERKG_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "clusterkg"


def build_key(files: list[Path], extra: dict[str, str]) -> str:
    """A digest of the inputs' bytes and paths, `extra` settings and the engine versions."""
    digest = hashlib.sha256()
    settings = {"format": str(FORMAT), **_versions(), **extra}
    digest.update(json.dumps(settings, sort_keys=True).encode())
    for path in files:
        digest.update(b"\0file\0" + str(path.resolve()).encode() + b"\0")
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:32]


def _versions() -> dict[str, str]:
    versions = {"clusterkg": __version__}
    for package in ("pyoxigraph", "owlrl", "rdflib"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "none"
    return versions


@dataclass
class CachedBuild:
    store: ox.Store
    meta: dict[str, object]
    path: Path


class BuildCache:
    """Builds on disk under `root`, one folder per key."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or default_root()

    def open(self, key: str) -> CachedBuild | None:
        """The published build for `key`, or None if there is none or it is unusable (then it is
        removed so the caller rebuilds it)."""
        folder = self.root / key
        if not folder.is_dir():
            return None
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            stamp = (folder / STAMP_FILE).read_text(encoding="utf-8")
            if stamp != key or meta["key"] != key:
                raise ValueError("stamp does not match the key")
            store = ox.Store.read_only(str(folder / "store"))
        except (OSError, RuntimeError, ValueError, KeyError, TypeError):
            # RocksDB reports a damaged database as RuntimeError ("Corruption: ...")
            shutil.rmtree(folder, ignore_errors=True)
            return None
        os.utime(folder)  # most recently used: pruned last
        return CachedBuild(store, meta, folder)

    def publish(self, key: str, built: ox.Store, meta: dict[str, object]) -> bool:
        """Copy the in-memory store `built` to disk under `key`, atomically. False if the cache
        folder is not usable (read-only file system, no space): nothing is cached then.

        The store is built in memory and copied (dumped as N-Quads, bulk-loaded), because
        building directly in an on-disk store is three times slower here."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            private = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=self.root))
        except OSError:
            return False
        try:
            dump = private / "dump.nq"
            built.dump(str(dump), format=ox.RdfFormat.N_QUADS)
            store = ox.Store(str(private / "store"))
            store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
            dump.unlink()
            store.flush()
            del store  # closes the database before the folder moves
            meta = {"key": key, "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **meta}
            (private / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
            (private / STAMP_FILE).write_text(key, encoding="utf-8")
            try:
                private.rename(self.root / key)
            except OSError:
                shutil.rmtree(private, ignore_errors=True)  # another process published first
        except OSError:
            shutil.rmtree(private, ignore_errors=True)
            return False
        except BaseException:
            shutil.rmtree(private, ignore_errors=True)
            raise
        self._prune(keep=key)
        return True

    def _prune(self, keep: str) -> None:
        builds = sorted(
            (p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith(".")),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in [b for b in builds if b.name != keep][KEEP - 1 :]:
            shutil.rmtree(old, ignore_errors=True)
        for stale in self.root.glob(".*-*"):
            if time.time() - stale.stat().st_mtime > 24 * 3600:
                shutil.rmtree(stale, ignore_errors=True)  # left by a killed build
