"""`clusterkg import`: real .xlsx workbooks written by openpyxl and real CSV files, imported by
the CLI; every expected value below is written by hand from the sheet it is about."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from cli_support import run_process
from click.testing import CliRunner, Result
from openpyxl import Workbook, load_workbook
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from clusterkg.cli import cli
from clusterkg.queries.prefixes import PREDECLARED

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "import"
ID = "https://w3id.org/clusterkg/id/"
CK = Namespace("https://w3id.org/clusterkg/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
MEMBERS_HEADER = ["cluster", "company", "since", "role"]


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=True)


def workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """An .xlsx file with these sheets, each a list of rows (the first: the header row)."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def imported(path: Path, out: Path, *options: str) -> Dataset:
    result = invoke("import", str(path), "-o", str(out), *options)
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    dataset = Dataset()
    dataset.parse(out, format="trig")
    return dataset


def refused(path: Path, out: Path, *options: str) -> list[str]:
    """The problem lines of an import that must be refused (exit 2, nothing written); the
    notes before them (which mapping each sheet used) are left out."""
    result = invoke("import", str(path), "-o", str(out), *options)
    assert result.exit_code == 2, (result.stdout, result.stderr, result.exception)
    assert "Traceback" not in result.stderr
    _, error, problems = result.stderr.partition("clusterkg: error: ")
    assert error, result.stderr
    return problems.splitlines()


def triples(dataset: Dataset) -> set[tuple[Any, Any, Any]]:
    return {(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None))}


# --- what a sheet becomes --------------------------------------------------------------------


def test_a_members_csv_becomes_exactly_these_statements(tmp_path: Path) -> None:
    """The whole output of a one-row CSV, written by hand: the membership, the new company, the
    workbook as a source document, the row's statement group quoting the row."""
    sheet = tmp_path / "members.csv"
    sheet.write_text("cluster,company,since\nLITEK,Lazeriai UAB,2021-05-04\n", encoding="utf-8")
    dataset = imported(sheet, tmp_path / "out.trig")
    expected = Dataset()
    expected.parse(FIXTURES / "members-csv.trig", format="trig")
    group = URIRef(ID + "statement/members-row-2")
    assert set(dataset.graph(group)) == set(expected.graph(group))
    assert isomorphic(_default(dataset), _default(expected))


def _default(dataset: Dataset) -> Graph:
    graph = Graph()
    for triple in dataset.default_graph:
        graph.add(triple)
    return graph


