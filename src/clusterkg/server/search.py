"""/search?q=NAME: a name (or an IRI, a CURIE) resolved exactly as the command line resolves a
parameter of any kind — one thing found: 303 to its page; several: the candidates (200);
none: 404 with the near names the resolver gives (did you mean). JSON when asked for.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from clusterkg.server import html
from clusterkg.server.site import Paths
from clusterkg.server.tasks import Reply, Served
from clusterkg.server.thing_html import href

JSON = "application/json"
# Longer text than any name: refused before the index is asked.
MAX_QUERY = 500


@dataclass(frozen=True)
class Search:
    """A search for `query`; `as_json`: the client asked for JSON."""

    query: str
    as_json: bool
    base: str

    def run(self, served: Served) -> Reply:
        text = self.query.strip()
        if not text:  # the search page itself
            return self._answer(200, {}, {})
        if len(text) > MAX_QUERY:
            return self._answer(400, {}, {})
        matches = served.resolver.thing(text)
        if len(matches.found) == 1:
            return self._answer(303, matches.found, {})
        return self._answer(200 if matches.found else 404, matches.found, matches.near)

    def _answer(self, status: int, found: dict[str, str], near: dict[str, str]) -> Reply:
        found_list, near_list = self._listed(found), self._listed(near)
        headers = {"Location": found_list[0]["href"]} if status == 303 else {}
        if self.as_json:
            body: dict[str, Any] = {"query": self.query, "found": found_list, "near": near_list}
            data = (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode()
            return Reply(status, JSON, data, headers)
        context = {"query": self.query, "found": found_list, "near": near_list}
        return html.page("search.html", status, headers, **context)

    def _listed(self, things: dict[str, str]) -> list[dict[str, str]]:
        paths = Paths(self.base)
        return [
            {"iri": iri, "name": things[iri], "href": href(iri, paths)}
            for iri in sorted(things, key=lambda t: (things[t].casefold(), t))
        ]
