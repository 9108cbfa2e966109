"""Tests of the SHACL shapes in ontology/shapes.ttl.

Each fixture in tests/fixtures/shapes/invalid/ breaks one constraint and says, in its comment
header, which result(s) it must produce and which valid fixture is its twin:

    # valid twin: label-award.ttl
    # expect: cksh:LabelAward-tier sh:MinCountConstraintComponent award:example-bronze

An expect line is `<shape or SPARQL constraint> <constraint component> <focus node> [<severity>]`
(severity defaults to sh:Violation), in CURIEs of the fixture's own prefixes plus cksh: and sh:.
The results must be exactly the expected ones; results that the ontology and reference data
already produce on their own (the baseline) are ignored. Valid fixtures must produce no result
at all, not even a warning.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import NamedTuple

import pyshacl
import pytest
from rdflib import RDF, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology"
FIXTURES = ROOT / "tests" / "fixtures" / "shapes"
VALID = sorted([*(FIXTURES / "valid").glob("*.ttl"), *(FIXTURES / "valid").glob("*.trig")])
INVALID = sorted([*(FIXTURES / "invalid").glob("*.ttl"), *(FIXTURES / "invalid").glob("*.trig")])
DATA = sorted((ROOT / "data").glob("*.trig"))

SH = Namespace("http://www.w3.org/ns/shacl#")
CKSH = Namespace("https://w3id.org/clusterkg/shapes#")


# --- the one place that runs the validator (to be switched to the package's own API) ----------


@functools.cache
def _shapes() -> Graph:
    return Graph().parse(ONTOLOGY / "shapes.ttl", format="turtle")


CK = Namespace("https://w3id.org/clusterkg/ontology#")
PROV = Namespace("http://www.w3.org/ns/prov#")
FIXTURE_SOURCE = URIRef("https://w3id.org/clusterkg/id/source/shape-fixture")


def _read(dataset: Dataset, path: Path) -> None:
    """A file into `dataset` as the loader reads it: a TriG file's statement groups as named
    graphs; a Turtle fixture as one statement group with a described source, so that the shape
    "every statement has a source" stays quiet on fixtures that test other shapes (the fixtures
    of that shape are TriG files with their groups written out)."""
    if path.suffix == ".trig":
        dataset.parse(path, format="trig")
        return
    if path.parent.parent != FIXTURES:  # the ontology and the reference vocabularies
        dataset.default_graph.parse(path, format="turtle")
        return
    group = URIRef(f"https://w3id.org/clusterkg/id/statement/fixture-{path.stem}")
    dataset.graph(group).parse(path, format="turtle")
    dataset.add((group, RDF.type, CK.StatementGroup))
    dataset.add((group, PROV.wasDerivedFrom, FIXTURE_SOURCE))
    dataset.add((group, CK.evidence, URIRef("https://w3id.org/clusterkg/id/evidence/stated")))
    dataset.add((FIXTURE_SOURCE, RDF.type, CK.SourceDocument))
    dataset.add(
        (FIXTURE_SOURCE, URIRef("http://purl.org/dc/terms/title"), Literal("Fixture", lang="en"))
    )


def _reference_files() -> list[Path]:
    reference = ONTOLOGY / "reference"
    return sorted([*reference.glob("*.ttl"), *reference.glob("*.trig")])


@functools.cache  # each set of files is validated once per session; reports are only read
def validate(*data_files: Path) -> Graph:
    """Validate files together with the ontology and reference data; return the report graph.
    pySHACL validates the union of the dataset's graphs, as the asserted graph holds it."""
    data = Dataset()
    for path in [ONTOLOGY / "clusterkg.ttl", *_reference_files(), *data_files]:
        _read(data, path)
    _conforms, report, _text = pyshacl.validate(
        data_graph=data,
        shacl_graph=_shapes(),
        ont_graph=None,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    return report


# --- reading reports and fixture headers -----------------------------------------------------


class Result(NamedTuple):
    """One validation result: the constraint that failed, how, on which node, how badly."""

    constraint: Node  # the SPARQL constraint if there is one, else the source shape
    component: Node
    focus: Node
    severity: Node


def results(report: Graph) -> set[Result]:
    """The results of a report graph, as comparable tuples."""
    found = set()
    for r in report.subjects(RDF.type, SH.ValidationResult):
        constraint = report.value(r, SH.sourceConstraint) or report.value(r, SH.sourceShape)
        found.add(
            Result(
                constraint,
                report.value(r, SH.sourceConstraintComponent),
                report.value(r, SH.focusNode),
                report.value(r, SH.resultSeverity),
            )
        )
    return found


@functools.cache
def baseline() -> frozenset[Result]:
    """What the ontology and reference data produce on their own."""
    return frozenset(results(validate()))


def new_results(*files: Path) -> set[Result]:
    """The results that the files add to the baseline."""
    return results(validate(*files)) - baseline()


def header(path: Path, key: str) -> list[str]:
    """The values of the `# key: value` comment lines of a fixture."""
    pattern = re.compile(rf"^#\s*{re.escape(key)}:\s*(.+?)\s*$")
    return [
        m.group(1) for line in path.read_text("utf-8").splitlines() if (m := pattern.match(line))
    ]


def expected(path: Path) -> set[Result]:
    """The results an invalid fixture's `# expect:` lines announce."""
    graph = _graph_of(path)
    graph.bind("cksh", CKSH)
    graph.bind("sh", SH)

    def term(curie: str) -> URIRef:
        return graph.namespace_manager.expand_curie(curie)

    found = set()
    for line in header(path, "expect"):
        constraint, component, focus, *severity = line.split()
        found.add(
            Result(
                term(constraint), term(component), term(focus), term(*severity or ["sh:Violation"])
            )
        )
    return found


def _graph_of(path: Path) -> Graph:
    """A fixture's triples in one graph (a TriG fixture's groups merged), with its prefixes."""
    if path.suffix != ".trig":
        return Graph().parse(path, format="turtle")
    dataset = Dataset()
    dataset.parse(path, format="trig")
    graph = Graph()
    for prefix, namespace in dataset.namespaces():
        graph.bind(prefix, namespace)
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def names(path: Path) -> str:
    """Test id: the fixture's file name."""
    return path.name


# --- tests ---------------------------------------------------------------------------------


def test_fixture_globs_are_not_empty() -> None:
    assert VALID, "no valid shape fixtures found"
    assert INVALID, "no invalid shape fixtures found"


@pytest.mark.parametrize("fixture", VALID, ids=names)
def test_valid_fixture_conforms_without_warnings(fixture: Path) -> None:
    assert new_results(fixture) == set()


@pytest.mark.parametrize("fixture", INVALID, ids=names)
def test_invalid_fixture_fails_exactly_the_expected_constraint(fixture: Path) -> None:
    want = expected(fixture)
    assert want, f"{fixture.name} has no '# expect:' header"
    assert new_results(fixture) == want


@pytest.mark.parametrize("fixture", INVALID, ids=names)
def test_invalid_fixture_has_a_valid_twin_with_the_same_node(fixture: Path) -> None:
    (twin_name,) = header(fixture, "valid twin")
    twin = FIXTURES / "valid" / twin_name
    assert twin.is_file(), f"{fixture.name}: valid twin {twin_name} does not exist"
    # The broken node is described in the twin, or (when the fixture breaks the node's IRI
    # itself) a node of the same class is.
    broken = _graph_of(fixture)
    valid = _graph_of(twin)
    for result in expected(fixture):
        classes = set(broken.objects(result.focus, RDF.type))
        described = result.focus in set(valid.subjects())
        same_class = bool(classes & set(valid.objects(None, RDF.type)))
        assert described or same_class, f"{twin_name} describes no {result.focus}"


@pytest.mark.parametrize("fixture", INVALID, ids=names)
def test_every_result_has_an_english_message(fixture: Path) -> None:
    report = validate(fixture)
    for r in report.subjects(RDF.type, SH.ValidationResult):
        messages = [str(m) for m in report.objects(r, SH.resultMessage)]
        assert messages and all(len(m) > 20 for m in messages), report.serialize(format="turtle")


def _constraints() -> list[URIRef]:
    """Every property shape and SPARQL constraint of the shapes graph, by IRI."""
    shapes = _shapes()
    found = set(shapes.subjects(RDF.type, SH.PropertyShape))
    found |= set(shapes.subjects(RDF.type, SH.SPARQLConstraint))
    found |= set(shapes.objects(None, SH.property)) | set(shapes.objects(None, SH.sparql))
    return sorted(found)


def test_every_constraint_has_an_iri_a_message_and_a_failing_fixture() -> None:
    shapes = _shapes()
    covered = {result.constraint for fixture in INVALID for result in expected(fixture)}
    constraints = _constraints()
    assert constraints
    for constraint in constraints:
        assert isinstance(constraint, URIRef) and constraint.startswith(str(CKSH)), constraint
        messages = list(shapes.objects(constraint, SH.message))
        assert any(isinstance(m, Literal) and m.language == "en" for m in messages), constraint
        assert constraint in covered, f"no invalid fixture breaks {constraint}"
        if (constraint, RDF.type, SH.PropertyShape) in shapes:
            assert shapes.value(constraint, SH.name) is not None, constraint
            assert shapes.value(constraint, SH.description) is not None, constraint


def test_node_shapes_put_messages_on_their_constraints_only() -> None:
    # pySHACL adds a node shape's own sh:message to every result of its SPARQL constraints.
    shapes = _shapes()
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        assert shapes.value(shape, SH.message) is None, shape


def test_ontology_and_reference_data_conform_without_warnings() -> None:
    assert baseline() == frozenset()


def test_bundled_data_conforms() -> None:
    assert DATA, "no data/*.trig files found"
    violations = {r for r in results(validate(*DATA)) if r.severity == SH.Violation}
    assert violations == set()
