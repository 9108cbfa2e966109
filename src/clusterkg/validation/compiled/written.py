"""sh:datatype (SHACL section 4.1.2) on literals as written, where the store changed their datatype.

Oxigraph stores "5"^^xsd:int as "5"^^xsd:integer (and "007"^^xsd:integer as "7"); pySHACL, on the
file as written, finds "5"^^xsd:int to be an xsd:int and not an xsd:integer. The loader records
which stored literals were written otherwise (clusterkg.inputs.fidelity) and validate() is given
that record: a recorded value is judged on its written forms, with pySHACL's own check. Without a
record the test is the constant false, which Oxigraph folds away: no cost."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import pyoxigraph as ox

from clusterkg.validation.compiled.components import Condition
from clusterkg.validation.compiled.expressions import all_of, any_of, sparql
from clusterkg.validation.compiled.terms import Term

RECORDED = ox.NamedNode("urn:x-clusterkg:shacl-sparql:written:recorded")
WRITTEN_AS = ox.NamedNode("urn:x-clusterkg:shacl-sparql:written:as")
_WRITTEN = re.compile(r"\u27e6written ([^\s\u27e7]+)\u27e7")
_TRIPLE = re.compile(r"\u27e6triple ([^\s\u27e7]+)\u27e7")
# The call of WRITTEN_AS, marked so that without a record it goes (a server knows no such function).
_CALL = re.compile("\u27e6as\u27e7(.*?)\u27e6/as\u27e7")

# Up to this many recorded literals are tested in SPARQL (sameTerm, never an error); beyond, the
# values of their datatypes are handed to Python.
SAME_TERM_LIMIT = 200


class WrittenForms:
    """The record of the current validate() run, read by two SPARQL functions.

    `matches`: pySHACL's sh:datatype check of one literal (value_type.datatype_matches)."""

    def __init__(self, matches: Callable[[Term, str], bool]) -> None:
        self.forms: dict[ox.Literal, list[ox.Literal]] = {}
        self.triples: dict[tuple[str, str, ox.Literal], list[ox.Literal]] = {}
        self._matches = matches

    def recorded(self, term: Term) -> ox.Literal:
        return ox.Literal(isinstance(term, ox.Literal) and term in self.forms)

    def written_as(self, term: Term, datatype: Term, *triple: Term) -> ox.Literal:
        """Whether the value was written as a `datatype`: judged on the forms written in its
        triple (subject, predicate) when known, else on every form it was written in."""
        if not isinstance(term, ox.Literal):
            return ox.Literal(False)
        written = self.forms.get(term, [])
        if len(triple) == 2 and not isinstance(triple[0], ox.BlankNode):
            # An unrecorded triple holds the value as written (blank nodes: the store's labels
            # are not the parser's, so those fall back to every form).
            written = self.triples.get((str(triple[0]), str(triple[1]), term), [term])
        return ox.Literal(any(self._matches(w, datatype.value) for w in written))


def as_written(datatype: str, condition: Condition) -> Condition:
    """`condition` for values as stored, or the written forms' check for recorded values."""
    return lambda v: (
        f"IF(\u27e6written {v}\u27e7, \u27e6as\u27e7{sparql(WRITTEN_AS)}({v}, <{datatype}>"
        f"\u27e6triple {v}\u27e7)\u27e6/as\u27e7, {condition(v)})"
    )


def written_triple(sparql_text: str, value: str, subject: str, predicate: str) -> str:
    """Tell as_written's test of `value` the triple it is the object of."""
    return sparql_text.replace(f"\u27e6triple {value}\u27e7", f", {subject}, {predicate}")


def with_written(sparql_text: str, recorded: Sequence[ox.Literal]) -> str:
    """Fill in the placeholders of as_written: the test "this value is one of the `recorded`
    stored literals", or false without a record (and then the WRITTEN_AS call, never made, is
    not written either: a query without it runs where Python does not). Python is called only
    for values that may be recorded: the others (nearly all) are settled by SPARQL."""
    sparql_text = _TRIPLE.sub("", sparql_text)
    if not recorded:
        return _WRITTEN.sub("false", _CALL.sub("false", sparql_text))
    sparql_text = _CALL.sub(lambda m: m.group(1), sparql_text)
    if len(recorded) <= SAME_TERM_LIMIT:
        return _WRITTEN.sub(
            lambda m: any_of(*(f"sameTerm({m.group(1)}, {sparql(t)})" for t in recorded)),
            sparql_text,
        )
    datatypes = ", ".join(sorted({sparql(t.datatype) for t in recorded}))
    return _WRITTEN.sub(
        lambda m: all_of(
            f"isLiteral({m.group(1)})",
            f"DATATYPE({m.group(1)}) IN ({datatypes})",
            f"{sparql(RECORDED)}({m.group(1)})",
        ),
        sparql_text,
    )
