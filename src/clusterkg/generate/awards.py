"""ESCA label histories: how the awards are made and how they are written (awards.ttl).

About half of the clusters hold a label: bronze first, then every two years renewed or
upgraded to the next tier, never downgraded. Each award is quoted from the ESCA register of its
year.
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
from clusterkg.generate.names import label_props
from clusterkg.generate.namespaces import ESCA
from clusterkg.output.turtle_writer import Node, Props, text, typed

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")  # noqa: E501  # fmt: skip


def make_awards(clusters: list[Cluster], rng: random.Random) -> None:
    """Label histories: bronze first, renewed or upgraded every two years, never downgraded."""
    years = list(range(FIRST_LABEL_YEAR, LAST_YEAR + 1))
    year_weights = [1 + (y - FIRST_LABEL_YEAR) * 0.3 for y in years]
    for cluster in clusters:
        if rng.random() >= LABELLED_SHARE:
            continue
        year = max(weighted(rng, years, year_weights), cluster.founded + 1)
        tier = 0
        while year <= LAST_YEAR:
            award_slug = f"{cluster.slug}-{TIERS[tier]}-{year}"
            cluster.awards.append(Award(award_slug, cluster, tier, year, rng.randint(1, 12)))
            draw = rng.random()
            if draw < UPGRADE[tier]:
                tier += 1
            elif draw >= UPGRADE[tier] + RENEWAL:
                break
            year += 2  # bronze and silver are valid two years; the next benchmarking follows


def award_props(award: Award, register: int | None = None) -> Props:
    """An award as data/awards.ttl writes one; `register`: its source's year, if not its own."""
    tier = TIERS[award.tier].capitalize()
    name = f"{tier} Label {award.year}: {award.cluster.name}"
    month = _MONTHS[award.month - 1]
    quote = (
        f"ESCA awarded the {tier} Label of the European Cluster Excellence Initiative to "
        f"{award.cluster.name} in {month} {award.year}."
    )
    valid_from = f"{award.year}-{award.month:02d}"
    expires = f"{award.year + 2}-{award.month:02d}"  # bronze and silver: two years
    return [
        ("a", ["ck:LabelAward"]),
        *label_props(name),
        ("ck:awardedTo", [f"cluster:{award.cluster.slug}"]),
        ("ck:tier", [f"tier:{TIERS[award.tier]}"]),
        ("schema:issuedBy", [ESCA]),
        ("ck:awardYear", [typed(str(award.year), "gYear")]),
        ("schema:validFrom", [typed(valid_from, "gYearMonth")]),
        ("schema:expires", [typed(expires, "gYearMonth")] if award.tier < 2 else []),
        ("prov:value", [text(quote, None)]),
        ("ck:evidence", ["evidence:stated"]),
        ("prov:wasDerivedFrom", [f"source:esca-label-register-{register or award.year}"]),
    ]


def award_nodes(data: Dataset) -> Iterable[Node]:
    for cluster in data.clusters:
        for award in cluster.awards:
            yield f"award:{award.slug}", award_props(award)
