"""Queries run on the loaded graph only: what would reach elsewhere is refused before it runs.

pyoxigraph evaluates `SERVICE <url>` by sending the request, and offers no switch to turn that
off, so the query text is checked first, read the way Oxigraph reads it:

1. the text is cut into the terminals of the SPARQL 1.1 grammar (section 19.8: IRIs, prefixed
   names, variables, strings, numbers, comments, punctuation, keywords), with `\\uXXXX` escapes
   decoded where Oxigraph decodes them: inside strings and IRIs, as content that never ends the
   string or IRI. A character no terminal accepts means the query cannot be checked: refused;
2. a keyword that reaches elsewhere (SERVICE, FROM, LOAD) or changes data (INSERT, DELETE, …) is
   refused. Keywords are bare words, so `?service`, `ex:load` and "FROM" in a string are no
   match; a bare word that merely contains SERVICE, FROM or LOAD is refused too (no SPARQL
   keyword does, and a parser could read it as one followed by something else);
3. `<` is either an IRI or the less-than operator, and only the grammar says which: after a
   value inside parentheses (`FILTER(?a<?b)…`) Oxigraph may read it as an operator and what
   follows as code, so the text of such an "IRI" is checked as code too;
4. the SPARQL specification decodes escapes everywhere before parsing (section 19.2); should an
   engine ever do that, `\\u0053ERVICE` would be SERVICE, so the decoded text is checked as well.

The strings, IRIs and comments read here are never wider than Oxigraph's (tested in
tests/test_safety.py): they hide nothing the engine reads as code. Names may be wider, by
non-ASCII characters only (see _PN_CHARS_BASE), which makes the query invalid for Oxigraph.

Second line: `isolate_from_network()` moves the command-line process into a network namespace of
its own with no usable interface (Linux), so even a query that got past the check cannot connect.
"""

from __future__ import annotations

import ctypes
import functools
import os
import re
import string
from collections.abc import Iterator

from clusterkg.errors import QueryError

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


# SPARQL 1.1 terminals (section 19.8), as regular expressions.
# The name classes of the grammar are ASCII letters (plus `_`, digits, `-`, `.` or `:`, by
# class) and ranges of non-ASCII letters. Here any non-ASCII character counts, and each class is
# written as the ASCII characters it leaves out: Python compiles a class with ranges beyond
# U+FFFF in tens of milliseconds, paid at every start. The difference is safe: outside strings,
# IRIs and comments a non-ASCII character is valid only inside a name, so where this reads a
# longer name than Oxigraph would, Oxigraph finds a syntax error and runs nothing.
def _name_class(ascii_allowed: str) -> str:
    letters = string.ascii_letters + ascii_allowed
    left_out = "".join(re.escape(chr(c)) for c in range(128) if chr(c) not in letters)
    return f"[^{left_out}]"


_PN_CHARS_BASE = _name_class("")
_PN_CHARS = _name_class("_-" + string.digits)
_PN_CHARS_DOT = _name_class("_-." + string.digits)
_PN_CHARS_COLON = _name_class("_-:" + string.digits)
_PN_CHARS_DOT_COLON = _name_class("_-.:" + string.digits)
_PN_START = _name_class("_:" + string.digits)  # PN_CHARS_U | ':' | [0-9]
_VAR_CHARS = _name_class("_" + string.digits)  # PN_CHARS_U | [0-9]
_PN_PREFIX = f"{_PN_CHARS_BASE}(?:{_PN_CHARS_DOT}*{_PN_CHARS})?"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PN_LOCAL = (
    f"(?:{_PN_START}|{_PLX})(?:(?:{_PN_CHARS_DOT_COLON}|{_PLX})*(?:{_PN_CHARS_COLON}|{_PLX}))?"
)
_VARNAME = f"{_VAR_CHARS}+"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"  # Oxigraph decodes these in strings and IRIs
_ECHAR = f"(?:\\\\[tbnrf\\\\\"']|{_UCHAR})"
_EXPONENT = r"[eE][+\-]?[0-9]+"
_WS = r"[\x20\x09\x0d\x0a]"

