"""/ — what the dataset is: its counts, licence and sources, the stored questions, a name search
and the way to the query editor.

The counts are read from the graph (things of each main class, triples asserted and inferred);
the title, licence and sources from the dataset's VoID/DCAT description (output.description), the
same one an export carries. A graph served never changes, so a worker reads them once.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from clusterkg.engine import Table
from clusterkg.output.description import DATASET, LICENCE, describe
from clusterkg.server import html
from clusterkg.server.labels import labels
from clusterkg.server.results import cell
from clusterkg.server.site import Paths, Site, respond
from clusterkg.server.stored import query_url
from clusterkg.server.tasks import Reply, Served, Task
from clusterkg.vocabulary import ASSERTED, CK, DCTERMS, FOAF, INFERRED, ORG

# What the counts count, in the order shown: (class, what a person calls them)
COUNTED = (
    (CK + "Cluster", "clusters"),
    (ORG + "Organization", "organisations (clusters included)"),
    (CK + "Company", "companies"),
    (FOAF + "Person", "people"),
    (CK + "Project", "projects"),
    (CK + "LabelAward", "label awards"),
    (CK + "StatementGroup", "statement groups (sourced passages)"),
)
# Stored queries named so are checks that must return no rows (the house style's, after PATO)
CHECK_SUFFIX = "-violation"
LICENCES = {LICENCE.value: "Creative Commons Attribution 4.0 International (CC BY 4.0)"}
_COUNTS = f"""SELECT ?class (COUNT(DISTINCT ?thing) AS ?n) WHERE {{
  VALUES ?class {{ {" ".join(f"<{c}>" for c, _ in COUNTED)} }}
  ?thing a ?class .
}} GROUP BY ?class"""


@dataclass(frozen=True)
class HomePage:
    """The front page. `paths`: where the data's IRIs are served (the sources' pages)."""

    paths: Paths = field(default_factory=Paths)

    def run(self, served: Served) -> Reply:
        facts = _facts(served)
        questions: list[dict[str, Any]] = [
            {
                "name": stored.name,
                "title": stored.title,
                "url": query_url(stored.name),
                "examples": [
                    {
                        "text": ", ".join(f"{k}={v}" for k, v in arguments),
                        "url": query_url(stored.name, arguments),
                    }
                    for arguments in stored.example_arguments()
                ],
            }
            for stored in served.catalogue
        ]
        names = facts["source_names"]
        sources = [cell(ox.NamedNode(iri), names, self.paths) for iri in facts["source_iris"]]
        # the source texts, by title, before the web pages, by address
        sources.sort(key=lambda source: (source.href is None, source.text))
        shown = {k: v for k, v in facts.items() if k not in ("source_iris", "source_names")}
        return html.page(
            "home.html",
            questions=[q for q in questions if not q["name"].endswith(CHECK_SUFFIX)],
            checks=[q for q in questions if q["name"].endswith(CHECK_SUFFIX)],
            sources=sources,
            **shown,
        )


def routes(site: Site) -> list[BaseRoute]:
    async def home(request: Request) -> Response:
        return respond(await site.run(HomePage(site.paths)))

    return [Route("/", home, methods=["GET"])]


def static_pages(site: Site) -> Iterable[tuple[str, Task]]:
    yield "/", HomePage(site.paths)


_read: dict[int, tuple[weakref.ref[Served], dict[str, Any]]] = {}
_lock = threading.Lock()


def _facts(served: Served) -> dict[str, Any]:
    """The dataset's figures and description, read once per served graph (counting every
    triple of a 2 M-triple graph takes a while; the graph never changes while served)."""
    with _lock:
        known = _read.get(id(served))
        if known is not None and known[0]() is served:
            return known[1]
        facts = _read_facts(served)
        _read[id(served)] = (weakref.ref(served), facts)
        return facts


def _read_facts(served: Served) -> dict[str, Any]:
    engine = served.engine
    asserted, inferred = engine.count(ASSERTED), engine.count(INFERRED)
    table = engine.run(_COUNTS)
    assert isinstance(table, Table)
    found = {row[0].value: int(row[1].value) for row in table.rows if row[0] and row[1]}
    description = describe(engine, asserted)

    def about(predicate: str) -> list[str]:
        return [o.value for s, p, o in description if s == DATASET and p.value == predicate]

    sources = sorted(about(DCTERMS + "source"))
    licence = next(iter(about(DCTERMS + "license")), "")
    return {
        "title": next(iter(about(DCTERMS + "title")), "clusterkg"),
        "abstract": next(iter(about(DCTERMS + "description")), ""),
        "licence": licence,
        "licence_name": LICENCES.get(licence, ""),
        "counts": [(found.get(iri, 0), name) for iri, name in COUNTED],
        "asserted": asserted,
        "inferred": inferred,
        "source_iris": sources,
        "source_names": labels(engine, sources),
    }
