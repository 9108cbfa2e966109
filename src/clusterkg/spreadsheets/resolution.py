"""Names in cells → IRIs, the way query parameters resolve (clusterkg.queries.resolve), against
the command's graph PLUS the things the same workbook adds: a members sheet may name a cluster
that the clusters sheet of the same workbook adds.

Two kinds of column (clusterkg.spreadsheets.mappings):
- `name:KIND`: the thing must exist. By its whole name, else by whole words of it, ignoring
  case and accents; ambiguous → a problem listing the candidates; unknown → the nearest names.
- `new:KIND`: a thing that may be new (a member company, a person, the clusters sheet's own
  clusters). Only a whole name (or acronym, IRI, CURIE) finds an existing thing, so that a new
  company "Smart" is not taken for the Smart Food Cluster; anything else is a new thing, with
  the IRI `{base}{kind}/{slug}`, and the same name on another row is the same new thing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from difflib import get_close_matches

import pyoxigraph as ox

from clusterkg.engine import Engine, Table
from clusterkg.errors import ParameterError
from clusterkg.queries import values
from clusterkg.queries.catalogue import Parameter
from clusterkg.queries.names import Names, normalise, words_start
from clusterkg.queries.resolve import Matches, Resolver
from clusterkg.vocabulary import CK, ORG, PREFIXES, expand_curie, slugify

# The kinds of new things and the folder of their IRIs (docs/model.md, "IRIs of things").
FOLDER = {"cluster": "cluster", "organisation": "organisation", "person": "person"}
# Kinds the workbook's new things also count as, for lookups (a new cluster is an organisation).
ALSO = {"cluster": ("organisation", "company"), "organisation": ("company",)}
_ROLES = f"""SELECT ?role ?name WHERE {{
  ?role a <{ORG}Role> ; <{PREFIXES["skos"]}prefLabel>|<{PREFIXES["skos"]}altLabel> ?name .
}}"""
_LABEL = f"""SELECT ?thing ?name WHERE {{
  ?thing <{PREFIXES["skos"]}prefLabel> ?name .
  FILTER(langMatches(lang(?name), "en") || lang(?name) = "")
}} ORDER BY ?name LIMIT 1"""
# The reference vocabularies a column may name, and their class.
VOCABULARIES = {"tier": CK + "LabelTier", "sector": CK + "Sector", "role": ORG + "Role"}
_VOCABULARY = """SELECT ?name WHERE {{
  ?thing a <{cls}> ; <{skos}prefLabel> ?name . FILTER(langMatches(lang(?name), "en"))
  OPTIONAL {{ ?thing <{ck}rank> ?rank }}
}} ORDER BY ?rank LCASE(STR(?name))"""
_EXISTS = "ASK { { ?node ?p ?o } UNION { ?s ?p ?node } }"


class Unresolved(ValueError):
    """A name that names nothing, or several things: the message says which and lists them."""


@dataclass
class NewThings:
    """The things the workbook adds: normalised name → IRI per kind, and their display names."""

    by_kind: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    display: dict[str, str] = field(default_factory=dict)

    def add(self, kind: str, name: str, iri: str) -> None:
        for k in (kind, *ALSO.get(kind, ())):
            self.by_kind[k][normalise(name)] = iri
        self.display.setdefault(iri, name)


class WorkbookNames:
    """The graph's name index with the workbook's new things added (the Names protocol)."""

    def __init__(self, graph: Names, new: NewThings) -> None:
        self.graph = graph
        self.new = new

    def named(self, kind: str, key: str) -> dict[str, str]:
        found = self.graph.named(kind, key)
        iri = self.new.by_kind.get(kind, {}).get(key)
        return found | {iri: self.new.display[iri]} if iri else found

    def named_by_words(self, kind: str, words: str) -> dict[str, str]:
        found = self.graph.named_by_words(kind, words)
        own = self.new.by_kind.get(kind, {})
        return found | {i: self.new.display[i] for k, i in own.items() if words_start(k, words)}

    def keys(self, kind: str) -> list[str]:
        return [*self.graph.keys(kind), *self.new.by_kind.get(kind, {})]


class Resolution:
    """Resolution for one import: the graph's resolver over WorkbookNames, roles (which the name
    index does not class) from the graph, countries from the EU table, and IRIs for new things."""

    def __init__(self, engine: Engine, graph_names: Names, base: str) -> None:
        self.engine = engine
        self.base = base
        self.new = NewThings()
        self.resolver = Resolver(engine, WorkbookNames(graph_names, self.new))
        self._roles: dict[str, dict[str, str]] | None = None
        self._minted: set[str] = set()
        self._introduced: set[str] = set()
        self._labels: dict[str, str | None] = {}

    def existing(self, kind: str, value: str) -> str:
        """The IRI of the one thing of `kind` that `value` names (Unresolved otherwise; for a
        reference vocabulary, the message lists its names)."""
        try:
            return self._existing(kind, value)
        except Unresolved as error:
            if kind not in VOCABULARIES or "ambiguous" in str(error):
                raise
            known = ", ".join(vocabulary_names(self.engine, VOCABULARIES[kind]))
            raise Unresolved(f"{error} Expected one of: {known}") from None

    def _existing(self, kind: str, value: str) -> str:
        if kind == "role":
            return self._one(kind, value, self._role_matches(value))
        if kind == "country":
            try:
                return values.country(kind, value).value
            except ParameterError as error:
                raise Unresolved(_after_colon(str(error))) from None
        try:
            return self.resolver.resolve(Parameter(kind, kind, True, ""), value).value
        except ParameterError as error:
            # the resolver's ambiguous message spans lines: said again in one, from its candidates
            if "ambiguous" not in str(error):
                raise Unresolved(_after_colon(str(error))) from None
            found = {c.iri: c.label for c in error.candidates}
            return self._one(kind, value, Matches(found, {}))

    def existing_or_new(self, kind: str, value: str) -> tuple[str, bool]:
        """(IRI, is new) for a name that may be a new thing: only a whole name (or acronym, IRI,
        CURIE) finds an existing one."""
        key = normalise(value)
        found = self.resolver.names.named(kind, key)
        if len(found) > 1:
            self._one(kind, value, Matches(found, {}))
        if found:
            iri = next(iter(found))
            return iri, iri in self._minted
        if _names_an_iri(value):
            return self.existing(kind, value), False
        iri = self._mint(kind, value)
        self.new.add(kind, value, iri)
        return iri, True

    def _mint(self, kind: str, name: str) -> str:
        """`{base}{folder}/{slug}`, numbered on if the graph or the workbook has it already."""
        stem = f"{self.base}{FOLDER[kind]}/{slugify(name)}"
        iri, number = stem, 1
        while iri in self._minted or self._in_graph(iri):
            number += 1
            iri = f"{stem}-{number}"
        self._minted.add(iri)
        return iri

    def label(self, iri: str, written: str) -> str:
        """What to call a thing in the labels of new facts: a new thing's name as written, an
        existing thing's English (or untagged) preferred label, else the name as written."""
        if iri in self.new.display:
            return self.new.display[iri]
        if iri not in self._labels:
            table = self.engine.run(_LABEL, {"thing": ox.NamedNode(iri)})
            assert isinstance(table, Table)
            found = [row[1].value for row in table.rows if row[1] is not None]
            self._labels[iri] = found[0] if found else None
        return self._labels[iri] or written

    def is_minted(self, iri: str) -> bool:
        return iri in self._minted

    def first_mention(self, iri: str) -> bool:
        """True the first time a new thing is named: that row's group introduces it."""
        first = iri not in self._introduced
        self._introduced.add(iri)
        return first

    def _in_graph(self, iri: str) -> bool:
        result = self.engine.run(_EXISTS, {"node": ox.NamedNode(iri)})
        return isinstance(result, Table) and bool(result.boolean)

    def _role_matches(self, value: str) -> Matches:
        if self._roles is None:
            table = self.engine.run(_ROLES)
            assert isinstance(table, Table)
            roles: dict[str, dict[str, str]] = defaultdict(dict)
            for role, name, *_ in table.rows:
                if role is not None and name is not None:
                    roles[normalise(name.value)][role.value] = name.value
            self._roles = dict(roles)
        key = normalise(value)
        if key in self._roles:
            return Matches(self._roles[key], {})
        near = get_close_matches(key, list(self._roles), n=3, cutoff=0.6)
        return Matches({}, {i: d for n in near for i, d in self._roles[n].items()})

    @staticmethod
    def _one(kind: str, value: str, matches: Matches) -> str:
        if len(matches.found) == 1:
            return next(iter(matches.found))
        if matches.found:
            listed = "; ".join(f"{d} <{i}>" for i, d in sorted(matches.found.items(), key=_name))
            raise Unresolved(
                f"{value!r} is ambiguous: it names {len(matches.found)} {kind}s ({listed}); "
                "use a longer name or the IRI"
            )
        near = sorted(set(matches.near.values()))
        hint = f" Did you mean: {'; '.join(near)}?" if near else ""
        raise Unresolved(f"no {kind} is named {value!r}.{hint}")


def _names_an_iri(value: str) -> bool:
    """An IRI (`https://…`, `<…>`) or a CURIE with a known prefix (`organisation:ruta`): not
    a name such as "Re:Build UAB", which may be a new company's."""
    text = value.strip()
    return text.startswith(("http://", "https://", "<")) or expand_curie(text) is not None


def _name(item: tuple[str, str]) -> tuple[str, str]:
    return normalise(item[1]), item[0]


def _after_colon(message: str) -> str:
    """A parameter error's message without the parameter's name in front."""
    return message.split(": ", 1)[1] if ": " in message else message


def vocabulary_names(engine: Engine, cls: str) -> list[str]:
    """The English names of a reference vocabulary's concepts, in rank order (tiers) or by
    name: for messages and the template's drop-down lists."""
    table = engine.run(_VOCABULARY.format(cls=cls, skos=PREFIXES["skos"], ck=CK))
    assert isinstance(table, Table)
    return list(dict.fromkeys(row[0].value for row in table.rows if row[0] is not None))
