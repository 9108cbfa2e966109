"""The data files of a synthetic data set, written through clusterkg.output.turtle_writer.

One file per family of entities, in a fixed order, each subject as its family module describes
it; the planted defects change their nodes on the way out, and what is written about clusters
and awards is observed for the reported figures (figures.ttl, written last) and the counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from clusterkg.generate.awards import award_nodes
from clusterkg.generate.clusters import cluster_nodes, organisation_nodes
from clusterkg.generate.companies import company_nodes, membership_nodes
from clusterkg.generate.defects import Defect, Transform
from clusterkg.generate.figures import Observed, figure_nodes
from clusterkg.generate.manifest import GENERATOR, GENERATOR_VERSION, MANIFEST
from clusterkg.generate.model import Dataset
from clusterkg.generate.namespaces import NAMESPACES, SYNTHETIC
from clusterkg.generate.people import people_nodes
from clusterkg.generate.projects import project_nodes
from clusterkg.generate.sources import source_nodes
from clusterkg.output.turtle_writer import Node, Props, TurtleFile, file_header
from clusterkg.progress import Step, step


@dataclass(frozen=True)
class FileSpec:
    name: str
    holds: str
    nodes: Callable[[Dataset], Iterable[Node]]


FILES: tuple[FileSpec, ...] = (
    FileSpec(
        "sources.ttl",
        "the source documents (ck:SourceDocument) every fact is derived from: cluster profiles, "
        "yearly ESCA label registers, project factsheets and a funding portal",
        source_nodes,
    ),
    FileSpec(
        "organisations.ttl",
        "the organisations that coordinate clusters (associations, agencies, companies), the "
        "funders (ck:Funder) and the funding schemes",
        organisation_nodes,
    ),
    FileSpec(
        "clusters.ttl",
        "the cluster organisations (ck:Cluster): names, sectors, country, coordinator, founding",
        cluster_nodes,
    ),
    FileSpec("companies.ttl", "the member companies (ck:Company)", company_nodes),
    FileSpec(
        "memberships.ttl",
        "the memberships of companies in clusters (org:Membership), each quoted from the member "
        "directory of the cluster's profile",
        membership_nodes,
    ),
    FileSpec(
        "awards.ttl",
        "the ESCA label awards (ck:LabelAward): bronze first, then renewals or the next tier, "
        "two years apart, never a lower tier later",
        award_nodes,
    ),
    FileSpec(
        "people.ttl",
        "the people (foaf:Person) and their posts (org:Post): directors of coordinating "
        "organisations, cluster coordinators, heads of innovations",
        people_nodes,
    ),
    FileSpec(
        "projects.ttl",
        "the funded projects (ck:Project): coordinator, partners, participating clusters, funder, "
        "funding scheme, dates and budget",
        project_nodes,
    ),
)
FIGURES = "figures.ttl"
_FIGURES_HOLD = (
    "the figures the ESCA registers report (ck:ReportedFigure): per country, the clusters "
    "that hold a Bronze label"
)


def _header(name: str, holds: str, settings: str) -> str:
    about = (
        f"{name} — {holds}. SYNTHETIC data, not facts: written by `{GENERATOR} {settings}` "
        f"(generator {GENERATOR_VERSION}); see {MANIFEST}. The prefixes cluster:, company:, "
        f"person: and the like name the synthetic namespace {SYNTHETIC}; tier:, sector:, role: "
        "and evidence: name the reference vocabulary that clusterkg always loads."
    )
    return file_header(about, NAMESPACES)


def _write_file(
    path: Path,
    header: str,
    nodes: Iterable[Node],
    transforms: dict[str, Transform],
    observe: Callable[[str, Props], None] | None,
    progress: Callable[[int], None] | None,
) -> dict[str, Any]:
    out = TurtleFile(path, header, progress)
    try:
        for subject, props in nodes:
            change = transforms.get(subject)
            if change is not None:
                props = change(props)
            if observe is not None:
                observe(subject, props)
            out.write(subject, props)
    finally:
        info = out.close()
    return {"name": path.name, **info}


def write_all(
    folder: Path, data: Dataset, defects: list[Defect], settings: str
) -> tuple[list[dict[str, Any]], Observed]:
    """Write every file into `folder`; the file list (name, triples, bytes, sha256), and what
    was written about clusters and awards."""
    transforms = {d.focus: d.transform for d in defects}
    observed = Observed()
    observers: dict[str, Callable[[str, Props], None]] = {
        "clusters.ttl": observed.cluster,
        "awards.ttl": observed.award,
    }
    files: list[dict[str, Any]] = []
    total = data.subject_count
    with step(f"Writing {total:,} subjects") as progress:
        for spec in FILES:
            header = _header(spec.name, spec.holds, settings)
            written = sum(f["subjects"] for f in files)
            report = partial(_report, progress, written, total)
            observe = observers.get(spec.name)
            path = folder / spec.name
            files.append(_write_file(path, header, spec.nodes(data), transforms, observe, report))
    years = [a.year for c in data.clusters for a in c.awards]
    figures = figure_nodes(observed, max(years) if years else None)
    header = _header(FIGURES, _FIGURES_HOLD, settings)
    files.append(_write_file(folder / FIGURES, header, figures, {}, None, None))
    return files, observed


def _report(progress: Step, written: int, total: int, subjects: int) -> None:
    progress.update(written + subjects, total)
