"""Errors a person can act on: each names the file, line or node and what is wrong.

The CLI turns every ClusterKGError into one message on stderr and its exit code, never a
traceback. Exit codes follow pySHACL: 0 conforms / 1 does not conform / 2 unusable input; 3
for a query stopped at its timeout; 4 for a remote SPARQL server that failed or could not be
reached (clusterkg.engine.connection).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_USAGE = 2
EXIT_TIMEOUT = 3
EXIT_REMOTE = 4


class ClusterKGError(Exception):
    """Base class; `exit_code` is what the CLI exits with."""

    exit_code = EXIT_USAGE


class InputError(ClusterKGError):
    """An input file that cannot be used: unreadable, not UTF-8, malformed, unsafe."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.reason = message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")


class QueryError(ClusterKGError):
    """A query that cannot be run: unknown name, syntax error, refused operation."""


@dataclass(frozen=True)
class Candidate:
    """A thing a parameter's value may have meant: its IRI, its display name, and the kind of
    thing the parameter takes (cluster, organisation …)."""

    iri: str
    label: str
    kind: str


class ParameterError(ClusterKGError):
    """A query parameter that is missing, unknown or ambiguous. Besides the message (all the
    CLI prints) it says which `parameter` and `value` are wrong and, for an ambiguous or unknown
    name, the `candidates` it may have meant, so an HTTP face can offer them as choices."""

    def __init__(
        self,
        message: str,
        parameter: str | None = None,
        value: str | None = None,
        candidates: Sequence[Candidate] = (),
    ) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.value = value
        self.candidates = tuple(candidates)

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        # keyword fields survive pickling (an error may cross from a worker process)
        return (type(self), (str(self), self.parameter, self.value, self.candidates))


class ShapesError(ClusterKGError):
    """A shapes graph the validator cannot use (pySHACL refuses it, or a feature it lacks)."""


class QueryTimeout(QueryError):
    """A query stopped because it ran past its deadline (clusterkg.engine.limits)."""

    exit_code = EXIT_TIMEOUT


def first_line(error: BaseException) -> str:
    """An exception as one line of a message (its first, at most 300 characters; its type's name
    if it says nothing): parsers and the store put whole documents in their messages."""
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:300]


class RemoteError(ClusterKGError):
    """A remote SPARQL server that could not be reached, refused a request, or answered with
    something that does not parse. The message names the server and what happened, never the
    credentials. `status`: the HTTP status the server answered with, if it answered."""

    exit_code = EXIT_REMOTE
    status: int | None = None
