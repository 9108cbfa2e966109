"""SPARQL syntax errors as one line a person can act on: where, what was found, what was expected.

Oxigraph's parser says `error at 1:30: expected one of Prefix not found, ['%'], ['-' | '0' ..=
'9' | '\\u{00B7}' | …` over several lines: every alternative its grammar tried at the furthest
point it reached, character classes included. Read here, that becomes

    SPARQL syntax error: line 1, column 23: prefix "foo:" is not declared; add PREFIX foo: <…>
    SPARQL syntax error: line 1, column 37: found the end of the query; expected BY

(`FILE:LINE:COLUMN: SPARQL syntax error: …` for a query read from a file). The expected list
keeps keywords and punctuation, names the character classes (a name, a digit) and is shortened
between items, never inside one.

`check_syntax` parses a query without running it (on an empty store), so a command can say
what is wrong with a query before it builds the graph; `shift` maps positions back to the text
the user wrote when declarations were put before its first line (clusterkg.queries.prefixes).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import pyoxigraph as ox

from clusterkg.engine.safety import UnreadableQuery, position, refuse_unsafe, terminals
from clusterkg.errors import QueryError

_LOCATED = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)
_EXPECTED = re.compile(r"^expected (?:one of )?(.*)$", re.DOTALL)
_PREFIX_NOT_FOUND = "Prefix not found"
# How many expected items a message names before "…".
_SHOWN = 8


@dataclass(frozen=True)
class Where:
    """Where a query came from (`origin`: a file, or None for -e and standard input) and how
    many characters were put before its first line (`shift`)."""

    origin: str | None = None
    shift: int = 0

    def at(self, line: int, column: int) -> str:
        if line == 1:
            column = max(1, column - self.shift)
        if self.origin:
            return f"{self.origin}:{line}:{column}: SPARQL syntax error"
        return f"SPARQL syntax error: line {line}, column {column}"


def check_syntax(query: str, where: Where = Where()) -> None:
    """QueryError, in one line, if `query` is not a read-only SPARQL query Oxigraph can parse;
    nothing is evaluated (the store it is parsed against is empty)."""
    try:
        refuse_unsafe(query)
    except UnreadableQuery as error:
        line, column = position(query, error.offset)
        raise QueryError(f"{where.at(line, column)}: unexpected {error.character!r}") from None
    refused = _parser_error(query)
    if refused is not None:
        raise QueryError(explain(query, refused, where))


@functools.lru_cache(maxsize=256)
def _parser_error(query: str) -> str | None:
    """Oxigraph's message on `query`, or None if it parses; remembered, as a server checks the
    same stored queries again and again (a parse costs a few milliseconds)."""
    try:
        ox.Store().query(query)
    except SyntaxError as error:
        return str(error)
    return None


def explain(query: str, message: str, where: Where = Where()) -> str:
    """Oxigraph's syntax error `message` about `query` as one line (see the module's doc)."""
    located = _LOCATED.match(message.strip())
    if located is None:
        return f"SPARQL syntax error: {' '.join(message.split())}"
    line, column, rest = int(located.group(1)), int(located.group(2)), located.group(3)
    expected = _EXPECTED.match(rest)
    if expected is None:
        return f"{where.at(line, column)}: {' '.join(rest.split())}"
    items = _items(expected.group(1))
    offset = _offset(query, line, column)
    if _PREFIX_NOT_FOUND in items:
        name = _name_ending_at(query, offset)
        if name is not None:
            return _undeclared(query, name, where)
    # Oxigraph's own sentences ("Duplicated variable name in SELECT") say more than the rest.
    sentences = [item for item in items if " " in item and not item.startswith(("[", '"'))]
    if sentences:
        return f"{where.at(line, column)}: {'; '.join(sentences)}"
    return f"{where.at(line, column)}: found {_found(query, offset)}; {_listed(items)}"


def undeclared_prefix(prefix: str, near: str | None = None) -> str:
    """What to do about a prefix that is not declared (`near`: a known one it may have meant)."""
    hint = f' (did you mean "{near}:"?)' if near else ""
    return (
        f'prefix "{prefix}:" is not declared{hint}; add PREFIX {prefix}: <…> '
        "(known prefixes: `clusterkg prefixes`)"
    )


def _undeclared(query: str, name: tuple[int, str], where: Where) -> str:
    at, text = name
    line, column = position(query, at)
    return f"{where.at(line, column)}: {undeclared_prefix(text.partition(':')[0])}"


def _items(listed: str) -> list[str]:
    """The items of Oxigraph's expected list, split at the commas between them (not those inside
    a character class or a quoted character)."""
    items, depth, quote, start = [], 0, "", 0
    for i, char in enumerate(listed):
        if quote:
            if char == "\\":
                continue
            if char == quote and listed[i - 1] != "\\":
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "," and depth == 0:
            items.append(listed[start:i].strip())
            start = i + 1
    items.append(listed[start:].strip())
    return [item for item in items if item]


def _listed(items: list[str]) -> str:
    """The expected items people can read: keywords and punctuation as they are, character
    classes by what they stand for, "any character" left out; then shortened."""
    shown: list[str] = []
    for item in items:
        readable = _readable(item)
        if readable and readable not in shown:
            shown.append(readable)
    if not shown:
        return "the query cannot be read from there"
    if len(shown) == 1:
        return f"expected {shown[0]}"
    more = ", …" if len(shown) > _SHOWN else ""
    return "expected one of " + ", ".join(shown[:_SHOWN]) + more


def _readable(item: str) -> str | None:
    if not item.startswith("["):
        return item
    inner = item[1:-1].strip()
    if inner == "_":
        return None  # any character: says nothing
    if re.fullmatch(r"'[^']'|'\\.'", inner):
        return f'"{inner[1:-1]}"'
    if re.search(r"'[Aa]'\s*\.\.=\s*'[Zz]'", inner):
        return "a name"
    if re.search(r"'0'\s*\.\.=\s*'9'", inner):
        return "a digit"
    return None


def _offset(query: str, line: int, column: int) -> int:
    """The character offset of a line and column (both from 1)."""
    start = 0
    for _ in range(line - 1):
        found = query.find("\n", start)
        if found < 0:
            return len(query)
        start = found + 1
    return min(len(query), start + column - 1)


def _found(query: str, offset: int) -> str:
    """The terminal at `offset` (or the first after the spaces there), quoted and short."""
    rest = query[offset:]
    for kind, text, _ in terminals(rest):
        if kind in ("space", "comment"):
            continue
        shown = text if len(text) <= 30 else text[:29] + "…"
        return f'"{shown}"'
    if rest.strip():
        return repr(rest.strip()[0])
    return f"the end of the query{_after(query[:offset])}"


def _after(before: str) -> str:
    """` (after "…")`: the last few terminals before the end, to show which end is meant."""
    last = [text for kind, text, _ in terminals(before) if kind not in ("space", "comment")][-4:]
    shown = " ".join(last)
    if not shown:
        return ""
    if len(shown) > 40:
        shown = "…" + shown[-39:]
    return f' (after "{shown}")'


def _name_ending_at(query: str, offset: int) -> tuple[int, str] | None:
    """The prefixed name Oxigraph stopped after (its offset and text): the last one that ends
    at or before `offset`."""
    best: tuple[int, str] | None = None
    for kind, text, at in terminals(query):
        if at >= offset:
            break
        if kind == "name":
            best = (at, text)
    return best
