"""A term as a person reads it in a table: IRIs as CURIEs, literals as their value, dates readable.

One rule for every column, whatever the query made of it: an IRI the project's prefixes cover is
written as its CURIE (clusterkg.vocabulary.shorten), also where a query joined IRIs into one text
(GROUP_CONCAT of STR(?source) gives a string, not IRIs: each whitespace-separated word that is a
covered IRI is shortened); a literal is its value; and the XSD date types are written for people:

    xsd:gYear        "2018"                  → 2018
    xsd:gYearMonth   "2018-05"               → May 2018
    xsd:gMonth       "--05"                  → May
    xsd:gMonthDay    "--05-04"               → 4 May
    xsd:gDay         "---04"                 → day 4
    xsd:date         "2018-05-04"            → 2018-05-04 (ISO, already readable)
    xsd:dateTime     "2018-05-04T10:30:00Z"  → 2018-05-04 10:30 UTC

A time zone other than UTC is kept as written. A value that is not of its type's form (kept by
`validate`'s ill-typed literals) is written as it is. Only the `table` and `md` formats use this;
csv, tsv, json and xml keep every term exactly.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from clusterkg.engine import Term
from clusterkg.vocabulary import XSD, shorten

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_ZONE = r"(?P<zone>Z|[+-]\d\d:\d\d)?"
_PATTERNS = {
    "gYear": re.compile(r"(?P<year>-?\d{4,})" + _ZONE),
    "gYearMonth": re.compile(r"(?P<year>-?\d{4,})-(?P<month>\d\d)" + _ZONE),
    "gMonth": re.compile(r"--(?P<month>\d\d)" + _ZONE),
    "gMonthDay": re.compile(r"--(?P<month>\d\d)-(?P<day>\d\d)" + _ZONE),
    "gDay": re.compile(r"---(?P<day>\d\d)" + _ZONE),
    "dateTime": re.compile(
        r"(?P<date>-?\d{4,}-\d\d-\d\d)T(?P<hm>\d\d:\d\d)(?::(?P<s>\d\d(?:\.\d+)?))?" + _ZONE
    ),
}
# An absolute IRI standing alone as a word of a joined text.
_IRI_WORD = re.compile(r"(?<!\S)[a-z][a-z0-9+.-]*://\S+(?!\S)")


def plain(term: Term | None) -> str:
    """A term as a link's text (the server's result pages): IRIs as CURIEs, literals as their
    text."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return shorten(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def shown(term: Term | None) -> str:
    """The term as the table shows it, on one line: as plain() but literals readable."""
    if not isinstance(term, ox.Literal):
        return plain(term)
    return _literal(term).replace("\r\n", " ").replace("\n", " ").replace("\t", " ")


def _literal(term: ox.Literal) -> str:
    datatype = term.datatype.value
    if datatype.startswith(XSD):
        local = datatype[len(XSD) :]
        if local in _PATTERNS:
            return readable_date(local, term.value)
        if local == "string":
            return shorten_iris_in(term.value)
    return term.value


def readable_date(kind: str, value: str) -> str:
    """An XSD date-type value (`kind` is the type's local name) written for people."""
    found = _PATTERNS[kind].fullmatch(value)
    if found is None:
        return value
    parts = found.groupdict()
    month = parts.get("month")
    if month is not None and not 1 <= int(month) <= 12:
        return value
    name = MONTHS[int(month) - 1] if month else ""
    zone = _zone(parts["zone"])
    if kind == "gYear":
        text = parts["year"]
    elif kind == "gYearMonth":
        text = f"{name} {parts['year']}"
    elif kind == "gMonth":
        text = name
    elif kind == "gMonthDay":
        text = f"{int(parts['day'])} {name}"
    elif kind == "gDay":
        text = f"day {int(parts['day'])}"
    else:
        text = _date_time(parts)
    return text + zone


def _date_time(parts: dict[str, str | None]) -> str:
    """Date and time with a space between; the seconds only when they are not zero."""
    seconds = parts["s"]
    shown_seconds = "" if seconds is None or float(seconds) == 0 else f":{seconds}"
    return f"{parts['date']} {parts['hm']}{shown_seconds}"


def _zone(zone: str | None) -> str:
    if zone is None:
        return ""
    return " UTC" if zone in ("Z", "+00:00", "-00:00") else f" {zone}"


def shorten_iris_in(text: str) -> str:
    """Each word of `text` that is an IRI the project's prefixes cover, as its CURIE."""
    if "://" not in text:
        return text
    return _IRI_WORD.sub(lambda word: shorten(word.group(0)), text)
