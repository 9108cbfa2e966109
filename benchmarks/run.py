"""Benchmark: clusterkg's path against the plain rdflib + owlrl + pySHACL pipeline, in one run.

    python benchmarks/run.py                       # 10k, 100k, 1M and 2M triples (about an hour)
    python benchmarks/run.py --sizes 10k,100k      # a few minutes
    python benchmarks/run.py --sizes 2M --no-baseline

For each size it generates a synthetic graph (`clusterkg generate`, same seed every run), then
runs each pipeline in its own process (so peak RSS is that pipeline's alone) and prints one table
with the ratios. Every baseline step has a time budget; a step over budget prints "> budget"
rather than an invented figure, and the end-to-end ratio is then a lower bound ("≥").

Project path, step by step: load (Oxigraph parses the files, input checks), reason (OWL 2 RL rules
inside the store), build (load + reason), first run (a first CLI run: build, then the copy into
the on-disk cache), later runs (the build opened from the cache). Validation, queries and export
run on the in-memory store of the first run; queries and export are timed on the cached (on-disk,
read-only RocksDB) store too, in their own column. Queries: median of --runs runs, parameters
bound to IRIs from the data. Export: Turtle, as bytes. Peak RSS: of the whole worker process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000, "2M": 2_000_000}
BUDGETS = {"load": 240.0, "reason": 240.0, "validate": 240.0, "query": 60.0, "export": 240.0}
# Targets at 2 M triples (issue 3); lookups are queries that look up one thing.
TARGETS = {"build": 30.0, "validate": 60.0, "lookup": 0.050, "aggregate": 0.500, "export": 5.0}
LOOKUP_KINDS = {"cluster", "organisation", "company", "project", "person", "subject"}
SEED = 2026
HERE = Path(__file__).resolve().parent


# --- the two pipelines (each runs in a worker process) --------------------------------------------


def project_worker(data: Path, runs: int) -> dict[str, Any]:
    from clusterkg.inputs.bundle import bundled, expand_paths
    from clusterkg.inputs.cache import BuildCache
    from clusterkg.knowledge_graph import KnowledgeGraph

    out: dict[str, Any] = {"steps": {}, "queries": {}}
    files = [*bundled().vocabulary(), *expand_paths([data])]
    out["steps"]["load"], out["steps"]["reason"] = _load_then_reason(files)
    with tempfile.TemporaryDirectory(prefix="clusterkg-bench-cache-") as root:
        cache = BuildCache(Path(root))
        # The first CLI run builds in memory, copies the build to the cache and goes on with the
        # in-memory store: validation, queries and export below run on that store.
        started = time.perf_counter()
        kg = KnowledgeGraph.load([data], cache=cache)
        out["steps"]["first run"] = time.perf_counter() - started
        started = time.perf_counter()
        cached = KnowledgeGraph.load([data], cache=cache)
        out["steps"]["later runs"] = time.perf_counter() - started
        assert cached.built.from_cache and not kg.built.from_cache
        out["triples"] = kg.asserted_count
        out["inferred"] = kg.inference.count
        out["reasoner"] = kg.built.reasoner
        report: list[Any] = []
        out["steps"]["validate"] = _timed(lambda: report.append(kg.validate()))
        out["violations"] = report[0].count("Violation")
        out["planted"] = _planted(data, kg.bundle.shapes)
        out["validator"] = getattr(report[0], "engine", "pyshacl")
        bindings = _bindings(kg)
        out["bindings"] = bindings
        for stored in kg.catalogue:
            params = _params_for(stored, bindings)
            p50, rows = _median_run(kg, stored.text, params, runs)
            p50_cached, _ = _median_run(cached, stored.text, params, runs)
            out["queries"][stored.name] = {
                "p50": p50,
                "p50_cached": p50_cached,
                "rows": rows,
                "kind": _query_kind(stored),
            }
        out["steps"]["export"] = _timed(lambda: kg.export_bytes("ttl"))
        out["steps"]["export (cached store)"] = _timed(lambda: cached.export_bytes("ttl"))
    out["peak_rss_mb"] = _peak_rss_mb()
    return out


def _planted(data: Path, shapes: Path) -> dict[str, int]:
    """The violations generate planted, and how many of them the shapes at hand can report
    (MANIFEST.json names the shape of a kind whose shape may not be there yet)."""
    from rdflib import Graph

    listed = json.loads((data / "MANIFEST.json").read_text())["planted_violations"]
    present = {str(s) for s in Graph().parse(shapes).subjects()}
    reportable = [v for v in listed if v.get("shape", "") in {"", *present}]
    return {"planted": len(listed), "expected": len(reportable)}


def _median_run(kg: Any, text: str, params: dict[str, Any], runs: int) -> tuple[float, int]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = kg.engine.run(text, params)
        times.append(time.perf_counter() - started)
    rows = len(getattr(result, "rows", getattr(result, "triples", [])))
    return statistics.median(times), rows


def _load_then_reason(files: list[Path]) -> tuple[float, float]:
    """Seconds to load (parse + input checks, with the scan of literals as written that runs
    beside the store's load) and to reason, in an in-memory store."""
    import pyoxigraph as ox

    from clusterkg import build as building
    from clusterkg.engine import LocalStore
    from clusterkg.inputs.fidelity import Scan
    from clusterkg.inputs.store_loading import check_loaded, load_file
    from clusterkg.vocabulary import ASSERTED

    store = LocalStore()
    asserted = ox.NamedNode(ASSERTED)
    started = time.perf_counter()
    scan = Scan(files).start()
    for path in files:
        load_file(store, path, asserted)
    check_loaded(store, files, asserted, scan.result())
    loaded = time.perf_counter()
    building.reason(store, "owlrl")
    return loaded - started, time.perf_counter() - loaded


def baseline_worker(data: Path, runs: int, budgets: dict[str, float]) -> dict[str, Any]:
    """rdflib parses, owlrl reasons, pySHACL validates, rdflib runs the queries and serialises."""
    import owlrl
    from pyshacl import validate
    from rdflib import Dataset, Graph, URIRef
    from rdflib.util import guess_format

    from clusterkg.inputs.bundle import bundled, expand_paths
    from clusterkg.queries.catalogue import Catalogue
    from clusterkg.vocabulary import ASSERTED, INFERRED

    out: dict[str, Any] = {"steps": {}, "queries": {}}
    bundle = bundled()
    files = [*bundle.vocabulary(), *expand_paths([data])]
    asserted = Graph()

    def parse() -> None:
        for path in files:
            asserted.parse(path, format=guess_format(str(path)))

    out["steps"]["load"] = _budgeted(parse, budgets["load"])
    if out["steps"]["load"] is None:
        out["peak_rss_mb"] = _peak_rss_mb()
        return out
    reasoned = Graph()
    reasoned += asserted
    out["steps"]["reason"] = _budgeted(
        lambda: owlrl.DeductiveClosure(
            owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
        ).expand(reasoned),
        budgets["reason"],
    )
    if out["steps"]["reason"] is None:
        reasoned = asserted  # queries then run on the asserted graph: a lower bound on time
    shapes = Graph().parse(bundle.shapes, format="turtle")
    out["steps"]["validate"] = _budgeted(
        lambda: validate(
            asserted,
            shacl_graph=shapes,
            inference="none",
            advanced=True,
            allow_warnings=True,
            do_owl_imports=False,
        ),
        budgets["validate"],
    )
    # The stored queries read the asserted graph by name (provenance), as in clusterkg's store.
    dataset = Dataset(default_union=True)
    dataset.graph(URIRef(ASSERTED)).__iadd__(asserted)
    dataset.graph(URIRef(INFERRED)).__iadd__(reasoned)
    bindings = json.loads((data / ".bench-bindings.json").read_text())
    for stored in Catalogue(bundle.queries):
        params = {p.name: URIRef(bindings[p.kind]) for p in stored.parameters if p.required}
        times: list[float | None] = []
        for _ in range(runs):
            spent = _budgeted(
                lambda text=stored.text, bound=params: list(  # type: ignore[misc]
                    dataset.query(text, initBindings=bound)
                ),
                budgets["query"],
            )
            times.append(spent)
            if spent is None or spent > budgets["query"] / runs:
                break  # one slow run is enough to know
        finished = [t for t in times if t is not None]
        out["queries"][stored.name] = {
            "p50": statistics.median(finished) if len(finished) == len(times) else None
        }
    out["steps"]["export"] = _budgeted(
        lambda: asserted.serialize(format="turtle"), budgets["export"]
    )
    out["peak_rss_mb"] = _peak_rss_mb()
    return out


def _bindings(kg: Any) -> dict[str, str]:
    """One IRI per parameter kind, picked from the data (the most connected company, so the
    lookup is not a trivial one)."""
    picks = {
        "cluster": "SELECT ?x WHERE { ?x a ck:Cluster ; ck:hasAward ?a } ORDER BY ?x LIMIT 1",
        "organisation": "SELECT ?x (COUNT(?c) AS ?n) WHERE { ?x org:memberOf ?c } "
        "GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT 1",
        "project": "SELECT ?x WHERE { ?x a ck:Project } ORDER BY ?x LIMIT 1",
        "person": "SELECT ?x WHERE { ?x a foaf:Person } ORDER BY ?x LIMIT 1",
        "tier": "SELECT ?x WHERE { ?x a ck:LabelTier } ORDER BY ?x LIMIT 1",
        "sector": "SELECT ?x (COUNT(?c) AS ?n) WHERE { ?c ck:sector ?x } "
        "GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT 1",
    }
    prefixes = (
        "PREFIX ck: <https://w3id.org/clusterkg/ontology#> "
        "PREFIX org: <http://www.w3.org/ns/org#> PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
    )
    found = {}
    for kind, query in picks.items():
        table = kg.engine.run(prefixes + query)
        found[kind] = table.rows[0][0].value
    found["year"] = "2018"
    found["date"] = "2019-06-01"
    found["country"] = "LT"
    found["company"] = found["organisation"]
    found["subject"] = found["organisation"]
    return found


def _params_for(stored: Any, bindings: dict[str, str]) -> dict[str, Any]:
    import pyoxigraph as ox

    from clusterkg.queries import values

    # the kinds that are not things in the graph become the terms the query service binds
    literal = {"year": values.year, "date": values.day, "country": values.country}
    return {
        p.name: literal[p.kind](p.name, bindings[p.kind])
        if p.kind in literal
        else ox.NamedNode(bindings[p.kind])
        for p in stored.parameters
        if p.required
    }


def _query_kind(stored: Any) -> str:
    required = {p.kind for p in stored.parameters if p.required}
    return "lookup" if required & LOOKUP_KINDS else "aggregate"


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


class _OverBudget(Exception):
    pass


def _budgeted(action: Callable[[], object], budget: float) -> float | None:
    """Seconds the action took, or None if it ran over `budget` (it is interrupted: every
    baseline step is pure Python, which checks for signals between bytecodes)."""

    def expire(_signum: int, _frame: object) -> None:
        raise _OverBudget

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, budget)
    started = time.perf_counter()
    try:
        action()
        return time.perf_counter() - started
    except _OverBudget:
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the driver -----------------------------------------------------------------------------------


