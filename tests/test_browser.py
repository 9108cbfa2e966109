"""A real browser through `clusterkg serve`: Debian's chromium, driven by playwright.

A person's walk (issue 12): the home page, a search for "Rūta", on to the Smart Food Cluster's
page, a stored query run from its form, a query run in the editor. Each step asserts what the
person sees (text on the page); a failure saves a screenshot and names it; and no request may
leave 127.0.0.1 (every request the page makes is collected, and chromium resolves no other host).

Playwright's own browser download does not work here: it drives /usr/bin/chromium
(`apt-get install chromium`). Without chromium or playwright the tests skip, saying why; in CI
(CI=true) they fail instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest
from served import start_server, stop_server

from clusterkg.knowledge_graph import KnowledgeGraph
from clusterkg.output.tables import stream_answer
from clusterkg.queries.resolve import Resolver
from clusterkg.server.editor import editor_page, yasgui_installed
from clusterkg.server.site import InProcess, Site
from clusterkg.server.tasks import Served
from clusterkg.vocabulary import PREFIXES

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

pytestmark = pytest.mark.loopback

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # a request to any other host fails at once instead of leaving the machine (it is still
    # seen, and reported, by the test's request log)
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
IN_CI = os.environ.get("CI") == "true"
# A person waits a few seconds, not a minute (the machine is shared: not less either).
PATIENCE_MS = 20_000

# What a person types into the editor (full IRIs: no prefix declarations needed), and what
# data/clusters.trig says it finds: the two clusters with "Food" in their English names.
TYPED_QUERY = (
    "SELECT ?name WHERE {\n"
    "?cluster a <https://w3id.org/clusterkg/ontology#Cluster> ;\n"
    "<http://www.w3.org/2004/02/skos/core#prefLabel> ?name .\n"
    'FILTER(CONTAINS(STR(?name), "Food"))\n'
    "} ORDER BY ?name"
)
FOOD_CLUSTERS = ["National Food Cluster", "Smart Food Cluster"]


def _unavailable(reason: str) -> None:
    """Skip, saying why; in CI, where chromium and playwright are installed, fail."""
    if IN_CI:
        pytest.fail(f"{reason}; CI must install it (.ci/run, make web, the dev extra)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install playwright)")
    if not CHROMIUM.exists():
        _unavailable(f"no chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`clusterkg serve --port 0` as a user starts it, with a cache of its own; its URL."""
    home = tmp_path_factory.mktemp("server")
    (home / "tmp").mkdir()
    env = {**os.environ, "CLUSTERKG_CACHE_DIR": str(home / "cache"), "TMPDIR": str(home / "tmp")}
    process, url = start_server(["serve", "--port", "0"], env)
    try:
        yield url
    finally:
        stop_server(process)


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


@dataclass
class Visit:
    """One person's browser tab, every request it made, and the server it visits."""

    page: Page
    root: str
    requested: list[str] = field(default_factory=list)
    # answers of 400 and more, for the failure message (a script that did not load)
    errors: list[str] = field(default_factory=list)

    def open(self, path: str, needs: str) -> Page:
        """Go to `path`; a 404 there fails naming the part of the server that answers it."""
        answer = self.page.goto(self.root + path.lstrip("/"))
        self.expect_found(needs, answer.status if answer else None)
        return self.page

    def expect_found(self, needs: str, status: int | None = None) -> None:
        """The page now shown exists: not the server's 404 (a face not merged yet)."""
        if status is None:
            status = self.page.evaluate(
                "() => performance.getEntriesByType('navigation')[0]?.responseStatus ?? 200"
            )
        if status == 404:
            pytest.fail(f"{self.page.url} answered 404: needs {needs}")

    def text(self) -> str:
        """What a person reads on the page."""
        return self.page.inner_text("body")

    def outside(self) -> list[str]:
        """The requests that were not to this machine's loopback address."""
        return sorted({url for url in self.requested if not _local(url)})


def _local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):  # made inside the page: nothing is fetched
        return True
    return parts.scheme in ("http", "https") and parts.hostname == "127.0.0.1"


