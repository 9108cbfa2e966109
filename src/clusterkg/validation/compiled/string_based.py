"""String-based constraint components (SHACL section 4.4): sh:minLength, sh:maxLength, sh:pattern
(with sh:flags), sh:languageIn, sh:uniqueLang.

pySHACL measures and matches str() of the value as rdflib normalises it, with Python's re: SPARQL
tests the values rdflib keeps as written (and, for sh:pattern, with the part of the regex that
Oxigraph's Rust regex reads the same way: rust_regex.py); the others go to pySHACL's check."""

from __future__ import annotations

import re
from functools import partial

import pyoxigraph as ox

from clusterkg.validation.compiled.components import (
    Condition,
    FocusComponent,
    FocusScope,
    Query,
    ValueComponent,
    ValueScope,
)
from clusterkg.validation.compiled.expressions import all_of, any_of, sparql, string
from clusterkg.validation.compiled.rdflib_view import pyshacl_text, rdflib_sees_as_written
from clusterkg.validation.compiled.results import CoreOutcome
from clusterkg.validation.compiled.rust_regex import rust_subset
from clusterkg.validation.compiled.shapes import boolean, integer, is_text
from clusterkg.validation.compiled.terms import (
    COMPONENT,
    WHOLE_INTEGERS,
    Term,
    UnsupportedShapes,
    name,
)
from clusterkg.vocabulary import SH


def _length(compare: str, scope: ValueScope, value: Term) -> Condition:
    """sh:minLength (`compare` ">=") or sh:maxLength ("<=")."""
    n = integer(value, WHOLE_INTEGERS)
    if n is None or n < 0:
        parameter = "minLength" if compare == ">=" else "maxLength"
        raise UnsupportedShapes(f"{name(scope.shape.node)}: sh:{parameter} {value}")
    if compare == ">=" and n == 0:
        return lambda v: "true"  # pySHACL: even a blank node passes

    def condition(v: str) -> str:
        exact = scope.functions.call(lambda term: _length_passes(term, n, compare), v)
        fast = f"STRLEN(STR({v})) {compare} {n}"
        written = rdflib_sees_as_written(v, scope.datatype)
        return all_of(f"!isBlank({v})", f"IF({written}, {fast}, {exact})")

    return condition


def _pattern(scope: ValueScope, value: Term) -> Condition:
    shape = scope.shape
    if not is_text(value):
        raise UnsupportedShapes(f"{name(shape.node)}: sh:pattern {value} is not a text")
    assert isinstance(value, ox.Literal)
    flags = scope.g.one(shape.node, SH + "flags", "sh:flags")
    # pySHACL reads the flags i and m, and ignores any other letter.
    letters = flags.value.lower() if isinstance(flags, ox.Literal) else ""
    re_flags = (re.I if "i" in letters else 0) | (re.M if "m" in letters else 0)
    try:
        regex = re.compile(value.value, re_flags)
    except re.error as error:
        raise UnsupportedShapes(f"{name(shape.node)}: sh:pattern: {error}") from None
    subset = None if re_flags else rust_subset(value.value)

    def condition(v: str) -> str:
        exact = scope.functions.call(lambda term: _pattern_matches(term, regex), v)
        if subset is None:
            return all_of(f"!isBlank({v})", exact)
        fast = all_of(
            rdflib_sees_as_written(v, scope.datatype), f"REGEX(STR({v}), {string(subset)})"
        )
        return all_of(f"!isBlank({v})", any_of(fast, exact))

    return condition


def _language_in(scope: ValueScope, value: Term) -> Condition:
    languages = scope.g.items(value, scope.shape.node)
    if not all(is_text(language) for language in languages):
        raise UnsupportedShapes(f"{name(scope.shape.node)}: sh:languageIn needs texts")
    wanted = sorted({language.value.lower() for language in languages})
    if "*" in wanted:
        return lambda v: all_of(f"isLiteral({v})", f'LANG({v}) != ""')
    listed = ", ".join(string(language) for language in wanted) or '""'
    # pySHACL: the whole tag, or its first subtag, is one of the listed tags (any case).
    return lambda v: all_of(
        f"isLiteral({v})",
        f'LANG({v}) != ""',
        any_of(
            f"LCASE(LANG({v})) IN ({listed})",
            f'LCASE(STRBEFORE(CONCAT(LANG({v}), "-"), "-")) IN ({listed})',
        ),
    )


def _add_unique_lang(scope: FocusScope) -> None:
    shape = scope.shape
    assert shape.path is not None
    unique = scope.g.one(shape.node, SH + "uniqueLang", "sh:uniqueLang")
    # Only `true` activates it: "1"^^xsd:boolean is another literal (W3C test uniqueLang-002),
    # where pySHACL takes its value.
    if unique is None or not boolean(unique, shape, "sh:uniqueLang") or unique.value != "true":
        return
    # Subjects with two values in one language are few: find them, then keep the focus nodes
    # (faster than going through every focus node first).
    sparql_text = (
        f"SELECT ?this ?lang WHERE {{ {{ SELECT ?this ?lang WHERE {{ "
        f"?this {sparql(shape.path)} ?v . "
        'FILTER (isLiteral(?v) && LANG(?v) != "") BIND (LCASE(LANG(?v)) AS ?lang) } '
        f"GROUP BY ?this ?lang HAVING (COUNT(DISTINCT ?v) > 1) }} {scope.focus.test} }}"
    )
    outcome = CoreOutcome(shape, ((COMPONENT["uniqueLang"], None),), None)
    scope.add(Query(sparql_text, outcome))


VALUE_COMPONENTS = {
    SH + "minLength": ValueComponent(COMPONENT["minLength"], partial(_length, ">=")),
    SH + "maxLength": ValueComponent(COMPONENT["maxLength"], partial(_length, "<=")),
    SH + "pattern": ValueComponent(COMPONENT["pattern"], _pattern, repeatable=True),
    SH + "languageIn": ValueComponent(COMPONENT["languageIn"], _language_in),
}
FOCUS_COMPONENTS = {
    SH + "uniqueLang": FocusComponent(_add_unique_lang, property_shapes_only=True),
}


# --- pySHACL's checks, exactly, in Python (for the values the SPARQL tests leave open) -------


def _pattern_matches(term: Term, regex: re.Pattern[str]) -> bool:
    """pySHACL's PatternConstraintComponent on one value node (Python's re, search)."""
    if isinstance(term, ox.BlankNode):
        return False
    return regex.search(pyshacl_text(term)) is not None


def _length_passes(term: Term, n: int, compare: str) -> bool:
    """pySHACL's MinLength / MaxLengthConstraintComponent on one value node."""
    if isinstance(term, ox.BlankNode):
        return False
    length = len(pyshacl_text(term))
    return length >= n if compare == ">=" else length <= n
