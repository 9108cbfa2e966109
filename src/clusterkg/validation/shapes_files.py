"""The shapes validation uses, as one file or several (the bundled shapes and a workspace's):
read into one shapes graph, each file's blank nodes kept apart, a file that cannot be read an
error naming it and the line. Both validators take the shapes from here when there are several."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pyoxigraph as ox

from clusterkg.errors import InputError
from clusterkg.inputs.screening import without_bom
from clusterkg.vocabulary import RELATIVE_BASE

if TYPE_CHECKING:
    from rdflib import Graph

# One shapes file, or several merged (a workspace's shapes/ on top of the bundled shapes).
Shapes = Path | Sequence[Path]
_T = TypeVar("_T")


def shapes_paths(shapes: Shapes) -> tuple[Path, ...]:
    """The files of `shapes`, in order."""
    return (shapes,) if isinstance(shapes, Path) else tuple(shapes)


def shapes_names(shapes: Shapes) -> str:
    """The files of `shapes`, for a message."""
    return ", ".join(str(path) for path in shapes_paths(shapes))


def where_in(shapes: Shapes, message: str) -> str:
    """Where in the shapes files the problem a message names is: the file (and line) of the
    shape it names, else every file. A blank node of the n-th file is `_:f<n>x…` (_apart)."""
    from clusterkg.inputs.sources import SourceMap

    files = shapes_paths(shapes)
    if len(files) == 1:
        return str(files[0])
    blank = re.search(r"_:f(\d+)x", message)
    if blank and int(blank.group(1)) < len(files):
        return str(files[int(blank.group(1))])
    sources = SourceMap.of(list(files))
    named = re.findall(r"<([^>\s]+)>", message) + re.findall(r"https?://[^\s<>\"]+", message)
    for iri in named:
        found = sources.locate(iri)
        if found:
            return f"{found[0]}:{found[1]}" if found[1] else found[0]
    return shapes_names(shapes)


def merged_triples(files: Sequence[Path]) -> list[ox.Triple]:
    """The triples of the Turtle files together; a blank node `_:b` of the second file is not
    the `_:b` of the first (files are separate documents, as when rdflib parses each)."""
    triples: list[ox.Triple] = []
    for number, path in enumerate(files):
        triples += [_apart(triple, number) for triple in turtle_triples(path)]
    return triples


def turtle_triples(path: Path) -> list[ox.Triple]:
    """The triples of one shapes file, Turtle; InputError with the line for a syntax error."""
    try:
        text = without_bom(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, f"cannot read the shapes: {error}") from None
    try:
        parsed = ox.parse(text, ox.RdfFormat.TURTLE, base_iri=RELATIVE_BASE)
        return [ox.Triple(q.subject, q.predicate, q.object) for q in parsed]
    except SyntaxError as error:
        line = error.lineno if isinstance(error.lineno, int) else None
        raise InputError(path, f"the shapes are not valid Turtle: {error.msg}", line) from None


def merged_graph(files: Sequence[Path]) -> Graph:
    """merged_triples as an rdflib graph, for pySHACL."""
    from rdflib import Graph

    from clusterkg.engine.convert import to_rdflib

    graph = Graph()
    for s, p, o in merged_triples(files):
        graph.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
    return graph


def _apart(triple: ox.Triple, number: int) -> ox.Triple:
    if number == 0:
        return triple
    return ox.Triple(
        _renamed(triple.subject, number), triple.predicate, _renamed(triple.object, number)
    )


def _renamed(term: _T, number: int) -> _T:
    if isinstance(term, ox.BlankNode):
        return ox.BlankNode(f"f{number}x{term.value}")  # type: ignore[return-value]
    return term
