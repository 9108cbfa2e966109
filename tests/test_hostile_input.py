"""Hostile input: nothing of the user's machine gets out, and every parser failure is one line.

The corpus is tests/fixtures/hostile/ (small files, each saying in a comment what it does) plus
big and deep files generated here. For each: exit 2 with one line on stderr naming the file and
line (or exit 0 for what must load), no traceback, and quickly (the billion-laughs DTD expanded
for over two minutes before it was refused up front).
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from cli_support import run_process
from click.testing import CliRunner, Result

from clusterkg.cli import cli
from clusterkg.engine import LocalStore
from clusterkg.errors import InputError
from clusterkg.inputs.fidelity import scan_file
from clusterkg.inputs.screening import statement_start
from clusterkg.inputs.store_loading import load_file
from clusterkg.vocabulary import RELATIVE_BASE

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
GRAPH = ox.NamedNode("urn:x-test:graph")

# file → (exit code, line named (None: none), words the message must hold)
EXPECTED: dict[str, tuple[int, int | None, list[str]]] = {
    "billion-laughs.rdf": (2, 3, ["DTD"]),
    "external-entity.rdf": (2, 3, ["DTD"]),
    "lone-surrogate.ttl": (2, 3, ["DC80"]),
    "lone-surrogate.nt": (2, 2, ["DC80"]),
    "lone-surrogate.jsonld": (2, 3, ["dc80", "surrogate"]),
    "long-language-subtag.ttl": (2, 3, ["subtag"]),
    "long-language-subtag.jsonld": (2, 3, ["subtag"]),
    "missing-dot.ttl": (2, 3, ["line 3", "not ended by '.'", "line 7"]),
    "missing-dot.trig": (2, 4, ["line 4", "not ended by '.'", "line 7"]),
    "surrogate-reference.rdf": (2, 4, ["invalid character"]),
    "bad-line-2.nt": (2, 2, ["N-Triples"]),
    "escaped-imports.ttl": (2, 3, ["owl:imports", "http://example.org/elsewhere.ttl"]),
    "escaped-prefix-imports.ttl": (2, 4, ["owl:imports", "http://example.org/elsewhere.ttl"]),
    "byte-order-mark.ttl": (0, None, []),
    "byte-order-mark.jsonld": (0, None, []),
    "relative.ttl": (0, None, []),
    "relative.jsonld": (0, None, []),
    "relative.rdf": (0, None, []),
}


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=True)


def statistics(path: Path) -> Result:
    return invoke("--no-cache", "--data", str(path), "query", "statistics")


def assert_outcome(
    path: Path, code: int, line: int | None, words: list[str], result: Result
) -> None:
    """Exit `code`; for a refusal, one line on stderr naming the file (and line), no traceback."""
    assert result.exit_code == code, (result.exit_code, result.stderr, result.exception)
    assert "Traceback" not in result.stderr
    assert isinstance(result.exception, SystemExit | None), repr(result.exception)
    if code == 0:
        return
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    where = f"{path}:{line}: " if line else f"{path}: "
    assert lines[0].startswith(f"clusterkg: error: {where}"), lines[0]
    for word in words:
        assert word in lines[0]


def test_the_corpus_is_all_listed() -> None:
    names = {p.name for p in HOSTILE.iterdir()}
    assert names, "no hostile fixtures found"
    assert names == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file_gives_one_line_or_loads(name: str) -> None:
    path = HOSTILE / name
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    code, line, words = EXPECTED[name]
    started = time.monotonic()
    assert_outcome(path, code, line, words, statistics(path))
    assert time.monotonic() - started < 30
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_billion_laughs_is_refused_at_once_in_a_real_process() -> None:
    path = HOSTILE / "billion-laughs.rdf"
    started = time.monotonic()
    process = run_process("--no-cache", "--data", str(path), "query", "statistics")
    assert time.monotonic() - started < 30
    assert process.returncode == 2, process.stderr
    assert process.stderr.startswith(f"clusterkg: error: {path}:3: ")
    assert "Traceback" not in process.stderr


def test_dtd_is_refused_before_any_parser_sees_it() -> None:
    """The fidelity scan (Oxigraph) and rdflib both: neither is ever given the file."""
    with pytest.raises(InputError) as error:
        load_file(LocalStore(), HOSTILE / "billion-laughs.rdf", GRAPH)
    assert error.value.line == 3


# --- generated: deep and big --------------------------------------------------------------------


def deep_jsonld(depth: int) -> str:
    return (
        '{\n  "@id": "http://example.org/s",\n  "http://example.org/p":\n'
        + "[" * depth
        + '"x"'
        + "]" * depth
        + "\n}\n"
    )


@pytest.mark.parametrize("depth", [1_000, 20_000])
def test_deep_jsonld_is_one_line_in_a_real_process(tmp_path: Path, depth: int) -> None:
    path = tmp_path / "deep.jsonld"
    path.write_text(deep_jsonld(depth), encoding="utf-8")
    process = run_process("--no-cache", "--data", str(path), "query", "statistics")
    assert process.returncode == 2, process.stderr
    assert "Traceback" not in process.stderr
    assert len(process.stderr.strip().splitlines()) == 1, process.stderr
    assert process.stderr.startswith(f"clusterkg: error: {path}:4: ")  # where the [[[ are
    assert "nested too deeply" in process.stderr


def deep_turtle(depth: int, tail: str = "") -> str:
    nested = "[ ex:p " * depth + "ex:o" + " ]" * depth
    return f"@prefix ex: <http://example.org/> .\nex:s ex:p {nested} .\n{tail}"


def test_deep_turtle_loads(tmp_path: Path) -> None:
    path = tmp_path / "deep.ttl"
    path.write_text(deep_turtle(5_000), encoding="utf-8")
    assert statistics(path).exit_code == 0


def test_deep_turtle_with_a_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    """rdflib, which explains syntax errors, runs out of stack on it: Oxigraph's line is given."""
    path = tmp_path / "deep.ttl"
    path.write_text(deep_turtle(5_000, "ex:t ex:p ex:o ex:o .\n"), encoding="utf-8")
    result = statistics(path)
    assert_outcome(path, 2, 3, [], result)
    assert "recursion" not in result.stderr


