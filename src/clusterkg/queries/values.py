"""Parameter values that are not names of things in the graph: years, dates and countries.

A year or a date becomes a typed literal (xsd:gYear, xsd:date) bound into the query, after a
check that it is one: `2018`, `2019-06-01`. A country becomes the IRI of the EU Publications
Office's country authority table, which the data's `ck:country` values are taken from; the
graph holds no names of countries, so `LT`, `LTU`, `Lithuania` are looked up in the table below
(ISO 3166-1 codes and English names of the European countries the data and `generate` use).
"""

from __future__ import annotations

import re
from datetime import date
from difflib import get_close_matches

import pyoxigraph as ox

from clusterkg.errors import Candidate, ParameterError
from clusterkg.vocabulary import EU_COUNTRY, XSD

# (ISO 3166-1 alpha-2, alpha-3 = the EU authority table's code, English name). The EU writes
# Greece "EL" and the United Kingdom "UK" where ISO has GR and GB: both are accepted.
EUROPEAN_COUNTRIES: tuple[tuple[str, str, str], ...] = (
    ("AT", "AUT", "Austria"),
    ("BE", "BEL", "Belgium"),
    ("BG", "BGR", "Bulgaria"),
    ("HR", "HRV", "Croatia"),
    ("CY", "CYP", "Cyprus"),
    ("CZ", "CZE", "Czechia"),
    ("DK", "DNK", "Denmark"),
    ("EE", "EST", "Estonia"),
    ("FI", "FIN", "Finland"),
    ("FR", "FRA", "France"),
    ("DE", "DEU", "Germany"),
    ("GR", "GRC", "Greece"),
    ("HU", "HUN", "Hungary"),
    ("IS", "ISL", "Iceland"),
    ("IE", "IRL", "Ireland"),
    ("IT", "ITA", "Italy"),
    ("LV", "LVA", "Latvia"),
    ("LI", "LIE", "Liechtenstein"),
    ("LT", "LTU", "Lithuania"),
    ("LU", "LUX", "Luxembourg"),
    ("MT", "MLT", "Malta"),
    ("NL", "NLD", "Netherlands"),
    ("NO", "NOR", "Norway"),
    ("PL", "POL", "Poland"),
    ("PT", "PRT", "Portugal"),
    ("RO", "ROU", "Romania"),
    ("RS", "SRB", "Serbia"),
    ("SK", "SVK", "Slovakia"),
    ("SI", "SVN", "Slovenia"),
    ("ES", "ESP", "Spain"),
    ("SE", "SWE", "Sweden"),
    ("CH", "CHE", "Switzerland"),
    ("GB", "GBR", "United Kingdom"),
)
_EU_SPELLINGS = {"el": "GRC", "uk": "GBR", "czech republic": "CZE"}
_COUNTRY_CODES: dict[str, str] = _EU_SPELLINGS | {
    key.casefold(): alpha3
    for alpha2, alpha3, name in EUROPEAN_COUNTRIES
    for key in (alpha2, alpha3, name)
}
_YEAR = re.compile(r"^\d{4}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def year(name: str, value: str) -> ox.Literal:
    """`2018` as "2018"^^xsd:gYear."""
    text = value.strip()
    if not _YEAR.match(text):
        raise ParameterError(
            f"{name}: {value!r} is not a year; give four digits, e.g. 2018", name, value
        )
    return ox.Literal(text, datatype=ox.NamedNode(XSD + "gYear"))


def day(name: str, value: str) -> ox.Literal:
    """`2019-06-01` as "2019-06-01"^^xsd:date (a real calendar day)."""
    text = value.strip()
    try:
        if not _DATE.match(text):
            raise ValueError(text)
        date.fromisoformat(text)
    except ValueError:
        raise ParameterError(
            f"{name}: {value!r} is not a date; give YYYY-MM-DD, e.g. 2019-06-01", name, value
        ) from None
    return ox.Literal(text, datatype=ox.NamedNode(XSD + "date"))


def country(name: str, value: str) -> ox.NamedNode:
    """`LT`, `LTU` or `Lithuania` (any case) as the EU authority table's country IRI."""
    key = " ".join(value.split()).casefold()
    code = _COUNTRY_CODES.get(key)
    if code is not None:
        return ox.NamedNode(EU_COUNTRY + code)
    names = [n for _, _, n in EUROPEAN_COUNTRIES]
    near = get_close_matches(value.strip().title(), names, n=3, cutoff=0.6)
    hint = f" Did you mean: {'; '.join(near)}?" if near else ""
    codes = {n: alpha3 for _, alpha3, n in EUROPEAN_COUNTRIES}
    raise ParameterError(
        f"{name}: no country is named {value!r}; give an ISO code (LT, LTU), an English "
        f"name or the IRI.{hint}",
        name,
        value,
        [Candidate(EU_COUNTRY + codes[n], n, "country") for n in near],
    )
