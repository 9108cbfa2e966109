"""The fast path gives the reference's answers: OWL RL rules in the store vs owlrl, on the bundled
graph and on a generated one; the build cache is reused, invalidated, repaired and shared safely.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from clusterkg import build as building
from clusterkg.engine import LocalStore, Table, Triples
from clusterkg.generate.dataset import generate
from clusterkg.generate.model import clusters_for_triples
from clusterkg.inputs.bundle import bundled, expand_paths
from clusterkg.inputs.cache import BuildCache
from clusterkg.inputs.digests import memo_path
from clusterkg.knowledge_graph import KnowledgeGraph
from clusterkg.vocabulary import ASSERTED, INFERRED

RUTA_FOOD = ["query", "clusters-of-company", "-p", "company", "Rūta", "-p", "sector", "food"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated graph of about 10 k triples (with its planted violations)."""
    folder = tmp_path_factory.mktemp("generated") / "10k"
    generate(folder, clusters_for_triples(10_000), seed=11)
    return folder


def _inferred(files: list[Path], reasoner: str) -> tuple[str, set[tuple[object, ...]]]:
    store = LocalStore()
    built = building.build_store(store, files, "owlrl", reasoner)
    quads = store.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED))
    return built.reasoner, {tuple(map(_named, (q.subject, q.predicate, q.object))) for q in quads}


def _named(term: object) -> object:
    """A blank node by what it holds, not its id: each load renames the blank nodes of a TriG
    file (the quotes of the statement groups), so two stores never share their ids."""
    return "_:blank" if isinstance(term, ox.BlankNode) else term


def _files(data: Path | None) -> list[Path]:
    bundle = bundled()
    return [*bundle.vocabulary(), *(expand_paths([data]) if data else bundle.data)]


@pytest.mark.parametrize("which", ["bundled", pytest.param("generated", marks=pytest.mark.slow)])
def test_rules_infer_exactly_what_owlrl_infers(which: str, generated: Path) -> None:
    files = _files(None if which == "bundled" else generated)
    used, fast = _inferred(files, "rules")
    reference_used, reference = _inferred(files, "owlrl")
    assert (used, reference_used) == ("rules", "owlrl")
    assert len(fast) > 100  # the check below would also pass if both inferred nothing
    assert fast - reference == set(), "inferred by the rules only"
    assert reference - fast == set(), "inferred by owlrl only"


def _rows(result: Table | Triples) -> list[tuple[str, ...]]:
    if isinstance(result, Triples):
        return sorted(
            tuple(str(t) for t in (x.subject, x.predicate, x.object)) for x in result.triples
        )
    return sorted(tuple(str(v) for v in row) for row in result.rows)


def _some(kg: KnowledgeGraph, query: str) -> str:
    table = kg.sparql(
        "PREFIX ck: <https://w3id.org/clusterkg/ontology#> PREFIX org: <http://www.w3.org/ns/org#> "
        "PREFIX foaf: <http://xmlns.com/foaf/0.1/> " + query
    )
    assert isinstance(table, Table) and table.rows, query
    value = table.rows[0][0]
    assert value is not None
    return value.value


def _bindings(kg: KnowledgeGraph) -> dict[str, str]:
    company = _some(
        kg, "SELECT ?x (COUNT(?c) AS ?n) { ?x org:memberOf ?c } GROUP BY ?x ORDER BY DESC(?n) ?x"
    )
    return {
        "cluster": _some(  # a cluster with an award and a member, for every question of one
            kg, "SELECT ?x { ?x a ck:Cluster ; ck:hasAward ?a . ?m org:memberOf ?x } ORDER BY ?x"
        ),
        "organisation": company,
        "subject": company,
        "project": _some(kg, "SELECT ?x { ?x a ck:Project } ORDER BY ?x"),
        "sector": _some(kg, "SELECT ?x { ?c ck:sector ?x } ORDER BY ?x"),
        "tier": _some(kg, "SELECT ?x { ?x a ck:LabelTier } ORDER BY ?x"),
        "year": _some(kg, "SELECT (STR(MIN(?y)) AS ?x) { ?a ck:awardYear ?y }"),
        "date": _some(kg, "SELECT (CONCAT(STR(MIN(?y)), '-06-01') AS ?x) { ?a ck:awardYear ?y }"),
        "country": _some(kg, "SELECT ?x { ?c ck:country ?x } ORDER BY ?x"),
    }


