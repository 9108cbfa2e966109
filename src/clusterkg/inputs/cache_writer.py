"""The build cache's background writer: `python -m clusterkg.inputs.cache_writer PRIVATE KEY`.

A big build is published by this detached process (BuildCache.publish with background=True):
the command that built it dumped its store as N-Quads into the private folder PRIVATE and went
on answering; here the dump is bulk-loaded into an on-disk store and published under KEY as any
build is, by one atomic rename. On any failure the private folder is removed and nothing is
published: the next run builds again.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from clusterkg.engine import LocalStore
from clusterkg.inputs.cache import DUMP_FILE, PENDING_FILE, BuildCache


def write(private: Path, key: str) -> bool:
    """Load the dump in `private` into a store and publish it under `key`."""
    try:
        pending = json.loads((private / PENDING_FILE).read_text(encoding="utf-8"))
        LocalStore.load_on_disk(private / "store", private / DUMP_FILE)
        (private / PENDING_FILE).unlink()
        cache = BuildCache(private.parent, limit=pending.get("limit"))  # the run's --cache-size
        return cache.finish(private, key, pending["meta"], pending["beside"])
    except BaseException:
        shutil.rmtree(private, ignore_errors=True)
        raise


if __name__ == "__main__":
    sys.exit(0 if write(Path(sys.argv[1]), sys.argv[2]) else 1)
