"""A team's own graph: a folder kept in git with its data, stored queries and shapes, on top of
the bundled ontology and reference vocabularies (and, if its config says so, the bundled facts).

`clusterkg init DIR` creates one; every command finds it from the current folder upwards (or
`--workspace DIR`), the way git finds a repository.
"""

from clusterkg.workspace.workspace import CONFIG_NAME, Workspace, WorkspaceConfig, find_workspace

__all__ = ["CONFIG_NAME", "Workspace", "WorkspaceConfig", "find_workspace"]
