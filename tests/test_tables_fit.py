"""Tables for people: one rule for how a term is shown, and tables that fit the terminal.

Expectations are written from data/ (awards.trig, sources.trig) and by hand from the rules in
clusterkg.output.display and clusterkg.output.fitting, never from the program's output. The CLI
runs are real processes: on a pseudo-terminal (tests/terminal_support.py) and through a pipe.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from cli_support import run_process
from terminal_support import run_on_terminal

from clusterkg.output.display import readable_date, shorten_iris_in, shown
from clusterkg.output.fitting import Layout, cut, fitted_widths
from clusterkg.vocabulary import XSD

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="pseudo-terminals are tested on Linux only"
)

# data/awards.trig: FETEK's Silver label (ck:awardMonth "--05"), its one source
FETEK_SILVER_SOURCE = (
    "https://protechnology.lt/protech-coordinated-pv-industrial-technology-cluster-fetek-"
    "achieves-silver-label-of-cluster-management-excellence/"
)
# data/awards.trig: LitCare's Bronze label rests on this source document (and a web page)
MITA_TEXT = "https://w3id.org/clusterkg/id/source/mita-8-more-clusters-bronze-label"


def literal(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


# --- how a term is shown ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "datatype", "expected"),
    [
        ("2018", "gYear", "2018"),
        ("2018Z", "gYear", "2018 UTC"),
        ("2018-05", "gYearMonth", "May 2018"),
        ("--05", "gMonth", "May"),
        ("--12", "gMonth", "December"),
        ("--05-04", "gMonthDay", "4 May"),
        ("---04", "gDay", "day 4"),
        ("2018-05-04", "date", "2018-05-04"),
        ("2018-05-04T10:30:00Z", "dateTime", "2018-05-04 10:30 UTC"),
        ("2018-05-04T10:30:00.000+00:00", "dateTime", "2018-05-04 10:30 UTC"),
        ("2018-05-04T10:30:15.5+02:00", "dateTime", "2018-05-04 10:30:15.5 +02:00"),
        ("2018-05-04T10:30:00", "dateTime", "2018-05-04 10:30"),
    ],
)
def test_dates_are_written_for_people(value: str, datatype: str, expected: str) -> None:
    assert shown(literal(value, datatype)) == expected


def test_a_date_not_of_its_form_is_written_as_it_is() -> None:
    # kept by validate's ill-typed literals: shown, not guessed at
    assert readable_date("gMonth", "--13") == "--13"
    assert shown(literal("May", "gMonth")) == "May"
    assert shown(literal("2018/05/04", "dateTime")) == "2018/05/04"


def test_iris_are_curies_in_every_column_also_inside_joined_text() -> None:
    assert shown(ox.NamedNode("https://w3id.org/clusterkg/id/cluster/fetek")) == "cluster:fetek"
    assert shown(ox.NamedNode("https://w3id.org/clusterkg/id/role/director")) == "role:director"
    country = "http://publications.europa.eu/resource/authority/country/LTU"
    assert shown(ox.NamedNode(country)) == "country:LTU"
    joined = f"https://litfoodcluster.eu/en/achievements/ {MITA_TEXT}"
    expected = "https://litfoodcluster.eu/en/achievements/ source:mita-8-more-clusters-bronze-label"
    assert shown(ox.Literal(joined)) == expected
    # only whole words: an IRI inside a word, or a language-tagged text, is left alone
    assert shorten_iris_in(f"<{MITA_TEXT}>") == f"<{MITA_TEXT}>"
    assert shown(ox.Literal(MITA_TEXT, language="en")) == MITA_TEXT


def test_literals_are_their_value_on_one_line() -> None:
    assert shown(ox.Literal("10", datatype=ox.NamedNode(XSD + "integer"))) == "10"
    assert shown(ox.Literal("two\nlines")) == "two lines"
    assert shown(None) == ""


# --- fitting ------------------------------------------------------------------------------------


def test_the_widest_column_is_shrunk_first() -> None:
    # 30 characters, two gaps of 2: 26 for the cells; 30+10+4 is cut to 12+10+4
    assert fitted_widths([30, 10, 4], ["a", "b", "c"], 30) == [12, 10, 4]
    # 20 for the cells: both wide columns cut to 8, the one left over to the first
    assert fitted_widths([20, 20, 3], ["a", "b", "c"], 24) == [9, 8, 3]


def test_a_column_keeps_its_header_and_a_few_characters() -> None:
    # "validThrough" (12) is kept whole; "x" keeps MIN_COLUMN (6); the rest is over the width
    assert fitted_widths([40, 40], ["validThrough", "x"], 20) == [12, 6]
    # nothing to fit: the natural widths
    assert fitted_widths([40, 40], ["a", "b"], None) == [40, 40]
    assert fitted_widths([4, 4], ["a", "b"], 80) == [4, 4]


def test_a_cut_cell_ends_in_an_ellipsis() -> None:
    assert cut("Lithuanian", 6) == "Lithu…"
    assert cut("FETEK", 6) == "FETEK"


def test_records_when_the_headers_cannot_fit_side_by_side() -> None:
    headers = ["cluster", "validThrough", "x"]  # 7 + 12 + 6 + 2 gaps of 2 = 29
    assert not Layout(width=29).as_records(headers)
    assert Layout(width=28).as_records(headers)
    assert not Layout(width=None).as_records(headers)


# --- the real command, on a terminal and through a pipe -----------------------------------------


def test_labelled_clusters_fit_100_columns_as_records() -> None:
    run = run_on_terminal("query", "labelled-clusters", columns=100, env={"COLUMNS": "100"})
    assert run.code == 0, run.stderr
    lines = run.seen.splitlines()
    assert lines and all(len(line) <= 100 for line in lines)
    # 17 headers side by side need 157 characters: one record per award
    assert lines[0] == "-[ 1 ]" + "-" * 94
    assert "month         May" in lines  # --05 of FETEK's Silver label
    # its source, cut to 100 - 12 (validThrough) - 2 characters
    assert "sources       " + FETEK_SILVER_SOURCE[:85] + "…" in lines
    # 16 awards are written in data/awards.trig, three of them twice: 13 awards
    assert lines[-1] == "(13 rows)"
    # said once, after the table, where the person looks
    assert "cell(s) cut to fit 100 characters (--wide prints every cell whole)" in run.stderr


def test_the_terminal_size_is_read_when_columns_is_not_set() -> None:
    run = run_on_terminal("query", "labelled-clusters", "-p", "tier", "silver", columns=230)
    lines = run.seen.splitlines()
    assert all(len(line) <= 230 for line in lines)
    assert lines[0].split() == [
        "cluster",
        "name",
        "tier",
        "tierName",
        "evidence",
        "awardYear",
        "month",
        "heldIn",
        "validFrom",
        "validThrough",
        "current",
        "issuer",
        "issuerName",
        "sources",
        "award",
        "year",
        "date",
    ]
    assert lines[2].startswith("cluster:fetek ") and " tier:silver " in lines[2]
    assert " May " in lines[2] and FETEK_SILVER_SOURCE not in run.stdout
    assert "…" in lines[2]


def test_provenance_fits_80_columns_with_every_header_whole() -> None:
    run = run_on_terminal("query", "provenance", "-p", "subject", "FETEK", env={"COLUMNS": "80"})
    assert run.code == 0, run.stderr
    lines = run.seen.splitlines()
    assert all(len(line) <= 80 for line in lines)
    headers = [
        "about",
        "property",
        "value",
        "evidence",
        "sources",
        "quotes",
        "reasoning",
        "subject",
    ]
    assert lines[0].split() == headers
    # every column cut to its header's width or a little more: evidence keeps 8 characters,
    # "entailed" whole, "confirmed" cut
    assert lines[2].startswith("cluster:")  # the statements about FETEK itself come first
    assert any("  entailed  " in line for line in lines)
    assert any("  confirm…  " in line for line in lines)


def test_wide_on_a_terminal_cuts_nothing() -> None:
    run = run_on_terminal("query", "labelled-clusters", "--wide", env={"COLUMNS": "100"})
    assert FETEK_SILVER_SOURCE in run.seen and "…" not in run.seen
    assert max(len(line) for line in run.seen.splitlines()) > 100
    assert "cut to fit" not in run.stderr


def test_a_pipe_gets_every_character_and_width_cuts_on_request() -> None:
    piped = run_process("query", "labelled-clusters")
    assert piped.returncode == 0, piped.stderr
    assert FETEK_SILVER_SOURCE in piped.stdout and "…" not in piped.stdout
    assert "\x1b" not in piped.stdout
    cut_run = run_process("query", "labelled-clusters", "--width", "100")
    assert all(len(line) <= 100 for line in cut_run.stdout.splitlines())


def test_the_table_shows_curies_where_csv_keeps_the_exact_values() -> None:
    table = run_process("query", "labelled-clusters").stdout
    litcare = [line for line in table.splitlines() if line.startswith("cluster:litcare ")]
    assert litcare and "source:mita-8-more-clusters-bronze-label" in litcare[0]
    assert "https://w3id.org/clusterkg/" not in table
    assert "--05" not in table
    as_csv = run_process("query", "labelled-clusters", "-f", "csv").stdout
    assert MITA_TEXT in as_csv and ",--05," in as_csv
    assert "https://w3id.org/clusterkg/id/cluster/fetek" in as_csv


def test_people_and_roles_print_roles_as_curies() -> None:
    # data/people.trig: Kęstutis Šetkus is MITA's director (role:director, reference/roles.ttl)
    table = run_process("query", "people-and-roles", "-p", "organisation", "MITA").stdout
    assert "role:director" in table and "https://w3id.org/clusterkg/" not in table


def test_a_big_result_fitted_to_a_width_streams_block_by_block_under_one_header() -> None:
    # every triple: more than one block of 1,000 rows, each sized on its own within 80
    done = run_process("sparql", "-e", "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", "--width", "80")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    count = int(lines[-1].strip("()").split()[0])
    assert count > 1000 and len(lines) == count + 3  # header, rule, rows, count
    assert all(len(line) <= 80 for line in lines)
    assert lines[0].split() == ["s", "p", "o"] and lines.count(lines[1]) == 1


def test_records_are_numbered_across_blocks() -> None:
    from clusterkg.output.tables import _aligned_blocks

    header = ["a" * 30, "b" * 30, "c" * 30]  # 94 characters side by side: records in 40
    pages = iter([[["1", "2", "3"]] * 1000, [["4", "5", "6"]] * 2])  # two blocks
    text = "".join(_aligned_blocks(header, pages, Layout(width=40)))
    lines = text.splitlines()
    assert lines[0] == "-[ 1 ]" + "-" * 34
    second = lines.index("-[ 1001 ]" + "-" * 31)  # the second block goes on counting
    assert lines[second + 1] == "a" * 30 + "  4" and lines[-1] == "(1002 rows)"
    assert lines[1] == "a" * 30 + "  1"


def test_a_table_written_to_a_file_is_whole_unless_width_is_given(tmp_path: Path) -> None:
    whole, fitted = tmp_path / "whole.txt", tmp_path / "fitted.txt"
    asked = ("query", "labelled-clusters", "-p", "tier", "silver")
    assert run_process(*asked, "-o", str(whole)).returncode == 0
    assert run_process(*asked, "--width", "60", "-o", str(fitted)).returncode == 0
    whole_lines = whole.read_text(encoding="utf-8").splitlines()
    fitted_lines = fitted.read_text(encoding="utf-8").splitlines()
    # FETEK's silver award, from data/awards.trig: its source's address is far wider than 60
    assert any("cluster:fetek" in line for line in whole_lines)
    assert max(len(line) for line in whole_lines) > 100
    assert max(len(line) for line in fitted_lines) <= 60
    assert any("cluster:fetek" in line for line in fitted_lines)
