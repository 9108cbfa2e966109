"""`generate`, the entry point: a synthetic data set written into a folder, all or nothing.

The files are written into a temporary folder next to the target, then each is moved in with
one atomic rename, the manifest last; a folder is replaced only if a previous generate wrote
it (clusterkg.generate.manifest).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from clusterkg.generate import DEFAULT_SEED, DEFAULT_VIOLATIONS, GenerateError
from clusterkg.generate.figures import counts
from clusterkg.generate.manifest import MANIFEST, manifest_text, previous_files
from clusterkg.generate.planting import plant
from clusterkg.generate.world import build
from clusterkg.generate.writing import write_all
from clusterkg.progress import step


@dataclass(frozen=True)
class Result:
    directory: Path
    triples: int
    counts: dict[str, int]
    planted: int
    seconds: float

    def summary(self) -> str:
        """One line: `wrote 2,104,654 triples (1,500 clusters, …) to DIR in 9.8 s`."""
        c = self.counts
        things = [
            _count(c["clusters"], "cluster"),
            _count(c["companies"], "company", "companies"),
            _count(c["memberships"], "membership"),
            _count(c["label awards"], "label award"),
            _count(c["people"], "person", "people"),
            _count(c["projects"], "project"),
        ]
        planted = _count(self.planted, "planted violation")
        return (
            f"wrote {_count(self.triples, 'triple')} ({', '.join(things)}; {planted}) "
            f"to {self.directory} in {self.seconds:.1f} s"
        )


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def generate(
    output: Path,
    clusters: int,
    seed: int = DEFAULT_SEED,
    violations: int = DEFAULT_VIOLATIONS,
) -> Result:
    """Write a synthetic data set into the folder `output` (replacing an earlier one).

    The files are written into a temporary folder next to `output`, then renamed into it.
    """
    started = time.perf_counter()
    if clusters < 1:
        raise GenerateError(f"--clusters must be at least 1, not {clusters}")
    if violations < 0:
        raise GenerateError(f"--violations must be 0 or more, not {violations}")
    try:
        target = output.resolve()  # "." has no name to put a temporary folder next to
    except OSError as error:
        raise GenerateError(f"{output}: {error.strerror or error}") from None
    if not target.name:
        raise GenerateError(f"{output}: give a folder to write the data set into")
    previous = previous_files(output, target)
    with step(f"Generating {clusters:,} clusters (seed {seed})"):
        data = build(clusters, seed)
        defects = plant(data, violations, seed)
    settings = f"--clusters {clusters} --seed {seed} --violations {violations}"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.generate-", dir=target.parent))
    except OSError as error:
        raise GenerateError(f"{output}: cannot create: {error.strerror or error}") from None
    try:
        new = staging / "new"
        new.mkdir()
        files, observed = write_all(new, data, defects, settings)
        tally = counts(data, observed, figures=files[-1]["statement groups"])
        triples = sum(f["triples"] for f in files)
        chosen = {"seed": seed, "clusters": clusters, "violations": violations}
        manifest = manifest_text(chosen, triples, tally, files, defects)
        (new / MANIFEST).write_text(manifest, encoding="utf-8")
        _publish(new, target, previous)
    except OSError as error:
        raise GenerateError(f"{output}: cannot write: {error.strerror or error}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    seconds = time.perf_counter() - started
    return Result(output, triples, tally, len(defects), seconds)


def _publish(new: Path, target: Path, previous: list[str]) -> None:
    """Move the files written in `new` into `target`, each with one atomic rename.

    The folder itself is kept (a shell may be sitting in it); the manifest comes last, so that
    a folder whose manifest names a file always has it. Files of the previous generate that
    this one does not write are removed.
    """
    target.mkdir(exist_ok=True)
    names = sorted(p.name for p in new.iterdir() if p.name != MANIFEST)
    for name in names:
        os.replace(new / name, target / name)
    for name in sorted(set(previous) - set(names)):
        (target / name).unlink(missing_ok=True)
    os.replace(new / MANIFEST, target / MANIFEST)
