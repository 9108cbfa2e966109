"""Tests of the synthetic data generator (`clusterkg generate`, clusterkg.generate).

The generated data must be byte-for-byte reproducible, about as large as calibrated, shaped like
the real data (heavy-tailed clusters, companies in several clusters, label tiers that never go
down), follow the statement-group model (every fact in a described group with its sources),
conform to the shapes when clean, and carry exactly the planted violations its manifest lists.
SHACL validation is slow (pySHACL, ~10 s for 5,000 triples), so the graphs validated here
are small and each is loaded and validated once per module.
"""

from __future__ import annotations

import difflib
import json
import re
import statistics
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from cli_support import run_process
from click.testing import CliRunner
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS

from clusterkg.cli import cli
from clusterkg.engine import Table
from clusterkg.generate import DEFAULT_SEED, DEFAULT_VIOLATIONS, GenerateError
from clusterkg.generate.dataset import generate
from clusterkg.generate.manifest import MANIFEST
from clusterkg.generate.model import TRIPLES_PER_CLUSTER, clusters_for_triples
from clusterkg.generate.namespaces import NAMESPACES
from clusterkg.generate.planting import KINDS
from clusterkg.generate.world import build
from clusterkg.knowledge_graph import KnowledgeGraph
from clusterkg.output.turtle_writer import text
from clusterkg.validation.report import Report
from clusterkg.vocabulary import PREFIXES

