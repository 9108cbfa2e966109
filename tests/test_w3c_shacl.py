"""The W3C SHACL test suite (core and SHACL-SPARQL), run through the validator users get.

Each manifest entry is one test: its data graph is loaded and validated against the entry's
shapes graph by the path `clusterkg validate` takes (validation.validate_files: the build keeps
ill-typed literals and hands validation its record of the literals as written), with backend
"auto" (the compiled validator, falling back to pySHACL when the shapes use something it does
not compile). The outcome is compared with the suite's own expected report
(mf:result): sh:conforms, and the set of results as (focus node, path, value, source constraint
component, severity), blank nodes compared by their structure. An expected sht:Failure must be a
ClusterKGError (exit 2 in the CLI), never another exception.

Where the compiled validator accepts a test's shapes graph, it is run on its own as well and must
give the same outcome: the automatic fallback must not hide a wrong compiled result.

The suite lives beside the repository (../shared/w3c/shacl, unmodified); without it these tests
are skipped. The session summary prints the pass count (see conftest.py).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, BNode, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from clusterkg.engine import LocalStore
from clusterkg.engine.convert import to_rdflib_graph
from clusterkg.errors import ClusterKGError
from clusterkg.validation.compiled import UnsupportedShapes
from clusterkg.validation.report import Report
from clusterkg.validation.validate import Backend, validate_files
from clusterkg.vocabulary import ASSERTED

# The suite beside the repository (../shared/w3c, where it is kept up to date), else the
# byte-identical copy in tests/w3c (test_the_copy_is_the_shared_suite checks that they agree).
SHARED = Path(__file__).resolve().parents[2] / "shared" / "w3c"
COPY = Path(__file__).resolve().parent / "w3c"
SUITE = (SHARED if SHARED.is_dir() else COPY) / "shacl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
SH = Namespace("http://www.w3.org/ns/shacl#")
GRAPH = ox.NamedNode(ASSERTED)
# What a result is compared by (the suite's README): not messages, nor the source shape.
COMPARED = (SH.focusNode, SH.resultPath, SH.value, SH.sourceConstraintComponent, SH.resultSeverity)


@dataclass(frozen=True)
class Divergence:
    """A test whose expected outcome clusterkg does not give, and why. It is still run: it must
    give the outcome described (`failure`: a ClusterKGError), and passing it fails the test, so
    that the entry is removed when it is no longer needed."""

    reason: str
    failure: bool


DIVERGENCES = {
    "sparql/pre-binding/shapesGraph-001": Divergence(
        "deliberate: $shapesGraph and $currentShape are optional in SHACL-SPARQL (section "
        "5.3.1: 'Not all SHACL processors need to support this variable. Processors that do not "
        "support the variable $shapesGraph MUST report a failure'). pySHACL does not support "
        "them, and the store holds the data graph alone: clusterkg reports the failure.",
        failure=True,
    ),
}


@dataclass(frozen=True)
class Entry:
    """One manifest entry: where its graphs are and the manifest graph holding its result."""

    name: str  # the test's IRI relative to the suite, e.g. core/node/class-001
    manifest: Path
    data: Path
    shapes: Path
    node: URIRef


def _local(iri: Node) -> Path:
    assert str(iri).startswith("file://"), iri
    return Path(str(iri).removeprefix("file://"))


@functools.cache
def manifest_graph(path: Path) -> Graph:
    return Graph().parse(path, format="turtle", publicID=path.as_uri())


def entries(manifest: Path) -> Iterator[Entry]:
    """The entries of a manifest and of the manifests it includes, in order."""
    graph = manifest_graph(manifest)
    for included in graph.objects(None, MF.include):
        yield from entries(_local(included))
    for listed in graph.objects(None, MF.entries):
        for node in Collection(graph, listed):
            assert isinstance(node, URIRef)
            action = graph.value(node, MF.action)
            yield Entry(
                name=str(node).removeprefix(SUITE.as_uri() + "/"),
                manifest=manifest,
                data=_local(graph.value(action, SHT.dataGraph)),
                shapes=_local(graph.value(action, SHT.shapesGraph)),
                node=node,
            )


def all_entries() -> list[Entry]:
    return list(entries(SUITE / "manifest.ttl")) if SUITE.is_dir() else []


ENTRIES = all_entries()
SKIP_REASON = f"the W3C SHACL test suite is not at {SUITE} (../shared/w3c or tests/w3c)"
CASES = [pytest.param(e, id=e.name) for e in ENTRIES] or [
    pytest.param(None, marks=pytest.mark.skip(reason=SKIP_REASON), id="suite-missing")
]


# --- results, compared by structure ---------------------------------------------------------


def _closure(node: BNode, sources: tuple[Graph, ...], into: Graph) -> None:
    """Copy what a blank node is (its triples, and theirs) from the first source describing it."""
    pending, seen = [node], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        source = next((g for g in sources if (current, None, None) in g), None)
        for _, predicate, obj in source.triples((current, None, None)) if source else ():
            into.add((current, predicate, obj))
            if isinstance(obj, BNode):
                pending.append(obj)


def projection(report: Graph, result: Node, sources: tuple[Graph, ...]) -> str:
    """One result as canonical N-Triples: the compared terms, blank nodes with their structure."""
    graph = Graph()
    subject = BNode()
    for predicate in COMPARED:
        for obj in report.objects(result, predicate):
            graph.add((subject, predicate, obj))
            if isinstance(obj, BNode):
                _closure(obj, (report, *sources), graph)
    lines = to_canonical_graph(graph).serialize(format="nt").splitlines()
    return "\n".join(sorted(line for line in lines if line))


@dataclass(frozen=True)
class Outcome:
    conforms: bool
    results: frozenset[str]


def expected(entry: Entry) -> Outcome | None:
    """The suite's expected report, None for an expected failure (sht:Failure)."""
    graph = manifest_graph(entry.manifest)
    report = graph.value(entry.node, MF.result)
    if report == SHT.Failure:
        return None
    conforms = graph.value(report, SH.conforms)
    assert conforms is not None, f"{entry.name}: no sh:conforms in the expected report"
    results = {projection(graph, r, ()) for r in graph.objects(report, SH.result)}
    return Outcome(conforms.toPython() is True, frozenset(results))


