"""Building the graph's store: parse the files into Oxigraph, refuse bad input, reason.

The fast path does everything inside the store: Oxigraph parses Turtle, and N-Triples
(14 times faster than rdflib at 1 M triples), the input checks are SPARQL queries, and reasoning is
the rules' SPARQL updates. The reference path (rdflib parsing, owlrl) is kept for what the fast
path does not cover, and to explain input errors: when the fast path finds a file unusable, the
reference loader reads that file again and raises the exact message it always gave (the error path
may be slow; the normal path must not be).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from clusterkg.engine.local import ASSERTED, DESCRIPTION, INFERRED
from clusterkg.errors import ClusterKGError, InputError
from clusterkg.inputs.fidelity import Fidelity, Scan
from clusterkg.inputs.literals import invalid_reason
from clusterkg.inputs.screening import (
    RELATIVE_BASE,
    guarded,
    oxigraph_refusal,
    oxigraph_source,
    screen,
    unended_statement,
    unstorable,
)
from clusterkg.inputs.sources import SourceMap
from clusterkg.output.description import DATASET, HAS_PART
from clusterkg.reasoning import FAST, REFERENCE, choose_reasoner, consistency
from clusterkg.reasoning.consistency import Inconsistency

# Formats Oxigraph parses for us; anything else (JSON-LD, RDF/XML) goes through rdflib, whose
# JSON-LD handling is the one we have made refuse remote contexts.
FAST_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
}
# Formats with named graphs. Their triples, in whichever graph, go into the asserted graph (graph
# names are not kept: clusterkg's graphs say asserted or inferred, not where a triple came from),
# except clusterkg's own inferred and description graphs, which an export of ours writes: those
# are re-derived (reasoning) or rewritten (export), never taken for asserted facts.
DATASET_FORMATS = {
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
}
NOT_LOADED_GRAPHS = {
    INFERRED: "reasoning derives them again",
    DESCRIPTION: "export writes its own description",
}
OWL_IMPORTS = "http://www.w3.org/2002/07/owl#imports"
IMPORTS_REFUSED = "owl:imports is not followed: clusterkg loads only the files it is given"
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
    vocabulary: int = 0,
    refuse_imports: bool = True,
) -> Build:
    """Load `files` into the asserted graph of `store` and materialise the inferred graph.
    `progress(done, total)` is told how far loading is (reasoning counts as the last 30 %).
    Ill-typed literals are refused (InputError) unless `keep_ill_typed`: then they are loaded
    and listed in the build's fidelity record, for validate to report with everything else.
    `vocabulary`: how many of the first files are the always-loaded vocabulary, whose blank-node
    structures a data file (an export read back) must not add a second time.
    `refuse_imports` False: owl:imports statements are loaded as triples, never followed."""
    from clusterkg.inputs.blank_nodes import (
        blank_nodes,  # building only: not on a cached run's path
    )

    asserted = ox.NamedNode(ASSERTED)
    sizes = [_size(path) for path in files]
    total = sum(sizes) / 0.7
    for path in files:
        screen(path)  # before any parser, the scan's included, sees a hostile file
    scan = Scan(files).start()  # parses beside the store's load, which runs without the GIL
    notes: list[str] = []
    vocabulary_blanks: set[ox.BlankNode] = set()
    for number, path in enumerate(files):
        notes += load_file(store, path, asserted)
        if number + 1 == vocabulary:
            vocabulary_blanks = blank_nodes(store, asserted)
        if progress:
            progress(sum(sizes[: number + 1]), total)
    notes += _drop_export_description(store, asserted)
    fidelity = scan.result()
    if vocabulary_blanks and fidelity.blank_files & {str(f) for f in files[vocabulary:]}:
        notes += _drop_repeated_vocabulary(store, asserted, vocabulary_blanks)
    check_loaded(store, files, asserted, None if keep_ill_typed else fidelity, refuse_imports)
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
        fidelity=fidelity,
        notes=[*notes, *fidelity.notes()],
    )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def load_file(store: ox.Store, path: Path, graph: ox.NamedNode) -> list[str]:
    """Parse one file into `graph`; InputError (file, line, what is wrong) if it is unusable.
    Returns notes on what was not loaded as written (named graphs merged or left out)."""
    fmt = FAST_FORMATS.get(path.suffix.lower())
    if fmt is not None:
        try:
            store.load(**oxigraph_source(path), format=fmt, base_iri=RELATIVE_BASE, to_graph=graph)
            return []
        except (SyntaxError, OSError, ValueError) as error:
            _explain_refusal(path, error, fmt)
    dataset_format = DATASET_FORMATS.get(path.suffix.lower())
    if dataset_format is not None:
        return _load_dataset(store, path, dataset_format, graph)
    with guarded(path):
        _load_with_rdflib(store, path, graph)
    return []


def _explain_refusal(path: Path, error: Exception, fmt: ox.RdfFormat) -> None:
    """The store refused the file: the reference loader re-reads it for its message, exactly as
    before. Where it fails itself (a RecursionError on deep nesting) or gives no line, or even
    accepts the file (a lone surrogate, a language subtag over 8 characters: rdflib's terms the
    store cannot hold), the store's own message, which names the line, is given instead."""
    from clusterkg.inputs.reading import parse_files

    try:
        parse_files([path], check_literals=False)
    except InputError as explained:
        if explained.line is not None or getattr(error, "lineno", None) is None:
            raise
    except Exception:  # the explainer's own failure (RecursionError, …): the store's message
        pass
    raise _located_refusal(path, error, fmt.name) from None


