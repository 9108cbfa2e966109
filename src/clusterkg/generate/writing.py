"""The data files of a synthetic data set, written through clusterkg.output.turtle_writer.

One file per family of entities, in a fixed order: the catalogue of sources as Turtle, every
other family as TriG, one statement group after another (its named graph, then its description
in the default graph), as its family module makes them. The planted defects change their nodes
on the way out, wherever a group writes them (or add a statement outside every group), and what
is written about clusters and awards is observed for the reported figures (figures.trig,
written last) and the counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from clusterkg.generate.awards import award_groups
from clusterkg.generate.clusters import cluster_groups, organisation_groups
from clusterkg.generate.companies import company_groups, membership_groups
from clusterkg.generate.defects import Defect
from clusterkg.generate.figures import Observed, figure_groups
from clusterkg.generate.manifest import GENERATOR, GENERATOR_VERSION, MANIFEST
from clusterkg.generate.model import Dataset
from clusterkg.generate.namespaces import NAMESPACES, SYNTHETIC
from clusterkg.generate.people import people_groups
from clusterkg.generate.projects import project_groups
from clusterkg.generate.sources import source_nodes
from clusterkg.generate.statements import Group, description
from clusterkg.output.turtle_writer import Node, Props, TurtleFile, file_header
from clusterkg.progress import Step, step


@dataclass(frozen=True)
class FileSpec:
    name: str
    holds: str
    items: Callable[[Dataset], Iterable[Group | Node]]


FILES: tuple[FileSpec, ...] = (
    FileSpec(
        "sources.ttl",
        "the source documents (ck:SourceDocument) every fact is derived from: cluster profiles, "
        "yearly ESCA label registers, project factsheets and a funding portal",
        source_nodes,
    ),
    FileSpec(
        "organisations.trig",
        "the organisations that coordinate clusters (associations, agencies, companies), the "
        "funders (ck:Funder) and the funding schemes",
        organisation_groups,
    ),
    FileSpec(
        "clusters.trig",
        "the cluster organisations (ck:Cluster): names, sectors, country, coordinator, founding",
        cluster_groups,
    ),
    FileSpec("companies.trig", "the member companies (ck:Company)", company_groups),
    FileSpec(
        "memberships.trig",
        "the memberships of companies in clusters (org:Membership), each quoted from the member "
        "directory of the cluster's profile",
        membership_groups,
    ),
    FileSpec(
        "awards.trig",
        "the ESCA label awards (ck:LabelAward): bronze first, then renewals or the next tier, "
        "two years apart, never a lower tier later",
        award_groups,
    ),
    FileSpec(
        "people.trig",
        "the people (foaf:Person) and their posts (org:Post): directors of coordinating "
        "organisations, cluster coordinators, heads of innovations",
        people_groups,
    ),
    FileSpec(
        "projects.trig",
        "the funded projects (ck:Project): coordinator, partners, participating clusters, funder, "
        "funding scheme, dates and budget",
        project_groups,
    ),
)
FIGURES = "figures.trig"
_FIGURES_HOLD = (
    "the figures the ESCA registers report (ck:ReportedFigure): per country, the clusters "
    "that hold a Bronze label"
)


def _header(name: str, holds: str, settings: str) -> str:
    about = (
        f"{name} — {holds}. SYNTHETIC data, not facts: written by `{GENERATOR} {settings}` "
        f"(generator {GENERATOR_VERSION}); see {MANIFEST}. The prefixes cluster:, company:, "
        f"person: and the like name the synthetic namespace {SYNTHETIC}; tier:, sector:, role: "
        "and evidence: name the reference vocabulary that clusterkg always loads. Every fact is "
        "in a statement group (docs/model.md): a named graph statement:…, described after it "
        "by its sources, evidence level and quote."
    )
    return file_header(about, NAMESPACES)


class _Planted:
    """The defects, by the subject they change; each statement outside groups written once."""

    def __init__(self, defects: list[Defect]) -> None:
        self.by_focus = {d.focus: d for d in defects}
        self.outside_written: set[str] = set()

    def node(self, subject: str, props: Props) -> Props:
        defect = self.by_focus.get(subject)
        return props if defect is None else defect.transform(props)

    def outside(self, nodes: list[Node]) -> list[Node]:
        """The statements outside groups about `nodes`' subjects, not written yet."""
        found = []
        for subject, _props in nodes:
            defect = self.by_focus.get(subject)
            if defect is not None and defect.outside and subject not in self.outside_written:
                self.outside_written.add(subject)
                found.append((subject, defect.outside))
        return found


def _write_file(
    path: Path,
    header: str,
    items: Iterable[Group | Node],
    planted: _Planted,
    observe: Callable[[str, Props], None] | None,
    progress: Callable[[int], None] | None,
) -> dict[str, Any]:
    out = TurtleFile(path, header, progress)
    groups = 0
    try:
        for item in items:
            if isinstance(item, Group):
                nodes = [(s, planted.node(s, props)) for s, props in item.nodes]
                if observe is not None:
                    for subject, props in nodes:
                        observe(subject, props)
                out.write_graph(item.name, nodes)
                for subject, props in [*description(item), *planted.outside(nodes)]:
                    out.write(subject, planted.node(subject, props))
                groups += 1
            else:
                subject, props = item
                out.write(subject, planted.node(subject, props))
    finally:
        info = out.close()
    return {"name": path.name, **info, "statement groups": groups}


def write_all(
    folder: Path, data: Dataset, defects: list[Defect], settings: str
) -> tuple[list[dict[str, Any]], Observed]:
    """Write every file into `folder`; the file list (name, triples, bytes, sha256), and what
    was written about clusters and awards."""
    planted = _Planted(defects)
    observed = Observed()
    observers: dict[str, Callable[[str, Props], None]] = {
        "clusters.trig": observed.cluster,
        "awards.trig": observed.award,
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
            files.append(_write_file(path, header, spec.items(data), planted, observe, report))
    years = [a.year for c in data.clusters for a in c.awards]
    figures = figure_groups(observed, max(years) if years else None)
    header = _header(FIGURES, _FIGURES_HOLD, settings)
    files.append(_write_file(folder / FIGURES, header, figures, _Planted([]), None, None))
    return files, observed


def _report(progress: Step, written: int, total: int, subjects: int) -> None:
    progress.update(written + subjects, total)
