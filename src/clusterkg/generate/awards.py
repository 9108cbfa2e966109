"""ESCA label histories: how the awards are made and how they are written (awards.trig).

About half of the clusters hold a label: bronze first, then every two years renewed or
upgraded to the next tier, never downgraded. Each award is one group, quoted from the ESCA
register of its year. An award's IRI names the cluster, the tier and the year, so that earning
the same tier again is another award; a repeated name (never made today) gets -2, -3, …
A Bronze or Silver label is valid two years from its month (schema:validFrom,
schema:validThrough); how long Gold is valid no source says.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from clusterkg.generate.chance import weighted
from clusterkg.generate.model import (
    FIRST_LABEL_YEAR,
    LABELLED_SHARE,
    LAST_YEAR,
    RENEWAL,
    TIERS,
    UPGRADE,
    Award,
    Cluster,
    Dataset,
)
from clusterkg.generate.names import Slugs, label_props
from clusterkg.generate.namespaces import ESCA
from clusterkg.generate.statements import Group
from clusterkg.output.turtle_writer import Props, typed

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")  # noqa: E501  # fmt: skip


def make_awards(clusters: list[Cluster], rng: random.Random) -> None:
    """Label histories: bronze first, renewed or upgraded every two years, never downgraded."""
    years = list(range(FIRST_LABEL_YEAR, LAST_YEAR + 1))
    year_weights = [1 + (y - FIRST_LABEL_YEAR) * 0.3 for y in years]
    unique = Slugs()
    for cluster in clusters:
        if rng.random() >= LABELLED_SHARE:
            continue
        year = max(weighted(rng, years, year_weights), cluster.founded + 1)
        tier = 0
        while year <= LAST_YEAR:
            award_slug = unique("award", f"{cluster.slug}-{TIERS[tier]}-{year}")
            cluster.awards.append(Award(award_slug, cluster, tier, year, rng.randint(1, 12)))
            draw = rng.random()
            if draw < UPGRADE[tier]:
                tier += 1
            elif draw >= UPGRADE[tier] + RENEWAL:
                break
            year += 2  # bronze and silver are valid two years; the next benchmarking follows


def award_props(award: Award) -> Props:
    """An award as data/awards.trig writes one."""
    tier = TIERS[award.tier].capitalize()
    name = f"{tier} Label {award.year}: {award.cluster.name}"
    valid_from = f"{award.year}-{award.month:02d}"
    valid_through = f"{award.year + 2}-{award.month:02d}"  # bronze and silver: two years
    return [
        ("a", ["ck:LabelAward"]),
        *label_props(name),
        ("ck:awardedTo", [f"cluster:{award.cluster.slug}"]),
        ("ck:tier", [f"tier:{TIERS[award.tier]}"]),
        ("schema:issuedBy", [ESCA]),
        ("ck:awardYear", [typed(str(award.year), "gYear")]),
        ("schema:validFrom", [typed(valid_from, "gYearMonth")]),
        ("schema:validThrough", [typed(valid_through, "gYearMonth")] if award.tier < 2 else []),
    ]


def award_quote(award: Award) -> str:
    """The sentence of the ESCA register that states the award."""
    tier = TIERS[award.tier].capitalize()
    return (
        f"ESCA awarded the {tier} Label of the European Cluster Excellence Initiative to "
        f"{award.cluster.name} in {_MONTHS[award.month - 1]} {award.year}."
    )


def award_groups(data: Dataset) -> Iterable[Group]:
    for cluster in data.clusters:
        for award in cluster.awards:
            source = (f"source:esca-label-register-{award.year}",)
            nodes = [(f"award:{award.slug}", award_props(award))]
            yield Group(f"award-{award.slug}", source, "stated", nodes, award_quote(award))
