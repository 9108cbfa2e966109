"""Lexical checks for the XSD datatypes rdflib does not check, or "fixes" silently.

rdflib turns `"yes"^^xsd:boolean` into `false` and accepts `"20x8"^^xsd:gYear`; a data file
with such a value must be refused, not quietly changed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rdflib is not imported at run time: the fast path never needs it
    from rdflib import Literal

XSD_NS = "http://www.w3.org/2001/XMLSchema#"


class _XSD:
    """xsd:name → IRI string, as rdflib's XSD namespace spells it."""

    def __getattr__(self, name: str) -> str:
        return XSD_NS + name

    def __getitem__(self, name: str) -> str:
        return XSD_NS + name


XSD = _XSD()

_TZ = r"(Z|[+-](0\d|1[0-4]):[0-5]\d)?"
_YEAR = r"-?([1-9]\d{4,}|\d{4})"
_MONTH = r"(0[1-9]|1[0-2])"
_DAY = r"(0[1-9]|[12]\d|3[01])"
_TIME = r"([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?"

LEXICAL_FORMS: dict[str, re.Pattern[str]] = {
    str(XSD.boolean): re.compile(r"true|false|1|0"),
    str(XSD.integer): re.compile(r"[+-]?\d+"),
    str(XSD.nonNegativeInteger): re.compile(r"\+?\d+"),
    str(XSD.positiveInteger): re.compile(r"\+?0*[1-9]\d*"),
    str(XSD.decimal): re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
    str(XSD.double): re.compile(r"[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF)|-INF|NaN"),
    str(XSD.float): re.compile(r"[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF)|-INF|NaN"),
    str(XSD.gYear): re.compile(_YEAR + _TZ),
    str(XSD.gYearMonth): re.compile(_YEAR + "-" + _MONTH + _TZ),
    str(XSD.gMonth): re.compile("--" + _MONTH + _TZ),
    str(XSD.gMonthDay): re.compile("--" + _MONTH + "-" + _DAY + _TZ),
    str(XSD.date): re.compile(_YEAR + "-" + _MONTH + "-" + _DAY + _TZ),
    str(XSD.dateTime): re.compile(_YEAR + "-" + _MONTH + "-" + _DAY + "T" + _TIME + _TZ),
    str(XSD.duration): re.compile(
        r"-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"
    ),
    **{
        str(XSD[name]): re.compile(r"[+-]?\d+")
        for name in ("long", "int", "short", "byte", "nonPositiveInteger", "negativeInteger")
    },
    **{
        str(XSD[name]): re.compile(r"\+?\d+")
        for name in ("unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")
    },
    str(XSD.anyURI): re.compile(r"[^\s<>\"{}|\\^`]*"),
}


def ill_typed_reason(literal: Literal) -> str | None:
    """Why a typed literal is not a valid value of its datatype, or None if it is.

    Only our own lexical patterns are trusted: rdflib's `ill_typed` flag changes once owlrl has
    replaced rdflib's datatype converters (seen: "--05"^^xsd:gMonth flagged after reasoning).
    The one exception is xsd:boolean, whose lexical form rdflib rewrites while parsing.
    """
    if not literal.datatype:
        return None
    datatype = str(literal.datatype)
    name = datatype.rsplit("#", 1)[-1]
    if datatype == str(XSD.boolean) and getattr(literal, "ill_typed", None):
        return f"is not a valid xsd:{name}"
    pattern = LEXICAL_FORMS.get(datatype)
    if pattern is not None and not pattern.fullmatch(str(literal)):
        return f"{str(literal)!r} is not a valid xsd:{name}"
    return None
