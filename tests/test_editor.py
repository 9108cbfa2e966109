"""The query editor a browser gets at /sparql: YASGUI when `make web` has installed it, a plain
form when not (clusterkg.server.editor), through the HTTP face (Starlette's test client).

The protocol face routes a browser's GET /sparql without a query to `editor_page`; here a route of
the test's own does, so the editor is tested whether or not that face is there.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from clusterkg.knowledge_graph import KnowledgeGraph
from clusterkg.queries.resolve import Resolver
from clusterkg.server import editor
from clusterkg.server.app import create_app
from clusterkg.server.site import InProcess, Site
from clusterkg.server.tasks import Served
from clusterkg.vocabulary import PREFIXES

REPOSITORY = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI") == "true"


@pytest.fixture(scope="module")
def served() -> Served:
    kg = KnowledgeGraph.load(cache=None).with_closure()
    return Served(kg.engine, kg.bundle, Resolver.of_build(kg.engine, None), "https://w3id.org/")


@pytest.fixture(scope="module")
def site(served: Served) -> Site:
    return Site(InProcess(served), served.bundle)


@pytest.fixture
def client(site: Site) -> Iterator[TestClient]:
    async def sparql(request: Request) -> Response:
        reply = editor.editor_page(site)
        return Response(reply.body, reply.status, reply.headers, reply.media_type)

    app = create_app(site)
    app.router.routes.insert(0, Route("/sparql", sparql, methods=["GET"]))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A vendor folder with YASGUI's two files (stand-ins: only their presence matters here)."""
    for name in editor.YASGUI_FILES:
        (tmp_path / name).write_text("/* stand-in */\n")
    monkeypatch.setattr(editor, "VENDOR", tmp_path)
    return tmp_path


@pytest.fixture
def not_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(editor, "VENDOR", tmp_path / "vendor")
    return tmp_path


