"""Benchmark: clusterkg against Apache Jena and the rdflib + owlrl + pySHACL pipeline, in one run.

    python benchmarks/run.py --sizes 100k,1M,2M    # about an hour
    python benchmarks/run.py --sizes 100k          # a few minutes
    python benchmarks/run.py --sizes 2M --no-baseline --no-jena

For each size it generates a synthetic graph (`clusterkg generate`, same seed every run) and
prints one report:
1. Commands as a user types them, each its own process (benchmarks/commands.py): first run on an
   empty cache, later runs, every stored query with its parameters given by name, validate,
   export, reason; beside each, Jena's peer command (benchmarks/jena.py: tdb2.tdbloader,
   tdb2.tdbquery, arq, shacl, riot; installed by .ci/install-jena, and when missing the report
   says so) on the same data, and the rdflib pipeline's step. Wall time
   includes process (and JVM) start; RSS is the command's own (benchmarks/processes.py).
2. In process (benchmarks/in_process.py): what the engine work costs, without process start.
3. Remote servers (benchmarks/remote.py): the graph published to Oxigraph server and Virtuoso 7
   (`clusterkg publish`), and every stored query asked of each, beside the server's own time.
Row counts of every query are compared across engines; a mismatch is marked, not hidden. Every
step has a time budget; a step over budget prints "> budget", and a baseline step whose input
ran over budget prints "not run: …" rather than a figure for another question.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the modules beside this script

import commands
import in_process
import jena
import processes
import remote
import report

SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000, "2M": 2_000_000}
# Seconds. Baseline steps (in process): load … export; commands: each run of one command.
BUDGETS = {
    "load": 240.0,
    "reason": 120.0,
    "validate": 90.0,
    "query": 30.0,
    "export": 120.0,
    "first run": 600.0,
    "command": 300.0,
    "jena load": 900.0,
    "arq": 240.0,  # each arq run, and all of one size's together
}
SEED = 2026


# --- the driver -----------------------------------------------------------------------------------


def main() -> None:
    args = _arguments()
    if args.worker:
        _worker(args)
        return
    budgets = {**BUDGETS, **{k: float(v) for k, v in (_pairs(args.budget))}}
    results: list[tuple[str, dict[str, Any]]] = []
    if args.from_json:  # the report again, from the raw figures of an earlier run
        raw = json.loads(args.from_json.read_text())
        print(_report([(r.pop("size"), r) for r in raw], budgets, args), end="")
        return
    for label in args.sizes.split(","):
        data = _dataset(args.workdir, label)
        print(f"== {label}: {data}", file=sys.stderr, flush=True)
        scratch = Path(tempfile.mkdtemp(prefix=f"clusterkg-bench-{label}-", dir=args.scratch))
        try:
            results.append((label, _one_size(data, scratch, budgets, args)))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        if args.output:  # the raw figures too, kept as the run goes
            raw = [{"size": size, **result} for size, result in results]
            _write_atomic(args.output.with_suffix(".json"), json.dumps(raw, indent=1))
        print(_report(results[-1:], budgets, args), flush=True)
    if args.output:
        _write_atomic(args.output, _report(results, budgets, args))
        print(f"wrote {args.output}", file=sys.stderr)


def _one_size(
    data: Path, scratch: Path, budgets: dict[str, float], args: argparse.Namespace
) -> dict[str, Any]:
    """In process first (it picks the terms and names every engine is given), then the
    commands, Jena, and the rdflib pipeline last (the slowest)."""
    project = _run_worker("project", data, args.runs, budgets, scratch)
    result: dict[str, Any] = {"project": project}
    cache = scratch / "cache"  # the commands' build cache: empty for the first run
    if not args.no_commands:
        result["commands"] = _step(
            "commands",
            lambda: commands.run_commands(data, project, args.cli_runs, budgets, scratch, cache),
        )
    if not args.no_remote and not args.no_commands:  # publishing reads the commands' warm cache
        result["remote"] = _step(
            "remote", lambda: remote.run_remote(data, project, args.runs, budgets, cache)
        )
    if not args.no_jena:
        result["jena"] = _step("jena", lambda: _jena(data, project, budgets, scratch, cache, args))
    if not args.no_baseline:
        picked = scratch / "picked.json"
        picked.write_text(json.dumps({k: project[k] for k in ("files", "terms", "queries")}))
        result["baseline"] = _run_worker("baseline", data, args.runs, budgets, scratch, picked)
        result["baseline"]["startup"] = _startup()
    return result


def _jena(
    data: Path,
    project: dict[str, Any],
    budgets: dict[str, float],
    scratch: Path,
    cache: Path,
    args: argparse.Namespace,
) -> dict[str, Any]:
    cp, missing = jena.classpath(scratch)
    if cp is None:
        print(f"   Jena not run: {missing}", file=sys.stderr, flush=True)
        return {"missing": missing}
    nquads = scratch / "store-export.nq"
    if not commands.export_store(data, cache, nquads, budgets["first run"]):
        return {"missing": "clusterkg could not export its store for Jena"}
    inputs = jena.prepare_inputs(nquads, scratch)
    nquads.unlink()
    return jena.run_jena(cp, inputs, project, args.cli_runs, budgets, scratch)


def _step(name: str, action: Any) -> Any:
    started = time.perf_counter()
    result = action()
    print(f"   {name}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return result


def _startup() -> float:
    """Seconds to start Python and import the rdflib pipeline: what its command pays first."""
    argv = [sys.executable, "-c", "import rdflib, owlrl, pyshacl"]
    measured = processes.repeated(argv, 3, budget=60)
    return float(measured["wall"]) if measured["status"] == "ok" else 0.0  # type: ignore[arg-type]


def _worker(args: argparse.Namespace) -> None:
    if args.worker == "project":
        result = in_process.project_worker(args.data, args.runs)
    else:
        picked = json.loads(args.picked.read_text())
        budgets = json.loads(args.budgets)
        result = in_process.baseline_worker(args.data, args.runs, budgets, picked)
    args.out.write_text(json.dumps(result))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k,1M,2M", help="comma-separated: 10k,100k,1M,2M")
    parser.add_argument(
        "--runs", type=int, default=3, help="runs per query in process (median reported)"
    )
    parser.add_argument(
        "--cli-runs", type=int, default=3, help="runs per warm command (median reported)"
    )
    parser.add_argument(
        "--budget",
        action="append",
        default=[],
        metavar="STEP=SECONDS",
        help=f"time budget per step (defaults: {BUDGETS})",
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip rdflib/owlrl/pyshacl")
    parser.add_argument("--no-jena", action="store_true", help="skip Apache Jena")
    parser.add_argument(
        "--no-remote", action="store_true", help="skip the SPARQL servers (publish, queries)"
    )
    parser.add_argument("--no-commands", action="store_true", help="in-process figures only")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "clusterkg-bench",
        help="where generated data sets are kept between runs (read, not written, once made)",
    )
    parser.add_argument(
        "--scratch",
        type=Path,
        default=None,
        help="where each size's caches, TDB2 store and outputs go (removed after the size)",
    )
    parser.add_argument("--output", type=Path, help="also write the table (markdown) here")
    parser.add_argument(
        "--from-json", type=Path, help="print the report of an earlier run's raw figures (.json)"
    )
    parser.add_argument("--worker", choices=["project", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--budgets", default="{}", help=argparse.SUPPRESS)
    parser.add_argument("--picked", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args()


def _pairs(items: list[str]) -> list[tuple[str, str]]:
    pairs = []
    for item in items:
        key, _, value = item.partition("=")
        if key not in BUDGETS or not value:
            sys.exit(
                f"--budget {item}: expected STEP=SECONDS with STEP one of {', '.join(BUDGETS)}"
            )
        pairs.append((key, value))
    return pairs


def _dataset(workdir: Path, label: str) -> Path:
    """The generated graph for `label`, generated once and reused by later runs."""
    from clusterkg.generate.model import clusters_for_triples

    if label not in SIZES:
        sys.exit(f"unknown size {label!r} (known: {', '.join(SIZES)})")
    clusters = clusters_for_triples(SIZES[label])
    folder = workdir / f"{label}-c{clusters}-s{SEED}"
    if not (folder / "MANIFEST.json").is_file():
        workdir.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "clusterkg", "generate", "--clusters", str(clusters),
             "--seed", str(SEED), "-o", str(folder)],
            check=True,
        )  # fmt: skip
    return folder


def _run_worker(
    kind: str,
    data: Path,
    runs: int,
    budgets: dict[str, float],
    scratch: Path,
    picked: Path | None = None,
) -> dict[str, Any]:
    out = scratch / f"{kind}.json"
    command = [sys.executable, str(Path(__file__)), "--worker", kind, "--data", str(data)]
    command += ["--runs", str(runs), "--out", str(out), "--budgets", json.dumps(budgets)]
    command += ["--picked", str(picked)] if picked else []
    started = time.perf_counter()
    done = subprocess.run(command, check=False, env={**os.environ, "CLUSTERKG_CACHE_DIR": ""})
    print(f"   {kind}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    if done.returncode != 0 and kind == "baseline":  # the report says so; the run goes on
        return {"steps": {}, "queries": {}, "not run": _worker_failed(), "peak_rss_mb": 0.0}
    done.check_returncode()
    result: dict[str, Any] = json.loads(out.read_text())
    return result


def _worker_failed() -> dict[str, str]:
    steps = ("load", "reason", "validate", "export", "queries")
    return dict.fromkeys(steps, "the worker failed (its traceback is above)")


def _report(
    results: list[tuple[str, dict[str, Any]]], budgets: dict[str, float], args: argparse.Namespace
) -> str:
    lines = [
        f"clusterkg benchmark — {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}; commands: median of {args.cli_runs} runs; in process: "
        f"median of {args.runs} runs per query; budgets: "
        f"{', '.join(f'{k} {v:.0f} s' for k, v in budgets.items())}",
        "",
    ]
    for label, result in results:
        lines += report.size_report(label, result, budgets)
    return "\n".join(lines) + "\n"


def _write_atomic(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


if __name__ == "__main__":
    main()