@pytest.mark.parametrize("which", ["bundled", pytest.param("generated", marks=pytest.mark.slow)])
def test_every_stored_query_gives_the_same_rows_whichever_reasoner_built_the_graph(
    which: str, generated: Path
) -> None:
    data = None if which == "bundled" else [generated]
    fast = KnowledgeGraph.load(data, reasoner="rules")
    reference = KnowledgeGraph.load(data, reasoner="owlrl")
    bindings = _bindings(fast)
    non_empty = 0
    catalogue = list(fast.catalogue)
    for stored in catalogue:
        params = {p.name: bindings[p.kind] for p in stored.parameters if p.required}
        rows = _rows(fast.query(stored.name, params))
        assert rows == _rows(reference.query(stored.name, params)), stored.name
        non_empty += bool(rows)
    assert non_empty >= len(catalogue) - 2  # only the two violation queries may be empty


def test_a_graph_using_owl_constructs_the_rules_lack_is_reasoned_with_owlrl(tmp_path: Path) -> None:
    data = tmp_path / "functional.ttl"
    data.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "<https://example.org/p> a owl:FunctionalProperty .\n",
        encoding="utf-8",
    )
    kg = KnowledgeGraph.load([data])
    assert kg.built.reasoner == "owlrl"
    with pytest.raises(Exception, match=r"--reasoner reference \(owlrl\)"):
        KnowledgeGraph.load([data], reasoner="rules")


# --- the build cache ----------------------------------------------------------------------------


def test_a_second_load_comes_from_the_cache_with_the_same_answers(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "cache")
    first = KnowledgeGraph.load(cache=cache)
    second = KnowledgeGraph.load(cache=cache)
    assert not first.built.from_cache and second.built.from_cache
    assert (second.asserted_count, second.inference.count) == (
        first.asserted_count,
        first.inference.count,
    )
    params = {"company": "Rūta", "sector": "food"}
    assert _rows(second.query("clusters-of-company", params)) == _rows(
        first.query("clusters-of-company", params)
    )


def test_a_changed_input_is_rebuilt_not_served_stale(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "cache")
    data = tmp_path / "data.ttl"
    data.write_text("<https://example.org/a> <https://example.org/p> 1 .\n", encoding="utf-8")
    assert KnowledgeGraph.load([data], cache=cache).asserted_count > 0
    data.write_text("<https://example.org/a> <https://example.org/p> 1 , 2 .\n", encoding="utf-8")
    again = KnowledgeGraph.load([data], cache=cache)
    assert not again.built.from_cache
    found = again.sparql("SELECT ?o { <https://example.org/a> <https://example.org/p> ?o }")
    assert isinstance(found, Table) and len(found.rows) == 2


@pytest.mark.parametrize("damage", ["meta", "store", "stamp"])
def test_a_corrupt_cache_entry_is_rebuilt_not_fatal(tmp_path: Path, damage: str) -> None:
    cache = BuildCache(tmp_path / "cache")
    KnowledgeGraph.load(cache=cache)
    (entry,) = [p for p in cache.root.iterdir() if not p.name.startswith(".")]
    if damage == "meta":
        (entry / "meta.json").write_text("{not json", encoding="utf-8")
    elif damage == "store":
        for file in (entry / "store").iterdir():
            file.write_bytes(b"garbage")
    else:
        meta = json.loads((entry / "meta.json").read_text())
        (entry / "meta.json").write_text(json.dumps({**meta, "key": "0" * 32}))
    rebuilt = KnowledgeGraph.load(cache=cache)
    assert not rebuilt.built.from_cache
    assert KnowledgeGraph.load(cache=cache).built.from_cache


