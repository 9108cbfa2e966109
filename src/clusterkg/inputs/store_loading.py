"""Loading files into the store: Oxigraph parses what it can, the reference loader the rest.

The fast path does everything inside the store: Oxigraph parses Turtle and N-Triples (14 times
faster than rdflib at 1 M triples), and the input checks are SPARQL queries. The reference path
(rdflib) reads JSON-LD and RDF/XML, and explains input errors: when the fast path finds a file
unusable, the reference loader reads that file again and raises the exact message it always gave
(the error path may be slow; the normal path must not be).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from clusterkg.engine import LocalStore
from clusterkg.errors import ClusterKGError, InputError
from clusterkg.inputs.fidelity import Fidelity
from clusterkg.inputs.literals import invalid_reason
from clusterkg.inputs.screening import (
    guarded,
    oxigraph_refusal,
    oxigraph_source,
    unended_statement,
    unstorable,
)
from clusterkg.output.description import DATASET, HAS_PART
from clusterkg.vocabulary import (
    DESCRIPTION,
    INFERRED,
    OWL_IMPORTS,
    RDF_LANG_STRING,
    RELATIVE_BASE,
    XSD_STRING,
)

# Formats Oxigraph parses for us; anything else (JSON-LD, RDF/XML) goes through rdflib, whose
# JSON-LD handling is the one we have made refuse remote contexts.
FAST_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
}
# Formats with named graphs. A named graph of a data file is a statement group (docs/model.md):
# its triples go into the asserted graph, and once more into the group's own graph, so that the
# sources of one triple are found by GRAPH ?g. The default graph and an export's asserted graph
# go into the asserted graph; clusterkg's inferred and description graphs, which an export of
# ours writes, are re-derived (reasoning) or rewritten (export), never taken for asserted facts.
DATASET_FORMATS = {
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
}
NOT_LOADED_GRAPHS = {
    INFERRED: "reasoning derives them again",
    DESCRIPTION: "export writes its own description",
}


def load_file(
    store: LocalStore, path: Path, graph: ox.NamedNode, reader: str = "auto"
) -> list[str]:
    """Parse one file into `graph`; InputError (file, line, what is wrong) if it is unusable.
    Returns notes on what was not loaded as written (named graphs merged or left out).
    `reader` "reference": rdflib parses Turtle and N-Triples too (see clusterkg.backends)."""
    fmt = None if reader == "reference" else FAST_FORMATS.get(path.suffix.lower())
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


def _load_dataset(
    store: LocalStore, path: Path, fmt: ox.RdfFormat, graph: ox.NamedNode
) -> list[str]:
    """An N-Quads or TriG file, parsed by the store: the default graph into `graph`, every named
    graph kept (statement groups: keep_statement_groups copies them into `graph` once all files
    are in); clusterkg's own inferred and description graphs left out (NOT_LOADED_GRAPHS), which
    hold nothing else while files load. Says what was not loaded as written."""
    try:
        store.load(**oxigraph_source(path), format=fmt, base_iri=RELATIVE_BASE, to_graph=graph)
    except (SyntaxError, OSError, ValueError) as error:
        raise _located_refusal(path, error) from None
    notes = []
    for name, why in sorted(NOT_LOADED_GRAPHS.items()):
        left_out = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(name)))
        if left_out:
            store.remove_graph(ox.NamedNode(name))
            notes.append(f"{path}: {left_out} triples of graph <{name}> not loaded: {why}")
    return notes


def keep_statement_groups(store: LocalStore, graph: ox.NamedNode) -> list[str]:
    """Copy every statement group's triples into `graph` (docs/model.md: the asserted graph
    holds them all, each group once more). One update for all files: at 2 M triples, 5 s
    against 12 s for a second copy of every quad made in Python while parsing. A graph named by
    a blank node cannot be described as a group: its triples are moved into `graph`."""
    unnamed = [name for name in store.named_graphs() if isinstance(name, ox.BlankNode)]
    moved = 0
    for name in unnamed:
        quads = list(store.quads_for_pattern(None, None, None, name))
        store.extend(ox.Quad(q.subject, q.predicate, q.object, graph) for q in quads)
        store.remove_graph(name)
        moved += len(quads)
    own = ", ".join(f"<{name}>" for name in sorted({graph.value, *NOT_LOADED_GRAPHS}))
    store.update(
        f"INSERT {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }} "
        f"WHERE {{ GRAPH ?group {{ ?s ?p ?o }} FILTER(?group NOT IN ({own})) }}"
    )
    if not unnamed:
        return []
    return [
        f"{moved} triples in {len(unnamed)} graph(s) named by a blank node are loaded as "
        "asserted facts but kept in no statement group: a group needs an IRI that its "
        "description can name"
    ]


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


def drop_repeated_vocabulary_blanks(
    store: LocalStore, graph: ox.NamedNode, vocabulary: set[ox.BlankNode]
) -> list[str]:
    from clusterkg.inputs.blank_nodes import drop_repeated_vocabulary

    removed = drop_repeated_vocabulary(store, graph, vocabulary)
    if not removed:
        return []
    return [
        f"{removed} triples repeating blank-node structures of the vocabulary (ontology, "
        "reference data), as an export of the graph holds them, are loaded once"
    ]


def drop_export_description(store: LocalStore, graph: ox.NamedNode) -> list[str]:
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


def _load_with_rdflib(store: LocalStore, path: Path, graph: ox.NamedNode) -> None:
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
    store: LocalStore,
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


def _ill_typed_literal(store: LocalStore, graph: ox.NamedNode) -> tuple[str, str] | None:
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
