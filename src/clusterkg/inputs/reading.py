"""Reading RDF files safely, with errors that name the file and line.

rdflib parses (its errors carry line numbers); on top of it this module refuses what rdflib lets
through: bytes that are not UTF-8, IRIs with spaces, ill-typed literals, and JSON-LD documents
whose @context is fetched from elsewhere. Nothing here opens a network connection.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL
from rdflib.plugins.parsers.notation3 import BadSyntax

from clusterkg.errors import InputError, first_line
from clusterkg.inputs.literals import ill_typed_reason, invalid_reason
from clusterkg.inputs.screening import (
    guarded,
    json_depth_line,
    screen,
    unended_statement,
    unexpected,
    without_bom,
)
from clusterkg.inputs.sources import PREFIX_DECL, SourceFile, SourceMap
from clusterkg.quiet import quiet_rdflib
from clusterkg.vocabulary import RELATIVE_BASE

FORMAT_BY_SUFFIX = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}

_TYPED_LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"\^\^(<[^>\s]*>|[\w\-.]*:[\w\-.]*)')
_BAD_IRI_CHARS = re.compile(r'[\s<>"{}|\\^`]')
# Nesting beyond which a JSON-LD document is said to be too deep when Python's stack runs out
# (json and rdflib's JSON-LD recurse once per level; the line named is where it passes this).
JSON_DEPTH = 500


def rdf_format(path: Path) -> str:
    fmt = FORMAT_BY_SUFFIX.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMAT_BY_SUFFIX))
        raise InputError(path, f"unknown RDF file type {path.suffix!r} (known: {known})")
    return fmt


def read_text(path: Path) -> str:
    """The file as UTF-8 text; any other encoding is refused with the line of the first bad byte."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror or error}") from None
    try:
        return without_bom(raw.decode("utf-8"))  # a byte-order mark says UTF-8: nothing to keep
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError(
            path, f"not UTF-8 (byte 0x{raw[error.start]:02x}); save the file as UTF-8", line
        ) from None


def parse_file(path: Path, into: Graph, sources: SourceMap, check_literals: bool = True) -> None:
    """Parse one RDF file into `into`, recording it in `sources`; InputError if unusable.
    `check_literals`: refuse ill-typed literals (the fast path lists them itself instead)."""
    fmt = rdf_format(path)
    screen(path)
    text = read_text(path)
    with guarded(path):
        graph = _parse(path, text, fmt)
        source = SourceFile(path, text, dict(PREFIX_DECL.findall(text)))
        _refuse_imports(source, graph)
        _check_terms(source, graph, check_literals)
    into += graph
    sources.add(source)


def _parse(path: Path, text: str, fmt: str) -> Graph:
    """rdflib's graph of the text; InputError naming the line where rdflib knows it."""
    try:
        return _parse_text(path, text, fmt)
    except RecursionError:  # json, rdflib and our JSON walks recurse once per level
        raise unexpected(path, RecursionError(), _deepest_line(text, fmt)) from None


def _parse_text(path: Path, text: str, fmt: str) -> Graph:
    if fmt == "json-ld":
        document = _json(path, text)
        _refuse_remote_contexts(path, text, document)
        _refuse_ids_that_are_not_iris(path, text, document)
    graph = Graph()
    try:
        with quiet_rdflib():
            graph.parse(data=text, format=fmt, publicID=RELATIVE_BASE)
    except BadSyntax as error:
        raise _bad_syntax(path, text, error) from None
    except RecursionError:
        raise
    except Exception as error:  # rdflib's parsers raise many types; all mean the same to a user
        raise InputError(
            path, f"cannot parse as {fmt}: {first_line(error)}", _line_hint(error)
        ) from None
    return graph


