"""SPARQL-based constraints (SHACL section 5.3.1, pre-binding of $this): the constraint's query
with the focus nodes joined into its WHERE group, in place of pySHACL's pre-binding of $this once
per focus node. The query text is read, not parsed: only the queries for which the join is surely
the same thing are compiled; anything else raises UnsupportedShapes (pySHACL validates those)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from clusterkg.validation.compiled.targets import Focus
from clusterkg.validation.compiled.terms import UnsupportedShapes

# pySHACL's own checks of a constraint's query (pyshacl.helper.sparql_query_helper, 0.40): a query
# they reject fails in pySHACL, so it is not compiled here.
_PYSHACL_REFUSES = (
    re.compile(r"^(?:[^#]*|M)(?!#)#?[^\?\$\#]M?INUS[\s\{]", flags=re.M | re.I),
    re.compile(
        r"^(?!\s*#).*?(?<![\w\-\:])VALUES\b(?:\s*(?:\(|[\?\$]\w+|\{|\w|\s))", flags=re.M | re.I
    ),
    re.compile(r"^(?:[^#]*|S)(?!#)#?[^\?\$\#]S?ERVICE[\s\<]", flags=re.M | re.I),
    re.compile(
        r"SELECT[\s\(\)\$\?\a-z]*\{[^\}]*SELECT\s+((?:(?:[\?\$]\w+\s+)|(?:\*\s+))+)",
        flags=re.M | re.I,
    ),
    re.compile(r"([\s{}()])[\$\?]PATH", flags=re.M),
    re.compile(r"([\s{}()])[\$\?]shapesGraph", flags=re.M),
    re.compile(r"([\s{}()])[\$\?]currentShape", flags=re.M),
)
_PYSHACL_AS_VARIABLE = re.compile(r"[^\w]+AS[\s]+[\$\?](\w+)", flags=re.M | re.I)
_PYSHACL_BINDS_THIS = re.compile(r"([\s{}()])[\$\?]this", flags=re.M)

_VARIABLE_END = r"(?![\w\u00B7\u0300-\u036F\u203F-\u2040])"
_THIS = re.compile(r"[?$]this" + _VARIABLE_END)
_SELECT = re.compile(r"(?<![\w?$:])SELECT(?![\w:])", re.I)
_PROLOGUE = re.compile(r"\s*((PREFIX\s+[^\s:]*:|BASE)\s*)*", re.I)
_PROJECTION = re.compile(
    r"\s*(?:(DISTINCT|REDUCED)\s+)?((?:[?$][^\W\d][\w]*\s*)+?)\s*(?:WHERE\s*)?$", re.I
)
_FILTER_OR_BIND = re.compile(r"(?<![\w?$:])(FILTER|BIND)(?![\w:])", re.I)
_EXISTS = re.compile(r"\s*(?:NOT\s+)?EXISTS\s*\{", re.I)
_FUNCTION_NAME = re.compile(r"\s*[\w.:\-]*\s*\(")
# an OPTIONAL or GRAPH (with its graph name) right before a group's opening brace
_OPTIONAL_OR_GRAPH_BEFORE = re.compile(
    r"(?<![\w?$:])(?:OPTIONAL|GRAPH\s+(?:[?$]\w+|[\w\-.]*:[\w\-.]*|\s+))\s*$", re.I
)
_NOT_PLAIN = re.compile(
    r"(?<![\w?$:])(FILTER|BIND|EXISTS|MINUS|OPTIONAL|SELECT|VALUES|SERVICE|UNION)(?![\w:])", re.I
)


@dataclass(frozen=True)
class Rewritten:
    text: str
    projected: tuple[str, ...]  # the variables the original query selects, in order


def join_focus_into(query: str, focus: Focus) -> Rewritten:
    """The query with the focus nodes joined into its WHERE group, in place of pySHACL's
    pre-binding of $this once per focus node.

    The two agree when every $this is in that group itself or in a FILTER or BIND expression of
    that group: the group's other patterns then see ?this bound by the focus nodes, its filters
    see it in every solution. Anything else raises UnsupportedShapes.
    """
    for refused in _PYSHACL_REFUSES:
        if refused.search(query):
            raise UnsupportedShapes(f"pySHACL refuses this query ({refused.pattern[:30]}…)")
    rebinds = _PYSHACL_AS_VARIABLE.search(query)
    if rebinds and rebinds.group(1) in ("this", "shapesGraph", "currentShape"):
        raise UnsupportedShapes("the query binds $this with AS")
    if not _PYSHACL_BINDS_THIS.search(query):
        raise UnsupportedShapes("the query does not use $this")
    code = _code(query)
    selects = list(_SELECT.finditer(code))
    if len(selects) != 1 or not _PROLOGUE.fullmatch(code[: selects[0].start()]):
        raise UnsupportedShapes("only a SELECT query without sub-queries is compiled")
    open_at = code.find("{", selects[0].end())
    projection = _PROJECTION.fullmatch(code[selects[0].end() : open_at]) if open_at > 0 else None
    if projection is None:
        raise UnsupportedShapes("only SELECT [DISTINCT] ?variables WHERE { … } is compiled")
    close_at = _matching(code, open_at, "{", "}")
    if close_at is None or code[close_at + 1 :].strip():
        raise UnsupportedShapes("no solution modifiers (GROUP BY, ORDER BY, LIMIT…) are compiled")
    if re.search(r"\bAS\s+[?$]this" + _VARIABLE_END, code, re.I):
        raise UnsupportedShapes("the query binds $this with AS")
    _check_this_is_joinable(code, open_at, close_at)
    projected = tuple(dict.fromkeys(v[1:] for v in projection.group(2).split()))
    selected = " ".join(["?this", *(f"?{v}" for v in projected if v != "this")])
    text = (
        f"{query[: selects[0].start()]}SELECT DISTINCT {selected} WHERE {{\n{focus.nodes}\n"
        f"{query[open_at + 1 : close_at]}\n}}"
    )
    return Rewritten(text, projected)


def _check_this_is_joinable(code: str, open_at: int, close_at: int) -> None:
    depth = _depths(code, open_at, close_at)
    expressions: list[tuple[int, int]] = []
    for keyword in _FILTER_OR_BIND.finditer(code, open_at, close_at):
        if depth[keyword.start()] == 1:
            end = _expression_end(code, keyword.end(), keyword.group(1).upper())
            if end is None:
                raise UnsupportedShapes(f"cannot read the {keyword.group(1)} at {keyword.start()}")
            expressions.append((keyword.start(), end))
    for this in _THIS.finditer(code, open_at, close_at):
        at = this.start()
        if depth[at] == 1 or any(start < at < end for start, end in expressions):
            continue
        if not _in_plain_optional_or_graph(code, at, open_at, depth):
            raise UnsupportedShapes("$this is used in a nested group pattern")


def _in_plain_optional_or_graph(code: str, at: int, open_at: int, depth: dict[int, int]) -> bool:
    """Whether `at` lies in an OPTIONAL or GRAPH group of the WHERE group whose body is triple
    patterns (and GRAPH blocks) only. The focus nodes bind ?this first, so joining or left-joining
    such a group on ?this gives what pre-binding $this in it gives; a FILTER, BIND, sub-query,
    MINUS, UNION or inner OPTIONAL could see ?this unbound, and is refused."""
    start = max(i for i in range(open_at, at) if code[i] == "{" and depth[i] == 2)
    end = _matching(code, start, "{", "}")
    if end is None or not _OPTIONAL_OR_GRAPH_BEFORE.search(code, open_at, start):
        return False
    return not _NOT_PLAIN.search(code, start + 1, end)


def _depths(code: str, open_at: int, close_at: int) -> dict[int, int]:
    """The brace depth of every position of the WHERE group (1 = the group itself)."""
    depths, depth = {}, 0
    for i in range(open_at, close_at + 1):
        if code[i] == "{":
            depth += 1
        depths[i] = depth
        if code[i] == "}":
            depth -= 1
    return depths


def _expression_end(code: str, at: int, keyword: str) -> int | None:
    """Where the expression of a FILTER or BIND starting at `at` ends."""
    rest = code[at:]
    if rest.lstrip().startswith("("):
        return _matching(code, code.index("(", at), "(", ")")
    if keyword == "FILTER":
        exists = _EXISTS.match(code, at)
        if exists:
            return _matching(code, exists.end() - 1, "{", "}")
        call = _FUNCTION_NAME.match(code, at)
        if call:
            return _matching(code, call.end() - 1, "(", ")")
    return None


def _matching(code: str, at: int, opening: str, closing: str) -> int | None:
    depth = 0
    for i in range(at, len(code)):
        if code[i] == opening:
            depth += 1
        elif code[i] == closing:
            depth -= 1
            if depth == 0:
                return i
    return None


_STRING_OR_IRI = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\'|<[^<>"{}|^`\\\x00-\x20]*>'
)


def _code(query: str) -> str:
    """The query with strings, IRIs, comments and escapes blanked, keeping every position."""
    out: list[str] = []
    i = 0
    while i < len(query):
        char = query[i]
        token = _STRING_OR_IRI.match(query, i) if char in "\"'<" else None
        if token:
            out.append(" " * len(token.group(0)))
            i = token.end()
        elif char == "#":
            end = query.find("\n", i)
            end = len(query) if end < 0 else end
            out.append(" " * (end - i))
            i = end
        elif char == "\\":
            out.append("__"[: len(query) - i])
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)
