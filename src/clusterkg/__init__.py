"""clusterkg: a linked-data knowledge graph of industry clusters and their excellence labels.

The Python API mirrors the CLI::

    from clusterkg import KnowledgeGraph
    kg = KnowledgeGraph.load()                      # bundled ontology, reference data and facts
    table = kg.query("clusters-of-company", {"company": "Rūta", "sector": "food"})
    report = kg.validate()                          # SHACL report with file:line per problem
    kg.write_export(Path("out.ttl"), fmt="ttl")     # deterministic, atomic
"""

from clusterkg.errors import ClusterKGError, InputError, ParameterError, QueryError
from clusterkg.knowledge_graph import KnowledgeGraph
from clusterkg.version import __version__

__all__ = [
    "ClusterKGError",
    "InputError",
    "KnowledgeGraph",
    "ParameterError",
    "QueryError",
    "__version__",
]
