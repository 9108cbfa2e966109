"""Creating a workspace (`clusterkg init DIR`): the folder with its config, README and one
example of each kind of file, built whole in a temporary sibling folder and then renamed into
place, so that an interrupted run leaves nothing half made and nothing is ever overwritten."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from clusterkg.errors import ClusterKGError
from clusterkg.workspace import templates
from clusterkg.workspace.config import check_base
from clusterkg.workspace.workspace import CONFIG_NAME

DEFAULT_BASE = "https://example.org/{slug}/id/"


@dataclass(frozen=True)
class Created:
    """What `create` made: the workspace's folder and its files, relative to it."""

    root: Path
    files: list[str]


def create(folder: Path, name: str | None, base: str | None, bundled_facts: bool) -> Created:
    """Make a workspace at `folder` (which must not exist, or be an empty folder) named `name`
    (default: the folder's name), its things' IRIs under `base` (default: an example.org IRI
    made from the name)."""
    _refuse_existing(folder)
    name = name or folder.absolute().name
    base = base or DEFAULT_BASE.format(slug=_slug(name))
    check_base(base, "--base")
    files = _contents(name, base, bundled_facts)
    parent = folder.absolute().parent
    if not parent.is_dir():
        raise ClusterKGError(f"{parent}: no such folder (make it first)")
    building = Path(tempfile.mkdtemp(prefix=f".{folder.name}.clusterkg-init-", dir=parent))
    try:
        for relative, text in files.items():
            path = building / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        building.chmod(0o777 & ~_umask())
        _move_into_place(building, folder)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return Created(folder, sorted(files))


def _contents(name: str, base: str, bundled_facts: bool) -> dict[str, str]:
    """Each file of a new workspace, by its path in it."""
    bundled_note = " and the bundled Lithuanian facts" if bundled_facts else ""
    return {
        CONFIG_NAME: templates.CONFIG.format(
            name_toml=json.dumps(name, ensure_ascii=False),  # a TOML basic string
            base=base,
            bundled=str(bundled_facts).lower(),
        ),
        "README.md": templates.README.format(name=name, bundled_note=bundled_note),
        ".gitignore": templates.GITIGNORE,
        "data/example.trig": templates.EXAMPLE_DATA.format(base=base),
        "queries/our-clusters.rq": templates.EXAMPLE_QUERY.format(base=base),
        "queries/our-clusters.expected.csv": templates.EXAMPLE_EXPECTED.format(base=base),
        "shapes/example.ttl": templates.EXAMPLE_SHAPE.format(base=base),
    }


def _refuse_existing(folder: Path) -> None:
    if (folder / CONFIG_NAME).exists():
        raise ClusterKGError(f"{folder}: already a workspace ({CONFIG_NAME} is there)")
    if folder.exists() and not folder.is_dir():
        raise ClusterKGError(f"{folder}: a file is there, not a folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise ClusterKGError(
            f"{folder}: the folder is not empty and not a workspace; "
            "give a new or empty folder (nothing is overwritten)"
        )


def _move_into_place(building: Path, folder: Path) -> None:
    """Rename the finished folder to `folder`: an empty folder there is replaced (rename
    refuses a non-empty one, so a folder filled meanwhile is never overwritten)."""
    try:
        os.rename(building, folder)
    except OSError as error:
        raise ClusterKGError(f"{folder}: cannot create the workspace: {error.strerror}") from None


def _slug(name: str) -> str:
    from clusterkg.vocabulary import slugify

    return slugify(name) or "workspace"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
