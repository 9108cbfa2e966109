"""`clusterkg import` of workbooks that LibreOffice Calc wrote: CSV converted to .xlsx (dates
become date cells, numbers numbers), and an openpyxl workbook with formulas and a merged cell
saved again by Calc (which computes the formulas and stores their values). Skipped, visibly,
where LibreOffice is not installed; under CI it must be (.ci/install-libreoffice)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from click.testing import CliRunner
from openpyxl import Workbook, load_workbook
from rdflib import Dataset, Literal, Namespace, URIRef

from clusterkg.cli import cli
from tests.sparql_servers import require

ID = "https://w3id.org/clusterkg/id/"
CK = Namespace("https://w3id.org/clusterkg/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")


def calc_saves_as_xlsx(source: Path, folder: Path, *options: str) -> Path:
    """`source` (CSV or .xlsx) as LibreOffice Calc saves it in .xlsx, with a profile of its own
    (two soffice runs sharing one would wait on each other's lock)."""
    soffice = require("soffice", "LibreOffice Calc, installed by .ci/install-libreoffice")
    profile = Path(tempfile.mkdtemp(prefix="clusterkg-soffice-"))
    subprocess.run(
        [
            soffice, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
            *options, "--convert-to", "xlsx", "--outdir", str(folder), str(source),
        ],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    converted = folder / f"{source.stem}.xlsx"
    assert converted.exists(), f"soffice wrote no {converted.name}"
    return converted


def imported(path: Path, out: Path) -> set[tuple[object, object, object]]:
    result = CliRunner().invoke(cli, ["import", str(path), "-o", str(out)])
    assert result.exit_code == 0, (result.stderr, result.exception)
    dataset = Dataset()
    dataset.parse(out, format="trig")
    return {(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None))}


def test_a_csv_converted_by_calc(tmp_path: Path) -> None:
    """Calc turns `2021-05-04` into a date cell and `1234` into a number; `04.05.2021` stays
    text (in its default English locale); the empty row stays empty. All import alike."""
    csv = tmp_path / "clusters.csv"
    csv.write_text(
        "name,acronym,country,sectors,founded\n"
        "Kauno Žalioji Energija,1234,LT,Photovoltaics,2021-05-04\n"
        ",,,,\n"
        "Dotted Cluster,DC,Lithuania,Food; Plastics,04.05.2021\n",
        encoding="utf-8",
    )
    # 76: UTF-8, whatever the machine's locale
    xlsx = calc_saves_as_xlsx(csv, tmp_path / "calc", "--infilter=CSV:44,34,76,1")
    cells = list(load_workbook(xlsx)["clusters"].iter_rows(values_only=True))
    assert cells[1][1] == 1234 and cells[1][4].year == 2021  # really typed by Calc
    found = imported(xlsx, tmp_path / "clusters.trig")
    kaunas = URIRef(ID + "cluster/kauno-zalioji-energija")
    dotted = URIRef(ID + "cluster/dotted-cluster")
    expected = {
        (kaunas, SKOS.prefLabel, Literal("Kauno Žalioji Energija", lang="en")),
        (kaunas, CK.acronym, Literal("1234")),
        (
            kaunas,
            CK.country,
            URIRef("http://publications.europa.eu/resource/authority/country/LTU"),
        ),
        (kaunas, CK.sector, URIRef(ID + "sector/photovoltaics")),
        (kaunas, SCHEMA.foundingDate, Literal("2021-05-04", datatype=XSD.date)),
        (dotted, SCHEMA.foundingDate, Literal("2021-05-04", datatype=XSD.date)),
        (dotted, CK.sector, URIRef(ID + "sector/food")),
        (dotted, CK.sector, URIRef(ID + "sector/plastics")),
    }
    assert expected <= found


def test_formulas_and_a_merged_cell_saved_by_calc(tmp_path: Path) -> None:
    """openpyxl writes formulas without values (refused); Calc computes and stores them."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Members"
    sheet.append(["cluster", "company", "since"])
    sheet.append(["Smart Food Cluster", '=CONCATENATE("Pi"," UAB")', "=DATE(2021,5,4)"])
    sheet.append([None, "Rho UAB", None])
    sheet["C2"].number_format = "yyyy-mm-dd"
    sheet.merge_cells("A2:A3")
    written = tmp_path / "members.xlsx"
    book.save(written)
    refused = CliRunner().invoke(cli, ["import", str(written), "-o", str(tmp_path / "x.trig")])
    assert refused.exit_code == 2
    assert "members.xlsx!Members!B2: expected a value, found the formula" in refused.stderr
    assert "members.xlsx!Members!C2: expected a value, found the formula" in refused.stderr
    xlsx = calc_saves_as_xlsx(written, tmp_path / "calc")
    found = imported(xlsx, tmp_path / "members.trig")
    pi = URIRef(ID + "membership/pi-uab-smart-food-cluster")
    rho = URIRef(ID + "membership/rho-uab-smart-food-cluster")
    assert {
        (pi, ORG.member, URIRef(ID + "organisation/pi-uab")),
        (pi, ORG.organization, URIRef(ID + "cluster/smart-food-cluster")),
        (pi, SCHEMA.startDate, Literal("2021-05-04", datatype=XSD.date)),
        (rho, ORG.organization, URIRef(ID + "cluster/smart-food-cluster")),
    } <= found


def test_the_template_filled_in_and_saved_by_calc(tmp_path: Path) -> None:
    """The template survives Calc: its About, Examples and hidden Lists sheets are still
    skipped, its data sheets still read, a date Calc typed still a date."""
    template = tmp_path / "agency.xlsx"
    assert CliRunner().invoke(cli, ["import", "--template", str(template)]).exit_code == 0
    book = load_workbook(template)
    book["Clusters"].append(["Sigma Cluster", "SC", None, "LT", "Food"])
    book["Members"].append(["SC", "Tau UAB", "2021-05-04"])
    book.save(template)
    saved = calc_saves_as_xlsx(template, tmp_path / "calc")
    assert load_workbook(saved)["Lists"].sheet_state == "hidden"
    found = imported(saved, tmp_path / "agency.trig")
    membership = URIRef(ID + "membership/tau-uab-sigma-cluster")
    assert {
        (membership, ORG.organization, URIRef(ID + "cluster/sigma-cluster")),
        (membership, SCHEMA.startDate, Literal("2021-05-04", datatype=XSD.date)),
    } <= found
