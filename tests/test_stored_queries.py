"""Golden tests for every stored query in queries/*.rq.

The expected results are written BY HAND from the source texts in sources/ — text 1
(mita-8-more-clusters-bronze-label.txt), text 2 (mita-international-recognition-bronze-labels.txt)
and public-facts.md — never copied from the program's output. Each expectation carries a comment
citing the sentence or the public-facts line it comes from; the IRIs are the ones docs/model.md
fixes for the things those sentences name.

Results are compared as sets (row order does not matter) except where a query's ORDER BY is what
is being tested (labelled-clusters, statistics, project-participants, people-and-roles,
provenance). Every stored query must register at least one golden test with @golden(...);
test_every_stored_query_has_a_golden_test checks that against the queries/ folder.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from clusterkg import KnowledgeGraph, ParameterError
from clusterkg.engine import Table

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
# A copy of ../shared/sources kept in the repository, so quotes are checked wherever tests run.
SOURCES = Path(__file__).resolve().parents[1] / "sources"

# --- IRIs (docs/model.md, "IRIs of things") ------------------------------------------------------

CKID = "https://w3id.org/clusterkg/id/"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"
NACE = "http://data.europa.eu/ux2/nace2/"


def cluster(slug: str) -> str:
    return f"{CKID}cluster/{slug}"


def organisation(slug: str) -> str:
    return f"{CKID}organisation/{slug}"


def sector(slug: str) -> str:
    return f"{CKID}sector/{slug}"


def tier(slug: str) -> str:
    return f"{CKID}tier/{slug}"


def award(slug: str) -> str:
    return f"{CKID}award/{slug}"


def person(slug: str) -> str:
    return f"{CKID}person/{slug}"


def post(slug: str) -> str:
    return f"{CKID}post/{slug}"


def role(slug: str) -> str:
    return f"{CKID}role/{slug}"


TEXT1 = f"{CKID}source/mita-8-more-clusters-bronze-label"
TEXT2 = f"{CKID}source/mita-international-recognition-bronze-labels"
INTERREG = (
    "https://www.interregeurope.eu/clusterfy/news/news-article/4743/"
    "lithuanian-clusters-received-8-bronze-labels/"
)
ACHIEVEMENTS = "https://litfoodcluster.eu/en/achievements/"
KLASTER_SETKUS = (
    "https://klaster.lt/en/director-mita-k-setkus-will-seek-ensure-maturity-"
    "internationality-10-promising-clusters"
)
PROTECH_SILVER = (
    "https://protechnology.lt/protech-coordinated-pv-industrial-technology-cluster-"
    "fetek-achieves-silver-label-of-cluster-management-excellence/"
)
FIMTP_PAGE = "http://www.fimtp.lt/en/litek1-en/"
SMARTFOOD_PAGE = "http://www.smartfoodcluster.com/about-us/"
RUTA_PAGE = "http://ruta.lt/imones-istorija"
INOLINK = f"{CKID}project/inolink"
EVIDENCE_STATED = f"{CKID}evidence/stated"
EVIDENCE_INFERRED = f"{CKID}evidence/inferred"
RUTA = organisation("ruta")

# --- Facts of the sources, written by hand --------------------------------------------------------

# text 1, "Total of 10 Bronze Labels": "FETEK, LitCare, LITEK Laser & Engineering Technologies
# Cluster, Lithuanian Automotive Export Association (LAuGEA), Lithuanian Plastic Cluster, LTFood,
# PrefabLT, Smart Food Cluster, Vilnius Film Cluster, iVita." — LTFood = National Food Cluster
# (public-facts: INFERRED "... are one and the same cluster"). Sectors: public-facts table
# "Sectors and coordinators of the ten".
SECTOR_OF: dict[str, str] = {
    "fetek": "photovoltaics",  # FETEK | photovoltaics
    "litcare": "medical-tourism",  # LitCare | medical tourism
    "litek": "lasers-and-engineering",  # LITEK | lasers and engineering
    "laugea": "automotive-components",  # LAuGEA | automotive components
    "lithuanian-plastic-cluster": "plastics",  # Lithuanian Plastic Cluster | plastics
    "national-food-cluster": "food",  # LTFood / National Food Cluster | food
    "prefablt": "prefabricated-wooden-houses",  # PrefabLT | prefabricated wooden houses
    "smart-food-cluster": "food",  # Smart Food Cluster | food (exporters)
    "vilnius-film-cluster": "film-and-audiovisual",  # Vilnius Film Cluster | film and audiovisual
    "ivita": "wellness-and-health",  # iVita | wellness and health
}
THE_TEN = set(SECTOR_OF)

# public-facts: "CONFIRMED: the eight were the Lithuanian Plastics Cluster (coordinated by LINPRA),
# iVita, Vilnius Film Cluster, Smart Food, LITEK, LAuGEA, the National Food Cluster and the
# photovoltaics cluster FETEK"; "CONFIRMED: in 2018 eight Lithuanian clusters achieved ESCA Bronze
# labels".
THE_EIGHT_OF_2018 = {
    "lithuanian-plastic-cluster",
    "ivita",
    "vilnius-film-cluster",
    "smart-food-cluster",
    "litek",
    "laugea",
    "national-food-cluster",
    "fetek",
}
# public-facts: "INFERRED: the two clusters certified before the eight are LitCare and PrefabLT"
# (text 1: "At the beginning of last year we had just 2 certified clusters").
THE_EARLIER_TWO = {"litcare", "prefablt"}
# public-facts: "CONFIRMED: FETEK and Smart Food later received Silver labels (month May, year not
# stated)".
SILVER = {"fetek", "smart-food-cluster"}

# text 2, verbatim: the sentence the Rūta memberships rest on.
# (The dashes are EN DASHes, U+2013, as in the text.)
BELONG_TO = (
    'Among other clusters that received the "Bronze Label" certificate, two clusters '
    '\u2013 the Smart Food and the National Food Cluster \u2013 belong to the "Rūta" '
    "sweets factory."
)
# text 2, verbatim: the sentence that names Rūta Gilaitienė's post.
GILAITIENE = 'According to Rūta Gilaitienė, the Head of Innovations at the "Rūta" sweets factory,'

INJECTION = 'Rūta" } UNION { ?s ?p ?o } #'

# --- Registry of golden tests --------------------------------------------------------------------

COVERED: set[str] = set()
F = TypeVar("F", bound=Callable[..., object])


def golden(*names: str) -> Callable[[F], F]:
    """Mark a test as a golden test of the stored queries `names`."""

    def mark(test: F) -> F:
        COVERED.update(names)
        return test

    return mark


# --- Fixtures and helpers ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kg() -> Iterator[KnowledgeGraph]:
    graph = KnowledgeGraph.load()
    _ = graph.engine  # load and reason once for the whole module
    yield graph


def run(kg: KnowledgeGraph, name: str, params: dict[str, str] | None = None) -> Table:
    result = kg.query(name, params)
    assert isinstance(result, Table), f"{name} is not a SELECT"
    return result


def column(table: Table, variable: str) -> list[str | None]:
    index = table.variables.index(variable)
    return [None if row[index] is None else row[index].value for row in table.rows]


def records(table: Table, *variables: str) -> list[tuple[str | None, ...]]:
    columns = [column(table, v) for v in variables]
    return list(zip(*columns, strict=True)) if columns else []


def source_text(name: str) -> str | None:
    path = SOURCES / name
    return path.read_text(encoding="utf-8") if path.is_file() else None


# =================================================================================================
# clusters-of-company
# =================================================================================================

# text 2: "two clusters - the Smart Food and the National Food Cluster - belong to the "Rūta"
# sweets factory" (public-facts: INFERRED (high confidence) Rūta is a MEMBER of both).
RUTA_CLUSTERS = {cluster("smart-food-cluster"), cluster("national-food-cluster")}


@golden("clusters-of-company")
@pytest.mark.parametrize(
    "spelling",
    ["Rūta", "ruta", "RŪTA", "Ru\u0304ta", "Ruta", "UAB Rūta", '"Rūta" sweets factory'],
    ids=["as-written", "ascii-lower", "upper", "decomposed-nfd", "ascii", "uab", "text-2-phrase"],
)
def test_clusters_of_company_ruta_food(kg: KnowledgeGraph, spelling: str) -> None:
    table = run(kg, "clusters-of-company", {"company": spelling, "sector": "food"})
    assert set(column(table, "cluster")) == RUTA_CLUSTERS
    assert len(table.rows) == 2
    assert set(column(table, "company")) == {RUTA}
    # public-facts table: both are food clusters.
    assert set(column(table, "sector")) == {sector("food")}
    assert set(column(table, "sectors")) == {"Food"}
    # text 2 names them "the Smart Food and the National Food Cluster"; text 1 "Smart Food Cluster".
    assert set(column(table, "name")) == {"Smart Food Cluster", "National Food Cluster"}


@golden("clusters-of-company")
def test_clusters_of_company_marks_inferred_memberships(kg: KnowledgeGraph) -> None:
    needs_statement_groups(kg)
    # public-facts: "INFERRED (high confidence): Rūta is a MEMBER of the Smart Food cluster and of
    # the National Food Cluster (the second text's "belong to")".
    table = run(kg, "clusters-of-company", {"company": "Rūta"})
    assert set(records(table, "cluster", "evidence")) == {(c, "inferred") for c in RUTA_CLUSTERS}


@golden("clusters-of-company")
def test_clusters_of_company_without_sector(kg: KnowledgeGraph) -> None:
    # text 2: Rūta belongs to exactly these two clusters; no other membership in any source.
    table = run(kg, "clusters-of-company", {"company": "Rūta"})
    assert set(column(table, "cluster")) == RUTA_CLUSTERS
    assert len(table.rows) == 2
    assert column(table, "sector") == [None, None]
    # ORDER BY ?name: "National…" before "Smart…".
    assert column(table, "name") == ["National Food Cluster", "Smart Food Cluster"]


@golden("clusters-of-company")
@pytest.mark.parametrize("other_sector", ["plastics", "film", "photovoltaics", "lasers"])
def test_clusters_of_company_sector_without_match(kg: KnowledgeGraph, other_sector: str) -> None:
    # Rūta's two clusters are food clusters (public-facts table), so any other sector: no rows.
    table = run(kg, "clusters-of-company", {"company": "Rūta", "sector": other_sector})
    assert table.rows == []


@golden("clusters-of-company")
@pytest.mark.parametrize("company", ["MITA", "LINPRA", "LitMEA"])
def test_clusters_of_company_non_members(kg: KnowledgeGraph, company: str) -> None:
    # No source says MITA, LINPRA or LitMEA is a MEMBER of a cluster (LINPRA coordinates the
    # plastics cluster, LitMEA manages Smart Food: public-facts table) — coordination ≠ membership.
    assert run(kg, "clusters-of-company", {"company": company}).rows == []


@golden("clusters-of-company")
@pytest.mark.parametrize("company", ["organisation:ruta", RUTA, f"<{RUTA}>"])
def test_clusters_of_company_by_curie_and_iri(kg: KnowledgeGraph, company: str) -> None:
    # docs/model.md: Rūta is ckid:organisation/ruta; CURIEs and IRIs resolve like names.
    table = run(kg, "clusters-of-company", {"company": company, "sector": "food"})
    assert set(column(table, "cluster")) == RUTA_CLUSTERS


# --- parameter resolution errors (through the Python API) ----------------------------------------


def test_unknown_company_raises(kg: KnowledgeGraph) -> None:
    with pytest.raises(ParameterError, match="Nonexistent Ltd"):
        run(kg, "clusters-of-company", {"company": "Nonexistent Ltd"})


def test_near_miss_suggests_the_name(kg: KnowledgeGraph) -> None:
    with pytest.raises(ParameterError) as raised:
        run(kg, "clusters-of-company", {"company": "Rutaa"})
    message = str(raised.value)
    assert "Rutaa" in message
    assert "Did you mean" in message
    assert "Rūta" in message


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("clusters-of-company", "company"),
        ("provenance", "subject"),
        ("cluster-profile", "cluster"),
        ("people-and-roles", "organisation"),
    ],
)
def test_injection_attempt_matches_nothing(kg: KnowledgeGraph, query: str, parameter: str) -> None:
    # The value is a name to look up, never SPARQL text: it names nothing, so ParameterError,
    # and above all no rows (a spliced `UNION { ?s ?p ?o }` would return every triple).
    with pytest.raises(ParameterError):
        kg.query(query, {parameter: INJECTION})


def test_unknown_iri_and_curie_raise(kg: KnowledgeGraph) -> None:
    with pytest.raises(ParameterError):
        run(kg, "clusters-of-company", {"company": "organisation:nonexistent"})
    with pytest.raises(ParameterError):
        run(kg, "clusters-of-company", {"company": organisation("nonexistent")})


def test_missing_and_unknown_parameters_raise(kg: KnowledgeGraph) -> None:
    with pytest.raises(ParameterError, match="company"):
        run(kg, "clusters-of-company", {})
    with pytest.raises(ParameterError, match="colour"):
        run(kg, "clusters-of-company", {"company": "Rūta", "colour": "red"})


def test_ambiguous_name_raises_and_lists_both(kg: KnowledgeGraph) -> None:
    # "Food" is a word of two cluster names (Smart Food Cluster, National Food Cluster).
    with pytest.raises(ParameterError, match="ambiguous") as raised:
        run(kg, "cluster-profile", {"cluster": "Food"})
    assert cluster("smart-food-cluster") in str(raised.value)
    assert cluster("national-food-cluster") in str(raised.value)


# =================================================================================================
# labelled-clusters
# =================================================================================================

# One row per award: (cluster slug, tier, award year, award month).
EXPECTED_AWARDS: set[tuple[str, str, str | None, str | None]] = (
    # public-facts: "CONFIRMED: in 2018 eight Lithuanian clusters achieved ESCA Bronze labels"
    {(slug, "bronze", "2018", None) for slug in THE_EIGHT_OF_2018}
    # public-facts: "INFERRED: the two clusters certified before the eight are LitCare and
    # PrefabLT" — no year stated anywhere.
    | {(slug, "bronze", None, None) for slug in THE_EARLIER_TWO}
    # public-facts: "CONFIRMED: iVita already held a Bronze label in 2016" — a label HELD in 2016,
    # award year not stated; a Bronze label is "valid 2 years", so it is not the 2018 one.
    | {("ivita", "bronze", None, None)}
    # public-facts: "CONFIRMED: FETEK and Smart Food later received Silver labels (month May, year
    # not stated)".
    | {(slug, "silver", None, "--05") for slug in SILVER}
)


def award_rows(table: Table) -> list[tuple[str | None, ...]]:
    return [
        (c.removeprefix(cluster("")) if c else None, t.removeprefix(tier("")) if t else None, y, m)
        for c, t, y, m in records(table, "cluster", "tier", "awardYear", "month")
    ]


@golden("labelled-clusters")
def test_labelled_clusters_all(kg: KnowledgeGraph) -> None:
    table = run(kg, "labelled-clusters")
    rows = award_rows(table)
    assert len(rows) == 13  # 11 Bronze + 2 Silver awards, one row each
    assert set(rows) == EXPECTED_AWARDS
    # text 1: "The European Secretariat for Cluster Analysis (ESCA) awarded 8 more clusters …";
    # text 2: "The clusters were rated and certified by the European Secretariat for Cluster
    # Analysis." Every award is ESCA's.
    assert set(column(table, "issuer")) == {organisation("esca")}
    assert set(column(table, "issuerName")) == {"ESCA"}


@golden("labelled-clusters")
def test_labelled_clusters_bronze(kg: KnowledgeGraph) -> None:
    table = run(kg, "labelled-clusters", {"tier": "bronze"})
    rows = award_rows(table)
    assert {r for r in rows} == {r for r in EXPECTED_AWARDS if r[1] == "bronze"}
    # text 1: "Total of 10 Bronze Labels" — ten clusters (LTFood = National Food Cluster: not 11).
    assert {c for c, *_ in rows} == THE_TEN
    # public-facts: the eight of 2018.
    assert {c for c, _, year, _ in rows if year == "2018"} == THE_EIGHT_OF_2018
    assert sum(1 for *_, year, _ in rows if year == "2018") == 8


def needs_statement_groups(kg: KnowledgeGraph) -> None:
    """The build keeps each statement group's graph (docs/model.md): the sources and evidence of
    a triple are read from the groups that hold it."""
    groups = kg.sparql(
        "ASK { GRAPH ?g { ?s ?p ?o } ?g a <https://w3id.org/clusterkg/ontology#StatementGroup> }"
    )
    assert isinstance(groups, Table) and groups.boolean, "the build keeps no statement groups"


@golden("labelled-clusters")
def test_labelled_clusters_bronze_sources(kg: KnowledgeGraph) -> None:
    needs_statement_groups(kg)
    table = run(kg, "labelled-clusters", {"tier": "Bronze Label"})
    sources = {a: set((s or "").split()) for a, s in records(table, "award", "sources")}
    # The sources of the award's tier statement, not of the award as a whole (data model 2):
    for slug in THE_EIGHT_OF_2018:
        # public-facts CONFIRMED: the achievements page names the eight Bronze-labelled clusters.
        assert ACHIEVEMENTS in sources[award(f"{slug}-bronze-2018")], slug
        # the Interreg page confirms the year 2018, not which clusters: it is no source of a tier.
        assert INTERREG not in sources[award(f"{slug}-bronze-2018")], slug
    # text 1: Paužolis, "the coordinator of Laser & Engineering Technologies Cluster, which
    # recently was awarded with the Bronze Label"; text 2: "two clusters - the Smart Food and the
    # National Food Cluster" among those that received the "Bronze Label" certificate.
    assert TEXT1 in sources[award("litek-bronze-2018")]
    for slug in ("smart-food-cluster", "national-food-cluster"):
        assert TEXT2 in sources[award(f"{slug}-bronze-2018")], slug
    assert TEXT1 not in sources[award("fetek-bronze-2018")]  # text 1 does not name FETEK's
    # the klaster.lt page is where "iVita already held a Bronze label in 2016" comes from.
    assert KLASTER_SETKUS in sources[award("ivita-bronze-2016")]
    for slug in THE_EARLIER_TWO:
        # text 1: "At the beginning of last year we had just 2 certified clusters".
        assert TEXT1 in sources[award(f"{slug}-bronze")], slug


@golden("labelled-clusters")
def test_labelled_clusters_silver(kg: KnowledgeGraph) -> None:
    table = run(kg, "labelled-clusters", {"tier": "silver"})
    # public-facts: "FETEK and Smart Food later received Silver labels (month May, year not stated)"
    assert set(award_rows(table)) == {(slug, "silver", None, "--05") for slug in SILVER}


@golden("labelled-clusters")
def test_labelled_clusters_evidence_and_sources(kg: KnowledgeGraph) -> None:
    needs_statement_groups(kg)
    table = run(kg, "labelled-clusters")
    evidence = {
        a.removeprefix(award("")): set((e or "").split(", "))
        for a, e in records(table, "award", "evidence")
        if a
    }
    sources = {a: s for a, s in records(table, "award", "sources")}
    # public-facts: "INFERRED: the two clusters certified before the eight are LitCare and
    # PrefabLT (by elimination; no page names them)": never printed like a confirmed award.
    for slug in THE_EARLIER_TWO:
        assert "inferred" in evidence[f"{slug}-bronze"], slug
        assert "confirmed" not in evidence[f"{slug}-bronze"], slug
    # public-facts: "CONFIRMED: in 2018 eight Lithuanian clusters achieved ESCA Bronze labels"
    # and "CONFIRMED: the eight were …".
    for slug in THE_EIGHT_OF_2018:
        assert "confirmed" in evidence[f"{slug}-bronze-2018"], slug
        assert "inferred" not in evidence[f"{slug}-bronze-2018"], slug
    # public-facts: "CONFIRMED: iVita already held a Bronze label in 2016" (klaster.lt) and
    # "CONFIRMED: FETEK and Smart Food later received Silver labels" (protechnology.lt): one page
    # each, no source text.
    assert evidence["ivita-bronze-2016"] == {"confirmed"}
    assert sources[award("ivita-bronze-2016")] == KLASTER_SETKUS
    for slug in SILVER:
        assert evidence[f"{slug}-silver"] == {"confirmed"}
        assert sources[award(f"{slug}-silver")] == PROTECH_SILVER


@golden("labelled-clusters")
@pytest.mark.parametrize("year", ["2018", " 2018 "])
def test_labelled_clusters_of_a_year(kg: KnowledgeGraph, year: str) -> None:
    # public-facts: "CONFIRMED: in 2018 eight Lithuanian clusters achieved ESCA Bronze labels";
    # no other award has a known year (iVita's 2016 is a year it HELD the label).
    table = run(kg, "labelled-clusters", {"year": year})
    assert set(award_rows(table)) == {(slug, "bronze", "2018", None) for slug in THE_EIGHT_OF_2018}


@golden("labelled-clusters")
@pytest.mark.parametrize("year", ["2016", "2019", "2020"])
def test_labelled_clusters_of_a_year_without_awards(kg: KnowledgeGraph, year: str) -> None:
    # 2016: iVita held a Bronze then, its award year is unknown. 2019, 2020: the Silvers' year is
    # not stated (public-facts: "month May, year not stated").
    assert run(kg, "labelled-clusters", {"year": year}).rows == []


@golden("labelled-clusters")
@pytest.mark.parametrize(("value", "words"), [("18", "not a year"), ("2019-6-1", "not a date")])
def test_labelled_clusters_refuse_a_malformed_year_or_date(
    kg: KnowledgeGraph, value: str, words: str
) -> None:
    name = "year" if words == "not a year" else "date"
    with pytest.raises(ParameterError, match=words):
        run(kg, "labelled-clusters", {name: value})


def needs_validity(kg: KnowledgeGraph) -> None:
    """Skip unless the awards record their validity (schema:validFrom/validThrough)."""
    found = kg.sparql("ASK { ?award <https://schema.org/validFrom> ?from }")
    if not (isinstance(found, Table) and found.boolean):
        pytest.skip("the data records no label validity yet")


@golden("labelled-clusters")
def test_labelled_clusters_current_in_mid_2019(kg: KnowledgeGraph) -> None:
    needs_validity(kg)
    table = run(kg, "labelled-clusters", {"date": "2019-06-01"})
    current = {a.removeprefix(award("")): c for a, c in records(table, "award", "current") if a}
    # public-facts: ESCA labels are "valid 2 years from the month of the interview"; the eight
    # were awarded in 2018 (CONFIRMED), so each is valid from a month of 2018 to that month of
    # 2020: on 1 June 2019 surely current.
    for slug in THE_EIGHT_OF_2018:
        assert current[f"{slug}-bronze-2018"] == "yes", slug
    # The others' dates are not known to the day: none of them is surely current. (iVita's label
    # held in 2016 lapsed by the end of 2018 at the latest; the Silvers' year is not stated;
    # LitCare's and PrefabLT's were current at the beginning of 2018, text 1.)
    others = {a: c for a, c in current.items() if not a.endswith("-2018")}
    assert set(others.values()) <= {"possibly", "unknown"}
    assert {"litcare-bronze", "prefablt-bronze"} <= set(others)


@golden("labelled-clusters")
def test_labelled_clusters_lapsed_by_2021(kg: KnowledgeGraph) -> None:
    needs_validity(kg)
    table = run(kg, "labelled-clusters", {"date": "2021-01-01"})
    listed = {a.removeprefix(award("")) for a in column(table, "award") if a}
    # Valid two years from a month of 2018: lapsed by 1 January 2021 at the latest.
    assert not {f"{slug}-bronze-2018" for slug in THE_EIGHT_OF_2018} & listed


@golden("labelled-clusters")
def test_labelled_clusters_gold(kg: KnowledgeGraph) -> None:
    # text 2: gold can "eventually" follow silver; no source reports a Gold label. (Šetkus's
    # "at least 2 clusters will get Silver Labels this year" is a forecast, not an award.)
    assert run(kg, "labelled-clusters", {"tier": "gold"}).rows == []


@golden("labelled-clusters")
def test_labelled_clusters_order(kg: KnowledgeGraph) -> None:
    # ORDER BY LCASE(?name) DESC(?rank) ?year ?award: names case-insensitively ("iVita" after
    # "FETEK"); within a cluster Silver before Bronze; an award without a year (iVita's label held
    # in 2016) sorts before one with a year (unbound sorts lowest).
    table = run(kg, "labelled-clusters")
    assert column(table, "award") == [
        award("fetek-silver"),
        award("fetek-bronze-2018"),
        award("ivita-bronze-2016"),
        award("ivita-bronze-2018"),
        award("litcare-bronze"),
        award("litek-bronze-2018"),
        award("laugea-bronze-2018"),
        award("lithuanian-plastic-cluster-bronze-2018"),
        award("national-food-cluster-bronze-2018"),
        award("prefablt-bronze"),
        award("smart-food-cluster-silver"),
        award("smart-food-cluster-bronze-2018"),
        award("vilnius-film-cluster-bronze-2018"),
    ]


# =================================================================================================
# next-label
# =================================================================================================


@golden("next-label")
@pytest.mark.parametrize("slug", sorted(THE_TEN))
def test_next_label(kg: KnowledgeGraph, slug: str) -> None:
    # text 2: "The bronze label can be earned first, and it can be followed by the silver and
    # eventually the gold label." public-facts: FETEK and Smart Food "later received Silver
    # labels"; all ten hold Bronze (text 1: "Total of 10 Bronze Labels").
    current, following = ("silver", "gold") if slug in SILVER else ("bronze", "silver")
    table = run(kg, "next-label", {"cluster": f"cluster:{slug}"})
    assert records(table, "cluster", "currentTier", "nextTier") == [
        (cluster(slug), tier(current), tier(following))
    ]
    assert column(table, "currentTierName") == [current.capitalize()]
    assert column(table, "nextTierName") == [following.capitalize()]


@golden("next-label")
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("FETEK", ("fetek", "Silver", "Gold")),  # public-facts: FETEK Silver (May)
        ("Smart Food", ("smart-food-cluster", "Silver", "Gold")),  # text 2 "the Smart Food"
        # text 1: Paužolis's "Laser & Engineering Technologies Cluster, which recently was
        # awarded with the Bronze Label" — Bronze only, so Silver is next.
        ("Laser & Engineering Technologies Cluster", ("litek", "Bronze", "Silver")),
        ("LTFood", ("national-food-cluster", "Bronze", "Silver")),  # text 1 list name
    ],
)
def test_next_label_by_name(kg: KnowledgeGraph, name: str, expected: tuple[str, str, str]) -> None:
    slug, current, following = expected
    table = run(kg, "next-label", {"cluster": name})
    assert records(table, "cluster", "currentTierName", "nextTierName") == [
        (cluster(slug), current, following)
    ]


@golden("next-label")
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # public-facts: LITEK's only label is the Bronze of 2018, "valid 2 years from the month of
        # the interview": lapsed by mid-2021, and a lapsed Bronze is no step to Silver.
        ("LITEK", (None, "Bronze", "Bronze")),
        # Smart Food's Silver (May, year not stated) has no known end: it counts as held; its
        # Bronze of 2018 has lapsed.
        ("Smart Food Cluster", ("Silver", "Gold", "Bronze")),
    ],
)
def test_next_label_after_lapse(
    kg: KnowledgeGraph, name: str, expected: tuple[str | None, str, str]
) -> None:
    needs_validity(kg)
    table = run(kg, "next-label", {"cluster": name, "date": "2021-06-01"})
    assert records(table, "currentTierName", "nextTierName", "lapsedTierName") == [expected]


# =================================================================================================
# project-participants
# =================================================================================================


@golden("project-participants")
@pytest.mark.parametrize(
    "project",
    ["InoLink", "inolink", "Promotion and Development of Innovation Networking", "project:inolink"],
)
def test_project_participants_inolink(kg: KnowledgeGraph, project: str) -> None:
    table = run(kg, "project-participants", {"project": project})
    expected = {
        # text 1: "(InoLink) which is coordinated by MITA"; public-facts: "coordinator MITA".
        ("coordinator", organisation("mita")),
        # text 1: "implemented together with the Lithuanian Innovation Centre (LIC)";
        # public-facts: "partner Lithuanian Innovation Centre (LIC)".
        ("partner", organisation("lic")),
        # text 1: "funded by the European Fund for Regional Development"; public-facts: "funded by
        # the ERDF under the "Inogeb LT" measure".
        ("funder", f"{CKID}funder/erdf"),
        ("funding programme", f"{CKID}funding-scheme/inogeb-lt"),
    } | {
        # text 1: "All 8 Lithuanian clusters that were recently benchmarked take part in the
        # project"; which eight: public-facts "the eight were …".
        ("participant", cluster(slug))
        for slug in THE_EIGHT_OF_2018
    }
    rows = records(table, "role", "organisation")
    assert len(rows) == 12
    assert set(rows) == expected
    assert set(column(table, "project")) == {INOLINK}
    # ORDER BY ?order: coordinator, partner, funder, funding programme, then the participants.
    assert column(table, "role") == [
        "coordinator",
        "partner",
        "funder",
        "funding programme",
        *["participant"] * 8,
    ]
    # LitCare and PrefabLT were certified before the eight, so not among the participants.
    assert not {cluster(s) for s in THE_EARLIER_TWO} & set(column(table, "organisation"))


# =================================================================================================
# people-and-roles
# =================================================================================================

# (person, post, role, organisation)
SETKUS = (
    # text 1: "says Kęstutis Šetkus, Director of Lithuanian Agency for Science, Innovation and
    # Technology" (public-facts: MITA = "Agency for Science, Innovation and Technology").
    person("kestutis-setkus"),
    post("mita-director"),
    role("director"),
    organisation("mita"),
)
PAUZOLIS = (
    # text 1: "says Julius Paužolis, the coordinator of Laser & Engineering Technologies Cluster"
    person("julius-pauzolis"),
    post("litek-coordinator"),
    role("cluster-coordinator"),
    cluster("litek"),
)
GILAITIENE_POST = (
    # text 2: "According to Rūta Gilaitienė, the Head of Innovations at the "Rūta" sweets factory"
    person("ruta-gilaitiene"),
    post("ruta-head-of-innovations"),
    role("head-of-innovations"),
    RUTA,
)


@golden("people-and-roles")
def test_people_and_roles_all(kg: KnowledgeGraph) -> None:
    table = run(kg, "people-and-roles")
    assert set(records(table, "person", "post", "role", "organisation")) == {
        SETKUS,
        PAUZOLIS,
        GILAITIENE_POST,
    }
    assert len(table.rows) == 3
    # The names as the texts write them, with their accents, and the roles by name: text 1
    # "Director", "the coordinator of Laser & Engineering Technologies Cluster"; text 2 "the Head
    # of Innovations".
    assert set(records(table, "name", "roleName")) == {
        ("Kęstutis Šetkus", "Director"),
        ("Julius Paužolis", "Cluster coordinator"),
        ("Rūta Gilaitienė", "Head of Innovations"),
    }
    # Names first: what a reader reads before the IRIs.
    assert table.variables[:3] == ["name", "roleName", "organisationName"]


@golden("people-and-roles")
@pytest.mark.parametrize(
    ("organisation_name", "expected"),
    [
        ("MITA", SETKUS),
        ("Agency of Science, Innovation and Technology", SETKUS),  # text 2's spelling
        ("LITEK", PAUZOLIS),
        ("Rūta", GILAITIENE_POST),
    ],
)
def test_people_and_roles_of_one_organisation(
    kg: KnowledgeGraph, organisation_name: str, expected: tuple[str, str, str, str]
) -> None:
    table = run(kg, "people-and-roles", {"organisation": organisation_name})
    assert records(table, "person", "post", "role", "organisation") == [expected]


@golden("people-and-roles")
def test_people_and_roles_of_organisation_without_people(kg: KnowledgeGraph) -> None:
    # No source names a person of the Smart Food Cluster or of ESCA.
    assert run(kg, "people-and-roles", {"organisation": "Smart Food Cluster"}).rows == []
    assert run(kg, "people-and-roles", {"organisation": "ESCA"}).rows == []


# =================================================================================================
# cluster-profile
# =================================================================================================


def profile(kg: KnowledgeGraph, name: str) -> dict[str, set[tuple[str | None, str | None]]]:
    table = run(kg, "cluster-profile", {"cluster": name})
    facts: dict[str, set[tuple[str | None, str | None]]] = {}
    for _, aspect, value, detail in records(table, "cluster", "aspect", "value", "detail"):
        assert aspect is not None
        facts.setdefault(aspect, set()).add((value, detail))
    return facts


def values_of(facts: dict[str, set[tuple[str | None, str | None]]], aspect: str) -> set[str | None]:
    return {value for value, _ in facts.get(aspect, set())}


@golden("cluster-profile")
@pytest.mark.parametrize(
    "name", ["LITEK", "litek", "LITEK Laser & Engineering Technologies Cluster", "cluster:litek"]
)
def test_cluster_profile_litek(kg: KnowledgeGraph, name: str) -> None:
    table = run(kg, "cluster-profile", {"cluster": name})
    assert set(column(table, "cluster")) == {cluster("litek")}
    facts = profile(kg, name)
    # text 1 list: "LITEK Laser & Engineering Technologies Cluster"
    assert values_of(facts, "name") == {"LITEK Laser & Engineering Technologies Cluster"}
    # text 1 also says "Laser & Engineering Technologies Cluster"; public-facts calls it LITEK.
    assert {"LITEK", "Laser & Engineering Technologies Cluster"} <= values_of(
        facts, "alternative name"
    )
    # public-facts table: "LITEK | lasers and engineering | coordinated by FIMTP"
    assert values_of(facts, "sector") == {sector("lasers-and-engineering")}
    assert values_of(facts, "coordinating organisation") == {organisation("fimtp")}
    # text 1: "Julius Paužolis, the coordinator of Laser & Engineering Technologies Cluster"
    assert values_of(facts, "person") == {person("julius-pauzolis")}
    # No source names a member of LITEK.
    assert values_of(facts, "member") == set()
    # public-facts: LITEK is one of the eight Bronze labels of 2018; no Silver for LITEK.
    assert facts["label award"] == {(award("litek-bronze-2018"), "Bronze 2018")}
    # text 1: "All 8 Lithuanian clusters that were recently benchmarked take part in … (InoLink)"
    assert values_of(facts, "project") == {INOLINK}
    assert set(facts) - {"source"} == {
        "name",
        "alternative name",
        "sector",
        "coordinating organisation",
        "person",
        "label award",
        "project",
    }
    needs_statement_groups(kg)
    # The sources of the statements about LITEK: named in text 1's list; the FIMTP page of the
    # public-facts table (acronym, coordinator). (The Interreg page gives only the number 8, no
    # names: it supports the award's year, a statement about the award, not about LITEK.)
    assert {TEXT1, FIMTP_PAGE} <= values_of(facts, "source")
    assert INTERREG not in values_of(facts, "source")


@golden("cluster-profile")
def test_cluster_profile_smart_food(kg: KnowledgeGraph) -> None:
    facts = profile(kg, "Smart Food Cluster")
    assert values_of(facts, "name") == {"Smart Food Cluster"}  # text 1 list
    assert "Smart Food" in values_of(facts, "alternative name")  # text 2: "the Smart Food"
    assert values_of(facts, "sector") == {sector("food")}  # public-facts table
    # public-facts: "Smart Food is managed by LitMEA, the Lithuanian Food Exporters Association"
    assert values_of(facts, "coordinating organisation") == {organisation("litmea")}
    # text 2 "belong to the "Rūta" sweets factory": membership (its evidence: below).
    assert values_of(facts, "member") == {RUTA}
    # public-facts: Bronze in 2018 (one of the eight) and a later Silver (May, year not stated).
    assert facts["label award"] == {
        (award("smart-food-cluster-bronze-2018"), "Bronze 2018"),
        (award("smart-food-cluster-silver"), "Silver (month 05)"),
    }
    assert values_of(facts, "project") == {INOLINK}
    assert values_of(facts, "person") == set()
    needs_statement_groups(kg)
    # public-facts: the membership is INFERRED (high confidence).
    assert facts["member"] == {(RUTA, "evidence: Inferred")}
    # The statements about the cluster: text 1 (its name in the list), text 2 ("the Smart Food"),
    # smartfoodcluster about-us (managed by LitMEA). (The Silver's page, protechnology.lt, supports
    # the award, a statement about the award.)
    assert {TEXT1, TEXT2, SMARTFOOD_PAGE} <= values_of(facts, "source")
    assert PROTECH_SILVER not in values_of(facts, "source")


@golden("cluster-profile")
def test_cluster_profile_ltfood_is_national_food_cluster(kg: KnowledgeGraph) -> None:
    # public-facts: INFERRED "National Food Cluster" (NaMŪK) and "LTFood" are one cluster.
    table = run(kg, "cluster-profile", {"cluster": "LTFood"})
    assert set(column(table, "cluster")) == {cluster("national-food-cluster")}
    facts = profile(kg, "LTFood")
    assert values_of(facts, "name") == {"National Food Cluster"}
    assert {"LTFood", "NaMŪK", "Nacionalinis maisto ūkio klasteris"} <= values_of(
        facts, "alternative name"
    )
    assert values_of(facts, "member") == {RUTA}  # text 2
    assert facts["label award"] == {(award("national-food-cluster-bronze-2018"), "Bronze 2018")}
    # public-facts table: no coordinator is named for the National Food Cluster.
    assert values_of(facts, "coordinating organisation") == set()
    needs_statement_groups(kg)
    assert facts["member"] == {(RUTA, "evidence: Inferred")}  # public-facts: INFERRED


@golden("cluster-profile")
def test_cluster_profile_fetek_and_ivita_awards(kg: KnowledgeGraph) -> None:
    fetek = profile(kg, "FETEK")
    # public-facts: FETEK "coordinated by ProTech"; Bronze 2018 and a later Silver.
    assert values_of(fetek, "coordinating organisation") == {organisation("protech")}
    assert fetek["label award"] == {
        (award("fetek-bronze-2018"), "Bronze 2018"),
        (award("fetek-silver"), "Silver (month 05)"),
    }
    ivita = profile(kg, "iVita")
    # public-facts: Bronze in 2018, and "already held a Bronze label in 2016" (award year unknown).
    assert ivita["label award"] == {
        (award("ivita-bronze-2018"), "Bronze 2018"),
        (award("ivita-bronze-2016"), "Bronze (held in 2016)"),
    }


# =================================================================================================
# clusters-by-sector
# =================================================================================================


@golden("clusters-by-sector")
@pytest.mark.parametrize("name", ["food", "Food", "food industry", "sector:food"])
def test_clusters_by_sector_food(kg: KnowledgeGraph, name: str) -> None:
    table = run(kg, "clusters-by-sector", {"sector": name})
    # public-facts table: the two food clusters are LTFood / National Food Cluster and Smart Food.
    assert set(records(table, "sector", "cluster")) == {
        (sector("food"), cluster("national-food-cluster")),
        (sector("food"), cluster("smart-food-cluster")),
    }
    assert len(table.rows) == 2
    # public-facts: "/10 food" (NACE Rev. 2, a modelling choice linked with skos:closeMatch).
    assert set(column(table, "nace")) == {f"{NACE}10"}
    assert column(table, "name") == ["National Food Cluster", "Smart Food Cluster"]  # ORDER BY


@golden("clusters-by-sector")
def test_clusters_by_sector_all(kg: KnowledgeGraph) -> None:
    table = run(kg, "clusters-by-sector")
    # public-facts table "Sectors and coordinators of the ten": one sector per cluster; and our
    # own grouping (ontology/reference/sectors.ttl) lists LitCare and iVita under health too.
    assert set(records(table, "cluster", "sector", "clusterSector")) == {
        (cluster(slug), sector(sector_slug), sector(sector_slug))
        for slug, sector_slug in SECTOR_OF.items()
    } | {
        (cluster("litcare"), sector("health"), sector("medical-tourism")),
        (cluster("ivita"), sector("health"), sector("wellness-and-health")),
    }
    assert len(table.rows) == 12
    nace = {c: n for c, n in records(table, "cluster", "nace")}
    # public-facts: "e.g. /10 food, /22 plastics, /59 film".
    assert nace[cluster("lithuanian-plastic-cluster")] == f"{NACE}22"
    assert nace[cluster("vilnius-film-cluster")] == f"{NACE}59"
    assert nace[cluster("smart-food-cluster")] == f"{NACE}10"


@golden("clusters-by-sector")
@pytest.mark.parametrize("name", ["health", "Health", "sector:health", "healthcare"])
def test_clusters_by_sector_health_follows_the_hierarchy(kg: KnowledgeGraph, name: str) -> None:
    table = run(kg, "clusters-by-sector", {"sector": name})
    # public-facts table: LitCare | medical tourism, iVita | wellness and health; both narrower
    # than health in our grouping (skos:broader, ontology/reference/sectors.ttl).
    assert records(table, "cluster", "clusterSectorName") == [
        (cluster("ivita"), "Wellness and health"),
        (cluster("litcare"), "Medical tourism"),
    ]
    assert set(column(table, "sector")) == {sector("health")}
    assert set(column(table, "sectorName")) == {"Health"}


@golden("clusters-by-sector")
def test_clusters_by_sector_narrower_sector_alone(kg: KnowledgeGraph) -> None:
    # A narrower sector lists its own clusters only: medical tourism is LitCare's (public-facts).
    table = run(kg, "clusters-by-sector", {"sector": "medical tourism"})
    assert column(table, "cluster") == [cluster("litcare")]


@golden("clusters-by-sector")
@pytest.mark.parametrize(
    ("name", "slug"),
    [("plastics", "lithuanian-plastic-cluster"), ("film", "vilnius-film-cluster"), ("PV", "fetek")],
)
def test_clusters_by_sector_single(kg: KnowledgeGraph, name: str, slug: str) -> None:
    # public-facts table: one plastics, one film, one photovoltaics cluster.
    table = run(kg, "clusters-by-sector", {"sector": name})
    assert column(table, "cluster") == [cluster(slug)]


# =================================================================================================
# provenance
# =================================================================================================

PROVENANCE_COLUMNS = ("about", "property", "value", "evidence", "sources", "quotes", "reasoning")
TEXT1_TITLE = "8 more clusters in Lithuania awarded with Bronze Label of Excellence"
TEXT2_TITLE = "The international recognition will facilitate the business development abroad"
PROTECH_PAGE = "https://protechnology.lt/about-us/open-innovation-hub/"
ACHIEVEMENTS_PAGE = "https://litfoodcluster.eu/en/achievements/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS_PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
CK = "https://w3id.org/clusterkg/ontology#"


def statements(kg: KnowledgeGraph, subject: str) -> dict[tuple[str, str, str], dict[str, str]]:
    """provenance's rows by statement (about, property, value): its evidence, sources, quotes."""
    table = run(kg, "provenance", {"subject": subject})
    found: dict[tuple[str, str, str], dict[str, str]] = {}
    for about, prop, value, *support in records(table, *PROVENANCE_COLUMNS):
        assert about and prop and value is not None
        key = (about, prop, value)
        assert key not in found, f"one row per statement: {key} twice"
        found[key] = dict(zip(PROVENANCE_COLUMNS[3:], (s or "" for s in support), strict=True))
    return found


