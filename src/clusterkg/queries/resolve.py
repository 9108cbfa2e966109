"""Turning what users type (`Rūta`, `ruta`, `LITEK`, `food`, an IRI, a CURIE) into RDF terms.

Names resolve through labels, alternative labels and acronyms, ignoring case and accents. The
result is an RDF term bound into the query, never text spliced into it: a value such as
`Rūta" } UNION { ?s ?p ?o } #` is just a name that matches nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from difflib import get_close_matches

import pyoxigraph as ox

from clusterkg.engine import Engine, Table, Term
from clusterkg.errors import ParameterError
from clusterkg.queries import values
from clusterkg.queries.catalogue import Parameter
from clusterkg.vocabulary import CK, FOAF, NOT_IN_IRI, ORG, PREFIXES, expand_curie

CLASSES_BY_KIND: dict[str, list[str]] = {
    "organisation": [ORG + "Organization", CK + "Funder"],
    "cluster": [CK + "Cluster"],
    "company": [ORG + "Organization"],
    "person": [FOAF + "Person"],
    "project": [CK + "Project"],
    "tier": [CK + "LabelTier"],
    "sector": [CK + "Sector"],
}

# `?thing a ?class` needs no rdfs:subClassOf*: reasoning has already typed every node with all
# its superclasses, and the path made every lookup ten times slower.
_NAMES = "skos:prefLabel|skos:altLabel|ck:acronym|rdfs:label|foaf:name|dcterms:title"
_PREFIXES = "".join(
    f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("ck", "rdfs", "skos", "foaf", "dcterms")
)
_LABELS_OF_KIND = (
    _PREFIXES
    + f"""SELECT DISTINCT ?thing ?label ?display ?class WHERE {{
  ?thing a ?class .
  ?thing {_NAMES} ?label .
  OPTIONAL {{ ?thing skos:prefLabel ?display }}
}}"""
)
_LABELS_OF_ANYTHING = (
    _PREFIXES
    + f"""SELECT DISTINCT ?thing ?label ?display WHERE {{
  ?thing {_NAMES} ?label .
  OPTIONAL {{ ?thing skos:prefLabel ?display }}
  FILTER(isIRI(?thing))
}}"""
)
# Kinds whose values are typed literals, checked before the query runs.
_LITERAL_KINDS = {"year": values.year, "date": values.day}
_EXISTS = "ASK { { ?node ?p ?o } UNION { ?s ?p ?node } }"


def normalise(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a name: 'UAB „Rūta“' → 'uab ruta'."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = re.sub(r"[^\w]+", " ", bare.casefold())
    return " ".join(words.split())


class Resolver:
    """Resolves parameter values against the names in one engine's graph."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._index: dict[str, dict[str, set[str]]] = {}
        self._display: dict[str, str] = {}

    def resolve(self, parameter: Parameter, value: str) -> Term:
        if parameter.kind == "text":
            return ox.Literal(value)
        if parameter.kind in _LITERAL_KINDS:
            return _LITERAL_KINDS[parameter.kind](parameter.name, value)
        iri = _as_iri(value)
        if iri is not None:
            if NOT_IN_IRI.search(iri):
                raise ParameterError(
                    f'{parameter.name}: {value!r} is not a valid IRI (spaces and <>"{{}}|^`\\ '
                    "are not allowed); give a name, a CURIE or an IRI"
                )
            return self._existing(parameter, iri)
        if parameter.kind == "country":
            # The graph names no countries: codes and names come from the EU's table.
            return values.country(parameter.name, value)
        return ox.NamedNode(self._by_name(parameter, value))

    def _existing(self, parameter: Parameter, iri: str) -> Term:
        node = ox.NamedNode(iri)
        result = self.engine.run(_EXISTS, {"node": node})
        if isinstance(result, Table) and result.boolean:
            return node
        raise ParameterError(f"{parameter.name}: <{iri}> is not in the graph")

    def _by_name(self, parameter: Parameter, value: str) -> str:
        index = self._names(parameter.kind)
        wanted = normalise(value)
        found = index.get(wanted, set())
        if not found and wanted:
            found = {
                thing
                for name, things in index.items()
                if _words_start(name, wanted)
                for thing in things
            }
        if len(found) == 1:
            return next(iter(found))
        if found:
            listed = "\n".join(f"  {self._display.get(t, t)}  <{t}>" for t in sorted(found))
            raise ParameterError(
                f"{parameter.name}: {value!r} is ambiguous; "
                f"it names {len(found)} {parameter.kind}s:"
                f"\n{listed}\nUse a longer name or the IRI."
            )
        near = get_close_matches(wanted, list(index), n=3, cutoff=0.6)
        names = sorted({self._display[t] for n in near for t in index[n]})
        hint = f" Did you mean: {'; '.join(names)}?" if names else ""
        raise ParameterError(f"{parameter.name}: no {parameter.kind} is named {value!r}.{hint}")

    def _names(self, kind: str) -> dict[str, set[str]]:
        if kind not in self._index:
            self._index[kind] = self._build_index(kind)
        return self._index[kind]

    def _build_index(self, kind: str) -> dict[str, set[str]]:
        index: dict[str, set[str]] = defaultdict(set)
        for query, classes in self._label_queries(kind):
            for cls in classes:
                bindings = {"class": ox.NamedNode(cls)} if cls else None
                result = self.engine.run(query, bindings)
                assert isinstance(result, Table)
                for thing, label, display, *_ in result.rows:
                    if thing is None or label is None:
                        continue
                    index[normalise(label.value)].add(thing.value)
                    shown = display if display is not None else label
                    self._display.setdefault(thing.value, shown.value)
        return index

    def _label_queries(self, kind: str) -> list[tuple[str, list[str]]]:
        if kind in CLASSES_BY_KIND:
            return [(_LABELS_OF_KIND, CLASSES_BY_KIND[kind])]
        return [(_LABELS_OF_ANYTHING, [""])]


def _words_start(name: str, wanted: str) -> bool:
    """True if `wanted` is the start of `name` at a word boundary ('smart food' in 'smart food
    cluster'), or a whole-word part of it ('litek' in 'litek laser engineering')."""
    return name.startswith(wanted + " ") or f" {wanted} " in f" {name} "


def _as_iri(value: str) -> str | None:
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    if re.match(r"^[a-z][a-z0-9+.\-]*://\S+$", text, re.IGNORECASE) or text.startswith("urn:"):
        return text
    return expand_curie(text)
