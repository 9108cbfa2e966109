"""No silent change to the data: what is loaded is what the files say, once, and nothing else.

Fixtures are in tests/fixtures/fidelity/, each with a comment saying what it holds.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result
from rdflib import Graph
from rdflib.compare import isomorphic

from clusterkg.cli import cli
from clusterkg.engine import Table
from clusterkg.engine.convert import to_rdflib_graph
from clusterkg.inputs.cache import BuildCache
from clusterkg.inputs.reading import parse_files
from clusterkg.inputs.sources import SourceMap
from clusterkg.knowledge_graph import KnowledgeGraph
from clusterkg.validation.compiled import written
from clusterkg.validation.reference import validate
from clusterkg.validation.report import Report
from clusterkg.validation.validate import validate_store
from clusterkg.vocabulary import ASSERTED, INFERRED

ROOT = Path(__file__).resolve().parents[1]
FIDELITY = ROOT / "tests" / "fixtures" / "fidelity"
BLANK_NODE = FIDELITY / "blank-node.ttl"
CLUSTER = "https://w3id.org/clusterkg/ontology#Cluster"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=True)


def _count(kg: KnowledgeGraph, query: str) -> int:
    table = kg.sparql(query)
    assert isinstance(table, Table)
    value = table.rows[0][0]
    assert value is not None
    return int(value.value)


# --- a file given twice is loaded once ---------------------------------------------------------


def _asserted(data: list[Path]) -> int:
    return KnowledgeGraph.load(data).asserted_count


def test_a_file_given_twice_is_loaded_once(tmp_path: Path) -> None:
    once = _asserted([BLANK_NODE])
    assert _asserted([BLANK_NODE, BLANK_NODE]) == once
    folder = tmp_path / "folder"
    folder.mkdir()
    copy = folder / "member.ttl"
    copy.write_bytes(BLANK_NODE.read_bytes())
    assert _asserted([folder, copy]) == once
    other_path = folder / ".." / "folder" / "member.ttl"
    assert _asserted([copy, other_path]) == once
    link = tmp_path / "link.ttl"
    os.symlink(copy, link)
    assert _asserted([copy, link]) == once


# --- the build cache leaves no trace a query can see -------------------------------------------

COUNTS = {
    "triples": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "graphs": "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    "quads": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
}


@pytest.mark.parametrize("query", list(COUNTS.values()), ids=list(COUNTS))
def test_cached_and_uncached_runs_see_the_same_triples(tmp_path: Path, query: str) -> None:
    cache = BuildCache(tmp_path / "cache")
    uncached = KnowledgeGraph.load([BLANK_NODE])
    KnowledgeGraph.load([BLANK_NODE], cache=cache)
    cached = KnowledgeGraph.load([BLANK_NODE], cache=cache)
    assert cached.built.from_cache
    assert _count(cached, query) == _count(uncached, query)


# --- literals the store keeps in another form are reported, and judged as written ----------------

REWRITTEN = FIDELITY / "rewritten.ttl"


def _written_lines(path: Path) -> dict[int, str]:
    """Line → text of the fixture's statements whose literal the store would change: every line
    with a typed or language-tagged literal, less the ones the fixture keeps as they are."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {
        number: line
        for number, line in enumerate(lines, start=1)
        if ("^^" in line or '"@' in line) and "gYear" not in line and not line.startswith("#")
    }


def test_every_rewritten_literal_is_noted_on_stderr_cached_or_not(tmp_path: Path) -> None:
    expected = _written_lines(REWRITTEN)
    assert len(expected) >= 6
    args = ["--cache-dir", str(tmp_path / "cache"), "--data", str(REWRITTEN), "reason"]
    first, second = invoke(*args), invoke(*args)
    assert first.exit_code == 0 and second.exit_code == 0, first.stderr
    assert (tmp_path / "cache").is_dir()
    for result in (first, second):
        notes = [line for line in result.stderr.splitlines() if "note:" in line]
        assert len(notes) == len(expected), notes
        for number in expected:
            assert any(f"{REWRITTEN}:{number}: " in note for note in notes), number


def test_validate_reports_each_rewritten_literal_as_info() -> None:
    result = invoke("validate", str(REWRITTEN))
    infos = [row for row in result.stdout.splitlines() if ": Info: " in row]
    assert sorted(int(row.split(":")[1]) for row in infos) == sorted(_written_lines(REWRITTEN))
    assert all("https://example.org/thing" in row for row in infos)


def _datatype_results(report: Report) -> set[tuple[str, str | None]]:
    return {
        (p.focus, p.path)
        for p in report.problems
        if p.component == "sh:DatatypeConstraintComponent"
    }


