"""A cell's value as RDF-ready text: names, dates as the shapes accept them, web addresses.

Each reader returns the value or raises ValueError with what was expected and what was found;
the importer puts the cell's location in front. Dates are the only values with more than one
written form (docs/import.md, "Dates"):

- a cell typed as a date (or date and time) → `xsd:date`;
- text `2021-05-04` → `xsd:date`, `2021-05` → `xsd:gYearMonth`, `2021` (or the number 2021) →
  `xsd:gYear`; `04.05.2021` (day.month.year, as Lithuanian and most European sheets write
  dates) → `xsd:date` 2021-05-04;
- `4/5/2021` is refused: it is 4 May in Vilnius and 5 April in Chicago, and a sheet cannot say
  which was meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from clusterkg.spreadsheets.cells import Value
from clusterkg.vocabulary import NOT_IN_IRI


@dataclass(frozen=True)
class DateValue:
    """A date as precise as written: its lexical form and XSD datatype's local name."""

    lexical: str
    datatype: str  # date, gYearMonth or gYear

    @property
    def year(self) -> str:
        return self.lexical[:4]

    @property
    def month(self) -> str | None:
        return self.lexical[5:7] if self.datatype != "gYear" else None


_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_SLASHED = re.compile(r"^\d{1,2}/\d{1,2}/\d{2,4}$")
_ACCEPTED = "a date cell, or text 2021-05-04, 04.05.2021 (day.month.year), 2021-05 or 2021"


def text(value: Value) -> str:
    """Any cell as text; a whole number typed as a number reads without `.0`."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def a_date(value: Value) -> DateValue:
    if isinstance(value, datetime):
        return DateValue(value.date().isoformat(), "date")
    if isinstance(value, date):
        return DateValue(value.isoformat(), "date")
    if isinstance(value, bool):
        raise ValueError(f"expected {_ACCEPTED}, found {value}")
    if isinstance(value, (int, float)):
        if float(value).is_integer() and 1000 <= value <= 2999:
            return DateValue(str(int(value)), "gYear")
        raise ValueError(f"expected {_ACCEPTED}, found the number {text(value)}")
    written = text(value)
    return _date_text(written)


def _date_text(written: str) -> DateValue:
    if _SLASHED.match(written):
        raise ValueError(
            f"expected {_ACCEPTED}, found {written!r}: with slashes the day and the month "
            "cannot be told apart (4/5/2021 is 4 May or 5 April); write 2021-05-04 or 04.05.2021"
        )
    dotted = _DOTTED.match(written)
    if dotted:
        day, month, year = dotted.groups()
        return DateValue(_checked(int(year), int(month), int(day), written), "date")
    iso = _ISO.match(written)
    if not iso:
        raise ValueError(f"expected {_ACCEPTED}, found {written!r}")
    year, month, day = iso.groups()
    if day is not None:
        return DateValue(_checked(int(year), int(month), int(day), written), "date")
    if month is not None:
        if not 1 <= int(month) <= 12:
            raise ValueError(f"expected {_ACCEPTED}, found {written!r}: there is no month {month}")
        return DateValue(f"{year}-{month}", "gYearMonth")
    return DateValue(year, "gYear")


def _checked(year: int, month: int, day: int, written: str) -> str:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        raise ValueError(f"expected {_ACCEPTED}, found {written!r}: no such day") from None


def web_address(value: Value) -> str:
    written = text(value)
    if not re.match(r"^https?://[^/]", written, re.IGNORECASE) or NOT_IN_IRI.search(written):
        raise ValueError(
            f"expected a web address starting http:// or https:// (no spaces), found {written!r}"
        )
    return written


def several(value: Value) -> list[str]:
    """A cell that lists several names: separated by `;`, `,` or new lines."""
    parts = re.split(r"[;,\n]", text(value))
    return [part.strip() for part in parts if part.strip()]