def sources_of(support: dict[str, str]) -> set[str]:
    return set(filter(None, support["sources"].split(" | ")))


@golden("provenance")
def test_provenance_credits_each_fetek_statement_only_to_its_own_sources(
    kg: KnowledgeGraph,
) -> None:
    fetek = cluster("fetek")
    found = statements(kg, "FETEK")
    # text 1 lists FETEK among the ten benchmarked clusters: its name and type rest on text 1 alone.
    for key in ((fetek, SKOS_PREF_LABEL, "FETEK"), (fetek, RDF_TYPE, f"{CK}Cluster")):
        assert found[key]["evidence"] == "stated"
        assert sources_of(found[key]) == {TEXT1_TITLE}
    # public-facts: "FETEK | photovoltaics | coordinated by ProTech … | protechnology.lt/about-us/…"
    coordinator = found[(fetek, f"{CK}coordinator", organisation("protech"))]
    assert coordinator["evidence"] == "confirmed"
    assert sources_of(coordinator) == {PROTECH_PAGE}
    # the sector: that table row, and the achievements page ("the photovoltaics cluster FETEK")
    sector_support = found[(fetek, f"{CK}sector", sector("photovoltaics"))]
    assert sources_of(sector_support) == {PROTECH_PAGE, ACHIEVEMENTS_PAGE}
    # nothing about FETEK itself rests on text 2, which does not name it, but the inferred
    # reading of its "eight clusters managed by the Agency"
    for (about, prop, _), support in found.items():
        if about == fetek and TEXT2_TITLE in sources_of(support):
            assert prop == f"{CK}managedByAgency" and support["evidence"] == "inferred"
            assert support["reasoning"]
    # the node-level provenance of data model 1 is gone
    assert not any(p == "http://www.w3.org/ns/prov#wasDerivedFrom" for _, p, _ in found)


