"""Writing the imported statements as TriG, deterministically: the same workbook gives the same
bytes. Terms are Turtle text (`iri`, `literal`); each statement group is written as a
`<group> { … }` block followed by its description, as in data/*.trig (docs/model.md)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from clusterkg.vocabulary import PREFIXES, XSD, slugify

Triple = tuple[str, str, str]
Origin = tuple[str | None, int, dict[str, str]]
_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})
# The prefixes the output uses (a subset of PREFIXES, in this order), plus one per base folder.
USED = ("ck", "org", "skos", "rdfs", "prov", "schema", "foaf", "dcterms", "oa", "xsd", "evidence")
USED_ID: tuple[str, ...] = ("cluster", "organisation", "person", "post", "membership", "award")
USED_ID += ("tier", "sector", "role", "source", "statement")


def prefixes(base: str) -> dict[str, str]:
    """The output's prefixes: the vocabularies', then one per folder of the IRIs. The project's
    folders keep the names the CLI predeclares (`cluster:` …), so a CURIE copied from the file
    into `clusterkg sparql` means the same IRI; under another base the team's own folders are
    named after it (`mita-cluster:` for https://example.org/mita/id/cluster/)."""
    chosen = {name: PREFIXES[name] for name in USED}
    chosen |= {name: PREFIXES["ckid"] + f"{name}/" for name in USED_ID}
    if base != PREFIXES["ckid"]:
        tag = _tag(base)
        chosen |= {f"{tag}-{name}": f"{base}{name}/" for name in USED_ID}
    chosen["country"] = "http://publications.europa.eu/resource/authority/country/"
    return chosen


def _tag(base: str) -> str:
    """A short name for a base IRI: its last path segment but `id` (…/mita/id/ → mita), else
    the first label of its host; letters, digits and hyphens only, starting with a letter."""
    parsed = urlsplit(base)
    segments = [s for s in re.split(r"[/#]", parsed.path) if s and s.lower() != "id"]
    candidates = [*reversed(segments), (parsed.hostname or "").split(".")[0]]
    for candidate in candidates:
        tag = slugify(candidate)
        if tag[0].isalpha() and tag != "x":  # slugify's name for a name with no letter
            return tag
    return "team"


def iri(value: str, known: dict[str, str] | None = None) -> str:
    """An IRI as a CURIE where one of `known` prefixes fits (longest namespace first), else
    in angle brackets."""
    for name, namespace in _longest_first(tuple((known or {}).items())):
        if value.startswith(namespace) and _LOCAL.match(value[len(namespace) :]):
            return f"{name}:{value[len(namespace) :]}"
    return f"<{value}>"


@lru_cache(maxsize=8)
def _longest_first(known: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    return sorted(known, key=lambda kv: -len(kv[1]))


def literal(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    quoted = '"' + text.translate(_ESCAPES) + '"'
    if lang:
        return f"{quoted}@{lang}"
    if datatype:
        return f"{quoted}^^xsd:{datatype[len(XSD) :]}" if datatype.startswith(XSD) else quoted
    return quoted


@dataclass
class Group:
    """One statement group: its IRI, its triples (in the order made), and the triples of its
    description in the default graph. `where` is the row it came from: (sheet, row, the column
    letter of each field)."""

    iri: str
    where: Origin
    triples: list[Triple] = field(default_factory=list)
    description: list[str] = field(default_factory=list)  # predicate-object lines


def document(
    header: str, known: dict[str, str], catalogue: list[str], groups: list[Group]
) -> tuple[str, dict[int, Origin]]:
    """The TriG text, and the row each line of a group comes from (line → (sheet, row)), so
    that a validation problem at a line can be said at the sheet's row."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    lines += [f"@prefix {name}: <{namespace}> ." for name, namespace in known.items()]
    lines += ["", *catalogue]
    rows: dict[int, Origin] = {}
    for group in groups:
        start = len(lines) + 1
        lines += ["", f"{group.iri} {{", *_block(group.triples), "}"]
        lines += [f"{group.iri} a ck:StatementGroup ;", *_description(group.description)]
        for number in range(start, len(lines) + 1):
            rows[number] = group.where
    return "\n".join(lines) + "\n", rows


def _block(triples: Iterable[Triple]) -> list[str]:
    """Triples grouped by subject (in the order subjects first appear), indented."""
    by_subject: dict[str, list[tuple[str, str]]] = {}
    for s, p, o in triples:
        pairs = by_subject.setdefault(s, [])
        if (p, o) not in pairs:
            pairs.append((p, o))
    lines = []
    for subject, pairs in by_subject.items():
        lines.append(f"    {subject}")
        for index, (p, o) in enumerate(pairs):
            end = " ." if index == len(pairs) - 1 else " ;"
            lines.append(f"        {p} {o}{end}")
    return lines


def _description(parts: list[str]) -> list[str]:
    return [f"    {part}{' .' if i == len(parts) - 1 else ' ;'}" for i, part in enumerate(parts)]