@contextmanager
def visit(browser: Browser, root: str, screenshot: Path) -> Iterator[Visit]:
    """A fresh tab (a new profile: nothing kept from another test); on failure a screenshot of
    the page as it was, named in the failure; at the end, no request may have left 127.0.0.1."""
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(PATIENCE_MS)
    tab = Visit(page, root)
    page.on("request", lambda request: tab.requested.append(request.url))
    page.on(
        "response",
        lambda answer: (
            tab.errors.append(f"{answer.status} {answer.url}") if answer.status >= 400 else None
        ),
    )
    try:
        try:
            yield tab
        except (Exception, pytest.fail.Exception) as error:
            page.screenshot(path=str(screenshot), full_page=True)
            outside = f"\nrequests that left 127.0.0.1: {tab.outside()}" if tab.outside() else ""
            errors = f"\nanswers with errors: {tab.errors}" if tab.errors else ""
            raise AssertionError(f"{error}\nscreenshot: {screenshot}{outside}{errors}") from error
        assert tab.outside() == [], "requests left 127.0.0.1"
    finally:
        context.close()


def run_in_editor(tab: Visit, query: str) -> list[list[str]]:
    """Replace the editor's query by typing `query`, press the run button, and read the rows of
    the result table as a person sees them."""
    page = tab.page
    page.wait_for_selector(".yasqe .CodeMirror")
    page.click(".yasqe .CodeMirror")
    page.keyboard.press("Control+A")
    page.keyboard.type(query)
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table.dataTable tbody tr td:not(.dataTables_empty)")
    rows = page.locator(".yasr table.dataTable tbody tr")
    return [
        [cell.strip() for cell in rows.nth(i).locator("td").all_inner_texts()]
        for i in range(rows.count())
    ]


def _require_yasgui() -> None:
    if not yasgui_installed():
        _unavailable("YASGUI is not installed (make web: npm ci in web/, needs npm)")


# ---- the editor alone ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def graph_site() -> tuple[Served, Site]:
    kg = KnowledgeGraph.load(cache=None).with_closure()
    served = Served(
        kg.engine, kg.bundle, Resolver.of_build(kg.engine, None), "https://w3id.org/clusterkg/"
    )
    return served, Site(InProcess(served), kg.bundle)


def _stand_in_sparql(served: Served, site: Site) -> Callable[[Route], None]:
    """/sparql for the editor alone: the editor page for a GET, a SELECT's rows as SPARQL JSON
    (the project's own writer) for the POST the editor sends. The real endpoint is the protocol
    face's; the walk below goes through it."""

    def answer(route: Route) -> None:
        request = route.request
        if request.method == "GET":
            reply = editor_page(site)
            route.fulfill(status=reply.status, content_type=reply.media_type, body=reply.body)
            return
        query = parse_qs(request.post_data or "")["query"][0]
        rows = "".join(stream_answer(served.engine.evaluate(query), "json"))
        route.fulfill(status=200, content_type="application/sparql-results+json", body=rows)

    return answer


def test_the_editor_runs_a_typed_query_and_asks_no_other_host(
    browser: Browser, server: str, graph_site: tuple[Served, Site], screenshots: Path
) -> None:
    """YASGUI as served by `clusterkg serve` (its files, the page's script), over a stand-in
    endpoint: the example is there, a typed query runs, completion asks no other host."""
    _require_yasgui()
    with visit(browser, server, screenshots / "editor.png") as tab:
        tab.page.route("**/sparql", _stand_in_sparql(*graph_site))
        page = tab.open("/sparql", needs="the editor page")
        page.wait_for_selector(".yasqe .CodeMirror")
        assert "SPARQL query editor" in tab.text()
        shown = page.inner_text(".yasqe .CodeMirror")
        assert "SELECT ?cluster ?name WHERE" in shown  # the example, prefixes folded away
        assert page.input_value(".yasgui .autocompleteWrapper input") == (server + "sparql")
        assert not page.locator(".yasqe_share").is_visible()  # its links would not be read
        # prefixes are completed from the project's own (no prefix.cc)
        page.click(".yasqe .CodeMirror")
        page.keyboard.press("Control+A")
        page.keyboard.type("PREFIX organ")
        page.keyboard.press("Control+Space")
        hints = page.locator(".CodeMirror-hints").inner_text()
        assert f"organisation: <{PREFIXES['organisation']}>" in hints
        page.keyboard.press("Escape")
        # completing a property's name asks lov.linkeddata.es unless switched off
        page.click(".yasqe .CodeMirror")
        page.keyboard.press("Control+A")
        page.keyboard.type(
            f"PREFIX skos: <{PREFIXES['skos']}>\nSELECT * WHERE {{ ?cluster skos:pref"
        )
        page.keyboard.press("Control+Space")
        page.wait_for_timeout(1000)
        rows = run_in_editor(tab, TYPED_QUERY)
        assert rows == [[str(n + 1), f'"{name}"@en'] for n, name in enumerate(FOOD_CLUSTERS)]