# --- nothing of the path gets out ---------------------------------------------------------------


def test_relative_iris_resolve_against_the_fixed_base_in_every_format(tmp_path: Path) -> None:
    files = [HOSTILE / name for name in ("relative.ttl", "relative.jsonld", "relative.rdf")]
    args = [a for f in files for a in ("--data", str(f))]
    result = invoke("--no-cache", *args, "export", "--format", "nt")
    assert result.exit_code == 0, result.stderr
    assert "file:" not in result.stdout
    assert str(HOSTILE) not in result.stdout
    a, b = f"<{RELATIVE_BASE}a>", f"<{RELATIVE_BASE}b>"
    for predicate in ("p", "q", "r"):  # one <a> and one <b>, whichever file wrote them
        assert f"{a} <http://example.org/{predicate}> {b} ." in result.stdout


def test_relative_iris_in_query_results_do_not_name_the_folder(tmp_path: Path) -> None:
    path = tmp_path / "secret-folder" / "data.ttl"
    path.parent.mkdir()
    path.write_text('<a> <http://example.org/p> "x" .\n', encoding="utf-8")
    query = "SELECT ?s WHERE { ?s <http://example.org/p> ?o }"
    result = invoke("--no-cache", "--data", str(path), "sparql", "-e", query, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1:] == [f"{RELATIVE_BASE}a"]


def test_the_fidelity_scan_uses_the_fixed_base(tmp_path: Path) -> None:
    path = tmp_path / "data.ttl"
    path.write_text('<a> <b> "007"^^<http://www.w3.org/2001/XMLSchema#integer> .\n', "utf-8")
    (change,), _ = scan_file(path)
    assert change.subject == f"<{RELATIVE_BASE}a>"


# --- where a statement starts ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("@prefix ex: <x:> .\nex:s ex:p ex:o\n\n# c\nex:t ex:p ex:o .", 2),
        ("PREFIX ex: <x:>\n# no dot above\nex:s ex:p 1.5\nex:t ex:p ex:o .", 3),
        ('ex:a ex:b "a . b" .\nex:s ex:p ex:o\nex:t', 2),
        ("ex:a ex:b <x:y.z> .\nex:s ex:p ex:a.b\nex:t", 2),
    ],
)
def test_statement_start(text: str, line: int) -> None:
    assert statement_start(text, text.rindex("ex:t")) == line


def test_utf16_rdfxml_cannot_hide_a_dtd(tmp_path: Path) -> None:
    path = tmp_path / "utf-16.rdf"
    text = '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE x [<!ENTITY a "b">]>\n<x/>\n'
    path.write_bytes(text.encode("utf-16"))
    assert_outcome(path, 2, 1, ["UTF-8"], statistics(path))


# --- whatever a parser raises ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "raised",
    [
        RecursionError(),
        MemoryError(),
        UnicodeDecodeError("utf-8", b"\xff", 0, 1, "bad"),
        KeyError("x"),
    ],
    ids=["RecursionError", "MemoryError", "UnicodeError", "KeyError"],
)
@pytest.mark.parametrize("name", ["relative.jsonld", "relative.rdf", "missing-dot.ttl"])
def test_anything_a_parser_raises_is_one_line(
    monkeypatch: pytest.MonkeyPatch, name: str, raised: BaseException
) -> None:
    """rdflib (the loader of JSON-LD and RDF/XML, the explainer of Turtle) fails in a way no
    one foresaw: the user still gets one line naming the file, exit 2."""

    def fail(*args: object, **kwargs: object) -> None:
        raise raised

    monkeypatch.setattr("rdflib.Graph.parse", fail)
    path = HOSTILE / name
    line = 3 if name == "missing-dot.ttl" else None  # Oxigraph's refusal names the line
    assert_outcome(path, 2, line, [], statistics(path))
