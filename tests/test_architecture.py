"""The layout holds: the graph is reached through the engine port, modules stay small.

Read as text, not imported: what a module names is what it depends on. Each rule below says
why; a module that breaks one fails here with the file and line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "clusterkg"

# pyoxigraph's Store, however it is imported or named
STORE = re.compile(r"\b(?:ox|pyoxigraph)\.Store\b|from pyoxigraph import[^\n]*\bStore\b")
# the local store, or a store pulled out of a build or a graph
LOCAL_STORE = re.compile(r"\bLocalStore\b|\.store\b|\bbuilt\.store\b")

# Modules that answer users by reading the graph: they see only the engine port, so the same
# code runs on any engine (a remote SPARQL server, an HTTP endpoint).
READERS = [
    "cli",
    "validation",
    "queries",
    "output",
    "reasoning/inference.py",
    "knowledge_graph.py",
]
# Modules that build the store (loading, the rules' SPARQL updates, the cache) are the local
# engine's own backends and hold a LocalStore; the two places that make the one they build are
# allowed these lines.
LOCAL_BACKENDS = {
    # the graph validate_files builds (the W3C suite's entry point), then read through the port
    "validation/validate.py": ["from clusterkg.engine import", "LocalStore()", "built.store"],
    "knowledge_graph.py": [
        "from clusterkg.engine import",
        "LocalStore()",
        "LocalEngine(self.built.store)",
    ],
}


def modules(*parts: str) -> list[Path]:
    found: list[Path] = []
    for part in parts:
        path = PACKAGE / part
        found += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return found


def hits(path: Path, pattern: re.Pattern[str], allowed: list[str]) -> list[str]:
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if pattern.search(line) and not any(a in line for a in allowed):
            out.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    return out


def test_only_the_engine_holds_a_pyoxigraph_store() -> None:
    outside = [p for p in modules(".") if "engine" not in p.relative_to(PACKAGE).parts]
    found = [hit for path in outside for hit in hits(path, STORE, [])]
    assert not found, "pyoxigraph's Store outside clusterkg/engine:\n" + "\n".join(found)


@pytest.mark.parametrize("part", READERS)
def test_readers_reach_the_graph_through_the_engine_port(part: str) -> None:
    found = [
        hit
        for path in modules(part)
        for hit in hits(path, LOCAL_STORE, LOCAL_BACKENDS.get(str(path.relative_to(PACKAGE)), []))
    ]
    assert not found, "a reader of the graph goes around the engine port:\n" + "\n".join(found)


def test_the_patterns_catch_what_they_are_for() -> None:
    """Else the tests above would pass on anything."""
    assert STORE.search("store = ox.Store()") and STORE.search("from pyoxigraph import Store")
    assert not STORE.search("import pyoxigraph as ox") and not STORE.search("ox.NamedNode(x)")
    assert LOCAL_STORE.search("kg.built.store.query('')") and LOCAL_STORE.search("LocalStore()")
    assert not LOCAL_STORE.search("engine.run(query)")


# A module over this many lines says why in its docstring, with these words.
MAX_LINES = 400
STATED = "Longer than 400 lines because"


def test_no_module_is_over_400_lines_without_a_stated_reason() -> None:
    long = {
        str(path.relative_to(PACKAGE)): n
        for path in modules(".")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
        and STATED not in path.read_text(encoding="utf-8")
    }
    assert not long, f"modules over {MAX_LINES} lines that do not say why: {long}"


def test_docs_architecture_lists_every_module_and_no_other() -> None:
    """docs/architecture.md has one line per module: new modules are described, gone ones are
    not described still."""
    text = (PACKAGE.parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([\w/]+\.py)` \|", text, re.MULTILINE))
    actual = {str(path.relative_to(PACKAGE)) for path in modules(".")}
    assert not actual - listed, f"modules docs/architecture.md does not describe: {actual - listed}"
    assert not listed - actual, f"described but not in the package: {listed - actual}"