def actual(report: Report, store: LocalStore) -> Outcome:
    """The outcome of a validation, from the report graph clusterkg prints with -f ttl."""
    graph = report.results_graph
    (node,) = graph.subjects(RDF.type, SH.ValidationReport)
    conforms = graph.value(node, SH.conforms)
    assert conforms is not None
    data = to_rdflib_graph(store, GRAPH)
    results = {projection(graph, r, (data,)) for r in graph.objects(node, SH.result)}
    assert conforms.toPython() is report.conforms, "the report graph and Report.conforms differ"
    return Outcome(report.conforms, frozenset(results))


def outcome(entry: Entry, backend: Backend) -> Outcome | None:
    """What validation gives with this backend; None for a ClusterKGError (a failure)."""
    try:
        report, built = validate_files([entry.data], entry.shapes, backend=backend)
    except UnsupportedShapes:
        raise  # the fast validator alone, on shapes it leaves to pySHACL: not a failure
    except ClusterKGError:
        return None
    return actual(report, built.store)


def describe(outcome: Outcome | None) -> str:
    if outcome is None:
        return "failure (ClusterKGError)"
    return f"conforms {outcome.conforms}, results:\n" + "\n\n".join(sorted(outcome.results))


# --- the tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("entry", CASES)
def test_w3c_shacl(entry: Entry, record_property: pytest.RecordProperty) -> None:
    want = expected(entry)
    got = outcome(entry, "auto")
    divergence = DIVERGENCES.get(entry.name)
    if divergence is not None:
        assert got != want, f"{entry.name} now passes: remove it from DIVERGENCES"
        assert (got is None) is divergence.failure, f"not the divergence listed: {describe(got)}"
        record_property("w3c_divergence", entry.name)  # counted apart in the summary
        return
    assert got == want, f"expected {describe(want)}\n\ngot {describe(got)}"


@pytest.mark.parametrize("entry", CASES)
def test_w3c_shacl_compiled_gives_the_same(entry: Entry) -> None:
    """Where the compiler accepts the shapes, its results are the spec's, as the fallback's are."""
    try:
        got = outcome(entry, "fast")
    except UnsupportedShapes:
        pytest.skip("the shapes use a feature the compiler leaves to pySHACL")
    if entry.name not in DIVERGENCES:
        assert got == expected(entry), describe(got)


def test_the_suite_has_every_entry() -> None:
    """The manifests were read: a harness that finds no tests passes silently."""
    if not ENTRIES:
        pytest.skip(SKIP_REASON)
    names = [e.name for e in ENTRIES]
    assert len(names) == len(set(names))
    assert sum(n.startswith("core/") for n in names) > 90
    assert sum(n.startswith("sparql/") for n in names) > 20
    assert set(DIVERGENCES) <= set(names)


@pytest.mark.skipif(not SHARED.is_dir(), reason="no ../shared/w3c beside the repository")
def test_the_copy_is_the_shared_suite() -> None:
    """tests/w3c must stay a byte-identical copy of ../shared/w3c (never edited by hand)."""
    shared = {p.relative_to(SHARED): p.read_bytes() for p in SHARED.rglob("*") if p.is_file()}
    copy = {p.relative_to(COPY): p.read_bytes() for p in COPY.rglob("*") if p.is_file()}
    assert copy == shared
