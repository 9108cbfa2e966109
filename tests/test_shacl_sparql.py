"""The compiled SHACL validator (clusterkg.validation.compiled) gives pySHACL's results.

Each test loads triples into a store's asserted graph, runs the reference path of
clusterkg.validation.validate (validate_store with backend "reference": the store's graph as an
rdflib Graph,
pySHACL with the options clusterkg uses) and the compiled queries on the same store, and compares
the two multisets of results: focus node, path, value, constraint component, severity, messages,
and the shape and SPARQL constraint they come from. Blank nodes are compared by what they are: a
data blank node by its triples, a blank shape by its path.

pySHACL is the slow side (half a second for the vocabulary and one fixture, five for the bundled
graph), so it runs once per graph: the fixtures of tests/fixtures/shapes are validated together in
one graph, each with its own nodes renamed apart, except the few that change the vocabulary (see
`fixture_batches`).
"""

from __future__ import annotations

import functools
import json
import random
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.term import Node

from clusterkg.engine import LocalEngine, LocalStore
from clusterkg.engine.convert import to_oxigraph
from clusterkg.inputs.bundle import bundled
from clusterkg.inputs.sources import SourceMap
from clusterkg.inputs.store_loading import keep_statement_groups
from clusterkg.validation.compiled import (
    CompiledShapes,
    ShaclResult,
    UnsupportedShapes,
    compile_shapes,
    runner,
)
from clusterkg.validation.compiled.rdflib_view import RDFLIB_CONVERTED
from clusterkg.validation.compiled.rust_regex import rust_subset
from clusterkg.validation.compiled.value_type import DURATION_START, SURELY_WELL_TYPED
from clusterkg.validation.validate import validate_store
from clusterkg.vocabulary import ASSERTED

BUNDLE = bundled()
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "shapes"
ALL_FIXTURES = sorted((FIXTURES / "invalid").glob("*.ttl")) + sorted(
    (FIXTURES / "valid").glob("*.ttl")
)
GRAPH = ox.NamedNode(ASSERTED)
SH = Namespace("http://www.w3.org/ns/shacl#")

Key = tuple[object, ...]


# --- loading and comparing ------------------------------------------------------------------


@functools.cache
def compiled_bundle() -> CompiledShapes:
    return compile_shapes(BUNDLE.shapes)


def store_of(files: Iterable[Path] = (), turtle: str = "") -> ox.Store:
    """A store whose asserted graph holds the vocabulary, the files and the Turtle text, loaded
    the way clusterkg loads them (Oxigraph's parser)."""
    store = LocalStore()
    for path in [*BUNDLE.vocabulary(), *files]:
        fmt = ox.RdfFormat.from_extension(path.suffix[1:])
        store.load(path=str(path), format=fmt, base_iri=path.as_uri(), to_graph=GRAPH)
    if turtle:
        store.load(turtle.encode(), format=ox.RdfFormat.TURTLE, to_graph=GRAPH)
    keep_statement_groups(store, GRAPH)  # the TriG files' groups, into the asserted graph too
    return store


