"""What a publish sends: each graph of the build as N-Triples, blank nodes skolemised, and the
statement groups with a digest of their content.

Read through the engine port (one N-Triples dump per graph), so any engine can be published.
The groups are dumped once to learn their blank nodes (a node may be shared with the asserted
graph) and take their digests, and again for those that are sent: a small graph's dump takes
microseconds, and keeping them all would hold a copy of every grouped triple in memory.
"""

from __future__ import annotations

import hashlib
import io

from clusterkg.engine import Engine, Table
from clusterkg.output.export import blank_node_lines
from clusterkg.publishing.skolem import Skolemiser, skolemised
from clusterkg.vocabulary import ASSERTED, OWN_GRAPHS

_GROUPS = """SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"""


class Contents:
    """The build's graphs, ready to send. `inferred`: the inferred graph is published too.
    Made in one pass over the groups: their blank nodes learnt, and the digest of every group
    without one (nearly all) taken from the same dump."""

    def __init__(self, engine: Engine, inferred: bool) -> None:
        self.engine = engine
        self.inferred = inferred
        self.skolemiser = Skolemiser()
        self.skolemiser.learn(ASSERTED, blank_node_lines(engine.ntriples(ASSERTED))[1])
        self.digests: dict[str, str] = {}
        self.group_triples = 0
        with_blank_nodes = []
        for iri in _group_iris(engine):
            dump = engine.ntriples(iri)
            self.group_triples += triple_count(dump)
            blank = blank_node_lines(dump)[1]
            if blank:
                self.skolemiser.learn(iri, blank)
                with_blank_nodes.append(iri)
            else:
                self.digests[iri] = digest(dump)
        for iri in with_blank_nodes:
            self.digests[iri] = digest(self.group(iri))
        self.digests = dict(sorted(self.digests.items()))

    def graph(self, graph: str) -> list[bytes | memoryview]:
        """The asserted or the inferred graph's N-Triples as published, in chunks."""
        return skolemised(self.engine.ntriples(graph), self.skolemiser)[0]

    def digest_of(self, graph: str) -> str:
        """A graph's digest as published (its dump is not kept: at 2 M triples it is 250 MB,
        dumped again if it is sent)."""
        dump = self.engine.ntriples(graph)
        chunks, blank = skolemised(dump, self.skolemiser)
        return _hex(_line_sum(dump) - _line_sum(blank) + _line_sum(bytes(chunks[-1])))

    def group(self, iri: str) -> bytes:
        """One statement group's N-Triples, as published."""
        return b"".join(skolemised(self.engine.ntriples(iri), self.skolemiser)[0])

    def skolemised(self, ntriples: bytes) -> bytes:
        """Other N-Triples (the description) with the same Skolem IRIs."""
        return b"".join(skolemised(ntriples, self.skolemiser)[0])


def digest(ntriples: bytes) -> str:
    """An order-free digest of a graph's N-Triples: the sum of its lines' SHA-256 (mod 2^256).
    The same triples give the same digest whatever order the store lists them in, without
    sorting two million lines (or holding them in a list) first; and a sum, so the lines a
    publish rewrites (blank nodes) are taken out and put back without copying the rest."""
    return _hex(_line_sum(ntriples))


def _line_sum(ntriples: bytes) -> int:
    total = 0
    for line in io.BytesIO(ntriples):  # shares the bytes: no copy
        if line != b"\n":
            total += int.from_bytes(hashlib.sha256(line.rstrip(b"\n")).digest())
    return total


def _hex(total: int) -> str:
    return f"{total % 2**256:064x}"


def triple_count(ntriples: bytes) -> int:
    return ntriples.count(b"\n")


def _group_iris(engine: Engine) -> list[str]:
    table = engine.run(_GROUPS)
    assert isinstance(table, Table)
    named = (row[0].value for row in table.rows if row[0] is not None)
    return sorted(iri for iri in named if iri not in OWN_GRAPHS)
