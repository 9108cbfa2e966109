"""`clusterkg publish` against real servers started on 127.0.0.1 (tests/sparql_servers.py).

What the server holds afterwards is read back with SPARQL and compared with the local build,
graph by graph: the asserted and inferred graphs and every statement group hold exactly the
local triples (blank nodes, which publish sends as Skolem IRIs, compared up to renaming with the
graph each triple is in, so a node shared by two graphs must be one node on the server).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from clusterkg.engine import Term
from clusterkg.engine.convert import to_rdflib
from clusterkg.engine.server_graphs import DEFAULT_COPY_RECORD
from clusterkg.errors import RemoteError
from clusterkg.knowledge_graph import KnowledgeGraph
from clusterkg.publishing.record import Record
from clusterkg.publishing.run import Plan, Summary, failure_said
from clusterkg.publishing.skolem import SKOLEM_BASE
from clusterkg.vocabulary import ASSERTED, CKID, DESCRIPTION, INFERRED
from tests.sparql_servers import SparqlServer, free_port, oxigraph_server, virtuoso_server

pytestmark = pytest.mark.loopback

FIXTURE = Path(__file__).parent / "fixtures" / "cli" / "new-cluster.trig"
OURS = "https://w3id.org/clusterkg/"
GROUP = CKID + "statement/"
SCHEMA_SHA256 = "https://schema.org/sha256"
HAS_PART = "http://purl.org/dc/terms/hasPart"


def publish(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m clusterkg ARGS` as a real process: the network is given up for every command
    but publish, which this also checks."""
    return subprocess.run(
        [sys.executable, "-m", "clusterkg", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONUTF8": "1", **(env or {})},
        timeout=300,
        check=False,
    )


@pytest.fixture
def oxigraph() -> Iterator[SparqlServer]:
    with oxigraph_server() as server:
        yield server


@pytest.fixture(params=["oxigraph", "virtuoso"])
def server(request: pytest.FixtureRequest) -> Iterator[SparqlServer]:
    """Each server, fresh."""
    start = oxigraph_server if request.param == "oxigraph" else virtuoso_server
    with start() as running:
        yield running


def credentials(server: SparqlServer, password: str | None = None) -> dict[str, str]:
    """The environment that gives clusterkg the server's user (Virtuoso's Graph Store asks for
    one; Oxigraph server asks for none)."""
    if server.user is None:
        return {}
    return {
        "CLUSTERKG_SPARQL_USER": server.user,
        "CLUSTERKG_SPARQL_PASSWORD": password if password is not None else str(server.password),
    }


# --- reading the server back ----------------------------------------------------------------


def server_quads(server: SparqlServer) -> set[tuple[Term, ...]]:
    """Every quad in one of clusterkg's graphs or a statement group on the server."""
    query = f"""SELECT ?g ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
        FILTER(STRSTARTS(STR(?g), "{OURS}")) }}"""
    reply = httpx.post(
        server.query_url,
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=120,
    )
    assert reply.status_code == 200, reply.text
    return {
        tuple(_term(row[name]) for name in ("s", "p", "o", "g"))
        for row in reply.json()["results"]["bindings"]
    }


def _term(binding: dict[str, str]) -> Term:
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if "xml:lang" in binding:
        return ox.Literal(value, language=binding["xml:lang"])
    return ox.Literal(
        value, datatype=ox.NamedNode(binding["datatype"]) if "datatype" in binding else None
    )


def in_graph(quads: set[tuple[Term, ...]], graph: str) -> set[tuple[Term, ...]]:
    return {q[:3] for q in quads if q[3] == ox.NamedNode(graph)}


def local_quads(data: list[Path] | None, inferred: bool) -> set[tuple[Term, ...]]:
    """The local build's asserted graph, statement groups and (if `inferred`) inferred graph."""
    kg = KnowledgeGraph.load(data).with_closure()
    dump = kg.built.store.dump(format=ox.RdfFormat.N_QUADS)
    assert dump is not None
    quads = {
        (q.subject, q.predicate, q.object, q.graph_name)
        for q in ox.parse(dump, format=ox.RdfFormat.N_QUADS)
    }
    left_out = {DESCRIPTION} | (set() if inferred else {INFERRED})
    return {q for q in quads if q[3].value not in left_out}  # type: ignore[union-attr]


def as_one_rdflib_graph(quads: set[tuple[Term, ...]]) -> rdflib.Graph:
    """Quads as one graph whose predicates carry the graph name, Skolem IRIs back as blank
    nodes: isomorphism then compares blank nodes across graphs, as one dataset."""
    graph = rdflib.Graph()
    for s, p, o, g in quads:
        graph.add((_unskolem(s), rdflib.URIRef(f"{p.value}?in={g.value}"), _unskolem(o)))  # type: ignore[union-attr]
    return graph


def _unskolem(term: Term) -> rdflib.term.Node:
    if isinstance(term, ox.NamedNode) and term.value.startswith(SKOLEM_BASE):
        return rdflib.BNode(term.value[len(SKOLEM_BASE) :])
    return to_rdflib(term)


XSD = "http://www.w3.org/2001/XMLSchema#"
_YEARS_MONTHS = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?")


def as_virtuoso_keeps(term: Term) -> Term:
    """A literal as Virtuoso 7 stores it, where it deviates (a server's deviation, documented
    here): booleans become 1 and 0, a year-month xsd:duration its number of months ("P2Y" →
    "24", no longer a valid xsd:duration)."""
    if not isinstance(term, ox.Literal):
        return term
    if term.datatype.value == XSD + "boolean":
        return ox.Literal("1" if term.value == "true" else "0", datatype=term.datatype)
    months = _YEARS_MONTHS.fullmatch(term.value)
    if term.datatype.value == XSD + "duration" and months:
        years, rest = (int(part or 0) for part in months.groups())
        return ox.Literal(str(12 * years + rest), datatype=term.datatype)
    return term


def without_description(quads: set[tuple[Term, ...]]) -> set[tuple[Term, ...]]:
    """The published graphs but the bookkeeping ones: the description, and the record of whose
    copy the server's default graph holds (tests/test_default_graph_copy.py)."""
    kept = {ox.NamedNode(DESCRIPTION), ox.NamedNode(DEFAULT_COPY_RECORD)}
    return {q for q in quads if q[3] not in kept}


def described_groups(quads: set[tuple[Term, ...]], description: str = DESCRIPTION) -> set[str]:
    return {
        o.value
        for s, p, o in in_graph(quads, description)
        if p.value == HAS_PART and o.value.startswith(GROUP)  # type: ignore[union-attr]
    }


def groups_on(quads: set[tuple[Term, ...]]) -> set[str]:
    return {q[3].value for q in quads if q[3].value.startswith(GROUP)}  # type: ignore[union-attr]


# --- the bundled data ----------------------------------------------------------------------------


def test_the_server_holds_exactly_the_local_graphs(server: SparqlServer) -> None:
    done = publish("publish", server.store_url, "--with-inferred", env=credentials(server))
    assert done.returncode == 0, done.stderr
    assert re.search(r"published [\d,]+ graphs \([\d,]+ triples\) to .* in [\d.]+ s", done.stderr)
    on_server = server_quads(server)
    local = local_quads(None, inferred=True)
    if server.name == "virtuoso":
        local = {tuple(as_virtuoso_keeps(t) for t in q) for q in local}
    published = without_description(on_server)
    assert {q[3] for q in published} == {q[3] for q in local}  # the same graphs
    assert len(published) == len(local)
    assert isomorphic(as_one_rdflib_graph(published), as_one_rdflib_graph(local))
    # blank nodes the asserted graph shares with the inferred one are one node on the server
    skolem = {
        t
        for q in in_graph(on_server, INFERRED)
        for t in q
        if t.value.startswith(SKOLEM_BASE)  # type: ignore[union-attr]
    }
    assert skolem and all(any(t in q for q in in_graph(on_server, ASSERTED)) for t in skolem), (
        "an inferred triple's Skolem IRI is missing from the asserted graph"
    )
    # the description is the export's, and lists every statement group published
    assert described_groups(on_server) == groups_on(local)
    titles = [o for s, p, o in in_graph(on_server, DESCRIPTION) if p.value.endswith("/title")]  # type: ignore[union-attr]
    assert titles, "the VoID/DCAT description's title"


def test_publishing_twice_gives_the_same_server_state(server: SparqlServer) -> None:
    env = credentials(server)
    assert publish("publish", server.store_url, "--with-inferred", env=env).returncode == 0
    first = server_quads(server)
    again = publish("publish", server.store_url, "--with-inferred", env=env)
    assert again.returncode == 0, again.stderr
    assert server_quads(server) == first  # Skolem IRIs are stable: equal, not just isomorphic
    assert " 0 statement groups sent" in again.stderr, again.stderr


def test_without_inferred_an_earlier_inferred_graph_is_deleted(oxigraph: SparqlServer) -> None:
    assert publish("publish", oxigraph.store_url, "--with-inferred").returncode == 0
    assert in_graph(server_quads(oxigraph), INFERRED)
    assert publish("publish", oxigraph.store_url).returncode == 0
    on_server = server_quads(oxigraph)
    assert not in_graph(on_server, INFERRED)
    assert in_graph(on_server, ASSERTED)


def test_graph_option_puts_the_asserted_triples_there(oxigraph: SparqlServer) -> None:
    base = "https://example.org/platform/clusterkg"
    done = publish("publish", oxigraph.store_url, "--graph", base, "--with-inferred")
    assert done.returncode == 0, done.stderr
    query = """SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"""
    reply = httpx.post(
        oxigraph.query_url,
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    quads = {
        tuple(_term(row[n]) for n in ("s", "p", "o", "g"))
        for row in reply.json()["results"]["bindings"]
    }
    local = local_quads(None, inferred=True)
    assert len(in_graph(quads, base)) == len(in_graph(local, ASSERTED))
    assert len(in_graph(quads, base + "/inferred")) == len(in_graph(local, INFERRED))
    assert in_graph(quads, base + "/description")
    assert not in_graph(quads, ASSERTED) and not in_graph(quads, INFERRED)
    assert described_groups(quads, base + "/description") == groups_on(local)


# --- small data files ------------------------------------------------------------------------


def variant(text: str, name: str) -> str:
    """The fixture's cluster, award, source and group under other slugs."""
    return text.replace("example-amber", f"example-{name}").replace("EXAMBER", name.upper())


@pytest.fixture
def two_files(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    text = FIXTURE.read_text(encoding="utf-8")
    (folder / "amber.trig").write_text(text, encoding="utf-8")
    (folder / "teal.trig").write_text(variant(text, "teal"), encoding="utf-8")
    return folder


def test_a_removed_files_groups_are_deleted(oxigraph: SparqlServer, two_files: Path) -> None:
    assert publish("--data", str(two_files), "publish", oxigraph.store_url).returncode == 0
    teal = GROUP + "example-teal-news"
    assert teal in groups_on(server_quads(oxigraph))
    (two_files / "teal.trig").unlink()
    done = publish("--data", str(two_files), "publish", oxigraph.store_url)
    assert done.returncode == 0, done.stderr
    on_server = server_quads(oxigraph)
    assert teal not in groups_on(on_server)
    assert teal not in described_groups(on_server)
    assert groups_on(on_server) == groups_on(local_quads([two_files], inferred=False))
    assert " 1 deleted" in done.stderr
    assert not any("teal" in str(q) for q in on_server), "nothing of the removed file is left"


def test_a_changed_group_is_replaced(oxigraph: SparqlServer, two_files: Path) -> None:
    assert publish("--data", str(two_files), "publish", oxigraph.store_url).returncode == 0
    amber = two_files / "amber.trig"
    amber.write_text(amber.read_text().replace('"EXAMBER"', '"AMBR"'), encoding="utf-8")
    done = publish("--data", str(two_files), "publish", oxigraph.store_url)
    assert done.returncode == 0, done.stderr
    assert ": 1 statement groups sent," in done.stderr, done.stderr
    group = in_graph(server_quads(oxigraph), GROUP + "example-amber-news")
    acronyms = {o.value for s, p, o in group if p.value.endswith("#acronym")}  # type: ignore[union-attr]
    assert acronyms == {"AMBR"}


def non_conforming(folder: Path) -> Path:
    """The fixture without its cluster's name (cksh requires exactly one skos:prefLabel@en)."""
    text = FIXTURE.read_text(encoding="utf-8").replace(
        '        skos:prefLabel "Example Amber Cluster"@en ;\n', ""
    )
    assert 'skos:prefLabel "Example Amber Cluster"' not in text
    path = folder / "no-name.trig"
    path.write_text(text, encoding="utf-8")
    return path


def test_non_conforming_data_is_refused_and_nothing_written(
    oxigraph: SparqlServer, tmp_path: Path
) -> None:
    data = non_conforming(tmp_path)
    refused = publish("--data", str(data), "publish", oxigraph.store_url)
    assert refused.returncode == 1, refused.stderr
    assert "does not conform" in refused.stderr and "--force" in refused.stderr
    assert re.search(r"no-name\.trig:\d+: Violation", refused.stderr), refused.stderr
    assert "Traceback" not in refused.stderr
    assert not server_quads(oxigraph), "nothing written on the server"
    forced = publish("--data", str(data), "publish", oxigraph.store_url, "--force")
    assert forced.returncode == 0, forced.stderr
    assert in_graph(server_quads(oxigraph), ASSERTED)


def test_blank_nodes_shared_by_a_group_and_the_asserted_graph_stay_one(
    oxigraph: SparqlServer, tmp_path: Path
) -> None:
    text = FIXTURE.read_text(encoding="utf-8").replace(
        '        ck:acronym "EXAMBER" ;\n',
        '        ck:acronym "EXAMBER" ;\n'
        '        schema:address [ schema:addressLocality "Vilnius" ] ;\n',
    )
    data = tmp_path / "address.trig"
    data.write_text(text, encoding="utf-8")
    done = publish("--data", str(data), "publish", oxigraph.store_url, "--force")
    assert done.returncode == 0, done.stderr
    ask = f"""ASK {{ GRAPH <{GROUP}example-amber-news> {{ ?cluster <https://schema.org/address> ?a .
        ?a ?p "Vilnius" }} GRAPH <{ASSERTED}> {{ ?cluster <https://schema.org/address> ?a .
        ?a ?p "Vilnius" }} }}"""
    reply = httpx.post(
        oxigraph.query_url,
        data={"query": ask},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert reply.json()["boolean"] is True, "GRAPH ?g { ?s ?p ?o } matches the asserted triple"
    on_server = server_quads(oxigraph)
    assert isomorphic(
        as_one_rdflib_graph(without_description(on_server)),
        as_one_rdflib_graph(local_quads([data], inferred=False)),
    )


# --- errors ----------------------------------------------------------------------------------


def test_an_unreachable_server_is_said(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/store"
    done = publish("--data", str(FIXTURE), "publish", url)
    assert done.returncode == 4
    assert done.stderr.startswith("clusterkg: error: cannot reach http://127.0.0.1:")
    assert "Traceback" not in done.stderr


def test_a_url_that_is_not_a_graph_store_says_what_is_expected(oxigraph: SparqlServer) -> None:
    wrong = oxigraph.store_url.replace("/store", "/nothing-here")
    done = publish("--data", str(FIXTURE), "publish", wrong)
    assert done.returncode == 4, done.stderr
    assert "Graph Store Protocol endpoint" in done.stderr and "/store" in done.stderr
    assert "/sparql-graph-crud-auth" in done.stderr


def test_a_query_url_instead_of_the_graph_store_says_what_is_expected(
    oxigraph: SparqlServer,
) -> None:
    done = publish("--data", str(FIXTURE), "publish", oxigraph.query_url)
    assert done.returncode == 4, done.stderr
    assert "Graph Store Protocol endpoint" in done.stderr
    assert not server_quads(oxigraph)


def test_wrong_credentials_are_said_with_the_hint_and_never_shown(tmp_path: Path) -> None:
    with virtuoso_server() as virtuoso:
        wrong = publish(
            "--data",
            str(FIXTURE),
            "publish",
            virtuoso.store_url,
            env=credentials(virtuoso, "not-the-Pa55word"),
        )
        none = publish("--data", str(FIXTURE), "publish", virtuoso.store_url)
        netrc = tmp_path / "netrc"
        netrc.write_text(f"machine 127.0.0.1 login {virtuoso.user} password {virtuoso.password}\n")
        netrc.chmod(0o600)
        from_netrc = publish(
            "--data", str(FIXTURE), "publish", virtuoso.store_url, env={"NETRC": str(netrc)}
        )
        assert groups_on(server_quads(virtuoso)) == groups_on(local_quads([FIXTURE], False))
    for refused in (wrong, none):
        assert refused.returncode == 4, refused.stderr
        assert "401" in refused.stderr and "CLUSTERKG_SPARQL_PASSWORD" in refused.stderr
        assert "netrc" in refused.stderr
        assert "Traceback" not in refused.stderr
    assert "not-the-Pa55word" not in wrong.stderr + wrong.stdout
    assert from_netrc.returncode == 0, from_netrc.stderr


def test_a_url_with_credentials_is_refused() -> None:
    done = publish("--data", str(FIXTURE), "publish", "http://someone:s3cret@127.0.0.1:9/store")
    assert done.returncode == 2
    assert "CLUSTERKG_SPARQL_USER" in done.stderr
    assert "s3cret" not in done.stderr + done.stdout


def test_publish_is_documented_with_its_servers_endpoints() -> None:
    helped = publish("publish", "--help")
    assert helped.returncode == 0
    text = " ".join(helped.stdout.split())
    assert "/store" in text and "/sparql-graph-crud-auth" in text
    assert "no OWL RL reasoner" in text and "genid/" in text


def test_a_failure_part_way_says_what_was_replaced_and_how_to_finish() -> None:
    summary = Summary("http://127.0.0.1:9/store", sent=12)
    summary.replaced = ["12 statement groups", "the inferred graph"]
    with pytest.raises(RemoteError) as raised, failure_said(summary):
        raise RemoteError("http://127.0.0.1:9/store answered PUT with 413 Payload Too Large")
    said = str(raised.value)
    assert "413" in said
    assert "Replaced before the failure: 12 statement groups, the inferred graph" in said
    assert "description graph does not match" in said and "publish again" in said


def test_a_pending_description_lists_every_graph_about_to_change_without_its_digest() -> None:
    """What an interrupted publish leaves: each graph it may have half-written has no digest
    (so the next publish replaces it), a stale group keeps its digest until it is deleted."""
    earlier = Record(
        {ASSERTED: "a0", GROUP + "kept": "k", GROUP + "edited": "e0", GROUP + "gone": "g"}
    )
    now = SimpleNamespace(digests={GROUP + "kept": "k", GROUP + "edited": "e1", GROUP + "new": "n"})
    plan = Plan.of(earlier, now, {ASSERTED: "a1"})  # type: ignore[arg-type]
    assert sorted(plan.changed) == sorted([ASSERTED, GROUP + "edited", GROUP + "new"])
    assert plan.stale == [GROUP + "gone"]
    assert plan.pending() == {
        ASSERTED: "",
        GROUP + "kept": "k",
        GROUP + "edited": "",
        GROUP + "new": "",
        GROUP + "gone": "g",
    }
