"""The whole synthetic world for a number of clusters and a seed, made part by part.

Each part draws from its own random stream (clusterkg.generate.chance), so the parts do not
shift each other; names come from one stream shared by all, and stay unique within their kind.
"""

from __future__ import annotations

from clusterkg.generate.awards import make_awards
from clusterkg.generate.chance import stream
from clusterkg.generate.clusters import list_in_directory, make_clusters
from clusterkg.generate.companies import inferred_memberships, make_companies
from clusterkg.generate.model import Coordinator, Dataset
from clusterkg.generate.names import Namer, Slugs
from clusterkg.generate.people import make_people
from clusterkg.generate.projects import make_projects
from clusterkg.generate.sources import make_sources


def build(clusters: int, seed: int) -> Dataset:
    """The synthetic world for `clusters` cluster organisations and `seed`."""
    namer = Namer(stream(seed, "names"))
    slug = Slugs()
    coordinators: list[Coordinator] = []
    cluster_list = make_clusters(clusters, stream(seed, "clusters"), namer, slug, coordinators)
    companies = make_companies(cluster_list, stream(seed, "companies"), namer, slug)
    inferred = inferred_memberships(cluster_list, stream(seed, "evidence"))
    list_in_directory(cluster_list, stream(seed, "directory"))
    make_awards(cluster_list, stream(seed, "awards"))
    data = Dataset(cluster_list, coordinators, companies, inferred, [], [], [], [])
    data.people, data.posts = make_people(data, stream(seed, "people"), namer, slug)
    data.projects = make_projects(data, stream(seed, "projects"), namer, slug)
    data.sources = make_sources(data)
    return data