# ---- a person's walk, through every face of the server -----------------------------------------


def test_a_person_finds_ruta_her_cluster_its_members_and_asks_the_graph(
    browser: Browser, server: str, screenshots: Path
) -> None:
    """The walk of issue 12, on the real server. Each step needs a face of the server: a step
    whose page answers 404 fails naming the face it needs (home, search, pages, stored queries,
    protocol)."""
    with visit(browser, server, screenshots / "walk.png") as tab:
        page = tab.open("/", needs="the home page (server/home.py)")
        # what the dataset is, and (issue 12) a link to the query editor
        assert "clusterkg" in tab.text()
        assert page.locator('main a[href="/sparql"]').count() > 0, "no link to the editor"
        search = page.get_by_role("searchbox", name="Search by name")
        search.fill("Rūta")
        search.press("Enter")
        page.wait_for_load_state()
        tab.expect_found("search (server/search.py) and the pages (server/pages.py)")
        # one thing has that name: its page (data/organisations.trig: organisation:ruta)
        assert urlsplit(page.url).path == "/id/organisation/ruta"
        assert 'UAB "Rūta"' in page.inner_text("h1")

        page.get_by_role("link", name="Smart Food Cluster", exact=True).first.click()
        page.wait_for_load_state()
        tab.expect_found("the pages (server/pages.py)")
        assert urlsplit(page.url).path == "/id/cluster/smart-food-cluster"
        assert "Smart Food Cluster" in page.inner_text("h1")

        # a stored query about it (queries/members-of-cluster.rq), run from its form
        page.get_by_role("link", name="Members of a cluster").first.click()
        page.wait_for_load_state()
        tab.expect_found("the stored queries' forms (server/stored.py)")
        field = page.locator('main form [name="cluster"]')
        filled = field.input_value()  # the cluster, by name or IRI
        assert "smart-food-cluster" in filled.lower().replace(" ", "-"), filled
        page.locator("main form").get_by_role("button").first.click()
        page.wait_for_load_state()
        tab.expect_found("the stored queries' answers (server/stored.py)")
        # data/memberships.trig: Rūta is a member of the Smart Food Cluster
        assert 'UAB "Rūta"' in page.inner_text("main table")

        # the editor, over the real endpoint
        _require_yasgui()
        page.get_by_role("link", name="SPARQL", exact=True).first.click()
        page.wait_for_load_state()
        tab.expect_found("the protocol face's /sparql, which gives browsers the editor")
        rows = run_in_editor(tab, TYPED_QUERY)
        assert rows == [[str(n + 1), f'"{name}"@en'] for n, name in enumerate(FOOD_CLUSTERS)]


def test_requests_are_collected(browser: Browser, server: str, screenshots: Path) -> None:
    """The request log the tests rely on sees every request, including a page's own assets and
    one to another host (refused by chromium, and reported)."""
    with pytest.raises(AssertionError, match=r"requests left 127\.0\.0\.1"):  # noqa: SIM117
        with visit(browser, server, screenshots / "outside.png") as tab:
            tab.page.goto(server + "static/clusterkg.css")
            tab.page.evaluate("() => fetch('https://example.org/').catch(() => null)")
    assert any(url.endswith("/static/clusterkg.css") for url in tab.requested)
    assert "https://example.org/" in tab.requested
