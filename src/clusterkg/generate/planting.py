"""Where the defects go: independent targets, the kinds of defect taken in turn.

Each kind lists its candidate targets, with the scopes a defect there claims (the whole label
history of a cluster for an award, else the node itself); a target whose scope is claimed
already is passed over, so no two defects meet on one history or one node and each produces
exactly one SHACL result. The candidates are shuffled by the seed's own stream, so planting
leaves the clean data as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from clusterkg.generate import GenerateError, defects
from clusterkg.generate.chance import stream
from clusterkg.generate.companies import membership_group_name, membership_subject
from clusterkg.generate.defects import Defect, MembershipTarget
from clusterkg.generate.model import Award, Cluster, Dataset

Candidate = tuple[tuple[str, ...], Any]  # the scopes a defect there claims, and its target
Candidates = Callable[[Dataset], list[Candidate]]
Planter = Callable[[Any], Defect]  # a target → the defect planted there


@dataclass(frozen=True)
class Kind:
    name: str
    candidates: Candidates
    plant: Planter


def _award_targets(select: Callable[[Cluster], Award | None]) -> Candidates:
    def candidates(data: Dataset) -> list[Candidate]:
        found: list[Candidate] = []
        for cluster in data.clusters:
            award = select(cluster) if cluster.awards else None
            if award is not None:
                found.append(((f"awards:{cluster.slug}",), award))
        return found

    return candidates


def _subjects(prefix: str, slugs: Callable[[Dataset], Iterable[str]]) -> Candidates:
    return lambda data: [((f"{prefix}:{s}",), f"{prefix}:{s}") for s in slugs(data)]


def _memberships(data: Dataset) -> list[Candidate]:
    """A few stated memberships of every cluster (inferred ones carry reasoning already)."""
    found: list[Candidate] = []
    for c, cluster in enumerate(data.clusters):
        other = data.clusters[(c + 1) % len(data.clusters)]
        other_subject = f"cluster:{other.slug}" if other is not cluster else None
        for i in cluster.members[:3]:
            if (i, c) not in data.inferred:
                company = data.companies[i]
                subject = membership_subject(company, cluster)
                group = membership_group_name(company, cluster)
                target = MembershipTarget(subject, group, other_subject)
                found.append(((subject,), target))
    return found


def _named_companies(data: Dataset) -> list[Candidate]:
    """The first 500 companies (candidates enough), as the companies themselves."""
    return [((f"company:{c.slug}",), c) for c in data.companies[:500]]


def _with_other_cluster(data: Dataset) -> list[Candidate]:
    return [(s, t) for s, t in _memberships(data) if t.other_cluster]


def _latest(cluster: Cluster) -> Award | None:
    return cluster.awards[-1]


def _first(cluster: Cluster) -> Award | None:
    return cluster.awards[0]


def _first_silver(cluster: Cluster) -> Award | None:
    return next((a for a in cluster.awards if a.tier == 1), None)


def _bronze_only(cluster: Cluster) -> Award | None:
    return cluster.awards[-1] if all(a.tier == 0 for a in cluster.awards) else None


_latest_awards = _award_targets(_latest)
_first_awards = _award_targets(_first)
_first_silvers = _award_targets(_first_silver)
_bronze_histories = _award_targets(_bronze_only)
_projects = _subjects("project", lambda data: [p.slug for p in data.projects])
_clusters = _subjects("cluster", lambda data: [c.slug for c in data.clusters])
# The first 500 companies are candidates enough, without shuffling a list of 150,000.
_companies = _subjects("company", lambda data: [c.slug for c in data.companies[:500]])
_posts = _subjects("post", lambda data: [p.slug for p in data.posts])
_people = _subjects("person", lambda data: [p.slug for p in data.people])
_coordinators = _subjects("organisation", lambda data: [o.slug for o in data.coordinators])
_profiles = _subjects("source", lambda data: [c.source for c in data.clusters])

# In this order, cycled: the first thirteen (the default) cover thirteen different constraints.
_TABLE: list[tuple[str, Candidates, Planter]] = [
    ("award-without-tier", _latest_awards, defects.award_without_tier),
    ("award-year-out-of-range", _first_awards, defects.award_year_out_of_range),
    ("budget-not-a-decimal", _projects, defects.budget_not_decimal),
    ("sector-not-a-sector", _clusters, defects.sector_not_sector),
    ("tier-goes-down-in-time", _first_silvers, defects.tier_goes_down),
    ("tier-skipped", _bronze_histories, defects.tier_skipped),
    ("issuer-not-a-labelling-body", _latest_awards, defects.issuer_not_labelling_body),
    ("evidence-not-a-level", _memberships, defects.evidence_not_level),
    ("name-without-english", _companies, defects.name_without_english),
    ("membership-of-two-clusters", _with_other_cluster, defects.membership_of_two),
    ("inferred-without-reasoning", _memberships, defects.inferred_without_reasoning),
    ("country-code-malformed", _clusters, defects.country_code_malformed),
    ("statement-without-a-source", _named_companies, defects.statement_without_source),
    ("award-dated-after-its-source", _latest_awards, defects.award_after_source),
    ("label-expires-before-valid", _first_awards, defects.expires_before_valid),
    ("project-ends-before-it-starts", _projects, defects.project_ends_before_start),
    ("membership-without-member", _memberships, defects.membership_without_member),
    ("post-without-role", _posts, defects.post_without_role),
    ("two-english-names", _people, defects.two_english_names),
    ("empty-alternative-name", _coordinators, defects.empty_alternative_name),
    ("source-without-title", _profiles, defects.source_without_title),
    ("funder-not-a-funder", _projects, defects.funder_not_funder),
]
KINDS: tuple[Kind, ...] = tuple(Kind(*row) for row in _TABLE)


def plant(data: Dataset, count: int, seed: int) -> list[Defect]:
    """`count` independent defects, cycling through KINDS; an error if the data is too small."""
    rng = stream(seed, "violations")
    pools = []
    for kind in KINDS:
        candidates = kind.candidates(data)
        rng.shuffle(candidates)
        pools.append(candidates)
    claimed: set[str] = set()
    planted: list[Defect] = []
    turn = idle = 0
    while len(planted) < count:
        pool = pools[turn % len(KINDS)]
        kind = KINDS[turn % len(KINDS)]
        turn += 1
        while pool and any(scope in claimed for scope in pool[-1][0]):
            pool.pop()
        if not pool:
            idle += 1
            if idle == len(KINDS):
                raise GenerateError(
                    f"cannot plant {count} independent violations in {len(data.clusters)} "
                    f"cluster(s) (room for {len(planted)}): generate more clusters or pass "
                    "fewer --violations"
                )
            continue
        idle = 0
        scopes, target = pool.pop()
        claimed.update(scopes)
        planted.append(kind.plant(target))
    return planted
