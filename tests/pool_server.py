"""A process holding a pool, for tests/test_server_pool.py: it prints its workers' pids once they
have answered, then keeps one of them busy with a query that never ends, until it is killed.

    python tests/pool_server.py CACHE_DIR
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from pool_tasks import CountRows, Pid

from clusterkg.cli.settings import Settings
from clusterkg.inputs.cache import BuildCache
from clusterkg.server.pool import Pool
from clusterkg.server.site import DEFAULT_BASE
from clusterkg.server.startup import served_store


async def main(cache: Path) -> None:
    pool = Pool(served_store(Settings(cache=BuildCache(cache)), DEFAULT_BASE), workers=2)
    await asyncio.gather(pool.run(Pid(0.3), 60), pool.run(Pid(0.3), 60))
    print(*pool.pids, flush=True)
    # a worker deep in Oxigraph hears nothing from its socket: only the kernel can stop it
    await pool.run(CountRows("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"), 600)


if __name__ == "__main__":  # the forkserver imports this module as the main one: no pool there
    asyncio.run(main(Path(sys.argv[1])))
