"""Member companies and their memberships in clusters: how they are made and how they are
written (companies.trig, memberships.trig).

Cluster sizes are heavy-tailed; most companies belong to one cluster, some to two to four,
mostly clusters of their own country. A few memberships are inferred from a vague sentence of
the profile rather than read from its member directory.

Groups: the profile of a company's first cluster states the company; the profiles of its other
clusters name it too (its type and name, in a group of each). Each membership is a group of its
own, quoted from the line of the member directory (or, inferred, the vague sentence).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from functools import partial

from clusterkg.generate.chance import pick
from clusterkg.generate.model import (
    CLUSTER_SIZE_SIGMA,
    COMPANIES_PER_CLUSTER,
    DOMESTIC_SHARE,
    INFERRED_MEMBERSHIP_SHARE,
    LAST_YEAR,
    MIN_MEMBERS,
    MULTIPLICITY_WEIGHTS,
    Cluster,
    Company,
    Dataset,
)
from clusterkg.generate.names import Namer, SlugMaker, company_name
from clusterkg.generate.statements import Group
from clusterkg.output.turtle_writer import Props, text, typed
from clusterkg.vocabulary import ascii_fold


def make_companies(
    clusters: list[Cluster], rng: random.Random, namer: Namer, slug: SlugMaker
) -> list[Company]:
    """Companies and their memberships: heavy-tailed cluster sizes, most companies in one."""
    total = max(1, round(len(clusters) * COMPANIES_PER_CLUSTER))
    multiplicity = rng.choices((1, 2, 3, 4), weights=MULTIPLICITY_WEIGHTS, k=total)
    sizes = _cluster_sizes(rng, len(clusters), sum(multiplicity))
    slots = [c for c, size in enumerate(sizes) for _ in range(size)]
    rng.shuffle(slots)
    country_of = [c.country.code for c in clusters]
    companies: list[Company] = []
    position = 0
    for k in multiplicity:
        domestic = rng.random() < DOMESTIC_SHARE
        chosen = _deal(slots, position, k, country_of if domestic else None)
        position += k
        company = _make_company(rng, namer, slug, clusters[chosen[0]], chosen)
        for c in chosen:
            clusters[c].members.append(len(companies))
            joined = max(company.founded or 1990, clusters[c].founded)
            company.since.append(rng.randint(joined, LAST_YEAR))
        companies.append(company)
    return companies


def inferred_memberships(clusters: list[Cluster], rng: random.Random) -> set[tuple[int, int]]:
    """The (company, cluster) memberships read from a vague sentence rather than stated."""
    return {
        (i, c)
        for c, cluster in enumerate(clusters)
        for i in cluster.members
        if rng.random() < INFERRED_MEMBERSHIP_SHARE
    }


def _cluster_sizes(rng: random.Random, count: int, memberships: int) -> list[int]:
    """Sizes that sum to `memberships`: lognormal weights, MIN_MEMBERS each where possible.

    Scaling the weights to a fixed total keeps the number of triples close to the calibration
    even for a handful of clusters, where a raw lognormal draw would vary by half.
    """
    floor = min(MIN_MEMBERS, memberships // count)
    weights = [rng.lognormvariate(0.0, CLUSTER_SIZE_SIGMA) for _ in range(count)]
    spare = memberships - floor * count
    total = sum(weights)
    shares = [spare * w / total for w in weights]
    sizes = [floor + math.floor(s) for s in shares]
    by_remainder = sorted(range(count), key=lambda i: (math.floor(shares[i]) - shares[i], i))
    for i in by_remainder[: memberships - sum(sizes)]:
        sizes[i] += 1
    return sizes


def _deal(slots: list[int], position: int, k: int, country_of: list[str] | None) -> list[int]:
    """The clusters of one company: the next k slots of the shuffled cluster slots.

    A slot of a cluster the company already has is swapped with a later one (the sizes stay as
    drawn), preferring, when `country_of` is given, a cluster of the company's first country.
    A slot left without a fitting swap nearby is dropped.
    """
    chosen: list[int] = []
    end = min(len(slots), position + k + 200)
    for i in range(position, position + k):
        home = country_of[chosen[0]] if country_of is not None and chosen else None
        j = _fitting_slot(slots, i, end, chosen, home, country_of)
        if j is not None:
            slots[i], slots[j] = slots[j], slots[i]
            chosen.append(slots[i])
    return chosen


def _fitting_slot(
    slots: list[int],
    start: int,
    end: int,
    chosen: list[int],
    home: str | None,
    country_of: list[str] | None,
) -> int | None:
    if home is not None and country_of is not None:
        for j in range(start, end):
            if country_of[slots[j]] == home and slots[j] not in chosen:
                return j
    for j in range(start, end):
        if slots[j] not in chosen:
            return j
    return None


def _make_company(
    rng: random.Random, namer: Namer, slug: SlugMaker, home: Cluster, clusters: list[int]
) -> Company:
    propose = partial(company_name, rng, namer, home.country, home.sectors[0])
    name = namer.unique("company", propose)
    city = home.city if rng.random() < 0.5 else pick(rng, home.country.cities)
    founded = rng.randint(1950, 2022) if rng.random() < 0.5 else None  # often not stated
    return Company(slug("company", name), name, city, founded, clusters, [])


def company_groups(data: Dataset) -> Iterable[Group]:
    clusters = data.clusters
    for company in data.companies:
        folded = ascii_fold(company.name)
        founded = [typed(str(company.founded), "gYear")] if company.founded else []
        subject = f"company:{company.slug}"
        kind = ("a", ["ck:Company"])
        name = ("skos:prefLabel", [text(company.name)])
        props: Props = [
            kind,
            name,
            ("skos:altLabel", [text(folded)] if folded != company.name else []),
            ("schema:location", [text(company.city, None)]),
            ("schema:foundingDate", founded),
        ]
        home, *others = (clusters[c] for c in company.clusters)
        yield Group(f"company-{company.slug}", (f"source:{home.source}",), "stated",
                    [(subject, props)])  # fmt: skip
        for cluster in others:
            slug = f"company-{company.slug}--{cluster.slug}"
            yield Group(slug, (f"source:{cluster.source}",), "stated", [(subject, [kind, name])])


def membership_slug(company: Company, cluster: Cluster) -> str:
    """The slug of a company's membership in a cluster, and of the group that states it."""
    return f"{company.slug}--{cluster.slug}"