_TERMINALS = [
    ("space", f"{_WS}+"),
    ("comment", r"#[^\r\n]*"),
    ("iri", f'<(?:[^<>"{{}}|^`\\\\\\x00-\\x20]|{_UCHAR})*>'),
    ("string", f"'''(?:(?:'|'')?(?:[^'\\\\]|{_ECHAR}))*'''"),
    ("string", f'"""(?:(?:"|"")?(?:[^"\\\\]|{_ECHAR}))*"""'),
    ("string", f"'(?:[^'\\\\\\n\\r]|{_ECHAR})*'"),
    ("string", f'"(?:[^"\\\\\\n\\r]|{_ECHAR})*"'),
    ("name", f"(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?"),
    ("blank", f"_:{_VAR_CHARS}(?:{_PN_CHARS_DOT}*{_PN_CHARS})?"),
    ("variable", f"[?$]{_VARNAME}"),
    ("langtag", r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"),
    (
        "number",
        f"[+\\-]?(?:[0-9]+\\.[0-9]*{_EXPONENT}|\\.[0-9]+{_EXPONENT}|[0-9]+{_EXPONENT}"
        f"|[0-9]*\\.[0-9]+|[0-9]+)",
    ),
    ("word", r"[A-Za-z_][A-Za-z0-9_]*"),
    ("nil", f"\\({_WS}*\\)"),
    ("anon", f"\\[{_WS}*\\]"),
    ("punctuation", r"\^\^|&&|\|\||!=|<=|>=|[{}()\[\];,.=<>!+\-*/|^?~]"),
]
_TOKEN = re.compile("|".join(f"(?P<{kind}{i}>{rx})" for i, (kind, rx) in enumerate(_TERMINALS)))

_OUTSIDE = ("SERVICE", "FROM", "LOAD")
_UPDATES = {"INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "COPY", "MOVE", "ADD", "WITH", "USING"}


def decode_escapes(query: str) -> str:
    """The query with every codepoint escape decoded, as the SPARQL specification reads it."""

    def char(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else " "

    return _ESCAPE.sub(char, query)


def refuse_unsafe(query: str) -> None:
    """Refuse SERVICE, FROM, LOAD and updates: queries run on this graph only, read-only.
    A query whose text cannot be read as SPARQL terminals is refused too."""
    _check(query)


@functools.lru_cache(maxsize=256)
def _check(query: str) -> None:
    """refuse_unsafe, remembered for texts that passed (a refusal raises, and is not kept): a
    server runs the same stored queries again and again, and reading one costs 6 ms."""
    found = list(_words(query, strict=True)) + list(_words(decode_escapes(query), strict=False))
    for word in found:
        outside = next((k for k in _OUTSIDE if k in word), None)
        if outside:
            raise QueryError(
                f"{outside} is not allowed: clusterkg queries run on the loaded graph only and "
                "never fetch data from elsewhere (use --data to load other files)"
            )
        if word in _UPDATES:
            raise QueryError(
                f"{word} is not allowed: the graph is read-only (edit the data files instead)"
            )


# Tokens after which `<` can be the less-than operator: those that end a value.
_VALUE_ENDS = {"variable", "iri", "string", "number", "name", "blank", "langtag", "word", "nil"}


def _words(text: str, strict: bool) -> Iterator[str]:
    """The bare words of `text`, upper-cased, plus those in the text of every `<…>` that may be
    a less-than and the code after it. `strict`: a character no terminal accepts is an error
    (QueryError); otherwise it is skipped."""
    depth, previous = 0, ""
    for kind, token, _at in _tokens(text, strict):
        if kind == "word":
            yield token.upper()
        elif kind == "iri" and depth > 0 and (previous in _VALUE_ENDS or previous in ")]"):
            yield from _words(token[1:-1], strict=False)
        if token == "(":
            depth += 1
        elif token == ")":
            depth = max(0, depth - 1)
        if kind not in ("space", "comment"):
            previous = token if kind == "punctuation" else kind


def terminals(text: str) -> Iterator[tuple[str, str, int]]:
    """The SPARQL terminals of `text` as (kind, text, offset), kinds as in _TERMINALS (space,
    comment, iri, string, name, blank, variable, langtag, number, word, nil, anon,
    punctuation); a character no terminal accepts is skipped (the engine reports it)."""
    return _tokens(text, strict=False)


def position(text: str, at: int) -> tuple[int, int]:
    """The line and column (both from 1, columns in characters) of offset `at` in `text`."""
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


def _tokens(text: str, strict: bool) -> Iterator[tuple[str, str, int]]:
    at = 0
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None or match.end() == at:
            if strict:
                raise UnreadableQuery(text, at)
            at += 1
            continue
        yield (match.lastgroup or "").rstrip("0123456789"), match.group(), at
        at = match.end()


class UnreadableQuery(QueryError):
    """A character no SPARQL terminal accepts (an unclosed string, say), at `offset`."""

    def __init__(self, text: str, offset: int) -> None:
        line, column = position(text, offset)
        self.offset, self.character = offset, text[offset]
        super().__init__(
            f"SPARQL syntax error: line {line}, column {column}: unexpected {self.character!r}"
        )

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        return (QueryError, (str(self),))  # across processes, the message is what is left


# -- the second line: no network for the process --------------------------------------------

_CLONE_NEWNET = 0x40000000
_CLONE_NEWUSER = 0x10000000


def isolate_from_network() -> bool:
    """Move this process into a new network namespace, which has no usable interface: nothing
    it runs can connect anywhere, loopback included. True if that worked (Linux, as root or
    where unprivileged user namespaces are allowed; then the process must still be
    single-threaded, so call this first thing). Files and Unix sockets are unaffected."""
    if not os.path.exists("/proc/self/ns/net"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    if libc.unshare(_CLONE_NEWNET) == 0:  # allowed to root
        return True
    uid, gid = os.geteuid(), os.getegid()
    if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) != 0:
        return False
    # Map our own ids onto themselves, or files created from here on would fail (EOVERFLOW).
    try:
        for name, text in (
            ("setgroups", "deny"),
            ("uid_map", f"{uid} {uid} 1"),
            ("gid_map", f"{gid} {gid} 1"),
        ):
            with open(f"/proc/self/{name}", "w", encoding="ascii") as handle:
                handle.write(text)
    except OSError:
        pass  # the namespace holds all the same; only new files may be refused
    return True