def test_the_filled_template_answers_clusters_of_company(tmp_path: Path) -> None:
    """Issue 14's "done when", in real processes: the template, filled in with two new clusters
    and their members, imports, and clusters-of-company answers from the imported facts."""
    template = tmp_path / "agency.xlsx"
    made = run_process("import", "--template", str(template))
    assert made.returncode == 0, made.stderr
    book = load_workbook(template)
    book["Clusters"].append(
        ["Baltic Agri Cluster", "BAC", None, "LT", "Food", None, None, "2020-03-01", None]
    )
    book["Clusters"].append(["Kauno Žalioji Energija", None, None, "Lithuania", "Photovoltaics"])
    book["Members"].append(["Baltic Agri Cluster", "NEWCO", date(2021, 5, 4)])
    book["Members"].append(["Kauno Žalioji Energija", "NEWCO"])
    book["Members"].append(["BAC", "Rūta"])
    book.save(template)
    out = tmp_path / "imported.trig"
    result = run_process("import", str(template), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "agency.xlsx!Members: members (by the sheet's name)" in result.stderr
    asked = run_process(
        "--data", str(ROOT / "data"), "--data", str(out),
        "query", "clusters-of-company", "-p", "company", "NEWCO", "-f", "csv",
    )  # fmt: skip
    assert asked.returncode == 0, asked.stderr
    assert asked.stdout.splitlines() == [
        "cluster,name,sectors,evidence,company,sector",
        f"{ID}cluster/baltic-agri-cluster,Baltic Agri Cluster,Food,stated,{ID}organisation/newco,",
        f"{ID}cluster/kauno-zalioji-energija,Kauno Žalioji Energija,Photovoltaics,stated,"
        f"{ID}organisation/newco,",
    ]
    ruta = run_process(
        "--data", str(ROOT / "data"), "--data", str(out),
        "query", "clusters-of-company", "-p", "company", "Rūta", "-f", "csv",
    )  # fmt: skip
    names = [line.split(",")[1] for line in ruta.stdout.splitlines()[1:]]
    assert names == ["Baltic Agri Cluster", "National Food Cluster", "Smart Food Cluster"]


def test_a_company_named_with_a_colon_is_a_new_company_and_a_curie_an_existing_one(
    tmp_path: Path,
) -> None:
    path = workbook(
        tmp_path / "m.xlsx",
        {
            "Members": [
                MEMBERS_HEADER,
                ["FETEK", "Re:Build UAB"],
                ["cluster:litek", "organisation:ruta"],
            ]
        },
    )
    found = triples_of(imported(path, tmp_path / "o.trig"), ORG.member)
    assert found == [
        (
            URIRef(ID + "membership/re-build-uab-fetek"),
            ORG.member,
            URIRef(ID + "organisation/re-build-uab"),
        ),
        (URIRef(ID + "membership/ruta-litek"), ORG.member, URIRef(ID + "organisation/ruta")),
    ]


def test_the_same_workbook_gives_the_same_bytes(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "w.xlsx",
        {
            "Clusters": [["name", "sectors"], ["Alpha Cluster", "Food; Plastics"]],
            "Members": [MEMBERS_HEADER, ["Alpha Cluster", "Beta UAB"], ["FETEK", "Beta UAB"]],
        },
    )
    first, second = tmp_path / "1.trig", tmp_path / "2.trig"
    imported(path, first)
    imported(path, second)
    assert first.read_bytes() == second.read_bytes()
    assert b"Beta UAB" in first.read_bytes()


def test_provenance_shows_the_spreadsheet_row(tmp_path: Path) -> None:
    path = workbook(tmp_path / "m.xlsx", {"Members": [MEMBERS_HEADER, ["FETEK", "Gamma AB"]]})
    out = tmp_path / "m.trig"
    imported(path, out)
    result = invoke(
        "--data", str(ROOT / "data"), "--data", str(out),
        "query", "provenance", "-p", "subject", "Gamma AB", "-f", "csv",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    member_row = [line for line in result.stdout.splitlines() if "#member," in line]
    assert (
        member_row
        and "m.xlsx!Members!row 2: cluster = FETEK | company = Gamma AB" in (member_row[0])
    )
    assert ",stated,m.xlsx," in member_row[0]


# --- cells: merged, formulas, dates, empty rows, diacritics, numbers --------------------------


def test_a_merged_cell_applies_to_the_rows_it_spans(tmp_path: Path) -> None:
    path = tmp_path / "merged.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.title = "Members"
    sheet.append(MEMBERS_HEADER)
    sheet.append(["Smart Food Cluster", "Delta UAB"])
    sheet.append([None, "Epsilon UAB"])
    sheet.append([None, "Zeta UAB"])
    sheet.merge_cells("A2:A4")
    book.save(path)
    dataset = imported(path, tmp_path / "out.trig")
    clusters = {str(m).rsplit("/", 1)[-1]: o for m, _, o in triples_of(dataset, ORG.organization)}
    assert clusters == {
        f"{company}-smart-food-cluster": URIRef(ID + "cluster/smart-food-cluster")
        for company in ("delta-uab", "epsilon-uab", "zeta-uab")
    }


def triples_of(dataset: Dataset, predicate: URIRef) -> list[tuple[Any, Any, Any]]:
    return sorted(t for t in triples(dataset) if t[1] == predicate)


def test_dates_typed_as_dates_and_as_text(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "dates.xlsx",
        {
            "Clusters": [
                ["name", "founded"],
                ["Date Cell Cluster", datetime(2013, 5, 30)],
                ["Dotted Cluster", "04.05.2021"],
                ["Month Cluster", "2015-01"],
                ["Year Number Cluster", 2015],
                ["Year Text Cluster", "2016"],
                ["Iso Cluster", " 2019-06-01 "],
            ]
        },
    )
    founded = {
        str(s).rsplit("/", 1)[-1]: o
        for s, _, o in triples_of(imported(path, tmp_path / "o.trig"), SCHEMA.foundingDate)
    }
    assert founded == {
        "date-cell-cluster": Literal("2013-05-30", datatype=XSD.date),
        "dotted-cluster": Literal("2021-05-04", datatype=XSD.date),
        "month-cluster": Literal("2015-01", datatype=XSD.gYearMonth),
        "year-number-cluster": Literal("2015", datatype=XSD.gYear),
        "year-text-cluster": Literal("2016", datatype=XSD.gYear),
        "iso-cluster": Literal("2019-06-01", datatype=XSD.date),
    }


def test_empty_rows_skipped_diacritics_kept_spaces_trimmed_numbers_as_text(
    tmp_path: Path,
) -> None:
    path = workbook(
        tmp_path / "people.xlsx",
        {
            "Clusters": [["name", "acronym"], ["  Šiaulių Klasteris  ", 1234]],
            "People": [
                ["person", "organisation", "role"],
                [None, None, None],
                ["  Jūratė Žemaitė ", "Šiaulių Klasteris", "coordinator"],
                ["", "  ", None],
            ],
        },
    )
    dataset = imported(path, tmp_path / "o.trig")
    cluster = URIRef(ID + "cluster/siauliu-klasteris")
    assert (cluster, SKOS.prefLabel, Literal("Šiaulių Klasteris", lang="en")) in triples(dataset)
    assert (cluster, CK.acronym, Literal("1234")) in triples(dataset)
    person = URIRef(ID + "person/jurate-zemaite")
    assert (person, SKOS.prefLabel, Literal("Jūratė Žemaitė")) in triples(dataset)
    posts = triples_of(dataset, ORG.role)
    assert posts == [
        (
            URIRef(ID + "post/siauliu-klasteris-cluster-coordinator-jurate-zemaite"),
            ORG.role,
            URIRef(ID + "role/cluster-coordinator"),
        )
    ]
    # one group per row with data: the empty rows 2 and 4 made none
    assert sorted(str(g.identifier).rsplit("/", 1)[-1] for g in dataset.graphs()) == [
        "people-clusters-row-2",
        "people-people-row-3",
        "urn:x-rdflib:default",
    ]


# --- problems: all of them, at their cells, and nothing written ---------------------------------


def test_every_problem_is_listed_at_its_cell_and_nothing_is_written(tmp_path: Path) -> None:
    book = Workbook()
    members = book.active
    members.title = "Members"
    members.append(MEMBERS_HEADER)
    members.append(["Food", "Eta UAB"])  # two clusters are named "… Food …"
    members.append(["Smrt Fod Cluster", "Theta UAB"])  # no such cluster
    members.append(["FETEK", '=CONCATENATE("Io","ta")', "4/5/2021"])  # no value, slashes
    awards = book.create_sheet("Awards")
    awards.append(["cluster", "tier", "awarded on"])
    awards.append(["FETEK", "platinum", 2024])
    awards.append(["LITEK", None, "2024-13"])
    book.create_sheet("People").append(["person", "role"])  # no organisation column
    path = tmp_path / "members.xlsx"
    book.save(path)
    out = tmp_path / "out.trig"
    out.write_text("# an earlier import\n", encoding="utf-8")
    problems = refused(path, out)
    assert problems == [  # in the workbook's order of sheets, then rows, then columns
        "members.xlsx!Members!A2: 'Food' is ambiguous: it names 2 clusters (National Food "
        f"Cluster <{ID}cluster/national-food-cluster>; Smart Food Cluster "
        f"<{ID}cluster/smart-food-cluster>); use a longer name or the IRI",
        # both are near: "smrt fod cluster" shares most letters with each
        "members.xlsx!Members!A3: no cluster is named 'Smrt Fod Cluster'. Did you mean: "
        "National Food Cluster; Smart Food Cluster?",
        "members.xlsx!Members!B4: expected a value, found the formula "
        '=CONCATENATE("Io","ta") with no computed value saved (open and save the workbook in '
        "a spreadsheet program, or type the value)",
        "members.xlsx!Members!C4: expected a date cell, or text 2021-05-04, 04.05.2021 "
        "(day.month.year), 2021-05 or 2021, found '4/5/2021': with slashes the day and the "
        "month cannot be told apart (4/5/2021 is 4 May or 5 April); write 2021-05-04 or "
        "04.05.2021",
        "members.xlsx!Awards!B2: no tier is named 'platinum'. Expected one of: Bronze, Silver, "
        "Gold",
        "members.xlsx!Awards!B3: expected the name of a tier, found an empty cell",
        "members.xlsx!Awards!C3: expected a date cell, or text 2021-05-04, 04.05.2021 "
        "(day.month.year), 2021-05 or 2021, found '2024-13': there is no month 13",
        "members.xlsx!People!1: expected a column 'organisation' (the people mapping requires "
        "it), found the headers A 'person', B 'role'",
        "8 problems; nothing written",
    ]
    assert out.read_text(encoding="utf-8") == "# an earlier import\n"
    assert {p.name for p in tmp_path.iterdir()} == {"members.xlsx", "out.trig"}


def test_a_csv_with_a_bom_and_semicolons_names_cells_without_a_sheet(tmp_path: Path) -> None:
    sheet = tmp_path / "nariai.csv"
    sheet.write_bytes("\ufeffcluster;company\nFETEK;Kappa UAB\nQwxz;Mu UAB\n".encode())
    out = tmp_path / "o.trig"
    assert refused(sheet, out) == [
        "nariai.csv!A3: no cluster is named 'Qwxz'.",
        "1 problem; nothing written",
    ]
    assert not out.exists()
    result = invoke("import", str(sheet), "-o", str(out))
    assert result.stderr.startswith("clusterkg: nariai.csv: members (by the file's name)\n")


def test_violations_write_nothing_unless_forced(tmp_path: Path) -> None:
    """A Silver award to a cluster with no Bronze breaks the tier order: exit 1, said at the
    award's row; --force writes it anyway (still exit 1)."""
    path = workbook(
        tmp_path / "a.xlsx",
        {
            "Clusters": [["name"], ["Omicron Cluster"]],
            "Awards": [["cluster", "tier", "awarded on"], ["Omicron Cluster", "Silver", 2024]],
        },
    )
    out = tmp_path / "a.trig"
    result = invoke("import", str(path), "-o", str(out))
    assert result.exit_code == 1, (result.stderr, result.exception)
    assert "a.xlsx!Awards!row 2 (a.trig:" in result.stderr
    assert "Label tiers are earned in order" in result.stderr
    assert "nothing written" in result.stderr and not out.exists()
    forced = invoke("import", str(path), "-o", str(out), "--force")
    assert forced.exit_code == 1 and out.exists()
    assert "written anyway (--force)" in forced.stdout


def test_a_warning_is_said_at_the_cell_of_its_column_and_does_not_stop_the_import(
    tmp_path: Path,
) -> None:
    """The shapes warn of a cluster without a sector (ck:sector): said at the row's sectors
    cell; warnings alone write the file and exit 0."""
    path = workbook(
        tmp_path / "c.xlsx",
        {"Clusters": [["name", "sectors"], ["Pi Cluster", "Food"], ["Rho Cluster", None]]},
    )
    out = tmp_path / "c.trig"
    result = invoke("import", str(path), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if ": Warning: " in line]
    assert len(warnings) == 1
    assert warnings[0].startswith("c.xlsx!Clusters!B3 (c.trig:")
    assert "Warning: cluster:rho-cluster ck:sector: " in warnings[0]
    assert (
        result.stdout
        == f"{out}: 2 statement groups from c.xlsx; valid with the graph (1 warning(s))\n"
    )


def test_the_output_may_not_be_an_input(tmp_path: Path) -> None:
    path = workbook(tmp_path / "m.xlsx", {"Members": [MEMBERS_HEADER, ["FETEK", "Nu UAB"]]})
    before = path.read_bytes()
    result = invoke("import", str(path), "-o", str(path))
    assert result.exit_code == 2 and "is an input of the import" in result.stderr
    assert path.read_bytes() == before


@pytest.mark.parametrize("where", ["no-such-folder/o.trig", "/proc/o.trig"])
def test_an_output_that_cannot_be_written_is_one_clear_error(tmp_path: Path, where: str) -> None:
    path = workbook(tmp_path / "m.xlsx", {"Members": [MEMBERS_HEADER, ["FETEK", "Omega UAB"]]})
    out = Path(where) if where.startswith("/") else tmp_path / where
    result = invoke("import", str(path), "-o", str(out))
    assert result.exit_code == 2, (result.stderr, result.exception)
    assert isinstance(result.exception, SystemExit)
    error = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(error) == 1 and str(out.name) in error[0]
    template = invoke("import", "--template", str(out.with_suffix(".xlsx")))
    assert template.exit_code == 2 and isinstance(template.exception, SystemExit)


def test_a_sheet_no_mapping_fits_is_a_problem(tmp_path: Path) -> None:
    path = workbook(tmp_path / "x.xlsx", {"Notes": [["when", "what"], ["today", "call"]]})
    assert refused(path, tmp_path / "x.trig") == [
        "x.xlsx!Notes!1: expected the headers of one of the mappings (clusters, members, "
        "awards, people), found 'when', 'what': name the sheet after its kind, or give "
        "--mapping",
        "1 problem; nothing written",
    ]


def test_a_mapping_file_names_the_kind_and_the_columns(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "lt.xlsx",
        {"Sąrašas": [["Klasteris", "Įmonė", "Nuo"], ["iVita", "Sveikata UAB", "2020"]]},
    )
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        '[sheets."Sąrašas"]\nkind = "members"\n'
        '[sheets."Sąrašas".columns]\n"Klasteris" = "cluster"\n"Įmonė" = "company"\n'
        '"Nuo" = "since"\n',
        encoding="utf-8",
    )
    result = invoke("import", str(path), "-o", str(tmp_path / "o.trig"), "--mapping", str(mapping))
    assert result.exit_code == 0, result.stderr
    assert "lt.xlsx!Sąrašas: members (by map.toml)" in result.stderr
    dataset = Dataset()
    dataset.parse(tmp_path / "o.trig", format="trig")
    assert triples_of(dataset, SCHEMA.startDate) == [
        (
            URIRef(ID + "membership/sveikata-uab-ivita"),
            SCHEMA.startDate,
            Literal("2020", datatype=XSD.gYear),
        )
    ]


def test_a_mapping_files_extra_columns_describe_the_rows_thing(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "extra.xlsx",
        {
            "Clusters": [
                ["name", "Pastabos", "Darbuotojai", "Profilis"],
                ["Upsilon Cluster", "Kaunas-based", 42, "https://example.org/upsilon"],
                ["Phi Cluster", None, "many", "not a page"],
            ]
        },
    )
    mapping = tmp_path / "extra.toml"
    mapping.write_text(
        '[sheets."Clusters".properties]\n"Pastabos" = "skos:note"\n'
        '"Darbuotojai" = { property = "schema:numberOfEmployees", type = "integer" }\n'
        '"Profilis" = { property = "foaf:isPrimaryTopicOf", type = "web" }\n',
        encoding="utf-8",
    )
    out = tmp_path / "o.trig"
    assert refused(path, out, "--mapping", str(mapping)) == [
        "extra.xlsx!Clusters!C3: expected a whole number, found 'many'",
        "extra.xlsx!Clusters!D3: expected a web address starting http:// or https:// (no "
        "spaces), found 'not a page'",
        "2 problems; nothing written",
    ]
    book = load_workbook(path)
    book["Clusters"].delete_rows(3)
    book.save(path)
    upsilon = URIRef(ID + "cluster/upsilon-cluster")
    assert {
        (upsilon, SKOS.note, Literal("Kaunas-based", lang="en")),
        (upsilon, SCHEMA.numberOfEmployees, Literal("42", datatype=XSD.integer)),
        (upsilon, URIRef("http://xmlns.com/foaf/0.1/isPrimaryTopicOf"),
         URIRef("https://example.org/upsilon")),
    } <= triples(imported(path, out, "--mapping", str(mapping)))  # fmt: skip


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[sheets."A"]\nkind = "projects"\n', 'sheets."A".kind: expected one of clusters, '
         "members, awards, people, found 'projects'"),
        ('[sheets."A".properties]\n"X" = "nope:thing"\n', 'sheets."A".properties."X": '
         "expected a CURIE with a known prefix (skos:note) or an IRI, found 'nope:thing'"),
        ("[sheets\n", "not valid TOML"),
    ],
)  # fmt: skip
def test_a_broken_mapping_file_is_one_clear_error(tmp_path: Path, toml: str, message: str) -> None:
    path = workbook(tmp_path / "m.xlsx", {"Members": [MEMBERS_HEADER, ["FETEK", "Chi UAB"]]})
    mapping = tmp_path / "map.toml"
    mapping.write_text(toml, encoding="utf-8")
    result = invoke("import", str(path), "-o", str(tmp_path / "o.trig"), "--mapping", str(mapping))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"clusterkg: error: {mapping}: ")
    assert message in result.stderr and "Traceback" not in result.stderr


