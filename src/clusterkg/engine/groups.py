"""The statement groups of a graph (docs/model.md): every named graph but clusterkg's own, each
holding the asserted triples of one source passage. Read through the engine port, so exports
and the reference validator get them from any engine."""

from __future__ import annotations

import pyoxigraph as ox

from clusterkg.engine.answers import Table
from clusterkg.engine.port import Engine
from clusterkg.vocabulary import OWN_GRAPHS

_QUADS = f"""SELECT ?g ?s ?p ?o WHERE {{
    GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({", ".join(f"<{g}>" for g in sorted(OWN_GRAPHS))}))
}}"""


def statement_group_quads(engine: Engine) -> list[ox.Quad]:
    """Every triple of every statement group, in its group's graph."""
    table = engine.run(_QUADS)
    assert isinstance(table, Table)
    return [ox.Quad(s, p, o, g) for g, s, p, o in table.rows]  # type: ignore[arg-type]