@golden("provenance")
def test_provenance_marks_what_the_reasoner_derived(kg: KnowledgeGraph) -> None:
    fetek = cluster("fetek")
    found = statements(kg, "FETEK")
    # ck:hasAward is the inverse of ck:awardedTo: derived, never written in data/
    entailed = found[(fetek, f"{CK}hasAward", award("fetek-bronze-2018"))]
    assert entailed["evidence"] == "entailed" and not sources_of(entailed)
    assert "reasoner" in entailed["reasoning"]
    for support in found.values():
        assert support["evidence"] in {"stated", "confirmed", "inferred", "entailed"} or (
            set(support["evidence"].split(", ")) <= {"stated", "confirmed", "inferred"}
        )
        # a statement with evidence has sources, except what the reasoner derived
        assert bool(sources_of(support)) == (support["evidence"] != "entailed")


@golden("provenance")
@pytest.mark.parametrize("subject", ["Rūta", "organisation:ruta"])
def test_provenance_ruta(kg: KnowledgeGraph, subject: str) -> None:
    found = statements(kg, subject)
    # public-facts CONFIRMED: UAB "Rūta", a sweets factory in Šiauliai founded 1913 — ruta.lt;
    # text 2 names the factory but says neither its town nor its year.
    for key in ((RUTA, f"{SCHEMA}foundingDate", "1913"), (RUTA, f"{SCHEMA}location", "Šiauliai")):
        assert found[key]["evidence"] == "confirmed"
        assert sources_of(found[key]) == {RUTA_PAGE}
    # text 2: "two clusters - the Smart Food and the National Food Cluster - belong to the "Rūta"
    # sweets factory"; public-facts: INFERRED that Rūta is a member of both.
    for slug in ("smart-food-cluster", "national-food-cluster"):
        membership = f"{CKID}membership/ruta-{slug}"
        support = found[(membership, f"{ORG}organization", cluster(slug))]
        assert support["evidence"] == "inferred" and support["reasoning"]
        assert TEXT2_TITLE in sources_of(support)
        assert "belong to" in support["quotes"]
        # the reasoner's org:memberOf from the membership is marked, not passed off as stated
        assert found[(RUTA, f"{ORG}memberOf", cluster(slug))]["evidence"] == "entailed"


