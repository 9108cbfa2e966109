"""The rows of a compiled query on an engine that cannot call Python (a remote SPARQL server), the
same rows the local engine gives with the query's Python checks (functions.py).

A value query (compiler._add_value_query) keeps the (focus, value) pairs for which some flag
`?okN = COALESCE(condition, false)` is false. Each Python check is one call, `check(?value)`, in
a condition, and each call is in a place where true can only make its flag truer (monotone.py
proves it from the text; a query where it cannot is refused). So, in two steps:

1. The query runs with the constant `false` in place of every check. Every flag is then at most
   what it is with the checks, so every row the local query keeps is kept (with possibly more
   flags false), along with rows whose value a check would have passed: a superset.
2. The checks run in Python on the values of those rows. A value that fails every check gives
   exactly the rows of step 1 (false was its checks' answer). The values that pass some check
   (few: the fast SPARQL tests already vouch for nearly every good value) are asked again, with
   their checks' answers bound to them in a VALUES block placed first in the query, and their
   rows replace those of step 1.

The written-forms functions (written.py) are the loader's record of literals as written, which a
server does not have: with_written(…, ()) makes them the constant false before this module sees
a query, as locally without a record.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence

import pyoxigraph as ox

from clusterkg.engine import Engine, Solution
from clusterkg.validation.compiled.expressions import sparql
from clusterkg.validation.compiled.functions import CHECK
from clusterkg.validation.compiled.monotone import flag_of_check
from clusterkg.validation.compiled.targets import FOCUS_AS_VALUE
from clusterkg.validation.compiled.terms import Term, UnsupportedShapes

Checks = Mapping[ox.NamedNode, Callable[..., ox.Literal | None]]

_CALL = re.compile(rf"<(?P<iri>{re.escape(CHECK)}[0-9]+)>\((?P<variable>\?[A-Za-z0-9_]+)\)")
_ANY_FUNCTION = "<urn:x-clusterkg:shacl-sparql:"
_VALUE = "value"
# Values asked again per query in step 2 (a server reads a long VALUES block slowly, or not at all).
BATCH = 500


def refuse_unportable(text: str) -> None:
    """UnsupportedShapes unless every Python function the query calls is a check that
    rows_without_python() can replace (written.py's must be filled in first)."""
    calls = list(_CALL.finditer(text))
    if text.count(_ANY_FUNCTION) != len(calls):
        raise UnsupportedShapes("a compiled query calls a Python function a server cannot call")
    for call in calls:
        if call.group("variable") != f"?{_VALUE}" or not _projects_value(text):
            raise UnsupportedShapes(
                "a Python check outside a value query (sh:qualifiedValueShape?) cannot run on a "
                "server"
            )
        if flag_of_check(text, call.start(), call.end()) is None:
            raise UnsupportedShapes(
                "a Python check in a place where a constant would lose results cannot run on a "
                "server"
            )


def rows_without_python(engine: Engine, text: str, graph: str, checks: Checks) -> list[Solution]:
    """The rows the query gives on `graph` with its Python `checks`, from an engine that calls
    none."""
    refuse_unportable(text)
    called = sorted({ox.NamedNode(m.group("iri")) for m in _CALL.finditer(text)}, key=str)
    if not called:
        return list(engine.solutions(text, graph))
    superset = list(engine.solutions(_with_constant(text, "false"), graph))
    answers = _answers(superset, [checks[iri] for iri in called])
    passing = {value: row for value, row in answers.items() if any(row)}
    if not passing:
        return superset
    exact: list[Solution] = [row for row in superset if row[_VALUE] not in passing]
    for batch in _batches(list(passing.items()), BATCH):
        exact += engine.solutions(_with_answers(text, called, batch), graph)
    return exact


def _answers(
    rows: Sequence[Solution], checks: Sequence[Callable[..., ox.Literal | None]]
) -> dict[Term, tuple[bool, ...]]:
    """Each value of the rows (blank nodes aside: every check fails those before it is called)
    with every check's answer on it, in `checks` order."""
    answers: dict[Term, tuple[bool, ...]] = {}
    for row in rows:
        value = row[_VALUE]
        if isinstance(value, ox.NamedNode | ox.Literal) and value not in answers:
            answers[value] = tuple(_passes(check, value) for check in checks)
    return answers


def _passes(check: Callable[..., ox.Literal | None], value: Term) -> bool:
    answer = check(value)
    return answer is not None and answer.value == "true"


def _with_constant(text: str, constant: str) -> str:
    return _CALL.sub(constant, text)


def _with_answers(
    text: str, called: Sequence[ox.NamedNode], answers: Sequence[tuple[Term, tuple[bool, ...]]]
) -> str:
    """The query for the `answers`' values only, each check call replaced by a variable that a
    VALUES block, first in the outer WHERE group, binds to the check's answer on the value (on
    the focus node, for a node shape: its value is bound to it later, by BIND, which a variable
    bound before may not be)."""
    variables = {iri.value: f"?clusterkg_check_{i}" for i, iri in enumerate(called)}
    replaced = _CALL.sub(lambda m: variables[m.group("iri")], text)
    rows = " ".join(
        f"({sparql(value)} {' '.join('true' if a else 'false' for a in row)})"
        for value, row in answers
    )
    value = "?this" if FOCUS_AS_VALUE in text else f"?{_VALUE}"
    block = f"VALUES ({value} {' '.join(variables.values())}) {{ {rows} }}"
    where = replaced.index(" WHERE {") + len(" WHERE {")
    return f"{replaced[:where]} {block}{replaced[where:]}"


def _projects_value(text: str) -> bool:
    head = text[: text.find(" WHERE {")]
    return head.startswith("SELECT") and f"?{_VALUE} " in f"{head} "


def _batches(
    items: list[tuple[Term, tuple[bool, ...]]], size: int
) -> Iterator[list[tuple[Term, tuple[bool, ...]]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
