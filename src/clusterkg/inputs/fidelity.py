"""What the store does to literals, found from the files as written: nothing may change silently.

Oxigraph's store keeps typed literals of the XSD datatypes it understands in a canonical form:
`"007"^^xsd:integer` is stored as `"7"`, `"5"^^xsd:int` (and every other integer type) as
`"5"^^xsd:integer`, `"1.0"^^xsd:decimal` as `"1"`, `"1"^^xsd:boolean` as `"true"`, `"PT60M"` as
`"PT1H"`; language tags are lower-cased. Its parser does not rewrite (except the language tags,
which pyoxigraph lower-cases in every Literal), so the files are parsed a second time, with
`ox.parse`, in a thread beside the store's own load (which runs in Rust without the GIL: on two
cores the scan costs no wall time at 2 M triples; on one core it costs the parse, about 7 s).

Which literals change is not guessed by rules: every distinct typed literal of the files is put
into a scratch store and read back, so the answer is the store's own, for every datatype it
canonicalises, in this and any later version of pyoxigraph. Distinct typed literals are few
(dates, years, counts). Language tags, whose case the parser already drops, are found in the text.

The scan also finds ill-typed literals as written (`"2017-13-45"^^xsd:date`), for `validate` to
list with everything else and for the other commands to refuse.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox

from clusterkg import vocabulary
from clusterkg.engine import LocalStore
from clusterkg.inputs.literals import invalid_reason
from clusterkg.inputs.screening import oxigraph_source
from clusterkg.vocabulary import RELATIVE_BASE

XSD_STRING = ox.NamedNode(vocabulary.XSD_STRING)
RDF_LANG_STRING = ox.NamedNode(vocabulary.RDF_LANG_STRING)
SCAN_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}
# A language tag with an upper-case letter, as Turtle/TriG/N-Triples/N-Quads ("…"@lt-LT), JSON-LD
# and RDF/XML write it. Only files where one occurs are looked at more closely. The first pattern
# starts with a literal "@", which the regex engine finds fast (2 s → 0.3 s on 100 MB); the quote
# before it is checked for each match.
_UPPER_TAG_TEXT = re.compile(rb"@[A-Za-z0-9-]*[A-Z]")
_UPPER_TAG_MARKUP = re.compile(rb"""@language"\s*:\s*"[^"]*[A-Z]|xml:lang=["'][^"']*[A-Z]""")
_TAG = re.compile(
    r"""(?:(?<=["'])@|"@language"\s*:\s*"|xml:lang=["'])([A-Za-z]+(?:-[A-Za-z0-9]+)*)"""
)


@dataclass(frozen=True)
class Change:
    """One literal of a file that the store holds otherwise (`kind` "rewritten"), that is not of
    its datatype ("ill-typed"), or that is written in the form the store gives another one
    ("written-as-stored", no line: for sh:datatype, which must know both were written). Terms
    in N-Triples syntax, so that a build's record can be kept in the cache's meta.json."""

    kind: str
    file: str
    line: int | None
    subject: str
    predicate: str
    written: str
    stored: str

    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def note(self) -> str:
        return (
            f"{self.location()}: literal {_short(self.written)} is stored, queried and exported "
            f"as {_short(self.stored)}"
        )

    def refusal(self) -> str:
        return ill_typed_message(self.written)

    def explanation(self) -> str:
        return (
            f"written {_short(self.written)}, stored, queried and exported as "
            f"{_short(self.stored)} (the store's canonical form; sh:datatype judges it as written)"
        )


def _short(literal: str) -> str:
    return re.sub(f"\\^\\^<{re.escape(vocabulary.XSD)}([^>]*)>", r"^^xsd:\1", literal)


def ill_typed_message(written: str) -> str:
    literal = _literal(written)
    reason = invalid_reason(literal.value, literal.datatype.value)
    return f"literal {reason}" if reason else f"literal {_short(written)} is ill-typed"


@dataclass
class Fidelity:
    """What the scan found in all the files of a build."""

    changes: list[Change] = field(default_factory=list)
    # Files with blank nodes: only those can repeat the vocabulary's blank nodes.
    blank_files: set[str] = field(default_factory=set)

    @property
    def rewritten(self) -> list[Change]:
        return [c for c in self.changes if c.kind == "rewritten"]

    @property
    def stored_otherwise(self) -> list[Change]:
        """Literals the store holds in another form, well-typed or not: what sh:datatype must
        judge, and the report show, as written."""
        return [c for c in self.changes if c.kind != "written-as-stored" and c.stored != c.written]

    def notes(self) -> list[str]:
        return [c.note() for c in self.rewritten]

    @property
    def ill_typed(self) -> list[Change]:
        return [c for c in self.changes if c.kind == "ill-typed"]

    def written_forms(self) -> dict[ox.Literal, list[ox.Literal]]:
        """Stored literal → the literals written in the files that the store holds as it (the
        stored form itself included when it is also written as such): what sh:datatype judges."""
        forms: dict[ox.Literal, list[ox.Literal]] = defaultdict(list)
        for change in self.stored_otherwise:
            stored, written = _literal(change.stored), _literal(change.written)
            if written.language is None and written not in forms[stored]:
                forms[stored].append(written)
        for change in self.changes:
            stored = _literal(change.stored)
            if change.kind == "written-as-stored" and stored in forms:
                forms[stored].append(stored)
        return dict(forms)

    def written_triples(self) -> dict[tuple[str, str, ox.Literal], list[ox.Literal]]:
        """(subject, predicate, stored literal) → the literals written in that triple, for
        triples whose subject is an IRI (a blank node's label in the store is not the file's)."""
        triples: dict[tuple[str, str, ox.Literal], list[ox.Literal]] = defaultdict(list)
        for change in self.stored_otherwise:
            written = _literal(change.written)
            if change.subject.startswith("<") and written.language is None:
                key = (change.subject, change.predicate, _literal(change.stored))
                triples[key].append(written)
        return dict(triples)

    def to_json(self) -> list[dict[str, object]]:
        return [asdict(c) for c in self.changes]

    @classmethod
    def from_json(cls, data: object) -> Fidelity:
        items = data if isinstance(data, list) else []
        return cls([Change(**item) for item in items if isinstance(item, dict)])


def _literal(text: str) -> ox.Literal:
    """A literal from its N-Triples form (as Change keeps it)."""
    (quad,) = ox.parse(f"<x:s> <x:p> {text} .", format=ox.RdfFormat.N_TRIPLES)
    assert isinstance(quad.object, ox.Literal)
    return quad.object


class Scan:
    """The scan of `files`, run in a thread: start() it before loading, result() after."""

    def __init__(self, files: list[Path]) -> None:
        self.files = files
        self._found = Fidelity()
        self._thread = threading.Thread(target=self._run, daemon=True, name="clusterkg-scan")

    def start(self) -> Scan:
        self._thread.start()
        return self

    def result(self) -> Fidelity:
        self._thread.join()
        return self._found

    def _run(self) -> None:
        for path in self.files:
            changes, blank = scan_file(path)
            self._found.changes += changes
            if blank:
                self._found.blank_files.add(str(path))


def scan_file(path: Path) -> tuple[list[Change], bool]:
    """The literals of one file that the store would change, and the ill-typed ones; and
    whether the file has blank nodes."""
    fmt = SCAN_FORMATS.get(path.suffix.lower())
    if fmt is None:
        return [], True  # not scanned: may have blank nodes
    try:
        literals, blank = _distinct_typed_literals(path, fmt)
        upper_tags = _has_upper_case_tag(path)
    except Exception:  # whatever the parser raises, the loader reports the file itself
        return [], True
    stored = _store_rewrites(literals)
    # An ill-typed literal keeps the form the store gives it ("300"^^xsd:byte is held as
    # "300"^^xsd:integer), so that validate can report it as written.
    ill_typed = {lit: stored.get(lit, lit) for lit in literals if _is_ill_typed(lit)}
    rewritten = {lit: form for lit, form in stored.items() if lit not in ill_typed}
    if not (ill_typed or rewritten or upper_tags):
        return [], blank
    held = set(rewritten.values()) | set(ill_typed.values())
    also_as_stored = [s for s in held if s in literals and s not in ill_typed]
    changes = _occurrences(path, fmt, ill_typed, rewritten, upper_tags)
    # One line-less record per stored form that the file also writes as such: sh:datatype then
    # knows the store's datatype was written too.
    changes += [
        Change("written-as-stored", str(path), None, "", "", str(s), str(s)) for s in also_as_stored
    ]
    return changes, blank


def _distinct_typed_literals(path: Path, fmt: ox.RdfFormat) -> tuple[set[ox.Literal], bool]:
    """The distinct typed literals of the file (plain strings left out), and whether it has
    blank nodes: one pass in Python over the parsed triples, kept to the fewest operations."""
    literals: set[ox.Literal] = set()
    add = literals.add
    literal_type, blank_type = ox.Literal, ox.BlankNode
    blank = False
    for quad in ox.parse(**oxigraph_source(path), format=fmt, base_iri=RELATIVE_BASE):
        term = quad.object
        if type(term) is literal_type:
            add(term)
        elif type(term) is blank_type:
            blank = True
        if not blank and type(quad.subject) is blank_type:
            blank = True
    typed = {lit for lit in literals if lit.language is None and lit.datatype != XSD_STRING}
    return typed, blank


def _is_ill_typed(literal: ox.Literal) -> bool:
    return invalid_reason(literal.value, literal.datatype.value) is not None


def _store_rewrites(literals: Iterable[ox.Literal]) -> dict[ox.Literal, ox.Literal]:
    """Written literal → the form a store holds it in, for the literals the store changes: each
    is inserted into a scratch store under a subject that numbers it, and read back."""
    written = list(literals)
    scratch = LocalStore()
    predicate = ox.NamedNode("urn:x-clusterkg:written")
    scratch.extend(
        ox.Quad(ox.NamedNode(f"urn:x-clusterkg:{n}"), predicate, lit, ox.DefaultGraph())
        for n, lit in enumerate(written)
    )
    changed: dict[ox.Literal, ox.Literal] = {}
    for quad in scratch:
        assert isinstance(quad.subject, ox.NamedNode), "numbered above"
        original = written[int(quad.subject.value.rsplit(":", 1)[1])]
        if quad.object != original:
            assert isinstance(quad.object, ox.Literal)
            changed[original] = quad.object
    return changed


def _has_upper_case_tag(path: Path) -> bool:
    data = path.read_bytes()
    if path.suffix.lower() in (".jsonld", ".json", ".rdf", ".owl", ".xml"):
        return _UPPER_TAG_MARKUP.search(data) is not None
    return any(
        data[m.start() - 1 : m.start()] in (b'"', b"'") for m in _UPPER_TAG_TEXT.finditer(data)
    )


def _occurrences(
    path: Path,
    fmt: ox.RdfFormat,
    ill_typed: dict[ox.Literal, ox.Literal],
    rewritten: dict[ox.Literal, ox.Literal],
    upper_tags: bool,
) -> list[Change]:
    """Every triple whose object is one of the literals, with the line it is written on (a
    second parse, only of a file that has such literals)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    lines = _LineFinder(text, turtle_like=fmt in _TURTLE_LIKE)
    tags = _written_tags(text) if upper_tags else {}
    changes: list[Change] = []
    for quad in ox.parse(**oxigraph_source(path), format=fmt, base_iri=RELATIVE_BASE):
        term = quad.object
        if not isinstance(term, ox.Literal):
            continue
        subject, predicate = str(quad.subject), str(quad.predicate)
        if term in ill_typed:
            line = lines.next_line(term)
            stored = str(ill_typed[term])
            changes.append(
                Change("ill-typed", str(path), line, subject, predicate, str(term), stored)
            )
        elif term in rewritten:
            line = lines.next_line(term)
            stored = str(rewritten[term])
            changes.append(
                Change("rewritten", str(path), line, subject, predicate, str(term), stored)
            )
        elif term.language is not None and term.language in tags:
            line, written_tag = tags[term.language].pop(0) if tags[term.language] else (None, "")
            if written_tag != term.language:
                written = str(term).rsplit("@", 1)[0] + "@" + written_tag
                changes.append(
                    Change("rewritten", str(path), line, subject, predicate, written, str(term))
                )
    return changes


def _written_tags(text: str) -> dict[str, list[tuple[int, str]]]:
    """Lower-cased tag → (line, tag as written) of every language tag, in file order."""
    found: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _TAG.finditer(line):
            found[match.group(1).lower()].append((number, match.group(1)))
    return found


_TURTLE_LIKE = (
    ox.RdfFormat.TURTLE,
    ox.RdfFormat.N_TRIPLES,
    ox.RdfFormat.N_QUADS,
    ox.RdfFormat.TRIG,
)
# Datatypes Turtle may write without quotes: 7, 1.0, 1e0, true.
_BARE = frozenset(vocabulary.XSD + name for name in ("integer", "decimal", "double", "boolean"))


class _LineFinder:
    """The line of each occurrence of a typed literal, taken in file order (the parser yields
    triples in the order they are written)."""

    def __init__(self, text: str, turtle_like: bool) -> None:
        self.lines = text.splitlines()
        self.turtle_like = turtle_like
        self._next: dict[ox.Literal, Iterator[int]] = {}

    def next_line(self, literal: ox.Literal) -> int | None:
        if literal not in self._next:
            self._next[literal] = self._lines_with(self._pattern(literal))
        return next(self._next[literal], None)

    def _pattern(self, literal: ox.Literal) -> re.Pattern[str]:
        """Turtle and its kin: "…"^^type (or bare, for the types Turtle writes bare); other
        formats: quoted ("…" in JSON-LD, >…< in RDF/XML). Never a piece of a name or an IRI
        (cluster:yes-cluster)."""
        lexical = re.escape(literal.value)
        bare = rf"(?<![\w.+\-:/\"'#]){lexical}(?![\w.:\-/#\"'])"
        if not self.turtle_like:
            return re.compile(rf"(?<=[\"'>]){lexical}(?=[\"'<])|{bare}")
        typed = rf"(?<=[\"']){lexical}[\"']{{1,3}}\^\^"
        return re.compile(f"{typed}|{bare}" if literal.datatype.value in _BARE else typed)

    def _lines_with(self, token: re.Pattern[str]) -> Iterator[int]:
        for number, line in enumerate(self.lines, start=1):
            if line.lstrip().startswith("#"):
                continue  # a Turtle comment (fixtures say there what is wrong)
            for _ in token.finditer(line):
                yield number
