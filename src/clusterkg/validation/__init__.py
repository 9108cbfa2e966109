"""SHACL validation of the knowledge graph, with two backends that give the same results.

    validate.py    the front: validate_build, validate_files, validate_store; the choice of
                   backend; the problems loading found (ill-typed and rewritten literals)
    report.py      the backend-free report: Problem, Report, and its text, JSON and Turtle
    fast.py        the fast backend: the shapes compiled to SPARQL (compiled/, one module per
                   section of the SHACL specification), run through the engine port
    reference.py   the reference backend: pySHACL on an rdflib copy of the engine's graph

The backend is chosen by `validate_store(..., backend=...)`: "fast", "reference", or "auto" (the
default), which compiles unless the shapes use a feature the compiler does not cover and then
falls back to pySHACL. Tests hold the two backends to the same results, the W3C SHACL test suite
included.
"""
