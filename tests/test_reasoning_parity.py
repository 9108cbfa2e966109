"""The reasoner choice never changes the answer: `auto` gives owlrl's closure on every OWL 2 RL
rule family a data file can trigger, and contradictions are reported, never exported.

Each case is a tiny Turtle file in tests/fixtures/reasoning/, written by hand, with a few triples
it must (or must not) entail, also written by hand: the comparison with owlrl alone would pass if
both reasoners were wrong the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from clusterkg.cli import cli
from clusterkg.engine import LocalStore
from clusterkg.engine.convert import to_oxigraph, to_rdflib_graph
from clusterkg.inputs.cache import BuildCache
from clusterkg.knowledge_graph import KnowledgeGraph
from clusterkg.reasoning import reference as reasoning
from clusterkg.reasoning import rules
from clusterkg.vocabulary import ASSERTED, INFERRED

FIXTURES = Path(__file__).parent / "fixtures" / "reasoning"
PREFIXES = {
    "ex": "https://example.org/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
ERROR_MESSAGE = "http://www.daml.org/2002/03/agents/agent-ont#ErrorMessage"


class Case(NamedTuple):
    """What a fixture must give: the reasoner `auto` picks, triples entailed and not entailed,
    and the inconsistency rule it breaks (if any)."""

    reasoner: str
    entailed: tuple[str, ...]
    not_entailed: tuple[str, ...] = ()
    inconsistent: str | None = None


CASES = {
    "inverse": Case("rules", ("ex:c ex:hasMember ex:a", "ex:b ex:memberOf ex:d")),
    "symmetric": Case("rules", ("ex:b ex:partnerOf ex:a",)),
    "transitive": Case(
        "rules",
        ("ex:a ex:partOf ex:d", "ex:b ex:partOf ex:b", "ex:x ex:partOf ex:d"),
        ("ex:a ex:partOf ex:a", "ex:a ex:partOf ex:x"),
    ),
    "transitive_derived": Case(
        "rules", ("ex:a ex:partOf ex:b", "ex:b ex:partOf ex:c", "ex:a ex:partOf ex:d")
    ),
    "chain": Case("rules", ("ex:a ex:grandparentOf ex:c",), ("ex:a ex:grandparentOf ex:b",)),
    "chain_inverse": Case("rules", ("ex:a ex:peerOf ex:b", "ex:b ex:peerOf ex:a")),
    "chain_inverse_middle": Case("rules", ("ex:a ex:p ex:d",)),
    "schema_from_data": Case(
        "rules", ("ex:x rdf:type ex:D", "ex:E rdfs:subClassOf ex:C", "ex:y rdf:type ex:D")
    ),
    "same_as_terms": Case(
        "rules",
        ("ex:c rdf:type ex:Org", "ex:x rdf:type ex:Member", "ex:x ex:memberOf ex:c"),
    ),
    "chain_type": Case("rules", ("ex:c rdf:type ex:Group", "ex:a ex:memberOfKind ex:Group")),
    "subproperty": Case(
        "rules", ("ex:a ex:memberOf ex:c", "ex:leads rdfs:subPropertyOf ex:memberOf")
    ),
    "equivalent_property": Case("rules", ("ex:a ex:memberOf ex:c", "ex:b ex:belongsTo ex:d")),
    "subclass": Case("rules", ("ex:c rdf:type ex:Organisation",)),
    "equivalent_class": Case("rules", ("ex:n rdf:type ex:Cluster", "ex:c rdf:type ex:Network")),
    "domain_range": Case("rules", ("ex:a rdf:type ex:Member", "ex:c rdf:type ex:Cluster")),
    "same_as": Case(
        "rules",
        (
            "ex:e ex:memberOf ex:c",
            "ex:x ex:knows ex:e",
            "ex:a ex:relatedTo ex:c",
            "ex:e owl:sameAs ex:a",
            "ex:e rdf:type ex:Member",
        ),
        ("ex:a owl:sameAs ex:a",),
    ),
    "same_as_subproperty": Case("rules", ("ex:x ex:memberOf ex:c2", "ex:c2 owl:sameAs ex:c1")),
    "same_as_equivalent_property": Case(
        "rules", ("ex:y ex:memberOf ex:c1", "ex:c2 owl:sameAs ex:c1", "ex:x ex:sameClusterAs ex:x")
    ),
    "same_as_derived_rules": Case(
        "rules", ("ex:a ex:memberOf ex:c", "ex:c ex:partOf ex:e", "ex:c ex:partOf ex:d2")
    ),
    "datatypes": Case(
        "rules",
        ("xsd:boolean owl:disjointWith xsd:decimal", "xsd:decimal rdf:type rdfs:Datatype"),
        ("xsd:boolean owl:disjointWith xsd:string", "xsd:string owl:disjointWith xsd:boolean"),
    ),
    "functional": Case("owlrl", ("ex:p1 owl:sameAs ex:p2",)),
    "functional_subclass": Case(
        "owlrl", ("ex:hasHead rdf:type owl:FunctionalProperty", "ex:p1 owl:sameAs ex:p2")
    ),
    "inverse_functional": Case("owlrl", ("ex:o1 owl:sameAs ex:o2",)),
    "has_value": Case("owlrl", ("ex:c rdf:type ex:FoodCluster", "ex:d ex:sector ex:food")),
    "some_values_from": Case("owlrl", ("ex:a rdf:type ex:Member",)),
    "all_values_from": Case("owlrl", ("ex:m rdf:type ex:FoodCompany",)),
    "disjoint": Case("rules", ("ex:x rdf:type ex:Cluster",), inconsistent="cax-dw"),
    "same_different": Case("rules", ("ex:b ex:memberOf ex:c",), inconsistent="eq-diff1"),
    "different": Case("rules", ("ex:c owl:differentFrom ex:b",)),
    "irreflexive": Case("rules", ("ex:a ex:rivalOf ex:a",), inconsistent="prp-irp"),
    "asymmetric": Case("rules", ("ex:b ex:parentOf ex:a",), inconsistent="prp-asyp"),
    "property_disjoint": Case("rules", ("ex:a ex:leads ex:c",), inconsistent="prp-pdw"),
    "nothing": Case("rules", ("ex:x rdf:type owl:Nothing",), inconsistent="cls-nothing2"),
    "reflexive_undeclared": Case(
        "rules",
        (
            "ex:a ex:q ex:b",
            "ex:q owl:equivalentProperty ex:p",
            "ex:B owl:equivalentClass ex:A",
            "ex:r rdfs:subPropertyOf ex:r",
        ),
        (
            "ex:p rdfs:subPropertyOf ex:p",
            "ex:s rdfs:subPropertyOf ex:s",
            "ex:A rdfs:subClassOf ex:A",
            "ex:E rdfs:subClassOf ex:E",
        ),
    ),
}

Triple = tuple[object, object, object]


def _term(curie: str) -> ox.NamedNode:
    prefix, _, local = curie.partition(":")
    return ox.NamedNode(PREFIXES[prefix] + local)


def _triple(text: str) -> Triple:
    s, p, o = text.split()
    return (_term(s), _term(p), _term(o))


def _inferred(kg: KnowledgeGraph) -> set[Triple]:
    quads = kg.built.store.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED))
    return {(q.subject, q.predicate, q.object) for q in quads}


def _check_key_triples(case: Case, inferred: set[Triple], asserted: set[Triple]) -> None:
    for text in case.entailed:
        assert _triple(text) in inferred | asserted, f"not entailed: {text}"
    for text in case.not_entailed:
        assert _triple(text) not in inferred | asserted, f"entailed: {text}"


def test_every_fixture_has_a_case_and_every_case_a_fixture() -> None:
    files = {path.stem for path in FIXTURES.glob("*.ttl")}
    assert files  # a glob that matches nothing would make the tests below vacuous
    assert files == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_auto_gives_the_closure_owlrl_gives(name: str) -> None:
    case = CASES[name]
    data = [FIXTURES / f"{name}.ttl"]
    auto = KnowledgeGraph.load(data, reasoner="auto")
    reference = KnowledgeGraph.load(data, reasoner="owlrl")
    assert (auto.built.reasoner, reference.built.reasoner) == (case.reasoner, "owlrl")
    fast, slow = _inferred(auto), _inferred(reference)
    assert _ground(fast) - _ground(slow) == set(), "inferred by auto only"
    assert _ground(slow) - _ground(fast) == set(), "inferred by owlrl only"
    assert len(fast) == len(slow)
    # blank nodes are labelled afresh in each store: the rest is compared up to their names
    assert isomorphic(_closure(auto), _closure(reference))
    asserted = _asserted(auto)
    _check_key_triples(case, fast, asserted)
    expected = {case.inconsistent} if case.inconsistent else set()
    assert {i.rule for i in auto.built.inconsistencies} == expected
    assert {i.rule for i in reference.built.inconsistencies} == expected
    assert not any(str(o.value) == ERROR_MESSAGE for _, _, o in slow)  # type: ignore[attr-defined]


def _ground(triples: set[Triple]) -> set[Triple]:
    return {t for t in triples if not any(isinstance(term, ox.BlankNode) for term in t)}


def _closure(kg: KnowledgeGraph) -> Graph:
    """Asserted and inferred triples together, as an rdflib graph."""
    graph = to_rdflib_graph(kg.built.store, ox.NamedNode(ASSERTED))
    graph += to_rdflib_graph(kg.built.store, ox.NamedNode(INFERRED))
    return graph


def _asserted(kg: KnowledgeGraph) -> set[Triple]:
    quads = kg.built.store.quads_for_pattern(None, None, None, ox.NamedNode(ASSERTED))
    return {(q.subject, q.predicate, q.object) for q in quads}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_rules_alone_give_owlrls_closure_or_refuse(name: str) -> None:
    """Only the rules module and owlrl, on the fixture alone (no vocabulary)."""
    case = CASES[name]
    asserted, inferred = ox.NamedNode("urn:test:asserted"), ox.NamedNode("urn:test:inferred")
    store = LocalStore()
    store.load(path=str(FIXTURES / f"{name}.ttl"), format=ox.RdfFormat.TURTLE, to_graph=asserted)
    reference = reasoning.infer(to_rdflib_graph(store, asserted))
    outcome = rules.materialise(store, asserted, inferred)
    fast = {
        (q.subject, q.predicate, q.object)
        for q in store.quads_for_pattern(None, None, None, inferred)
    }
    if case.reasoner == "owlrl":
        assert outcome.unsupported and not fast
        return
    assert outcome.unsupported == []
    slow = {(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in reference.inferred}
    assert fast == slow
    given = {
        (q.subject, q.predicate, q.object)
        for q in store.quads_for_pattern(None, None, None, asserted)
    }
    _check_key_triples(case, fast, given)
    assert len(list(store)) == len(given) + len(fast)  # no scratch graph left behind


def _chain(tmp_path: Path, link: str, n: int, header: str = "") -> Path:
    path = tmp_path / "chain.ttl"
    lines = [
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .",
        "@prefix ex: <https://example.org/> .",
        header,
    ]
    lines += [f"ex:n{i} {link} ex:n{i + 1} ." for i in range(n)]
    lines += [f"ex:n{i} ex:label{i % 3} ex:v{i % 5} ." for i in range(0, n, 4)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("link", "header", "key"),
    [
        ("owl:sameAs", "", "ex:n12 owl:sameAs ex:n0"),
        ("ex:next", "ex:next a owl:TransitiveProperty .", "ex:n0 ex:next ex:n12"),
    ],
)
def test_a_longer_chain_gives_owlrls_closure(
    tmp_path: Path, link: str, header: str, key: str
) -> None:
    path = _chain(tmp_path, link, 12, header)
    auto = KnowledgeGraph.load([path])
    reference = KnowledgeGraph.load([path], reasoner="owlrl")
    assert auto.built.reasoner == "rules"
    assert _inferred(auto) == _inferred(reference)  # no blank nodes here
    assert _triple(key) in _inferred(auto)


# --- inconsistencies are findings, not data ---------------------------------------------------


def test_an_inconsistency_is_a_violation_located_in_its_file() -> None:
    path = FIXTURES / "disjoint.ttl"
    report = KnowledgeGraph.load([path]).validate()
    found = [p for p in report.problems if p.component == "owl2rl:cax-dw"]
    assert len(found) == 1 and not report.conforms
    line = next(
        n for n, text in enumerate(path.read_text().splitlines(), 1) if text.startswith("ex:x")
    )
    assert (found[0].file, found[0].line, found[0].focus) == (
        str(path),
        line,
        "https://example.org/x",
    )
    assert "Person" in found[0].message and "Cluster" in found[0].message


@pytest.mark.parametrize("reasoner", ["auto", "owlrl"])
def test_reason_reports_an_inconsistency_on_stderr_and_exits_1(reasoner: str) -> None:
    data = str(FIXTURES / "same_different.ttl")
    result = CliRunner().invoke(
        cli, ["--no-cache", "--reasoner", reasoner, "--data", data, "reason", "--show"]
    )
    assert result.exit_code == 1, result.stderr
    assert "eq-diff1" in result.stderr and "example.org/a" in result.stderr
    assert "ErrorMessage" not in result.stdout and "cannot be used" not in result.stdout


@pytest.mark.parametrize("reasoner", ["auto", "owlrl"])
def test_export_inferred_holds_no_error_messages(reasoner: str) -> None:
    data = str(FIXTURES / "disjoint.ttl")
    result = CliRunner().invoke(
        cli,
        ["--no-cache", "--reasoner", reasoner, "--data", data, "export", "--inferred", "-f", "nt"],
    )
    assert result.exit_code == 0, result.stderr
    assert "agent-ont" not in result.stdout and "Disjoint classes" not in result.stdout
    assert (
        "<https://example.org/x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://example.org/Cluster>"
        in result.stdout
    )
    assert "cax-dw" in result.stderr


def test_a_cached_build_keeps_its_inconsistencies(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "cache")
    data = [FIXTURES / "property_disjoint.ttl"]
    first = KnowledgeGraph.load(data, cache=cache)
    second = KnowledgeGraph.load(data, cache=cache)
    assert second.built.from_cache
    assert second.built.inconsistencies == first.built.inconsistencies
    assert [i.rule for i in second.built.inconsistencies] == ["prp-pdw"]


def test_the_bundled_graph_is_reasoned_by_the_rules_and_is_consistent() -> None:
    result = CliRunner().invoke(cli, ["--no-cache", "reason"])
    assert result.exit_code == 0, result.stderr
    assert "reasoner: rules" in result.stdout.splitlines()
    assert "inconsistent" not in result.stderr


# --- commands that read the asserted graph only do not reason --------------------------------


def _validate_cli(data: Path, cache: Path) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli, ["--cache-dir", str(cache), "--data", str(data), "validate", "-f", "json"]
    )
    return result.exit_code, result.stdout


def test_validate_without_a_cached_build_reasons_for_contradictions_only(tmp_path: Path) -> None:
    """Loaded without reasoning, validate still reports the contradiction (it reasons then),
    exactly as a graph loaded with its closure does."""
    data = [FIXTURES / "disjoint.ttl"]
    asserted = KnowledgeGraph.load(data, reasoning=False, keep_ill_typed=True)
    assert not asserted.built.reasoned and asserted.built.inferred == 0
    report = asserted.validate()
    assert asserted.built.reasoned, "the contradictions were unknown: reasoning found them"
    assert report.as_json() == KnowledgeGraph.load(data, keep_ill_typed=True).validate().as_json()
    assert [p.component for p in report.problems].count("owl2rl:cax-dw") == 1


def test_validate_takes_the_contradictions_a_cached_build_recorded(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "cache")
    data = [FIXTURES / "property_disjoint.ttl"]
    KnowledgeGraph.load(data, cache=cache)  # a query's run: built, reasoned, published
    asserted = KnowledgeGraph.load(data, cache=cache, reasoning=False, keep_ill_typed=True)
    assert asserted.built.inconsistencies_known and not asserted.built.from_cache
    report = asserted.validate()
    assert not asserted.built.reasoned, "the cache's record was used: no reasoning"
    assert [p.component for p in report.problems if p.component.startswith("owl2rl:")] == [
        "owl2rl:prp-pdw"
    ]
    reasoned = KnowledgeGraph.load(data, keep_ill_typed=True).validate()
    assert report.as_json() == reasoned.as_json()


def test_validate_command_gives_the_same_report_with_and_without_a_cached_build(
    tmp_path: Path,
) -> None:
    data = FIXTURES / "disjoint.ttl"
    cold = _validate_cli(data, tmp_path / "cache")
    ok = CliRunner().invoke(
        cli, ["--cache-dir", str(tmp_path / "cache"), "--data", str(data), "reason"]
    )
    assert ok.exit_code == 1 and "cax-dw" in ok.stderr  # the build is now in the cache
    assert _validate_cli(data, tmp_path / "cache") == cold
    assert cold[0] == 1 and "cax-dw" in cold[1]


def test_a_plain_export_does_not_reason_and_a_query_after_it_does(tmp_path: Path) -> None:
    data = [FIXTURES / "disjoint.ttl"]
    asserted = KnowledgeGraph.load(data, reasoning=False)
    plain = asserted.export("nt")
    assert not asserted.built.reasoned
    assert plain == KnowledgeGraph.load(data).export("nt")
    table = asserted.sparql("SELECT ?c WHERE { <https://example.org/x> a ?c }")
    assert asserted.built.reasoned, "a query reads the closure: it reasoned first"
    assert "https://example.org/Cluster" in {row[0].value for row in table.rows}  # type: ignore[union-attr]
    assert asserted.export("nt", inferred=True) == KnowledgeGraph.load(data).export(
        "nt", inferred=True
    )