@pytest.mark.parametrize("limit", [written.SAME_TERM_LIMIT, 0], ids=["sameTerm", "python"])
def test_sh_datatype_judges_literals_as_written_like_pyshacl(
    limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(written, "SAME_TERM_LIMIT", limit)
    data, shapes = FIDELITY / "datatype-data.ttl", FIDELITY / "datatype-shapes.ttl"
    kg = KnowledgeGraph.load([data])
    compiled = validate_store(
        kg.engine, shapes, kg.sources, backend="fast", fidelity=kg.built.fidelity
    )
    as_written, _ = parse_files([data])
    shapes_graph, _ = parse_files([shapes])
    reference = validate(as_written, shapes_graph, SourceMap())
    assert _datatype_results(reference), "the fixture must hold violations"
    assert _datatype_results(compiled) == _datatype_results(reference)


# --- the tool's own exports, read back with --data ----------------------------------------------

FORMATS = ["ttl", "nt", "nq", "trig", "jsonld"]
FLAT = {"ttl", "nt", "jsonld"}  # formats without named graphs


@pytest.fixture(scope="module")
def original() -> KnowledgeGraph:
    return KnowledgeGraph.load()


def _graph(kg: KnowledgeGraph, name: str) -> Graph:
    return to_rdflib_graph(kg.built.store, ox.NamedNode(name))


@pytest.mark.parametrize("inferred", [False, True], ids=["asserted", "inferred"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_read_back_gives_the_same_asserted_triples(
    tmp_path: Path, original: KnowledgeGraph, fmt: str, inferred: bool
) -> None:
    exported = tmp_path / f"export.{fmt}"
    original.write_export(exported, fmt, inferred)
    again = KnowledgeGraph.load([exported])
    expected = _graph(original, ASSERTED)
    if inferred and fmt in FLAT:  # no graph to keep them apart: loaded as asserted, and said so
        expected += _graph(original, INFERRED)
        assert any("--inferred" in note for note in again.notes), again.notes
    assert len(_graph(again, ASSERTED)) == len(expected)
    assert isomorphic(_graph(again, ASSERTED), expected)
    if not (inferred and fmt in FLAT):
        assert again.inference.count == original.inference.count
    if inferred and fmt not in FLAT:
        assert any(INFERRED in note and "not loaded" in note for note in again.notes)


def test_named_graphs_are_loaded_into_the_asserted_graph_and_kept_as_groups() -> None:
    path = FIDELITY / "named-graphs.trig"
    kg = KnowledgeGraph.load([path])
    clusters = _count(
        kg,
        f"SELECT (COUNT(?c) AS ?n) WHERE {{ GRAPH <{ASSERTED}> {{ ?c a <{CLUSTER}> }} "
        'FILTER(STRSTARTS(STR(?c), "https://example.org/")) }',
    )
    assert clusters == 4
    grouped = kg.engine.run(
        f"SELECT ?g ?c WHERE {{ GRAPH ?g {{ ?c a <{CLUSTER}> }} "
        f"FILTER(?g NOT IN (<{ASSERTED}>, <{INFERRED}>)) }} ORDER BY ?g"
    )
    assert isinstance(grouped, Table)
    assert [(g.value, c.value) for g, c in grouped.rows] == [  # type: ignore[union-attr]
        ("https://example.org/graph-one", "https://example.org/first-cluster"),
        ("https://example.org/graph-two", "https://example.org/second-cluster"),
    ]
    # queries see each triple once, though its group holds it a second time
    labels = 'SELECT (COUNT(*) AS ?n) WHERE { <https://example.org/first-cluster> ?p "First"@en }'
    assert _count(kg, labels) == 1
    assert any("named by a blank node" in note for note in kg.notes), kg.notes


def test_a_broken_quads_file_is_refused_with_its_line() -> None:
    path = FIDELITY / "bad-quad.nq"
    result = invoke("--data", str(path), "export")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"clusterkg: error: {path}:3: ")
    assert "Traceback" not in result.stderr


def test_a_json_ld_id_that_is_not_an_iri_is_refused_with_its_line() -> None:
    path = FIDELITY / "bad-id.jsonld"
    for args in (["--data", str(path), "export"], ["validate", str(path)]):
        result = invoke(*args)
        assert result.exit_code == 2, result.stdout
        assert result.stderr.startswith(f"clusterkg: error: {path}:5: ")
        assert "spaced cluster" in result.stderr


# --- validate lists ill-typed literals with every other problem ---------------------------------


def test_validate_lists_an_ill_typed_date_with_the_other_problems() -> None:
    path = FIDELITY / "three-problems.ttl"
    result = invoke("validate", str(path))
    assert result.exit_code == 1, result.stderr
    rows = [row for row in result.stdout.splitlines() if ": Violation: " in row]
    ill_typed = [row for row in rows if "'2017-13-45'" in row]
    assert len(ill_typed) == 1 and ill_typed[0].startswith(f"{path}:14: ")
    assert "schema:foundingDate" in ill_typed[0] and "https://example.org/nameless" in ill_typed[0]
    assert any("nameless skos:prefLabel" in row for row in rows)  # the cluster without a name
    assert any("award ck:tier" in row for row in rows)  # the platinum tier
    for args in (["--data", str(path), "export"], ["--data", str(path), "reason"]):
        refused = invoke(*args)
        assert refused.exit_code == 2
        assert refused.stderr.startswith(f"clusterkg: error: {path}:14: ")
