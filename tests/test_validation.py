"""validate_store with shapes graphs other than the bundled one: one regression test per bug.

The W3C suite (test_w3c_shacl.py) covers these too, but lives outside the repository; these
tests run without it.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from clusterkg.engine import LocalEngine, LocalStore
from clusterkg.errors import ClusterKGError, ShapesError
from clusterkg.inputs.sources import SourceMap
from clusterkg.validation.compiled import UnsupportedShapes, compile_shapes
from clusterkg.validation.report import Report
from clusterkg.validation.validate import Backend, validate_store
from clusterkg.vocabulary import ASSERTED, RELATIVE_BASE

PREFIXES = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix ex: <http://example.org/> .
"""


def run(tmp_path: Path, shapes: str, data: str, backend: Backend = "auto") -> Report:
    path = tmp_path / "shapes.ttl"
    path.write_text(PREFIXES + shapes, encoding="utf-8")
    store = LocalStore()
    store.load((PREFIXES + data).encode(), ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ASSERTED))
    return validate_store(LocalEngine(store), path, SourceMap(), backend=backend)


def test_a_query_pyshacl_refuses_is_a_shapes_error_not_an_attribute_error(
    tmp_path: Path,
) -> None:
    # pySHACL returns its ValidationFailure where a report graph is expected; it was read as one.
    shapes = (
        "ex:S sh:targetNode ex:a ; sh:sparql [ sh:select "
        "'SELECT $this WHERE { $this ?p ?o MINUS { $this ?p 1 } }' ] ."
    )
    with pytest.raises(ShapesError, match="MINUS"):
        run(tmp_path, shapes, "ex:a ex:p 2 .")


def test_a_feature_pyshacl_lacks_is_a_shapes_error_not_a_traceback(tmp_path: Path) -> None:
    # pySHACL raises NotImplementedError for $shapesGraph (optional in the specification).
    shapes = (
        "ex:S sh:targetNode ex:a ; sh:sparql [ sh:select "
        "'SELECT $this WHERE { GRAPH $shapesGraph { $currentShape ?p ?o } }' ] ."
    )
    with pytest.raises(ShapesError) as error:
        run(tmp_path, shapes, "ex:a ex:p 2 .")
    assert isinstance(error.value, ClusterKGError)


@pytest.mark.parametrize("backend", ["auto", "reference"])
def test_owl_imports_in_a_shapes_graph_is_not_followed_nor_refused(
    tmp_path: Path, backend: Backend
) -> None:
    shapes = (
        "<http://example.org/shapes> owl:imports <http://example.org/elsewhere> .\n"
        "ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:datatype xsd:string ] ."
    )
    report = run(tmp_path, shapes, "ex:a ex:p 2 .", backend)
    assert [p.component for p in report.problems] == ["sh:DatatypeConstraintComponent"]


def test_an_ill_typed_literal_in_a_shapes_file_does_not_stop_the_fallback(tmp_path: Path) -> None:
    # sh:closed is not compiled, so pySHACL runs; the shapes file also holds (bad) data.
    shapes = (
        'ex:b ex:q "x"^^xsd:integer .\n'
        "ex:S sh:targetNode ex:a ; sh:closed true ; sh:property [ sh:path ex:p ] ."
    )
    report = run(tmp_path, shapes, "ex:a ex:p 2 ; ex:r 3 .")
    assert report.engine == "pyshacl"
    assert [p.component for p in report.problems] == ["sh:ClosedConstraintComponent"]


def test_relative_iris_in_a_shapes_file_are_compiled(tmp_path: Path) -> None:
    # Without a base, <s> was a syntax error and pySHACL ran instead. The base is clusterkg's
    # fixed one, never the file's folder (which a report would otherwise show).
    report = run(tmp_path, "<s> sh:targetNode ex:a ; sh:class ex:C .", "ex:a ex:q 1 .")
    assert report.engine == "sparql"
    assert [p.shape for p in report.problems] == [RELATIVE_BASE + "s"]


def test_a_validation_report_in_a_shapes_graph_is_compiled(tmp_path: Path) -> None:
    shapes = (
        "ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .\n"
        "[] a sh:ValidationReport ; sh:conforms false ; sh:result [ a sh:ValidationResult ; "
        "sh:focusNode ex:a ; sh:resultPath ex:p ; sh:resultSeverity sh:Violation ; "
        "sh:sourceShape ex:S ; sh:sourceConstraintComponent sh:MinCountConstraintComponent ] ."
    )
    assert run(tmp_path, shapes, "ex:a ex:q 1 .").engine == "sparql"


@pytest.mark.parametrize(("flag", "results"), [("true", 1), ('"1"^^xsd:boolean', 0)])
def test_unique_lang_is_active_for_true_only(tmp_path: Path, flag: str, results: int) -> None:
    shapes = f"ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:uniqueLang {flag} ] ."
    report = run(tmp_path, shapes, 'ex:a ex:p "Hi"@en , "HI"@en .', "fast")
    assert len(report.problems) == results


def test_sh_prefixes_follow_owl_imports_in_the_shapes_graph(tmp_path: Path) -> None:
    shapes = (
        "ex:ontology sh:declare [ sh:prefix 'ex' ; "
        "sh:namespace 'http://example.org/'^^xsd:anyURI ] .\n"
        "ex:prefixes owl:imports ex:ontology .\n"
        "ex:S sh:targetNode ex:a ; sh:sparql [ sh:prefixes ex:prefixes ; "
        "sh:select 'SELECT $this WHERE { $this ex:p 2 }' ] ."
    )
    report = run(tmp_path, shapes, "ex:a ex:p 2 .", "fast")
    assert [p.component for p in report.problems] == ["sh:SPARQLConstraintComponent"]


def test_a_target_node_oxigraph_would_rewrite_is_left_to_pyshacl() -> None:
    with pytest.raises(UnsupportedShapes, match="non-canonical"):
        compile_shapes(PREFIXES + "ex:S sh:targetNode 4.0 ; sh:maxExclusive 4 .")
    compile_shapes(PREFIXES + "ex:S sh:targetNode 4.5 ; sh:maxExclusive 4 .")