def _json(path: Path, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(path, f"not valid JSON: {error.msg}", error.lineno) from None


def _deepest_line(text: str, fmt: str) -> int | None:
    """Where nesting outgrows Python's stack (JSON only: other formats' nesting is not counted)."""
    return json_depth_line(text, JSON_DEPTH) if fmt == "json-ld" else None


def _bad_syntax(path: Path, text: str, error: BadSyntax) -> InputError:
    reason, line = _bad_syntax_reason(error), error.lines + 1
    position = getattr(error, "_i", None)
    if "at end of statement" in reason and isinstance(position, int):
        return unended_statement(path, text, line, position, reason)
    return InputError(path, reason, line)


def parse_files(
    paths: Iterable[Path], into: Graph | None = None, check_literals: bool = True
) -> tuple[Graph, SourceMap]:
    graph = into if into is not None else Graph()
    sources = SourceMap()
    for path in paths:
        parse_file(path, graph, sources, check_literals)
    return graph, sources


def _refuse_imports(source: SourceFile, graph: Graph) -> None:
    """owl:imports would pull in a document from elsewhere: clusterkg loads only the files given."""
    for imported in graph.objects(None, OWL.imports):
        raise InputError(
            source.path,
            f"owl:imports <{imported}> is not followed: clusterkg loads only the files it is "
            "given; remove the owl:imports statement and pass the imported file with --data",
            source.line_of(str(imported)),
        )


def _check_terms(source: SourceFile, graph: Graph, check_literals: bool = True) -> None:
    """Refuse IRIs that are not IRIs and (if `check_literals`) literals that are not of their
    datatype."""
    if check_literals:
        _check_typed_literal_spellings(source)
    for term in _terms(graph):
        if isinstance(term, URIRef) and _BAD_IRI_CHARS.search(term):
            raise InputError(
                source.path,
                f"IRI <{term}> contains a space or a character not allowed in IRIs; "
                "percent-encode it (a space is %20)",
                _line_containing(source, f"<{term}>"),
            )
        if check_literals and isinstance(term, Literal):
            reason = ill_typed_reason(term)
            if reason:
                raise InputError(
                    source.path, f"literal {reason}", _line_containing(source, f'"{term}"')
                )


def _check_typed_literal_spellings(source: SourceFile) -> None:
    """Check typed literals as written (rdflib rewrites some, e.g. "yes"^^xsd:boolean → false)."""
    for number, line in enumerate(source.lines, start=1):
        for match in _TYPED_LITERAL.finditer(line):
            lexical, datatype = match.group(1), match.group(2)
            iri = _expand(datatype, source.prefixes)
            reason = invalid_reason(lexical, iri or "")
            if reason is not None:
                raise InputError(source.path, f"literal {reason}", number)


def _expand(name: str, prefixes: dict[str, str]) -> str | None:
    if name.startswith("<"):
        return name[1:-1]
    prefix, _, local = name.partition(":")
    namespace = prefixes.get(prefix)
    return namespace + local if namespace is not None else None


def _terms(graph: Graph) -> Iterator[Any]:
    for triple in graph:
        yield from triple


def _line_containing(source: SourceFile, needle: str) -> int | None:
    for number, line in enumerate(source.lines, start=1):
        if needle in line:
            return number
    return None


def _bad_syntax_reason(error: BadSyntax) -> str:
    why = str(getattr(error, "_why", "")) or str(error)
    if "not bound" in why and "Prefix" in why:
        return f"{why}: declare it with @prefix before use"
    return f"Turtle syntax error: {why}"


def _line_hint(error: Exception) -> int | None:
    # "… at line 3 …" (rdflib), "<unknown>:3:56: …" (expat, under RDF/XML)
    match = re.search(r"line (\d+)|^<[^>]*>:(\d+):\d+:", str(error))
    if match:
        return int(match.group(1) or match.group(2))
    return None


def _refuse_remote_contexts(path: Path, text: str, document: Any) -> None:
    """JSON-LD may only use inline contexts: a context by reference would be fetched."""
    for context in _contexts(document):
        raise InputError(
            path,
            f'JSON-LD context "{context}" refers to a document elsewhere (@context or @import); '
            "clusterkg does not fetch remote or local contexts: inline the context object instead",
            _line_containing(SourceFile(path, text), str(context)),
        )


def _refuse_ids_that_are_not_iris(path: Path, text: str, document: Any) -> None:
    """A JSON-LD node whose @id (or @type) is not an IRI is dropped by the JSON-LD algorithms,
    silently; Turtle refuses the same IRI, and so does clusterkg, naming the line."""
    for value in _identifiers(document):
        if not value.startswith("_:") and _BAD_IRI_CHARS.search(value):
            raise InputError(
                path,
                f'JSON-LD @id or @type "{value}" is not an IRI (it contains a space or a '
                "character not allowed in IRIs); percent-encode it (a space is %20)",
                _line_containing(SourceFile(path, text), json.dumps(value, ensure_ascii=False)),
            )


def _identifiers(node: Any) -> Iterator[str]:
    """Every string value of "@id" and "@type" in a JSON-LD document, contexts left out."""
    return _strings_of(node, keys=("@id", "@type"), left_out="@context", nested=False)


def _contexts(node: Any) -> Iterator[str]:
    """Every context a JSON-LD document names by IRI, in contexts and their imports too."""
    return _strings_of(node, keys=("@context", "@import"), left_out=None, nested=True)


def _strings_of(
    node: Any, keys: tuple[str, ...], left_out: str | None, nested: bool
) -> Iterator[str]:
    """The strings that are values (or list items) of `keys` anywhere in a JSON document; the
    subtree under `left_out` is not entered; `nested`: a key's own non-string values are
    searched too (a context object holding an @import)."""
    if isinstance(node, list):
        for item in node:
            yield from _strings_of(item, keys, left_out, nested)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in keys:
                values = value if isinstance(value, list) else [value]
                yield from (v for v in values if isinstance(v, str))
                if nested:
                    objects = [v for v in values if not isinstance(v, str)]
                    yield from _strings_of(objects, keys, left_out, nested)
            elif key != left_out:
                yield from _strings_of(value, keys, left_out, nested)


__all__ = ["SourceFile", "SourceMap", "parse_file", "parse_files", "rdf_format", "read_text"]
