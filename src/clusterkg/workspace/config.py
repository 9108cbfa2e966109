"""Reading `clusterkg.toml`: the `[workspace]` table, every key checked, every problem an
InputError naming the file, the line and what is wrong (a team edits this file by hand)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from clusterkg.errors import ClusterKGError, InputError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the same parser, from PyPI, before Python 3.11
    import tomli as tomllib

# key: (type, what to write, required)
KEYS: dict[str, tuple[type, str, bool]] = {
    "name": (str, 'a name, e.g. name = "MITA"', True),
    "base": (str, 'an absolute IRI ending in / or #, e.g. base = "https://example.org/id/"', True),
    "bundled-facts": (bool, "true or false", False),
}
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")


def read_config(path: Path) -> dict[str, Any]:
    """The `[workspace]` table of the config file at `path`, checked: `name` and `base` strings,
    `bundled-facts` a boolean (true if absent), nothing else."""
    text = _text(path)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(path, f"not valid TOML: {_reason(error)}", _line(error)) from None
    table = document.get("workspace")
    if not isinstance(table, dict):
        raise InputError(path, "no [workspace] table: write [workspace] with name and base", 1)
    unknown_tables = [key for key in document if key != "workspace"]
    if unknown_tables:
        key = unknown_tables[0]
        raise InputError(
            path, f"unknown table or key {key!r} (only [workspace] is read)", _key_line(text, key)
        )
    return _checked(path, text, table)


def _checked(path: Path, text: str, table: dict[str, Any]) -> dict[str, Any]:
    for key, value in table.items():
        if key not in KEYS:
            known = ", ".join(KEYS)
            raise InputError(path, f"unknown key {key!r} (known: {known})", _key_line(text, key))
        kind, expected, _ = KEYS[key]
        if type(value) is not kind:
            raise InputError(
                path,
                f"{key} must be {expected}; found {_toml_type(value)}",
                _key_line(text, key),
            )
    for key, (_, expected, required) in KEYS.items():
        if required and key not in table:
            raise InputError(path, f"[workspace] has no {key}: add {expected}", _table_line(text))
    if not table["name"].strip():
        raise InputError(path, "name is empty", _key_line(text, "name"))
    problem = base_problem(table["base"])
    if problem:
        raise InputError(path, f"base {problem}", _key_line(text, "base"))
    return table


def base_problem(base: str) -> str | None:
    """What is wrong with a base IRI, or None: it must be absolute (a scheme), end in / or #
    (IRIs are made by appending to it), and hold no space, quote or angle bracket."""
    if not _ABSOLUTE_IRI.match(base) or not base.endswith(("/", "#")):
        example = "https://example.org/id/"
        return f"must be an absolute IRI ending in / or #, e.g. {example}; found {base!r}"
    return None


def check_base(base: str, option: str) -> None:
    """ClusterKGError naming `option` for a base IRI base_problem refuses."""
    problem = base_problem(base)
    if problem:
        raise ClusterKGError(f"{option} {problem}")


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text") from None
    except OSError as error:
        raise InputError(path, f"cannot be read: {error.strerror or error}") from None


def _reason(error: Exception) -> str:
    """tomllib's message without its "(at line L, column C)", which the location says."""
    return re.sub(r"\s*\(at line \d+, column \d+\)$", "", str(error))


def _line(error: Exception) -> int | None:
    found = re.search(r"at line (\d+)", str(error))
    return int(found.group(1)) if found else None


def _key_line(text: str, key: str) -> int | None:
    """The line a key (or table header) is written on: the first line starting with it."""
    pattern = re.compile(rf"^\s*(\[\s*)?[\"']?{re.escape(key)}[\"']?\s*[=\].]")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None


def _table_line(text: str) -> int | None:
    return _key_line(text, "workspace")


def _toml_type(value: Any) -> str:
    names = {str: "a string", bool: "a boolean", int: "an integer", float: "a number"}
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    shown = str(value).lower() if isinstance(value, bool) else repr(value)
    return f"{names.get(type(value), type(value).__name__)} ({shown})"
