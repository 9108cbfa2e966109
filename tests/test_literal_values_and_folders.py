"""Hostile input, limits and faults: values out of their datatype's range, dates that do not
exist, a huge literal on the error path, and files given or found that are not what they seem.

Each case is generated in the test (tmp_path); one regression test per thing that broke.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from clusterkg.cli import cli
from clusterkg.errors import InputError
from clusterkg.inputs.literals import INTEGER_RANGES, XSD_NS, invalid_reason
from clusterkg.inputs.reading import parse_files
from clusterkg.validation.validate import validate_files

ROOT = Path(__file__).resolve().parents[1]
SHAPES = ROOT / "ontology" / "shapes.ttl"
PREFIXES = (
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n@prefix ex: <https://example.org/> .\n"
)


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=True)


def turtle(tmp_path: Path, *lines: str, name: str = "data.ttl") -> Path:
    path = tmp_path / name
    path.write_text(PREFIXES + "\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- values out of range, days that do not exist ----------------------------------------------

# lexical form, datatype, valid?
VALUES = [
    ("99999999999", "int", False),
    ("2147483647", "int", True),
    ("-2147483649", "int", False),
    ("-128", "byte", True),
    ("128", "byte", False),
    ("40000", "short", False),
    ("9223372036854775808", "long", False),
    ("256", "unsignedByte", False),
    ("-1", "unsignedShort", False),
    ("-0", "unsignedInt", True),
    ("18446744073709551616", "unsignedLong", False),
    ("0", "positiveInteger", False),
    ("+0001", "positiveInteger", True),
    ("5", "negativeInteger", False),
    ("-0", "negativeInteger", False),
    ("-7", "negativeInteger", True),
    ("1", "nonPositiveInteger", False),
    ("-0", "nonNegativeInteger", True),
    ("-1", "nonNegativeInteger", False),
    ("7" * 5000, "long", False),  # beyond what int() converts: no crash
    ("2017-02-30", "date", False),
    ("2017-02-29", "date", False),
    ("2016-02-29", "date", True),
    ("1900-02-29", "date", False),
    ("2000-02-29", "date", True),
    ("2017-04-31T10:00:00", "dateTime", False),
    ("--02-29", "gMonthDay", True),
    ("--02-30", "gMonthDay", False),
    ("--11-31", "gMonthDay", False),
    ("2017-13-45", "date", False),
]


@pytest.mark.parametrize(("lexical", "name", "valid"), VALUES, ids=[v[0][:24] for v in VALUES])
def test_a_value_outside_its_datatype_is_invalid(lexical: str, name: str, valid: bool) -> None:
    assert (invalid_reason(lexical, XSD_NS + name) is None) is valid


def test_every_bounded_integer_type_has_its_range() -> None:
    for name, (lowest, highest) in INTEGER_RANGES.items():
        if lowest is not None:
            assert invalid_reason(str(lowest), XSD_NS + name) is None
            assert invalid_reason(str(lowest - 1), XSD_NS + name) is not None
        if highest is not None:
            assert invalid_reason(str(highest), XSD_NS + name) is None
            assert invalid_reason(str(highest + 1), XSD_NS + name) is not None


def test_the_message_says_what_to_write() -> None:
    reason = invalid_reason("99999999999", XSD_NS + "int")
    assert reason is not None
    assert "-2147483648" in reason and "2147483647" in reason and "xsd:integer" in reason
    reason = invalid_reason("2017-02-30", XSD_NS + "date")
    assert reason is not None and "28 days" in reason


OUT_OF_RANGE = [
    ('"99999999999"^^xsd:int', "xsd:int"),
    ('"5"^^xsd:negativeInteger', "xsd:negativeInteger"),
    ('"300"^^xsd:byte', "xsd:byte"),
    ('"2017-02-30"^^xsd:date', "xsd:date"),
    ('"--04-31"^^xsd:gMonthDay', "xsd:gMonthDay"),
]


@pytest.mark.parametrize(("literal", "name"), OUT_OF_RANGE, ids=[c[1] for c in OUT_OF_RANGE])
def test_an_out_of_range_value_is_refused_and_listed_by_validate(
    tmp_path: Path, literal: str, name: str
) -> None:
    path = turtle(tmp_path, 'ex:a ex:label "fine" .', f"ex:a ex:value {literal} .")
    for args in (["--data", str(path), "export"], ["--data", str(path), "query", "statistics"]):
        result = invoke(*args)
        assert result.exit_code == 2, (result.stdout, result.stderr)
        assert result.stderr.startswith(f"clusterkg: error: {path}:4: "), result.stderr
        assert name in result.stderr
    result = invoke("validate", str(path))
    assert result.exit_code == 1, result.stderr
    (row,) = [row for row in result.stdout.splitlines() if f"{path}:4: Violation: " in row]
    assert name in row


def test_the_reference_loader_refuses_an_out_of_range_value(tmp_path: Path) -> None:
    path = turtle(tmp_path, 'ex:a ex:value "99999999999"^^xsd:int .')
    with pytest.raises(InputError) as error:
        parse_files([path])
    assert error.value.line == 3 and "xsd:int" in error.value.reason


def test_an_out_of_range_value_in_json_ld_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonld"
    document = {
        "@context": {"ex": "https://example.org/"},
        "@id": "ex:a",
        "ex:value": {"@value": "5", "@type": XSD_NS + "negativeInteger"},
    }
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    result = invoke("--data", str(path), "export")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"clusterkg: error: {path}:7: "), result.stderr


def test_validate_reports_an_ill_formed_byte_as_written(tmp_path: Path) -> None:
    """The store holds "300"^^xsd:byte as "300"^^xsd:integer: the report names the literal the
    file wrote (W3C core/property/datatype-ill-formed)."""
    data = turtle(tmp_path, 'ex:a ex:p "300"^^xsd:byte .')
    shapes = turtle(
        tmp_path,
        "@prefix sh: <http://www.w3.org/ns/shacl#> .",
        "ex:s a sh:NodeShape ; sh:targetNode ex:a ;",
        "  sh:property [ sh:path ex:p ; sh:datatype xsd:byte ] .",
        name="shapes.ttl",
    )
    report, _ = validate_files([data], shapes)
    datatype = [p for p in report.problems if p.component == "sh:DatatypeConstraintComponent"]
    assert [p.value for p in datatype] == ["300"]
    (result,) = report.raw or []
    assert str(result.value) == f'"300"^^<{XSD_NS}byte>'
    assert any("xsd:byte holds -128" in p.message for p in report.problems)


# --- the error path does not re-read a big file with rdflib -----------------------------------


def test_a_bad_literal_beside_a_10_mb_literal_is_located_quickly(tmp_path: Path) -> None:
    path = turtle(
        tmp_path,
        f'ex:a ex:text "{"x" * 10_000_000}" .',
        'ex:a ex:founded "2017-13-45"^^xsd:date .',
    )
    started = time.monotonic()
    result = invoke("--data", str(path), "export", "-f", "nt")
    assert time.monotonic() - started < 30  # generous: about 1 s (benchmarks/error_path.py)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"clusterkg: error: {path}:4: "), result.stderr[:300]
    assert "'2017-13-45'" in result.stderr


def test_a_json_ld_file_beyond_the_scan_buffer_is_located_without_a_traceback(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """Oxigraph's JSON-LD parser stops at 16 MB (MemoryError): the scan's thread crashed with a
    traceback; the build's own check then finds the literal, and its line by text search."""
    path = tmp_path / "big.jsonld"
    document = {
        "@context": {"ex": "https://example.org/"},
        "@graph": [
            {"@id": "ex:a", "ex:text": "x" * 17_000_000},
            {"@id": "ex:a", "ex:founded": {"@value": "2017-13-45", "@type": XSD_NS + "date"}},
        ],
    }
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    result = invoke("--data", str(path), "export", "-f", "nt")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"clusterkg: error: {path}:13: "), result.stderr[:300]
    assert "Traceback" not in capfd.readouterr().err


