"""The stored-query catalogue's checks of the arguments a query is given, and its examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from clusterkg.errors import ParameterError, QueryError
from clusterkg.queries.catalogue import Catalogue

QUERIES = Path(__file__).resolve().parents[1] / "queries"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue(QUERIES)


def test_examples_read_as_name_value_pairs(catalogue: Catalogue) -> None:
    stored = catalogue.get("clusters-of-company")
    assert stored.examples == ["company=Rūta;sector=food"]
    assert stored.example_arguments() == [[("company", "Rūta"), ("sector", "food")]]


def test_every_example_gives_parameters_its_query_has(catalogue: Catalogue) -> None:
    examples = [(stored, a) for stored in catalogue for a in stored.example_arguments()]
    assert examples  # a check over no examples would pass silently
    for stored, arguments in examples:
        stored.check_parameters(arguments)


def test_check_parameters_refuses_repeats_unknown_and_missing(catalogue: Catalogue) -> None:
    stored = catalogue.get("clusters-of-company")
    with pytest.raises(ParameterError, match=r"^parameter company given more than once$"):
        stored.check_parameters([("company", "Rūta"), ("company", "MITA")])
    with pytest.raises(ParameterError, match="has no parameter colour"):
        stored.check_parameters([("company", "Rūta"), ("colour", "red")])
    with pytest.raises(ParameterError, match="needs company"):
        stored.check_parameters([("sector", "food")])


def test_checked_refuses_a_repeat_before_looking_the_name_up(catalogue: Catalogue) -> None:
    with pytest.raises(ParameterError, match="parameter a, b given more than once"):
        catalogue.checked("no-such-query", [("b", "1"), ("a", "1"), ("a", "2"), ("b", "2")])
    with pytest.raises(QueryError, match="no stored query named 'no-such-query'"):
        catalogue.checked("no-such-query", [("a", "1")])
    assert catalogue.checked("next-label", [("cluster", "FETEK")]).name == "next-label"
