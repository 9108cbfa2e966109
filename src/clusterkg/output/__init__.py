"""Output: every way clusterkg writes the graph or an answer, with the same bytes every time.

formats.py        the one registry of output formats: name, media type, extension, kind
tables.py         query answers: tables for people, SPARQL result formats for programs
serialise.py      RDF writers (Turtle, N-Triples, N-Quads, TriG, JSON-LD), deterministic
blank_labels.py   canonical blank-node labels
export.py         the graph and its description, through the engine port
description.py    the VoID/DCAT description of an export
atomic.py         files replaced whole or not at all
turtle_writer.py  readable Turtle data files, for every producer of data (generate, importers)
"""
