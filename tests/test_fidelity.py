"""No silent change to the data: what is loaded is what the files say, once, and nothing else.

Fixtures are in tests/fixtures/fidelity/, each with a comment saying what it holds.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from clusterkg.cache import BuildCache
from clusterkg.cli import cli
from clusterkg.engine import ASSERTED, Table
from clusterkg.knowledge_graph import KnowledgeGraph

ROOT = Path(__file__).resolve().parents[1]
FIDELITY = ROOT / "tests" / "fixtures" / "fidelity"
BLANK_NODE = FIDELITY / "blank-node.ttl"


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
