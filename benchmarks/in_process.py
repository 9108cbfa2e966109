"""The engine's work without process start: clusterkg's path and the rdflib + owlrl + pySHACL
pipeline, each timed inside one worker process of its own.

Project path: load (Oxigraph parses the files, input checks), reason (OWL 2 RL rules inside the
store), first run (build, then the copy into the on-disk cache), later runs (the build opened
from the cache). Validation, queries and export run on the in-memory store of the first run;
queries and export are timed on the cached (on-disk, read-only RocksDB) store too. Queries:
median of `runs` runs, parameters bound to terms from the data (the commands give names).

The project worker also picks what the other engines are given: one thing per parameter kind
(its IRI or literal, and its name for the command line), the files it read and each stored
query's text, so every engine answers the same question.
"""

from __future__ import annotations

import json
import resource
import signal
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

LOOKUP_KINDS = {"cluster", "organisation", "company", "project", "person", "subject"}
PREFIXES = (
    "PREFIX ck: <https://w3id.org/clusterkg/ontology#> "
    "PREFIX org: <http://www.w3.org/ns/org#> PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX schema: <https://schema.org/> "
)
# One thing of each kind, from the data: the most connected company, so the lookup is not a
# trivial one; the rest the first in IRI order.
PICKS = {
    "cluster": "SELECT ?x WHERE { ?x a ck:Cluster ; ck:hasAward ?a } ORDER BY ?x LIMIT 1",
    "organisation": "SELECT ?x (COUNT(?c) AS ?n) WHERE { ?x org:memberOf ?c } "
    "GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT 1",
    "project": "SELECT ?x WHERE { ?x a ck:Project } ORDER BY ?x LIMIT 1",
    "person": "SELECT ?x WHERE { ?x a foaf:Person } ORDER BY ?x LIMIT 1",
    "tier": "SELECT ?x WHERE { ?x a ck:LabelTier } ORDER BY ?x LIMIT 1",
    "sector": "SELECT ?x (COUNT(?c) AS ?n) WHERE { ?c ck:sector ?x } "
    "GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT 1",
}
LITERALS = {"year": "2018", "date": "2019-06-01", "country": "LT"}
# A thing's name as a person would type it: its English preferred label first.
NAME_OF = (
    "SELECT ?name WHERE {{ VALUES (?p ?rank) {{ (skos:prefLabel 0) (foaf:name 1) "
    "(schema:name 2) (rdfs:label 3) }} <{iri}> ?p ?name }} "
    'ORDER BY (!langMatches(lang(?name), "en")) ?rank ?name LIMIT 1'
)


def project_worker(data: Path, runs: int) -> dict[str, Any]:
    from clusterkg.inputs.bundle import bundled, expand_paths
    from clusterkg.inputs.cache import BuildCache
    from clusterkg.knowledge_graph import KnowledgeGraph

    out: dict[str, Any] = {"steps": {}, "queries": {}}
    files = [*bundled().vocabulary(), *expand_paths([data])]
    out["files"] = [str(f) for f in files]
    out["steps"]["load"], out["steps"]["reason"] = _load_then_reason(files)
    with tempfile.TemporaryDirectory(prefix="clusterkg-bench-cache-") as root:
        cache = BuildCache(Path(root))
        # The first CLI run builds in memory, copies the build to the cache (a big one: hands
        # it to the background writer) and goes on with the in-memory store: validation,
        # queries and export below run on that store.
        started = time.perf_counter()
        kg = KnowledgeGraph.load([data], cache=cache)
        out["steps"]["first run"] = time.perf_counter() - started
        cache.wait_for_writers(timeout=900)
        out["cache ready"] = time.perf_counter() - started
        started = time.perf_counter()
        cached = KnowledgeGraph.load([data], cache=cache)
        out["steps"]["later runs"] = time.perf_counter() - started
        assert cached.built.from_cache and not kg.built.from_cache
        out["triples"] = kg.asserted_count
        out["inferred"] = kg.inference.count
        out["reasoner"] = kg.built.reasoner
        out["shapes"] = str(kg.bundle.shapes)
        report: list[Any] = []
        out["steps"]["validate"] = _timed(lambda: report.append(kg.validate()))
        out["violations"] = report[0].count("Violation")
        out["planted"] = _planted(data, kg.bundle.shapes)
        out["validator"] = getattr(report[0], "engine", "pyshacl")
        terms = _terms(kg)
        out["terms"] = {kind: str(term) for kind, term in terms.items()}
        out["names"] = _names(kg, terms)
        for stored in kg.catalogue:
            required = [p for p in stored.parameters if p.required]
            params = {p.name: terms[p.kind] for p in required}
            p50, rows = _median_run(kg, stored.text, params, runs)
            p50_cached, _ = _median_run(cached, stored.text, params, runs)
            out["queries"][stored.name] = {
                "p50": p50,
                "p50_cached": p50_cached,
                "rows": rows,
                "kind": "lookup" if {p.kind for p in required} & LOOKUP_KINDS else "aggregate",
                "params": [(p.name, p.kind) for p in required],
                "text": stored.text,
            }
        out["steps"]["export"] = _timed(lambda: kg.export_bytes("ttl"))
        out["steps"]["export (cached store)"] = _timed(lambda: cached.export_bytes("ttl"))
    out["peak_rss_mb"] = _peak_rss_mb()
    return out


