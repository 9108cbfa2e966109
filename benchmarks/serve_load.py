"""Load on `clusterkg serve`: many concurrent clients on loopback while a runaway query is killed.

Starts `clusterkg --data DIR serve` on 127.0.0.1 (default: the 2 M-triple generated graph), times
its start to the first answered lookup (a few times, the build cached), then runs 100 clients for
60 s with a mix of requests — a lookup stored query, a thing's page, an aggregate — while ONE more
client keeps sending a cross-join that runs until the server's timeout kills it (503 expected).

The clients are Debian's `wrk` (C, one process per kind of request, all at the same time, each
over its own keep-alive connections, cycling through its list of paths with a Lua script that
prints its latencies and error counts as JSON). The runaway's client is a thread of this script.

    python benchmarks/serve_load.py
    python benchmarks/serve_load.py --data /tmp/clusterkg-bench/1M-c410-s2026 --duration 20

Prints a markdown table and writes the figures as JSON (--json). Every non-2xx answer other than
the runaway's 503s counts as an error; the goal is 0, with the lookup's p50 ≤ 20 ms and p99 ≤
200 ms. The build cache is the user's (or --cache-dir): the first run builds the graph (a minute
and more at 2 M triples).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BENCH = Path("/tmp/clusterkg-bench/2M-c820-s2026")
HERE = Path(__file__).resolve().parent
IRI_BASE = "https://w3id.org/clusterkg/"  # clusterkg serve's default --base

# Companies of the generated graph, each with its clusters' sector (English labels), for lookups.
SAMPLE = """
PREFIX ck: <https://w3id.org/clusterkg/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?company ?name ?cluster ?sector WHERE {
  ?company a ck:Company ; skos:prefLabel ?name ; org:memberOf ?cluster .
  ?cluster ck:sector/skos:prefLabel ?sector .
  FILTER(langMatches(lang(?sector), "en"))
} LIMIT %d
"""
LOOKUP = "/queries/clusters-of-company.json?company={name}&sector={sector}"
PAGE = "{cluster}"
AGGREGATE = "/queries/labelled-clusters.json"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"

# wrk: cycle through the paths; at the end, the figures as one JSON line (latencies in µs)
LUA = """
local paths = {%s}
local think = %d
local i = 0
delay = function()
  return think
end
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'JSON {"requests": %%d, "duration_us": %%d, "connect": %%d, "read": %%d, "write": %%d, ' ..
    '"status": %%d, "timeout": %%d, "p50": %%d, "p90": %%d, "p99": %%d, "max": %%d, ' ..
    '"mean": %%.1f}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean))