def test_sheet_imports_one_sheet_only(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "two.xlsx",
        {
            "Members": [MEMBERS_HEADER, ["FETEK", "Psi UAB"]],
            "Awards": [["cluster", "tier"], ["FETEK", "platinum"]],  # not read with --sheet
        },
    )
    dataset = imported(path, tmp_path / "o.trig", "--sheet", "Members")
    assert (
        URIRef(ID + "membership/psi-uab-fetek"),
        ORG.member,
        URIRef(ID + "organisation/psi-uab"),
    ) in (triples(dataset))
    assert refused(path, tmp_path / "o.trig", "--sheet", "Nariai") == [
        "two.xlsx: expected a sheet 'Nariai', found 'Members', 'Awards'",
        "1 problem; nothing written",
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("latin.csv", "cluster,company\nFETEK,R\xfbta\n".encode("latin-1"), "not UTF-8"),
        ("fake.xlsx", b"cluster,company\n", "not a readable .xlsx workbook"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "cannot import a .xls file: give .xlsx or .csv"),
    ],
)
def test_a_file_that_is_no_usable_sheet_is_one_clear_error(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = invoke("import", str(path), "-o", str(tmp_path / "o.trig"))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"clusterkg: error: {path}: {message}")
    assert len(result.stderr.splitlines()) == 1 and not (tmp_path / "o.trig").exists()


