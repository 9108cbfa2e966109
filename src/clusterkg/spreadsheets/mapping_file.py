"""A declarative mapping file (TOML) for sheets the built-in mappings do not recognise: which
built-in mapping a sheet uses and which of its headers is which column.

```toml
[sheets."Nariai"]            # a sheet's name; "*" for any sheet (and for a CSV file)
kind = "members"             # clusters, members, awards or people
[sheets."Nariai".columns]    # header as written = the mapping's column
"Įmonė" = "company"
"Klasteris" = "cluster"
"Nuo" = "since"
[sheets."Nariai".properties] # other columns: header = property (CURIE or IRI) of the row's
"Pastabos" = "skos:note"     # thing, as text in English; or a table with the value's type:
"Darbuotojai" = { property = "schema:numberOfEmployees", type = "integer" }
```
The row's thing is the cluster (clusters), the membership (members), the award (awards) or the
person (people). Types: `text` (@en, the default), `plain` (no language), `integer`, `date`
(as dates are read everywhere), `web` (a web address, written as an IRI).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clusterkg.errors import InputError
from clusterkg.spreadsheets.mappings import MAPPINGS
from clusterkg.vocabulary import expand_curie

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ANY_SHEET = "*"


TYPES = ("text", "plain", "integer", "date", "web")


@dataclass(frozen=True)
class Extra:
    """A column the mapping file maps to a property of the row's thing."""

    property: str  # an IRI
    type: str = "text"


@dataclass(frozen=True)
class SheetEntry:
    kind: str | None = None
    renames: dict[str, str] = field(default_factory=dict)  # header → the mapping's column
    extras: dict[str, Extra] = field(default_factory=dict)  # header → property


@dataclass(frozen=True)
class MappingFile:
    path: Path
    sheets: dict[str, SheetEntry]

    def _entry(self, sheet: str | None) -> SheetEntry:
        if sheet is not None and sheet in self.sheets:
            return self.sheets[sheet]
        return self.sheets.get(ANY_SHEET, SheetEntry())

    def kind(self, sheet: str | None) -> str | None:
        return self._entry(sheet).kind

    def renames(self, sheet: str | None) -> dict[str, str]:
        return self._entry(sheet).renames

    def extras(self, sheet: str | None) -> dict[str, Extra]:
        return self._entry(sheet).extras


def read_mapping_file(path: Path) -> MappingFile:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(path, f"cannot be read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8") from None
    except tomllib.TOMLDecodeError as error:
        raise InputError(path, f"not valid TOML: {error}") from None
    sheets = document.get("sheets")
    if not isinstance(sheets, dict) or not sheets:
        raise InputError(path, 'expected [sheets."NAME"] tables (see docs/import.md), found none')
    return MappingFile(path, {name: _sheet(path, name, entry) for name, entry in sheets.items()})


def _sheet(path: Path, name: str, entry: Any) -> SheetEntry:
    if not isinstance(entry, dict):
        raise InputError(path, f'sheets."{name}": expected a table with kind and columns')
    kind = entry.get("kind")
    if kind is not None and kind not in MAPPINGS:
        known = ", ".join(MAPPINGS)
        raise InputError(path, f'sheets."{name}".kind: expected one of {known}, found {kind!r}')
    columns = entry.get("columns", {})
    if not isinstance(columns, dict):
        raise InputError(path, f'sheets."{name}".columns: expected a table of header = column')
    fields = {c.field for m in ([MAPPINGS[kind]] if kind else MAPPINGS.values()) for c in m.columns}
    for header, column in columns.items():
        if column not in fields:
            raise InputError(
                path,
                f'sheets."{name}".columns."{header}": expected one of '
                f"{', '.join(sorted(fields))}, found {column!r}",
            )
    renames = {str(h): str(f) for h, f in columns.items()}
    properties = entry.get("properties", {})
    if not isinstance(properties, dict):
        raise InputError(path, f'sheets."{name}".properties: expected a table of header = property')
    extras = {str(h): _extra(path, name, str(h), v) for h, v in properties.items()}
    return SheetEntry(kind, renames, extras)


def _extra(path: Path, sheet: str, header: str, value: Any) -> Extra:
    where = f'sheets."{sheet}".properties."{header}"'
    if isinstance(value, str):
        value = {"property": value}
    if not isinstance(value, dict) or not isinstance(value.get("property"), str):
        raise InputError(path, f"{where}: expected a property (CURIE or IRI) or a table with one")
    written = value["property"]
    iri = expand_curie(written) or (written if re.match(r"^https?://\S+$", written) else None)
    if iri is None:
        raise InputError(
            path,
            f"{where}: expected a CURIE with a known prefix (skos:note) or an IRI, "
            f"found {written!r}",
        )
    kind = value.get("type", "text")
    if kind not in TYPES:
        raise InputError(path, f"{where}.type: expected one of {', '.join(TYPES)}, found {kind!r}")
    return Extra(iri, kind)