end
"""


def main() -> None:
    options = arguments()
    if shutil.which("wrk") is None:
        sys.exit("serve_load: needs wrk (Debian: apt-get install -y wrk)")
    port = options.port or free_port()
    base = f"http://127.0.0.1:{port}"
    starts = time_starts(options, port)
    with server(options, port) as log:
        wait_answering(base, "/", 600)  # a build not cached yet is made here
        sample = companies(base, options.sample)
        kinds = {
            "lookup": [fill(options.lookup, s) for s in sample],
            "page": sorted({fill(options.page, s) for s in sample}),
            "aggregate": [options.aggregate],
        }
        warm(base, kinds)
        runaway = Runaway(base, options.runaway)
        runaway.start()
        results = run_wrk(base, kinds, options)
        runaway.stop()
        log.flush()
        replaced = log_lines(Path(log.name), "worker")
    report = {
        "machine": machine(),
        "server": {
            "data": str(options.data),
            "workers": options.workers or os.cpu_count(),
            "timeout_s": options.timeout,
            "reply_cache_mb": 64 if options.reply_cache is None else options.reply_cache,
            "start_to_first_lookup_s": starts,
        },
        "load": {
            "clients": options.clients,
            "duration_s": options.duration,
            "mix": options.mix,
            "think_ms": options.think,
            "kinds": results,
            "runaway": runaway.summary(),
            "server_log_lines_about_workers": replaced,
        },
        "paths": {k: v[:3] for k, v in kinds.items()},
    }
    Path(options.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(markdown(report))
    print(f"\n(JSON: {options.json})")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=BENCH, help="the graph's data folder")
    parser.add_argument("--cache-dir", type=Path, help="passed to clusterkg (default: its own)")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--mix", default="lookup=50,page=30,aggregate=20", help="clients by kind")
    parser.add_argument(
        "--think", type=int, default=0, help="ms each client waits between requests (0: none)"
    )
    parser.add_argument("--workers", type=int, help="the server's --workers (default: cores)")
    parser.add_argument("--timeout", type=float, default=10.0, help="the server's --timeout")
    parser.add_argument(
        "--reply-cache",
        type=int,
        help="the server's --reply-cache MB (0: every request runs on a worker; default: its own)",
    )
    parser.add_argument("--port", type=int, help="default: a free one")
    parser.add_argument("--starts", type=int, default=3, help="timed starts before the load")
    parser.add_argument("--sample", type=int, default=200, help="companies looked up")
    parser.add_argument(
        "--lookup",
        default=LOOKUP,
        help="path; {name} (a company) {company} (its IRI) {sector} filled in",
    )
    parser.add_argument("--page", default=PAGE, help="path; {cluster} the cluster's page")
    parser.add_argument("--aggregate", default=AGGREGATE, help="path")
    parser.add_argument("--runaway", default=RUNAWAY, help="SPARQL sent to /sparql again and again")
    parser.add_argument("--json", default=str(HERE / "results-serve-load.json"))
    return parser.parse_args()


# --- the server -------------------------------------------------------------------------------


def command(options: argparse.Namespace, port: int) -> list[str]:
    script = Path(sys.executable).parent / "clusterkg"  # as a person runs it
    cli = [str(script)] if script.exists() else [sys.executable, "-m", "clusterkg"]
    cli += ["--data", str(options.data)]
    if options.cache_dir:
        cli += ["--cache-dir", str(options.cache_dir)]
    cli += ["serve", "--port", str(port), "--timeout", f"{options.timeout:g}"]
    if options.reply_cache is not None:
        cli += ["--reply-cache", str(options.reply_cache)]
    return cli + (["--workers", str(options.workers)] if options.workers else [])


@contextlib.contextmanager
def server(options: argparse.Namespace, port: int) -> Iterator[Any]:
    """The server running, its stderr in a temporary file; stopped (Ctrl-C, as a person would)
    and waited for after."""
    with tempfile.NamedTemporaryFile("w+", prefix="serve-load-", suffix=".log") as log:
        process = subprocess.Popen(command(options, port), stderr=log, stdout=log)
        try:
            yield log
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def time_starts(options: argparse.Namespace, port: int) -> list[float]:
    """Seconds from starting the server to its first answered lookup, `--starts` times. A first
    start, untimed, builds the graph if the cache lacks it and finds a company to look up."""
    base = f"http://127.0.0.1:{port}"
    with server(options, port):
        wait_answering(base, "/", 600)
        path = fill(options.lookup, companies(base, 1)[0])
    times = []
    for _ in range(options.starts):
        started = time.monotonic()
        with server(options, port):
            wait_answering(base, path, 60)
            times.append(round(time.monotonic() - started, 3))
    return times


def wait_answering(base: str, path: str, within: float) -> None:
    """Until `path` is answered 2xx (connections refused while the server starts)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, http.client.HTTPException):
            status, _ = get(base, path, 30)
            if 200 <= status < 300:
                return
        time.sleep(0.005)
    raise SystemExit(f"serve_load: {base}{path} not answered within {within:g} s")


def get(base: str, path: str, timeout: float, accept: str | None = None) -> tuple[int, bytes]:
    """GET, with no Accept header unless given (as wrk sends)."""
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Accept": accept} if accept else {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def sparql_path(query: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query})


def companies(base: str, count: int) -> list[dict[str, str]]:
    status, body = get(base, sparql_path(SAMPLE % count), 60, "application/sparql-results+json")
    if status != 200:
        raise SystemExit(f"serve_load: the sample query was answered {status}: {body[:200]!r}")
    rows = json.loads(body)["results"]["bindings"]
    return [{k: v["value"] for k, v in row.items()} for row in rows]


def fill(template: str, sample: dict[str, str]) -> str:
    values = {k: urllib.parse.quote(v, safe="") for k, v in sample.items()}
    # the server serves the IRIs under the data's base at the same path under its root
    values["cluster"] = "/" + sample.get("cluster", "").removeprefix(IRI_BASE)
    return template.format(**values)


def warm(base: str, kinds: dict[str, list[str]]) -> None:
    """Every path once, checked: a path the server does not answer 2xx stops the benchmark."""
    for kind, paths in kinds.items():
        for path in paths[:20]:
            status, body = get(base, path, 60)
            if not 200 <= status < 300:
                raise SystemExit(f"serve_load: {kind} {path} answered {status}: {body[:300]!r}")


# --- the clients ------------------------------------------------------------------------------