def membership_subject(company: Company, cluster: Cluster) -> str:
    """The CURIE of a company's membership in a cluster."""
    return f"membership:{membership_slug(company, cluster)}"


def membership_group_name(company: Company, cluster: Cluster) -> str:
    """The CURIE of the statement group that holds a company's membership in a cluster."""
    return f"statement:membership-{membership_slug(company, cluster)}"


def membership_groups(data: Dataset) -> Iterable[Group]:
    companies = data.companies
    for c, cluster in enumerate(data.clusters):
        source = (f"source:{cluster.source}",)
        for i in cluster.members:
            company = companies[i]
            since = company.since[company.clusters.index(c)]
            props: Props = [
                ("a", ["org:Membership"]),
                ("org:member", [f"company:{company.slug}"]),
                ("org:organization", [f"cluster:{cluster.slug}"]),
                ("org:role", ["role:member"]),
            ]
            nodes = [(membership_subject(company, cluster), props)]
            slug = f"membership-{membership_slug(company, cluster)}"
            if (i, c) in data.inferred:
                quote = f"{company.name} has worked closely with the {cluster.name} since {since}."
                reasoning = (
                    f"The profile of {cluster.name} names {company.name} among the companies it "
                    "works with rather than in its member directory; read as a membership."
                )
                yield Group(slug, source, "inferred", nodes, quote, reasoning)
            else:
                quote = f"{company.name}, {company.city} (member since {since})"
                yield Group(slug, source, "stated", nodes, quote)
