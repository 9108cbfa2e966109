"""The workspace: its folder, its config file and the files it adds to the graph."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clusterkg.errors import ClusterKGError, InputError

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
        from clusterkg.workspace.config import read_config

        config_file = root / CONFIG_NAME
        if not config_file.is_file():
            raise ClusterKGError(
                f"{root}: not a workspace (no {CONFIG_NAME}); `clusterkg init {root}` makes one"
            )
        table = read_config(shown(config_file.absolute()))
        config = WorkspaceConfig(
            name=table["name"], base=table["base"], bundled_facts=table.get("bundled-facts", True)
        )
        return cls(root.absolute(), config)

    def data_files(self) -> list[Path]:
        """The RDF files of data/ (none if it is missing or empty: a new team's graph may be
        the bundled one alone)."""
        from clusterkg.inputs.bundle import expand_paths

        if not self.data.is_dir():
            return []
        try:
            return [shown(path) for path in expand_paths([self.data])]
        except InputError:
            raise
        except ClusterKGError:  # a folder with no RDF file yet
            return []

    def shapes_files(self) -> list[Path]:
        """The Turtle files of shapes/, sorted."""
        if not self.shapes.is_dir():
            return []
        found = (p for p in self.shapes.rglob("*.ttl") if not p.name.startswith("."))
        return sorted(shown(path) for path in found)


def shown(path: Path) -> Path:
    """`path` relative to the current folder if it is under it: messages then read
    `data/x.trig:12`, as the team sees the file, not a path from the root of the disk."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def find_workspace(start: Path) -> Workspace | None:
    """The workspace `start` is in: the nearest folder at or above it holding CONFIG_NAME, or
    None outside any workspace."""
    start = start.absolute()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return Workspace.read(folder)
    return None
