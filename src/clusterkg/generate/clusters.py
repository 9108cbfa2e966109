"""Cluster organisations and the organisations that coordinate them: how they are made and
how they are written (clusters.trig, and the coordinators in organisations.trig).

Clusters are spread over countries and sectors by weight; most have a coordinating
organisation, which now and then coordinates several clusters of its country. A cluster's facts
are stated by its profile; a European cluster directory confirms the name, country, sectors and
coordinator of some (the same triples in a second group). A coordinator is stated by the profile
of the first cluster it coordinates; the profiles of its other clusters name it too.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from functools import partial

from clusterkg.generate.chance import weighted
from clusterkg.generate.europe import COUNTRIES, SECTORS, Country, Sector
from clusterkg.generate.model import LISTED_SHARE, Cluster, Coordinator, Dataset
from clusterkg.generate.names import (
    Namer,
    SlugMaker,
    acronym,
    cluster_name,
    coordinator_name,
    enumerate_names,
    name_props,
)
from clusterkg.generate.projects import funder_groups
from clusterkg.generate.statements import Group
from clusterkg.output.turtle_writer import Props, text, typed


def make_clusters(
    count: int, rng: random.Random, namer: Namer, slug: SlugMaker, coordinators: list[Coordinator]
) -> list[Cluster]:
    """`count` clusters; the coordinators made on the way are appended to `coordinators`."""
    country_weights = [c.weight for c in COUNTRIES]
    sector_weights = [s.weight for s in SECTORS]
    by_country: dict[str, list[Coordinator]] = {}
    result = []
    for _ in range(count):
        country: Country = weighted(rng, COUNTRIES, country_weights)
        sectors: list[Sector] = [weighted(rng, SECTORS, sector_weights)]
        if rng.random() < 0.15:  # some clusters span two sectors
            second = weighted(rng, SECTORS, sector_weights)
            if second is not sectors[0]:
                sectors.append(second)
        city = rng.choice(country.cities)
        word = rng.choice(sectors[0].cluster_words)
        propose = partial(cluster_name, rng, namer, country, city, word)
        name = namer.unique("cluster", propose, f"({country.name})")
        short = acronym(name) if rng.random() < 0.45 else None
        founded = rng.randint(1995, 2021)
        cluster_slug = slug("cluster", name)
        cluster = Cluster(cluster_slug, name, short, country, city, sectors, founded, None)
        if rng.random() < 0.85:
            pool = by_country.setdefault(country.code, [])
            if pool and rng.random() < 0.2:  # one association managing several clusters
                cluster.coordinator = rng.choice(pool)
            else:
                cluster.coordinator = _make_coordinator(rng, namer, slug, cluster)
                pool.append(cluster.coordinator)
                coordinators.append(cluster.coordinator)
            cluster.coordinator.clusters.append(cluster)
        result.append(cluster)
    return result


def _make_coordinator(
    rng: random.Random, namer: Namer, slug: SlugMaker, cluster: Cluster
) -> Coordinator:
    country = cluster.country
    city = rng.choice(country.cities)
    public = rng.random() < 0.15
    word = rng.choice(cluster.sectors[0].cluster_words)
    propose = partial(coordinator_name, rng, namer, country, city, word, public)
    name = namer.unique("coordinator", propose, f"({city})")
    short = acronym(name) if rng.random() < 0.5 else None
    founded = rng.randint(1985, cluster.founded)
    return Coordinator(slug("organisation", name), name, short, country, public, city, founded)


def list_in_directory(clusters: list[Cluster], rng: random.Random) -> None:
    """Mark the clusters that a European cluster directory lists too."""
    for cluster in clusters:
        cluster.listed = rng.random() < LISTED_SHARE


def cluster_groups(data: Dataset) -> Iterable[Group]:
    """Per cluster, what its profile states; for a listed one, what the directory confirms."""
    for c in data.clusters:
        managed = f", coordinated by {c.coordinator.name}" if c.coordinator else ""
        where = f"{c.city}, {c.country.name}"
        description = f"A {c.sectors[0].noun} cluster in {where}{managed}, founded in {c.founded}."
        subject = f"cluster:{c.slug}"
        listed: Props = [
            ("a", ["ck:Cluster"]),
            ("skos:prefLabel", [text(c.name)]),
            ("ck:sector", [f"sector:{s.slug}" for s in c.sectors]),
            ("ck:coordinator", [f"organisation:{c.coordinator.slug}"] if c.coordinator else []),
            ("ck:country", [f"country:{c.country.code}"]),
        ]
        stated: Props = [
            *listed[:1],
            *name_props(c.name, c.acronym),
            ("dcterms:description", [text(description)]),
            *listed[2:],
            ("schema:location", [text(c.city, None)]),
            ("schema:foundingDate", [typed(str(c.founded), "gYear")]),
        ]
        yield Group(f"cluster-{c.slug}", (f"source:{c.source}",), "stated", [(subject, stated)])
        if c.listed:
            sources = (f"source:{c.directory}",)
            yield Group(f"cluster-{c.slug}-listed", sources, "confirmed", [(subject, listed)])


def organisation_groups(data: Dataset) -> Iterable[Group]:
    """The coordinating organisations, then the funders and funding schemes."""
    for org in data.coordinators:
        names = enumerate_names([c.name for c in org.clusters])
        subject = f"organisation:{org.slug}"
        kind = ("a", ["ck:Agency" if org.public else "org:FormalOrganization"])
        props: Props = [
            kind,
            *name_props(org.name, org.acronym),
            ("dcterms:description", [text(f"Coordinates {names}.")]),
            ("schema:location", [text(org.city, None)]),
            ("schema:foundingDate", [typed(str(org.founded), "gYear")]),
        ]
        first, *others = org.clusters
        yield Group(f"organisation-{org.slug}", (f"source:{first.source}",), "stated",
                    [(subject, props)])  # fmt: skip
        for cluster in others:  # each profile names its coordinator
            named: Props = [kind, ("skos:prefLabel", [text(org.name)])]
            slug = f"organisation-{org.slug}--{cluster.slug}"
            yield Group(slug, (f"source:{cluster.source}",), "stated", [(subject, named)])
    yield from funder_groups()
