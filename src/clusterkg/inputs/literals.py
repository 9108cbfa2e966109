"""Lexical checks for the XSD datatypes rdflib does not check, or "fixes" silently.

rdflib turns `"yes"^^xsd:boolean` into `false` and accepts `"20x8"^^xsd:gYear`; a data file
with such a value must be refused, not quietly changed.
"""

from __future__ import annotations

import calendar
import re
from typing import TYPE_CHECKING

from clusterkg import vocabulary

if TYPE_CHECKING:  # rdflib is not imported at run time: the fast path never needs it
    from rdflib import Literal

XSD_NS = vocabulary.XSD


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
    str(XSD.anyURI): re.compile(r"[^\s<>\"{}|\\^`]*"),
}


# What to write instead, said after every refusal of a literal of the datatype.
HINTS = {
    "boolean": "write true or false",
    "gYear": 'write a year such as "2018"',
    "gYearMonth": 'write a year and month such as "2016-07"',
    "gMonth": 'write a month such as "--05"',
    "gMonthDay": 'write a month and day such as "--05-04"',
    "date": 'write a date such as "2010-05-04"',
    "dateTime": 'write a date and time such as "2010-05-04T10:30:00"',
    "integer": "write digits only",
    "decimal": 'write a number such as "1403744.26"',
    "duration": 'write an ISO 8601 duration such as "P2Y"',
}

# The value space of the bounded integer types (XSD 1.1 part 2, 3.4.13 ff.): lowest, highest
# (None: unbounded). The lexical form of each is the integer's ("-0" is a nonNegativeInteger).
INTEGER_RANGES: dict[str, tuple[int | None, int | None]] = {
    "byte": (-(2**7), 2**7 - 1),
    "short": (-(2**15), 2**15 - 1),
    "int": (-(2**31), 2**31 - 1),
    "long": (-(2**63), 2**63 - 1),
    "unsignedByte": (0, 2**8 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedLong": (0, 2**64 - 1),
    "positiveInteger": (1, None),
    "negativeInteger": (None, -1),
    "nonPositiveInteger": (None, 0),
    "nonNegativeInteger": (0, None),
}
_INTEGER = re.compile(r"[+-]?\d+")
# Past 20 digits (2**64) every bound is passed; Python's int() refuses 4,300 digits and more.
_LONGEST_BOUND = 20
_FAR = 10**21  # a value past every bound, standing in for a longer number
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # February of a leap year
_DAY_IN_MONTH = re.compile(r"(-?\d{4,})?-?-(\d\d)-(\d\d)")  # date, dateTime, gMonthDay


def invalid_reason(lexical: str, datatype: str) -> str | None:
    """Why `lexical` is not a value of `datatype` (an IRI), with what to write instead; None if
    it is one, or if the datatype is not one clusterkg checks. The one check of every caller:
    the scan of the files (fidelity.py), the reference loader and the build's last check."""
    if not datatype.startswith(XSD_NS):
        return None
    name = datatype[len(XSD_NS) :]
    if name in INTEGER_RANGES:
        return _integer_reason(lexical, name)
    pattern = LEXICAL_FORMS.get(datatype)
    if pattern is None:
        return None
    if not pattern.fullmatch(lexical):
        return f"{lexical!r} is not a valid xsd:{name}: {hint(name)}"
    if name in ("date", "dateTime", "gMonthDay"):
        return _day_reason(lexical, name)
    return None


def hint(name: str) -> str:
    return HINTS.get(name, f"see the lexical form of xsd:{name}")


def _integer_reason(lexical: str, name: str) -> str | None:
    if not _INTEGER.fullmatch(lexical):
        return f"{lexical!r} is not a valid xsd:{name}: write digits only, with an optional sign"
    lowest, highest = INTEGER_RANGES[name]
    value = _bounded_int(lexical)
    if lowest is not None and value < lowest:
        wanted = {0: "negative numbers", 1: "0 and negative numbers"}.get(lowest, "smaller numbers")
    elif highest is not None and value > highest:
        wanted = {0: "positive numbers", -1: "0 and positive numbers"}.get(
            highest, "bigger numbers"
        )
    else:
        return None
    shown = lexical if len(lexical) <= 40 else lexical[:37] + "..."
    return (
        f"{shown!r} is out of range: xsd:{name} holds {_range_text(lowest, highest)}; "
        f"use xsd:integer for {wanted}"
    )


def _bounded_int(lexical: str) -> int:
    """The value of an integer's lexical form, or one as far out past every bound when it has
    more digits than any bound (a cheap stand-in for a number of any length)."""
    digits = lexical.lstrip("+-").lstrip("0")
    negative = lexical.startswith("-")
    if len(digits) > _LONGEST_BOUND:
        return -_FAR if negative else _FAR
    value = int(digits or "0")
    return -value if negative else value


def _range_text(lowest: int | None, highest: int | None) -> str:
    if lowest is None:
        return f"{highest} and below"
    if highest is None:
        return f"{lowest} and above"
    return f"{lowest} \u2026 {highest}"


def _day_reason(lexical: str, name: str) -> str | None:
    """A day that the month does not have (lexically fine: "2017-02-30", "--04-31")."""
    match = _DAY_IN_MONTH.match(lexical)
    if match is None:
        return None
    year, month, day = match.group(1), int(match.group(2)), int(match.group(3))
    days = _DAYS_IN_MONTH[month - 1]
    if month == 2 and year is not None and not _leap(int(year)):
        days = 28
    if day <= days:
        return None
    when = f"{year}-{month:02d}" if year is not None else calendar.month_name[month]
    return f"{lexical!r} is not a valid xsd:{name}: {when} has {days} days; {hint(name)}"


def _leap(year: int) -> bool:
    """Proleptic Gregorian, as XSD 1.1 counts (year 0 is 1 BCE, a leap year)."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def ill_typed_reason(literal: Literal) -> str | None:
    """Why a typed literal is not a valid value of its datatype, or None if it is.

    Only our own checks are trusted: rdflib's `ill_typed` flag changes once owlrl has
    replaced rdflib's datatype converters (seen: "--05"^^xsd:gMonth flagged after reasoning).
    The one exception is xsd:boolean, whose lexical form rdflib rewrites while parsing.
    """
    if not literal.datatype:
        return None
    datatype = str(literal.datatype)
    if datatype == str(XSD.boolean) and getattr(literal, "ill_typed", None):
        return f"is not a valid xsd:boolean: {hint('boolean')}"
    return invalid_reason(str(literal), datatype)
