"""Sheets of an .xlsx workbook as clusterkg writes them: a bold, frozen header; RDF terms as cells a
spreadsheet can compute with; text kept as text.

Every workbook is written with openpyxl in write-only mode: rows go to the file as they come, so a
large answer needs the memory of one page. What a cell becomes:

* an IRI: its CURIE where the project's prefixes cover it (else the IRI), linked to the full IRI
  when it is http(s) (Excel keeps at most LINKS_PER_SHEET links a sheet; later IRIs are plain);
* a typed literal: a number (xsd:integer and its subtypes, decimal, double, float; xsd:gYear),
  a date or date-time formatted as one (a date-time with a time zone is shown in UTC), a
  boolean; what a spreadsheet cannot hold exactly stays text (integers past 15 digits, NaN, INF,
  dates before 1900);
* anything else (language strings, months, durations …): text, never a formula: a value that
  starts with `=` is written as the text it is.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from clusterkg.engine import Term
from clusterkg.vocabulary import XSD, shorten

SHEET_ROWS = 1_048_576  # Excel's rows a sheet, the header included
LINKS_PER_SHEET = 65_530  # Excel's hyperlinks a sheet
CELL_CHARS = 32_767  # Excel's characters a cell
EXACT_DIGITS = 15  # Excel computes with doubles: 15 significant digits are kept
WIDEST_COLUMN = 60  # characters; a column is sized on the header and the first rows

BOLD = Font(bold=True)
LINK = Font(color="0563C1", underline="single")
DATE_FORMAT = "yyyy-mm-dd"
DATE_TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
UTC_FORMAT = 'yyyy-mm-dd hh:mm:ss "UTC"'
YEAR_FORMAT = "0"

_INTEGER_NAMES = [
    *("integer", "int", "long", "short", "byte"),
    *("nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger"),
    *("unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"),
]
_INTEGERS = {XSD + name for name in _INTEGER_NAMES}
_FLOATS = {XSD + "double", XSD + "float"}
# Characters XML 1.0 cannot carry (openpyxl refuses them): shown as \uXXXX escapes.
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_EXCEL_EPOCH = dt.date(1900, 3, 1)  # Excel's serial dates are wrong before (its 1900 leap day)


class Sheet:
    """A write-only worksheet with a header row, its cells made from RDF terms or plain values.
    `rows` counts the rows written under the header; `full` is true once `limit` (Excel's) is
    met."""

    def __init__(
        self, worksheet: WriteOnlyWorksheet, header: Sequence[str], limit: int = SHEET_ROWS
    ) -> None:
        self.worksheet = worksheet
        self.header = list(header)
        self.limit = limit  # rows, the header included
        self.rows = 0
        self.links = 0
        self.cut_cells = 0
        self._started = False

    @property
    def full(self) -> bool:
        return self.rows + 1 >= self.limit

    def start(self, first_rows: Iterable[Sequence[Any]] = ()) -> None:
        """Column widths from the header and `first_rows` (values as they will read), then the
        header: bold, frozen, filtered. Call once, before the first row."""
        widths = [len(h) for h in self.header]
        for row in first_rows:
            for i, value in enumerate(row[: len(widths)]):
                widths[i] = max(widths[i], len(_shown(value)))
        for i, width in enumerate(widths, 1):
            self.worksheet.column_dimensions[get_column_letter(i)].width = min(
                WIDEST_COLUMN, width + 2
            )
        self.worksheet.freeze_panes = "A2"
        self.worksheet.append([self._text(h, BOLD) for h in self.header])
        self._started = True

    def add_terms(self, row: Sequence[Term | None]) -> None:
        """A row of RDF terms (None: unbound, an empty cell)."""
        self.worksheet.append([None if t is None else self.term_cell(t) for t in row])
        self.rows += 1

    def add_values(self, row: Sequence[object]) -> None:
        """A row of plain Python values: str (always text), int, float, bool, date, None."""
        self.worksheet.append([self.value_cell(v) for v in row])
        self.rows += 1

    def finish(self) -> None:
        """The filter over the header and every row (the sheet's tail is written on save)."""
        last = get_column_letter(max(1, len(self.header)))
        self.worksheet.auto_filter.ref = f"A1:{last}{self.rows + 1}"

    def term_cell(self, term: Term, shown: str | None = None) -> WriteOnlyCell:
        """A cell of an RDF term; an IRI shown as `shown` if given."""
        if isinstance(term, ox.NamedNode):
            return self._iri(term.value, shown)
        if isinstance(term, ox.BlankNode):
            return self._text(f"_:{term.value}")
        return self._literal(term)

    def value_cell(self, value: object) -> WriteOnlyCell | None:
        if value is None:
            return None
        if isinstance(value, str):
            return self._text(value)
        cell = WriteOnlyCell(self.worksheet, value=value)
        if isinstance(value, dt.datetime):
            cell.number_format = DATE_TIME_FORMAT
        elif isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT
        return cell

    def _iri(self, iri: str, shown: str | None = None) -> WriteOnlyCell:
        """`iri` shown as `shown` (default: its CURIE), linked to it."""
        cell = self._text(shown or shorten(iri))
        if iri.startswith(("http://", "https://")) and self.links < LINKS_PER_SHEET:
            cell.hyperlink = iri
            cell.font = LINK
            self.links += 1
        return cell

    def _literal(self, literal: ox.Literal) -> WriteOnlyCell:
        converted = cell_value(literal)
        if converted is None:
            return self._text(literal.value)
        value, number_format = converted
        cell = WriteOnlyCell(self.worksheet, value=value)
        if number_format:
            cell.number_format = number_format
        return cell

    def _text(self, text: str, font: Font | None = None) -> WriteOnlyCell:
        """Text as text: escapes for what XML cannot hold, cut at Excel's limit, and never
        read as a formula."""
        text = _NOT_IN_XML.sub(lambda m: f"\\u{ord(m.group()):04X}", text)
        if len(text) > CELL_CHARS:
            text = text[: CELL_CHARS - 1] + "…"
            self.cut_cells += 1
        cell = WriteOnlyCell(self.worksheet, value=text)
        cell.data_type = "s"  # openpyxl reads "=…" as a formula otherwise
        if font is not None:
            cell.font = font
        return cell


def cell_value(literal: ox.Literal) -> tuple[object, str | None] | None:
    """A typed literal as a spreadsheet value and its number format, or None to keep its text."""
    convert = _CONVERTERS.get(literal.datatype.value)
    if convert is None:
        return None
    try:
        return convert(literal.value)
    except (ValueError, InvalidOperation, OverflowError):
        return None  # a form Python does not read (ill-typed literals never reach answers)


def _integer(text: str) -> tuple[object, str | None] | None:
    value = int(text)
    return (value, None) if len(str(abs(value))) <= EXACT_DIGITS else None


def _decimal(text: str) -> tuple[object, str | None] | None:
    value = Decimal(text)
    return (value, None) if len(value.as_tuple().digits) <= EXACT_DIGITS else None


def _double(text: str) -> tuple[object, str | None] | None:
    value = float(text)
    return (value, None) if math.isfinite(value) else None


def _boolean(text: str) -> tuple[object, str | None]:
    return text in ("true", "1"), None


def _date(text: str) -> tuple[object, str | None] | None:
    # the time zone of a date ("2018-05-01Z", "…+02:00") is dropped: the day is what is shown
    day = dt.date.fromisoformat(text[:10]) if len(text) >= 10 and text[4] == "-" else None
    return (day, DATE_FORMAT) if day is not None and day >= _EXCEL_EPOCH else None


def _date_time(text: str) -> tuple[object, str | None] | None:
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.date() < _EXCEL_EPOCH:
        return None
    if moment.tzinfo is None:
        return moment, DATE_TIME_FORMAT
    # Excel has no time zones: the moment in UTC, and the format says so
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None), UTC_FORMAT


def _year(text: str) -> tuple[object, str | None] | None:
    return (int(text), YEAR_FORMAT) if text.isdigit() and len(text) == 4 else None


_CONVERTERS: dict[str, Callable[[str], tuple[object, str | None] | None]] = {
    **dict.fromkeys(_INTEGERS, _integer),
    XSD + "decimal": _decimal,
    **dict.fromkeys(_FLOATS, _double),
    XSD + "boolean": _boolean,
    XSD + "date": _date,
    XSD + "dateTime": _date_time,
    XSD + "dateTimeStamp": _date_time,
    XSD + "gYear": _year,
}


def _shown(value: object) -> str:
    """About what a cell shows, to size its column."""
    if value is None:
        return ""
    if isinstance(value, ox.NamedNode):
        return shorten(value.value)
    if isinstance(value, (ox.Literal, ox.BlankNode)):
        return value.value if isinstance(value, ox.Literal) else f"_:{value.value}"
    if isinstance(value, dt.datetime):
        return "0000-00-00 00:00:00"
    return str(value)
