"""A SPARQL 1.1 Protocol request read into the one query it asks for, or refused with its status.

The three ways of asking (SPARQL 1.1 Protocol §2.1): GET with `query=` in the URL, POST of a
form (`application/x-www-form-urlencoded`) and POST of the query itself
(`application/sparql-query`). Parameters are read here, strictly: a percent-encoded byte that
is not UTF-8 is an error (400), never a replacement character silently changing the query; a
body is read up to the site's limit and no further (413). The service is read-only: an update,
however it is sent, is refused with 403 (the W3C protocol tests accept any 4xx).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

import pyoxigraph as ox
from starlette.requests import Request

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
# Parameters that only an update takes (SPARQL 1.1 Protocol §2.2).
UPDATE_PARAMETERS = ("update", "using-graph-uri", "using-named-graph-uri")
READ_ONLY = (
    "this SPARQL endpoint is read-only: updates are not accepted (the graph is built from its "
    "data files)"
)
# Form fields read at most: a form of a query and a few graph IRIs has no need for more.
MAX_FIELDS = 1000


class Refused(Exception):
    """A request the protocol does not allow, with the status and the one-line message to
    answer it with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Operation:
    """A query and its dataset: `graphs` (default-graph-uri) and `named` (named-graph-uri),
    None where the request gives none."""

    query: str
    graphs: tuple[str, ...] | None = None
    named: tuple[str, ...] | None = None


async def read_operation(request: Request, max_body: int) -> Operation | None:
    """The query a request asks for; None for a GET that asks none (a service description)."""
    fields = parse_fields(request.scope.get("query_string", b""))
    direct: str | None = None
    if request.method == "POST":
        kind, charset = _content_type(request.headers.get("content-type"))
        if kind == UPDATE:
            raise Refused(403, READ_ONLY)
        if kind not in (FORM, DIRECT):
            raise Refused(
                415,
                f"POST the query as {FORM} (query=…) or as {DIRECT} (the query itself); "
                f"not {kind or 'a body without a Content-Type'}",
            )
        if charset not in (None, "utf-8", "us-ascii"):
            raise Refused(400, f"the request must be UTF-8, not {charset}")
        body = await read_body(request, max_body)
        if kind == FORM:
            fields += parse_fields(body)
        else:
            direct = _utf8(body, "the query")
    return operation(fields, direct, request.method == "POST")


def operation(fields: list[tuple[str, str]], direct: str | None, posted: bool) -> Operation | None:
    """The operation of these parameters (and a query POSTed directly)."""
    names = [name for name, _ in fields]
    if any(name in UPDATE_PARAMETERS for name in names):
        raise Refused(403, READ_ONLY)
    queries = [value for name, value in fields if name == "query"]
    if direct is not None:
        queries.append(direct)
    if len(queries) > 1:
        raise Refused(400, "one query per request: this one has several")
    graphs = _graphs(fields, "default-graph-uri")
    named = _graphs(fields, "named-graph-uri")
    if not queries:
        if posted or graphs is not None or named is not None:
            raise Refused(400, "no query: give it as the `query` parameter")
        return None
    return Operation(queries[0], graphs, named)


def parse_fields(data: bytes) -> list[tuple[str, str]]:
    """URL-encoded name=value pairs, strictly UTF-8 (400 otherwise)."""
    text = _utf8(data, "the parameters")
    try:
        return parse_qsl(
            text,
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except UnicodeDecodeError:
        raise Refused(400, "a parameter is not UTF-8 (after percent-decoding)") from None
    except ValueError:
        raise Refused(400, f"too many parameters: at most {MAX_FIELDS}") from None


async def read_body(request: Request, max_body: int) -> bytes:
    """The body, up to `max_body` bytes; a longer one is refused (413) without reading it all."""
    too_long = Refused(413, f"the request body is larger than this server takes ({max_body} bytes)")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_body:
        raise too_long
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_body:
            raise too_long
    return bytes(body)


def _utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        raise Refused(400, f"{what} must be UTF-8, and this is not") from None


def _content_type(header: str | None) -> tuple[str | None, str | None]:
    """The media type's essence and its charset parameter, lower-cased."""
    if not header:
        return None, None
    essence, *parameters = (part.strip() for part in header.split(";"))
    charset = None
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return essence.lower(), charset


def _graphs(fields: list[tuple[str, str]], parameter: str) -> tuple[str, ...] | None:
    """The graph IRIs a dataset parameter names (None: not given); each must be an IRI."""
    values = tuple(value for name, value in fields if name == parameter)
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError:
            raise Refused(400, f"{parameter} must be an IRI, not {value[:200]!r}") from None
    return values or None
