"""Where the bundled ontology, reference data, facts and stored queries live.

In a wheel they are copied into `clusterkg/bundled/`; in a source checkout (editable install,
tests) they are read from the repository root, so there is one copy to edit.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from clusterkg.errors import ClusterKGError, InputError

if TYPE_CHECKING:
    from clusterkg.workspace import Workspace

RDF_SUFFIXES = (".ttl", ".nt", ".nq", ".trig", ".jsonld", ".rdf", ".owl")


@dataclass(frozen=True)
class Bundle:
    """The files that make up the graph: always-loaded vocabulary plus replaceable facts; in a
    workspace (with_workspace), the workspace's facts, stored queries and shapes too."""

    root: Path
    # What a workspace adds: its data files, whether the bundled facts stay in, its query
    # folder and its shapes files (see with_workspace).
    added_data: tuple[Path, ...] = ()
    bundled_facts: bool = True
    added_queries: tuple[Path, ...] = ()
    added_shapes: tuple[Path, ...] = ()

    def with_workspace(self, workspace: Workspace) -> Bundle:
        """This bundle with a workspace's data (after the bundled facts, or instead of them if
        its config says `bundled-facts = false`), its stored queries and its shapes."""
        return replace(
            self,
            added_data=tuple(workspace.data_files()),
            bundled_facts=workspace.config.bundled_facts,
            added_queries=(workspace.queries,) if workspace.queries.is_dir() else (),
            added_shapes=tuple(workspace.shapes_files()),
        )

    @property
    def ontology(self) -> Path:
        return self.root / "ontology" / "clusterkg.ttl"

    @property
    def shapes(self) -> Path:
        return self.root / "ontology" / "shapes.ttl"

    @property
    def reference(self) -> list[Path]:
        # Vocabularies in Turtle; ESCA's facts in TriG, in statement groups like all facts.
        folder = self.root / "ontology" / "reference"
        return sorted(p for p in folder.iterdir() if p.suffix.lower() in RDF_SUFFIXES)

    @property
    def data(self) -> list[Path]:
        """The facts loaded when no --data is given: the bundled facts (unless a workspace
        leaves them out), then a workspace's data."""
        facts = self.bundled_data if self.bundled_facts else []
        return [*facts, *self.added_data]

    @property
    def bundled_data(self) -> list[Path]:
        # Any RDF file: the bundled facts are TriG (a named graph per statement group).
        folder = self.root / "data"
        return sorted(p for p in folder.iterdir() if p.suffix.lower() in RDF_SUFFIXES)

    @property
    def queries(self) -> Path:
        """The bundled stored queries' folder."""
        return self.root / "queries"

    @property
    def query_folders(self) -> tuple[Path, ...]:
        """The folders of the stored queries: the bundled one, then a workspace's."""
        return (self.queries, *self.added_queries)

    @property
    def shapes_files(self) -> tuple[Path, ...]:
        """The shapes validation uses: the bundled shapes, then a workspace's."""
        return (self.shapes, *self.added_shapes)

    def vocabulary(self) -> list[Path]:
        """Files loaded whatever the data: the ontology and the reference vocabularies."""
        return [self.ontology, *self.reference]


def bundled() -> Bundle:
    """The bundle shipped with the package (wheel) or the repository (source checkout)."""
    package = Path(__file__).resolve().parents[1]  # src/clusterkg (this file is in inputs/)
    here, checkout = package, package.parents[1]
    for root in (here / "bundled", checkout):
        if (root / "ontology" / "clusterkg.ttl").is_file():
            return Bundle(root)
    raise ClusterKGError(
        f"the bundled ontology is missing (looked in {here / 'bundled'} and {checkout}); "
        "reinstall clusterkg"
    )


@dataclass
class Selection:
    """The files a list of paths names, and notes on what its folders held that is not read."""

    files: list[Path]
    notes: list[str]


