"""Inputs: what clusterkg reads, how it checks it, and where it keeps what it built.

bundle.py         where the bundled ontology, shapes, reference data, facts and queries live
screening.py      what is refused before any parser runs (DTDs, BOMs, hostile files)
store_loading.py  files into the store: Oxigraph parses what it can, rdflib the rest
reading.py        the reference reader (rdflib), with errors at file:line
literals.py       lexical checks of XSD literals
fidelity.py       what the store changes in literals as written, found and said
blank_nodes.py    blank-node structures of the vocabulary loaded once
sources.py        where each node is written (file and line), for messages
cache.py          the build cache: content keys, atomic publish, damage found and repaired
"""
