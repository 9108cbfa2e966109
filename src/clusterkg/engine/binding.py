"""Parameters bound where a remote server plans the query: a VALUES block, never spliced text.

Over HTTP there is no substitution API (pyoxigraph's `substitutions`), and splicing a value into
the text is how injection happens. Here each bound term is written in N-Triples escaping (what
pyoxigraph's str() of a term gives: quotes, backslashes, newlines and NUL escaped) inside a
`VALUES (?a ?b) { (<iri> "lit") }` block, which the server reads as data, never as code.

Where the block goes decides the answer and its speed:
- first inside the outer `WHERE {`: the server joins the rest with the bound values from the
  start. A block after the group (a trailing VALUES) gave wrong rows on Oxigraph with OPTIONAL;
- an outer block does not reach into a sub-SELECT (evaluated on its own, bottom-up), so a
  sub-SELECT that projects a bound variable and uses it gets the block first inside its own
  WHERE too, as pyoxigraph's `substitutions` hands it the value. A sub-SELECT that does not
  project the variable has another variable of the same name (SPARQL scoping): left alone.

A variable the query does not mention is dropped: an unknown binding adds no column and no
error. A variable the query computes itself (`(… AS ?v)`, `BIND(… AS ?v)`) cannot be bound in
its WHERE (SPARQL forbids it): refused with a QueryError.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from clusterkg.engine.answers import Term
from clusterkg.engine.safety import _tokens
from clusterkg.errors import QueryError

_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


@dataclass
class _Token:
    kind: str
    text: str
    at: int  # offset in the query text


@dataclass
class _Select:
    """One SELECT (the outer query, or a sub-SELECT) in the token list: where its WHERE group
    opens and closes, what it projects, and the sub-SELECTs directly inside it."""

    start: int  # token index of the SELECT keyword (the query form's, for the outer query)
    where: int  # token index of its WHERE group's `{`
    end: int  # token index of the `}` closing its WHERE group
    projected: set[str] = field(default_factory=set)  # variables (without ?), plain or aliased
    computed: set[str] = field(default_factory=set)  # `(… AS ?v)` in the projection
    star: bool = False
    scope_end: int = 0  # token index of the last token of the sub-SELECT (its enclosing `}`)
    children: list[_Select] = field(default_factory=list)


def with_values(query: str, bindings: Mapping[str, Term]) -> str:
    """`query` with `bindings` (variable name → RDF term) as VALUES blocks where the server
    plans it (see the module's docstring). No bindings, or none the query mentions: the text
    unchanged."""
    if not bindings:
        return query
    tokens = _significant(query)
    mentioned = {t.text[1:] for t in tokens if t.kind == "variable"}
    used = {name: term for name, term in bindings.items() if name in mentioned}
    if not used:
        return query
    closing = _matching_braces(tokens)
    outer = _outer(tokens, closing)
    if outer is None:
        raise QueryError("cannot bind parameters: the query has no WHERE group to bind them in")
    _computed_refused(tokens, outer, used)
    insertions: dict[int, dict[str, Term]] = {}
    for name, term in used.items():
        for select in _selects_binding(tokens, outer, name):
            insertions.setdefault(tokens[select.where].at + 1, {})[name] = term
    if _short_construct(tokens, outer):
        query, insertions = _long_construct(query, tokens, outer, insertions)
    for at in sorted(insertions, reverse=True):
        query = f"{query[:at]} {_values_block(insertions[at])}{query[at:]}"
    return query


def _values_block(bindings: Mapping[str, Term]) -> str:
    names = sorted(bindings)
    terms = " ".join(_written(bindings[n]) for n in names)
    variables = " ".join(f"?{n}" for n in names)
    return f"VALUES ({variables}) {{ ({terms}) }}\n"


def _written(term: Term) -> str:
    """The term in N-Triples syntax, which SPARQL reads as the same term."""
    if isinstance(term, ox.BlankNode):
        raise QueryError("a blank node cannot be bound on a server: give its IRI")
    if not isinstance(term, ox.NamedNode | ox.Literal):
        raise QueryError(f"cannot bind {term!r}: not an RDF term")
    return str(term)


# --- reading the query ------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _significant(query: str) -> tuple[_Token, ...]:
    """The query's terminals (safety's reading: strings, long strings, IRIs and comments are
    whole tokens, so a brace or keyword in them is never taken for code), without spaces and
    comments. Remembered: the stored queries are read again and again (1.3 ms each)."""
    return tuple(
        _Token(kind, text, at)
        for kind, text, at in _tokens(query, strict=True)
        if kind not in ("space", "comment")
    )


def _matching_braces(tokens: Sequence[_Token]) -> dict[int, int]:
    """Each `{`'s token index → the index of its `}`."""
    closing: dict[int, int] = {}
    open_at: list[int] = []
    for i, token in enumerate(tokens):
        if token.text == "{":
            open_at.append(i)
        elif token.text == "}":
            if not open_at:
                raise QueryError("SPARQL syntax error: a '}' closes nothing")
            closing[open_at.pop()] = i
    if open_at:
        raise QueryError("SPARQL syntax error: a '{' is never closed")
    return closing


