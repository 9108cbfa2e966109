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

from clusterkg import rules
from clusterkg.engine import ASSERTED, INFERRED
from clusterkg.errors import ClusterKGError, InputError
from clusterkg.fidelity import Fidelity, Scan
from clusterkg.literals import LEXICAL_FORMS
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
    # What the store changed in the files' literals, and ill-typed literals when they were kept
    # (validate lists them); notes for stderr, kept with a cached build to be said again.
    fidelity: Fidelity = field(default_factory=Fidelity)
    notes: list[str] = field(default_factory=list)


def build_store(
    store: ox.Store,
    files: list[Path],
    profile: str = "owlrl",
    reasoner: str = "auto",
    progress: Callable[[float, float], object] | None = None,
    keep_ill_typed: bool = False,
) -> Build:
    """Load `files` into the asserted graph of `store` and materialise the inferred graph.
    `progress(done, total)` is told how far loading is (reasoning counts as the last 30 %).
    Ill-typed literals are refused (InputError) unless `keep_ill_typed`: then they are loaded
    and listed in the build's fidelity record, for validate to report with everything else."""
    asserted = ox.NamedNode(ASSERTED)
    sizes = [_size(path) for path in files]
    total = sum(sizes) / 0.7
    scan = Scan(files).start()  # parses beside the store's load, which runs without the GIL
    for number, path in enumerate(files):
        load_file(store, path, asserted)
        if progress:
            progress(sum(sizes[: number + 1]), total)
    fidelity = scan.result()
    check_loaded(store, files, asserted, None if keep_ill_typed else fidelity)
    asserted_count = count(store, asserted)
    used = reason(store, profile, reasoner)
    inferred_count = count(store, ox.NamedNode(INFERRED))
    built = Build(store, SourceMap.of(files), profile, used, asserted_count, inferred_count)
    built.fidelity, built.notes = fidelity, fidelity.notes()
    return built


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

    # Literals are checked by the scan (fidelity.py), which lists them for validate instead of
    # stopping at the first; for the other commands check_loaded refuses them.
    parsed, _ = parse_files([path], check_literals=False)
    store.extend(
        ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph)  # type: ignore[arg-type]
        for s, p, o in parsed
    )


def check_loaded(
    store: ox.Store, files: list[Path], graph: ox.NamedNode, fidelity: Fidelity | None
) -> None:
    """Refuse what Oxigraph accepts but clusterkg does not: owl:imports and, given the scan's
    `fidelity` record, ill-typed literals (None: they are kept, for validate to report).

    Detection is a query on the store; the message comes from the reference loader re-reading
    the files that contain the culprit, so it names the file and line."""
    if store.query(f"ASK {{ ?s <{OWL_IMPORTS}> ?o }}", default_graph=graph):
        _explain(files, lambda text: "imports" in text, "owl:imports is not followed")
    if fidelity is None:
        return
    if fidelity.ill_typed:
        first = fidelity.ill_typed[0]
        raise InputError(first.file, first.refusal(), first.line)
    bad = _ill_typed_literal(store, graph)  # what the scan could not read (rdflib-only input)
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


def reason(store: ox.Store, profile: str, reasoner: str = "auto") -> str:
    """Fill the inferred graph; returns the reasoner used ("rules" or "owlrl")."""
    asserted, inferred = ox.NamedNode(ASSERTED), ox.NamedNode(INFERRED)
    fast_ok = profile == "owlrl" and not rules.unsupported_constructs(store, asserted)
    if reasoner == "rules" and not fast_ok:
        raise ClusterKGError(
            "the rules reasoner covers the owlrl profile without equality, restrictions or "
            "class expressions; use --reasoner owlrl"
        )
    if fast_ok and reasoner != "owlrl":
        rules.materialise(store, asserted, inferred)
        return "rules"
    _reason_with_owlrl(store, profile, asserted, inferred)
    return "owlrl"


def _reason_with_owlrl(
    store: ox.Store, profile: str, asserted: ox.NamedNode, inferred: ox.NamedNode
) -> None:
    from clusterkg import reasoning
    from clusterkg.convert import to_oxigraph, to_rdflib_graph

    result = reasoning.infer(to_rdflib_graph(store, asserted), profile)
    store.extend(
        ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), inferred)  # type: ignore[arg-type]
        for s, p, o in result.inferred
    )


count = rules.count  # one definition, shared with the rules
