"""Remote servers in the benchmark: the generated graph published to Oxigraph server and to
Virtuoso 7, then every stored query asked of each server.

For each server (started by the tests' own fixtures, tests/sparql_servers.py, on 127.0.0.1):
- publish: `clusterkg --data DATA publish URL --with-inferred --force` as a user types it (the
  generated graph has planted violations, which publish would refuse), on a warm build cache
  (the first run is measured by the commands); wall time and peak RSS; then again, unchanged.
- queries: each stored query with the parameters the commands give (names, resolved on the
  server), its p50 through clusterkg's remote engine (name lookups, the request, reading the
  answer) beside the server's own time for the same request (the same bound text and dataset
  posted on a pooled client, the answer not read) and beside the local p50 on the cached store;
  rows compared with the local rows.
Goal (issue 13): publish 2 M triples to Oxigraph server in 60 s or less; a remote lookup within
2x of the server's own time.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' server fixtures

from commands import clusterkg_argv
from processes import repeated

from clusterkg.engine import Table
from clusterkg.remote_graph import RemoteGraph
from tests.sparql_servers import SparqlServer, oxigraph_server, virtuoso_server

SERVERS: dict[str, Callable[[], AbstractContextManager[SparqlServer]]] = {
    "Oxigraph server": oxigraph_server,
    "Virtuoso 7": virtuoso_server,
}
PUBLISH_GOAL = 60.0  # seconds, 2 M triples to Oxigraph server
LOOKUP_RATIO_GOAL = 2.0


def run_remote(
    data: Path, project: dict[str, Any], runs: int, budgets: dict[str, float], cache: Path
) -> dict[str, Any]:
    """Publish and query figures per server; a server that is not installed says why."""
    out: dict[str, Any] = {}
    for name, start in SERVERS.items():
        try:
            with start() as server:
                out[name] = _one_server(server, data, project, runs, budgets, cache)
        except pytest.skip.Exception as missing:
            out[name] = {"missing": str(missing)}
        print(f"   remote {name}: done", file=sys.stderr, flush=True)
    return out


def _one_server(
    server: SparqlServer,
    data: Path,
    project: dict[str, Any],
    runs: int,
    budgets: dict[str, float],
    cache: Path,
) -> dict[str, Any]:
    env = {**os.environ, "CLUSTERKG_CACHE_DIR": str(cache)}
    if server.user is not None:
        env.update(
            CLUSTERKG_SPARQL_USER=server.user, CLUSTERKG_SPARQL_PASSWORD=server.password or ""
        )
    publish = [*clusterkg_argv(), "--data", str(data), "publish", server.store_url, "--force"]
    out: dict[str, Any] = {
        "publish": repeated([*publish, "--with-inferred"], 1, budget=budgets["command"], env=env)
    }
    if out["publish"]["status"] != "ok":
        return out
    out["publish again"] = repeated(
        [*publish, "--with-inferred"], 1, budget=budgets["command"], env=env
    )
    out["queries"] = {}
    with RemoteGraph(server.query_url) as remote, httpx.Client(timeout=None) as raw:
        for name, query in project["queries"].items():
            params = {p: project["names"][kind] for p, kind in query["params"]}
            out["queries"][name] = _query(remote, raw, name, params, runs, query)
    return out


def _query(
    remote: RemoteGraph,
    raw: httpx.Client,
    name: str,
    params: dict[str, str],
    runs: int,
    local: dict[str, Any],
) -> dict[str, Any]:
    """One stored query: p50 by name through clusterkg (names looked up on the server), p50
    of the bound query through the remote engine, and the server's own p50 for the very
    request the engine sends (the same form posted on a pooled client, the answer not read)."""
    try:
        answer = remote.query(name, params)  # the first run warms the server's caches
    except Exception as error:  # the report says what failed, the run goes on
        return {"error": str(error).splitlines()[0]}
    rows = len(answer.rows) if isinstance(answer, Table) else len(answer.triples)
    by_name = _p50(lambda: remote.query(name, params), runs)
    stored = remote.catalogue.get(name)
    bindings = remote.queries.bind(stored, params)
    bound = _p50(lambda: remote.engine.run(stored.text, bindings), runs)
    body = urlencode(remote.engine.request_form(stored.text, bindings)).encode("ascii")
    headers = {
        "Accept": "application/sparql-results+json",
        "Content-Type": "application/x-www-form-urlencoded",
    }

    def post() -> None:
        reply = raw.post(remote.connection.url, content=body, headers=headers)
        reply.raise_for_status()

    return {
        "remote p50": by_name,
        "engine p50": bound,
        "server p50": _p50(post, runs),
        "local p50": local.get("p50_cached"),
        "rows": rows,
        "local rows": local.get("rows"),
    }


def _p50(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(max(runs, 1)):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def remote_report(results: dict[str, Any]) -> Iterator[str]:
    """The markdown lines of the remote figures."""
    yield "Remote SPARQL servers (benchmarks/remote.py): `publish --with-inferred` on a warm "
    yield "build cache; queries through clusterkg's remote engine (names resolved on the server) "
    yield "beside the server's own time for the very request the engine sends, and the local time."
    yield ""
    for server, figures in results.items():
        if "missing" in figures:
            yield f"- {server}: not run: {figures['missing']}"
            continue
        yield from _server_lines(server, figures)


def _server_lines(server: str, figures: dict[str, Any]) -> Iterator[str]:
    publish = figures["publish"]
    goal = f" (goal at 2 M: ≤ {PUBLISH_GOAL:.0f} s)" if server == "Oxigraph server" else ""
    yield f"- {server}: publish {_seconds(publish)}, {publish.get('rss_mb', 0):,.0f} MB{goal}"
    again = figures.get("publish again")
    if again:
        yield f"- {server}: publish again (nothing changed) {_seconds(again)}"
    if "queries" not in figures:
        return
    yield ""
    yield (
        f"| {server}: query | by name (lookups on the server) | bound, through the engine | "
        "server's own (same request) | ratio engine/server | local (cached store) | "
        "rows remote · local |"
    )
    yield "|---|---|---|---|---|---|---|"
    for name, query in figures["queries"].items():
        if "error" in query:
            yield f"| {name} | failed: {query['error']} | | | | | |"
            continue
        ratio = query["engine p50"] / query["server p50"] if query["server p50"] else 0.0
        mark = " ✓" if ratio <= LOOKUP_RATIO_GOAL else " ✗"
        local = query["local p50"]
        same = "" if query["rows"] == query["local rows"] else " ≠"
        yield (
            f"| {name} | {_ms(query['remote p50'])} | {_ms(query['engine p50'])} | "
            f"{_ms(query['server p50'])} | "
            f"{ratio:.1f}×{mark} | {_ms(local) if local else '—'} | "  # noqa: RUF001
            f"{query['rows']} · {query['local rows']}{same} |"
        )
    yield ""


def _seconds(measured: dict[str, Any]) -> str:
    if measured.get("status") != "ok":
        return f"{measured.get('status')}"
    return f"{measured['wall']:.1f} s"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"
