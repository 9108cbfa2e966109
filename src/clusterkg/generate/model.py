"""The synthetic world: which entities it holds, how many of each, and how they relate.

The calibration says how much of everything a number of clusters brings; the dataclasses are
the entities as made (by the family modules), before they are written. Entities refer to each
other by slug, by index into Dataset.companies, or by the Turtle term they are written as.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from clusterkg.generate.europe import Country, Sector

# Calibration: statements written per cluster on average, measured over seeds at 3-800 clusters:
# the facts in their statement groups and the groups' descriptions (with the quotes, about 60 %
# of all; 2 % of the facts are written in two groups). Issue 3 asked for ~1,500 clusters ≈
# 2 million triples before the facts had statement-level provenance; now ~820 clusters are.
TRIPLES_PER_CLUSTER = 2440
COMPANIES_PER_CLUSTER = 100
# Share of companies that are members of 1, 2, 3 or 4 clusters.
MULTIPLICITY_WEIGHTS = (0.86, 0.09, 0.035, 0.015)
MIN_MEMBERS = 5
DOMESTIC_SHARE = 0.75  # companies in several clusters: mostly clusters of their own country
CLUSTER_SIZE_SIGMA = 1.0  # lognormal spread of cluster sizes: many small, a few very large
LABELLED_SHARE = 0.55
FIRST_LABEL_YEAR, LAST_YEAR = 2012, 2024  # ESCA was set up in November 2010
PROJECTS_PER_CLUSTER = 0.3
INFERRED_MEMBERSHIP_SHARE = 0.02
LISTED_SHARE = 0.3  # clusters that a European cluster directory lists too (a second source)
HEAD_OF_INNOVATIONS_SHARE = 0.012

TIERS = ("bronze", "silver", "gold")
UPGRADE = (0.35, 0.3, 0.0)  # chance that the next award of a tier is the next tier up
RENEWAL = 0.35  # chance that a label is renewed at the same tier when it expires

# The funders (name, acronym) and funding schemes that every data set names.
FUNDERS = (
    ("European Regional Development Fund", "ERDF"),
    ("Horizon Europe", "HE"),
    ("Interreg Europe", "IE"),
    ("Single Market Programme", "SMP"),
    ("Digital Europe Programme", "DEP"),
    ("European Social Fund Plus", "ESF+"),
    ("European Agricultural Fund for Rural Development", "EAFRD"),
    ("LIFE Programme", "LIFE"),
)
SCHEMES = (
    "Cluster Excellence Programme",
    "Innovation Networking Measure",
    "Cross-Border Cluster Partnerships",
    "SME Internationalisation Scheme",
    "Green Transition Vouchers",
    "Digital Innovation Hubs Call",
    "Regional Smart Specialisation Measure",
    "Skills Partnership Call",
)


def clusters_for_triples(target: int) -> int:
    """The --clusters value that writes about `target` triples (at least one cluster)."""
    return max(1, round(target / TRIPLES_PER_CLUSTER))


@dataclass
class Cluster:
    slug: str
    name: str
    acronym: str | None
    country: Country
    city: str
    sectors: list[Sector]
    founded: int
    coordinator: Coordinator | None
    awards: list[Award] = field(default_factory=list)
    members: list[int] = field(default_factory=list)  # indices into Dataset.companies
    listed: bool = False  # a European cluster directory lists it too

    @property
    def source(self) -> str:
        """The cluster's profile, which lists its members and names its coordinator."""
        return f"profile-{self.slug}"

    @property
    def directory(self) -> str:
        """The page of the European cluster directory that lists the clusters of its country."""
        return f"cluster-directory-{self.country.code.lower()}"


@dataclass
class Coordinator:
    """An organisation that coordinates (manages) one or more clusters."""

    slug: str
    name: str
    acronym: str | None
    country: Country
    public: bool  # a public agency (ck:Agency) rather than an association or company
    city: str
    founded: int
    clusters: list[Cluster] = field(default_factory=list)  # those it coordinates

    @property
    def source(self) -> str:
        """The profile of the first cluster it coordinates, which names its director."""
        return self.clusters[0].source


@dataclass(frozen=True)
class Award:
    slug: str
    cluster: Cluster
    tier: int  # index into TIERS
    year: int
    month: int


@dataclass(slots=True)
class Company:
    slug: str
    name: str
    city: str
    founded: int | None
    clusters: list[int]  # indices of its clusters; the first is the one it comes from
    since: list[int]  # the year it joined each of them


@dataclass
class Person:
    slug: str
    name: str
    sources: list[str]
    posts: list[str] = field(default_factory=list)
    heads: list[str] = field(default_factory=list)  # organisations the person heads


@dataclass
class Post:
    slug: str
    title: str
    organisation: str  # a Turtle term
    person: Person
    role: str
    quote: str
    source: str


@dataclass
class Project:
    slug: str
    title: str
    acronym: str
    coordinator: str  # Turtle terms from here on
    partners: list[str]
    participants: list[str]
    participant_names: list[str]
    funder: str
    scheme: str
    aims: list[str]
    start: tuple[int, int]
    end: tuple[int, int]
    amount: str

    @property
    def source(self) -> str:
        """The project's factsheet."""
        return f"factsheet-{self.slug}"


@dataclass
class Source:
    slug: str
    title: str
    issued: str  # xsd:date
    publisher: str | None  # a Turtle term
    description: str


@dataclass
class Dataset:
    """Everything generated, before it is written."""

    clusters: list[Cluster]
    coordinators: list[Coordinator]
    companies: list[Company]
    inferred: set[tuple[int, int]]  # (company, cluster) memberships read from a vague sentence
    people: list[Person]
    posts: list[Post]
    projects: list[Project]
    sources: list[Source]

    @property
    def membership_count(self) -> int:
        return sum(len(c.members) for c in self.clusters)

    @property
    def subject_count(self) -> int:
        """Subject blocks to write, reported figures apart (they depend on what is written).

        A group writes its nodes and its description, and a quoted group its quote and the
        quote's selector too (clusterkg.generate.statements).
        """
        awards = sum(len(c.awards) for c in self.clusters)
        listed = sum(c.listed for c in self.clusters)
        coordinated = sum(len(o.clusters) for o in self.coordinators)
        named = 2 * (coordinated + len(FUNDERS) + len(SCHEMES) + len(self.clusters) + listed)
        quoted = 4 * (self.membership_count + awards + len(self.projects))
        return len(self.sources) + named + 2 * self.membership_count + quoted + 5 * len(self.posts)
