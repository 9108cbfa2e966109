"""MANIFEST.json: what a generate wrote (settings, files with their sizes and hashes, counts,
planted violations), and the check, from a previous manifest, that a folder may be replaced.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from clusterkg.generate import GenerateError
from clusterkg.generate.defects import Defect

GENERATOR = "clusterkg generate"
GENERATOR_VERSION = "2.0.0"
MANIFEST = "MANIFEST.json"


def manifest_text(
    settings: dict[str, int],
    triples: int,
    counts: dict[str, int],
    files: list[dict[str, Any]],
    defects: list[Defect],
) -> str:
    """The manifest; `settings`: seed, clusters and violations, in that order."""
    document = {
        "generator": GENERATOR,
        "generator_version": GENERATOR_VERSION,
        **settings,
        "triples": triples,
        "counts": counts,
        "files": files,
        "planted_violations": [d.manifest() for d in defects],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def previous_files(output: Path, target: Path) -> list[str]:
    """Refuse a file, or a non-empty folder that a previous generate did not write; the files
    of the previous generate, if any."""
    if target.exists() and not target.is_dir():
        raise GenerateError(f"{output}: is a file; give a folder to write the data set into")
    if not target.is_dir():
        return []
    entries = sorted(p.name for p in target.iterdir())
    if not entries:
        return []
    refuse = f"{output}: folder is not empty and was not written by {GENERATOR}"
    try:
        previous = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise GenerateError(f"{refuse} (no {MANIFEST}); choose an empty or new folder") from None
    if not isinstance(previous, dict) or previous.get("generator") != GENERATOR:
        raise GenerateError(f"{refuse} (its {MANIFEST} is not ours); choose another folder")
    listed = {f.get("name") for f in previous.get("files", []) if isinstance(f, dict)}
    extra = [e for e in entries if e not in listed | {MANIFEST}]
    if extra:
        raise GenerateError(
            f"{output}: holds {extra[0]}, which {GENERATOR} did not write; refusing to replace "
            "the folder (move that file or choose another folder)"
        )
    return [e for e in entries if e != MANIFEST]