def _load_dataset(store: ox.Store, path: Path, fmt: ox.RdfFormat, graph: ox.NamedNode) -> list[str]:
    """An N-Quads or TriG file: every graph's triples into `graph`, but clusterkg's own inferred
    and description graphs (see NOT_LOADED_GRAPHS); says which graphs went where."""
    merged: dict[str, int] = {}
    left_out: dict[str, int] = {}

    def quads() -> Iterator[ox.Quad]:
        parsed = ox.parse(
            **oxigraph_source(path), format=fmt, base_iri=RELATIVE_BASE, rename_blank_nodes=True
        )
        for quad in parsed:
            name = quad.graph_name
            key = name.value if isinstance(name, ox.NamedNode | ox.BlankNode) else ""
            if key in NOT_LOADED_GRAPHS:
                left_out[key] = left_out.get(key, 0) + 1
                continue
            merged[key] = merged.get(key, 0) + 1
            yield ox.Quad(quad.subject, quad.predicate, quad.object, graph)

    try:
        store.extend(quads())
    except (SyntaxError, OSError, ValueError) as error:
        raise _located_refusal(path, error) from None
    return _dataset_notes(path, merged, left_out)


# Oxigraph's words for a statement (or a TriG graph block) not ended where the next one starts
_UNENDED = re.compile(r"(?:dot|'\.') is expected at the end")


def _located_refusal(path: Path, error: Exception, what: str = "") -> InputError:
    """Oxigraph's message, located; a missing '.' named at the statement it should end."""
    refusal = oxigraph_refusal(path, error, what)
    offset = getattr(error, "offset", None)
    if refusal.line and isinstance(offset, int) and _UNENDED.search(refusal.reason):
        from clusterkg.inputs.reading import read_text

        text = read_text(path)
        lines = text.split("\n")
        position = sum(len(line) + 1 for line in lines[: refusal.line - 1]) + max(offset - 1, 0)
        return unended_statement(path, text, refusal.line, position, refusal.reason)
    return refusal