def test_an_unwritable_cache_folder_only_costs_speed(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    kg = KnowledgeGraph.load(cache=BuildCache(blocker / "cache"))
    assert kg.asserted_count > 1000


def _cli(*args: str, cache: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "CLUSTERKG_CACHE_DIR": str(cache)}
    return subprocess.Popen(
        [sys.executable, "-m", "clusterkg", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_concurrent_cli_runs_share_one_cache_safely(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    runs = [_cli(*RUTA_FOOD, cache=cache) for _ in range(4)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0, 0], [err for _, err in outputs]
    assert len({out for out, _ in outputs}) == 1 and "Smart Food Cluster" in outputs[0][0]
    entries = [p for p in cache.iterdir() if not p.name.startswith(".")]
    assert len(entries) == 1
    # no leftovers: the one hidden file is the memo of the inputs' digests (inputs/digests.py)
    assert [p for p in cache.iterdir() if p.name.startswith(".")] == [memo_path(cache)]
    later = _cli(*RUTA_FOOD, cache=cache).communicate(timeout=120)
    assert later[0] == outputs[0][0]


def test_no_cache_writes_nothing(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    out, err = _cli("--no-cache", *RUTA_FOOD, cache=cache).communicate(timeout=120)
    assert "Smart Food Cluster" in out, err
    assert not cache.exists()


def test_the_asserted_graph_holds_every_generated_triple(generated: Path) -> None:
    vocabulary = building.build_store(LocalStore(), bundled().vocabulary()).asserted
    manifest = json.loads((generated / "MANIFEST.json").read_text())
    written = [  # a fact that two statement groups hold is written twice, asserted once
        (q.subject, q.predicate, q.object)
        for path in sorted(generated.glob("*.t*"))
        for q in ox.parse(path=str(path), format=ox.RdfFormat.TRIG)
    ]
    assert len(written) == manifest["triples"]
    kg = KnowledgeGraph.load([generated])
    assert kg.asserted_count == vocabulary + len(set(written))
    assert building.count(kg.built.store, ox.NamedNode(ASSERTED)) == kg.asserted_count


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["ttl", "nt"])
def test_a_streamed_export_holds_the_same_triples_and_is_byte_stable(
    fmt: str, generated: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from rdflib import Graph
    from rdflib.compare import isomorphic

    import clusterkg.output.export as module

    kg = KnowledgeGraph.load([generated])
    canonical = kg.export(fmt)
    monkeypatch.setattr(module, "STREAM_ABOVE", 0)
    streamed = kg.export(fmt)
    assert streamed != canonical  # the other writer really ran
    rdflib_format = {"ttl": "turtle", "nt": "nt"}[fmt]
    assert isomorphic(
        Graph().parse(data=streamed, format=rdflib_format),
        Graph().parse(data=canonical, format=rdflib_format),
    )
    cached = KnowledgeGraph.load([generated], cache=BuildCache(tmp_path / "cache"))
    reopened = KnowledgeGraph.load([generated], cache=BuildCache(tmp_path / "cache"))
    assert reopened.built.from_cache
    assert cached.export(fmt) == streamed == reopened.export(fmt)


@pytest.mark.slow
def test_compiled_shapes_report_what_pyshacl_reports_on_a_generated_graph(generated: Path) -> None:
    from clusterkg.validation.validate import validate_store

    kg = KnowledgeGraph.load([generated])
    shapes = kg.bundle.shapes
    compiled = validate_store(kg.engine, shapes, kg.sources, backend="fast")
    reference = validate_store(kg.engine, shapes, kg.sources, backend="reference")
    assert (compiled.engine, reference.engine) == ("sparql", "pyshacl")
    manifest = json.loads((generated / "MANIFEST.json").read_text())
    assert len(reference.problems) == len(manifest["planted_violations"]) > 0

    def seen(report: object) -> list[tuple[object, ...]]:
        return sorted(
            (p.file, p.line, p.severity, p.focus, p.path, p.component, p.value, p.message)
            for p in report.problems  # type: ignore[attr-defined]
        )

    assert seen(compiled) == seen(reference)
