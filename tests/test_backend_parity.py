"""One parity harness for the four capabilities with two backends (clusterkg.backends).

For reading, reasoning, validation and writing, the fast backend and the reference backend run on
the same inputs and must give the same result: the same asserted triples, the same inferred
triples, the same problems at the same file:line, the same graph written. The deeper checks of
each pair (every OWL 2 RL rule family, every SHACL shape fixture, generated graphs) live in
test_reasoning_parity.py, test_shacl_sparql.py and test_fast_path.py; this harness holds the
four of them to one standard, through the public API and the options users pick them with.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from canonical import same_graph
from click.testing import CliRunner
from rdflib import Graph

from clusterkg.cli import cli
from clusterkg.engine.convert import to_rdflib_graph
from clusterkg.knowledge_graph import KnowledgeGraph
from clusterkg.vocabulary import ASSERTED, INFERRED

FIXTURES = Path(__file__).parent / "fixtures"
INVALID = sorted((FIXTURES / "shapes" / "invalid").glob("*.ttl"))
# Inputs: the bundled facts (None), a graph with label edge cases, and broken data for validation.
INPUTS: list[list[Path] | None] = [None, [FIXTURES / "queries" / "label-edges.ttl"]]


def graph_of(kg: KnowledgeGraph, name: str) -> Graph:
    import pyoxigraph as ox

    return to_rdflib_graph(kg.built.store, ox.NamedNode(name))


def loaded(data: list[Path] | None, **options: Any) -> KnowledgeGraph:
    return KnowledgeGraph.load(data, **options)


def problems(kg: KnowledgeGraph, validator: str) -> list[tuple[object, ...]]:
    report = kg.validate(validator)
    found = [
        (p.file, p.line, p.severity, p.focus, p.path, p.component, p.value, p.message)
        for p in report.problems
    ]
    return sorted(found, key=repr)


Check = Callable[[list[Path] | None], tuple[object, object]]


def reader(data: list[Path] | None) -> tuple[object, object]:
    fast = loaded(data, reader="fast", reasoner="fast")
    reference = loaded(data, reader="reference", reasoner="fast")
    return graph_of(fast, ASSERTED), graph_of(reference, ASSERTED)


def reasoner(data: list[Path] | None) -> tuple[object, object]:
    fast = loaded(data, reasoner="fast")
    reference = loaded(data, reasoner="reference")
    return graph_of(fast, INFERRED), graph_of(reference, INFERRED)


def validator(data: list[Path] | None) -> tuple[object, object]:
    kg = loaded(data, keep_ill_typed=True, reads_every_triple=True)
    return problems(kg, "fast"), problems(kg, "reference")


def writer(data: list[Path] | None) -> tuple[object, object]:
    kg = loaded(data)
    fast, reference = (kg.export("ttl", inferred=True, writer=w) for w in ("fast", "reference"))
    assert fast != reference, "the two writers write differently: both really ran"
    return Graph().parse(data=fast, format="turtle"), Graph().parse(data=reference, format="turtle")


CAPABILITIES: dict[str, Check] = {
    "reader": reader,
    "reasoner": reasoner,
    "validator": validator,
    "writer": writer,
}


@pytest.mark.parametrize("data", INPUTS, ids=["bundled", "label-edges"])
@pytest.mark.parametrize("capability", sorted(CAPABILITIES))
def test_fast_and_reference_backends_agree(capability: str, data: list[Path] | None) -> None:
    fast, reference = CAPABILITIES[capability](data)
    if isinstance(fast, Graph) and isinstance(reference, Graph):
        assert len(fast) > 0
        assert same_graph(fast, reference), f"{capability}: the backends give different graphs"
    else:
        assert fast == reference, f"{capability}: the backends give different results"


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_both_validators_find_the_same_problems_in_broken_data(path: Path) -> None:
    fast, reference = validator([path])
    assert fast, f"{path.name} is broken data: some problem must be found"
    assert fast == reference


def test_each_backend_is_picked_by_its_option() -> None:
    """The options reach the backends: the reference reasoner is named in reason's output, and
    an unknown backend is refused with the choices."""
    result = CliRunner().invoke(cli, ["--no-cache", "--reasoner", "reference", "reason"])
    assert result.exit_code == 0, result.stderr
    assert "reasoner: owlrl" in result.stdout
    result = CliRunner().invoke(cli, ["--validator", "quick", "validate"])
    assert result.exit_code == 2
    assert "'quick' is not one of 'auto', 'fast', 'reference'" in result.stderr


def test_the_reference_reader_really_reads_with_rdflib(monkeypatch: pytest.MonkeyPatch) -> None:
    import clusterkg.inputs.store_loading as loading

    read: list[Path] = []
    original = loading._load_with_rdflib

    def spy(store: Any, path: Path, graph: Any) -> None:
        read.append(path)
        original(store, path, graph)

    monkeypatch.setattr(loading, "_load_with_rdflib", spy)
    kg = loaded(None, reader="reference")
    assert read and set(read) == {f for f in kg.files if f.suffix == ".ttl"}
    read.clear()
    loaded(None, reader="fast")
    assert read == []


def test_the_fast_writer_alone_refuses_the_formats_it_does_not_write() -> None:
    result = CliRunner().invoke(cli, ["--writer", "fast", "export", "-f", "jsonld"])
    assert result.exit_code == 2
    assert result.stderr == (
        "clusterkg: error: the fast writer writes ttl and nt only, not jsonld; "
        "use --writer auto or reference\n"
    )


def test_the_fast_validator_alone_says_what_it_does_not_compile(tmp_path: Path) -> None:
    from clusterkg.errors import ShapesError
    from clusterkg.validation.validate import validate_files

    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ;\n"
        '  sh:sparql [ sh:select "SELECT $this WHERE { }" ] ] .\n',
        encoding="utf-8",
    )
    data = tmp_path / "data.ttl"
    data.write_text("<http://example.org/a> <http://example.org/p> 1 .\n", encoding="utf-8")
    with pytest.raises(ShapesError, match=r"the fast validator does not compile .*sh:sparql"):
        validate_files([data], shapes, backend="fast")
    report, _ = validate_files([data], shapes, backend="auto")  # pySHACL takes it
    assert report.engine == "pyshacl"


def test_auto_and_fast_reading_are_one_cached_build(tmp_path: Path) -> None:
    from clusterkg.inputs.cache import BuildCache

    cache = BuildCache(tmp_path)
    assert not KnowledgeGraph.load(cache=cache, reader="auto").built.from_cache
    assert KnowledgeGraph.load(cache=cache, reader="fast").built.from_cache
    assert not KnowledgeGraph.load(cache=cache, reader="reference").built.from_cache


def test_a_reasoner_and_its_synonym_are_one_cached_build(tmp_path: Path) -> None:
    from clusterkg.inputs.cache import BuildCache

    cache = BuildCache(tmp_path)
    assert not KnowledgeGraph.load(cache=cache, reasoner="fast").built.from_cache
    assert KnowledgeGraph.load(cache=cache, reasoner="rules").built.from_cache
    assert not KnowledgeGraph.load(cache=cache, reasoner="owlrl").built.from_cache
    assert KnowledgeGraph.load(cache=cache, reasoner="reference").built.from_cache


def test_an_unknown_backend_is_refused_by_the_api_too() -> None:
    from clusterkg.errors import ClusterKGError

    with pytest.raises(ClusterKGError, match="unknown reader backend 'quick'"):
        KnowledgeGraph.load(reader="quick")
    kg = KnowledgeGraph.load()
    with pytest.raises(ClusterKGError, match="unknown validator backend 'quick'"):
        kg.validate("quick")
    with pytest.raises(ClusterKGError, match="unknown writer backend 'quick'"):
        kg.export(writer="quick")