def _dataset_notes(path: Path, merged: dict[str, int], left_out: dict[str, int]) -> list[str]:
    notes = [
        f"{path}: {count} triples of graph <{name}> not loaded: {NOT_LOADED_GRAPHS[name]}"
        for name, count in sorted(left_out.items())
    ]
    named = sorted(name for name in merged if name not in ("", ASSERTED))
    if named:
        shown = ", ".join(f"<{name}>" for name in named[:3]) + (" …" if len(named) > 3 else "")
        notes.append(
            f"{path}: the triples of {len(named)} named graph(s) ({shown}) are loaded into the "
            "asserted graph; graph names are not kept"
        )
    return notes


def _drop_repeated_vocabulary(
    store: ox.Store, graph: ox.NamedNode, vocabulary: set[ox.BlankNode]
) -> list[str]:
    from clusterkg.inputs.blank_nodes import drop_repeated_vocabulary

    removed = drop_repeated_vocabulary(store, graph, vocabulary)
    if not removed:
        return []
    return [
        f"{removed} triples repeating blank-node structures of the vocabulary (ontology, "
        "reference data), as an export of the graph holds them, are loaded once"
    ]


def _drop_export_description(store: ox.Store, graph: ox.NamedNode) -> list[str]:
    """The description of a clusterkg export, read back from a graph format (ttl, nt, jsonld),
    is about that export, not data: it is dropped (export writes a new one), and said so."""
    about = list(store.quads_for_pattern(DATASET, None, None, graph))
    if not about:
        return []
    inferred = any(q.predicate == HAS_PART and q.object == ox.NamedNode(INFERRED) for q in about)
    for quad in about:
        store.remove(quad)
    note = (
        f"the description of a clusterkg export ({len(about)} triples about <{DATASET.value}>) "
        "is not loaded: export writes its own"
    )
    if inferred:
        note += (
            "; that export holds inferred triples (--inferred) in a format without graphs, so "
            "they are loaded as asserted facts (export nq or trig to keep them apart)"
        )
    return [note]


def _load_with_rdflib(store: ox.Store, path: Path, graph: ox.NamedNode) -> None:
    """The reference loader: raises its InputError for a bad file, else adds the file's triples."""
    from clusterkg.inputs.reading import parse_files

    # Literals are checked by the scan (fidelity.py), which lists them for validate instead of
    # stopping at the first; for the other commands check_loaded refuses them.
    parsed, _ = parse_files([path], check_literals=False)
    store.extend(_stored(path, parsed, graph))


def _stored(path: Path, parsed: Iterable[Any], graph: ox.NamedNode) -> Iterator[ox.Quad]:
    """rdflib's triples as the store's; a term the store cannot hold (a lone surrogate, a
    language subtag over 8 characters, which rdflib accepts) is refused at its line."""
    from clusterkg.engine.convert import to_oxigraph

    for triple in parsed:
        try:
            s, p, o = (to_oxigraph(term) for term in triple)
        except ValueError as error:
            raise unstorable(path, triple, error) from None
        yield ox.Quad(s, p, o, graph)  # type: ignore[arg-type]


def check_loaded(
    store: ox.Store,
    files: list[Path],
    graph: ox.NamedNode,
    fidelity: Fidelity | None,
    refuse_imports: bool = True,
) -> None:
    """Refuse what Oxigraph accepts but clusterkg does not: owl:imports and, given the scan's
    `fidelity` record, ill-typed literals (None: they are kept, for validate to report).

    Detection is a query on the store; the message comes from the reference loader re-reading
    the files that contain the culprit, so it names the file and line."""
    if refuse_imports and store.query(f"ASK {{ ?s <{OWL_IMPORTS}> ?o }}", default_graph=graph):
        _explain_imports(files)
    if fidelity is None:
        return
    if fidelity.ill_typed:
        first = fidelity.ill_typed[0]
        raise InputError(first.file, first.refusal(), first.line)
    bad = _ill_typed_literal(store, graph)  # what the scan could not read (rdflib-only input)
    if bad is not None:
        lexical, reason = bad
        # The literal's text is searched for, never re-parsed with rdflib: a file holding a
        # 10 MB literal took rdflib a minute to read again.
        _locate(files, lexical, f"literal {reason}")


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
        reason = invalid_reason(literal.value, literal.datatype.value)
        if reason is not None:
            return literal.value, reason
    return None