def test_a_base_iri_for_new_things(tmp_path: Path) -> None:
    path = workbook(tmp_path / "m.xlsx", {"Members": [MEMBERS_HEADER, ["FETEK", "Xi UAB"]]})
    base = "https://data.example.lt/id/"
    dataset = imported(path, tmp_path / "o.trig", "--base", base)
    assert (
        URIRef(base + "membership/xi-uab-fetek"),
        ORG.organization,
        URIRef(ID + "cluster/fetek"),
    ) in triples(dataset)
    assert (URIRef(base + "organisation/xi-uab"), SKOS.prefLabel, Literal("Xi UAB", lang="en")) in (
        triples(dataset)
    )


def test_a_prefix_of_the_output_means_what_the_cli_predeclares(tmp_path: Path) -> None:
    """A CURIE copied from the written file into `clusterkg sparql` names the same IRI: the
    project's folders keep their names, the team's (another base) are named after it."""
    path = workbook(tmp_path / "m.xlsx", {"Members": [MEMBERS_HEADER, ["FETEK", "Xi UAB"]]})
    out = tmp_path / "o.trig"
    imported(path, out, "--base", "https://example.org/mita/id/")
    declared = dict(
        re.findall(r"^@prefix ([\w-]+): <([^>]+)> \.$", out.read_text(encoding="utf-8"), re.M)
    )
    assert declared["cluster"] == ID + "cluster/"
    assert declared["mita-organisation"] == "https://example.org/mita/id/organisation/"
    clashes = {p for p in declared if p in PREDECLARED and PREDECLARED[p] != declared[p]}
    assert not clashes


