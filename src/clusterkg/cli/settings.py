"""What the options before the command decide, typed, and how a command gets its graph from it.

The group's callback makes one Settings per run and click's context hands it to the command
(`pass_settings`). How the graph is loaded is one of the settings: the default is
KnowledgeGraph.load, and whoever invokes the CLI may give another (the tests give one that reuses
graphs loaded from the same files) as click's `obj`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import click

from clusterkg.cli.printing import print_notes
from clusterkg.errors import ClusterKGError
from clusterkg.inputs.bundle import Bundle, bundled
from clusterkg.inputs.cache import BuildCache
from clusterkg.knowledge_graph import KnowledgeGraph
from clusterkg.queries.catalogue import Catalogue
from clusterkg.workspace import Workspace

if TYPE_CHECKING:  # imported when used: httpx is not needed by a local command's start
    from clusterkg.remote_graph import RemoteGraph


class GraphLoader(Protocol):
    """Loads a KnowledgeGraph: the part of KnowledgeGraph.load's signature the commands use."""

    def __call__(
        self,
        data: Sequence[Path] | None,
        *,
        profile: str,
        bundle: Bundle | None,
        cache: BuildCache | None,
        reasoner: str,
        keep_ill_typed: bool,
        reads_every_triple: bool,
        reader: str,
        reasoning: bool,
    ) -> KnowledgeGraph: ...


@dataclass(frozen=True)
class Settings:
    """The options given before the command: the data to use instead of the bundled facts, the
    build cache (None: build in memory), the backend of each capability (clusterkg.backends),
    the remote SPARQL server to use instead of a local graph (`endpoint`, with the graph its
    data is in), and the function that loads the graph."""

    data: tuple[Path, ...] = ()
    # the workspace the command runs in (--workspace, else found from the current folder)
    workspace: Workspace | None = None
    cache: BuildCache | None = None
    endpoint: str | None = None
    server_graph: str | None = None
    reasoner: str = "auto"
    reader: str = "auto"
    validator: str = "auto"
    writer: str = "auto"
    load: GraphLoader = KnowledgeGraph.load

    def graph(
        self,
        data: Sequence[Path] = (),
        profile: str = "owlrl",
        whole_graph: bool = False,
        keep_ill_typed: bool = False,
        reasoning: bool = True,
    ) -> KnowledgeGraph:
        """The graph for a command: from `data` if given, else the --data files, else the
        bundle's facts (in a workspace, its data, and the bundled facts if its config keeps
        them; --data replaces both). What loading changed is said on stderr, once per command.
        `whole_graph`: the command reads every triple (validate, export), which decides the
        cache policy.
        `reasoning` False: the command reads the asserted graph only (see KnowledgeGraph.load)."""
        kg = self.load(
            list(data) or list(self.data) or None,
            profile=profile,
            bundle=self.bundle() if self.workspace else None,
            cache=self.cache,
            reasoner=self.reasoner,
            keep_ill_typed=keep_ill_typed,
            reads_every_triple=whole_graph,
            reader=self.reader,
            reasoning=reasoning,
        )
        print_notes(kg.notes)
        return kg

    def bundle(self) -> Bundle:
        """The bundled files, with the workspace's data, stored queries and shapes if the
        command runs in one."""
        if self.workspace is None:
            return bundled()
        return bundled().with_workspace(self.workspace)

    def catalogue(self) -> Catalogue:
        """The stored queries: the bundled ones and the workspace's (a clash is an error)."""
        return Catalogue(self.bundle().query_folders)

    def remote(self, timeout: float | None = None) -> RemoteGraph | None:
        """The graph on the --endpoint server (each answer awaited `timeout` seconds at most),
        or None without --endpoint. --data cannot choose what a server holds: refused."""
        if self.endpoint is None:
            return None
        if self.data:
            raise ClusterKGError(
                "--data and --endpoint: the server's graph is what was published there "
                "(clusterkg --data … publish URL); give one of them"
            )
        from clusterkg.remote_graph import RemoteGraph

        return RemoteGraph(self.endpoint, self.server_graph, timeout, self.bundle())


pass_settings = click.make_pass_decorator(Settings)
