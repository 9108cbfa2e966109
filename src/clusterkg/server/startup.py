"""Starting the server: the graph from the build cache, where worker processes can open it.

Workers open the cache entry's store read-only (~40 ms each), so the graph is always served from
a cache entry: the user's cache, or with --no-cache a private one removed when the server stops.
A build published by the cache's background writer (big graphs) is waited for first.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from clusterkg.cli.settings import Settings
from clusterkg.errors import ClusterKGError
from clusterkg.inputs.cache import BuildCache
from clusterkg.queries import names
from clusterkg.server.tasks import ServedStore


def served_store(settings: Settings, base: str, scratch: Path | None = None) -> ServedStore:
    """The build of the settings' inputs as a cache entry a worker can open; without a cache in
    `settings`, one in `scratch` (a folder the caller removes)."""
    return served_build(settings, base, scratch)[0]


def served_build(
    settings: Settings, base: str, scratch: Path | None = None
) -> tuple[ServedStore, int]:
    """served_store, and how many triples the build holds (asserted and inferred)."""
    if settings.cache is None:
        folder = Path(tempfile.mkdtemp(prefix="cache-", dir=scratch))
        settings = replace(settings, cache=BuildCache(folder))
    assert settings.cache is not None
    kg = settings.graph()
    if kg.built.folder is None:  # built by this run: published now, or by the background writer
        settings.cache.wait_for_writers()
        kg = settings.graph()
    entry = kg.built.folder
    if entry is None:
        raise ClusterKGError(
            f"the build could not be written to the cache at {settings.cache.root}, "
            "which the server's workers read: give a writable --cache-dir"
        )
    index = entry / names.FILE
    store = ServedStore(entry / "store", index if index.exists() else None, kg.bundle, base)
    return store, kg.built.asserted + kg.built.inferred
