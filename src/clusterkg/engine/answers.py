"""What a query gives back, whichever engine ran it: rows in pages, triples, or a boolean.

Terms are pyoxigraph's RDF terms (NamedNode, BlankNode, Literal) on every engine: a remote
engine turns what a server sends into the same terms, so printing and binding never care which
engine answered.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

import pyoxigraph as ox

from clusterkg.engine.syntax import explain
from clusterkg.errors import QueryError, first_line

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Bindings = Mapping[str, Term]
Row = list[Term | None]
# A graph result travels as rows of these three columns, so one stream type carries both kinds.
TRIPLE_COLUMNS = ["subject", "predicate", "object"]
# Rows are handed on in pages: at most PAGE_ROWS, or fewer if PAGE_SECONDS have passed since the
# last page (a slow query shows its first rows at once, a fast one is not written row by row).
PAGE_ROWS = 1000
PAGE_SECONDS = 0.05


@dataclass
class Table:
    """Rows of a SELECT (or one boolean row of an ASK): variable names and RDF terms.
    `truncated`: a row cap stopped the rows before the end (see clusterkg.engine.limits)."""

    variables: list[str]
    rows: list[list[Term | None]]
    boolean: bool | None = None
    truncated: bool = False


@dataclass
class Triples:
    """The triples of a CONSTRUCT or DESCRIBE."""

    triples: list[ox.Triple]
    truncated: bool = False


@dataclass
class Answer:
    """A query's answer as it comes, read once: pages of rows (a CONSTRUCT/DESCRIBE's triples as
    rows of TRIPLE_COLUMNS when `graph`), or an ASK's `boolean`. `truncated` is known only after
    the last page: a row cap stopped the rows before the end."""

    variables: list[str]
    pages: Iterator[list[Row]] = field(default_factory=lambda: iter(()))
    boolean: bool | None = None
    graph: bool = False
    truncated: bool = False
    # What stops the computing of the pages (a worker process, in clusterkg.engine.limits).
    on_close: Callable[[], object] | None = field(default=None, repr=False)

    def close(self) -> None:
        """Stop reading the pages; whatever still computes them is stopped."""
        close = getattr(self.pages, "close", None)
        if close is not None:
            close()
        if self.on_close is not None:
            self.on_close()

    def collect(self) -> Table | Triples:
        """Every row in memory, as Engine.run returns them."""
        rows = [row for page in self.pages for row in page]
        if self.graph:
            # a graph row is always a whole triple (subject, predicate, object), never None
            return Triples([ox.Triple(*row) for row in rows], self.truncated)  # type: ignore[arg-type]
        return Table(self.variables, rows, self.boolean, self.truncated)


def paged(rows: Iterable[Row]) -> Iterator[list[Row]]:
    """`rows` in pages of at most PAGE_ROWS, a page ending early once PAGE_SECONDS have passed."""
    page: list[Row] = []
    since = time.monotonic()
    for row in rows:
        page.append(row)
        if len(page) >= PAGE_ROWS or time.monotonic() - since >= PAGE_SECONDS:
            yield page
            page = []
            since = time.monotonic()
    if page:
        yield page


@contextmanager
def reported_as_query_error(query: str = "") -> Iterator[None]:
    """Errors of the engine as QueryError in one line; a syntax error in `query` explained
    (clusterkg.engine.syntax)."""
    try:
        yield
    except SyntaxError as error:
        raise QueryError(explain(query, str(error))) from None
    except (OSError, RuntimeError, ValueError, TypeError) as error:
        raise QueryError(f"query failed: {first_line(error)}") from None


def read_reporting_errors(rows: Iterator[Row]) -> Iterator[Row]:
    """Oxigraph evaluates lazily: a query can fail while its rows are read, not only at start."""
    with reported_as_query_error():
        yield from rows
