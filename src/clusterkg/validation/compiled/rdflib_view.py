"""Terms as pySHACL sees them: rdflib converts the lexical forms of many datatypes to Python values
and normalises them ("007"^^xsd:integer is "7"), where the store keeps RDF terms. The checks of
the section modules use these to judge, and report, a value exactly as pySHACL does."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from clusterkg.validation.compiled.expressions import any_of, string
from clusterkg.validation.compiled.terms import Term
from clusterkg.vocabulary import RDF, RDF_LANG_STRING, RDFS_DATATYPE, RDFS_LITERAL, XSD, XSD_STRING

# Datatypes whose lexical forms rdflib converts to Python values, normalises (`"007"` → `"7"`) and
# may find ill-typed: keys of rdflib.term.XSDToPython, less the ones mapped to themselves (plain
# strings). A test checks this list against rdflib's. Literals of the other datatypes are the same
# term in the store and in rdflib, so SPARQL can test their lexical form directly.
RDFLIB_CONVERTED = frozenset(
    [RDF + "XMLLiteral", RDF + "HTML"]
    + [
        XSD + name
        for name in (
            *("time", "date", "dateTime", "duration", "dayTimeDuration", "yearMonthDuration"),
            *("hexBinary", "base64Binary", "normalizedString", "token", "boolean"),
            *("decimal", "integer", "long", "int", "short", "byte", "float", "double"),
            *("nonPositiveInteger", "nonNegativeInteger", "negativeInteger", "positiveInteger"),
            *("unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"),
        )
    ]
)

# One regular expression, not DATATYPE(?v) IN (…): Oxigraph compares IN's 30 IRIs one by one.
_CONVERTED_IRI = "^(" + "|".join(d.replace(".", "\\.") for d in sorted(RDFLIB_CONVERTED)) + ")$"


def rdflib_sees_as_written(var: str, datatype: str | None = None) -> str:
    """SPARQL, for an IRI or a literal: rdflib keeps it exactly as the store does (an IRI, or a
    literal whose datatype rdflib does not normalise), so SPARQL may test its lexical form.
    `datatype`: the literal's datatype, where a test before this one made sure of it."""
    if datatype in (XSD_STRING, RDF_LANG_STRING) or (
        datatype
        and datatype not in RDFLIB_CONVERTED
        and datatype not in (RDFS_LITERAL, RDFS_DATATYPE)
    ):
        return "true"
    if datatype in RDFLIB_CONVERTED:
        return "false"
    return any_of(
        f"isIRI({var})",
        f'LANG({var}) != ""',
        f"DATATYPE({var}) = <{XSD_STRING}>",
        f"!REGEX(STR(DATATYPE({var})), {string(_CONVERTED_IRI)})",
    )


def as_rdflib(term: Term) -> Any:
    """The term as pySHACL sees it: an rdflib term, typed literals normalised by rdflib."""
    from clusterkg.engine.convert import to_rdflib

    return to_rdflib(term)


def _kept_as_written(term: ox.Literal) -> bool:
    datatype = term.datatype.value
    return bool(term.language) or datatype == XSD_STRING or datatype not in RDFLIB_CONVERTED


def as_pyshacl_reports(term: Term | None) -> Term | None:
    """A reported term as pySHACL reports it: literals in rdflib's normalised lexical form."""
    if not isinstance(term, ox.Literal) or _kept_as_written(term):
        return term
    return ox.Literal(str(as_rdflib(term)), datatype=term.datatype)


def pyshacl_text(term: Term) -> str:
    """str() of the term in pySHACL's hands (StringBasedConstraintBase.value_node_to_string)."""
    if isinstance(term, ox.Literal) and not _kept_as_written(term):
        return str(as_rdflib(term))
    return term.value
