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
        if not text or len(text) > MAX_QUERY:
            return self._answer(400 if text else 200, {}, {}, None)
        matches = served.resolver.thing(text)
        if len(matches.found) == 1:
            (iri,) = matches.found
            location = href(iri, Paths(self.base))
            return self._answer(303, matches.found, {}, location)
        return self._answer(200 if matches.found else 404, matches.found, matches.near, None)

    def _answer(
        self, status: int, found: dict[str, str], near: dict[str, str], location: str | None
    ) -> Reply:
        headers = {"Location": location} if location else {}
        found_list, near_list = self._listed(found), self._listed(near)
        if self.as_json:
            body: dict[str, Any] = {"query": self.query, "found": found_list, "near": near_list}
            data = (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode()
            return Reply(status, JSON, data, headers)
        if status == 404 or not self.query.strip():
            reply = html.page(
                "search.html", status, headers, query=self.query, found=[], near=near_list
            )
            return reply
        return html.page(
            "search.html", status, headers, query=self.query, found=found_list, near=near_list
        )

    def _listed(self, things: dict[str, str]) -> list[dict[str, str]]:
        paths = Paths(self.base)
        return [
            {"iri": iri, "name": things[iri], "href": href(iri, paths)}
            for iri in sorted(things, key=lambda t: (things[t].casefold(), t))
        ]