@golden("provenance")
@pytest.mark.parametrize(
    "subject",
    [*sorted(f"cluster:{slug}" for slug in THE_TEN), "Rūta", "MITA", "InoLink", "Kęstutis Šetkus"],
)
def test_provenance_quotes_are_verbatim(kg: KnowledgeGraph, subject: str) -> None:
    # docs/model.md: a quote is the exact words of its source. Quotes of the two texts must occur
    # word for word in them.
    texts = [
        source_text("mita-8-more-clusters-bronze-label.txt"),
        source_text("mita-international-recognition-bronze-labels.txt"),
    ]
    assert None not in texts, f"source texts missing from {SOURCES}"
    for support in statements(kg, subject).values():
        if not sources_of(support) <= {TEXT1_TITLE, TEXT2_TITLE} or not support["quotes"]:
            continue
        for quote in support["quotes"].split(" | "):
            assert any(quote in text for text in texts if text), quote


@golden("provenance")
def test_provenance_award_evidence(kg: KnowledgeGraph) -> None:
    # public-facts: "INFERRED: the two clusters certified before the eight are LitCare and PrefabLT"
    found = statements(kg, "LitCare")
    tiers = [s for (a, p, _), s in found.items() if p == f"{CK}tier" and a != cluster("litcare")]
    assert tiers and all(s["evidence"] == "inferred" and s["reasoning"] for s in tiers)


