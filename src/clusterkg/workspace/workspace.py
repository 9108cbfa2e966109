"""The workspace: its folder, its config file and the files it adds to the graph."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# The file that marks a workspace's root, as .git marks a repository's.
CONFIG_NAME = "clusterkg.toml"


@dataclass(frozen=True)
class WorkspaceConfig:
    """What `clusterkg.toml` says: the workspace's `name`, the `base` IRI under which things
    the team adds get their IRIs (imports mint `{base}cluster/{slug}` …), and whether the bundled
    Lithuanian facts are part of its graph (`bundled_facts`)."""

    name: str
    base: str
    bundled_facts: bool = True


@dataclass(frozen=True)
class Workspace:
    """A workspace at `root`, read from its config file."""

    root: Path
    config: WorkspaceConfig

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def data(self) -> Path:
        """The team's facts (TriG, Turtle, … any RDF file, recursively)."""
        return self.root / "data"

    @property
    def queries(self) -> Path:
        """The team's stored queries (`NAME.rq` with the `#+` header; expected results beside)."""
        return self.root / "queries"

    @property
    def shapes(self) -> Path:
        """The team's extra SHACL shapes, merged with the bundled ones."""
        return self.root / "shapes"

    @classmethod
    def read(cls, root: Path) -> Workspace:
        """The workspace whose config file is in `root` (InputError naming the file and line
        for a config that cannot be used)."""
        raise NotImplementedError  # the workspace helper


def find_workspace(start: Path) -> Workspace | None:
    """The workspace `start` is in: the nearest folder at or above it holding CONFIG_NAME, or
    None outside any workspace."""
    return None  # the workspace helper looks
