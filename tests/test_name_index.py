"""The name index kept with a cached build answers exactly as the one made in memory, and both as
the reference: the per-class label queries the resolver ran before there was an index.

Over the bundled data and a small generated graph: every name as written, as typed without case,
accents or punctuation, its first and middle words (word-prefix matches), typos of it (near
matches), names shared by several things (ambiguous), for each kind and for any kind. The answer
compared is the IRI found or the whole error message (candidates, "did you mean").
"""

from __future__ import annotations

import random
import unicodedata
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest

from clusterkg.engine import Engine, Table
from clusterkg.errors import ParameterError
from clusterkg.generate.dataset import generate
from clusterkg.inputs.cache import BuildCache
from clusterkg.knowledge_graph import KnowledgeGraph
from clusterkg.queries.catalogue import Parameter
from clusterkg.queries.names import CLASSES_BY_KIND, MemoryNames, normalise, scan
from clusterkg.queries.resolve import Resolver
from clusterkg.queries.stored_names import StoredNames, write

KINDS = [*CLASSES_BY_KIND, "subject"]

# The queries the resolver ran before the index (one per class; one for any kind), kept here as
# the reference the index must equal.
_NAMES = "skos:prefLabel|skos:altLabel|ck:acronym|rdfs:label|foaf:name|dcterms:title"
_PREFIXES = """PREFIX ck: <https://w3id.org/clusterkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
REFERENCE_OF_CLASS = (
    _PREFIXES
    + f"SELECT DISTINCT ?thing ?label ?class WHERE {{ ?thing a ?class . ?thing {_NAMES} ?label . "
    "FILTER(isIRI(?thing)) }"
)
REFERENCE_OF_ANYTHING = (
    _PREFIXES
    + f"SELECT DISTINCT ?thing ?label WHERE {{ ?thing {_NAMES} ?label . FILTER(isIRI(?thing)) }}"
)


def reference_index(engine: Engine, kind: str) -> dict[str, set[str]]:
    index: dict[str, set[str]] = defaultdict(set)
    runs = [(REFERENCE_OF_CLASS, {"class": ox.NamedNode(c)}) for c in CLASSES_BY_KIND.get(kind, [])]
    for query, bindings in runs or [(REFERENCE_OF_ANYTHING, {})]:
        result = engine.run(query, bindings)
        assert isinstance(result, Table)
        for thing, label, *_ in result.rows:
            assert thing is not None and label is not None
            index[normalise(label.value)].add(thing.value)
    return index


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("generated") / "data"
    generate(folder, clusters=3, seed=7, violations=0)
    return folder


@pytest.fixture(scope="module", params=["bundled", "generated"])
def engine(request: pytest.FixtureRequest, generated: Path) -> Engine:
    data = None if request.param == "bundled" else [generated]
    return KnowledgeGraph.load(data).engine


@pytest.fixture(scope="module")
def stored(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> StoredNames:
    path = tmp_path_factory.mktemp("index") / "names.sqlite"
    write(scan(engine), path)
    return StoredNames(path)


@pytest.mark.parametrize("kind", KINDS)
def test_both_indexes_hold_the_names_the_reference_queries_find(
    engine: Engine, stored: StoredNames, kind: str
) -> None:
    reference = reference_index(engine, kind)
    assert reference or kind in ("project", "tier"), f"no {kind} named: the test would prove little"
    for names in (MemoryNames(engine), stored):
        assert sorted(names.keys(kind)) == sorted(reference)
        for key, things in reference.items():
            assert set(names.named(kind, key)) == things, (kind, key)


def typed_variants(name: str, rng: random.Random) -> list[str]:
    """What a user may type for `name`: as written, lower case without accents, with stray
    punctuation, its leading and middle words, and a typo or two."""
    bare = "".join(
        c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)
    ).lower()
    words = name.split()
    variants = [name, bare, f"  {name.upper()}!! ", name.replace(" ", " - ")]
    variants += [" ".join(words[:n]) for n in range(1, len(words))]
    variants += [" ".join(words[1:3]), words[-1]] if len(words) > 1 else []
    if len(bare) > 3:
        cut = rng.randrange(len(bare))
        variants += [bare[:cut] + bare[cut + 1 :], bare + "x", bare[::-1]]
    return variants


def answer(resolver: Resolver, kind: str, value: str) -> str:
    try:
        return str(resolver.resolve(Parameter("p", kind, True, ""), value))
    except ParameterError as error:
        return f"error: {error}"


def test_the_resolver_answers_alike_from_either_index(engine: Engine, stored: StoredNames) -> None:
    rng = random.Random(11)
    every_name = sorted({d for d in scan(engine).display.values()})
    sample = rng.sample(every_name, min(len(every_name), 20))
    values = [v for name in sample for v in typed_variants(name, rng)]
    values += ["", "!!!", "no such thing anywhere", 'Rūta" } UNION { ?s ?p ?o } #']
    in_memory, from_file = Resolver(engine), Resolver(engine, stored)
    seen: dict[str, int] = defaultdict(int)
    for kind in KINDS:
        for value in values:
            expected = answer(in_memory, kind, value)
            assert answer(from_file, kind, value) == expected, (kind, value)
            by_words = not in_memory.names.named(kind, normalise(value))
            seen[outcome(expected) + (" by words" if by_words else "")] += 1
    # each way a lookup ends was met, or parity would hold over less than it claims
    ends = ("found", "found by words", "ambiguous", "ambiguous by words")
    ends += ("did you mean by words", "unknown by words")
    assert all(seen[end] for end in ends), dict(seen)


def outcome(message: str) -> str:
    if not message.startswith("error: "):
        return "found"
    if "is ambiguous" in message:
        return "ambiguous"
    return "did you mean" if "Did you mean" in message else "unknown"


def test_a_cached_build_looks_names_up_in_its_stored_index(tmp_path: Path) -> None:
    """Else it would scan the on-disk store on every run (9 s at 2 M triples), unseen."""
    cache = BuildCache(tmp_path / "cache")
    first = KnowledgeGraph.load(cache=cache)  # built, published, goes on in memory
    again = KnowledgeGraph.load(cache=cache)
    assert not first.built.from_cache and again.built.from_cache
    for graph in (first, again):
        resolver = graph.queries.resolver
        assert resolver is not None and isinstance(resolver.names, StoredNames)
        assert graph.query("clusters-of-company", {"company": "Rūta"}).rows
    assert KnowledgeGraph.load().queries.resolver.names.__class__ is MemoryNames