# =================================================================================================
# statistics
# =================================================================================================

EXPECTED_STATISTICS: list[tuple[str, int]] = [
    # text 1: "Total of 10 Bronze Labels" — ten clusters listed (LTFood = National Food Cluster).
    ("clusters", 10),
    # text 2: the only company the sources name is the "Rūta" sweets factory.
    ("companies", 1),
    # Šetkus (text 1), Paužolis (text 1), Gilaitienė (text 2).
    ("people", 3),
    # text 2: Rūta belongs to two clusters.
    ("memberships", 2),
    # text 1: InoLink is the one project.
    ("projects", 1),
    # 11 Bronze + 2 Silver, see below.
    ("label award records", 13),
    # Bronze: 8 of 2018 (public-facts CONFIRMED) + the 2 certified before (text 1 "just 2
    # certified clusters"; public-facts INFERRED LitCare, PrefabLT) + iVita's label held in 2016
    # (public-facts CONFIRMED; valid 2 years, so a separate, earlier award) = 11 award records.
    ("Bronze award records", 11),
    # public-facts: FETEK and Smart Food later received Silver labels.
    ("Silver award records", 2),
    ("Gold award records", 0),
    # text 1: "Total of 10 Bronze Labels" — iVita's two awards count once: 10 clusters, not 11.
    ("Bronze-labelled clusters", 10),
    ("Silver-labelled clusters", 2),
    ("Gold-labelled clusters", 0),
]