def _is_word(token: _Token, word: str) -> bool:
    return token.kind == "word" and token.text.upper() == word


def _outer(tokens: Sequence[_Token], closing: dict[int, int]) -> _Select | None:
    """The outer query: its form's keyword, WHERE group, projection and sub-SELECTs."""
    form = next(
        (i for i, t in enumerate(tokens) if t.kind == "word" and t.text.upper() in _FORMS), None
    )
    if form is None:
        return None
    where = _next_brace(tokens, form + 1)
    if where is None:
        return None
    if _is_word(tokens[form], "CONSTRUCT") and where == form + 1:
        where = _next_brace(tokens, closing[where] + 1)  # past the template
        if where is None:
            return None
    outer = _Select(form, where, closing[where], scope_end=len(tokens) - 1)
    if _is_word(tokens[form], "SELECT"):
        _read_projection(tokens, outer)
    outer.children = _sub_selects(tokens, closing, outer.where + 1, outer.end)
    return outer


def _next_brace(tokens: Sequence[_Token], start: int) -> int | None:
    return next((i for i in range(start, len(tokens)) if tokens[i].text == "{"), None)


def _read_projection(tokens: Sequence[_Token], select: _Select) -> None:
    """The variables a SELECT projects: bare ones, and the aliases of `(expression AS ?v)`."""
    depth = 0
    for i in range(select.start + 1, select.where):
        token = tokens[i]
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        elif token.text == "*" and depth == 0:
            select.star = True
        elif token.kind == "variable":
            if depth == 0:
                select.projected.add(token.text[1:])
            elif _is_word(tokens[i - 1], "AS"):
                select.projected.add(token.text[1:])
                select.computed.add(token.text[1:])


def _sub_selects(
    tokens: Sequence[_Token], closing: dict[int, int], start: int, end: int
) -> list[_Select]:
    """The sub-SELECTs between token indexes `start` and `end`, not nested in one another
    (each holds its own)."""
    found: list[_Select] = []
    i = start
    while i < end:
        if _is_word(tokens[i], "SELECT"):
            where = _next_brace(tokens, i + 1)
            assert where is not None and where < end, "a sub-SELECT has a WHERE group"
            scope_end = _enclosing_close(tokens, closing, i)
            select = _Select(i, where, closing[where], scope_end=scope_end)
            _read_projection(tokens, select)
            select.children = _sub_selects(tokens, closing, where + 1, select.end)
            found.append(select)
            i = scope_end
        i += 1
    return found


def _enclosing_close(tokens: Sequence[_Token], closing: dict[int, int], at: int) -> int:
    """The `}` of the group `{ SELECT … }` whose SELECT is at token index `at`."""
    opening = max(i for i in closing if i < at and closing[i] > at)
    return closing[opening]


def _own_tokens(tokens: Sequence[_Token], select: _Select, outer: bool) -> Sequence[_Token]:
    """The tokens of a SELECT's own scope: its WHERE group (and, for the outer query, the
    projection and solution modifiers), without the sub-SELECTs inside it."""
    start, end = (select.start, len(tokens) - 1) if outer else (select.where, select.end)
    skipped = [(c.start, c.scope_end) for c in select.children]
    return [
        tokens[i]
        for i in range(start, end + 1)
        if not any(first <= i <= last for first, last in skipped)
    ]