# --- the template ------------------------------------------------------------------------------


def test_the_template_has_headers_lists_and_examples(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    result = invoke("import", "--template", str(path))
    assert result.exit_code == 0, result.stderr
    book = load_workbook(path)
    assert book.sheetnames == [
        "Clusters",
        "Members",
        "Awards",
        "People",
        "Examples",
        "About",
        "Lists",
    ]
    awards = book["Awards"]
    assert [c.value for c in awards[1]] == [
        "cluster", "tier", "awarded on", "valid from", "valid until", "source", "issuer",
    ]  # fmt: skip
    assert awards["A1"].font.b and awards.freeze_panes == "A2"
    lists = book["Lists"]
    assert lists.sheet_state == "hidden"
    assert [c.value for c in lists["A"] if c.value] == ["tier", "Bronze", "Silver", "Gold"]
    sectors = [c.value for c in lists["B"] if c.value]
    assert "Food" in sectors and "Photovoltaics" in sectors
    tiers = [v for v in awards.data_validations.dataValidation if "B2" in str(v.sqref)]
    assert tiers and tiers[0].formula1 == "Lists!$A$2:$A$4"
    again = invoke("import", "--template", str(path))
    assert again.exit_code == 2 and "--force" in again.stderr


def test_the_templates_examples_import(tmp_path: Path) -> None:
    """The Examples sheet's rows, copied into the data sheets, import as they are."""
    path = tmp_path / "t.xlsx"
    assert invoke("import", "--template", str(path)).exit_code == 0
    book = load_workbook(path)
    from clusterkg.spreadsheets.template import EXAMPLES

    for kind, row in EXAMPLES.items():
        book[kind.capitalize()].append([v or None for v in row])
    book.save(path)
    imported(path, tmp_path / "o.trig")


@pytest.mark.parametrize("kind", ["members", "awards"])
def test_a_template_of_one_kind(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind}.xlsx"
    assert invoke("import", "--template", str(path), "--kind", kind).exit_code == 0
    assert load_workbook(path).sheetnames == [kind.capitalize(), "Examples", "About", "Lists"]


def test_a_templates_file_name_chooses_its_kind(tmp_path: Path) -> None:
    # `import --template members.xlsx`, as the issue types it: the members sheet only
    assert invoke("import", "--template", str(tmp_path / "Members.xlsx")).exit_code == 0
    assert load_workbook(tmp_path / "Members.xlsx").sheetnames[0] == "Members"
    assert "Clusters" not in load_workbook(tmp_path / "Members.xlsx").sheetnames
    assert invoke("import", "--template", str(tmp_path / "agency.xlsx")).exit_code == 0
    assert load_workbook(tmp_path / "agency.xlsx").sheetnames[:4] == [
        "Clusters",
        "Members",
        "Awards",
        "People",
    ]


# --- in a workspace ------------------------------------------------------------------------------


def test_in_a_workspace_new_things_get_its_base_and_a_reimport_gives_the_same_bytes(
    tmp_path: Path,
) -> None:
    """`clusterkg init`, then the import into the workspace's data/: new things under the
    workspace's base, the workspace's graph answering; importing again into the same file
    (now part of the graph) adds the new things again, byte for byte."""
    agency = tmp_path / "agency"
    base = "https://data.agency.example/id/"
    made = run_process("init", str(agency), "--base", base)
    assert made.returncode == 0, made.stderr
    sheet = workbook(
        tmp_path / "ours.xlsx",
        {
            "Clusters": [["name", "sectors"], ["Sigma Cluster", "Food"]],
            "Members": [MEMBERS_HEADER, ["Sigma Cluster", "Tau UAB"], ["LITEK", "Tau UAB"]],
        },
    )
    out = agency / "data" / "ours.trig"
    ws = ("--workspace", str(agency))
    first = run_process(*ws, "import", str(sheet), "-o", str(out))
    assert first.returncode == 0, first.stderr
    written = out.read_bytes()
    again = run_process(*ws, "import", str(sheet), "-o", str(out))
    assert again.returncode == 0, again.stderr
    assert out.read_bytes() == written
    elsewhere = run_process(*ws, "import", str(sheet), "-o", str(tmp_path / "ours.trig"))
    assert elsewhere.returncode == 0, elsewhere.stderr
    assert "is outside the workspace's data folder" in elsewhere.stderr
    asked = run_process(*ws, "query", "clusters-of-company", "-p", "company", "Tau", "-f", "csv")
    assert asked.returncode == 0, asked.stderr
    assert asked.stdout.splitlines() == [
        "cluster,name,sectors,evidence,company,sector",
        f"{ID}cluster/litek,LITEK Laser & Engineering Technologies Cluster,"
        f"Lasers and engineering,stated,{base}organisation/tau-uab,",
        f"{base}cluster/sigma-cluster,Sigma Cluster,Food,stated,{base}organisation/tau-uab,",
    ]
