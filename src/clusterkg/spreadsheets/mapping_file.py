"""A declarative mapping file (TOML) for sheets the built-in mappings do not recognise: which
built-in mapping a sheet uses and which of its headers is which column.

```toml
[sheets."Nariai"]            # a sheet's name; "*" for any sheet (and for a CSV file)
kind = "members"             # clusters, members, awards or people
[sheets."Nariai".columns]    # header as written = the mapping's column
"Įmonė" = "company"
"Klasteris" = "cluster"
"Nuo" = "since"
```
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clusterkg.errors import InputError
from clusterkg.spreadsheets.mappings import MAPPINGS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ANY_SHEET = "*"


@dataclass(frozen=True)
class MappingFile:
    path: Path
    sheets: dict[str, tuple[str | None, dict[str, str]]]  # sheet → (kind, header → column)

    def _entry(self, sheet: str | None) -> tuple[str | None, dict[str, str]]:
        if sheet is not None and sheet in self.sheets:
            return self.sheets[sheet]
        return self.sheets.get(ANY_SHEET, (None, {}))

    def kind(self, sheet: str | None) -> str | None:
        return self._entry(sheet)[0]

    def renames(self, sheet: str | None) -> dict[str, str]:
        return self._entry(sheet)[1]


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


def _sheet(path: Path, name: str, entry: Any) -> tuple[str | None, dict[str, str]]:
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
    for header, field in columns.items():
        if field not in fields:
            raise InputError(
                path,
                f'sheets."{name}".columns."{header}": expected one of '
                f"{', '.join(sorted(fields))}, found {field!r}",
            )
    return kind, {str(h): str(f) for h, f in columns.items()}
