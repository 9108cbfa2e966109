"""The name index: what each thing in the graph is called, normalised, by kind, for the resolver.

One scan of the graph (`scan`) reads every name and the kinds of the things named; the same scan
feeds both forms of the index, so they answer alike (tests/test_name_index.py holds them to it):

- `MemoryNames`, dictionaries made on the first lookup of a run: for a build made in memory
  and not cached (2 M triples: 5.6 s, where one query per class took 7.8 s);
- `StoredNames`, an SQLite table written once when the build cache publishes a build, kept
  beside its store and checked with it (clusterkg.inputs.cache), answered by index lookups in
  under 2 ms: a cached run no longer reads every name from the on-disk store (~10 s at 2 M
  triples) on every start.

Why a table beside the store, not triples in it: triples in the store would be seen by queries
and counted (the build's figures would differ from an uncached run's), and Oxigraph has no index
on a computed key such as the normalised name, nor a range scan for a word prefix: a lookup there
is a FILTER over every name. SQLite is in the standard library and indexes both.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from clusterkg.engine import Engine, Table
from clusterkg.vocabulary import CK, DCTERMS, FOAF, ORG, PREFIXES, RDFS

CLASSES_BY_KIND: dict[str, list[str]] = {
    "organisation": [ORG + "Organization", CK + "Funder"],
    "cluster": [CK + "Cluster"],
    "company": [ORG + "Organization"],
    "person": [FOAF + "Person"],
    "project": [CK + "Project"],
    "tier": [CK + "LabelTier"],
    "sector": [CK + "Sector"],
}
# Any other kind of parameter (subject) looks among every named IRI.
ANY = ""
SKOS = PREFIXES["skos"]
PREFERRED = SKOS + "prefLabel"
NAME_PREDICATES = (
    PREFERRED,
    SKOS + "altLabel",
    CK + "acronym",
    RDFS + "label",
    FOAF + "name",
    DCTERMS + "title",
)
# Bump when normalise() or the table's layout changes: with CLASSES_BY_KIND and the predicates
# it makes FINGERPRINT, part of the build cache's key, so a cached index never outlives its code.
LAYOUT = 1
FINGERPRINT = hashlib.sha256(
    repr((LAYOUT, sorted(CLASSES_BY_KIND.items()), NAME_PREDICATES)).encode()
).hexdigest()[:12]
FILE = "names.sqlite"

# Blank nodes are left out: a blank node cannot be bound as a name's answer, and its label in a
# copied store is another one. `?thing a ?class` needs no rdfs:subClassOf*: reasoning has typed
# every node with all its superclasses already.
_NAMES_QUERY = f"""SELECT ?thing ?p ?name WHERE {{
  VALUES ?p {{ {" ".join(f"<{p}>" for p in NAME_PREDICATES)} }}
  ?thing ?p ?name .
  FILTER(isIRI(?thing))
}}"""
_CLASSES = sorted({c for classes in CLASSES_BY_KIND.values() for c in classes})
_TYPES_QUERY = f"""SELECT ?thing ?class WHERE {{
  VALUES ?class {{ {" ".join(f"<{c}>" for c in _CLASSES)} }}
  ?thing a ?class .
}}"""
_NOT_WORD = re.compile(r"[^\w]+")


def normalise(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a name: 'UAB „Rūta“' → 'uab ruta'."""
    if text.isascii():  # the same result, without decomposing: most names are ASCII
        return " ".join(_NOT_WORD.sub(" ", text.lower()).split())
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", bare.casefold()).split())


def words_start(name: str, wanted: str) -> bool:
    """True if `wanted` is the start of `name` at a word boundary ('smart food' in 'smart food
    cluster'), or a whole-word part of it ('litek' in 'litek laser engineering')."""
    return name.startswith(wanted + " ") or f" {wanted} " in f" {name} "


def index_kind(kind: str) -> str:
    """The kind a parameter's kind is looked up as: itself if it names classes, else ANY."""
    return kind if kind in CLASSES_BY_KIND else ANY


@dataclass
class NamedThings:
    """What one scan found: each named IRI's normalised names, its display name (its least
    preferred label, else its least name: one rule, whatever order the store answers in) and
    its kinds."""

    keys: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    display: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


def scan(engine: Engine) -> NamedThings:
    """Every name of every IRI, and the kinds of the things named: two queries over the whole
    graph, each name normalised once."""
    names = engine.run(_NAMES_QUERY)
    types = engine.run(_TYPES_QUERY)
    assert isinstance(names, Table) and isinstance(types, Table)
    found = NamedThings()
    preferred: dict[str, str] = {}
    other: dict[str, str] = {}
    normalised: dict[str, str] = {}
    for thing, predicate, name, *_ in names.rows:
        if thing is None or predicate is None or name is None:
            continue
        text = name.value
        key = normalised.get(text)
        if key is None:
            key = normalised[text] = normalise(text)
        found.keys[thing.value].add(key)
        shown = preferred if predicate.value == PREFERRED else other
        if thing.value not in shown or text < shown[thing.value]:
            shown[thing.value] = text
    found.display = {t: preferred[t] if t in preferred else other[t] for t in found.keys}
    kinds_of: dict[str, set[str]] = defaultdict(set)
    for kind, classes in CLASSES_BY_KIND.items():
        for class_iri in classes:
            kinds_of[class_iri].add(kind)
    for thing, of_class, *_ in types.rows:
        if thing is not None and of_class is not None and thing.value in found.keys:
            found.kinds[thing.value] |= kinds_of[of_class.value]
    return found


class Names(Protocol):
    """Lookups in a name index. `kind` is a parameter's kind (company, sector …; any other
    looks among every named thing); `key` and `words` are normalised. Answers map each thing
    found (an IRI) to its display name."""

    def named(self, kind: str, key: str) -> dict[str, str]:
        """The things of `kind` with the name `key`."""
        ...

    def named_by_words(self, kind: str, words: str) -> dict[str, str]:
        """The things of `kind` with a name that holds `words` as whole words (words_start)."""
        ...

    def keys(self, kind: str) -> list[str]:
        """Every name of a thing of `kind` (for the near matches of an unknown name)."""
        ...


class MemoryNames:
    """The index as dictionaries, made from the graph on the first lookup (or from a scan
    already made: `scanned`)."""

    def __init__(self, engine: Engine, scanned: NamedThings | None = None) -> None:
        self.engine = engine
        self._things: NamedThings | None = scanned
        self._by_kind: dict[str, dict[str, set[str]]] = {}

    def named(self, kind: str, key: str) -> dict[str, str]:
        return self._shown(self._index(kind).get(key, ()))

    def named_by_words(self, kind: str, words: str) -> dict[str, str]:
        index = self._index(kind)
        return self._shown(t for name, ts in index.items() if words_start(name, words) for t in ts)

    def keys(self, kind: str) -> list[str]:
        return list(self._index(kind))

    def _shown(self, things: Iterable[str]) -> dict[str, str]:
        display = self._scanned().display
        return {thing: display[thing] for thing in things}

    def _scanned(self) -> NamedThings:
        if self._things is None:
            self._things = scan(self.engine)
        return self._things

    def _index(self, kind: str) -> dict[str, set[str]]:
        kind = index_kind(kind)
        if kind not in self._by_kind:
            things = self._scanned()
            index: dict[str, set[str]] = defaultdict(set)
            for thing, keys in things.keys.items():
                if kind == ANY or kind in things.kinds.get(thing, ()):
                    for key in keys:
                        index[key].add(thing)
            self._by_kind[kind] = dict(index)
        return self._by_kind[kind]