def main() -> None:
    args = _arguments()
    if args.worker:
        budgets = json.loads(args.budgets)
        result = (
            project_worker(args.data, args.runs)
            if args.worker == "project"
            else baseline_worker(args.data, args.runs, budgets)
        )
        args.out.write_text(json.dumps(result))
        return
    raw: list[dict[str, Any]] = []
    budgets = {**BUDGETS, **{k: float(v) for k, v in (_pairs(args.budget))}}
    results = []
    for label in args.sizes.split(","):
        data = _dataset(args.workdir, label)
        print(f"== {label}: {data}", file=sys.stderr, flush=True)
        project = _run_worker("project", data, args.runs, budgets)
        # The baseline binds the same IRIs (it has no fast way to pick them).
        (data / ".bench-bindings.json").write_text(json.dumps(project["bindings"]))
        baseline = None if args.no_baseline else _run_worker("baseline", data, args.runs, budgets)
        results.append((label, project, baseline))
        raw.append({"size": label, "project": project, "baseline": baseline})
        if args.output:  # the raw figures too, kept as the run goes
            _write_atomic(args.output.with_suffix(".json"), json.dumps(raw, indent=1))
        print(_table(results, budgets, args), flush=True)
    report = _table(results, budgets, args)
    if args.output:
        _write_atomic(args.output, report)
        print(f"wrote {args.output}", file=sys.stderr)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k,1M,2M", help="comma-separated: 10k,100k,1M,2M")
    parser.add_argument("--runs", type=int, default=5, help="runs per query (median reported)")
    parser.add_argument(
        "--budget",
        action="append",
        default=[],
        metavar="STEP=SECONDS",
        help=f"baseline time budget per step (defaults: {BUDGETS})",
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip rdflib/owlrl/pyshacl")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "clusterkg-bench",
        help="where generated data sets are kept between runs",
    )
    parser.add_argument("--output", type=Path, help="also write the table (markdown) here")
    parser.add_argument("--worker", choices=["project", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--budgets", default="{}", help=argparse.SUPPRESS)
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


def _run_worker(kind: str, data: Path, runs: int, budgets: dict[str, float]) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    command = [sys.executable, str(Path(__file__)), "--worker", kind, "--data", str(data)]
    command += ["--runs", str(runs), "--out", str(out), "--budgets", json.dumps(budgets)]
    started = time.perf_counter()
    subprocess.run(command, check=True, env={**os.environ, "CLUSTERKG_CACHE_DIR": ""})
    print(f"   {kind}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    result: dict[str, Any] = json.loads(out.read_text())
    out.unlink()
    return result


# --- the report -----------------------------------------------------------------------------------


def _table(
    results: list[tuple[str, dict[str, Any], dict[str, Any] | None]],
    budgets: dict[str, float],
    args: argparse.Namespace,
) -> str:
    lines = [
        f"clusterkg benchmark — {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}, median of {args.runs} runs per query; "
        f"baseline budgets: {', '.join(f'{k} {v:.0f} s' for k, v in budgets.items())}",
        "",
    ]
    for label, project, baseline in results:
        lines += _size_table(label, project, baseline, budgets)
    return "\n".join(lines) + "\n"


def _size_table(
    label: str, project: dict[str, Any], baseline: dict[str, Any] | None, budgets: dict[str, float]
) -> list[str]:
    steps = project["steps"]
    header = (
        f"### {label}: {project['triples']:,} asserted + {project['inferred']:,} inferred triples "
        f"(reasoner: {project['reasoner']}, validator: {project['validator']}, "
        f"violations found: {project['violations']}{_expected(project)})"
    )
    lines = [
        header,
        "",
        "| step | clusterkg | clusterkg, cached store | rdflib / owlrl / pyshacl | ratio "
        "| target (2 M) |",
        "|---|---|---|---|---|---|",
    ]
    base_steps = baseline["steps"] if baseline else {}
    steps = {**steps, "build": steps["load"] + steps["reason"]}
    rows = (
        ("load", None),
        ("reason", None),
        ("build", "build"),
        ("first run", None),
        ("later runs", None),
        ("validate", "validate"),
        ("export", "export"),
    )
    for step, target in rows:  # fmt: skip
        ours = steps[step]
        theirs = _baseline_step(step, base_steps, budgets, baseline is not None)
        on_disk = steps.get(f"{step} (cached store)")
        lines.append(
            f"| {step} | {_seconds(ours)} | {_seconds(on_disk) if on_disk else ''} | {theirs[0]} | "
            f"{_ratio(theirs[1], ours, theirs[2])} | {_target(ours, TARGETS.get(target or ''))} |"
        )
    for name, query in project["queries"].items():
        kind = query["kind"]
        theirs_q = (baseline or {}).get("queries", {}).get(name, {})
        spent = theirs_q.get("p50") if baseline else None
        shown = "—" if baseline is None else (_seconds(spent) if spent is not None else "> budget")
        over = baseline is not None and spent is None
        lines.append(
            f"| query {name} ({kind}, {query['rows']} rows) | {_seconds(query['p50'])} | "
            f"{_seconds(query.get('p50_cached'))} | {shown} | "
            f"{_ratio(spent if spent is not None else budgets['query'], query['p50'], over) if baseline else '—'} | "  # noqa: E501
            f"{_target(query['p50'], TARGETS[kind])} |"
        )
    ours_total, theirs_total, lower = _end_to_end(project, baseline, budgets)
    lines.append(
        f"| end to end (load + reason + validate + queries + export) | {_seconds(ours_total)} | | "
        f"{('≥ ' if lower else '') + _seconds(theirs_total) if baseline else '—'} | "
        f"{_ratio(theirs_total, ours_total, lower) if baseline else '—'} | ≥ 20× |"  # noqa: RUF001
    )
    base_rss = f"{baseline['peak_rss_mb']:,.0f} MB" if baseline else "—"
    lines.append(f"| peak RSS | {project['peak_rss_mb']:,.0f} MB | | {base_rss} | | ≤ 4,096 MB |")
    return [*lines, ""]


def _baseline_step(
    step: str, steps: dict[str, Any], budgets: dict[str, float], ran: bool
) -> tuple[str, float | None, bool]:
    """(shown, seconds used for the ratio, over budget?) for one step of the baseline."""
    if not ran:
        return "—", None, False
    if step == "build":
        parts = [steps.get("load"), steps.get("reason")]
        if any(p is None for p in parts):
            spent = sum(
                p if p is not None else budgets[k]
                for p, k in zip(parts, ("load", "reason"), strict=True)
            )
            return f"> {spent:.0f} s (budget)", spent, True
        total = sum(p for p in parts if p is not None)
        return _seconds(total), total, False
    if step in ("first run", "later runs"):
        return "(no cache)", None, False
    if step not in steps:
        return "not run", None, False
    spent = steps[step]
    if spent is None:
        return "> budget", budgets[step], True
    return _seconds(spent), spent, False


def _end_to_end(
    project: dict[str, Any], baseline: dict[str, Any] | None, budgets: dict[str, float]
) -> tuple[float, float, bool]:
    steps = project["steps"]
    ours = steps["load"] + steps["reason"] + steps["validate"] + steps["export"]
    ours += sum(q["p50"] for q in project["queries"].values())
    if baseline is None:
        return ours, 0.0, False
    theirs, lower = 0.0, False
    for step in ("load", "reason", "validate", "export"):
        spent = baseline["steps"].get(step)
        theirs += spent if spent is not None else budgets[step]
        lower = lower or spent is None
    for query in baseline["queries"].values():
        theirs += query["p50"] if query["p50"] is not None else budgets["query"]
        lower = lower or query["p50"] is None
    return ours, theirs, lower


def _expected(project: dict[str, Any]) -> str:
    """Say " of 13 planted, 12 expected by the shapes" where those counts differ from the found."""
    planted = project.get("planted")
    if not planted or planted["planted"] == planted["expected"] == project["violations"]:
        return ""
    return f" of {planted['planted']} planted, {planted['expected']} expected by the shapes"


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.1f} s"


def _ratio(theirs: float | None, ours: float, lower_bound: bool = False) -> str:
    if theirs is None or ours <= 0:
        return "—"
    return f"{'≥ ' if lower_bound else ''}{theirs / ours:,.0f}×"  # noqa: RUF001


def _target(value: float, target: float | None) -> str:
    if target is None:
        return ""
    return f"{'✓' if value <= target else '✗'} ≤ {_seconds(target)}"


def _write_atomic(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


if __name__ == "__main__":
    main()