def run_wrk(
    base: str, kinds: dict[str, list[str]], options: argparse.Namespace
) -> dict[str, dict[str, Any]]:
    """One wrk per kind, all at once, the clients shared out by --mix; their figures."""
    shares = {k: int(v) for k, v in (p.split("=") for p in options.mix.split(","))}
    kinds = {k: v for k, v in kinds.items() if shares.get(k, 0) > 0}
    total = sum(shares.values())
    connections = {k: max(1, round(options.clients * shares[k] / total)) for k in kinds}
    with tempfile.TemporaryDirectory(prefix="serve-load-") as scratch:
        running = {}
        for kind, paths in kinds.items():
            script = Path(scratch, f"{kind}.lua")
            quoted = ", ".join(json.dumps(p) for p in paths)
            script.write_text(LUA % (quoted, options.think), encoding="utf-8")
            wrk = ["wrk", "-t1", f"-c{connections[kind]}", f"-d{options.duration}s"]
            running[kind] = subprocess.Popen(
                [*wrk, "--timeout", "30s", "-s", str(script), base],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        results = {}
        for kind, process in running.items():
            output, _ = process.communicate()
            line = next((x for x in output.splitlines() if x.startswith("JSON ")), None)
            if line is None:
                raise SystemExit(f"serve_load: wrk for {kind} said:\n{output}")
            raw = json.loads(line[5:])
            seconds = raw["duration_us"] / 1e6
            results[kind] = {
                "clients": connections[kind],
                "requests": raw["requests"],
                "requests_per_s": round(raw["requests"] / seconds, 1),
                "p50_ms": raw["p50"] / 1000,
                "p90_ms": raw["p90"] / 1000,
                "p99_ms": raw["p99"] / 1000,
                "max_ms": raw["max"] / 1000,
                "non_2xx": raw["status"],
                "socket_errors": raw["connect"] + raw["read"] + raw["write"],
                "timeouts": raw["timeout"],
            }
    return results


class Runaway(threading.Thread):
    """One client sending the runaway query again and again, one at a time."""

    def __init__(self, base: str, query: str) -> None:
        super().__init__(daemon=True)
        self.base, self.path = base, sparql_path(query)
        self.answers: list[tuple[int, float, str]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            started = time.monotonic()
            try:
                status, body = get(self.base, self.path, 120)
                said = body.decode("utf-8", "replace").strip()[:120]
            except (OSError, http.client.HTTPException) as error:
                status, said = 0, str(error)
            self.answers.append((status, time.monotonic() - started, said))

    def stop(self) -> None:
        self.stopping.set()
        self.join(150)

    def summary(self) -> dict[str, Any]:
        statuses = [s for s, _, _ in self.answers]
        return {
            "sent": len(self.answers),
            "answered_503": statuses.count(503),
            "other": [(s, round(t, 2), m) for s, t, m in self.answers if s != 503],
            "seconds_to_503": [round(t, 2) for s, t, _ in self.answers if s == 503],
            "message": next((m for s, _, m in self.answers if s == 503), None),
        }


# --- the report -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def log_lines(path: Path, word: str) -> list[str]:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return [x for x in lines if word in x][:20]


def machine() -> dict[str, Any]:
    model = next(
        (
            x.split(":", 1)[1].strip()
            for x in Path("/proc/cpuinfo").read_text().splitlines()
            if x.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        int(x.split()[1]) for x in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in x
    )
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "ram_gb": round(memory / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "load_average_at_end": os.getloadavg(),
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def markdown(report: dict[str, Any]) -> str:
    load, facts = report["load"], report["machine"]
    rows = [
        "| kind | clients | requests/s | p50 ms | p90 ms | p99 ms | max ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind, r in load["kinds"].items():
        errors = r["non_2xx"] + r["socket_errors"] + r["timeouts"]
        rows.append(
            f"| {kind} | {r['clients']} | {r['requests_per_s']:,} | {r['p50_ms']:.1f} | "
            f"{r['p90_ms']:.1f} | {r['p99_ms']:.1f} | {r['max_ms']:.0f} | {errors} |"
        )
    runaway = load["runaway"]
    total = sum(r["requests_per_s"] for r in load["kinds"].values())
    starts = report["server"]["start_to_first_lookup_s"]
    return "\n".join(
        [
            *rows,
            "",
            f"{total:,.0f} requests/s in all over {load['duration_s']} s "
            f"(each client waiting {load['think_ms']} ms between requests); runaway cross-join: "
            f"{runaway['sent']} sent, {runaway['answered_503']} stopped with 503 "
            f"(after {statistics.median(runaway['seconds_to_503'] or [0]):.1f} s, median), "
            f"{len(runaway['other'])} otherwise answered.",
            f"Start to first answered lookup (build cached): "
            f"{', '.join(f'{s:.2f}' for s in starts) or 'not timed'} s.",
            f"Machine: {facts['cores']} cores ({facts['cpu']}), {facts['ram_gb']} GB RAM, "
            f"Linux {facts['kernel']}, Python {facts['python']}; "
            f"{report['server']['workers']} workers, timeout {report['server']['timeout_s']:g} s, "
            f"reply cache {report['server'].get('reply_cache_mb', 64)} MB.",
        ]
    )


if __name__ == "__main__":
    main()