class _Page(HTMLParser):
    """What the tests read from a page: every src/href, forms, textareas, the editor's settings."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict[str, str | None]] = []
        self.noscript_forms: list[dict[str, str | None]] = []
        self._noscript = False
        self.textareas: dict[str, str] = {}
        self.settings: str | None = None
        self._in: tuple[str, str] | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.links += [v for k, v in attrs if k in ("src", "href") and v is not None]
        if tag == "noscript":
            self._noscript = True
        elif tag == "form":
            (self.noscript_forms if self._noscript else self.forms).append(found)
        elif tag == "textarea":
            self._in = ("textarea", found.get("name") or "")
            self.textareas[self._in[1]] = ""
        elif tag == "script" and found.get("id") == "editor-config":
            self._in = ("settings", "")
            self.settings = ""

    def handle_endtag(self, tag: str) -> None:
        self._in = None
        if tag == "noscript":
            self._noscript = False

    def handle_data(self, data: str) -> None:
        if self._in and self._in[0] == "textarea":
            self.textareas[self._in[1]] += data
        elif self._in and self._in[0] == "settings":
            self.settings = (self.settings or "") + data


def test_with_yasgui_the_page_loads_it_from_this_server(
    client: TestClient, installed: Path
) -> None:
    answer = client.get("/sparql", headers={"Accept": "text/html"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    page = _Page(answer.text)
    assert "/static/vendor/yasgui.min.js" in page.links
    assert "/static/vendor/yasgui.min.css" in page.links
    assert "/static/editor.js" in page.links
    # nothing from another host: every address on the page is a path of this server
    assert page.links and all(
        link.startswith("/") and not link.startswith("//") for link in page.links
    )
    # the plain form only for a browser without JavaScript
    assert all(form.get("action") != "/sparql" for form in page.forms)
    assert {"action": "/sparql", "method": "post"} in page.noscript_forms
    assert "Accept" in answer.headers["vary"].split(", ")
    assert page.settings is not None
    settings = json.loads(page.settings)
    assert settings["query"] == editor.EXAMPLE
    assert settings["prefixes"] == PREFIXES


def test_the_settings_cannot_close_their_script_element(site: Site, installed: Path) -> None:
    body = editor.editor_page(site).body.decode()
    settings = body.split('id="editor-config">', 1)[1].split("</script>", 1)[0]
    # the example's IRIs are written <…>: inside a script element they are escaped
    assert "<" not in settings and ">" not in settings
    assert "\\u003c" + PREFIXES["ck"] in settings


def test_without_yasgui_a_plain_form_posts_to_sparql(
    client: TestClient, not_installed: Path
) -> None:
    answer = client.get("/sparql", headers={"Accept": "text/html"})
    assert answer.status_code == 200
    page = _Page(answer.text)
    assert not any("vendor" in link or "editor.js" in link for link in page.links)
    assert {"action": "/sparql", "method": "post"} in page.forms
    assert page.textareas["query"] == editor.EXAMPLE
    assert "make web" in answer.text  # says how to get the editor


def test_the_example_declares_the_common_prefixes_and_runs(served: Served) -> None:
    example = editor.EXAMPLE
    assert {"ck", "cluster", "organisation", "skos", "org"} <= set(editor.EXAMPLE_PREFIXES)
    for prefix in editor.EXAMPLE_PREFIXES:
        namespace = PREFIXES[prefix]
        assert re.search(
            rf"^PREFIX {re.escape(prefix)}:\s+<{re.escape(namespace)}>$", example, re.M
        )
    table = served.engine.run(example)
    names = [row[1].value for row in table.rows]
    # data/clusters.trig and data/claims.trig: the ten clusters, by their English names
    assert names == [
        "FETEK",
        "iVita",
        "LitCare",
        "LITEK Laser & Engineering Technologies Cluster",
        "Lithuanian Automotive Export Association",
        "Lithuanian Plastic Cluster",
        "National Food Cluster",
        "PrefabLT",
        "Smart Food Cluster",
        "Vilnius Film Cluster",
    ]


def test_the_page_states_the_limits(site: Site, not_installed: Path) -> None:
    body = editor.editor_page(site).body.decode()
    assert site.limits.timeout == 10.0
    assert "may take 10 s;" in body
    assert f"{site.limits.max_rows} rows" in body


def test_yasgui_as_installed_is_served(client: TestClient) -> None:
    """`make web`'s files themselves, by the server's static route."""
    if not editor.yasgui_installed():
        message = "YASGUI is not installed (make web: npm ci in web/, needs npm)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    script = client.get("/static/vendor/yasgui.min.js")
    assert script.status_code == 200
    assert "Yasgui" in script.text
    assert client.get("/static/vendor/yasgui.min.css").status_code == 200
    assert client.get("/static/editor.js").status_code == 200


def test_yasgui_is_never_committed() -> None:
    if not (REPOSITORY / ".git").exists():
        pytest.skip("not a git checkout (an installed package or an archive)")
    tracked = subprocess.run(
        ["git", "ls-files", "src/clusterkg/server/static/vendor", "web/node_modules"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert tracked == ""
    ignored = subprocess.run(
        ["git", "check-ignore", "src/clusterkg/server/static/vendor/yasgui.min.js"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
    )
    assert ignored.returncode == 0, "static/vendor/ must be git-ignored"


def test_the_lockfile_pins_yasgui_from_the_npm_registry() -> None:
    lock = json.loads((REPOSITORY / "web" / "package-lock.json").read_text())
    yasgui = lock["packages"]["node_modules/@zazuko/yasgui"]
    assert yasgui["version"] == "4.6.2"
    assert yasgui["license"] == "MIT"
    for name, package in lock["packages"].items():
        if name:
            # no tarball from elsewhere (npm may leave `resolved` out: the registry's, then)
            assert package.get("resolved", "https://registry.npmjs.org/").startswith(
                "https://registry.npmjs.org/"
            ), name
            assert package["integrity"].startswith("sha512-"), name
