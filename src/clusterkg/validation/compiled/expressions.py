"""Writing SPARQL text: terms and strings into a query, boolean conditions chained in order."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import pyoxigraph as ox

from clusterkg.validation.compiled.terms import Term, UnsupportedShapes


def sparql(term: Term) -> str:
    """A term written into a query (N-Triples syntax is SPARQL syntax)."""
    if isinstance(term, ox.BlankNode):
        raise UnsupportedShapes(f"a blank node cannot be written into a query: {term}")
    if isinstance(term, ox.NamedNode) and re.search(r'[\x00-\x20<>"{}|^`\\]', term.value):
        raise UnsupportedShapes(f"an IRI SPARQL cannot write: {term}")
    return str(term)


def string(text: str) -> str:
    """A SPARQL string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\r", "\\r") + '"'


# Conditions are chained with IF, never with && and ||: Oxigraph may evaluate the operands of
# those in either order, and a cheap test that settles most values must come before the Python
# check (or the long list of datatypes) that it spares.


def all_of(*conditions: str) -> str:
    """SPARQL: every condition holds, tested in order."""
    return _chained(conditions, "true", lambda first, rest: f"IF({first}, {rest}, false)")


def any_of(*conditions: str) -> str:
    """SPARQL: some condition holds, tested in order."""
    return _chained(conditions, "false", lambda first, rest: f"IF({first}, true, {rest})")


def _chained(conditions: Sequence[str], none: str, link: Callable[[str, str], str]) -> str:
    """The conditions linked from the last one back to the first (`none` if there are none)."""
    if not conditions:
        return none
    chained = conditions[-1]
    for condition in reversed(conditions[:-1]):
        chained = link(condition, chained)
    return chained
