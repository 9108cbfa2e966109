"""The source documents every fact is derived from: how they are made and how they are written
(sources.ttl).

One profile per cluster (its coordinator, team and member directory), one ESCA register per
year in which labels were awarded, one factsheet per project, and one funding portal.
"""

from __future__ import annotations

from collections.abc import Iterable

from clusterkg.generate.model import Cluster, Dataset, Project, Source
from clusterkg.generate.namespaces import ESCA
from clusterkg.output.turtle_writer import Node, text, typed

FUNDING_PORTAL = Source(
    "funding-portal",
    "European funding programmes and measures for clusters",
    "2024-06-30",
    "funder:erdf",
    "Synthetic portal describing the funds and funding measures of the generated projects.",
)


def make_sources(data: Dataset) -> list[Source]:
    """The profiles, then the registers by year, the factsheets and the funding portal."""
    years = sorted({a.year for c in data.clusters for a in c.awards})
    return [
        *(_profile(c) for c in data.clusters),
        *(_register(year) for year in years),
        *(_factsheet(p) for p in data.projects),
        FUNDING_PORTAL,
    ]


def _profile(cluster: Cluster) -> Source:
    org = cluster.coordinator
    return Source(
        cluster.source,
        f"{cluster.name}: cluster profile and member directory",
        "2024-12-15",
        f"organisation:{org.slug}" if org else f"cluster:{cluster.slug}",
        f"Synthetic profile of {cluster.name}: sector, coordinator, team and member directory.",
    )


def _register(year: int) -> Source:
    return Source(
        f"esca-label-register-{year}",
        f"ESCA register of the cluster management excellence labels awarded in {year}",
        f"{year}-12-31",
        ESCA,
        f"Synthetic register of the Bronze, Silver and Gold labels that ESCA awarded in {year}.",
    )


def _factsheet(project: Project) -> Source:
    return Source(
        project.source,
        f"Project factsheet: {project.title} ({project.acronym})",
        f"{project.start[0]}-{project.start[1]:02d}-01",
        project.coordinator,
        f"Synthetic factsheet of {project.acronym}: partners, participants, funding and budget.",
    )


def source_nodes(data: Dataset) -> Iterable[Node]:
    for source in data.sources:
        yield (
            f"source:{source.slug}",
            [
                ("a", ["ck:SourceDocument"]),
                ("dcterms:title", [text(source.title)]),
                ("skos:prefLabel", [text(source.title)]),
                ("dcterms:description", [text(source.description)]),
                ("dcterms:issued", [typed(source.issued, "date")]),
                ("dcterms:publisher", [source.publisher]),
                ("dcterms:language", ["language:ENG"]),
            ],
        )
