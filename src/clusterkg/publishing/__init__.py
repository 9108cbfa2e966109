"""Publishing the graph to a SPARQL 1.1 Graph Store Protocol endpoint (`clusterkg publish`).

skolem.py       blank nodes as stable Skolem IRIs, so graphs sent one by one still share them
contents.py     the build's graphs as N-Triples, and a digest of every statement group
record.py       the description graph: the export's description, which graphs hold what, and
                the record the next publish reads back
graph_store.py  the Graph Store endpoint: GET, PUT, DELETE of one graph; Oxigraph's bulk load
default_graph.py the server's default graph as a copy of the queried graphs, and whose copy it is
refusal.py      data that does not conform, refused with a short summary
run.py          the publish in its order, its summary, and a partial failure said
"""

from clusterkg.publishing.refusal import NotConforming, refuse_violations
from clusterkg.publishing.run import Summary, publish

__all__ = ["NotConforming", "Summary", "publish", "refuse_violations"]
