"""Building the graph's store: parse the files into Oxigraph, refuse bad input, reason.

The fast path does everything inside the store: Oxigraph parses Turtle, and N-Triples
(14 times faster than rdflib at 1 M triples), the input checks are SPARQL queries, and reasoning is
rules.py's SPARQL updates. The reference path (rdflib parsing, owlrl) is kept for what the fast
path does not cover, and to explain input errors: when the fast path finds a file unusable, the
reference loader reads that file again and raises the exact message it always gave (the error path
may be slow; the normal path must not be).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from clusterkg import consistency, rules
from clusterkg.consistency import Inconsistency
from clusterkg.engine import ASSERTED, INFERRED
from clusterkg.errors import ClusterKGError, InputError
from clusterkg.literals import LEXICAL_FORMS
from clusterkg.namespaces import shorten
from clusterkg.sources import SourceMap

# Formats Oxigraph parses for us; anything else (JSON-LD, RDF/XML) goes through rdflib, whose
# JSON-LD handling is the one we have made refuse remote contexts.
FAST_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
}
REASONERS = ("auto", "rules", "owlrl")
OWL_IMPORTS = "http://www.w3.org/2002/07/owl#imports"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass
class Build:
    """A store holding the asserted graph and what reasoning added, and how it was made."""

    store: ox.Store
    sources: SourceMap
    profile: str
    reasoner: str
    asserted: int
    inferred: int
    from_cache: bool = False
    # contradictions reasoning found (reported by reason and validate, never exported as data)
    inconsistencies: list[Inconsistency] = field(default_factory=list)


def build_store(
    store: ox.Store,
    files: list[Path],
    profile: str = "owlrl",
    reasoner: str = "auto",
    progress: Callable[[float, float], object] | None = None,
) -> Build:
    """Load `files` into the asserted graph of `store` and materialise the inferred graph.
    `progress(done, total)` is told how far loading is (reasoning counts as the last 30 %)."""
    asserted = ox.NamedNode(ASSERTED)
    sizes = [_size(path) for path in files]
    total = sum(sizes) / 0.7
    for number, path in enumerate(files):
        load_file(store, path, asserted)
        if progress:
            progress(sum(sizes[: number + 1]), total)
    check_loaded(store, files, asserted)
    asserted_count = count(store, asserted)
    used, inconsistencies = reason(store, profile, reasoner)
    inferred_count = count(store, ox.NamedNode(INFERRED))
    return Build(
        store,
        SourceMap.of(files),
        profile,
        used,
        asserted_count,
        inferred_count,
        inconsistencies=inconsistencies,
    )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def load_file(store: ox.Store, path: Path, graph: ox.NamedNode) -> None:
    """Parse one file into `graph`; InputError (file, line, what is wrong) if it is unusable."""
    fmt = FAST_FORMATS.get(path.suffix.lower())
    if fmt is not None:
        try:
            store.load(path=str(path), format=fmt, base_iri=path.resolve().as_uri(), to_graph=graph)
            return
        except (SyntaxError, OSError, ValueError):
            pass  # explained below, by the reference loader, exactly as before
    _load_with_rdflib(store, path, graph)


def _load_with_rdflib(store: ox.Store, path: Path, graph: ox.NamedNode) -> None:
    """The reference loader: raises its InputError for a bad file, else adds the file's triples."""
    from clusterkg.convert import to_oxigraph
    from clusterkg.loading import parse_files

    parsed, _ = parse_files([path])
    store.extend(
        ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph)  # type: ignore[arg-type]
        for s, p, o in parsed
    )


def check_loaded(store: ox.Store, files: list[Path], graph: ox.NamedNode) -> None:
    """Refuse what Oxigraph accepts but clusterkg does not: owl:imports and ill-typed literals.

    Detection is a query on the store; the message comes from the reference loader re-reading
    the files that contain the culprit, so it names the file and line."""
    if store.query(f"ASK {{ ?s <{OWL_IMPORTS}> ?o }}", default_graph=graph):
        _explain(files, lambda text: "imports" in text, "owl:imports is not followed")
    bad = _ill_typed_literal(store, graph)
    if bad is not None:
        lexical, datatype = bad
        _explain(
            files,
            lambda text: lexical in text,
            f"literal {lexical!r} is not a valid xsd:{datatype.rsplit('#', 1)[-1]}",
        )


def _ill_typed_literal(store: ox.Store, graph: ox.NamedNode) -> tuple[str, str] | None:
    """A typed literal that is not of its datatype. Every distinct typed literal is checked in
    Python (a few thousand even at 2 M triples: dates, years, counts); plain strings are not."""
    rows = store.query(
        f"SELECT DISTINCT ?o WHERE {{ ?s ?p ?o FILTER(isLiteral(?o) "
        f"&& DATATYPE(?o) != <{XSD_STRING}> && DATATYPE(?o) != <{RDF_LANG_STRING}>) }}",
        default_graph=graph,
    )
    assert isinstance(rows, ox.QuerySolutions)
    for row in rows:
        literal = row[0]
        assert isinstance(literal, ox.Literal)
        datatype = literal.datatype.value
        pattern = LEXICAL_FORMS.get(datatype)
        if pattern is not None and not pattern.fullmatch(literal.value):
            return literal.value, datatype
    return None


def _explain(files: Iterable[Path], suspect: Callable[[str], bool], fallback: str) -> None:
    """Re-read the suspect files with the reference loader, which raises the precise error."""
    from clusterkg.loading import parse_files, read_text

    candidates = [f for f in files if suspect(read_text(f))]
    for path in candidates:
        parse_files([path])
    first = candidates[0] if candidates else next(iter(files))
    raise InputError(first, fallback)


def reason(
    store: ox.Store, profile: str, reasoner: str = "auto"
) -> tuple[str, list[Inconsistency]]:
    """Fill the inferred graph; returns the reasoner used ("rules" or "owlrl") and the
    contradictions it found. The rules decide on the closure they compute whether they cover
    the graph (a term counts for what it is after reasoning); if not, owlrl reasons instead."""
    asserted, inferred = ox.NamedNode(ASSERTED), ox.NamedNode(INFERRED)
    refused = ["the rdfs profile"] if profile != "owlrl" else []
    if reasoner != "owlrl" and not refused:
        refused = rules.unsupported_constructs(store, asserted)  # no rules run in vain
        if not refused:
            outcome = rules.materialise(store, asserted, inferred)
            if not outcome.unsupported:
                return "rules", outcome.inconsistencies
            refused = outcome.unsupported
    if reasoner == "rules":
        raise ClusterKGError(
            f"the rules reasoner does not cover {', '.join(shorten(t) for t in refused)}; "
            "use --reasoner owlrl"
        )
    return "owlrl", _reason_with_owlrl(store, profile, asserted, inferred)


def _reason_with_owlrl(
    store: ox.Store, profile: str, asserted: ox.NamedNode, inferred: ox.NamedNode
) -> list[Inconsistency]:
    from clusterkg import reasoning
    from clusterkg.convert import to_oxigraph, to_rdflib_graph

    result = reasoning.infer(to_rdflib_graph(store, asserted), profile)
    store.extend(
        ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), inferred)  # type: ignore[arg-type]
        for s, p, o in result.inferred
    )
    return consistency.from_owlrl(result.errors)


count = rules.count  # one definition, shared with the rules
