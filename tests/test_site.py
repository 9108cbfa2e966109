"""`clusterkg site -o DIR`: the pages as static files — what is written, that its links work as
files, that nothing points off the site, and that the folder is written atomically."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

import pytest
import rdflib
from cli_support import run_process

from clusterkg.errors import ClusterKGError
from clusterkg.inputs.bundle import bundled
from clusterkg.knowledge_graph import KnowledgeGraph
from clusterkg.queries.resolve import Resolver
from clusterkg.server import pages
from clusterkg.server.site import DEFAULT_BASE, InProcess, Site
from clusterkg.server.static_site import MARKER, write_site
from clusterkg.server.tasks import Reply, Served, Task

HOSTILE = Path(__file__).parent / "fixtures" / "pages" / "hostile-label.trig"
FETEK = "https://w3id.org/clusterkg/id/cluster/fetek"
SKOS = "http://www.w3.org/2004/02/skos/core#"
LINK = re.compile(r'\s(?:href|src|action)="([^"]*)"')
# forms post to the server's routes (search, a stored query's form): a static host cannot answer
FORM_ACTION = re.compile(r'\saction="(/[^"]*)"')


@pytest.fixture(scope="module")
def site() -> Site:
    kg = KnowledgeGraph.load([*bundled().data, HOSTILE], cache=None).with_closure()
    served = Served(kg.engine, kg.bundle, Resolver.of_build(kg.engine, None), DEFAULT_BASE)
    return Site(InProcess(served), kg.bundle)


@pytest.fixture(scope="module")
def written(site: Site, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "public"
    write_site(site, out)
    return out


def test_each_thing_is_written_as_html_turtle_and_json_ld(written: Path) -> None:
    page = (written / "id" / "cluster" / "fetek.html").read_text(encoding="utf-8")
    assert "<h1>FETEK</h1>" in page
    assert 'href="../organisation/protech.html"' in page  # its coordinator, by a relative link
    graph = rdflib.Graph().parse(written / "id" / "cluster" / "fetek.ttl", format="turtle")
    label = rdflib.Literal("FETEK", lang="en")
    assert (rdflib.URIRef(FETEK), rdflib.URIRef(SKOS + "prefLabel"), label) in graph
    document = json.loads((written / "id" / "cluster" / "fetek.jsonld").read_text("utf-8"))
    assert any(node["@id"] == "cluster:fetek" for node in document["@graph"])
    assert (written / "void.ttl").exists() and (written / "static" / "clusterkg.css").exists()
    assert (written / MARKER).exists()
    # an IRI with a dot in it keeps its own name
    assert (written / "id" / "cluster" / "dotted.ttl.html").exists()
    assert (written / "test" / "beside-id.html").exists()  # under the base, not under id/


def test_labels_are_escaped_in_the_files(written: Path) -> None:
    page = (written / "id" / "cluster" / "hostile-label.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page


def test_every_link_opens_a_written_file_and_none_leaves_the_site(written: Path) -> None:
    files = sorted(written.rglob("*.html"))
    assert len(files) > 100  # a glob that matched nothing would pass the checks below
    broken, outside = [], []
    for file in files:
        for target in LINK.findall(file.read_text(encoding="utf-8")):
            if re.match(r"(?:[a-z][a-z0-9+.-]*:)?//", target, re.IGNORECASE):
                outside.append((file.name, target))
                continue
            path = target.split("#", 1)[0]
            if target.startswith("/"):  # only a form's action, which needs a server
                assert target in FORM_ACTION.findall(file.read_text(encoding="utf-8")), (
                    file.name,
                    target,
                )
                assert target == "/search" or target.startswith("/queries/"), target
            elif path and not (file.parent / path).is_file():
                broken.append((str(file.relative_to(written)), target))
    assert not outside, outside[:5]
    assert not broken, broken[:5]


def test_a_folder_that_is_not_a_site_is_refused(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("precious", encoding="utf-8")
    with pytest.raises(ClusterKGError, match=MARKER):
        write_site(site, out)
    assert [p.name for p in out.iterdir()] == ["thesis.tex"]


def test_a_previous_site_is_replaced_whole(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "public"
    write_site(site, out, [_void_only])
    (out / "stale.html").write_text("from before", encoding="utf-8")
    write_site(site, out, [_void_only, pages.static_pages])
    assert not (out / "stale.html").exists()
    assert (out / "id" / "cluster" / "fetek.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]  # no temporary left


class _Fails:
    """A task that fails after the pages before it were written."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def run(self, served: Served) -> Reply:
        raise self.error


@pytest.mark.parametrize("error", [RuntimeError("disk on fire"), KeyboardInterrupt()])
def test_a_failure_midway_leaves_nothing(site: Site, tmp_path: Path, error: BaseException) -> None:
    def failing(site: Site) -> Iterable[tuple[str, Task]]:
        yield from _void_only(site)
        yield "/broken", _Fails(error)

    with pytest.raises(type(error)):
        write_site(site, tmp_path / "public", [failing])
    assert list(tmp_path.iterdir()) == []


def test_a_failure_keeps_the_previous_site(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "public"
    write_site(site, out, [_void_only])
    before = sorted(str(p.relative_to(out)) for p in out.rglob("*"))

    def failing(site: Site) -> Iterable[tuple[str, Task]]:
        yield "/broken", _Fails(RuntimeError("no"))

    with pytest.raises(RuntimeError):
        write_site(site, out, [failing])
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]


def test_the_command_writes_a_site_and_refuses_a_foreign_folder(tmp_path: Path) -> None:
    out = tmp_path / "public"
    done = run_process("--no-cache", "site", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "<h1>FETEK</h1>" in (out / "id" / "cluster" / "fetek.html").read_text("utf-8")
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    refused = run_process("--no-cache", "site", "-o", str(foreign))
    assert refused.returncode != 0
    assert "not a site clusterkg wrote" in refused.stderr and "Traceback" not in refused.stderr


def _void_only(site: Site) -> Iterable[tuple[str, Task]]:
    yield "/void.ttl", pages.VoidTask("ttl")
