"""People and the posts they hold: how they are made and how they are written (people.trig).

Every coordinating organisation has a director; most clusters name a coordinator (now and then
the director of its coordinating organisation); a few companies name a head of innovations.
Each post is quoted from the source that names it: one group per post holds the post and its
holder as that source names them (a person with two posts is in two groups).
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from clusterkg.generate.europe import Country
from clusterkg.generate.model import (
    HEAD_OF_INNOVATIONS_SHARE,
    Cluster,
    Company,
    Coordinator,
    Dataset,
    Person,
    Post,
)
from clusterkg.generate.names import Namer, SlugMaker, label_props
from clusterkg.generate.statements import Group
from clusterkg.output.turtle_writer import Node, text
from clusterkg.vocabulary import ascii_fold


class _People:
    """People and the posts they hold, each post quoted from the source that names it."""

    def __init__(self, namer: Namer, slug: SlugMaker) -> None:
        self.namer = namer
        self.slug = slug
        self.people: list[Person] = []
        self.posts: list[Post] = []

    def person(self, country: Country, source: str) -> Person:
        name = self.namer.person(country)
        created = Person(self.slug("person", name), name, [source])
        self.people.append(created)
        return created

    def post(self, slug: str, title: str, org: str, holder: Person, role: str, quote: str,
             source: str) -> None:  # fmt: skip
        holder.posts.append(slug)
        if source not in holder.sources:
            holder.sources.append(source)
        self.posts.append(Post(slug, title, org, holder, role, quote, source))


def make_people(
    data: Dataset, rng: random.Random, namer: Namer, slug: SlugMaker
) -> tuple[list[Person], list[Post]]:
    """Directors of coordinating organisations, cluster coordinators, heads of innovations."""
    made = _People(namer, slug)
    directors = _directors(made, data.coordinators)
    for cluster in data.clusters:
        if rng.random() >= 0.95:  # a few clusters name no coordinator
            continue
        holder = None
        if cluster.coordinator is not None and rng.random() < 0.15:
            holder = directors[cluster.coordinator.slug]  # the director coordinates it too
        holder = holder or made.person(cluster.country, cluster.source)
        made.post(
            f"{cluster.slug}-coordinator", f"Coordinator of {cluster.name}",
            f"cluster:{cluster.slug}", holder, "cluster-coordinator",
            f"says {holder.name}, the coordinator of {cluster.name}.", cluster.source,
        )  # fmt: skip
    for company in data.companies:
        if rng.random() < HEAD_OF_INNOVATIONS_SHARE:
            _head_of_innovations(made, company, data.clusters[company.clusters[0]])
    return made.people, made.posts


def _directors(made: _People, coordinators: list[Coordinator]) -> dict[str, Person]:
    """The director of each coordinating organisation, by the organisation's slug."""
    directors: dict[str, Person] = {}
    for org in coordinators:
        director = made.person(org.country, org.source)
        director.heads.append(f"organisation:{org.slug}")
        directors[org.slug] = director
        made.post(
            f"{org.slug}-director", f"Director of {org.name}", f"organisation:{org.slug}",
            director, "director", f"says {director.name}, Director of {org.name}.", org.source,
        )  # fmt: skip
    return directors


def _head_of_innovations(made: _People, company: Company, home: Cluster) -> None:
    head = made.person(home.country, home.source)
    made.post(
        f"{company.slug}-head-of-innovations", f"Head of Innovations at {company.name}",
        f"company:{company.slug}", head, "head-of-innovations",
        f"according to {head.name}, the Head of Innovations at {company.name},", home.source,
    )  # fmt: skip


def people_groups(data: Dataset) -> Iterable[Group]:
    """Per post, the post and its holder, quoted from the source that names them."""
    for post in data.posts:
        person = post.person
        folded = ascii_fold(person.name)
        holder: Node = (
            f"person:{person.slug}",
            [
                ("a", ["foaf:Person"]),
                ("foaf:name", [text(person.name, None)]),
                ("skos:prefLabel", [text(person.name)]),
                ("skos:altLabel", [text(folded)] if folded != person.name else []),
                ("org:holds", [f"post:{post.slug}"]),
                ("org:headOf", [h for h in person.heads if h == post.organisation]),
            ],
        )
        held: Node = (
            f"post:{post.slug}",
            [
                ("a", ["org:Post"]),
                *label_props(post.title),
                ("org:postIn", [post.organisation]),
                ("org:heldBy", [f"person:{person.slug}"]),
                ("org:role", [f"role:{post.role}"]),
            ],
        )
        source = (f"source:{post.source}",)
        yield Group(f"post-{post.slug}", source, "stated", [holder, held], post.quote)
