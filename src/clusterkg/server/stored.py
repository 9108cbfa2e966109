"""/queries — the stored queries as an API and as forms (Datasette's canned queries are the model).

- `/queries` (`/queries.json`): every stored query with its title, parameters and examples;
- `/queries/NAME?company=Rūta&sector=food`: the answer, as HTML (a table of names linked to their
  pages, under the query's form), SPARQL results JSON, CSV or TSV, by Accept or by a `.json`,
  `.csv`, `.tsv` suffix.

Parameters are checked and resolved by the catalogue and the query service, as `clusterkg query`
does: an unknown query is 404; a missing or unknown parameter, an ambiguous or unknown name is
400 with the candidates (JSON: structured; HTML: links that run the query again with the chosen
IRI). An empty form field is a parameter not given. The rows stop at the site's row cap; a reply
that left rows out says so (header X-Clusterkg-Truncated and, in HTML, a notice).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from clusterkg.engine import Table
from clusterkg.errors import Candidate, ClusterKGError, ParameterError, QueryError, first_line
from clusterkg.output import formats
from clusterkg.output.tables import render_table
from clusterkg.queries.catalogue import Catalogue, Parameter, StoredQuery
from clusterkg.queries.names import CLASSES_BY_KIND
from clusterkg.queries.values import EUROPEAN_COUNTRIES
from clusterkg.server import html
from clusterkg.server.negotiation import choose
from clusterkg.server.results import capped, cells
from clusterkg.server.site import Paths, Site, respond
from clusterkg.server.tasks import Reply, Served, Task
from clusterkg.vocabulary import CK, FOAF, ORG, PREFIXES

HTML = "text/html"
JSON = "application/json"
SPARQL_JSON = formats.by_name("json", "table").media_type
# What an answer is offered as; the first is the default (a browser, curl without Accept).
ANSWER_OFFERS = (HTML, SPARQL_JSON, JSON, "text/csv", "text/tab-separated-values")
LIST_OFFERS = (HTML, JSON)
# A suffix on the path chooses the format instead of the Accept header.
SUFFIXES = {"json": SPARQL_JSON, "csv": "text/csv", "tsv": "text/tab-separated-values"}
TRUNCATED = "X-Clusterkg-Truncated"
VARY = {"Vary": "Accept"}
# What a thing is called on a page, most specific first (a cluster is an organisation too)
THING_KINDS = (
    (CK + "Cluster", "cluster"),
    (CK + "Company", "company"),
    (CK + "Agency", "agency"),
    (CK + "Funder", "funder"),
    (ORG + "Organization", "organisation"),
    (FOAF + "Person", "person"),
    (CK + "Project", "project"),
    (CK + "LabelAward", "label award"),
    (CK + "LabelTier", "tier"),
    (CK + "Sector", "sector"),
    (CK + "SourceDocument", "source"),
    (CK + "WebSource", "source"),
    (CK + "StatementGroup", "statement group"),
)
_CLASSES_OF = "SELECT ?thing ?class WHERE { ?thing a ?class }"
# Kinds with few values, offered as choices in the form: the class whose things are the values.
_CHOICE_CLASSES = {"tier": CK + "LabelTier", "sector": CK + "Sector"}
# (?class in the projection: pyoxigraph binds only projected variables)
_CHOICES = f"""SELECT DISTINCT ?class ?label WHERE {{
  ?thing a ?class ; <{PREFIXES["skos"]}prefLabel> ?label .
  FILTER(langMatches(lang(?label), "en"))
}} ORDER BY ?label"""


# --- the tasks ---


@dataclass(frozen=True)
class QueryList:
    """/queries: every stored query, as an HTML page or JSON."""

    media_type: str = HTML

    def run(self, served: Served) -> Reply:
        queries = [_described(stored) for stored in served.catalogue]
        if self.media_type == JSON:
            return _json(200, {"queries": queries})
        return html.page("queries.html", headers=dict(VARY), queries=queries, missing=None)


@dataclass(frozen=True)
class RunStored:
    """/queries/NAME: one stored query run with the (NAME, VALUE) pairs of the request, answered
    in `media_type` (one of ANSWER_OFFERS), at most `max_rows` rows. In HTML, a request that
    gives no parameter at all to a query that needs one shows the form with the example filled
    in, and runs nothing."""

    name: str
    arguments: tuple[tuple[str, str], ...]
    media_type: str
    max_rows: int | None
    paths: Paths

    def run(self, served: Served) -> Reply:
        try:
            stored = served.catalogue.get(self.name)
        except QueryError:
            return _unknown_query(self.name, served.catalogue, self.media_type)
        # a blank form field is a parameter not given; values go on as typed, as on the CLI
        given = [(k, v) for k, v in self.arguments if v.strip()]
        if self.media_type == HTML and not self.arguments and _needs_parameters(stored):
            return _form_page(served, stored, _example(stored), self.paths)
        try:
            served.catalogue.checked(self.name, given)
            bindings = served.service.bind(stored, dict(given))
        except ParameterError as error:
            return _parameter_error(served, stored, given, error, self.media_type, self.paths)
        try:
            table = capped(served.engine.evaluate(stored.text, bindings), self.max_rows)
        except ClusterKGError as error:
            return Reply.text(500, f"the query failed: {first_line(error)}", dict(VARY))
        headers = dict(VARY) | ({TRUNCATED: "true"} if table.truncated else {})
        if self.media_type == HTML:
            return _form_page(served, stored, given, self.paths, table, headers)
        body = render_table(table, _table_format(self.media_type)).encode("utf-8")
        return Reply(200, with_charset(self.media_type), body, headers)


# --- the routes ---


def routes(site: Site) -> list[BaseRoute]:
    async def query_list(request: Request) -> Response:
        media = choose(request.headers.get("accept"), LIST_OFFERS)
        if media is None:
            return respond(Reply.not_acceptable(LIST_OFFERS))
        return respond(await site.run(QueryList(media)))

    async def query_list_json(request: Request) -> Response:
        return respond(await site.run(QueryList(JSON)))

    async def stored_query(request: Request) -> Response:
        name, _, suffix = request.path_params["name"].rpartition(".")
        if name and suffix in SUFFIXES:
            media: str | None = SUFFIXES[suffix]
        else:
            name = request.path_params["name"]
            media = choose(request.headers.get("accept"), ANSWER_OFFERS)
        if media is None:
            return respond(Reply.not_acceptable(ANSWER_OFFERS))
        arguments = tuple(request.query_params.multi_items())
        task = RunStored(name, arguments, media, site.limits.max_rows, site.paths)
        return respond(await site.run(task))

    return [
        Route("/queries", query_list, methods=["GET"]),
        Route("/queries.json", query_list_json, methods=["GET"]),
        Route("/queries/{name}", stored_query, methods=["GET"]),
    ]


def static_pages(site: Site) -> Iterable[tuple[str, Task]]:
    """The pages of this face for a static copy of the site: the list, and each query's page
    and answers with its first example (a static server runs no query)."""
    yield "/queries", QueryList(HTML)
    yield "/queries.json", QueryList(JSON)
    for stored in Catalogue(site.bundle.query_folders):
        example = tuple(_example(stored))
        for suffix, media in (("", HTML), *((f".{s}", m) for s, m in SUFFIXES.items())):
            yield (
                f"/queries/{stored.name}{suffix}",
                RunStored(stored.name, example, media, site.limits.max_rows, site.paths),
            )


# --- what the tasks answer ---


def query_url(name: str, arguments: Iterable[tuple[str, str]] = (), suffix: str = "") -> str:
    """The path that runs stored query `name` with these arguments (`suffix`: a format's)."""
    query = urlencode(list(arguments))
    return f"/queries/{quote(name)}{suffix}" + (f"?{query}" if query else "")


def _table_format(media_type: str) -> str:
    """The table format of output.formats a media type of ANSWER_OFFERS is written in."""
    found = formats.by_media_type(media_type, "table")
    return found.name if found else "json"  # application/json: SPARQL results JSON


def _described(stored: StoredQuery) -> dict[str, Any]:
    return {
        "name": stored.name,
        "title": stored.title,
        "description": stored.description,
        "url": query_url(stored.name),
        "parameters": [
            {
                "name": p.name,
                "kind": p.kind,
                "required": p.required,
                "description": p.description,
            }
            for p in stored.parameters
        ],
        "examples": [
            {"arguments": dict(arguments), "url": query_url(stored.name, arguments)}
            for arguments in stored.example_arguments()
        ],
    }


def _needs_parameters(stored: StoredQuery) -> bool:
    return any(p.required for p in stored.parameters)


def _example(stored: StoredQuery) -> list[tuple[str, str]]:
    examples = stored.example_arguments()
    return examples[0] if examples else []


def _form_page(
    served: Served,
    stored: StoredQuery,
    values: Sequence[tuple[str, str]],
    paths: Paths,
    table: Table | None = None,
    headers: dict[str, str] | None = None,
    error: dict[str, Any] | None = None,
    status: int = 200,
) -> Reply:
    given = dict(values)
    example = dict(_example(stored))
    return html.page(
        "query.html",
        status,
        headers if headers is not None else dict(VARY),
        query=_described(stored),
        fields=[
            _field(served, p, given.get(p.name, ""), example.get(p.name, ""))
            for p in stored.parameters
        ],
        table=table,
        rows=cells(served.engine, table, paths) if table is not None else [],
        error=error,
        formats=[(s, query_url(stored.name, values, f".{s}")) for s in SUFFIXES],
        text=stored.text,
        editor="/sparql?" + urlencode({"query": stored.text}),
    )


def _field(served: Served, parameter: Parameter, value: str, example: str) -> dict[str, Any]:
    """One input of the form: its parameter, the value shown (the example as a placeholder when
    none is given), and the choices offered."""
    input_type = "date" if parameter.kind == "date" else "text"
    return {
        "name": parameter.name,
        "kind": parameter.kind,
        "required": parameter.required,
        "description": parameter.description,
        "value": value,
        "example": example,
        "type": input_type,
        "choices": _choices(served, parameter.kind),
    }


def _choices(served: Served, kind: str) -> list[str]:
    """The values of a kind with few of them (tiers, sectors, countries), else none."""
    if kind == "country":
        return [name for _, _, name in EUROPEAN_COUNTRIES]
    if kind not in _CHOICE_CLASSES:
        return []
    table = served.engine.run(_CHOICES, {"class": ox.NamedNode(_CHOICE_CLASSES[kind])})
    assert isinstance(table, Table)
    return [row[1].value for row in table.rows if row[1] is not None]


def _parameter_error(
    served: Served,
    stored: StoredQuery,
    given: list[tuple[str, str]],
    error: ParameterError,
    media_type: str,
    paths: Paths,
) -> Reply:
    """400: what is wrong with a parameter, and the things the value may have meant, each with
    the path that runs the query again with that thing's IRI in the value's place."""
    others = [(k, v) for k, v in given if k != error.parameter]
    problem = {
        "error": "parameter",
        "message": str(error),
        "query": stored.name,
        "parameter": error.parameter,
        "value": error.value,
        "candidates": [
            {
                "iri": c.iri,
                "label": c.label,
                "kind": _kind(served, c),
                "url": query_url(stored.name, [*others, (error.parameter or "", c.iri)]),
            }
            for c in error.candidates
        ],
        "parameters": _described(stored)["parameters"],
    }
    if media_type == HTML:
        return _form_page(served, stored, given, paths, error=problem, status=400)
    if media_type in (JSON, SPARQL_JSON):
        return _json(400, problem)
    return Reply.text(400, str(error), dict(VARY))


def _kind(served: Served, candidate: Candidate) -> str:
    """What a candidate is: the parameter's kind, or for a parameter that takes anything
    (subject), the most specific of THING_KINDS the thing has."""
    if candidate.kind in CLASSES_BY_KIND or candidate.kind == "country":
        return candidate.kind
    table = served.engine.run(_CLASSES_OF, {"thing": ox.NamedNode(candidate.iri)})
    assert isinstance(table, Table)
    classes = {row[1].value for row in table.rows if row[1] is not None}
    return next((kind for class_iri, kind in THING_KINDS if class_iri in classes), candidate.kind)


def _unknown_query(name: str, catalogue: Catalogue, media_type: str) -> Reply:
    message = f"no stored query is named {name!r}"
    if media_type == HTML:
        queries = [_described(stored) for stored in catalogue]
        return html.page("queries.html", 404, dict(VARY), queries=queries, missing=name)
    if media_type in (JSON, SPARQL_JSON):
        return _json(404, {"error": "unknown query", "message": message, "queries": "/queries"})
    return Reply.text(404, f"{message}; /queries lists them", dict(VARY))


def _json(status: int, document: dict[str, Any]) -> Reply:
    body = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    return Reply(status, JSON, body.encode("utf-8"), dict(VARY))


def with_charset(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type
