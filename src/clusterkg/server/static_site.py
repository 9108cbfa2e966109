"""`clusterkg site -o DIR`: the server's pages as a folder of static files, for any web server.

Each face that has pages to publish offers `static_pages(site) -> Iterable[(path, Task)]`; the
same tasks the server runs are run here in this process (InProcess.run_now) and their replies
written as files:

- an HTML page at path P is written as P.html (`/` as index.html), any other reply at P itself
  (the faces name those with their suffix: /id/cluster/fetek.ttl);
- links between pages are rewritten relative (../organisation/protech.html), so the folder works
  from any sub-path of any host and from file://; a link to a page the folder does not hold
  (/sparql, /page?iri= of an IRI outside the base) loses its href and stays as text.

Why P.html and not P/index.html: a static host serves P.html without a redirect and without
any rule, the link names the file it opens, and a w3id.org redirect maps an IRI onto it by
appending the suffix the Accept header chooses (docs/serving.md). Directory-style
P/index.html needs a trailing-slash redirect from every host and breaks relative links.

Written atomically: into a temporary folder beside DIR, renamed onto DIR at the end. A failure
or an interruption (Ctrl-C, SIGTERM) removes the temporary folder and leaves DIR as it was. DIR
must be absent, empty, or a site written before (it holds MARKER); anything else is refused.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from urllib.parse import quote, unquote

from clusterkg.errors import ClusterKGError
from clusterkg.output.atomic import _sigterm_raises
from clusterkg.server.app import STATIC
from clusterkg.server.site import InProcess, Site
from clusterkg.server.tasks import Reply, Task

MARKER = ".clusterkg-site"
HTML_MEDIA = "text/html"
# The links and sources our own templates write: double-quoted, absolute paths.
_LINK = re.compile(r'(?P<attribute>\s(?:href|src))="(?P<target>/[^"]*)"')

PageSource = Callable[[Site], Iterable[tuple[str, Task]]]


def page_sources() -> list[PageSource]:
    """Each face's `static_pages`; a face without pages to publish is not listed. The things'
    pages last: a page another face offers (the ontology's) is that face's."""
    from clusterkg.server import home, ontology_page, pages, stored

    return [home.static_pages, stored.static_pages, ontology_page.static_pages, pages.static_pages]


def write_site(site: Site, out: Path, sources: Iterable[PageSource] | None = None) -> int:
    """Write every page the faces offer into `out`, atomically; the number of files written."""
    if not isinstance(site.runner, InProcess):
        raise TypeError("a static site runs its tasks in this process (InProcess)")
    runner = site.runner
    out = out.absolute()
    _refuse_to_overwrite(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with _sigterm_raises():
        scratch = Path(tempfile.mkdtemp(prefix=f".{out.name}.clusterkg-site-", dir=out.parent))
        try:
            written: set[str] = set()
            for source in sources if sources is not None else page_sources():
                for path, task in source(site):
                    # the first face to offer a page has it (the ontology face's /ontology, not
                    # the page of the ontology's IRI as a thing)
                    if path not in written and file_of(path, HTML_MEDIA) not in written:
                        written.add(_write(scratch, path, runner.run_now(task)))
            shutil.copytree(STATIC, scratch / "static")
            written |= {"/static/" + p.name for p in (scratch / "static").iterdir()}
            _relink(scratch, written)
            (scratch / MARKER).write_text("written by clusterkg site\n", encoding="utf-8")
            _replace(scratch, out)
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            raise
    return len(written)


def _refuse_to_overwrite(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ClusterKGError(f"{out} is a file, not a folder: give a folder for the site")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise ClusterKGError(
            f"{out} is not empty and is not a site clusterkg wrote (it has no {MARKER} file): "
            "its files would be lost; give a new or empty folder"
        )


def file_of(path: str, media_type: str) -> str:
    """The file a reply for `path` is written to (a site path, /-separated)."""
    if media_type.split(";")[0].strip() != HTML_MEDIA or path.endswith(".html"):
        return path
    return path + "index.html" if path.endswith("/") else path + ".html"


def _write(root: Path, path: str, reply: Reply) -> str:
    if reply.status != 200:
        raise ClusterKGError(f"the page {path} could not be written: its answer was {reply.status}")
    name = file_of(path, reply.media_type)
    target = _inside(root, name)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(reply.body)
    return name


def _inside(root: Path, name: str) -> Path:
    """The file for a site path, refused if the path would leave the folder (`..` in an IRI)."""
    parts = [unquote(p) for p in name.split("/") if p]
    if not parts or any(p in (".", "..") or os.sep in p for p in parts):
        raise ClusterKGError(f"the page path {name!r} cannot be a file of the site")
    return root.joinpath(*parts)


def _relink(root: Path, written: set[str]) -> None:
    """Every written HTML file's links made relative to it; links to nothing written dropped."""
    for name in sorted(n for n in written if n.endswith(".html")):
        file = _inside(root, name)
        text = file.read_text(encoding="utf-8")
        file.write_text(_LINK.sub(partial(_relinked, page=name, written=written), text), "utf-8")


def _relinked(match: re.Match[str], *, page: str, written: set[str]) -> str:
    target = match["target"].replace("&amp;", "&")
    path, hash_, fragment = target.partition("#")
    found = None if "?" in path else _written_as(unquote(path), written)
    if found is None:
        return ""  # a page the static site does not have: the link stays as text
    relative = posixpath.relpath(found, posixpath.dirname(page))
    return f'{match["attribute"]}="{quote(relative)}{hash_}{quote(fragment, safe="")}"'


def _written_as(path: str, written: set[str]) -> str | None:
    """The file a link to `path` opens in the static site, if it holds one."""
    for candidate in (path, file_of(path, HTML_MEDIA)):
        if candidate in written:
            return candidate
    return None


def _replace(scratch: Path, out: Path) -> None:
    """`scratch` renamed onto `out`; an earlier site there is moved aside first, then removed."""
    if not out.exists():
        scratch.rename(out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.clusterkg-old-", dir=out.parent))
    out.rename(old / "site")
    try:
        scratch.rename(out)
    except BaseException:
        (old / "site").rename(out)
        raise
    finally:
        shutil.rmtree(old, ignore_errors=True)
