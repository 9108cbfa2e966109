"""A query's answer as the server sends it: its rows under the row cap, and as cells for HTML.

The rows of an answer are read up to the site's row cap (`capped`); whether rows were left out is
said by the reply, never hidden. For people, every IRI is shown by its name (skos:prefLabel, the
English one first, else rdfs:label, else a CURIE) and linked to its page when it is one of the
data's IRIs (site.Paths); literals are shown as their text. The templates escape every value.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from clusterkg.engine import Answer, Engine, Row, Table, Term
from clusterkg.server.labels import labels
from clusterkg.server.site import Paths
from clusterkg.vocabulary import shorten


@dataclass(frozen=True)
class Cell:
    """One value as a person reads it: `text`, the page it links to, the IRI it stands for."""

    text: str
    href: str | None = None
    iri: str | None = None


def capped(answer: Answer, max_rows: int | None) -> Table:
    """The answer's rows, at most `max_rows` (then `truncated`); the rest is never computed."""
    rows: list[Row] = []
    truncated = False
    for page in answer.pages:
        rows.extend(page)
        if max_rows is not None and len(rows) > max_rows:
            del rows[max_rows:]
            truncated = True
            answer.close()
            break
    return Table(answer.variables, rows, answer.boolean, truncated or answer.truncated)


def cells(engine: Engine, table: Table, paths: Paths) -> list[list[Cell]]:
    """The rows of a table as cells: IRIs by their names, linked to their pages."""
    iris = [t.value for row in table.rows for t in row if isinstance(t, ox.NamedNode)]
    names = labels(engine, iris)
    return [[cell(term, names, paths) for term in row] for row in table.rows]


def cell(term: Term | None, names: dict[str, str], paths: Paths) -> Cell:
    if term is None:
        return Cell("")
    if isinstance(term, ox.NamedNode):
        iri = term.value
        return Cell(names.get(iri) or shorten(iri), paths.path_of(iri), iri)
    if isinstance(term, ox.BlankNode):
        return Cell(f"_:{term.value}")
    return Cell(term.value)
