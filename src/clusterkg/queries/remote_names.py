"""The name index of a graph on a remote server: lookup queries for the name typed, not a scan.

MemoryNames reads every name of the graph first (two queries over the whole graph): over HTTP,
at 2 M triples, that is most of a lookup's time. Here each lookup asks the server for the
candidates only: the things of the kind with a name that holds the longest word typed: an ASCII
name by CONTAINS on its lower-cased text, any other by a REGEX in which each letter stands for
itself in either case or, if it has accented forms, for any non-ASCII characters ('ruta' finds
'Rūta'); the word and the pattern are bound by a VALUES block (clusterkg.engine.binding), never
spliced into the text. The candidates' names are then normalised and matched in Python exactly
as MemoryNames does (clusterkg.queries.names: normalise, words_start, the display-name rule), so
a name resolves remotely as locally.

What differs: a name whose normalised form depends on a character that NFKD spreads over
several letters (ß → ss, the ligature ﬁ → fi) is not found by those letters. The near names of
a name that matches nothing ("did you mean") need every name of the kind: that one query reads
them all, once per kind and engine, as MemoryNames does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from clusterkg.engine import Engine, Table
from clusterkg.queries.names import (
    ANY,
    CLASSES_BY_KIND,
    NAME_PREDICATES,
    PREFERRED,
    index_kind,
    normalise,
    words_start,
)

_PREDICATES = " ".join(f"<{p}>" for p in NAME_PREDICATES)
# The candidates: things (of a kind) with a name matching ?pattern, and all their names.
# The candidates' filter: an ASCII name holds the word as it is, lower-cased (normalise only
# lower-cases it and turns punctuation into spaces); only a name with another character is
# tried with the accent-blind pattern, which, bound by VALUES, a server compiles for each name
# (the pattern alone: 2.5 s a lookup on Oxigraph server at 183 k triples; so: 0.65 s).
_CANDIDATES = """SELECT DISTINCT ?thing ?p ?name WHERE {{
  VALUES ?matchedBy {{ {predicates} }}
  ?thing ?matchedBy ?matched .
  FILTER(isIRI(?thing) && (CONTAINS(LCASE(STR(?matched)), ?word)
         || (REGEX(STR(?matched), "[^\\t\\n\\r -~]") && REGEX(STR(?matched), ?pattern))))
  {kind}
  VALUES ?p {{ {predicates} }}
  ?thing ?p ?name .
}}"""
_ALL_OF_KIND = """SELECT DISTINCT ?thing ?p ?name WHERE {{
  VALUES ?p {{ {predicates} }}
  ?thing ?p ?name .
  FILTER(isIRI(?thing))
  {kind}
}}"""


def _kind_pattern(kind: str) -> str:
    """The graph pattern that keeps things of `kind` (none for ANY)."""
    if kind == ANY:
        return ""
    classes = " ".join(f"<{c}>" for c in CLASSES_BY_KIND[kind])
    return f"FILTER EXISTS {{ VALUES ?class {{ {classes} }} ?thing a ?class }}"


# Any run of non-ASCII characters (U+0001 … U+007F left out; NUL never written): where a letter
# may be written accented, the pattern takes the letter or such a run.
_NOT_ASCII = "[^\u0001-\u007f]+"


def _accented_letters() -> set[str]:
    """The ASCII letters some Latin letter with a diacritic normalises to (u for ū, ų …)."""
    found = set()
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        bare = normalise(chr(code))
        if len(bare) == 1 and bare.isascii() and bare.isalpha():
            found.add(bare)
    return found


_ACCENTED = _accented_letters()


def pattern(word: str) -> str:
    """A regular expression (XPath, as SPARQL's REGEX reads it) that every name whose
    normalised form holds `word` matches, and some more. `word` is normalised: letters,
    digits, _. A letter that has accented forms is (u|U|<a run of non-ASCII characters>):
    no accented letter is written in the pattern itself, as Virtuoso matches bytes (a class
    [ū] is one byte of two) and with the "i" flag matched no non-ASCII letter at all."""
    parts = []
    for char in word:
        if char in _ACCENTED:
            parts.append(f"({char}|{char.upper()}|{_NOT_ASCII})")
        elif char.isascii():  # a digit, _ or a letter without accented forms
            parts.append(f"({char}|{char.upper()})" if char.isalpha() else char)
        else:  # a letter normalise keeps (ł, ø, Cyrillic …): any non-ASCII run
            parts.append(_NOT_ASCII)
    return "".join(parts)


class RemoteNames:
    """Names (clusterkg.queries.names) by lookup queries on the engine, for a remote server."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._candidates: dict[tuple[str, str], _Found] = {}
        self._every: dict[str, _Found] = {}

    def named(self, kind: str, key: str) -> dict[str, str]:
        found = self._lookup(kind, key)
        return found.shown(t for t, keys in found.keys.items() if key in keys)

    def named_by_words(self, kind: str, words: str) -> dict[str, str]:
        found = self._lookup(kind, words)
        return found.shown(
            t for t, keys in found.keys.items() if any(words_start(k, words) for k in keys)
        )

    def keys(self, kind: str) -> list[str]:
        kind = index_kind(kind)
        if kind not in self._every:
            query = _ALL_OF_KIND.format(predicates=_PREDICATES, kind=_kind_pattern(kind))
            self._every[kind] = _Found.of(self.engine.run(query))
        return sorted({k for keys in self._every[kind].keys.values() for k in keys})

    def _lookup(self, kind: str, key: str) -> _Found:
        """The candidates for normalised `key`: things of `kind` with a name that holds its
        longest word, with all their names."""
        kind = index_kind(kind)
        longest = max(key.split(), key=len, default="")
        if not longest:
            return _Found()
        if (kind, longest) not in self._candidates:
            query = _CANDIDATES.format(predicates=_PREDICATES, kind=_kind_pattern(kind))
            bound = {"word": ox.Literal(longest), "pattern": ox.Literal(pattern(longest))}
            answer = self.engine.run(query, bound)
            self._candidates[kind, longest] = _Found.of(answer)
        return self._candidates[kind, longest]


class _Found:
    """Things and all their names, as clusterkg.queries.names.scan reads them: each thing's
    normalised names, and its display name (its least preferred label, else its least name)."""

    def __init__(self) -> None:
        self.keys: dict[str, set[str]] = defaultdict(set)
        self.display: dict[str, str] = {}

    @classmethod
    def of(cls, answer: object) -> _Found:
        found = cls()
        assert isinstance(answer, Table), "a SELECT"
        preferred: dict[str, str] = {}
        other: dict[str, str] = {}
        for thing, predicate, name, *_ in answer.rows:
            if thing is None or predicate is None or name is None:
                continue
            found.keys[thing.value].add(normalise(name.value))
            shown = preferred if predicate.value == PREFERRED else other
            if thing.value not in shown or name.value < shown[thing.value]:
                shown[thing.value] = name.value
        found.display = {t: preferred[t] if t in preferred else other[t] for t in found.keys}
        return found

    def shown(self, things: Iterable[str]) -> dict[str, str]:
        return {thing: self.display[thing] for thing in things}