def _terms(kg: Any) -> dict[str, Any]:
    """One RDF term per parameter kind, as the query service binds it."""
    import pyoxigraph as ox

    from clusterkg.queries import values

    found: dict[str, Any] = {}
    for kind, query in PICKS.items():
        found[kind] = ox.NamedNode(kg.engine.run(PREFIXES + query).rows[0][0].value)
    found["company"] = found["subject"] = found["organisation"]
    literal = {"year": values.year, "date": values.day, "country": values.country}
    for kind, text in LITERALS.items():
        found[kind] = literal[kind](kind, text)
    return found


def _names(kg: Any, terms: dict[str, Any]) -> dict[str, str]:
    """What a user types for each term: a thing's name, a literal's value."""
    names = {}
    for kind, term in terms.items():
        if kind in LITERALS:
            names[kind] = LITERALS[kind]
            continue
        rows = kg.engine.run(PREFIXES + NAME_OF.format(iri=term.value)).rows
        names[kind] = rows[0][0].value if rows else term.value  # no name: the IRI
    return names


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


# --- the rdflib + owlrl + pySHACL pipeline --------------------------------------------------------


def baseline_worker(
    data: Path, runs: int, budgets: dict[str, float], picked: dict[str, Any]
) -> dict[str, Any]:
    """rdflib parses, owlrl reasons, pySHACL validates, rdflib runs the queries and serialises.
    A step whose input did not get made in its budget is not run ("not run: …"), never run on
    other input: queries without the closure would answer another question."""
    import owlrl
    from pyshacl import validate
    from rdflib import Dataset, Graph, URIRef
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
    from rdflib.util import from_n3, guess_format

    from clusterkg.inputs.bundle import bundled
    from clusterkg.vocabulary import ASSERTED, INFERRED

    out: dict[str, Any] = {"steps": {}, "queries": {}, "not run": {}}
    asserted = Graph()
    files = Dataset()  # TriG's statement groups are named graphs: a Graph would drop them

    def parse() -> None:
        for path in picked["files"]:
            files.parse(path, format=guess_format(str(path)))
        for s, p, o, _ in files.quads():
            asserted.add((s, p, o))

    out["steps"]["load"] = _budgeted(parse, budgets["load"])
    if out["steps"]["load"] is None:
        out["not run"] = dict.fromkeys(
            ("reason", "validate", "export", "queries"), "parsing over budget"
        )
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
    shapes = Graph().parse(bundled().shapes, format="turtle")
    out["steps"]["validate"] = _budgeted(
        lambda: validate(
            files,  # the files as read: pySHACL validates the union, SPARQL sees the groups
            shacl_graph=shapes,
            inference="none",
            advanced=True,
            allow_warnings=True,
            do_owl_imports=False,
        ),
        budgets["validate"],
    )
    out["steps"]["export"] = _budgeted(
        lambda: asserted.serialize(format="turtle"), budgets["export"]
    )
    if out["steps"]["reason"] is None:
        out["not run"]["queries"] = "reasoning over budget"
        out["peak_rss_mb"] = _peak_rss_mb()
        return out
    # clusterkg's store: the asserted graph by name (provenance reads it), the inferred one,
    # and the statement groups (GRAPH ?group); the default graph is their union.
    dataset = Dataset(default_union=True)
    dataset.graph(URIRef(ASSERTED)).__iadd__(asserted)
    dataset.graph(URIRef(INFERRED)).__iadd__(reasoned)
    for group in files.graphs():
        if group.identifier != DATASET_DEFAULT_GRAPH_ID:
            dataset.graph(group.identifier).__iadd__(group)
    for name, query in picked["queries"].items():
        bound = {p: from_n3(picked["terms"][kind]) for p, kind in query["params"]}
        out["queries"][name] = _baseline_query(dataset, query["text"], bound, runs, budgets)
    out["peak_rss_mb"] = _peak_rss_mb()
    return out


def _baseline_query(
    dataset: Any, text: str, bound: dict[str, Any], runs: int, budgets: dict[str, float]
) -> dict[str, Any]:
    times: list[float | None] = []
    rows: list[int] = []
    for _ in range(runs):
        try:
            spent = _budgeted(
                lambda: rows.append(len(list(dataset.query(text, initBindings=bound)))),
                budgets["query"],
            )
        except Exception as error:  # rdflib's parser or evaluator: say which, go on
            return {"p50": None, "rows": None, "failed": f"{type(error).__name__}: {error}"}
        times.append(spent)
        if spent is None or spent > budgets["query"] / runs:
            break  # one slow run is enough to know
    finished = [t for t in times if t is not None]
    return {
        "p50": statistics.median(finished) if len(finished) == len(times) else None,
        "rows": rows[-1] if rows else None,
    }


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
