"""Where each node of the loaded graph is written: file and line, for messages a person can act on.

Texts are read only when a problem has to be located, so a graph built from the cache (or one with
no problems) never holds its 200 MB of Turtle in memory. Each file is indexed once, in one pass, by
the term that starts each line: locating the focus nodes of a thousand SHACL results then costs one
dictionary lookup each instead of a scan of the file each.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

# "@prefix" and "PREFIX" in any case, found from the "p": without an alternation in front, the
# regex engine searches twice as fast (0.8 instead of 1.5 s over a 95 MB file).
PREFIX_DECL = re.compile(r"prefix\s+([\w\-.]*):\s*<([^>]*)>", re.IGNORECASE)
_NAME_CHAR = r"[\w\-:%]"
BATCH_LIMIT = 300  # nodes located with one regex alternation; beyond, the line index wins
# The term a line starts with, as line_of's patterns would delimit it: an <IRI>, or a run of name
# characters and dots that does not end with a dot.
_LEADING_TERM = re.compile(r"\s*(<[^>\s]*>|[\w\-:%]+(?:\.+[\w\-:%]+)*)")


@dataclass
class SourceFile:
    """One input file, kept to point problems at a line; its text is read on first use."""

    path: Path
    _text: str | None = None
    _prefixes: dict[str, str] | None = None
    _lines: list[str] | None = None
    _starts: dict[str, int] | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self.path.read_text(encoding="utf-8-sig", errors="replace")
        return self._text

    @property
    def prefixes(self) -> dict[str, str]:
        if self._prefixes is None:
            self._prefixes = dict(PREFIX_DECL.findall(self.text))
        return self._prefixes

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.splitlines()
        return self._lines

    def spellings(self, iri: str) -> list[str]:
        """The ways this file may write an IRI: <full> and every prefixed name."""
        found = [f"<{iri}>"]
        for prefix, namespace in self.prefixes.items():
            if namespace and iri.startswith(namespace):
                found.append(f"{prefix}:{iri[len(namespace) :]}")
        return found

    def line_of(self, iri: str) -> int | None:
        """Line where the IRI is first written as a subject, else first written at all."""
        return self.subject_line(iri) or self._first_use(iri)

    def subject_line(self, iri: str) -> int | None:
        """First line that starts (after indentation) with the IRI: a dictionary lookup."""
        starts = self._line_starts()
        lines = [starts[s] for s in self.spellings(iri) if s in starts]
        return min(lines) if lines else None

    def first_subject_lines(self, iris: list[str]) -> list[tuple[str, int, bool]]:
        """(iri, line, indented?) of the first line each IRI starts, found in one regex pass."""
        by_spelling = {spelling: iri for iri in iris for spelling in self.spellings(iri)}
        alternatives = "|".join(re.escape(s) for s in sorted(by_spelling, key=len, reverse=True))
        # Each line start as a newline (one before the first line): the regex engine skips to
        # the next "\n" by a fast search, where `^` would be tried at every character (4x slower).
        pattern = re.compile(rf"\n([ \t]*)({alternatives})(?!{_NAME_CHAR}|\.{_NAME_CHAR})")
        text, line, position = "\n" + self.text, 0, 0
        found: dict[str, tuple[str, int, bool]] = {}
        for match in pattern.finditer(text):
            iri = by_spelling[match.group(2)]
            if iri in found:
                continue
            line += text.count("\n", position, match.start() + 1)
            position = match.start() + 1
            found[iri] = (iri, line, bool(match.group(1)))
        return list(found.values())

    def _line_starts(self) -> dict[str, int]:
        """The first line each term starts (after indentation), in one pass over the file."""
        if self._starts is None:
            starts: dict[str, int] = {}
            for number, line in enumerate(self.lines, start=1):
                match = _LEADING_TERM.match(line)
                if match:
                    starts.setdefault(match.group(1), number)
            self._starts = starts
        return self._starts

    def _first_use(self, iri: str) -> int | None:
        patterns = [
            re.compile(rf"(?<!{_NAME_CHAR})" + re.escape(s) + rf"(?!{_NAME_CHAR}|\.{_NAME_CHAR})")
            for s in self.spellings(iri)
        ]
        for number, line in enumerate(self.lines, start=1):
            if any(pattern.search(line) for pattern in patterns):
                return number
        return None


class SourceMap:
    """Where each node of a loaded graph is written: file and line."""

    def __init__(self, files: list[SourceFile] | None = None) -> None:
        self.files: list[SourceFile] = list(files or [])
        self._cache: dict[str, tuple[str, int | None] | None] = {}

    @classmethod
    def of(cls, paths: list[Path]) -> SourceMap:
        """A map over files that are read only if something has to be located in them."""
        return cls([SourceFile(path) for path in paths])

    def add(self, source: SourceFile) -> None:
        self.files.append(source)
        self._cache.clear()

    def locate(self, iri: str) -> tuple[str, int | None] | None:
        """(file, line) where the node is written as a subject, else where it first appears."""
        if iri not in self._cache:
            self._cache[iri] = self._search(iri)
        return self._cache[iri]

    def locate_many(self, iris: Iterable[str]) -> None:
        """Locate a few hundred nodes at once (a validation report's focus nodes): one regex
        pass per file finds where each is first written as a subject, instead of indexing
        every line of 100 MB of Turtle. Results land in the cache `locate` reads."""
        wanted = sorted({i for i in iris if i not in self._cache})
        if not 2 <= len(wanted) <= BATCH_LIMIT:
            return  # one is cheap either way; many are cheaper with the full line index
        skip: set[tuple[str, int]] = set()
        for number, source in enumerate(self.files):
            remaining = [i for i in wanted if i not in self._cache]
            if not remaining:
                return
            for iri, line, indented in source.first_subject_lines(remaining):
                if indented:
                    skip.add((iri, number))  # _search would not take this file
                else:
                    self._cache.setdefault(iri, (str(source.path), line))
        for iri in wanted:
            if iri not in self._cache and not any(i == iri for i, _ in skip):
                self._cache[iri] = None if not self._mentioned(iri) else self._search(iri)

    def _mentioned(self, iri: str) -> bool:
        return any(any(s in f.text for s in f.spellings(iri)) for f in self.files)

    def _search(self, iri: str) -> tuple[str, int | None] | None:
        # First the cheap answer: a file where the node starts an unindented line (where it
        # is described). Only if there is none are the files scanned for any mention.
        for source in self.files:
            line = source.subject_line(iri)
            if line is not None and not source.lines[line - 1][:1].isspace():
                return str(source.path), line
        fallback: tuple[str, int | None] | None = None
        for source in self.files:
            line = source.line_of(iri)
            if line is None:
                continue
            if not source.lines[line - 1][:1].isspace():
                return str(source.path), line
            fallback = fallback or (str(source.path), line)
        return fallback