def _locate(files: Iterable[Path], lexical: str, reason: str) -> None:
    """Raise `reason` at the first file and line where `lexical` is written as a value (quoted,
    or between tags); the first file holding it at all if no line is found."""
    from clusterkg.inputs.reading import read_text

    quoted = re.compile(rf"[\"'>]{re.escape(lexical)}[\"'<]")
    holding = [path for path in files if lexical in read_text(path)]
    for path in holding:
        text = read_text(path)
        match = quoted.search(text)
        if match is not None:
            raise InputError(path, reason, text.count("\n", 0, match.start()) + 1)
    raise InputError(holding[0] if holding else next(iter(files)), reason)


def _explain_imports(files: list[Path]) -> None:
    """Name the file that holds owl:imports, however it is spelt (`\\u0069mports`, a prefix
    declared with escapes): the file is found by parsing, not by its text."""
    from clusterkg.inputs.reading import parse_files

    for path in files:
        parsed_by_oxigraph = _oxigraph_format(path) is not None
        if parsed_by_oxigraph and not _has_imports(path):
            continue
        parse_files([path])  # raises the reference loader's message, with the line
        if parsed_by_oxigraph:
            raise InputError(
                path, "owl:imports is not followed: clusterkg loads only the files given"
            )
    raise ClusterKGError("owl:imports is not followed: clusterkg loads only the files given")


def _oxigraph_format(path: Path) -> ox.RdfFormat | None:
    return FAST_FORMATS.get(path.suffix.lower()) or DATASET_FORMATS.get(path.suffix.lower())


def _has_imports(path: Path) -> bool:
    fmt = _oxigraph_format(path)
    assert fmt is not None
    imports = ox.NamedNode(OWL_IMPORTS)
    parsed = ox.parse(**oxigraph_source(path), format=fmt, base_iri=RELATIVE_BASE)
    return any(quad.predicate == imports for quad in parsed)


def reason(
    store: ox.Store, profile: str, reasoner: str = "auto"
) -> tuple[str, list[Inconsistency]]:
    """Fill the inferred graph; returns the reasoner used ("rules" or "owlrl") and the
    contradictions it found. The rules decide on the closure they compute whether they cover
    the graph (a term counts for what it is after reasoning); if not, owlrl reasons instead."""
    from clusterkg.reasoning import rules

    asserted, inferred = ox.NamedNode(ASSERTED), ox.NamedNode(INFERRED)
    profile_refused = ["the rdfs profile"] if profile != "owlrl" else []
    fast = choose_reasoner(reasoner, profile_refused) == FAST
    # what the asserted triples show already: no rules run in vain
    fast = fast and choose_reasoner(reasoner, rules.unsupported_constructs(store, asserted)) == FAST
    if fast:
        outcome = rules.materialise(store, asserted, inferred)
        if choose_reasoner(reasoner, outcome.unsupported) == FAST:
            return FAST, outcome.inconsistencies
    return REFERENCE, _reason_with_owlrl(store, profile, asserted, inferred)


def _reason_with_owlrl(
    store: ox.Store, profile: str, asserted: ox.NamedNode, inferred: ox.NamedNode
) -> list[Inconsistency]:
    from clusterkg.engine.convert import to_oxigraph, to_rdflib_graph
    from clusterkg.reasoning import reference as reasoning

    result = reasoning.infer(to_rdflib_graph(store, asserted), profile)
    store.extend(
        ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), inferred)  # type: ignore[arg-type]
        for s, p, o in result.inferred
    )
    return consistency.from_owlrl(result.errors)


def count(store: ox.Store, graph: ox.NamedNode) -> int:
    """The number of triples in one named graph (rules.count: one definition). The rules
    module is imported when reasoning runs, not by every command that opens a cached build."""
    from clusterkg.reasoning import rules

    return rules.count(store, graph)
