"""The query editor a browser gets at /sparql (a GET with no query): YASGUI when it is installed,
a plain form when it is not.

YASGUI (@zazuko/yasgui, MIT) is installed from the npm registry at setup (`make web`: npm ci over
web/package-lock.json) and its two built files copied into static/vendor/, which git ignores: they
are never committed. Its calls to other hosts are switched off in static/editor.js (see there), so
the page loads and asks nothing from anywhere but this server. With YASGUI the plain form is
still there for a browser without JavaScript (<noscript>).

The plain form posts the query to /sparql like any SPARQL 1.1 Protocol client; a browser prefers
text/html, and the protocol face answers it with the results as an HTML table.
"""

from __future__ import annotations

from pathlib import Path

from clusterkg.server.html import page
from clusterkg.server.site import Site
from clusterkg.server.tasks import Reply
from clusterkg.vocabulary import PREFIXES

VENDOR = Path(__file__).parent / "static" / "vendor"
# YASGUI's build, as `make web` copies it from node_modules/@zazuko/yasgui/build/
YASGUI_FILES = ("yasgui.min.js", "yasgui.min.css")


# The prefixes the example declares: the project's own and those most queries need. The example
# stays short (it is posted as a form); YASGUI's completion offers every one of PREFIXES.
EXAMPLE_PREFIXES = (
    *("ck", "cluster", "organisation", "person", "sector", "statement", "source", "evidence"),
    *("org", "skos", "rdf", "rdfs", "schema", "dcterms", "prov", "xsd"),
)


def _example() -> str:
    """The prefixes most queries need (YASGUI folds them away), then a query over the clusters."""
    width = max(len(prefix) for prefix in EXAMPLE_PREFIXES)
    declarations = "".join(
        f"PREFIX {prefix + ':':<{width + 1}} <{PREFIXES[prefix]}>\n" for prefix in EXAMPLE_PREFIXES
    )
    return f"""{declarations}
# The clusters and their names; Ctrl-Enter (or the run button) runs the query.
SELECT ?cluster ?name WHERE {{
  ?cluster a ck:Cluster ;
           skos:prefLabel ?name .
  FILTER(langMatches(lang(?name), "en"))
}}
ORDER BY LCASE(?name)
"""


EXAMPLE = _example()


def editor_page(site: Site) -> Reply:
    """The editor page, YASGUI's or the plain form, with the example query filled in."""
    return page(
        "editor.html",
        # GET /sparql without a query is this page for a browser, the service description else
        headers={"Vary": "Accept"},
        yasgui=yasgui_installed(),
        example=EXAMPLE,
        prefixes=PREFIXES,
        timeout=_seconds(site.limits.timeout),
        max_rows=site.limits.max_rows,
    )


def yasgui_installed() -> bool:
    """Whether `make web` has put YASGUI's built files where the server serves them (looked at
    each time: `make web` while the server runs gives the next page the editor)."""
    return all((VENDOR / name).is_file() for name in YASGUI_FILES)


def _seconds(timeout: float | None) -> str | None:
    return None if timeout is None else f"{timeout:g}"  # 10, not 10.0
