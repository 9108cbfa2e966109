"""Stored queries: one SPARQL file per query, described by a `#+ key: value` comment header.

The header keeps the file valid SPARQL, so the same files run on any SPARQL 1.1 server:

    #+ title: Clusters a company belongs to
    #+ description: ...
    #+ param: company organisation required  The company, by name, acronym, IRI or CURIE
    #+ param: sector sector optional  Only clusters of this sector
    #+ example: company=Rūta;sector=food
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path

from clusterkg.engine.syntax import Where, check_syntax
from clusterkg.errors import ParameterError, QueryError
from clusterkg.workspace.workspace import shown

PARAMETER_KINDS = (
    "organisation",
    "cluster",
    "company",
    "person",
    "project",
    "tier",
    "sector",
    "subject",
    "country",
    "year",
    "date",
    "text",
)
_HEADER = re.compile(r"^#\+\s*(\w+)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str
    required: bool
    description: str


@dataclass
class StoredQuery:
    name: str
    path: Path
    text: str
    title: str = ""
    description: str = ""
    parameters: list[Parameter] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def check_parameters(self, arguments: Iterable[tuple[str, str]]) -> None:
        """ParameterError for a parameter given twice, one this query does not have, or a
        required one missing, from the (NAME, VALUE) pairs as given: all are known from the
        query alone, before any graph is built."""
        names = [name for name, _ in arguments]
        refuse_repeats(names)
        unknown = sorted(set(names) - {p.name for p in self.parameters})
        if unknown:
            known = ", ".join(p.name for p in self.parameters) or "none"
            raise ParameterError(
                f"{self.name} has no parameter {', '.join(unknown)} (its parameters: {known})",
                unknown[0],
            )
        missing = [p.name for p in self.parameters if p.required and p.name not in names]
        if missing:
            raise ParameterError(
                f"{self.name} needs {', '.join(missing)}: add -p {missing[0]}=VALUE"
                + (f" (example: {self.example_options()[0]})" if self.examples else ""),
                missing[0],
            )

    def example_arguments(self) -> list[list[tuple[str, str]]]:
        """Each `#+ example:` as the (NAME, VALUE) pairs it gives:
        `company=Rūta;sector=food` is [("company", "Rūta"), ("sector", "food")]."""
        return [
            [
                (name, value)
                for name, _, value in (part.partition("=") for part in example.split(";"))
            ]
            for example in self.examples
        ]

    def where(self) -> Where:
        """Where the query's text is, for its syntax errors: its file, as the team sees it
        (relative to the current folder when under it)."""
        return Where(str(shown(self.path)))

    def example_options(self) -> list[str]:
        """Each `#+ example:` as the -p options that give it: `-p company=Rūta -p sector=food`
        (a value with a space or a quote quoted for a shell)."""
        return [
            " ".join(f"-p {name}={_shell_word(value)}" for name, value in arguments)
            for arguments in self.example_arguments()
        ]


def _shell_word(text: str) -> str:
    """`text` as one shell word: as it is if it needs no quotes (letters of any script are
    fine: `company=Rūta`), else quoted."""
    return text if re.fullmatch(r"[\w@%+=:,./-]+", text) else shlex.quote(text)


def refuse_repeats(names: Sequence[str]) -> None:
    """ParameterError for a parameter named more than once: a query binds each to one value."""
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ParameterError(f"parameter {', '.join(repeated)} given more than once", repeated[0])


def parse_header(name: str, path: Path, text: str) -> StoredQuery:
    query = StoredQuery(name=name, path=path, text=text)
    for number, line in enumerate(text.splitlines(), start=1):
        match = _HEADER.match(line)
        if not match:
            continue
        key, value = match.group(1), match.group(2)
        if key == "title":
            query.title = value
        elif key == "description":
            query.description = f"{query.description} {value}".strip()
        elif key == "example":
            query.examples.append(value)
        elif key == "param":
            query.parameters.append(_parameter(path, number, value))
    if not query.title:
        raise QueryError(f"{path}: stored query has no '#+ title:' header")
    for parameter in query.parameters:
        if not re.search(rf"[?$]{re.escape(parameter.name)}\b", text):
            raise QueryError(f"{path}: parameter {parameter.name!r} is not used in the query")
    return query


def _parameter(path: Path, number: int, value: str) -> Parameter:
    parts = value.split(None, 3)
    if (
        len(parts) < 3
        or parts[1] not in PARAMETER_KINDS
        or parts[2] not in ("required", "optional")
    ):
        raise QueryError(
            f"{path}:{number}: '#+ param:' must read 'NAME KIND required|optional DESCRIPTION' "
            f"with KIND one of {', '.join(PARAMETER_KINDS)}"
        )
    return Parameter(parts[0], parts[1], parts[2] == "required", parts[3] if len(parts) > 3 else "")


class Catalogue:
    """The stored queries of one folder or several (the bundled queries, then a workspace's),
    by name: a name in two folders is an error naming both files."""

    def __init__(self, folders: Path | Sequence[Path]) -> None:
        self.folders = (folders,) if isinstance(folders, Path) else tuple(folders)
        self.folder = self.folders[0]
        self._queries: dict[str, StoredQuery] = {}
        for folder in self.folders:
            for path in sorted(folder.glob("*.rq")):
                self._add(path)

    def _add(self, path: Path) -> None:
        earlier = self._queries.get(path.stem)
        if earlier is not None:
            raise QueryError(
                f"{path}: a stored query named {path.stem!r} is already {earlier.path}; "
                "rename one of them (the file name is the query's name)"
            )
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise QueryError(f"{path}: cannot read the stored query: {error}") from None
        self._queries[path.stem] = parse_header(path.stem, path, text)

    def names(self) -> list[str]:
        return sorted(self._queries)

    def __iter__(self) -> Iterator[StoredQuery]:
        return iter(self._queries[name] for name in self.names())

    def get(self, name: str) -> StoredQuery:
        name = name.removesuffix(".rq")
        if name in self._queries:
            return self._queries[name]
        near = get_close_matches(name, self.names(), n=3, cutoff=0.5)
        hint = f"; did you mean {' or '.join(near)}?" if near else ""
        raise QueryError(f"no stored query named {name!r}{hint} (`clusterkg queries` lists them)")

    def checked(self, name: str, arguments: Sequence[tuple[str, str]]) -> StoredQuery:
        """The stored query `name`, once the (NAME, VALUE) pairs given for it are known to suit
        it (see StoredQuery.check_parameters); a repeated parameter is refused first, as it is
        wrong whatever the query."""
        refuse_repeats([parameter for parameter, _ in arguments])
        stored = self.get(name)
        stored.check_parameters(arguments)
        check_syntax(stored.text, stored.where())
        return stored