def _selects_binding(tokens: Sequence[_Token], outer: _Select, name: str) -> list[_Select]:
    """The SELECTs whose WHERE group gets the block for variable `name`: the outer query if
    the variable is in its own scope or a sub-SELECT hands it up, and every sub-SELECT, however
    deep, that projects it (through each SELECT between) and uses it."""
    chosen: list[_Select] = []

    def visit(select: _Select, is_outer: bool) -> None:
        own = any(
            t.kind == "variable" and t.text[1:] == name
            for t in _own_tokens(tokens, select, is_outer)
        )
        handed_up = [c for c in select.children if name in c.projected or c.star]
        if own or any(name in c.projected for c in handed_up):
            chosen.append(select)
        for child in handed_up:
            if name not in child.computed:
                visit(child, is_outer=False)

    visit(outer, is_outer=True)
    return chosen


def _computed_refused(
    tokens: Sequence[_Token], outer: _Select, bindings: Mapping[str, Term]
) -> None:
    """A variable the outer query computes (`(… AS ?v)` or `BIND(… AS ?v)` in its own scope)
    cannot be given a value first in its WHERE: SPARQL forbids binding it twice."""
    own = _own_tokens(tokens, outer, outer=True)
    bound_by_as = {
        own[i].text[1:]
        for i in range(1, len(own))
        if own[i].kind == "variable" and _is_word(own[i - 1], "AS")
    }
    for name in bindings:
        if name in bound_by_as:
            raise QueryError(
                f"cannot bind ?{name} on a server: the query computes it (… AS ?{name})"
            )


def _short_construct(tokens: Sequence[_Token], outer: _Select) -> bool:
    """`CONSTRUCT WHERE { … }`: the group is the template too, so it takes triples only."""
    return _is_word(tokens[outer.start], "CONSTRUCT") and _is_word(tokens[outer.start + 1], "WHERE")


def _long_construct(
    query: str, tokens: Sequence[_Token], outer: _Select, insertions: dict[int, dict[str, Term]]
) -> tuple[str, dict[int, dict[str, Term]]]:
    """`CONSTRUCT WHERE { T }` written as `CONSTRUCT { T } WHERE { T }` (the same query), the
    insertions moved with the WHERE group."""
    where_at = tokens[outer.start + 1].at
    group = query[tokens[outer.where].at : tokens[outer.end].at + 1]
    template = f"{group} WHERE "
    shift = len(template) - len("WHERE")
    moved = {at + shift if at > where_at else at: b for at, b in insertions.items()}
    return query[:where_at] + template + query[where_at + len("WHERE") :], moved


# --- other readings a server needs ------------------------------------------------------------


def query_form(query: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the form of the query (what answer to ask for)."""
    for token in _significant(query):
        if token.kind == "word" and token.text.upper() in _FORMS:
            return token.text.upper()
    raise QueryError("SPARQL syntax error: no SELECT, ASK, CONSTRUCT or DESCRIBE")


def in_graph(query: str, graph: str) -> str:
    """`query` with its outer WHERE group inside `GRAPH <graph> { … }`: the group's own patterns
    match that graph, while a GRAPH ?g within still reaches every named graph (GRAPH changes the
    active graph, not the dataset), all without naming a dataset in the request. `graph` is
    written as a term (pyoxigraph checks the IRI), never as text."""
    tokens = _significant(query)
    outer = _outer(tokens, _matching_braces(tokens))
    if outer is None:
        raise QueryError("the query has no WHERE group")
    opening, closing = tokens[outer.where].at + 1, tokens[outer.end].at
    iri = str(ox.NamedNode(graph))
    return f"{query[:opening]} GRAPH {iri} {{{query[opening:closing]}}} {query[closing:]}"


def mentions_graph(query: str) -> bool:
    """True if the query has the GRAPH keyword: only then can it reach a named graph."""
    return any(_is_word(token, "GRAPH") for token in _significant(query))


def iris_replaced(query: str, replacements: Mapping[str, str]) -> str:
    """`query` with each IRI written `<old>` in it (as code, not inside a string or comment)
    written `<new>` instead."""
    if not replacements:
        return query
    for token in reversed(_significant(query)):
        new = replacements.get(token.text[1:-1]) if token.kind == "iri" else None
        if new is not None:
            query = f"{query[: token.at]}<{new}>{query[token.at + len(token.text) :]}"
    return query
