"""Hostile input: what is refused before any parser sees a file, and parser failures as one line.

Every parser (Oxigraph, rdflib, json) is given input it was not written for: entity-expansion
DTDs, nesting deeper than Python's stack, lone surrogates, malformed language tags. Whatever it
raises, the user gets one InputError naming the file (and the line when it is known), never a
traceback. Checks here are O(file) byte scans of the formats that need them, or run only once a
file has already been refused, so a good file loads as fast as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from clusterkg.errors import ClusterKGError, InputError, first_line

# Relative IRIs (`<a>`, JSON-LD `"@id": "a"`, RDF/XML `rdf:about="a"`) resolve against this, in
# every format and parser, and never against the file's own location: a base made of the path
# would put the user's folder into the graph, query results and exports. A fixed base also means
# that `<a>` is the same node in every file, which is what a relative reference in a data set
# usually means to its author. A document's own @base / xml:base still applies.

BOM = b"\xef\xbb\xbf"
XML_SUFFIXES = (".rdf", ".owl", ".xml")
# A DTD is where entities are declared: an internal subset (`<!DOCTYPE x [ … ]>`) can expand
# a few hundred bytes into gigabytes ("billion laughs"), an external one (SYSTEM/PUBLIC) is a
# fetch. RDF/XML needs neither, so both are refused before a parser reads the file.
_DTD = re.compile(rb"<!ENTITY|<!DOCTYPE[^>\[]*(?:\[|\bSYSTEM\b|\bPUBLIC\b)")
_OX_LOCATION = re.compile(
    r"^Parser error at line \d+ (?:between )?columns? [^:]*: |\s*\([^()]*, line \d+\)$"
)


def screen(path: Path) -> None:
    """Refuse a file that no parser may see (an RDF/XML DTD); reads only the XML formats."""
    if path.suffix.lower() not in XML_SUFFIXES:
        return
    try:
        data = path.read_bytes()
    except OSError:
        return  # the loader says it cannot be read
    match = _DTD.search(data)
    if match is None and (b"\0" in data[:4] or data[:2] in (b"\xff\xfe", b"\xfe\xff")):
        # UTF-16/32 would hide the declaration from the search above; RDF/XML is read as UTF-8
        raise InputError(path, "not UTF-8 (UTF-16 or UTF-32); save the file as UTF-8", 1)
    if match is not None:
        line = data.count(b"\n", 0, match.start()) + 1
        raise InputError(
            path,
            "XML DTD (<!DOCTYPE … [ ]> or <!ENTITY>) refused: entities can expand without bound "
            "or be fetched from elsewhere; write the IRIs out in full and remove the DOCTYPE",
            line,
        )


def oxigraph_source(path: Path) -> dict[str, Any]:
    """Keyword arguments for Oxigraph's parsers: the path, or, for a file that starts with a
    UTF-8 byte-order mark (which Oxigraph's Turtle reads as a character), the bytes after it.
    Three bytes are read to find out; only a file with a mark is read into memory."""
    try:
        with path.open("rb") as handle:
            if handle.read(3) == BOM:
                return {"input": handle.read()}
    except OSError:
        pass  # the parser reports it
    return {"path": str(path)}


def without_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def oxigraph_refusal(path: Path, error: Exception, what: str = "") -> InputError:
    """Oxigraph's own error as an InputError: its message without the location, which becomes
    the file:line."""
    if isinstance(error, OSError) and not isinstance(error, SyntaxError):
        return InputError(path, f"cannot read: {error.strerror or error}")
    message = _OX_LOCATION.sub("", first_line(error)) or type(error).__name__
    line = getattr(error, "lineno", None)
    prefix = f"cannot parse as {what}: " if what else ""
    return InputError(path, prefix + message, line if isinstance(line, int) else None)


def unexpected(path: Path, error: BaseException, line: int | None = None) -> InputError:
    """What a parser raised that it should not have, said in one line."""
    if isinstance(error, RecursionError):
        return InputError(
            path, "nested too deeply to read (more levels than Python can follow)", line
        )
    if isinstance(error, MemoryError):
        return InputError(path, "too large to read: out of memory", line)
    if isinstance(error, UnicodeError):
        return InputError(path, f"not valid Unicode text: {first_line(error)}", line)
    return InputError(path, f"cannot be read: {first_line(error)}", line)


@contextmanager
def guarded(path: Path) -> Iterator[None]:
    """Any exception but a ClusterKGError becomes one InputError for `path`."""
    try:
        yield
    except ClusterKGError:
        raise
    except Exception as error:  # a parser's failure, whatever its type: the user sees one line
        raise unexpected(path, error) from None


# --- where a statement starts (Turtle, TriG) -----------------------------------------------------

# What can hide a '.': strings, IRIs and comments; and what ends a statement: a '.' not inside a
# name or a number, a SPARQL-style PREFIX/BASE (which has no '.'), a TriG graph's braces.
_STATEMENT_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\s]*>"
    r"|\#[^\n]*"
    r"|(?P<end>\.(?![\w\-:%])|[{}]|(?im:^[ \t]*(?:PREFIX[ \t]+[^\s:]*:[ \t]*|BASE[ \t]+)<[^>]*>))",
    re.DOTALL,
)
_CONTENT = re.compile(r"(?:\s|\#[^\n]*)*")


def statement_start(text: str, position: int) -> int:
    """The line on which the statement holding `position` starts: after the last statement
    ended before it, the first thing that is not space or a comment."""
    end = 0
    for match in _STATEMENT_TOKENS.finditer(text, 0, position):
        if match.group("end"):
            end = match.end()
    start = _CONTENT.match(text, end)
    first = start.end() if start else end
    return text.count("\n", 0, min(first, position)) + 1


def unended_statement(path: Path, text: str, line: int, position: int, reason: str) -> InputError:
    """A statement not ended by '.' is found where the next one starts, lines later: name the
    line where the unended statement starts, and where the parser noticed."""
    start = statement_start(text, position)
    if start >= line:
        return InputError(path, reason, line)
    return InputError(
        path,
        f"Turtle syntax error: the statement starting on line {start} is not ended by '.' "
        f"(found at line {line}: {reason.removeprefix('Turtle syntax error: ')})",
        start,
    )


def json_depth_line(text: str, limit: int) -> int | None:
    """The line where JSON nesting first goes deeper than `limit` (strings skipped)."""
    depth, line = 0, 1
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]|\n', text):
        token = match.group()
        if token == "\n":
            line += 1
        elif token in "[{":
            depth += 1
            if depth > limit:
                return line
        elif token in "]}":
            depth -= 1
        else:
            line += token.count("\n")
    return None


def unstorable(path: Path, triple: Any, error: ValueError) -> InputError:
    """A term rdflib read that the store cannot hold, located by how the file may write it: the
    culprit's own spelling (an escape, a language tag) first, any value of the triple after."""
    from clusterkg.inputs.sources import SourceFile

    surrogates = [
        f"\\u{ord(c):04x}" for term in triple for c in str(term) if 0xD800 <= ord(c) <= 0xDFFF
    ]
    languages = [str(t.language) for t in triple if getattr(t, "language", None)]
    values = [str(t) for t in triple if str(t).isprintable()]
    lines = [text.lower() for text in SourceFile(path).lines]
    line = next(
        (
            number
            for spelling in [*surrogates, *languages, *values[::-1]]
            for number, text in enumerate(lines, 1)
            if spelling.lower() in text
        ),
        None,
    )
    reason = (
        f"{surrogates[0]} is a lone surrogate, not a Unicode character"
        if surrogates
        else f"a term the store cannot hold: {first_line(error)}"
    )
    return InputError(path, reason, line)
