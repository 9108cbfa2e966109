"""Funded projects, their funders and funding schemes: how they are made and how they are
written (projects.trig, and the funders and schemes in organisations.trig).

A project is led by a cluster (its coordinating organisation, if any, coordinates it) with
partner clusters of its sector or from anywhere in Europe; a few projects are very large.
Each project is one group, quoted from its factsheet; each funder and funding scheme one group
of the funding portal.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from functools import partial

from clusterkg.generate.model import (
    FUNDERS,
    PROJECTS_PER_CLUSTER,
    SCHEMES,
    Cluster,
    Dataset,
    Project,
)
from clusterkg.generate.names import (
    Namer,
    SlugMaker,
    enumerate_names,
    name_props,
    project_acronym,
    project_title,
)
from clusterkg.generate.sources import FUNDING_PORTAL
from clusterkg.generate.statements import Group
from clusterkg.output.turtle_writer import text, typed
from clusterkg.vocabulary import slugify

_AIMS = (
    "to encourage companies to merge into clusters",
    "to increase cluster maturity",
    "to promote international collaboration",
    "to develop joint innovations",
    "to support the export of member companies",
    "to train cluster managers",
    "to open new markets outside Europe",
    "to speed up the green transition of members",
    "to share research infrastructure",
    "to build cross-sector value chains",
)


def make_projects(
    data: Dataset, rng: random.Random, namer: Namer, slug: SlugMaker
) -> list[Project]:
    """Funded projects: a lead cluster, its partners in its sector or anywhere in Europe."""
    clusters = data.clusters
    by_sector: dict[str, list[Cluster]] = {}
    for cluster in clusters:
        by_sector.setdefault(cluster.sectors[0].slug, []).append(cluster)
    projects = []
    for _ in range(max(1, round(len(clusters) * PROJECTS_PER_CLUSTER))):
        lead = rng.choice(clusters)
        acronym = namer.unique("project-acronym", partial(project_acronym, rng)).replace(" ", "")
        sector = lead.sectors[0].noun
        title = namer.unique("project", partial(project_title, rng, sector), f"({acronym})")
        size = min(len(clusters), 1 + int(rng.paretovariate(1.6)))  # a few very large projects
        same_sector = by_sector[lead.sectors[0].slug]
        pool = same_sector if len(same_sector) > size and rng.random() < 0.6 else clusters
        others = [c for c in rng.sample(pool, min(len(pool), size)) if c is not lead]
        participants = [lead, *others[: size - 1]]
        owner = lead.coordinator
        coordinator = f"organisation:{owner.slug}" if owner else f"cluster:{lead.slug}"
        chosen = rng.sample(data.coordinators, min(len(data.coordinators), rng.randint(0, 2)))
        partners = [f"organisation:{c.slug}" for c in chosen]
        partners += [f"company:{rng.choice(data.companies).slug}" for _ in range(rng.randint(0, 2))]
        funder = rng.choice(FUNDERS)
        scheme = rng.choice(SCHEMES)
        start = (rng.randint(2012, 2023), rng.randint(1, 12))
        months = start[0] * 12 + start[1] - 1 + rng.randint(18, 48)
        project = Project(
            slug("project", acronym), title, acronym, coordinator,
            sorted(set(partners) - {coordinator}),
            [f"cluster:{c.slug}" for c in participants], [c.name for c in participants],
            f"funder:{slugify(funder[1])}", f"funding-scheme:{slugify(scheme)}",
            rng.sample(_AIMS, rng.randint(2, 4)), start, (months // 12, months % 12 + 1),
            f"{rng.lognormvariate(13.0, 0.8):.2f}",
        )  # fmt: skip
        projects.append(project)
    return projects


def project_groups(data: Dataset) -> Iterable[Group]:
    for p in data.projects:
        who = enumerate_names(p.participant_names)
        quote = f"{who} take part in the project {p.title} ({p.acronym})."
        props = [
            ("a", ["ck:Project"]),
            *name_props(p.title, p.acronym),
            ("ck:coordinator", [p.coordinator]),
            ("ck:partner", p.partners),
            ("ck:participant", p.participants),
            ("schema:funder", [p.funder]),
            ("ck:fundingProgramme", [p.scheme]),
            ("ck:aim", [text(aim) for aim in p.aims]),
            ("schema:startDate", [typed(f"{p.start[0]}-{p.start[1]:02d}", "gYearMonth")]),
            ("schema:endDate", [typed(f"{p.end[0]}-{p.end[1]:02d}", "gYearMonth")]),
            ("schema:amount", [p.amount]),
            ("schema:currency", [text("EUR", None)]),
        ]
        source = (f"source:{p.source}",)
        yield Group(f"project-{p.slug}", source, "stated", [(f"project:{p.slug}", props)], quote)


def funder_groups() -> Iterable[Group]:
    """The funders and the funding schemes, the same in every data set."""
    portal = (f"source:{FUNDING_PORTAL.slug}",)
    for name, acronym in FUNDERS:
        subject = f"funder:{slugify(acronym)}"
        props = [("a", ["ck:Funder"]), *name_props(name, acronym)]
        yield Group(f"funder-{slugify(acronym)}", portal, "stated", [(subject, props)])
    for name in SCHEMES:
        subject = f"funding-scheme:{slugify(name)}"
        props = [
            ("a", ["schema:FundingScheme"]),
            ("skos:prefLabel", [text(name)]),
            ("dcterms:description", [text(f"A funding measure for clusters: {name}.")]),
        ]
        yield Group(f"funding-scheme-{slugify(name)}", portal, "stated", [(subject, props)])
