"""Loading RDF files: regression tests for what broke."""

from __future__ import annotations

from pathlib import Path

import pytest

from clusterkg import InputError, KnowledgeGraph
from clusterkg.inputs.reading import parse_files

GMONTH = """@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<http://example.org/a> <http://example.org/month> "--05"^^xsd:gMonth .
"""


def test_gmonth_still_accepted_after_owlrl_has_run(tmp_path: Path) -> None:
    """owlrl replaces rdflib's datatype converters; a second load used to reject "--05"."""
    KnowledgeGraph.load().inference  # noqa: B018 - runs owlrl in this process
    path = tmp_path / "month.ttl"
    path.write_text(GMONTH, encoding="utf-8")
    graph, _ = parse_files([path])
    assert len(graph) == 1


def test_invalid_gmonth_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "month.ttl"
    path.write_text(GMONTH.replace("--05", "--13"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        parse_files([path])
    assert caught.value.line == 2
    assert "gMonth" in str(caught.value)
