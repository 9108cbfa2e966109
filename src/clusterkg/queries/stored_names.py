"""The name index as an SQLite file beside a cached build's store (see clusterkg.queries.names).

Written once, when the build cache publishes a build, from the same scan the in-memory index is
made of; read-only afterwards. Every lookup the resolver makes on a known name is an index hit:

- a name: `keys.key` (unique) → `names` (key, thing) → `things`;
- a whole-word part of a name ('litek' in 'litek laser engineering'): every name is also kept
  as its word tails ('litek laser engineering', 'laser engineering', 'engineering'), so the
  words sought are the start of a tail: one range of the `tails` primary key;
- a kind: a bit of `things.kinds`, checked per thing found.

Only the near matches of an unknown name ("did you mean") read every name of the kind (at 2 M
triples ~84 k names of organisations: ~1 s, mostly difflib): the error path, as in memory.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from clusterkg.queries.names import ANY, CLASSES_BY_KIND, NamedThings, index_kind

KIND_BITS = {kind: 1 << number for number, kind in enumerate(sorted(CLASSES_BY_KIND))}

_SCHEMA = """
CREATE TABLE things (id INTEGER PRIMARY KEY, iri TEXT NOT NULL, display TEXT NOT NULL,
                     kinds INTEGER NOT NULL);
CREATE TABLE keys (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE);
CREATE TABLE names (key INTEGER NOT NULL, thing INTEGER NOT NULL,
                    PRIMARY KEY (key, thing)) WITHOUT ROWID;
CREATE TABLE tails (tail TEXT NOT NULL, key INTEGER NOT NULL,
                    PRIMARY KEY (tail, key)) WITHOUT ROWID;
"""
# `kinds`: one bit per kind (KIND_BITS); the kind ANY is bit 0, which matches every thing
_OF_KIND = "AND (:bit = 0 OR t.kinds & :bit)"
_NAMED = f"""SELECT t.iri, t.display FROM keys k
JOIN names n ON n.key = k.id JOIN things t ON t.id = n.thing
WHERE k.key = :key {_OF_KIND}"""
# A tail from `words` up to `words` + '!': the tail is the words, or they and a space and more
# (the only character below '!' a normalised name holds is the space).
_NAMED_BY_WORDS = f"""SELECT DISTINCT t.iri, t.display FROM tails w
JOIN names n ON n.key = w.key JOIN things t ON t.id = n.thing
WHERE w.tail >= :words AND w.tail < :words || '!' {_OF_KIND}"""
_KEYS_OF_KIND = """SELECT DISTINCT k.key FROM names n JOIN things t ON t.id = n.thing
JOIN keys k ON k.id = n.key WHERE t.kinds & :bit"""
_EVERY_KEY = "SELECT key FROM keys"


def write(things: NamedThings, path: Path) -> None:
    """Write the index of `things` to a new SQLite file at `path`."""
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path)
    try:
        # a half-written file is thrown away with the cache's private folder: no journal needed
        connection.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SCHEMA)
        thing_ids = {thing: number for number, thing in enumerate(sorted(things.keys), start=1)}
        every_key = sorted({key for keys in things.keys.values() for key in keys})
        key_ids = {key: number for number, key in enumerate(every_key, start=1)}
        connection.executemany(
            "INSERT INTO things VALUES (?, ?, ?, ?)",
            (
                (n, t, things.display[t], _bits(things.kinds.get(t, ())))
                for t, n in thing_ids.items()
            ),
        )
        connection.executemany(
            "INSERT INTO keys VALUES (?, ?)", ((n, k) for k, n in key_ids.items())
        )
        names = sorted((key_ids[k], thing_ids[t]) for t, keys in things.keys.items() for k in keys)
        connection.executemany("INSERT INTO names VALUES (?, ?)", names)
        connection.executemany("INSERT INTO tails VALUES (?, ?)", sorted(_tails(key_ids)))
        connection.commit()
    finally:
        connection.close()


def _bits(kinds: Iterable[str]) -> int:
    return sum(KIND_BITS[kind] for kind in kinds)


def _tails(key_ids: dict[str, int]) -> Iterator[tuple[str, int]]:
    for key, number in key_ids.items():
        words = key.split(" ")
        for start in range(len(words)):
            yield " ".join(words[start:]), number


class StoredNames:
    """Lookups in an index file written by `write` (clusterkg.queries.names.Names). The file is
    opened on the first lookup, read-only and immutable (no locks, no journal: a published cache
    entry never changes, and the cache checks it is whole before it is used)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()  # a server's threads may share the one connection

    def named(self, kind: str, key: str) -> dict[str, str]:
        return dict(self._rows(_NAMED, {"key": key, "bit": _bit(kind)}))

    def named_by_words(self, kind: str, words: str) -> dict[str, str]:
        return dict(self._rows(_NAMED_BY_WORDS, {"words": words, "bit": _bit(kind)}))

    def keys(self, kind: str) -> list[str]:
        if not _bit(kind):
            return [key for key, *_ in self._rows(_EVERY_KEY, {})]
        return [key for key, *_ in self._rows(_KEYS_OF_KIND, {"bit": _bit(kind)})]

    def _rows(self, query: str, parameters: dict[str, str | int]) -> list[tuple[str, str]]:
        with self._lock:
            if self._connection is None:
                self._connection = sqlite3.connect(
                    self.path.as_uri() + "?mode=ro&immutable=1", uri=True, check_same_thread=False
                )
            rows: list[tuple[str, str]] = self._connection.execute(query, parameters).fetchall()
            return rows


def _bit(kind: str) -> int:
    """The bit of a parameter's kind in `things.kinds`; 0 for ANY."""
    kind = index_kind(kind)
    return 0 if kind == ANY else KIND_BITS[kind]