# --- which files are read: folders, hidden files, plain JSON ----------------------------------

CLUSTER = (
    "<https://example.org/c{n}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
    "<https://w3id.org/clusterkg/ontology#Cluster> .\n"
)  # N-Triples, which is Turtle too


def _count_clusters(*args: str) -> tuple[Result, int]:
    result = invoke(
        *args,
        "sparql",
        "-e",
        "SELECT (COUNT(?c) AS ?n) WHERE { ?c a <https://w3id.org/clusterkg/ontology#Cluster> "
        'FILTER(STRSTARTS(STR(?c), "https://example.org/")) }',
        "-f",
        "csv",
    )
    return result, int(result.stdout.split()[-1]) if result.exit_code == 0 else -1


def test_a_folder_reads_suffixes_in_any_case_and_skips_hidden_files(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    (folder / ".git").mkdir(parents=True)
    (folder / "A.TTL").write_text(CLUSTER.format(n=1), encoding="utf-8")
    (folder / "b.Nt").write_text(CLUSTER.format(n=2), encoding="utf-8")
    (folder / ".backup.ttl").write_text(CLUSTER.format(n=3), encoding="utf-8")
    (folder / ".git" / "old.ttl").write_text(CLUSTER.format(n=4), encoding="utf-8")
    (folder / "README.md").write_text("# data\n", encoding="utf-8")
    result, count = _count_clusters("--data", str(folder))
    assert result.exit_code == 0, result.stderr
    assert count == 2
    notes = [line for line in result.stderr.splitlines() if "hidden" in line]
    assert len(notes) == 1 and "2 hidden" in notes[0] and ".backup.ttl" in notes[0]
    assert "README.md" not in result.stderr  # not RDF: skipped without a word
    # a hidden file named explicitly is read
    result, count = _count_clusters("--data", str(folder / ".backup.ttl"))
    assert result.exit_code == 0 and count == 1


def test_a_folder_says_it_left_out_json_files(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "a.ttl").write_text(CLUSTER.format(n=1), encoding="utf-8")
    (folder / "config.json").write_text('{"debug": true}\n', encoding="utf-8")
    result, count = _count_clusters("--data", str(folder))
    assert result.exit_code == 0 and count == 1
    assert any("config.json" in line and "note:" in line for line in result.stderr.splitlines())


@pytest.mark.parametrize("name", ["config.json", "settings.jsonld"])
def test_plain_json_is_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text('{\n  "name": "x",\n  "items": [1, 2, 3]\n}\n', encoding="utf-8")
    for args in (["--data", str(path), "export"], ["validate", str(path)]):
        result = invoke(*args)
        assert result.exit_code == 2, (result.stdout, result.stderr)
        assert result.stderr.startswith(f"clusterkg: error: {path}: plain JSON, not JSON-LD")


def test_json_ld_named_json_is_read(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    document = {
        "@id": "https://example.org/c1",
        "@type": "https://w3id.org/clusterkg/ontology#Cluster",
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    result, count = _count_clusters("--data", str(path))
    assert result.exit_code == 0, result.stderr
    assert count == 1
