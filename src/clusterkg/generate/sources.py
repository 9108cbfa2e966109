"""The source documents every fact is derived from: how they are made and how they are written
(sources.ttl).

One profile per cluster (its coordinator, team and member directory), one ESCA register per
year in which labels were awarded, one page of a European cluster directory per country with a
listed cluster, one factsheet per project, and one funding portal. The catalogue of sources is
not a fact of the data: it is written in the default graph, outside any statement group.
"""

from __future__ import annotations

from collections.abc import Iterable

from clusterkg.generate.europe import Country
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
    """The profiles, then the registers by year, the directory pages, the factsheets and the
    funding portal."""
    years = sorted({a.year for c in data.clusters for a in c.awards})
    listed = {c.directory: c.country for c in data.clusters if c.listed}
    return [
        *(_profile(c) for c in data.clusters),
        *(_register(year) for year in years),
        *(_directory(slug, country) for slug, country in sorted(listed.items())),
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


def _directory(slug: str, country: Country) -> Source:
    return Source(
        slug,
        f"European cluster directory: cluster organisations in {country.name}",
        "2024-10-01",
        None,
        f"Synthetic directory page listing cluster organisations of {country.name}: name, "
        "country, sectors and coordinator of each.",
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
                ("dcterms:publisher", [source.publisher] if source.publisher else []),
                ("dcterms:language", ["language:ENG"]),
            ],
        )