@golden("statistics")
def test_statistics(kg: KnowledgeGraph) -> None:
    table = run(kg, "statistics")
    counts = [(m, int(c)) for m, c in records(table, "metric", "count") if m and c]
    assert dict(counts) == dict(EXPECTED_STATISTICS)
    # ORDER BY ?order: the order above is part of the query's contract.
    assert [m for m, _ in counts] == [m for m, _ in EXPECTED_STATISTICS]


@golden("statistics")
def test_statistics_say_what_they_count(kg: KnowledgeGraph) -> None:
    # issue 10: no unexplained number. Every row says what it counts; the two Bronze rows say
    # apart what makes 11 and what makes 10.
    what = dict(records(run(kg, "statistics"), "metric", "what"))
    assert all(what.values()), what
    assert what["Bronze award records"] == (
        "awards of the Bronze tier; a cluster awarded it twice counts twice"
    )
    assert what["Bronze-labelled clusters"] == (
        "distinct clusters with at least one Bronze award, current or lapsed"
    )
    assert what["clusters"] == "distinct clusters (ck:Cluster)"


# =================================================================================================
# bronze-clusters-per-country-violation, reported-figure-violation (consistency checks)
# =================================================================================================

# A copy of the facts in which "LTFood" is wrongly recorded as an 11th cluster, with its own
# Bronze award, next to the National Food Cluster — the mistake public-facts warns about.
SPLIT_LTFOOD = """
@prefix ck:      <https://w3id.org/clusterkg/ontology#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix schema:  <https://schema.org/> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix ckid:    <https://w3id.org/clusterkg/id/> .
<https://w3id.org/clusterkg/id/cluster/ltfood> a ck:Cluster ;
    skos:prefLabel "LTFood"@en ;
    ck:country <http://publications.europa.eu/resource/authority/country/LTU> ;
    prov:wasDerivedFrom <https://w3id.org/clusterkg/id/source/mita-8-more-clusters-bronze-label> .
<https://w3id.org/clusterkg/id/award/ltfood-bronze-2018> a ck:LabelAward ;
    ck:awardedTo <https://w3id.org/clusterkg/id/cluster/ltfood> ;
    ck:tier <https://w3id.org/clusterkg/id/tier/bronze> ;
    schema:issuedBy <https://w3id.org/clusterkg/id/organisation/esca> ;
    prov:wasDerivedFrom <https://w3id.org/clusterkg/id/source/mita-8-more-clusters-bronze-label> .
<https://w3id.org/clusterkg/id/figure/benchmarked-clusters-in-lithuania>
    ck:about <https://w3id.org/clusterkg/id/cluster/ltfood> .
"""
FIGURE_TEN = f"{CKID}figure/benchmarked-clusters-in-lithuania"
LTU = "http://publications.europa.eu/resource/authority/country/LTU"


