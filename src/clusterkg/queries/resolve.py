"""Turning what users type (`Rūta`, `ruta`, `LITEK`, `food`, an IRI, a CURIE) into RDF terms.

Names resolve through labels, alternative labels and acronyms, ignoring case and accents. The
result is an RDF term bound into the query, never text spliced into it: a value such as
`Rūta" } UNION { ?s ?p ?o } #` is just a name that matches nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path

import pyoxigraph as ox

from clusterkg.engine import Engine, Table, Term
from clusterkg.errors import Candidate, ParameterError
from clusterkg.queries import values
from clusterkg.queries.catalogue import Parameter
from clusterkg.queries.names import ANY, MemoryNames, NamedThings, Names, normalise
from clusterkg.queries.stored_names import StoredNames
from clusterkg.vocabulary import NOT_IN_IRI, expand_curie

# Kinds whose values are typed literals, checked before the query runs.
_LITERAL_KINDS = {"year": values.year, "date": values.day}
_EXISTS = "ASK { { ?node ?p ?o } UNION { ?s ?p ?node } }"


class Resolver:
    """Resolves parameter values against the names in one engine's graph: by the build's
    persisted name index when it has one (`names`, see stored_names), else by an index made
    from the graph on the first lookup."""

    def __init__(self, engine: Engine, names: Names | None = None) -> None:
        self.engine = engine
        self.names: Names = names if names is not None else MemoryNames(engine)

    @classmethod
    def of_build(
        cls, engine: Engine, index_file: Path | None, scanned: NamedThings | None = None
    ) -> Resolver:
        """The resolver of a build whose name index, if it has one, is in `index_file`; else
        an index in memory, from the names `scanned` if the build has them."""
        if index_file is not None:
            return cls(engine, StoredNames(index_file))
        return cls(engine, MemoryNames(engine, scanned))

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
                    "are not allowed); give a name, a CURIE or an IRI",
                    parameter.name,
                    value,
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
        raise ParameterError(f"{parameter.name}: <{iri}> is not in the graph", parameter.name, iri)

    def _by_name(self, parameter: Parameter, value: str) -> str:
        matches = self.matches(parameter.kind, value)
        found = matches.found
        if len(found) == 1:
            return next(iter(found))
        if found:
            listed = "\n".join(f"  {found[t]}  <{t}>" for t in sorted(found))
            raise ParameterError(
                f"{parameter.name}: {value!r} is ambiguous; "
                f"it names {len(found)} {parameter.kind}s:"
                f"\n{listed}\nUse a longer name or the IRI.",
                parameter.name,
                value,
                _candidates(found, parameter.kind),
            )
        shown = set(matches.near.values())
        hint = f" Did you mean: {'; '.join(sorted(shown))}?" if shown else ""
        raise ParameterError(
            f"{parameter.name}: no {parameter.kind} is named {value!r}.{hint}",
            parameter.name,
            value,
            _candidates(matches.near, parameter.kind),
        )

    def matches(self, kind: str, value: str) -> Matches:
        """The things of `kind` (any other kind: every named thing) that `value` names: by the
        whole name, else by whole words of it; if none, the near names (did you mean)."""
        wanted = normalise(value)
        found = self.names.named(kind, wanted)
        if not found and wanted:
            found = self.names.named_by_words(kind, wanted)
        if found:
            return Matches(found, {})
        near = get_close_matches(wanted, self.names.keys(kind), n=3, cutoff=0.6)
        return Matches({}, {t: d for n in near for t, d in self.names.named(kind, n).items()})

    def thing(self, value: str) -> Matches:
        """What a search for `value` finds: an IRI or CURIE if the graph has it, else names."""
        iri = _as_iri(value)
        if iri is None:
            return self.matches(ANY, value)
        if NOT_IN_IRI.search(iri):
            return Matches({}, {})
        result = self.engine.run(_EXISTS, {"node": ox.NamedNode(iri)})
        exists = isinstance(result, Table) and bool(result.boolean)
        return Matches({iri: iri} if exists else {}, {})


@dataclass(frozen=True)
class Matches:
    """What a name finds: the things it names (IRI → display name) or, if none, near ones."""

    found: dict[str, str]
    near: dict[str, str]


def _candidates(found: dict[str, str], kind: str) -> list[Candidate]:
    """The things found (IRI → display name) as candidates, by name then IRI."""
    return [Candidate(iri, label, kind) for iri, label in sorted(found.items(), key=_by_label)]


def _by_label(item: tuple[str, str]) -> tuple[str, str]:
    iri, label = item
    return normalise(label), iri


def _as_iri(value: str) -> str | None:
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    if re.match(r"^[a-z][a-z0-9+.\-]*://\S+$", text, re.IGNORECASE) or text.startswith("urn:"):
        return text
    return expand_curie(text)
