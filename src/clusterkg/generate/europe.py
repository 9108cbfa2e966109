"""The synthetic Europe: countries with their cities, legal forms and people's names; sectors.

The tables are data, kept in europe.json (one record a line) and read once, at import. Their
order matters: the weighted draws walk the countries and the sectors in the order listed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.resources import files
from typing import Any


@dataclass(frozen=True)
class Country:
    code: str  # EU authority table code (ISO 3166-1 alpha-3)
    name: str
    adjective: str
    weight: float  # relative number of cluster organisations
    cities: tuple[str, ...]
    legal_forms: tuple[str, ...]
    names: str  # key of NAME_POOLS


@dataclass(frozen=True)
class Sector:
    slug: str  # the reference concept ckid:sector/<slug>
    weight: float  # relative number of clusters
    noun: str  # for sentences: "a food cluster"
    cluster_words: tuple[str, ...]
    company_words: tuple[str, ...]


# People's names by language: (first names, surnames) groups; where surnames differ by gender
# (Polish, Czech, Baltic, Bulgarian, Greek) one group per gender.
NamePool = tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]


def _record(fields: dict[str, Any]) -> dict[str, Any]:
    """A JSON record with its lists as tuples, as the frozen dataclasses keep them."""
    return {key: tuple(v) if isinstance(v, list) else v for key, v in fields.items()}


_TABLES = json.loads(files(__package__).joinpath("europe.json").read_text(encoding="utf-8"))
COUNTRIES: tuple[Country, ...] = tuple(Country(**_record(c)) for c in _TABLES["countries"])
SECTORS: tuple[Sector, ...] = tuple(Sector(**_record(s)) for s in _TABLES["sectors"])
NAME_POOLS: dict[str, NamePool] = {
    language: tuple((tuple(g["first"]), tuple(g["last"])) for g in groups)
    for language, groups in _TABLES["names"].items()
}