def describe(store: ox.Store, term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> object:
    """A term, a blank node by its triples (nested blank nodes as [])."""
    if not isinstance(term, ox.BlankNode):
        return None if term is None else str(term)
    triples = store.quads_for_pattern(term, None, None, GRAPH)
    return tuple(
        sorted(
            f"{q.predicate} {'[]' if isinstance(q.object, ox.BlankNode) else q.object}"
            for q in triples
        )
    )


def shape_key(shape: object, path: object) -> object:
    """A named shape by its IRI, a blank one by its path."""
    if isinstance(shape, ox.NamedNode):
        return shape.value
    return str(shape) if isinstance(shape, URIRef) else ("blank shape", str(path))


def reference(store: ox.Store, shapes: Path) -> Counter[Key]:
    """pySHACL's results, by clusterkg's reference path (validate_store's backend "reference")."""
    report = validate_store(
        LocalEngine(store), shapes, SourceMap(), backend="reference"
    ).results_graph

    def term(result: Node, predicate: URIRef) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
        value = report.value(result, predicate)
        return None if value is None else to_oxigraph(value)

    found: Counter[Key] = Counter()
    for r in report.subjects(RDF.type, SH.ValidationResult):
        path = term(r, SH.resultPath)
        constraint = report.value(r, SH.sourceConstraint)
        found[
            (
                describe(store, term(r, SH.focusNode)),
                describe(store, path),
                describe(store, term(r, SH.value)),
                str(report.value(r, SH.sourceConstraintComponent)),
                str(report.value(r, SH.resultSeverity)),
                tuple(sorted(str(m) for m in report.objects(r, SH.resultMessage))),
                shape_key(report.value(r, SH.sourceShape), path),
                str(constraint) if isinstance(constraint, URIRef) else constraint is not None,
            )
        ] += 1
    return found


def key(store: ox.Store, result: ShaclResult) -> Key:
    constraint = result.source_constraint
    return (
        describe(store, result.focus),
        describe(store, result.path),
        describe(store, result.value),
        result.component,
        result.severity,
        result.messages,
        shape_key(result.source_shape, result.path),
        constraint.value if isinstance(constraint, ox.NamedNode) else constraint is not None,
    )


def compiled_results(store: ox.Store, compiled: CompiledShapes) -> Counter[Key]:
    return Counter(key(store, r) for r in compiled.validate(LocalEngine(store), GRAPH.value))


def assert_same_results(store: ox.Store, compiled: CompiledShapes, shapes: Path) -> int:
    """Both validators agree on the store; returns the number of results."""
    want, got = reference(store, shapes), compiled_results(store, compiled)
    missing, extra = want - got, got - want
    assert not missing and not extra, f"pySHACL only: {missing}\ncompiled only: {extra}"
    return sum(want.values())


# --- the bundled graph and the shape fixtures ------------------------------------------------


def test_bundled_graph_gives_pyshacls_results() -> None:
    assert_same_results(store_of(BUNDLE.data), compiled_bundle(), BUNDLE.shapes)


def test_a_broken_bundled_graph_gives_pyshacls_results() -> None:
    store = store_of(BUNDLE.data)
    # Break it: drop every other tier and award year, give a cluster a text as its sector.
    for predicate in ("ontology#tier", "ontology#awardYear"):
        iri = ox.NamedNode(f"https://w3id.org/clusterkg/{predicate}")
        for quad in list(store.quads_for_pattern(None, iri, None, GRAPH))[::2]:
            store.remove(quad)
    store.add(
        ox.Quad(
            ox.NamedNode("https://w3id.org/clusterkg/id/cluster/litek"),
            ox.NamedNode("https://w3id.org/clusterkg/ontology#sector"),
            ox.Literal("food"),
            GRAPH,
        )
    )
    assert assert_same_results(store, compiled_bundle(), BUNDLE.shapes) > 5


@functools.cache
def vocabulary_iris() -> frozenset[str]:
    """Every IRI the vocabulary mentions as a subject or an object."""
    return frozenset(
        t.value for q in store_of() for t in (q.subject, q.object) if isinstance(t, ox.NamedNode)
    )


def described(path: Path) -> set[str]:
    return {
        q.subject.value for q in ox.parse(path=str(path)) if isinstance(q.subject, ox.NamedNode)
    }


def touches_the_vocabulary(path: Path) -> bool:
    return bool(described(path) & vocabulary_iris())


def add_apart(store: ox.Store, path: Path, suffix: str) -> None:
    """Add a fixture with its own nodes renamed apart (IRI + suffix), so that fixtures that reuse
    an IRI (twins do) can be validated in one graph without meeting. Vocabulary IRIs, and IRIs
    the fixture only points at (country IRIs, NACE codes), keep their names."""
    own = described(path) - vocabulary_iris()

    def renamed(
        term: ox.NamedNode | ox.BlankNode | ox.Literal,
    ) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        is_own = isinstance(term, ox.NamedNode) and (
            term.value in own
            or (
                term.value.startswith("https://w3id.org/clusterkg/id/")
                and term.value not in vocabulary_iris()
            )
        )
        return ox.NamedNode(term.value + suffix) if is_own else term

    for t in ox.parse(path=str(path), rename_blank_nodes=True):
        store.add(ox.Quad(renamed(t.subject), t.predicate, renamed(t.object), GRAPH))  # type: ignore[arg-type]


def fixture_batches() -> list[list[Path]]:
    """All fixtures in one graph, their nodes renamed apart; those that describe a vocabulary
    node (a label tier) change what the others see, so each of them has a graph of its own."""
    alone = [p for p in ALL_FIXTURES if touches_the_vocabulary(p)]
    return [[p for p in ALL_FIXTURES if p not in alone], *([p] for p in alone)]


def batch_name(batch: list[Path]) -> str:
    return batch[0].stem if len(batch) == 1 else f"{len(batch)}-fixtures"


def test_the_batches_hold_every_fixture() -> None:
    assert sorted(p for batch in fixture_batches() for p in batch) == ALL_FIXTURES
    assert len(fixture_batches()) < 20


@pytest.mark.slow
@pytest.mark.parametrize("batch", fixture_batches(), ids=batch_name)
def test_shape_fixtures_give_pyshacls_results(batch: list[Path]) -> None:
    store = store_of()
    for number, path in enumerate(batch):
        add_apart(store, path, f"-f{number}" if len(batch) > 1 else "")
    count = assert_same_results(store, compiled_bundle(), BUNDLE.shapes)
    invalid = [p for p in batch if p.parent.name == "invalid"]
    assert count >= len(invalid)  # every invalid fixture fails a constraint


# --- every compiled feature, on shapes without messages --------------------------------------

EDGE_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .

ex:prefixes a owl:Ontology ;
    sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .

ex:ThingShape a sh:NodeShape ;
    sh:targetClass ex:Thing ;
    sh:property ex:shared ,
        [ sh:path ex:int ; sh:datatype xsd:integer ; sh:maxCount 1 ; sh:minInclusive 0 ] ,
        [ sh:path ex:name ; sh:minCount 3 ; sh:uniqueLang true ; sh:languageIn ( "en" "LT" ) ;
          sh:maxLength 5 ] ,
        [ sh:path ex:code ; sh:pattern "^[A-Z]{3}$" ; sh:minLength 3 ; sh:in ( "ABC" "DEF" 1 ) ] ,
        [ sh:path ex:ci ; sh:pattern "^abc" ; sh:flags "i" ] ,
        [ sh:path ex:digits ; sh:pattern "^\\\\d+$" ] ,
        [ sh:path ex:link ; sh:nodeKind sh:IRI ; sh:class ex:Target ] ,
        [ sh:path ex:when ; sh:or ( [ sh:datatype xsd:date ]
                                    [ sh:datatype xsd:gYear ; sh:pattern "^[0-9]{4}$" ]
                                    [ sh:datatype xsd:string ; sh:severity sh:Warning ] ) ] ,
        [ sh:path ex:dur ; sh:datatype xsd:duration ] ,
        [ sh:path ex:dec ; sh:datatype xsd:decimal ; sh:maxExclusive 10 ; sh:minExclusive -1.5 ;
          sh:maxInclusive 9.5 ] ,
        [ sh:path ex:q ; sh:qualifiedValueShape [ sh:datatype xsd:string ] ;
          sh:qualifiedMinCount 2 ; sh:qualifiedMaxCount 2 ] ,
        [ sh:path ex:bool ; sh:datatype xsd:boolean ] ,
        [ sh:path ex:stamp ; sh:datatype xsd:dateTime ] ,
        [ sh:path ex:text ; sh:datatype rdf:langString ] ,
        [ sh:path ex:any ; sh:datatype rdfs:Literal ; sh:maxCount 0 ] ,
        [ sh:path ex:off ; sh:minCount 1 ; sh:deactivated true ] ;
    sh:sparql [
        sh:select "SELECT $this ?value WHERE { $this ex:size ?value . FILTER (?value > 2) }" ;
        sh:prefixes ex:prefixes ;
        sh:message "Too big: {?value} on {$this}"@en , "Trop grand : {?value}"@fr
    ] , [
        # $this in an OPTIONAL of triple patterns: left-joined on the focus nodes, as pre-bound
        sh:select '''SELECT $this ?value WHERE {
            $this ex:int ?value OPTIONAL { $this ex:size ?size . ?size ?any ?more }
            OPTIONAL { $this ex:size ?big } FILTER(!BOUND(?big)) }''' ;
        sh:prefixes ex:prefixes
    ] , [
        sh:select '''SELECT ?value ?x WHERE {
            $this ex:name ?value . BIND (LANG(?value) AS ?x) FILTER (?x = 'fr') }''' ;
        sh:prefixes ex:prefixes
    ] .

ex:shared a sh:PropertyShape ; sh:path ex:code ; sh:maxCount 2 .

ex:AlsoThing a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property ex:shared .

ex:Others a sh:NodeShape ;
    sh:targetNode ex:n1 , "a literal" ;
    sh:targetSubjectsOf ex:int ;
    sh:targetObjectsOf ex:link ;
    sh:class ex:Thing ;
    sh:nodeKind sh:BlankNodeOrIRI ;
    sh:message "{$this} is no thing" ;
    sh:sparql [
        sh:select "SELECT $this WHERE { FILTER NOT EXISTS { $this ex:label ?l } }" ;
        sh:prefixes ex:prefixes
    ] , [
        sh:select '''
            SELECT $this ?label WHERE {  # a comment with a } brace
                $this ex:label ?label .
                FILTER regex(?label, "}|n1")
            }''' ;
        sh:prefixes ex:prefixes
    ] .

ex:Target a rdfs:Class , sh:NodeShape ;
    sh:property [ sh:path ex:label ; sh:minCount 1 ; sh:severity sh:Info ] .

ex:Off a sh:NodeShape ; sh:targetClass ex:Thing ; sh:deactivated true ;
    sh:property [ sh:path ex:int ; sh:minCount 5 ] .
"""

EDGE_DATA = """
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

ex:SubThing rdfs:subClassOf ex:Thing .
ex:t1 a ex:Thing ;
    ex:int 5 , "x"^^xsd:integer ;
    ex:size 5 , 1 ;
    ex:name "a"@en , "b"@EN , "c"@fr , "toolong"@lt , "d"@en-GB , "e"@lt-LT ;
    ex:code "AB" , "abc" , 1 , "ABC" , "GHI" ;
    ex:ci "ABCd" , "xabc" ;
    ex:digits "12" , "\u0661\u0662" , "12\\n" , "1a" ;
    ex:link ex:nowhere , "text" , [ a ex:Target ; ex:label "ok" ] , [ a ex:Target ] ;
    ex:when "2020-02-30"^^xsd:date , "2020-02-28"^^xsd:date , "2020"^^xsd:gYear , "20x"^^xsd:gYear ,
        "a string" , 2020 ;
    ex:dur "P2Y"^^xsd:duration , "P"^^xsd:duration , "P24M"^^xsd:duration , "PT"^^xsd:duration ;
    ex:dec 12.5 , -2.0 , 9.75 , "abc"^^xsd:decimal , 3 ;
    ex:q "a" , "b"@en , "c" ;
    ex:bool "yes"^^xsd:boolean , "1"^^xsd:boolean , true ;
    ex:stamp "2020-01-01T00:00:00"^^xsd:dateTime , "bad"^^xsd:dateTime ;
    ex:text "tagged"@en , "plain" ;
    ex:any 1 .
ex:t2 a ex:SubThing ; ex:int "007"^^xsd:integer , "-1"^^xsd:integer ; ex:name "x"@en ;
    ex:q "only" .
[] a ex:Thing ; ex:int 1 ; ex:code "DEF" .
ex:n1 ex:label "n1" .
"""


@pytest.fixture(scope="module")
def edge_shapes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("shapes") / "edge-shapes.ttl"
    path.write_text(EDGE_SHAPES, "utf-8")
    return path


def test_every_compiled_feature_gives_pyshacls_results_and_messages(edge_shapes: Path) -> None:
    store = store_of(turtle=EDGE_DATA)
    count = assert_same_results(store, compile_shapes(edge_shapes), edge_shapes)
    assert count > 40


def test_class_tests_as_joins_give_pyshacls_results(
    edge_shapes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over many values (runner.MANY_VALUES) a value query tests sh:class by a join: forced here
    for every value query, on the edge shapes and on the bundled graph broken."""
    monkeypatch.setattr(runner, "MANY_VALUES", -1)
    compiled = compile_shapes(edge_shapes)
    assert any(query.joined for query in compiled._queries)
    assert assert_same_results(store_of(turtle=EDGE_DATA), compiled, edge_shapes) > 40
    test_a_broken_bundled_graph_gives_pyshacls_results()


def test_a_shapes_graph_given_as_rdflib_graph_names_terms_with_its_prefixes() -> None:
    shapes = Graph().parse(data=EDGE_SHAPES, format="turtle")
    results = compile_shapes(shapes).validate(LocalEngine(store_of(turtle=EDGE_DATA)), GRAPH.value)
    messages = {m for r in results for m in r.messages}
    assert "Value does not have class ex:Target" in messages


def python_checks(compiled: CompiledShapes) -> list[object]:
    """Record the values the compiled queries hand to pySHACL's exact checks in Python."""
    calls: list[object] = []
    table = compiled._functions.table
    for iri, check in list(table.items()):
        table[iri] = lambda term, check=check: calls.append(term) or check(term)
    return calls


def test_plain_values_need_no_python_check(edge_shapes: Path) -> None:
    store = store_of(turtle="@prefix ex: <http://example.org/> . ex:n1 a ex:Thing .")
    compiled = compile_shapes(edge_shapes)
    calls = python_checks(compiled)
    assert compiled.validate(
        LocalEngine(store), GRAPH.value
    )  # ex:n1 lacks names, "a literal" is no thing
    assert calls == []


def test_the_bundled_data_needs_no_python_check() -> None:
    # What makes the compiled validator fast: SPARQL settles every value of real data.
    compiled = compile_shapes(BUNDLE.shapes)
    calls = python_checks(compiled)
    compiled.validate(LocalEngine(store_of(BUNDLE.data)), GRAPH.value)
    assert calls == []


@pytest.mark.slow
def test_generated_data_with_planted_violations_gives_pyshacls_results(tmp_path: Path) -> None:
    from clusterkg.generate.dataset import generate
    from clusterkg.inputs.store_loading import load_file

    generate(tmp_path / "generated", clusters=2, seed=3, violations=12)
    store = store_of()
    for path in sorted((tmp_path / "generated").glob("*.t*")):  # sources.ttl, the groups' .trig
        load_file(store, path, GRAPH)
    keep_statement_groups(store, GRAPH)
    # A planted kind whose shape is not there yet (MANIFEST.json names it) is not reported.
    listed = json.loads((tmp_path / "generated" / "MANIFEST.json").read_text())
    shapes = {str(s) for s in Graph().parse(BUNDLE.shapes).subjects()}
    expected = [v for v in listed["planted_violations"] if v.get("shape", "") in {"", *shapes}]
    assert assert_same_results(store, compiled_bundle(), BUNDLE.shapes) >= len(expected) >= 11


# --- what is not compiled --------------------------------------------------------------------

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
"""
UNSUPPORTED = {
    "sh:node": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:node ex:T . ex:T a sh:NodeShape .",
    "sh:closed": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true .",
    "inverse path": "ex:S sh:targetClass ex:C ; sh:property [ sh:path [ sh:inversePath ex:p ] ] .",
    "sh:hasValue": "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:hasValue 1 ] .",
    "SPARQL target": "ex:S sh:target [ a sh:SPARQLTarget ; sh:select 'SELECT ?this {}' ] .",
    "nested property shape": (
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; "
        "sh:property [ sh:path ex:q ; sh:minCount 1 ] ] ."
    ),
    "$this in an OPTIONAL with a FILTER": (
        "ex:S sh:targetClass ex:C ; sh:sparql [ sh:select "
        "'SELECT $this WHERE { ?x ex:p ?y OPTIONAL { ?y ex:q ?z FILTER(?z = $this) } }' ] ."
    ),
    "$this in a UNION": (
        "ex:S sh:targetClass ex:C ; sh:sparql [ sh:select "
        "'SELECT $this WHERE { { $this ex:p ?y } UNION { ?y ex:q $this } }' ] ."
    ),
    "sub-query": (
        "ex:S sh:targetClass ex:C ; sh:sparql [ sh:select "
        "'SELECT $this WHERE { { SELECT $this WHERE { $this ex:p ?y } } }' ] ."
    ),
    "GROUP BY": (
        "ex:S sh:targetClass ex:C ; sh:sparql [ sh:select "
        "'SELECT $this WHERE { $this ex:p ?y } GROUP BY $this' ] ."
    ),
    "MINUS": (
        "ex:S sh:targetClass ex:C ; sh:sparql [ sh:select "
        "'SELECT $this WHERE { $this ex:p ?y MINUS { $this ex:q ?y } }' ] ."
    ),
    "no $this": (
        "ex:S sh:targetClass ex:C ; sh:sparql [ sh:select 'SELECT ?x WHERE { ?x ?p ?o }' ] ."
    ),
    "property shape SPARQL": (
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:sparql [ sh:select "
        "'SELECT $this WHERE { $this $PATH ?v }' ] ] ."
    ),
    "two severities": (
        "ex:S sh:targetClass ex:C ; sh:severity sh:Warning , sh:Info ; sh:class ex:D ."
    ),
    "minCount on a node shape": "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:minCount 1 .",
    "custom component": "ex:Comp a sh:ConstraintComponent ; sh:parameter [ sh:path ex:p ] .",
    "SHACL rule": "ex:S sh:targetClass ex:C ; sh:rule [ a sh:TripleRule ] .",
}


@pytest.mark.parametrize("feature", sorted(UNSUPPORTED))
def test_a_feature_not_compiled_raises_unsupported_shapes(feature: str) -> None:
    with pytest.raises(UnsupportedShapes) as error:
        compile_shapes(PREFIXES + UNSUPPORTED[feature])
    assert str(error.value)


# --- the parts that replicate rdflib and Python ----------------------------------------------


@pytest.mark.parametrize("datatype", sorted(SURELY_WELL_TYPED))
def test_lexical_forms_sparql_vouches_for_are_well_typed_for_rdflib(datatype: str) -> None:
    from rdflib import Literal

    rng = random.Random(datatype)
    texts = [
        "".join(rng.choice("0123456789-+.:TPYMDHSZ eE") for _ in range(9)) for _ in range(5000)
    ]
    texts += [
        f"{y}-{m:02}-{d:02}" for y in (1900, 2023, 2024) for m in range(1, 13) for d in range(1, 32)
    ]
    texts += ["P", "-P", "PT", "P2Y", "P1YT", "5.", ".5", "1e5", "true", "0"]
    patterns = [SURELY_WELL_TYPED[datatype]] + ([DURATION_START] if "duration" in datatype else [])
    vouched = [t for t in texts if all(re.search(p, t) for p in patterns)]
    assert vouched
    for text in vouched:
        literal = Literal(text, datatype=URIRef(datatype))
        assert not literal.ill_typed and literal.value is not None, text


def test_rdflib_converted_datatypes_are_rdflibs() -> None:
    from rdflib.term import XSDToPython

    identity = {None, f"{XSD}string", f"{XSD}language", f"{XSD}anyURI"}
    rdflibs = {str(d) for d in XSDToPython if (d and str(d)) not in identity}
    html = "http://www.w3.org/1999/02/22-rdf-syntax-ns#HTML"
    assert rdflibs - {html} == RDFLIB_CONVERTED - {html}


XSD = "http://www.w3.org/2001/XMLSchema#"


def rust_matches(store: ox.Store, text: str, pattern: str) -> bool:
    """Oxigraph's REGEX (Rust's regex crate)."""
    query = f"SELECT ?m WHERE {{ BIND (REGEX({ox.Literal(text)}, {ox.Literal(pattern)}) AS ?m) }}"
    (row,) = list(store.query(query))  # type: ignore[arg-type]
    return row["m"] is not None and row["m"].value == "true"


@pytest.mark.parametrize(
    "pattern",
    [
        r"^[0-9]{4}-(0[1-9]|1[0-2])$",
        r"^(199[0-9]|20[0-9][0-9]|2100)$",
        r"^--(0[1-9]|1[0-2])$",
        r"^http://publications\.europa\.eu/resource/authority/country/[A-Z]{3}$",
        r"^\d+(\.\d+)?$",
        r"a.c|x[^ab-d]+?y",
        r"[\d\-.]{2,}$",
    ],
)
def test_the_rust_regex_matches_only_what_pythons_matches(pattern: str) -> None:
    rust = rust_subset(pattern)
    assert rust is not None
    store, regex, rng = ox.Store(), re.compile(pattern), random.Random(pattern)
    alphabet = "0123456789-.:/ABCDXYZabcdxy \n\u0661\u0662https://publications.europa.eu/resource/authority/"
    texts = [
        "2019-05",
        "2019\n",
        "\u0661\u0662\u0663",
        "http://publications.europa.eu/resource/authority/country/LTU",
    ]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(300)]
    for text in texts:
        if rust_matches(store, text, rust):
            assert regex.search(text), (pattern, rust, text)


@pytest.mark.parametrize("pattern", [r"\w+", r"(?=a)", r"(a)\1", r"[]a]", r"[^\d]", r"a{,2}"])
def test_python_only_regex_syntax_is_left_to_python(pattern: str) -> None:
    assert rust_subset(pattern) is None
