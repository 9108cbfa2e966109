"""The writer of readable Turtle and TriG data files that every producer of data (`generate`,
importers) shares, so that their files look as if written by hand, like data/*.

A file is a comment saying what it holds, a prefix block, then one block per subject: the
subject at the start of its line (the tool locates problems by that line), its predicates on
indented lines separated by ` ;`, the objects of one predicate separated by ` , ` (one per line
past three). Nothing is reordered: subjects and predicates come out in the order given, so a
producer that gives them in a deterministic order writes byte-identical files. No blank nodes.

TriG: a named graph is written as `name {`, its subject blocks (subjects still at the start of
their lines) and `}`; blocks written outside graphs are the default graph. A Turtle file is the
special case without graphs, so one writer makes both.

Terms are written by the producer with `text`, `typed` and `iri` (or as CURIEs of the prefix
block); the writer escapes what Turtle requires and nothing more.

Exports are written by another writer, output/serialise.py, on purpose: it serialises a graph it
is given (any terms, blank nodes, canonical order) so that the same graph gives the same bytes,
where this one lays out what a producer says in the order it says it.
"""

from __future__ import annotations

import hashlib
import re
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from clusterkg.vocabulary import NOT_IN_IRI

Props = list[tuple[str, list[str]]]  # predicate and its objects, all as Turtle terms
Node = tuple[str, Props]  # the subject (a CURIE or <IRI>) and its properties, `a` first

COMMENT_WIDTH = 98
FLUSH_EVERY = 4096  # subject blocks kept before they are written out

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})
_NEEDS_ESCAPE = re.compile(r'[\\"\n\r\t]')


def text(value: str, lang: str | None = "en") -> str:
    """A string literal, escaped; language-tagged (English by default) unless `lang` is None."""
    if _NEEDS_ESCAPE.search(value):  # rare: translating every literal would cost seconds
        value = value.translate(_ESCAPES)
    quoted = f'"{value}"'
    return f"{quoted}@{lang}" if lang else quoted


def typed(value: str, datatype: str) -> str:
    """A literal of an XSD datatype given by its local name (the file declares `xsd:`)."""
    return f'"{value}"^^xsd:{datatype}'


def iri(value: str) -> str:
    """A full IRI as a Turtle term, characters that Turtle does not allow in it \\u-escaped."""
    if NOT_IN_IRI.search(value):
        value = NOT_IN_IRI.sub(lambda m: f"\\u{ord(m.group()):04X}", value)
    return f"<{value}>"


def file_header(about: str, prefixes: Mapping[str, str]) -> str:
    """The start of a file: `about` as a wrapped comment, then the prefix block."""
    comment = textwrap.wrap(about, width=COMMENT_WIDTH, break_on_hyphens=False)
    declared = [f"@prefix {p + ':':<16}{iri(ns)} ." for p, ns in prefixes.items()]
    return "\n".join([*(f"# {line}" for line in comment), "", *declared, "", ""]) + "\n"


def subject_block(subject: str, props: Props) -> tuple[str, int]:
    """One subject block, the subject at the start of its line; and its number of triples.

    A predicate without objects is left out.
    """
    parts = []
    triples = 0
    for predicate, objects in props:
        if objects:
            triples += len(objects)
            separator = " ,\n        " if len(objects) > 3 else " , "
            parts.append(f"{predicate} {separator.join(objects)}")
    return f"{subject} " + " ;\n    ".join(parts) + " .\n\n", triples


def graph_block(name: str, nodes: list[Node]) -> tuple[str, int, int]:
    """One named graph of subject blocks (TriG); its number of triples and of subjects.

    A graph whose subjects have no objects at all is left out.
    """
    blocks = []
    triples = subjects = 0
    for subject, props in nodes:
        block, count = subject_block(subject, props)
        if count:
            blocks.append(block)
            triples += count
            subjects += 1
    if not triples:
        return "", 0, 0
    return f"{name} {{\n{''.join(blocks)[:-1]}}}\n\n", triples, subjects


class TurtleFile:
    """A data file (Turtle, or TriG with `write_graph`) written block by block, counted and
    hashed as it goes.

    `header` is the start of the file, as `file_header` makes it. `progress`, if given, is told
    the number of subjects written so far each time a batch of blocks reaches the file.
    `close()` returns what the file holds: subjects, triples, bytes and sha256.
    """

    def __init__(
        self, path: Path, header: str, progress: Callable[[int], None] | None = None
    ) -> None:
        self.out = path.open("wb")
        self.progress = progress
        self.digest = hashlib.sha256()
        self.size = 0
        self.triples = 0
        self.subjects = 0
        self.pending: list[str] = [header]

    def write(self, subject: str, props: Props) -> None:
        """Add one subject block."""
        block, triples = subject_block(subject, props)
        self.pending.append(block)
        self.triples += triples
        self.subjects += triples > 0
        if len(self.pending) >= FLUSH_EVERY:
            self.flush()

    def write_graph(self, name: str, nodes: list[Node]) -> None:
        """Add one named graph (TriG) holding the subject blocks of `nodes`."""
        block, triples, subjects = graph_block(name, nodes)
        if triples:
            self.pending.append(block)
            self.triples += triples
            self.subjects += subjects
            if len(self.pending) >= FLUSH_EVERY:
                self.flush()

    def flush(self) -> None:
        data = "".join(self.pending).encode("utf-8")
        self.pending.clear()
        self.out.write(data)
        self.digest.update(data)
        if self.progress is not None:
            self.progress(self.subjects)
        self.size += len(data)

    def close(self) -> dict[str, Any]:
        self.flush()
        self.out.close()
        return {
            "subjects": self.subjects,
            "triples": self.triples,
            "bytes": self.size,
            "sha256": self.digest.hexdigest(),
        }