CK = Namespace("https://w3id.org/clusterkg/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
EVIDENCE = Namespace("https://w3id.org/clusterkg/id/evidence/")
SHAPES = Path(__file__).parents[1] / "ontology" / "shapes.ttl"
TIER = Namespace("https://w3id.org/clusterkg/id/tier/")
SYNTHETIC = "https://w3id.org/clusterkg/synthetic/"
RANK = {TIER.bronze: 1, TIER.silver: 2, TIER.gold: 3}
SUMMARY = re.compile(
    r"wrote [\d,]+ triples \([\d,]+ clusters, [\d,]+ companies, .*\) to .+ in [\d.]+ s"
)


# --- shared data sets ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("clean") / "data"
    generate(folder, clusters=3, seed=1, violations=0)
    return folder


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("planted") / "data"
    generate(folder, clusters=4, seed=6, violations=DEFAULT_VIOLATIONS)
    return folder


@pytest.fixture(scope="module")
def europe(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Large enough to show the shape of the data (about 280,000 triples), never validated."""
    folder = tmp_path_factory.mktemp("europe") / "data"
    generate(folder, clusters=200, seed=3, violations=0)
    return folder


@pytest.fixture(scope="module")
def clean_graph(clean: Path) -> KnowledgeGraph:
    return KnowledgeGraph.load([clean])


@pytest.fixture(scope="module")
def clean_report(clean_graph: KnowledgeGraph) -> Report:
    return clean_graph.validate()


@pytest.fixture(scope="module")
def planted_graph(planted: Path) -> KnowledgeGraph:
    return KnowledgeGraph.load([planted])


def manifest(folder: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    return document


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def data_files(folder: Path) -> list[Path]:
    files = sorted([*folder.glob("*.ttl"), *folder.glob("*.trig")])
    assert files, f"no data files in {folder}"
    return files


def dataset(folder: Path, *names: str) -> Dataset:
    """The files as written: the default graph and the statement groups."""
    data = Dataset()
    for path in [folder / name for name in names] or data_files(folder):
        data.parse(path, format="trig")  # a Turtle file is TriG without graphs
    return data


def parse(folder: Path, *names: str) -> Graph:
    """Every triple of the files, in whichever graph."""
    graph = Graph()
    for s, p, o, _g in dataset(folder, *names).quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def quad_count(folder: Path) -> int:
    return sum(1 for _ in dataset(folder).quads((None, None, None, None)))


def shapes_present() -> set[str]:
    return {str(s) for s in Graph().parse(SHAPES).subjects()}


def expected_violations(listed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The planted violations the shapes at hand report: those whose shape is there."""
    present = shapes_present()
    return [v for v in listed if v.get("shape") is None or v["shape"] in present]


def body(data: bytes) -> list[str]:
    """The lines after the header (which names the settings) and the prefixes."""
    lines = data.decode("utf-8").splitlines()
    last_prefix = max(i for i, line in enumerate(lines) if line.startswith("@prefix"))
    return lines[last_prefix + 1 :]


def rows(table: Any) -> list[list[str | None]]:
    assert isinstance(table, Table)
    return [[term.value if term is not None else None for term in row] for row in table.rows]


def full_iri(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local if prefix in PREFIXES else curie


# --- determinism and size -------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_bytes_and_another_seed_other_data(tmp_path: Path) -> None:
    generate(tmp_path / "a", clusters=5, seed=42)
    generate(tmp_path / "b", clusters=5, seed=42)
    generate(tmp_path / "c", clusters=5, seed=43)
    assert contents(tmp_path / "a") == contents(tmp_path / "b")
    other = contents(tmp_path / "c")
    for name, data in contents(tmp_path / "a").items():
        assert other[name] != data, f"{name} is the same for seeds 42 and 43"


def test_bytes_do_not_depend_on_the_hash_seed_of_the_process(tmp_path: Path) -> None:
    generate(tmp_path / "here", clusters=5, seed=7)
    out = tmp_path / "there"
    result = run_process("generate", "--clusters", "5", "--seed", "7", "-o", str(out), seed="987")
    assert result.returncode == 0, result.stderr
    assert contents(tmp_path / "here") == contents(out)


def test_planting_violations_leaves_the_rest_of_the_data_unchanged(
    tmp_path: Path, planted: Path
) -> None:
    generate(tmp_path / "clean", clusters=4, seed=6, violations=0)
    planted_files, clean_files = contents(planted), contents(tmp_path / "clean")
    changed = 0
    for name in sorted(set(clean_files) - {MANIFEST}):
        old, new = (body(files[name]) for files in (clean_files, planted_files))
        diff = difflib.unified_diff(old, new, n=0, lineterm="")
        changed += sum(1 for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---"))
    # A few lines a defect, twice for a node that a second group restates.
    assert 0 < changed <= 6 * DEFAULT_VIOLATIONS


@pytest.mark.parametrize("clusters", [3, 7, 20])
def test_size_is_as_calibrated(tmp_path: Path, clusters: int) -> None:
    result = generate(tmp_path / "data", clusters=clusters, seed=1, violations=0)
    assert result.triples == pytest.approx(clusters * TRIPLES_PER_CLUSTER, rel=0.15)
    written = manifest(tmp_path / "data")
    assert written["triples"] == result.triples == sum(f["triples"] for f in written["files"])
    assert quad_count(tmp_path / "data") == result.triples  # no statement written twice
    assert 0.95 * result.triples < len(parse(tmp_path / "data")) < result.triples  # a few in two
    assert written["counts"]["companies"] == clusters * 100


def test_clusters_for_triples_inverts_the_calibration() -> None:
    assert clusters_for_triples(10_000) == 4
    assert clusters_for_triples(1) == 1
    assert 780 <= clusters_for_triples(2_000_000) <= 860
    for target in (100_000, 1_000_000):
        assert clusters_for_triples(target) * TRIPLES_PER_CLUSTER == pytest.approx(target, 0.01)


# --- the shape of the data ----------------------------------------------------------------------


def test_cluster_sizes_are_heavy_tailed_and_companies_share_clusters() -> None:
    world = build(clusters=200, seed=3)
    sizes = sorted(len(cluster.members) for cluster in world.clusters)
    assert sizes[-1] > 5 * statistics.median(sizes), "no very large clusters"
    assert sizes[0] >= 5
    multiplicity = Counter(len(company.clusters) for company in world.companies)
    assert set(multiplicity) <= {1, 2, 3, 4}
    assert 0.75 < multiplicity[1] / len(world.companies) < 0.95
    assert multiplicity[2] and multiplicity[3]
    shared = [c for c in world.companies if len(c.clusters) > 1]
    for company in shared:
        assert len(set(company.clusters)) == len(company.clusters)
    domestic = [c for c in shared if len({world.clusters[i].country for i in c.clusters}) == 1]
    assert len(domestic) > len(shared) / 2, "most shared memberships stay in one country"


def test_clusters_spread_over_europe_and_the_reference_sectors(europe: Path) -> None:
    graph = parse(europe, "clusters.trig")
    countries = set(graph.objects(None, CK.country))
    sectors = {str(s).rsplit("/", 1)[-1] for s in graph.objects(None, CK.sector)}
    reference = parse(Path(__file__).parents[1] / "ontology" / "reference", "sectors.ttl")
    broader = set(reference.objects(None, SKOS.broader))  # groupings (health), not a sector of
    known = {  # a cluster of its own
        str(s).rsplit("/", 1)[-1]
        for s in reference.subjects(RDF.type, CK.Sector)
        if s not in broader
    }
    assert len(countries) >= 15
    assert sectors == known


def test_label_tiers_never_go_down_in_time(europe: Path) -> None:
    graph = parse(europe, "awards.trig")
    history: defaultdict[Any, list[tuple[int, int]]] = defaultdict(list)
    for award in graph.subjects(RDF.type, CK.LabelAward):
        cluster = graph.value(award, CK.awardedTo)
        year = int(str(graph.value(award, CK.awardYear)))
        tier = graph.value(award, CK.tier)
        assert isinstance(tier, URIRef)
        history[cluster].append((year, RANK[tier]))
    clusters = len(set(parse(europe, "clusters.trig").subjects(RDF.type, CK.Cluster)))
    assert 0.3 < len(history) / clusters < 0.8, "not every cluster holds a label"
    assert any(max(r for _, r in awards) == 3 for awards in history.values())
    for awards in history.values():
        ranks = [rank for _, rank in sorted(awards)]
        assert ranks == sorted(ranks) and ranks[0] == 1


def test_every_subject_starts_a_line_and_no_blank_nodes(clean: Path) -> None:
    curie = {ns: prefix for prefix, ns in NAMESPACES.items() if ns.endswith("/")}
    for path in data_files(clean):
        graph = parse(clean, path.name)
        starts = {line.split(" ", 1)[0] for line in path.read_text("utf-8").splitlines()}
        for subject in set(graph.subjects()):
            assert isinstance(subject, URIRef), f"{path.name}: blank node"
            namespace, local = str(subject).rsplit("/", 1)
            assert f"{curie[namespace + '/']}:{local}" in starts, subject
        for term in (t for triple in graph for t in triple):
            assert not isinstance(term, BNode), f"{path.name}: blank node"


# --- the statement-group model (docs/model.md) ------------------------------------------------


def _groups(data: Dataset) -> dict[URIRef, set[tuple[Any, Any, Any]]]:
    """The named graphs of the files and their triples."""
    groups: defaultdict[URIRef, set[tuple[Any, Any, Any]]] = defaultdict(set)
    for s, p, o, g in data.quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        if name is not None and str(name) != "urn:x-rdflib:default":
            groups[name].add((s, p, o))
    return groups


def test_every_fact_is_in_a_described_group_with_a_described_source(clean: Path) -> None:
    data = dataset(clean)
    groups = _groups(data)
    default = data.default_graph
    sources = set(default.subjects(RDF.type, CK.SourceDocument))
    assert len(groups) > 100 and sources
    for name in groups:
        assert str(name).startswith(PREFIXES["statement"]), name
        assert (name, RDF.type, CK.StatementGroup) in default, name
        derived = set(default.objects(name, PROV.wasDerivedFrom))
        assert derived and derived <= sources, name
        evidence = list(default.objects(name, CK.evidence))
        assert len(evidence) == 1 and evidence[0] in {
            EVIDENCE.stated,
            EVIDENCE.confirmed,
            EVIDENCE.inferred,
        }
        if evidence[0] == EVIDENCE.inferred:
            assert default.value(name, CK.reasoning) is not None, name
        for quote in default.objects(name, CK.quote):
            assert (quote, RDF.type, OA.SpecificResource) in default
            assert default.value(quote, OA.hasSource) in derived
            selector = default.value(quote, OA.hasSelector)
            assert (selector, RDF.type, OA.TextQuoteSelector) in default
            exact = default.value(selector, OA.exact)
            assert isinstance(exact, Literal) and exact.language == "en" and str(exact)
    # Outside groups: the descriptions, their quotes and the catalogue of sources, no facts.
    described = set(groups) | set(default.objects(None, CK.quote)) | sources
    described |= set(default.objects(None, OA.hasSelector))
    assert set(default.subjects()) == described
    no_node_provenance = (PROV.wasDerivedFrom, CK.evidence, PROV.value, CK.reasoning)
    for triples in groups.values():
        assert not [t for t in triples if t[1] in no_node_provenance]


def test_groups_are_realistic_several_facts_two_sources_and_inferred(europe: Path) -> None:
    data = dataset(europe, "clusters.trig", "companies.trig", "memberships.trig", "sources.ttl")
    groups = _groups(data)
    default = data.default_graph
    assert statistics.mean(len(t) for t in groups.values()) > 3
    evidence = Counter(default.value(name, CK.evidence) for name in groups)
    assert (
        evidence[EVIDENCE.stated] and evidence[EVIDENCE.confirmed] and evidence[EVIDENCE.inferred]
    )
    held_by: defaultdict[Any, set[Any]] = defaultdict(set)
    for name, triples in groups.items():
        for triple in triples:
            held_by[triple] |= set(default.objects(name, PROV.wasDerivedFrom))
    twice = [t for t, sources in held_by.items() if len(sources) > 1]
    assert len(twice) > 100, "no fact is supported by two sources"
    assert {p for _s, p, _o in twice} >= {RDF.type, SKOS_PREF, CK.country}


SKOS_PREF = URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")


def test_awards_have_distinct_iris_and_two_years_of_validity(europe: Path) -> None:
    graph = parse(europe, "awards.trig")
    awards = list(graph.subjects(RDF.type, CK.LabelAward))
    assert len(awards) == len(set(awards)) == manifest(europe)["counts"]["label awards"]
    renewed = Counter((graph.value(a, CK.awardedTo), graph.value(a, CK.tier)) for a in awards)
    assert max(renewed.values()) > 1, "no cluster earned one tier twice: nothing was tested"
    for award in awards:
        year = str(graph.value(award, CK.awardYear))
        assert year in str(award)  # the IRI names the year: the same tier again is another IRI
        valid_from = str(graph.value(award, SCHEMA.validFrom))
        through = graph.value(award, SCHEMA.validThrough)
        assert valid_from.startswith(year)
        if graph.value(award, CK.tier) != TIER.gold:
            assert str(through) == f"{int(year) + 2}{valid_from[4:]}"


@pytest.mark.parametrize(
    "value", ['UAB "Rūta"', "back\\slash", "two\nlines", "tab\there", "O'Brien"]
)
def test_literals_are_escaped(value: str) -> None:
    graph = Graph().parse(data=f"<urn:s> <urn:p> {text(value)} .", format="turtle")
    assert graph.value(URIRef("urn:s"), URIRef("urn:p")) == Literal(value, lang="en")


# --- validation ---------------------------------------------------------------------------------


def test_clean_data_conforms_without_warnings(clean_report: Report) -> None:
    assert clean_report.conforms
    assert [p.text() for p in clean_report.problems] == []


def test_planted_violations_are_exactly_those_listed(
    planted: Path, planted_graph: KnowledgeGraph
) -> None:
    listed = manifest(planted)["planted_violations"]
    assert len(listed) == DEFAULT_VIOLATIONS
    assert len({v["kind"] for v in listed}) == DEFAULT_VIOLATIONS, "the default repeats a kind"
    expected = expected_violations(listed)  # a kind whose shape is yet to come is not found
    assert len(expected) >= DEFAULT_VIOLATIONS - 1
    report = planted_graph.validate()
    found = [(p.focus, full_iri(p.component), p.path) for p in report.problems]
    assert all(p.severity == "Violation" for p in report.problems)
    assert len(found) == len(set(found)) == len(expected)  # one result per defect
    assert set(found) == {(v["focus"], v["component"], v["path"]) for v in expected}
    for problem in report.problems:  # located in the file the manifest names, at its subject
        entry = next(v for v in expected if v["focus"] == problem.focus)
        assert problem.file is not None and Path(problem.file).name == entry["file"]


def test_every_kind_of_violation_can_be_planted(tmp_path: Path) -> None:
    result = generate(tmp_path / "data", clusters=30, seed=2, violations=len(KINDS))
    kinds = [v["kind"] for v in manifest(tmp_path / "data")["planted_violations"]]
    assert result.planted == len(KINDS)
    assert sorted(kinds) == sorted(k.name for k in KINDS)


def test_too_many_violations_for_the_data_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(GenerateError, match="cannot plant 500 independent violations"):
        generate(tmp_path / "data", clusters=1, seed=1, violations=500)
    assert not (tmp_path / "data").exists()


# --- queries on generated data ---------------------------------------------------------------


def test_statistics_count_what_the_manifest_says(clean: Path, clean_graph: KnowledgeGraph) -> None:
    counts = manifest(clean)["counts"]
    statistics_rows = rows(clean_graph.query("statistics"))
    assert len(statistics_rows) == 12
    for metric, count, _ in statistics_rows:
        assert metric is not None and count is not None
        assert int(count) == counts[_MANIFEST_NAMES.get(metric, metric)], metric


# The manifest's names for the `statistics` rows that issue 10 renamed to say what they count.
_MANIFEST_NAMES = {"label award records": "label awards"} | {
    name: manifest_name
    for tier in ("Bronze", "Silver", "Gold")
    for name, manifest_name in (
        (f"{tier} award records", f"{tier} awards"),
        (f"{tier}-labelled clusters", f"clusters with a {tier} label"),
    )
}


def test_clusters_of_a_company_in_several_clusters(
    clean: Path, clean_graph: KnowledgeGraph
) -> None:
    graph = parse(clean, "memberships.trig")
    clusters_of: defaultdict[str, set[str]] = defaultdict(set)
    for membership in graph.subjects(RDF.type, ORG.Membership):
        company = graph.value(membership, ORG.member)
        clusters_of[str(company)].add(str(graph.value(membership, ORG.organization)))
    company = min(c for c, clusters in clusters_of.items() if len(clusters) >= 2)
    table = clean_graph.query("clusters-of-company", {"company": company})
    found = rows(table)
    assert {row[0] for row in found} == clusters_of[company]
    assert {row[table.variables.index("company")] for row in found} == {company}


def test_reported_figures_agree_with_the_awards(planted_graph: KnowledgeGraph) -> None:
    for name in ("bronze-clusters-per-country-violation", "reported-figure-violation"):
        assert rows(planted_graph.query(name)) == [], name


# --- the command --------------------------------------------------------------------------------


def test_cli_writes_the_data_set_and_prints_one_summary_line(tmp_path: Path) -> None:
    out = tmp_path / "synthetic"
    result = CliRunner().invoke(cli, ["generate", "--clusters", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert SUMMARY.fullmatch(result.stdout.strip()), result.stdout
    assert result.stderr == ""
    files = [f["name"] for f in manifest(out)["files"]]
    assert sorted([*files, MANIFEST]) == sorted(p.name for p in out.iterdir())
    folder = out.stat().st_ino
    again = CliRunner().invoke(cli, ["generate", "--clusters", "3", "-o", str(out)])
    assert again.exit_code == 0, again.output  # a previous generate's files are replaced
    assert manifest(out)["clusters"] == 3
    assert out.stat().st_ino == folder  # in place: a shell sitting in the folder stays there
    assert [p.name for p in tmp_path.iterdir()] == ["synthetic"]  # no temporary folder left


@pytest.mark.parametrize("stray", ["notes.txt", "my-cluster.ttl"])
def test_cli_refuses_a_folder_it_did_not_write(tmp_path: Path, stray: str) -> None:
    out = tmp_path / "data"
    if stray.endswith(".ttl"):  # a generated folder to which the user added a file
        generate(out, clusters=1, seed=1, violations=0)
    else:
        out.mkdir()
    (out / stray).write_text("mine\n", encoding="utf-8")
    before = contents(out)
    result = CliRunner().invoke(cli, ["generate", "--clusters", "2", "-o", str(out)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("clusterkg: error: ") and result.stderr.count("\n") == 1
    assert str(out) in result.stderr
    assert contents(out) == before


def test_the_cli_help_shows_the_generators_defaults() -> None:
    result = CliRunner().invoke(cli, ["generate", "--help"])
    assert result.exit_code == 0
    shown = " ".join(result.stdout.split())  # as wrapped to any width
    assert f"--seed INTEGER Random seed. [default: {DEFAULT_SEED}]" in shown
    assert f"MANIFEST.json). [default: {DEFAULT_VIOLATIONS}; x>=0]" in shown
