"""Where the bundled ontology, reference data, facts and stored queries live.

In a wheel they are copied into `clusterkg/bundled/`; in a source checkout (editable install,
tests) they are read from the repository root, so there is one copy to edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clusterkg.errors import ClusterKGError

RDF_SUFFIXES = (".ttl", ".nt", ".nq", ".trig", ".jsonld", ".rdf", ".owl")


@dataclass(frozen=True)
class Bundle:
    """The files that make up the graph: always-loaded vocabulary plus replaceable facts."""

    root: Path

    @property
    def ontology(self) -> Path:
        return self.root / "ontology" / "clusterkg.ttl"

    @property
    def shapes(self) -> Path:
        return self.root / "ontology" / "shapes.ttl"

    @property
    def reference(self) -> list[Path]:
        return sorted((self.root / "ontology" / "reference").glob("*.ttl"))

    @property
    def data(self) -> list[Path]:
        return sorted((self.root / "data").glob("*.ttl"))

    @property
    def queries(self) -> Path:
        return self.root / "queries"

    def vocabulary(self) -> list[Path]:
        """Files loaded whatever the data: the ontology and the reference vocabularies."""
        return [self.ontology, *self.reference]


def bundled() -> Bundle:
    """The bundle shipped with the package (wheel) or the repository (source checkout)."""
    here = Path(__file__).resolve().parent
    for root in (here / "bundled", here.parents[1]):
        if (root / "ontology" / "clusterkg.ttl").is_file():
            return Bundle(root)
    raise ClusterKGError(
        f"the bundled ontology is missing (looked in {here / 'bundled'} and {here.parents[1]}); "
        "reinstall clusterkg"
    )


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given, folders as their RDF files (sorted, recursively)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in RDF_SUFFIXES and p.is_file())
            if not found:
                raise ClusterKGError(
                    f"{path}: folder holds no RDF files ({', '.join(RDF_SUFFIXES)})"
                )
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise ClusterKGError(f"{path}: no such file or folder")
    return files


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