@golden("bronze-clusters-per-country-violation", "reported-figure-violation")
@pytest.mark.parametrize(
    "name", ["bronze-clusters-per-country-violation", "reported-figure-violation"]
)
def test_violation_queries_find_nothing_in_the_data(kg: KnowledgeGraph, name: str) -> None:
    # text 1: "Total of 10 Bronze Labels" and its list of ten clusters, all Lithuanian, each
    # holding a Bronze label (8 in 2018 + the 2 earlier ones, public-facts): 10 = 10, no rows.
    table = run(kg, name)
    assert table.rows == []


@golden("bronze-clusters-per-country-violation", "reported-figure-violation")
def test_violation_queries_catch_a_split_ltfood(tmp_path: Path) -> None:
    # public-facts: LTFood and the National Food Cluster are one cluster; recorded as two, there
    # would be 11 Bronze-labelled clusters against text 1's "Total of 10 Bronze Labels".
    extra = tmp_path / "split-ltfood.ttl"
    extra.write_text(SPLIT_LTFOOD, encoding="utf-8")
    bundle = KnowledgeGraph.load().bundle
    split = KnowledgeGraph.load([*bundle.data, extra])
    by_country = run(split, "bronze-clusters-per-country-violation")
    assert records(by_country, "figure", "country", "reported", "counted") == [
        (FIGURE_TEN, LTU, "10", "11")
    ]
    by_figure = run(split, "reported-figure-violation")
    assert records(by_figure, "figure", "tier", "reported", "counted") == [
        (FIGURE_TEN, tier("bronze"), "10", "11")
    ]


# =================================================================================================
# clusters-by-country, awards-in-year, members-of-cluster, organisations
# =================================================================================================


