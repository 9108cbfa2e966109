"""The query editor a browser gets at /sparql: here a plain form (the editor's own module
replaces this one with YASGUI when it is installed, keeping `editor_page`)."""

from __future__ import annotations

from clusterkg.server import html
from clusterkg.server.site import Site
from clusterkg.server.tasks import Reply

EXAMPLE = """PREFIX ck: <https://w3id.org/clusterkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?cluster ?name WHERE {
  ?cluster a ck:Cluster ; skos:prefLabel ?name .
}
ORDER BY ?name
LIMIT 20
"""


def editor_page(site: Site) -> Reply:
    """A form that POSTs a query to /sparql, an example filled in."""
    return html.page("editor_plain.html", headers={"Vary": "Accept"}, example=EXAMPLE)
