"""What the written files report: the reported figures (figures.trig), and the counts of
entities that MANIFEST.json lists.

Both are taken from the facts as written, planted defects included (an award without a tier
counts for no tier), so the manifest says what a query over the files finds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from clusterkg.generate.europe import COUNTRIES
from clusterkg.generate.model import FUNDERS, SCHEMES, TIERS, Dataset
from clusterkg.generate.names import label_props
from clusterkg.generate.statements import Group
from clusterkg.output.turtle_writer import Props


@dataclass
class Observed:
    """Facts as written, planted defects included: for the reported figures and the counts."""

    country_of: dict[str, str] = field(default_factory=dict)  # cluster → country term
    holders: dict[str, set[str]] = field(default_factory=dict)  # tier term → clusters
    awards: dict[str, int] = field(default_factory=dict)  # tier term → number of awards
    seen: set[str] = field(default_factory=set)  # awards counted (one may be in two groups)

    def cluster(self, subject: str, props: Props) -> None:
        for country in dict(props).get("ck:country", []):
            self.country_of[subject] = country

    def award(self, subject: str, props: Props) -> None:
        if subject in self.seen:
            return
        self.seen.add(subject)
        values = dict(props)
        for tier in values.get("ck:tier", []):
            self.awards[tier] = self.awards.get(tier, 0) + 1
            for cluster in values.get("ck:awardedTo", []):
                self.holders.setdefault(tier, set()).add(cluster)


_COUNTRY_BY_TERM = {f"country:{c.code}": c for c in COUNTRIES}


def figure_groups(observed: Observed, register: int | None) -> Iterable[Group]:
    """Per country, how many clusters hold a Bronze label, as the latest ESCA register says."""
    if register is None:
        return
    by_country: dict[str, list[str]] = {}
    for cluster in sorted(observed.holders.get("tier:bronze", set())):
        country = observed.country_of.get(cluster, "")
        if country in _COUNTRY_BY_TERM:
            by_country.setdefault(country, []).append(cluster)
    source = (f"source:esca-label-register-{register}",)
    for country, clusters in sorted(by_country.items()):
        name = _COUNTRY_BY_TERM[country].name
        label = f"{len(clusters)} clusters in {name} hold a Bronze Label"
        slug = f"bronze-clusters-{_COUNTRY_BY_TERM[country].code.lower()}"
        props: Props = [
            ("a", ["ck:ReportedFigure"]),
            *label_props(label),
            ("ck:reportedValue", [str(len(clusters))]),
            ("ck:about", [country, "tier:bronze", *clusters]),
        ]
        quote = f"Total of {len(clusters)} Bronze Labels in {name}"
        yield Group(f"figure-{slug}", source, "stated", [(f"figure:{slug}", props)], quote)


def counts(data: Dataset, observed: Observed, figures: int) -> dict[str, int]:
    """Entities written; the first names are those of the `statistics` stored query."""
    result = {
        "clusters": len(data.clusters),
        "companies": len(data.companies),
        "people": len(data.people),
        "memberships": data.membership_count,
        "projects": len(data.projects),
        "label awards": sum(len(c.awards) for c in data.clusters),
    }
    for tier in TIERS:
        result[f"{tier.capitalize()} awards"] = observed.awards.get(f"tier:{tier}", 0)
    for tier in TIERS:
        holders = observed.holders.get(f"tier:{tier}", set())
        result[f"clusters with a {tier.capitalize()} label"] = len(holders)
    result |= {
        "coordinating organisations": len(data.coordinators),
        "posts": len(data.posts),
        "funders": len(FUNDERS),
        "funding schemes": len(SCHEMES),
        "source documents": len(data.sources),
        "reported figures": figures,
    }
    return result
