"""The engine: where the graph is stored and queried, behind one port.

port.py     the Engine protocol every reader of the graph uses (query, triples, count)
answers.py  what a query gives back: Answer (rows in pages), Table, Triples
local.py    LocalStore (the one holder of a pyoxigraph Store) and LocalEngine (the port over it)
safety.py   what a query may not do (SERVICE, LOAD, FROM, updates) and the network switched off
limits.py   a timeout and a row cap, with the query in a forked worker
convert.py  terms between pyoxigraph and rdflib, for the reference paths
"""

from clusterkg.engine.answers import Answer, Row, Table, Term, Triples
from clusterkg.engine.local import LocalEngine, LocalStore
from clusterkg.engine.port import Bindings, Engine, Functions, Solution

__all__ = [
    "Answer",
    "Bindings",
    "Engine",
    "Functions",
    "LocalEngine",
    "LocalStore",
    "Row",
    "Solution",
    "Table",
    "Term",
    "Triples",
]
