"""The IRIs the compiled validator reads in shapes graphs and writes in results (pySHACL keeps the
same in its consts.py), the kinds of terms it handles, and the error it raises for anything it
does not compile."""

from __future__ import annotations

import pyoxigraph as ox

from clusterkg.errors import ShapesError
from clusterkg.vocabulary import SH, XSD

# The graph of the empty engine the compiler tries queries on (it holds nothing).
SCRATCH = "urn:x-clusterkg:scratch"

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Resource = ox.NamedNode | ox.BlankNode


# pySHACL's XSD_WHOLE_INTEGERS: the datatypes of sh:minLength and sh:maxLength.
WHOLE_INTEGERS = frozenset(
    XSD + name
    for name in (
        *("integer", "int", "long", "short", "negativeInteger", "nonNegativeInteger"),
        *("nonPositiveInteger", "positiveInteger"),
        *("unsignedByte", "unsignedInt", "unsignedLong", "unsignedShort"),
    )
)
VIOLATION = SH + "Violation"
# allow_warnings=True: shapes of these severities conform even when their constraints fail.
ALLOWED_SEVERITIES = frozenset({SH + "Warning", SH + "Info"})

# The constraint component each result names, by the parameter that switches it on.
COMPONENT = {
    "class": SH + "ClassConstraintComponent",
    "datatype": SH + "DatatypeConstraintComponent",
    "nodeKind": SH + "NodeKindConstraintComponent",
    "minCount": SH + "MinCountConstraintComponent",
    "maxCount": SH + "MaxCountConstraintComponent",
    "minLength": SH + "MinLengthConstraintComponent",
    "maxLength": SH + "MaxLengthConstraintComponent",
    "pattern": SH + "PatternConstraintComponent",
    "languageIn": SH + "LanguageInConstraintComponent",
    "uniqueLang": SH + "UniqueLangConstraintComponent",
    "in": SH + "InConstraintComponent",
    "or": SH + "OrConstraintComponent",
    "minInclusive": SH + "MinInclusiveConstraintComponent",
    "maxInclusive": SH + "MaxInclusiveConstraintComponent",
    "minExclusive": SH + "MinExclusiveConstraintComponent",
    "maxExclusive": SH + "MaxExclusiveConstraintComponent",
    "qualifiedMinCount": SH + "QualifiedMinCountConstraintComponent",
    "qualifiedMaxCount": SH + "QualifiedMaxCountConstraintComponent",
    "sparql": SH + "SPARQLConstraintComponent",
}


class UnsupportedShapes(ShapesError):
    """The shapes graph uses something this compiler does not compile: validate with pySHACL
    (auto does; asked for the fast validator alone, the user is told so, exit 2)."""


def name(term: Term) -> str:
    """A term as error messages name it."""
    return f"<{term.value}>" if isinstance(term, ox.NamedNode) else str(term)
