"""The description graph of a publish: the VoID/DCAT description `clusterkg export` writes, plus
which graphs hold what on the server, and the record the next publish reads back.

Every graph published is a `dcterms:hasPart` of the dataset, with a digest of its content
(`schema:sha256`): the asserted graph and the inferred one (each with its `void:triples` and a
label saying what it holds) and every statement group. The next publish reads this graph first:
a graph whose digest has not changed is not sent again (replacing a big graph is slow: Oxigraph
server took 12 s to delete 200 k triples), a group that is no longer in the data is
deleted. A publish writes a pending description before it changes any graph (the graphs it is
about to write listed without a digest, so that an interrupted publish leaves none of them
unknown) and the complete one last: a description with a part lacking its digest is one of a
publish that did not finish.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from clusterkg.engine import Engine
from clusterkg.engine.server_graphs import ServerGraphs
from clusterkg.output import description
from clusterkg.output.description import DATASET, HAS_PART, INFERRED_GRAPH
from clusterkg.vocabulary import PREFIXES, RDFS, VOID, XSD_INTEGER

SHA256 = ox.NamedNode(PREFIXES["schema"] + "sha256")
LABEL = ox.NamedNode(RDFS + "label")
COMMENT = ox.NamedNode(RDFS + "comment")
TRIPLES = ox.NamedNode(VOID + "triples")
ASSERTED_LABEL = "the asserted triples: what the data files state"
INFERRED_LABEL = (
    "the inferred triples: what OWL 2 RL reasoning adds (the stored queries read them with the "
    "asserted ones)"
)
PENDING = (
    "a publish is under way or did not finish: the statement groups listed without a "
    "schema:sha256 may hold other triples than the data"
)


@dataclass
class Record:
    """What a publish left on the server: the digest of every graph it published, by its
    server IRI ("" for a graph a publish was writing when its description was written)."""

    digests: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, triples: list[ox.Triple] | None) -> Record:
        """The record in a description graph read back from the server (None: there is none)."""
        record = cls()
        for t in triples or []:
            if t.subject == DATASET and t.predicate == HAS_PART:
                record.digests.setdefault(str(getattr(t.object, "value", "")), "")
            elif t.predicate == SHA256 and isinstance(t.object, ox.Literal):
                record.digests[str(getattr(t.subject, "value", ""))] = t.object.value
        return record

    def groups(self, graphs: ServerGraphs) -> dict[str, str]:
        """The statement groups' digests (every part but clusterkg's own graphs)."""
        own = {graphs.asserted, graphs.inferred, graphs.description}
        return {iri: digest for iri, digest in self.digests.items() if iri not in own}


def described(
    engine: Engine,
    graphs: ServerGraphs,
    counts: dict[str, int],
    digests: dict[str, str],
    pending: bool = False,
) -> bytes:
    """The description graph as N-Triples: `counts` the triples of the asserted graph and (when
    published) the inferred one, by their server IRIs; `digests` those of every graph published
    (asserted, inferred, statement groups; "" for one a pending publish is writing)."""
    inferred = graphs.inferred in counts
    triples = [
        (s, p, ox.NamedNode(graphs.inferred) if o == INFERRED_GRAPH else o)
        for s, p, o in description.describe(engine, sum(counts.values()), inferred)
    ]
    labels = {graphs.asserted: ASSERTED_LABEL, graphs.inferred: INFERRED_LABEL}
    for iri, count in counts.items():
        part = ox.NamedNode(iri)
        triples.append((part, LABEL, ox.Literal(labels[iri], language="en")))
        triples.append((part, TRIPLES, ox.Literal(str(count), datatype=ox.NamedNode(XSD_INTEGER))))
    for iri, digest in sorted(digests.items()):
        if iri != graphs.inferred:  # describe() lists the inferred graph already
            triples.append((DATASET, HAS_PART, ox.NamedNode(iri)))
        if digest:
            triples.append((ox.NamedNode(iri), SHA256, ox.Literal(digest)))
    if pending:
        triples.append((DATASET, COMMENT, ox.Literal(PENDING, language="en")))
    out = ox.serialize([ox.Triple(*t) for t in triples], format=ox.RdfFormat.N_TRIPLES)
    assert out is not None
    return out