@golden("clusters-by-country")
@pytest.mark.parametrize("country", ["LT", "lt", "LTU", "Lithuania", LTU, f"<{LTU}>"])
def test_clusters_by_country_lithuania(kg: KnowledgeGraph, country: str) -> None:
    # text 1: "Lithuanian clusters that are currently benchmarked by ESCA …: FETEK, LitCare, …,
    # iVita." — all ten are Lithuanian.
    table = run(kg, "clusters-by-country", {"country": country})
    assert set(records(table, "country", "cluster")) == {(LTU, cluster(slug)) for slug in THE_TEN}
    assert len(table.rows) == 10
    sectors = dict(records(table, "cluster", "sectors"))
    # public-facts table: Smart Food Cluster | food (exporters); PrefabLT | prefabricated houses.
    assert sectors[cluster("smart-food-cluster")] == "Food"
    assert sectors[cluster("prefablt")] == "Prefabricated wooden houses"


@golden("clusters-by-country")
def test_clusters_by_country_all_and_elsewhere(kg: KnowledgeGraph) -> None:
    # No source names a cluster outside Lithuania.
    assert set(column(run(kg, "clusters-by-country"), "country")) == {LTU}
    assert run(kg, "clusters-by-country", {"country": "Latvia"}).rows == []
    with pytest.raises(ParameterError, match=r"no country is named 'Lithuaniaa'.*Lithuania"):
        run(kg, "clusters-by-country", {"country": "Lithuaniaa"})


@golden("awards-in-year")
def test_awards_in_year_2018(kg: KnowledgeGraph) -> None:
    # public-facts: "CONFIRMED: in 2018 eight Lithuanian clusters achieved ESCA Bronze labels" and
    # "the eight were …".
    table = run(kg, "awards-in-year", {"year": "2018"})
    assert set(records(table, "award", "cluster", "tierName")) == {
        (award(f"{slug}-bronze-2018"), cluster(slug), "Bronze") for slug in THE_EIGHT_OF_2018
    }
    assert len(table.rows) == 8


@golden("awards-in-year")
@pytest.mark.parametrize("year", ["2016", "2017", "2019"])
def test_awards_in_year_without_a_stated_award(kg: KnowledgeGraph, year: str) -> None:
    # iVita HELD a Bronze in 2016 (award year unknown); the Silvers' year is not stated; LitCare's
    # and PrefabLT's year is not stated either (public-facts).
    assert run(kg, "awards-in-year", {"year": year}).rows == []


@golden("awards-in-year")
def test_awards_in_year_evidence(kg: KnowledgeGraph) -> None:
    needs_statement_groups(kg)
    table = run(kg, "awards-in-year", {"year": "2018"})
    for evidence in column(table, "evidence"):
        # public-facts: CONFIRMED, not inferred.
        assert "confirmed" in (evidence or "").split(", ")
        assert "inferred" not in (evidence or "")


@golden("members-of-cluster")
@pytest.mark.parametrize(
    ("name", "slug"),
    [("Smart Food Cluster", "smart-food-cluster"), ("LTFood", "national-food-cluster")],
)
def test_members_of_cluster_food(kg: KnowledgeGraph, name: str, slug: str) -> None:
    # text 2: "two clusters - the Smart Food and the National Food Cluster - belong to the "Rūta"
    # sweets factory": Rūta, as a member (public-facts INFERRED), is the one member named.
    table = run(kg, "members-of-cluster", {"cluster": name})
    assert records(table, "member", "roleName", "membership", "cluster") == [
        (RUTA, "Member", f"{CKID}membership/ruta-{slug}", cluster(slug))
    ]


@golden("members-of-cluster")
@pytest.mark.parametrize("name", ["LITEK", "FETEK", "LitCare"])
def test_members_of_cluster_none_named(kg: KnowledgeGraph, name: str) -> None:
    # No source names a member of these clusters (a coordinator is not a member).
    assert run(kg, "members-of-cluster", {"cluster": name}).rows == []


@golden("members-of-cluster")
def test_members_of_cluster_evidence(kg: KnowledgeGraph) -> None:
    needs_statement_groups(kg)
    table = run(kg, "members-of-cluster", {"cluster": "Smart Food Cluster"})
    assert column(table, "evidence") == ["inferred"]  # public-facts: INFERRED (high confidence)


# (organisation, role, of): written from the sources, one line each.
ORGANISATION_ROLES = {
    # text 2 "belong to", read as membership (public-facts INFERRED).
    (RUTA, "member of cluster", cluster("smart-food-cluster")),
    (RUTA, "member of cluster", cluster("national-food-cluster")),
    # public-facts table: FETEK "coordinated by ProTech", LITEK "coordinated by FIMTP", the plastics
    # cluster "coordinated by LINPRA", Smart Food "managed by LitMEA".
    (organisation("protech"), "coordinator of cluster", cluster("fetek")),
    (organisation("fimtp"), "coordinator of cluster", cluster("litek")),
    (organisation("linpra"), "coordinator of cluster", cluster("lithuanian-plastic-cluster")),
    (organisation("litmea"), "coordinator of cluster", cluster("smart-food-cluster")),
    # text 1: InoLink "is coordinated by MITA", "implemented together with the Lithuanian
    # Innovation Centre (LIC)".
    (organisation("mita"), "coordinator of project", INOLINK),
    (organisation("lic"), "partner of project", INOLINK),
} | {
    # text 1 "Total of 10 Bronze Labels", issued by ESCA: the ten clusters.
    (organisation("esca"), "label issuer of cluster", cluster(slug))
    for slug in THE_TEN
}


@golden("organisations")
def test_organisations_with_their_clusters_and_roles(kg: KnowledgeGraph) -> None:
    table = run(kg, "organisations")
    assert {r for r in records(table, "organisation", "role", "of") if r[1]} == ORGANISATION_ROLES
    kinds = dict(records(table, "organisation", "kind"))
    # text 2: the "Rūta" sweets factory; public-facts: MITA an agency; ESCA issues the labels.
    assert kinds[RUTA] == "company"
    assert kinds[organisation("mita")] == "agency"
    assert kinds[organisation("esca")] == "labelling body"
    # public-facts: Innovation Agency Lithuania (2022) took over MITA's innovation functions: an
    # agency with no cluster role in any source, listed alone.
    assert (organisation("innovation-agency-lithuania"), None, None) in set(
        records(table, "organisation", "role", "of")
    )
    # Clusters are organisations too, but not listed as such.
    assert not {cluster(slug) for slug in THE_TEN} & set(column(table, "organisation"))


@golden("organisations")
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("LitMEA", [("coordinator of cluster", cluster("smart-food-cluster"))]),
        ("MITA", [("coordinator of project", INOLINK)]),
    ],
)
def test_organisations_one(kg: KnowledgeGraph, name: str, expected: list[tuple[str, str]]) -> None:
    table = run(kg, "organisations", {"organisation": name})
    assert records(table, "role", "of") == expected


@golden("organisations")
def test_organisations_evidence(kg: KnowledgeGraph) -> None:
    needs_statement_groups(kg)
    table = run(kg, "organisations", {"organisation": "Rūta"})
    # public-facts: Rūta's memberships are INFERRED readings of "belong to".
    assert set(column(table, "evidence")) == {"inferred"}


# =================================================================================================
# every stored query has a golden test
# =================================================================================================


def test_every_stored_query_has_a_golden_test(kg: KnowledgeGraph) -> None:
    stored = {path.stem for path in QUERIES.glob("*.rq")}
    assert stored, f"no stored queries in {QUERIES}"
    assert stored == set(kg.catalogue.names())
    missing = stored - COVERED
    assert not missing, f"stored queries without a golden test: {sorted(missing)}"
    assert not COVERED - stored, f"golden tests of unknown queries: {sorted(COVERED - stored)}"


def test_nfd_spelling_really_is_decomposed() -> None:
    # Guard for test_clusters_of_company_ruta_food[decomposed-nfd].
    assert unicodedata.normalize("NFC", "Ru\u0304ta") == "Rūta" != "Ru\u0304ta"