# In a folder, a file is read if its suffix (any case: X.TTL) is one of RDF_SUFFIXES. Hidden
# entries (a name starting with ".": editor backups, .git) are skipped, and a note says how many;
# so are files of the suffixes that are RDF only sometimes (.json, .xml: configuration files as
# often as data), which are read when named. Other files (README.md, notes.txt) are skipped
# without a note: a data folder is expected to hold them, and a note on every run would be noise.
SOMETIMES_RDF = (".json", ".xml", ".turtle")
# A JSON-LD keyword used as a key: what makes a JSON document JSON-LD (searched as bytes).
_JSON_LD_KEY = re.compile(rb'"@(context|id|graph|type|value|list|set|reverse|included)"\s*:')


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given, folders as their RDF files (sorted, recursively)."""
    return select_files(paths).files


def select_files(paths: list[Path]) -> Selection:
    """Files as given (whatever their name: a file named is always read), folders as their RDF
    files, sorted, recursively; notes on the files of the folders left out, and why."""
    files: list[Path] = []
    notes: list[str] = []
    for path in paths:
        if path.is_dir():
            found, hidden, sometimes = _folder_files(path)
            if not found:
                raise ClusterKGError(
                    f"{path}: folder holds no RDF files ({', '.join(RDF_SUFFIXES)})"
                )
            for file in found:
                _refuse_plain_json(file)
            files.extend(found)
            notes += _skipped_notes(path, hidden, sometimes)
        elif path.is_file():
            _refuse_plain_json(path)
            files.append(path)
        else:
            raise ClusterKGError(f"{path}: no such file or folder")
    return Selection(files, notes)


def _folder_files(folder: Path) -> tuple[list[Path], list[Path], list[Path]]:
    """The RDF files of a folder; the hidden entries (files and folders, not looked into) and
    the files of SOMETIMES_RDF suffixes, left out."""
    found: list[Path] = []
    hidden: list[Path] = []
    sometimes: list[Path] = []
    seen: set[Path] = set()
    for root, folders, names in os.walk(folder, followlinks=True):
        here = Path(root)
        if here.resolve() in seen:  # a link back up the tree
            folders[:] = []
            continue
        seen.add(here.resolve())
        hidden += [here / name for name in folders if name.startswith(".")]
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in names:
            path = here / name
            suffix = path.suffix.lower()
            if name.startswith("."):
                hidden.append(path)
            elif suffix in RDF_SUFFIXES:
                found.append(path)
            elif suffix in SOMETIMES_RDF:
                sometimes.append(path)
    return sorted(p for p in found if p.is_file()), sorted(hidden), sorted(sometimes)


def _skipped_notes(folder: Path, hidden: list[Path], sometimes: list[Path]) -> list[str]:
    notes = []
    if hidden:
        notes.append(
            f"{folder}: {len(hidden)} hidden file(s) or folder(s) skipped ({_some(hidden)}): "
            "names starting with '.' are not read from folders; name a file to read it"
        )
    if sometimes:
        notes.append(
            f"{folder}: {len(sometimes)} file(s) skipped ({_some(sometimes)}): "
            f"{', '.join(SOMETIMES_RDF)} files are not read from folders (often not RDF); "
            "name a file to read it, or rename JSON-LD to .jsonld"
        )
    return notes


def _some(paths: list[Path]) -> str:
    shown = ", ".join(path.name for path in paths[:3])
    return shown + (", …" if len(paths) > 3 else "")


def _refuse_plain_json(path: Path) -> None:
    """A .json or .jsonld file with no JSON-LD keyword as a key is plain JSON (a configuration
    file given by mistake): read as JSON-LD it would give no triples, and no error."""
    if path.suffix.lower() not in (".json", ".jsonld"):
        return
    try:
        data = path.read_bytes()
    except OSError:
        return  # the loader says why it cannot be read
    if _JSON_LD_KEY.search(data) is None:
        raise InputError(
            path,
            "plain JSON, not JSON-LD: no @context, @id, @graph or other JSON-LD key; "
            "give JSON-LD or leave the file out",
        )


def unique_files(paths: list[Path]) -> list[Path]:
    """Each file once, at its first mention: a file given twice (twice by name, by two paths, or
    by its folder and by itself) would otherwise be loaded twice, and every blank node in it
    would be copied, duplicating the triples that use it."""
    seen: set[Path] = set()
    unique: list[Path] = []
    for path in paths:
        resolved = path.resolve()
        if resolved not in seen:
            seen.add(resolved)
            unique.append(path)
    return unique
