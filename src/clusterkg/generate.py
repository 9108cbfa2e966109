"""Deterministic synthetic data at European scale, for benchmarks and for testing the tool.

`clusterkg generate --clusters N --seed S -o DIR [--violations K]` writes a data set in DIR that
replaces the bundled facts (`clusterkg --data DIR query …`): cluster organisations across Europe,
their member companies and memberships, ESCA label award histories, coordinating organisations,
people in posts, funded projects, reported figures and the source documents of all of them. It
points at the always-loaded vocabulary (tiers, sectors, roles, evidence levels, ESCA) and never
repeats it.

Shapes of the data: cluster sizes are heavy-tailed (lognormal weights), most companies belong to
one cluster and some to two to four, about half of the clusters hold a label whose tier never goes
down in time (bronze, renewals, silver, gold, two years apart). Every fact node is modelled as in
data/*.ttl: a node with prov:wasDerivedFrom a source document, prov:value the quoted line and
ck:evidence (inferred facts carry ck:reasoning). The clean data conforms to ontology/shapes.ttl
with no violation and no warning; `--violations K` plants K independent defects, each producing
exactly one SHACL result, and lists them in DIR/MANIFEST.json.

Determinism: every random choice comes from random.Random seeded with a string derived from the
seed (one stream per part, so that planting defects leaves the clean data unchanged); nothing
depends on hash() or on set order. The Turtle is written as text, one subject at the start of a
line (the tool locates problems that way), with no blank nodes.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
import re
import shutil
import tempfile
import textwrap
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from clusterkg.errors import ClusterKGError
from clusterkg.progress import Step, step

GENERATOR = "clusterkg generate"
GENERATOR_VERSION = "1.0.0"
MANIFEST = "MANIFEST.json"
DEFAULT_SEED = 1
DEFAULT_VIOLATIONS = 12

# Calibration: triples written per cluster on average, measured over seeds at 3-1,500 clusters
# (the issue asks for ~1,500 clusters ≈ 150,000 companies ≈ 2 million triples).
TRIPLES_PER_CLUSTER = 1405
COMPANIES_PER_CLUSTER = 100
# Share of companies that are members of 1, 2, 3 or 4 clusters.
MULTIPLICITY_WEIGHTS = (0.86, 0.09, 0.035, 0.015)
MIN_MEMBERS = 5
DOMESTIC_SHARE = 0.75  # companies in several clusters: mostly clusters of their own country
CLUSTER_SIZE_SIGMA = 1.0  # lognormal spread of cluster sizes: many small, a few very large
LABELLED_SHARE = 0.55
FIRST_LABEL_YEAR, LAST_YEAR = 2012, 2024  # ESCA was set up in November 2010
PROJECTS_PER_CLUSTER = 0.3
INFERRED_MEMBERSHIP_SHARE = 0.02
HEAD_OF_INNOVATIONS_SHARE = 0.012

SYNTHETIC = "https://w3id.org/clusterkg/synthetic/"
CKID = "https://w3id.org/clusterkg/id/"
ESCA = f"<{CKID}organisation/esca>"
COUNTRY_NS = "http://publications.europa.eu/resource/authority/country/"
SH = "http://www.w3.org/ns/shacl#"

NAMESPACES: dict[str, str] = {
    "ck": "https://w3id.org/clusterkg/ontology#",
    "tier": CKID + "tier/",
    "sector": CKID + "sector/",
    "role": CKID + "role/",
    "evidence": CKID + "evidence/",
    "country": COUNTRY_NS,
    "language": "http://publications.europa.eu/resource/authority/language/",
    "cluster": SYNTHETIC + "cluster/",
    "company": SYNTHETIC + "company/",
    "organisation": SYNTHETIC + "organisation/",
    "membership": SYNTHETIC + "membership/",
    "award": SYNTHETIC + "award/",
    "person": SYNTHETIC + "person/",
    "post": SYNTHETIC + "post/",
    "project": SYNTHETIC + "project/",
    "funder": SYNTHETIC + "funder/",
    "funding-scheme": SYNTHETIC + "funding-scheme/",
    "figure": SYNTHETIC + "figure/",
    "source": SYNTHETIC + "source/",
    "org": "http://www.w3.org/ns/org#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "dcterms": "http://purl.org/dc/terms/",
}


class GenerateError(ClusterKGError):
    """The data set cannot be generated where or as asked."""


def clusters_for_triples(target: int) -> int:
    """The --clusters value that writes about `target` triples (at least one cluster)."""
    return max(1, round(target / TRIPLES_PER_CLUSTER))


# --- Turtle terms ---------------------------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})
_NEEDS_ESCAPE = re.compile(r'[\\"\n\r\t]')


def text(value: str, lang: str | None = "en") -> str:
    """A string literal, escaped; language-tagged unless `lang` is None."""
    if _NEEDS_ESCAPE.search(value):  # rare: translating every literal would cost seconds
        value = value.translate(_ESCAPES)
    quoted = f'"{value}"'
    return f"{quoted}@{lang}" if lang else quoted


def typed(value: str, datatype: str) -> str:
    return f'"{value}"^^xsd:{datatype}'


def iri(curie: str) -> str:
    """The full IRI of a CURIE written with one of NAMESPACES."""
    prefix, _, local = curie.partition(":")
    return NAMESPACES[prefix] + local


_FOLD = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae", "Æ": "AE"}
    | {"œ": "oe", "Œ": "OE", "\u0131": "i", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D"}
)


def ascii_fold(value: str) -> str:
    """The name without accents: `Jūratė Wiśniewska` → `Jurate Wisniewska`."""
    if value.isascii():
        return value
    decomposed = unicodedata.normalize("NFKD", value.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(value: str) -> str:
    """Lowercase ASCII kebab-case, as the project's IRIs are written."""
    folded = ascii_fold(value).lower().replace("&", " and ")
    return _NOT_SLUG.sub("-", folded).strip("-") or "x"


class Slugs:
    """Unique slugs within one kind of thing: a repeated slug gets -2, -3, …"""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def make(self, name: str) -> str:
        base = slugify(name)
        slug, n = base, 1
        while slug in self._used:
            n += 1
            slug = f"{base}-{n}"
        self._used.add(slug)
        return slug


# --- Europe: countries, cities, legal forms and names --------------------------------------------


@dataclass(frozen=True)
class Country:
    code: str  # EU authority table code (ISO 3166-1 alpha-3)
    name: str
    adjective: str
    weight: float  # relative number of cluster organisations
    cities: tuple[str, ...]
    legal_forms: tuple[str, ...]
    names: str  # key of NAME_POOLS


# The tables below are data, one record a line: left unformatted to stay readable.
# fmt: off
COUNTRIES: tuple[Country, ...] = (
    Country("DEU", "Germany", "German", 16, ("Berlin", "Munich", "Hamburg", "Stuttgart", "Dresden", "Leipzig", "Cologne", "Nuremberg"), ("GmbH", "AG", "GmbH & Co. KG"), "de"),  # noqa: E501
    Country("FRA", "France", "French", 12, ("Lyon", "Toulouse", "Grenoble", "Nantes", "Lille", "Bordeaux", "Rennes"), ("SAS", "SARL", "SA"), "fr"),  # noqa: E501
    Country("ESP", "Spain", "Spanish", 10, ("Barcelona", "Madrid", "Valencia", "Bilbao", "Sevilla", "Zaragoza", "Málaga"), ("S.L.", "S.A."), "es"),  # noqa: E501
    Country("ITA", "Italy", "Italian", 9, ("Milano", "Torino", "Bologna", "Firenze", "Napoli", "Padova", "Bari"), ("S.r.l.", "S.p.A."), "it"),  # noqa: E501
    Country("POL", "Poland", "Polish", 8, ("Kraków", "Wrocław", "Poznań", "Gdańsk", "Łódź", "Katowice", "Lublin"), ("sp. z o.o.", "S.A."), "pl"),  # noqa: E501
    Country("NLD", "Netherlands", "Dutch", 4, ("Eindhoven", "Rotterdam", "Utrecht", "Groningen", "Delft"), ("B.V.", "N.V."), "nl"),  # noqa: E501
    Country("BEL", "Belgium", "Belgian", 3, ("Gent", "Antwerpen", "Liège", "Leuven", "Namur"), ("BV", "NV", "SRL"), "nl"),  # noqa: E501
    Country("AUT", "Austria", "Austrian", 4, ("Graz", "Linz", "Salzburg", "Innsbruck", "Wien"), ("GmbH", "AG"), "de"),  # noqa: E501
    Country("CZE", "Czechia", "Czech", 3, ("Brno", "Ostrava", "Plzeň", "Praha", "Olomouc"), ("s.r.o.", "a.s."), "cs"),  # noqa: E501
    Country("SVK", "Slovakia", "Slovak", 2, ("Bratislava", "Košice", "Žilina", "Nitra"), ("s.r.o.", "a.s."), "cs"),  # noqa: E501
    Country("HUN", "Hungary", "Hungarian", 3, ("Budapest", "Győr", "Debrecen", "Szeged", "Pécs"), ("Kft.", "Zrt."), "hu"),  # noqa: E501
    Country("ROU", "Romania", "Romanian", 3, ("Cluj-Napoca", "Timișoara", "Iași", "Brașov", "București"), ("S.R.L.", "S.A."), "ro"),  # noqa: E501
    Country("BGR", "Bulgaria", "Bulgarian", 2, ("Sofia", "Plovdiv", "Varna", "Ruse"), ("EOOD", "OOD", "AD"), "bg"),  # noqa: E501
    Country("GRC", "Greece", "Greek", 2, ("Athina", "Thessaloniki", "Patra", "Irakleio"), ("S.A.", "IKE"), "el"),  # noqa: E501
    Country("PRT", "Portugal", "Portuguese", 3, ("Porto", "Lisboa", "Braga", "Coimbra", "Aveiro"), ("Lda.", "S.A."), "pt"),  # noqa: E501
    Country("SWE", "Sweden", "Swedish", 3, ("Göteborg", "Malmö", "Stockholm", "Uppsala", "Linköping"), ("AB",), "nordic"),  # noqa: E501
    Country("DNK", "Denmark", "Danish", 2, ("Aarhus", "Odense", "Aalborg", "København"), ("A/S", "ApS"), "nordic"),  # noqa: E501
    Country("FIN", "Finland", "Finnish", 2, ("Tampere", "Oulu", "Turku", "Espoo", "Jyväskylä"), ("Oy", "Oyj"), "fi"),  # noqa: E501
    Country("NOR", "Norway", "Norwegian", 2, ("Bergen", "Trondheim", "Stavanger", "Oslo"), ("AS", "ASA"), "nordic"),  # noqa: E501
    Country("ISL", "Iceland", "Icelandic", 0.3, ("Reykjavík", "Akureyri"), ("ehf.", "hf."), "nordic"),  # noqa: E501
    Country("IRL", "Ireland", "Irish", 1.5, ("Dublin", "Cork", "Galway", "Limerick"), ("Ltd", "DAC"), "en"),  # noqa: E501
    Country("GBR", "United Kingdom", "British", 5, ("Manchester", "Birmingham", "Glasgow", "Leeds", "Bristol", "Cardiff"), ("Ltd", "plc"), "en"),  # noqa: E501
    Country("LTU", "Lithuania", "Lithuanian", 1.5, ("Vilnius", "Kaunas", "Klaipėda", "Šiauliai", "Panevėžys"), ("UAB", "AB"), "lt"),  # noqa: E501
    Country("LVA", "Latvia", "Latvian", 1, ("Rīga", "Daugavpils", "Liepāja", "Jelgava"), ("SIA", "AS"), "lv"),  # noqa: E501
    Country("EST", "Estonia", "Estonian", 1, ("Tallinn", "Tartu", "Pärnu", "Narva"), ("OÜ", "AS"), "et"),  # noqa: E501
    Country("SVN", "Slovenia", "Slovenian", 1.2, ("Ljubljana", "Maribor", "Celje", "Kranj"), ("d.o.o.", "d.d."), "sh"),  # noqa: E501
    Country("HRV", "Croatia", "Croatian", 1.2, ("Zagreb", "Split", "Rijeka", "Osijek"), ("d.o.o.", "d.d."), "sh"),  # noqa: E501
    Country("SRB", "Serbia", "Serbian", 1, ("Beograd", "Novi Sad", "Niš", "Kragujevac"), ("d.o.o.", "a.d."), "sh"),  # noqa: E501
    Country("CHE", "Switzerland", "Swiss", 2, ("Zürich", "Basel", "Lausanne", "Bern", "Genève"), ("AG", "GmbH", "SA"), "de"),  # noqa: E501
    Country("LUX", "Luxembourg", "Luxembourgish", 0.5, ("Luxembourg", "Esch-sur-Alzette"), ("S.à r.l.", "S.A."), "fr"),  # noqa: E501
    Country("CYP", "Cyprus", "Cypriot", 0.4, ("Nicosia", "Limassol", "Larnaca"), ("Ltd",), "el"),
    Country("MLT", "Malta", "Maltese", 0.4, ("Valletta", "Birkirkara", "Qormi"), ("Ltd",), "en"),
)

# People's names by language: (first names, surnames) groups; where surnames differ by gender
# (Polish, Czech, Baltic, Bulgarian, Greek) one group per gender.
NamePool = tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]
NAME_POOLS: dict[str, NamePool] = {
    "de": (
        (("Jürgen", "Anna", "Lukas", "Sabine", "Matthias", "Katrin", "Jörg", "Lena", "Stefan", "Birgit", "Tobias", "Ute"),  # noqa: E501
         ("Müller", "Schäfer", "Becker", "Hoffmann", "Wagner", "Krüger", "Neumann", "Schröder", "Vogel", "Zimmermann", "Weiß", "Brandt")),  # noqa: E501
    ),
    "fr": (
        (("Émilie", "Julien", "Camille", "François", "Hélène", "Mathieu", "Céline", "Olivier", "Aurélie", "Sébastien"),  # noqa: E501
         ("Lefèvre", "Moreau", "Girard", "Rousseau", "Bérard", "Fontaine", "Mercier", "Chevalier", "Lambert", "Garnier")),  # noqa: E501
    ),
    "es": (
        (("José", "María", "Javier", "Lucía", "Andrés", "Carmen", "Álvaro", "Marta", "Sergio", "Inés"),  # noqa: E501
         ("Martínez", "García", "López", "Sánchez", "Fernández", "Gómez", "Ruiz", "Jiménez", "Navarro", "Ortega")),  # noqa: E501
    ),
    "it": (
        (("Giulia", "Marco", "Francesca", "Luca", "Chiara", "Alessandro", "Elena", "Davide", "Silvia", "Niccolò"),  # noqa: E501
         ("Rossi", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Galli", "Conti")),  # noqa: E501
    ),
    "pl": (
        (("Łukasz", "Paweł", "Piotr", "Michał", "Tomasz"),
         ("Wiśniewski", "Kowalczyk", "Zieliński", "Wójcik", "Lewandowski", "Szymański", "Woźniak")),
        (("Agnieszka", "Małgorzata", "Katarzyna", "Joanna", "Zofia"),
         ("Wiśniewska", "Kowalczyk", "Zielińska", "Wójcik", "Kamińska", "Dąbrowska", "Kozłowska")),
    ),
    "nl": (
        (("Daan", "Sanne", "Bram", "Femke", "Joost", "Lotte", "Pieter", "Eline", "Sander", "Anouk"),
         ("de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Peeters")),  # noqa: E501
    ),
    "cs": (
        (("Jiří", "Tomáš", "Martin", "Ondřej", "Marek"),
         ("Dvořák", "Novák", "Svoboda", "Černý", "Procházka", "Kučera", "Veselý")),
        (("Petra", "Lucie", "Zuzana", "Kateřina", "Barbora"),
         ("Dvořáková", "Nováková", "Svobodová", "Černá", "Procházková", "Kučerová", "Veselá")),
    ),
    "hu": (
        (("Bence", "Zsófia", "Gábor", "Eszter", "László", "Réka", "Péter", "Anikó", "Dániel", "Krisztina"),  # noqa: E501
         ("Nagy", "Kovács", "Tóth", "Szabó", "Horváth", "Varga", "Kiss", "Molnár", "Németh", "Farkas")),  # noqa: E501
    ),
    "ro": (
        (("Andrei", "Ioana", "Mihai", "Elena", "Radu", "Alexandra", "Ștefan", "Raluca", "Bogdan", "Cristina"),  # noqa: E501
         ("Popescu", "Ionescu", "Stan", "Dumitrescu", "Constantin", "Munteanu", "Ștefănescu", "Radu", "Marinescu", "Tănase")),  # noqa: E501
    ),
    "bg": (
        (("Georgi", "Ivan", "Nikolay", "Dimitar", "Stoyan"),
         ("Ivanov", "Petrov", "Georgiev", "Nikolov", "Todorov", "Kolev")),
        (("Maria", "Desislava", "Elena", "Teodora", "Petya"),
         ("Ivanova", "Petrova", "Georgieva", "Nikolova", "Todorova", "Koleva")),
    ),
    "el": (
        (("Giorgos", "Nikos", "Kostas", "Dimitris", "Yannis"),
         ("Papadopoulos", "Georgiou", "Nikolaidis", "Oikonomou", "Karagiannis", "Alexiou")),
        (("Eleni", "Maria", "Sofia", "Katerina", "Anna"),
         ("Papadopoulou", "Georgiou", "Nikolaidou", "Oikonomou", "Karagianni", "Alexiou")),
    ),
    "pt": (
        (("João", "Inês", "Tiago", "Beatriz", "Rui", "Mariana", "Gonçalo", "Sofia", "Nuno", "Leonor"),  # noqa: E501
         ("Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Gonçalves", "Sousa", "Magalhães")),  # noqa: E501
    ),
    "nordic": (
        (("Søren", "Åsa", "Björn", "Ingrid", "Lars", "Maja", "Henrik", "Sigrid", "Magnus", "Kristín"),  # noqa: E501
         ("Andersson", "Nielsen", "Johansson", "Hansen", "Lindqvist", "Sørensen", "Berg", "Åberg", "Eriksson", "Lund")),  # noqa: E501
    ),
    "fi": (
        (("Mikko", "Aino", "Juha", "Sanna", "Timo", "Elina", "Jussi", "Päivi", "Antti", "Riikka"),
         ("Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Hämäläinen", "Laine", "Heikkinen", "Järvinen", "Lehtonen", "Koskinen")),  # noqa: E501
    ),
    "en": (
        (("Siobhan", "James", "Emma", "Connor", "Olivia", "Liam", "Aoife", "Daniel", "Charlotte", "Rhys"),  # noqa: E501
         ("Murphy", "Walsh", "Smith", "O'Brien", "Taylor", "Byrne", "Evans", "Kelly", "Clarke", "Davies")),  # noqa: E501
    ),
    "lt": (
        (("Mindaugas", "Tomas", "Darius", "Gintaras", "Kęstutis"),
         ("Kazlauskas", "Petrauskas", "Jankauskas", "Stankevičius", "Vasiliauskas", "Žukauskas", "Butkus")),  # noqa: E501
        (("Jūratė", "Rūta", "Eglė", "Aušra", "Vaida"),
         ("Kazlauskienė", "Petrauskienė", "Jankauskaitė", "Stankevičiūtė", "Vasiliauskienė", "Žukauskienė", "Butkutė")),  # noqa: E501
    ),
    "lv": (
        (("Jānis", "Andris", "Māris", "Kārlis", "Edgars"),
         ("Bērziņš", "Kalniņš", "Ozols", "Liepiņš", "Jansons", "Krūmiņš", "Vītols")),
        (("Ilze", "Līga", "Inese", "Zane", "Dace"),
         ("Bērziņa", "Kalniņa", "Ozola", "Liepiņa", "Jansone", "Krūmiņa", "Vītola")),
    ),
    "et": (
        (("Kristjan", "Kadri", "Märt", "Triin", "Tõnu", "Liis", "Rasmus", "Kätlin", "Indrek", "Piret"),  # noqa: E501
         ("Tamm", "Saar", "Sepp", "Mägi", "Kask", "Kukk", "Rebane", "Ilves", "Pärn", "Koppel")),
    ),
    "sh": (
        (("Ivana", "Marko", "Ana", "Luka", "Maja", "Nikola", "Petra", "Matej", "Jelena", "Dražen"),
         ("Horvat", "Kovačević", "Novak", "Babić", "Marić", "Jurić", "Petrović", "Knežević", "Zupan", "Đorđević")),  # noqa: E501
    ),
}
# fmt: on


@dataclass(frozen=True)
class Sector:
    slug: str  # the reference concept ckid:sector/<slug>
    weight: float  # relative number of clusters
    noun: str  # for sentences: "a food cluster"
    cluster_words: tuple[str, ...]
    company_words: tuple[str, ...]


# fmt: off
SECTORS: tuple[Sector, ...] = (
    Sector("food", 20, "food", ("Food", "Agri-Food", "Food Innovation", "Food Valley"), ("Foods", "Dairy", "Bakeries", "Confectionery", "Beverages")),  # noqa: E501
    Sector("automotive-components", 13, "automotive components", ("Automotive", "Mobility", "Car Components"), ("Automotive", "Components", "Drivetrain", "Castings")),  # noqa: E501
    Sector("lasers-and-engineering", 14, "lasers and engineering", ("Photonics", "Laser", "Engineering", "Precision Engineering"), ("Photonics", "Lasers", "Engineering", "Optics")),  # noqa: E501
    Sector("plastics", 10, "plastics", ("Plastics", "Polymer", "Plastics Industry"), ("Plastics", "Polymers", "Moulding", "Packaging")),  # noqa: E501
    Sector("photovoltaics", 9, "photovoltaics", ("Solar", "Photovoltaics", "PV Industry"), ("Solar", "PV Systems", "Energy", "Modules")),  # noqa: E501
    Sector("wellness-and-health", 11, "wellness and health", ("Health", "Wellness", "Health Technology"), ("Health", "Wellness", "Care", "Medtech")),  # noqa: E501
    Sector("medical-tourism", 6, "medical tourism", ("Medical Tourism", "Health Travel"), ("Clinics", "Medical Travel", "Dental Care", "Rehabilitation")),  # noqa: E501
    Sector("film-and-audiovisual", 8, "film and audiovisual", ("Film", "Audiovisual", "Screen Industries"), ("Studios", "Pictures", "Post-Production", "Animation")),  # noqa: E501
    Sector("prefabricated-wooden-houses", 7, "prefabricated wooden houses", ("Timber Construction", "Wood Building", "Prefab Housing"), ("Timber Homes", "Houses", "Wood Systems", "Modular")),  # noqa: E501
)
_ONSETS = ("Nor", "Vel", "Tar", "Bal", "Kor", "Lum", "Sil", "Ver", "Ast", "Mar", "Cel", "Dan", "Fen", "Gal", "Hel", "Jor", "Kal", "Lin", "Mir", "Nev", "Or", "Pol", "Quin", "Ros", "Sol", "Tor", "Ul", "Val", "Wen", "Zel", "Bri", "Cor", "Dra", "Eo", "Fla", "Gri", "Ka", "Lo", "Pra", "Tre")  # noqa: E501
_NUCLEI = ("a", "e", "i", "o", "u", "an", "en", "or", "ar", "il", "y", "io")
_CODAS = ("tek", "via", "mar", "lux", "ron", "dis", "nex", "tra", "gen", "ford", "holm", "berg", "plast", "tex", "com", "ion", "ex", "ica", "ora", "lia", "sys", "med", "nova", "lin", "dor", "vent", "ka", "sta", "mo", "tis")  # noqa: E501
_DESCRIPTORS = ("Group", "Systems", "Industries", "Solutions", "Technologies", "Labs", "Works", "Partners", "Manufacturing")  # noqa: E501
_PROJECT_HEADS = ("Inno", "Clust", "Smart", "Green", "Digi", "Euro", "Agri", "Photo", "Med", "Auto", "Wood", "Film", "Bio", "Eco", "Nova", "Trans", "Inter", "Scale")  # noqa: E501
_PROJECT_TAILS = ("Link", "Bridge", "Boost", "Net", "Hub", "Grow", "Path", "Wave", "Spark", "Lab", "Move", "Up")  # noqa: E501
_PROJECT_VERBS = ("Accelerating", "Strengthening", "Connecting", "Scaling", "Greening", "Digitalising", "Internationalising", "Upskilling")  # noqa: E501
_PROJECT_OBJECTS = (
    "Cross-Border Innovation",
    "Cluster Excellence",
    "SME Internationalisation",
    "Value Chains",
    "Joint Innovation",
    "Skills Partnerships",
    "Export Readiness",
    "Circular Production",
)
_AIMS = (
    "to encourage companies to merge into clusters",
    "to increase cluster maturity",
    "to promote international collaboration",
    "to develop joint innovations",
    "to support the export of member companies",
    "to train cluster managers",
    "to open new markets outside Europe",
    "to speed up the green transition of members",
    "to share research infrastructure",
    "to build cross-sector value chains",
)
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")  # noqa: E501
_FUNDERS = (
    ("European Regional Development Fund", "ERDF"),
    ("Horizon Europe", "HE"),
    ("Interreg Europe", "IE"),
    ("Single Market Programme", "SMP"),
    ("Digital Europe Programme", "DEP"),
    ("European Social Fund Plus", "ESF+"),
    ("European Agricultural Fund for Rural Development", "EAFRD"),
    ("LIFE Programme", "LIFE"),
)
_SCHEMES = (
    "Cluster Excellence Programme",
    "Innovation Networking Measure",
    "Cross-Border Cluster Partnerships",
    "SME Internationalisation Scheme",
    "Green Transition Vouchers",
    "Digital Innovation Hubs Call",
    "Regional Smart Specialisation Measure",
    "Skills Partnership Call",
)
# fmt: on
TIERS = ("bronze", "silver", "gold")
UPGRADE = (0.35, 0.3, 0.0)  # chance that the next award of a tier is the next tier up
RENEWAL = 0.35  # chance that a label is renewed at the same tier when it expires


# --- the model --------------------------------------------------------------------------------


@dataclass
class Source:
    slug: str
    title: str
    issued: str  # xsd:date
    publisher: str  # a Turtle term
    description: str


@dataclass
class Person:
    slug: str
    name: str
    sources: list[str]
    posts: list[str] = field(default_factory=list)
    heads: list[str] = field(default_factory=list)  # organisations the person heads


@dataclass
class Post:
    slug: str
    title: str
    organisation: str  # a Turtle term
    person: Person
    role: str
    quote: str
    source: str


@dataclass
class Coordinator:
    """An organisation that coordinates (manages) one or more clusters."""

    slug: str
    name: str
    acronym: str | None
    country: Country
    public: bool  # a public agency (ck:Agency) rather than an association or company
    city: str
    founded: int
    clusters: list[Cluster] = field(default_factory=list)  # those it coordinates

    @property
    def source(self) -> str:
        """The profile of the first cluster it coordinates, which names its director."""
        return self.clusters[0].source


@dataclass
class Cluster:
    slug: str
    name: str
    acronym: str | None
    country: Country
    city: str
    sectors: list[Sector]
    founded: int
    coordinator: Coordinator | None
    awards: list[Award] = field(default_factory=list)
    members: list[int] = field(default_factory=list)  # indices into Dataset.companies

    @property
    def source(self) -> str:
        return f"profile-{self.slug}"


@dataclass(frozen=True)
class Award:
    slug: str
    cluster: Cluster
    tier: int  # index into TIERS
    year: int
    month: int


@dataclass(slots=True)
class Company:
    slug: str
    name: str
    city: str
    founded: int | None
    clusters: list[int]  # indices of its clusters; the first is the one it comes from
    since: list[int]  # the year it joined each of them


@dataclass
class Project:
    slug: str
    title: str
    acronym: str
    coordinator: str  # Turtle terms from here on
    partners: list[str]
    participants: list[str]
    participant_names: list[str]
    funder: str
    scheme: str
    aims: list[str]
    start: tuple[int, int]
    end: tuple[int, int]
    amount: str

    @property
    def source(self) -> str:
        return f"factsheet-{self.slug}"


@dataclass
class Dataset:
    """Everything generated, before it is written."""

    clusters: list[Cluster]
    coordinators: list[Coordinator]
    companies: list[Company]
    inferred: set[tuple[int, int]]  # (company, cluster) memberships read from a vague sentence
    people: list[Person]
    posts: list[Post]
    projects: list[Project]
    sources: list[Source]

    @property
    def membership_count(self) -> int:
        return sum(len(c.members) for c in self.clusters)

    @property
    def subject_count(self) -> int:
        """Subjects to write, reported figures apart (they depend on what is written)."""
        awards = sum(len(c.awards) for c in self.clusters)
        organisations = len(self.coordinators) + len(_FUNDERS) + len(_SCHEMES)
        return (
            len(self.sources) + organisations + len(self.clusters) + len(self.companies)
            + self.membership_count + awards + len(self.people) + len(self.posts)
            + len(self.projects)
        )  # fmt: skip


def _stream(seed: int, part: str) -> random.Random:
    """An independent random stream per part (string seeds are hashed with SHA-512)."""
    return random.Random(f"clusterkg-synthetic/{seed}/{part}")


def _pick(rng: random.Random, items: Sequence[str]) -> str:
    """rng.choice for the hot loops: one random() instead of rejection sampling, twice as fast."""
    return items[int(rng.random() * len(items))]


def _weighted(rng: random.Random, items: Sequence[Any], weights: Sequence[float]) -> Any:
    return rng.choices(items, weights=weights, k=1)[0]


class Namer:
    """Plausible, invented names (syllables and word lists), unique within their kind."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: dict[str, set[str]] = {}

    def coined(self) -> str:
        r = self.rng
        onset, nucleus, coda = _pick(r, _ONSETS), _pick(r, _NUCLEI), _pick(r, _CODAS)
        if onset[-1] in "aeiouy" and nucleus[0] in "aeiouy":
            nucleus = ""  # "Pra" + "a" would read "Praa"
        return onset + nucleus + coda

    def unique(self, kind: str, propose: Callable[[], str], fallback: str | None = None) -> str:
        """A proposed name not used yet; after a few tries, qualified by `fallback`/a coinage."""
        used = self.used.setdefault(kind, set())
        name = propose()
        for _ in range(5):
            if name not in used:
                break
            name = propose()
        if name in used and fallback:
            name = f"{name} {fallback}"
        while name in used:
            name = f"{name} {self.coined()}"
        used.add(name)
        return name

    def person(self, country: Country) -> str:
        firsts, lasts = self.rng.choice(NAME_POOLS[country.names])
        return f"{self.rng.choice(firsts)} {self.rng.choice(lasts)}"


SlugMaker = Callable[[str, str], str]


def build(clusters: int, seed: int) -> Dataset:
    """The synthetic world for `clusters` cluster organisations and `seed`."""
    namer = Namer(_stream(seed, "names"))
    makers: dict[str, Slugs] = {}

    def slug(kind: str, name: str) -> str:
        return makers.setdefault(kind, Slugs()).make(name)

    coordinators: list[Coordinator] = []
    cluster_list = _make_clusters(clusters, _stream(seed, "clusters"), namer, slug, coordinators)
    companies = _make_companies(cluster_list, _stream(seed, "companies"), namer, slug)
    evidence = _stream(seed, "evidence")
    inferred = {
        (i, c)
        for c, cluster in enumerate(cluster_list)
        for i in cluster.members
        if evidence.random() < INFERRED_MEMBERSHIP_SHARE
    }
    _make_awards(cluster_list, _stream(seed, "awards"))
    people, posts = _make_people(
        cluster_list, coordinators, companies, _stream(seed, "people"), namer, slug
    )
    projects = _make_projects(
        cluster_list, coordinators, companies, _stream(seed, "projects"), namer, slug
    )
    years = sorted({a.year for c in cluster_list for a in c.awards})
    sources = [
        *(_profile_source(c) for c in cluster_list),
        *(_register_source(year) for year in years),
        *(_project_source(p) for p in projects),
        FUNDING_PORTAL,
    ]
    return Dataset(
        cluster_list, coordinators, companies, inferred, people, posts, projects, sources
    )


def _make_clusters(
    count: int, rng: random.Random, namer: Namer, slug: SlugMaker, coordinators: list[Coordinator]
) -> list[Cluster]:
    country_weights = [c.weight for c in COUNTRIES]
    sector_weights = [s.weight for s in SECTORS]
    by_country: dict[str, list[Coordinator]] = {}
    result = []
    for _ in range(count):
        country: Country = _weighted(rng, COUNTRIES, country_weights)
        sectors: list[Sector] = [_weighted(rng, SECTORS, sector_weights)]
        if rng.random() < 0.15:  # some clusters span two sectors
            second = _weighted(rng, SECTORS, sector_weights)
            if second is not sectors[0]:
                sectors.append(second)
        city = rng.choice(country.cities)
        word = rng.choice(sectors[0].cluster_words)
        propose = partial(_cluster_name, rng, namer, country, city, word)
        name = namer.unique("cluster", propose, f"({country.name})")
        acronym = _acronym(name) if rng.random() < 0.45 else None
        founded = rng.randint(1995, 2021)
        cluster_slug = slug("cluster", name)
        cluster = Cluster(cluster_slug, name, acronym, country, city, sectors, founded, None)
        if rng.random() < 0.85:
            pool = by_country.setdefault(country.code, [])
            if pool and rng.random() < 0.2:  # one association managing several clusters
                cluster.coordinator = rng.choice(pool)
            else:
                cluster.coordinator = _make_coordinator(rng, namer, slug, cluster)
                pool.append(cluster.coordinator)
                coordinators.append(cluster.coordinator)
            cluster.coordinator.clusters.append(cluster)
        result.append(cluster)
    return result


def _cluster_name(rng: random.Random, namer: Namer, country: Country, city: str, word: str) -> str:
    pattern = rng.randrange(6)
    if pattern == 0:
        return f"{city} {word} Cluster"
    if pattern == 1:
        return f"{namer.coined()} {word} Cluster"
    if pattern == 2:
        return f"{country.adjective} {word} Cluster"
    if pattern == 3:
        return f"{word} Valley {city}"
    if pattern == 4:
        return f"{city} {word} Network"
    return f"{namer.coined()} {word} Hub"


def _acronym(name: str) -> str | None:
    """Initials of the name, e.g. GFC for Graz Food Cluster (not unique, as in life)."""
    words = ascii_fold(name).replace("-", " ").replace("&", " ").split()
    initials = "".join(w[0] for w in words if w[0].isalpha()).upper()
    return initials if len(initials) > 1 else None


def _make_coordinator(
    rng: random.Random, namer: Namer, slug: SlugMaker, cluster: Cluster
) -> Coordinator:
    country = cluster.country
    city = rng.choice(country.cities)
    public = rng.random() < 0.15
    word = rng.choice(cluster.sectors[0].cluster_words)
    propose = partial(_coordinator_name, rng, namer, country, city, word, public)
    name = namer.unique("coordinator", propose, f"({city})")
    acronym = _acronym(name) if rng.random() < 0.5 else None
    founded = rng.randint(1985, cluster.founded)
    return Coordinator(slug("organisation", name), name, acronym, country, public, city, founded)


def _coordinator_name(
    rng: random.Random, namer: Namer, country: Country, city: str, word: str, public: bool
) -> str:
    if public:
        return f"{city} Regional Development Agency"
    pattern = rng.randrange(3)
    if pattern == 0:
        return f"{country.adjective} {word} Association"
    if pattern == 1:
        return f"{namer.coined()} Cluster Management {rng.choice(country.legal_forms)}"
    return f"{city} {word} Cluster Association"


def _make_companies(
    clusters: list[Cluster], rng: random.Random, namer: Namer, slug: SlugMaker
) -> list[Company]:
    """Companies and their memberships: heavy-tailed cluster sizes, most companies in one."""
    total = max(1, round(len(clusters) * COMPANIES_PER_CLUSTER))
    multiplicity = rng.choices((1, 2, 3, 4), weights=MULTIPLICITY_WEIGHTS, k=total)
    sizes = _cluster_sizes(rng, len(clusters), sum(multiplicity))
    slots = [c for c, size in enumerate(sizes) for _ in range(size)]
    rng.shuffle(slots)
    country_of = [c.country.code for c in clusters]
    companies: list[Company] = []
    position = 0
    for k in multiplicity:
        domestic = rng.random() < DOMESTIC_SHARE
        chosen = _deal(slots, position, k, country_of if domestic else None)
        position += k
        company = _make_company(rng, namer, slug, clusters[chosen[0]], chosen)
        for c in chosen:
            clusters[c].members.append(len(companies))
            joined = max(company.founded or 1990, clusters[c].founded)
            company.since.append(rng.randint(joined, LAST_YEAR))
        companies.append(company)
    return companies


def _cluster_sizes(rng: random.Random, count: int, memberships: int) -> list[int]:
    """Sizes that sum to `memberships`: lognormal weights, MIN_MEMBERS each where possible.

    Scaling the weights to a fixed total keeps the number of triples close to the calibration
    even for a handful of clusters, where a raw lognormal draw would vary by half.
    """
    floor = min(MIN_MEMBERS, memberships // count)
    weights = [rng.lognormvariate(0.0, CLUSTER_SIZE_SIGMA) for _ in range(count)]
    spare = memberships - floor * count
    total = sum(weights)
    shares = [spare * w / total for w in weights]
    sizes = [floor + math.floor(s) for s in shares]
    by_remainder = sorted(range(count), key=lambda i: (math.floor(shares[i]) - shares[i], i))
    for i in by_remainder[: memberships - sum(sizes)]:
        sizes[i] += 1
    return sizes


def _deal(slots: list[int], position: int, k: int, country_of: list[str] | None) -> list[int]:
    """The clusters of one company: the next k slots of the shuffled cluster slots.

    A slot of a cluster the company already has is swapped with a later one (the sizes stay as
    drawn), preferring, when `country_of` is given, a cluster of the company's first country.
    A slot left without a fitting swap nearby is dropped.
    """
    chosen: list[int] = []
    end = min(len(slots), position + k + 200)
    for i in range(position, position + k):
        home = country_of[chosen[0]] if country_of is not None and chosen else None
        j = _fitting_slot(slots, i, end, chosen, home, country_of)
        if j is not None:
            slots[i], slots[j] = slots[j], slots[i]
            chosen.append(slots[i])
    return chosen


def _fitting_slot(
    slots: list[int],
    start: int,
    end: int,
    chosen: list[int],
    home: str | None,
    country_of: list[str] | None,
) -> int | None:
    if home is not None and country_of is not None:
        for j in range(start, end):
            if country_of[slots[j]] == home and slots[j] not in chosen:
                return j
    for j in range(start, end):
        if slots[j] not in chosen:
            return j
    return None


def _make_company(
    rng: random.Random, namer: Namer, slug: SlugMaker, home: Cluster, clusters: list[int]
) -> Company:
    propose = partial(_company_name, rng, namer, home.country, home.sectors[0])
    name = namer.unique("company", propose)
    city = home.city if rng.random() < 0.5 else _pick(rng, home.country.cities)
    founded = rng.randint(1950, 2022) if rng.random() < 0.5 else None  # often not stated
    return Company(slug("company", name), name, city, founded, clusters, [])


def _company_name(rng: random.Random, namer: Namer, country: Country, sector: Sector) -> str:
    pattern = rng.randrange(4)
    if pattern == 0:
        base = f"{namer.coined()} {_pick(rng, sector.company_words)}"
    elif pattern == 1:
        base = f"{namer.coined()} {_pick(rng, _DESCRIPTORS)}"
    elif pattern == 2:
        base = f"{_pick(rng, NAME_POOLS[country.names][0][1])} & Partners"
    else:
        base = namer.coined()
    form = _pick(rng, country.legal_forms)
    if country.code in ("LTU", "LVA"):
        return f'{form} "{base}"'  # the Baltic way: UAB "Rūta"
    return f"{base} {form}"


def _make_awards(clusters: list[Cluster], rng: random.Random) -> None:
    """Label histories: bronze first, renewed or upgraded every two years, never downgraded."""
    years = list(range(FIRST_LABEL_YEAR, LAST_YEAR + 1))
    year_weights = [1 + (y - FIRST_LABEL_YEAR) * 0.3 for y in years]
    for cluster in clusters:
        if rng.random() >= LABELLED_SHARE:
            continue
        year = max(_weighted(rng, years, year_weights), cluster.founded + 1)
        tier = 0
        while year <= LAST_YEAR:
            award_slug = f"{cluster.slug}-{TIERS[tier]}-{year}"
            cluster.awards.append(Award(award_slug, cluster, tier, year, rng.randint(1, 12)))
            draw = rng.random()
            if draw < UPGRADE[tier]:
                tier += 1
            elif draw >= UPGRADE[tier] + RENEWAL:
                break
            year += 2  # bronze and silver are valid two years; the next benchmarking follows


class _People:
    """People and the posts they hold, each post quoted from the source that names it."""

    def __init__(self, namer: Namer, slug: SlugMaker) -> None:
        self.namer = namer
        self.slug = slug
        self.people: list[Person] = []
        self.posts: list[Post] = []

    def person(self, country: Country, source: str) -> Person:
        name = self.namer.person(country)
        created = Person(self.slug("person", name), name, [source])
        self.people.append(created)
        return created

    def post(self, slug: str, title: str, org: str, holder: Person, role: str, quote: str,
             source: str) -> None:  # fmt: skip
        holder.posts.append(slug)
        if source not in holder.sources:
            holder.sources.append(source)
        self.posts.append(Post(slug, title, org, holder, role, quote, source))


def _make_people(
    clusters: list[Cluster],
    coordinators: list[Coordinator],
    companies: list[Company],
    rng: random.Random,
    namer: Namer,
    slug: SlugMaker,
) -> tuple[list[Person], list[Post]]:
    """Directors of coordinating organisations, cluster coordinators, heads of innovations."""
    made = _People(namer, slug)
    directors: dict[str, Person] = {}
    for org in coordinators:
        director = made.person(org.country, org.source)
        director.heads.append(f"organisation:{org.slug}")
        directors[org.slug] = director
        made.post(
            f"{org.slug}-director", f"Director of {org.name}", f"organisation:{org.slug}",
            director, "director", f"says {director.name}, Director of {org.name}.", org.source,
        )  # fmt: skip
    for cluster in clusters:
        if rng.random() >= 0.95:  # a few clusters name no coordinator
            continue
        holder = None
        if cluster.coordinator is not None and rng.random() < 0.15:
            holder = directors[cluster.coordinator.slug]  # the director coordinates it too
        holder = holder or made.person(cluster.country, cluster.source)
        made.post(
            f"{cluster.slug}-coordinator", f"Coordinator of {cluster.name}",
            f"cluster:{cluster.slug}", holder, "cluster-coordinator",
            f"says {holder.name}, the coordinator of {cluster.name}.", cluster.source,
        )  # fmt: skip
    for company in companies:
        if rng.random() >= HEAD_OF_INNOVATIONS_SHARE:
            continue
        home = clusters[company.clusters[0]]
        head = made.person(home.country, home.source)
        made.post(
            f"{company.slug}-head-of-innovations", f"Head of Innovations at {company.name}",
            f"company:{company.slug}", head, "head-of-innovations",
            f"according to {head.name}, the Head of Innovations at {company.name},", home.source,
        )  # fmt: skip
    return made.people, made.posts


def _make_projects(
    clusters: list[Cluster],
    coordinators: list[Coordinator],
    companies: list[Company],
    rng: random.Random,
    namer: Namer,
    slug: SlugMaker,
) -> list[Project]:
    """Funded projects: a lead cluster, its partners in its sector or anywhere in Europe."""
    by_sector: dict[str, list[Cluster]] = {}
    for cluster in clusters:
        by_sector.setdefault(cluster.sectors[0].slug, []).append(cluster)
    projects = []
    for _ in range(max(1, round(len(clusters) * PROJECTS_PER_CLUSTER))):
        lead = rng.choice(clusters)
        acronym = namer.unique("project-acronym", partial(_project_acronym, rng)).replace(" ", "")
        sector = lead.sectors[0].noun
        title = namer.unique("project", partial(_project_title, rng, sector), f"({acronym})")
        size = min(len(clusters), 1 + int(rng.paretovariate(1.6)))  # a few very large projects
        same_sector = by_sector[lead.sectors[0].slug]
        pool = same_sector if len(same_sector) > size and rng.random() < 0.6 else clusters
        others = [c for c in rng.sample(pool, min(len(pool), size)) if c is not lead]
        participants = [lead, *others[: size - 1]]
        owner = lead.coordinator
        coordinator = f"organisation:{owner.slug}" if owner else f"cluster:{lead.slug}"
        chosen = rng.sample(coordinators, min(len(coordinators), rng.randint(0, 2)))
        partners = [f"organisation:{c.slug}" for c in chosen]
        partners += [f"company:{rng.choice(companies).slug}" for _ in range(rng.randint(0, 2))]
        funder = rng.choice(_FUNDERS)
        scheme = rng.choice(_SCHEMES)
        start = (rng.randint(2012, 2023), rng.randint(1, 12))
        months = start[0] * 12 + start[1] - 1 + rng.randint(18, 48)
        project = Project(
            slug("project", acronym), title, acronym, coordinator,
            sorted(set(partners) - {coordinator}),
            [f"cluster:{c.slug}" for c in participants], [c.name for c in participants],
            f"funder:{slugify(funder[1])}", f"funding-scheme:{slugify(scheme)}",
            rng.sample(_AIMS, rng.randint(2, 4)), start, (months // 12, months % 12 + 1),
            f"{rng.lognormvariate(13.0, 0.8):.2f}",
        )  # fmt: skip
        projects.append(project)
    return projects


def _project_acronym(rng: random.Random) -> str:
    digit = rng.choice(("", "", "", "2", "3", "4", "5", "6", "7", "8", "9"))
    return rng.choice(_PROJECT_HEADS) + rng.choice(_PROJECT_TAILS) + digit


def _project_title(rng: random.Random, sector: str) -> str:
    subject = f"{rng.choice(_PROJECT_VERBS)} {rng.choice(_PROJECT_OBJECTS)}"
    return f"{subject} in the {sector.capitalize()} Sector"


def _profile_source(cluster: Cluster) -> Source:
    org = cluster.coordinator
    return Source(
        cluster.source,
        f"{cluster.name}: cluster profile and member directory",
        "2024-12-15",
        f"organisation:{org.slug}" if org else f"cluster:{cluster.slug}",
        f"Synthetic profile of {cluster.name}: sector, coordinator, team and member directory.",
    )


def _register_source(year: int) -> Source:
    return Source(
        f"esca-label-register-{year}",
        f"ESCA register of the cluster management excellence labels awarded in {year}",
        f"{year}-12-31",
        ESCA,
        f"Synthetic register of the Bronze, Silver and Gold labels that ESCA awarded in {year}.",
    )


def _project_source(project: Project) -> Source:
    return Source(
        project.source,
        f"Project factsheet: {project.title} ({project.acronym})",
        f"{project.start[0]}-{project.start[1]:02d}-01",
        project.coordinator,
        f"Synthetic factsheet of {project.acronym}: partners, participants, funding and budget.",
    )


FUNDING_PORTAL = Source(
    "funding-portal",
    "European funding programmes and measures for clusters",
    "2024-06-30",
    "funder:erdf",
    "Synthetic portal describing the funds and funding measures of the generated projects.",
)


# --- nodes as Turtle ------------------------------------------------------------------------

Props = list[tuple[str, list[str]]]  # predicate and its objects, all as Turtle terms
Node = tuple[str, Props]  # the subject (a CURIE or <IRI>) and its properties, `a` first
Transform = Callable[[Props], Props]


def render(subject: str, props: Props) -> tuple[str, int]:
    """One subject block, the subject at the start of its line; and its number of triples."""
    parts = []
    triples = 0
    for predicate, objects in props:
        if objects:
            triples += len(objects)
            separator = " ,\n        " if len(objects) > 3 else " , "
            parts.append(f"{predicate} {separator.join(objects)}")
    return f"{subject} " + " ;\n    ".join(parts) + " .\n\n", triples


def _names(name: str, acronym: str | None) -> Props:
    """skos:prefLabel, and the acronym as skos:altLabel and ck:acronym, as data/*.ttl does."""
    return [
        ("skos:prefLabel", [text(name)]),
        ("skos:altLabel", [text(acronym)] if acronym else []),
        ("ck:acronym", [text(acronym, None)] if acronym else []),
    ]


def source_nodes(data: Dataset) -> Iterable[Node]:
    for source in data.sources:
        yield (
            f"source:{source.slug}",
            [
                ("a", ["ck:SourceDocument"]),
                ("dcterms:title", [text(source.title)]),
                ("skos:prefLabel", [text(source.title)]),
                ("dcterms:description", [text(source.description)]),
                ("dcterms:issued", [typed(source.issued, "date")]),
                ("dcterms:publisher", [source.publisher]),
                ("dcterms:language", ["language:ENG"]),
            ],
        )


def organisation_nodes(data: Dataset) -> Iterable[Node]:
    for org in data.coordinators:
        names = _enumerate([c.name for c in org.clusters])
        yield (
            f"organisation:{org.slug}",
            [
                ("a", ["ck:Agency" if org.public else "org:FormalOrganization"]),
                *_names(org.name, org.acronym),
                ("dcterms:description", [text(f"Coordinates {names}.")]),
                ("schema:location", [text(org.city, None)]),
                ("schema:foundingDate", [typed(str(org.founded), "gYear")]),
                ("prov:wasDerivedFrom", [f"source:{c.source}" for c in org.clusters]),
            ],
        )
    for name, acronym in _FUNDERS:
        yield (
            f"funder:{slugify(acronym)}",
            [
                ("a", ["ck:Funder"]),
                *_names(name, acronym),
                ("prov:wasDerivedFrom", [f"source:{FUNDING_PORTAL.slug}"]),
            ],
        )
    for name in _SCHEMES:
        yield (
            f"funding-scheme:{slugify(name)}",
            [
                ("a", ["schema:FundingScheme"]),
                ("skos:prefLabel", [text(name)]),
                ("dcterms:description", [text(f"A funding measure for clusters: {name}.")]),
                ("prov:wasDerivedFrom", [f"source:{FUNDING_PORTAL.slug}"]),
            ],
        )


def cluster_nodes(data: Dataset) -> Iterable[Node]:
    for c in data.clusters:
        managed = f", coordinated by {c.coordinator.name}" if c.coordinator else ""
        where = f"{c.city}, {c.country.name}"
        description = f"A {c.sectors[0].noun} cluster in {where}{managed}, founded in {c.founded}."
        yield (
            f"cluster:{c.slug}",
            [
                ("a", ["ck:Cluster"]),
                *_names(c.name, c.acronym),
                ("dcterms:description", [text(description)]),
                ("ck:sector", [f"sector:{s.slug}" for s in c.sectors]),
                ("ck:coordinator", [f"organisation:{c.coordinator.slug}"] if c.coordinator else []),
                ("ck:country", [f"country:{c.country.code}"]),
                ("schema:location", [text(c.city, None)]),
                ("schema:foundingDate", [typed(str(c.founded), "gYear")]),
                ("prov:wasDerivedFrom", [f"source:{c.source}"]),
            ],
        )


def company_nodes(data: Dataset) -> Iterable[Node]:
    clusters = data.clusters
    for company in data.companies:
        folded = ascii_fold(company.name)
        founded = [typed(str(company.founded), "gYear")] if company.founded else []
        yield (
            f"company:{company.slug}",
            [
                ("a", ["ck:Company"]),
                ("skos:prefLabel", [text(company.name)]),
                ("skos:altLabel", [text(folded)] if folded != company.name else []),
                ("schema:location", [text(company.city, None)]),
                ("schema:foundingDate", founded),
                ("prov:wasDerivedFrom", [f"source:{clusters[c].source}" for c in company.clusters]),
            ],
        )


def membership_subject(company: Company, cluster: Cluster) -> str:
    return f"membership:{company.slug}--{cluster.slug}"


def membership_nodes(data: Dataset) -> Iterable[Node]:
    companies = data.companies
    for c, cluster in enumerate(data.clusters):
        for i in cluster.members:
            company = companies[i]
            since = company.since[company.clusters.index(c)]
            props: Props = [
                ("a", ["org:Membership"]),
                ("org:member", [f"company:{company.slug}"]),
                ("org:organization", [f"cluster:{cluster.slug}"]),
                ("org:role", ["role:member"]),
            ]
            if (i, c) in data.inferred:
                quote = f"{company.name} has worked closely with the {cluster.name} since {since}."
                reasoning = (
                    f"The profile of {cluster.name} names {company.name} among the companies it "
                    "works with rather than in its member directory; read as a membership."
                )
                props += [
                    ("prov:value", [text(quote, None)]),
                    ("ck:evidence", ["evidence:inferred"]),
                    ("ck:reasoning", [text(reasoning)]),
                ]
            else:
                quote = f"{company.name}, {company.city} (member since {since})"
                props += [("prov:value", [text(quote, None)]), ("ck:evidence", ["evidence:stated"])]
            props.append(("prov:wasDerivedFrom", [f"source:{cluster.source}"]))
            yield membership_subject(company, cluster), props


def award_props(award: Award, register: int | None = None) -> Props:
    """An award as data/awards.ttl writes one; `register`: its source's year, if not its own."""
    tier = TIERS[award.tier].capitalize()
    name = f"{tier} Label {award.year}: {award.cluster.name}"
    month = _MONTHS[award.month - 1]
    quote = (
        f"ESCA awarded the {tier} Label of the European Cluster Excellence Initiative to "
        f"{award.cluster.name} in {month} {award.year}."
    )
    valid_from = f"{award.year}-{award.month:02d}"
    expires = f"{award.year + 2}-{award.month:02d}"  # bronze and silver: two years
    return [
        ("a", ["ck:LabelAward"]),
        ("rdfs:label", [text(name)]),
        ("skos:prefLabel", [text(name)]),
        ("ck:awardedTo", [f"cluster:{award.cluster.slug}"]),
        ("ck:tier", [f"tier:{TIERS[award.tier]}"]),
        ("schema:issuedBy", [ESCA]),
        ("ck:awardYear", [typed(str(award.year), "gYear")]),
        ("schema:validFrom", [typed(valid_from, "gYearMonth")]),
        ("schema:expires", [typed(expires, "gYearMonth")] if award.tier < 2 else []),
        ("prov:value", [text(quote, None)]),
        ("ck:evidence", ["evidence:stated"]),
        ("prov:wasDerivedFrom", [f"source:esca-label-register-{register or award.year}"]),
    ]


def award_nodes(data: Dataset) -> Iterable[Node]:
    for cluster in data.clusters:
        for award in cluster.awards:
            yield f"award:{award.slug}", award_props(award)


def people_nodes(data: Dataset) -> Iterable[Node]:
    for person in data.people:
        folded = ascii_fold(person.name)
        yield (
            f"person:{person.slug}",
            [
                ("a", ["foaf:Person"]),
                ("foaf:name", [text(person.name, None)]),
                ("skos:prefLabel", [text(person.name)]),
                ("skos:altLabel", [text(folded)] if folded != person.name else []),
                ("org:holds", [f"post:{p}" for p in person.posts]),
                ("org:headOf", person.heads),
                ("prov:wasDerivedFrom", [f"source:{s}" for s in person.sources]),
            ],
        )
    for post in data.posts:
        yield (
            f"post:{post.slug}",
            [
                ("a", ["org:Post"]),
                ("rdfs:label", [text(post.title)]),
                ("skos:prefLabel", [text(post.title)]),
                ("org:postIn", [post.organisation]),
                ("org:heldBy", [f"person:{post.person.slug}"]),
                ("org:role", [f"role:{post.role}"]),
                ("prov:value", [text(post.quote, None)]),
                ("ck:evidence", ["evidence:stated"]),
                ("prov:wasDerivedFrom", [f"source:{post.source}"]),
            ],
        )


def _enumerate(names: list[str]) -> str:
    """`A`, `A and B`, `A, B and C`, `A, B, C and 4 more clusters`."""
    if len(names) > 4:
        return f"{', '.join(names[:3])} and {len(names) - 3} more clusters"
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]


def project_nodes(data: Dataset) -> Iterable[Node]:
    for p in data.projects:
        who = _enumerate(p.participant_names)
        quote = f"{who} take part in the project {p.title} ({p.acronym})."
        yield (
            f"project:{p.slug}",
            [
                ("a", ["ck:Project"]),
                *_names(p.title, p.acronym),
                ("ck:coordinator", [p.coordinator]),
                ("ck:partner", p.partners),
                ("ck:participant", p.participants),
                ("schema:funder", [p.funder]),
                ("ck:fundingProgramme", [p.scheme]),
                ("ck:aim", [text(aim) for aim in p.aims]),
                ("schema:startDate", [typed(f"{p.start[0]}-{p.start[1]:02d}", "gYearMonth")]),
                ("schema:endDate", [typed(f"{p.end[0]}-{p.end[1]:02d}", "gYearMonth")]),
                ("schema:amount", [p.amount]),
                ("schema:currency", [text("EUR", None)]),
                ("prov:value", [text(quote, None)]),
                ("ck:evidence", ["evidence:stated"]),
                ("prov:wasDerivedFrom", [f"source:{p.source}"]),
            ],
        )


@dataclass
class Observed:
    """Facts as written, planted defects included: for the reported figures and the counts."""

    country_of: dict[str, str] = field(default_factory=dict)  # cluster → country term
    holders: dict[str, set[str]] = field(default_factory=dict)  # tier term → clusters
    awards: dict[str, int] = field(default_factory=dict)  # tier term → number of awards

    def cluster(self, subject: str, props: Props) -> None:
        for country in dict(props).get("ck:country", []):
            self.country_of[subject] = country

    def award(self, subject: str, props: Props) -> None:
        values = dict(props)
        for tier in values.get("ck:tier", []):
            self.awards[tier] = self.awards.get(tier, 0) + 1
            for cluster in values.get("ck:awardedTo", []):
                self.holders.setdefault(tier, set()).add(cluster)


_COUNTRY_BY_TERM = {f"country:{c.code}": c for c in COUNTRIES}


def figure_nodes(observed: Observed, register: int | None) -> Iterable[Node]:
    """Per country, how many clusters hold a Bronze label, as the latest ESCA register says."""
    if register is None:
        return
    by_country: dict[str, list[str]] = {}
    for cluster in sorted(observed.holders.get("tier:bronze", set())):
        country = observed.country_of.get(cluster, "")
        if country in _COUNTRY_BY_TERM:
            by_country.setdefault(country, []).append(cluster)
    for country, clusters in sorted(by_country.items()):
        name = _COUNTRY_BY_TERM[country].name
        label = f"{len(clusters)} clusters in {name} hold a Bronze Label"
        yield (
            f"figure:bronze-clusters-{_COUNTRY_BY_TERM[country].code.lower()}",
            [
                ("a", ["ck:ReportedFigure"]),
                ("rdfs:label", [text(label)]),
                ("skos:prefLabel", [text(label)]),
                ("ck:reportedValue", [str(len(clusters))]),
                ("ck:about", [country, "tier:bronze", *clusters]),
                ("prov:value", [text(f"Total of {len(clusters)} Bronze Labels in {name}", None)]),
                ("ck:evidence", ["evidence:stated"]),
                ("prov:wasDerivedFrom", [f"source:esca-label-register-{register}"]),
            ],
        )


# --- planted violations ---------------------------------------------------------------------
# Each defect is chosen so that it produces exactly one SHACL result: award defects change only
# the latest, first or a bronze-only award of a cluster (nothing later depends on them) and claim
# the whole label history of that cluster, so no two defects meet on one history or one node.


@dataclass(frozen=True)
class Defect:
    """One planted problem: one SHACL result on `focus`, from `component`, on `path`."""

    kind: str
    focus: str  # the subject as written (a CURIE)
    component: str  # local name in the SHACL namespace
    path: str | None  # a CURIE
    file: str
    description: str
    transform: Transform

    def manifest(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "focus": iri(self.focus),
            "component": SH + self.component,
            "path": iri(self.path) if self.path else None,
            "file": self.file,
            "description": self.description,
        }


def _drop(predicate: str) -> Transform:
    return lambda props: [(p, o) for p, o in props if p != predicate]


def _set(predicate: str, objects: list[str]) -> Transform:
    return lambda props: [(p, objects if p == predicate else o) for p, o in props]


def _add(predicate: str, obj: str) -> Transform:
    return lambda props: [(p, [*o, obj] if p == predicate else o) for p, o in props]


def _value(props: Props, predicate: str) -> str:
    return dict(props)[predicate][0]


@dataclass(frozen=True)
class MembershipTarget:
    subject: str
    other_cluster: str | None  # another cluster, for a membership that names two


Candidate = tuple[tuple[str, ...], Any]  # the scopes a defect there claims, and its target


@dataclass(frozen=True)
class Kind:
    name: str
    candidates: Callable[[Dataset], list[Candidate]]
    plant: Callable[[Any], Defect]


def _award_targets(
    select: Callable[[Cluster], Award | None],
) -> Callable[[Dataset], list[Candidate]]:
    def candidates(data: Dataset) -> list[Candidate]:
        found: list[Candidate] = []
        for cluster in data.clusters:
            award = select(cluster) if cluster.awards else None
            if award is not None:
                found.append(((f"awards:{cluster.slug}",), award))
        return found

    return candidates


def _subjects(
    prefix: str, slugs: Callable[[Dataset], Iterable[str]]
) -> Callable[[Dataset], list[Candidate]]:
    return lambda data: [((f"{prefix}:{s}",), f"{prefix}:{s}") for s in slugs(data)]


def _memberships(data: Dataset) -> list[Candidate]:
    """A few stated memberships of every cluster (inferred ones carry reasoning already)."""
    found: list[Candidate] = []
    for c, cluster in enumerate(data.clusters):
        other = data.clusters[(c + 1) % len(data.clusters)]
        other_subject = f"cluster:{other.slug}" if other is not cluster else None
        for i in cluster.members[:3]:
            if (i, c) not in data.inferred:
                subject = membership_subject(data.companies[i], cluster)
                found.append(((subject,), MembershipTarget(subject, other_subject)))
    return found


def _with_other_cluster(data: Dataset) -> list[Candidate]:
    return [(s, t) for s, t in _memberships(data) if t.other_cluster]


def _first_silver(cluster: Cluster) -> Award | None:
    return next((a for a in cluster.awards if a.tier == 1), None)


def _bronze_only(cluster: Cluster) -> Award | None:
    return cluster.awards[-1] if all(a.tier == 0 for a in cluster.awards) else None


def _award_without_tier(award: Award) -> Defect:
    return Defect(
        "award-without-tier", f"award:{award.slug}", "MinCountConstraintComponent", "ck:tier",
        "awards.ttl", "the cluster's latest label award has no ck:tier", _drop("ck:tier"),
    )  # fmt: skip


def _award_year_out_of_range(award: Award) -> Defect:
    return Defect(
        "award-year-out-of-range", f"award:{award.slug}", "PatternConstraintComponent",
        "ck:awardYear", "awards.ttl", "the cluster's first award is dated 1985, before any label",
        _set("ck:awardYear", [typed("1985", "gYear")]),
    )  # fmt: skip


def _tier_goes_down(award: Award) -> Defect:
    first_bronze = min(a.year for a in award.cluster.awards if a.tier == 0)
    earlier = replace(award, year=first_bronze - 1)
    return Defect(
        "tier-goes-down-in-time", f"award:{award.slug}", "SPARQLConstraintComponent", None,
        "awards.ttl", f"silver in {earlier.year}, before the first bronze ({first_bronze})",
        lambda _props: award_props(earlier, register=award.year),
    )  # fmt: skip


def _tier_skipped(award: Award) -> Defect:
    gold = replace(award, tier=2)
    return Defect(
        "tier-skipped", f"award:{award.slug}", "SPARQLConstraintComponent", None, "awards.ttl",
        "gold for a cluster that never held silver", lambda _props: award_props(gold),
    )  # fmt: skip


def _issuer_not_labelling_body(award: Award) -> Defect:
    org = award.cluster.coordinator
    issuer = f"organisation:{org.slug}" if org else f"cluster:{award.cluster.slug}"
    return Defect(
        "issuer-not-a-labelling-body", f"award:{award.slug}", "SPARQLConstraintComponent", None,
        "awards.ttl", "issued by the cluster's coordinator, not by a labelling body",
        _set("schema:issuedBy", [issuer]),
    )  # fmt: skip


def _award_after_source(award: Award) -> Defect:
    return Defect(
        "award-dated-after-its-source", f"award:{award.slug}", "SPARQLConstraintComponent", None,
        "awards.ttl", f"dated {award.year + 1}, after its source (the {award.year} register)",
        _set("ck:awardYear", [typed(str(award.year + 1), "gYear")]),
    )  # fmt: skip


def _expires_before_valid(award: Award) -> Defect:
    expires = f"{award.year - 1}-{award.month:02d}"
    return Defect(
        "label-expires-before-valid", f"award:{award.slug}", "SPARQLConstraintComponent", None,
        "awards.ttl", f"the label expires ({expires}) before it becomes valid",
        _set("schema:expires", [typed(expires, "gYearMonth")]),
    )  # fmt: skip


def _budget_not_decimal(subject: str) -> Defect:
    return Defect(
        "budget-not-a-decimal", subject, "DatatypeConstraintComponent", "schema:amount",
        "projects.ttl", "the budget is an xsd:integer, not an xsd:decimal",
        _set("schema:amount", ["1250000"]),
    )  # fmt: skip


def _project_ends_before_start(subject: str) -> Defect:
    def transform(props: Props) -> Props:
        year = int(_value(props, "schema:startDate")[1:5])
        return _set("schema:endDate", [typed(f"{year - 1}-06", "gYearMonth")])(props)

    return Defect(
        "project-ends-before-it-starts", subject, "SPARQLConstraintComponent", None,
        "projects.ttl", "the project ends the year before it starts", transform,
    )  # fmt: skip


def _funder_not_funder(subject: str) -> Defect:
    def transform(props: Props) -> Props:
        return _set("schema:funder", [_value(props, "ck:coordinator")])(props)

    return Defect(
        "funder-not-a-funder", subject, "ClassConstraintComponent", "schema:funder",
        "projects.ttl", "schema:funder names the project's coordinator, not a ck:Funder",
        transform,
    )  # fmt: skip


def _sector_not_sector(subject: str) -> Defect:
    return Defect(
        "sector-not-a-sector", subject, "ClassConstraintComponent", "ck:sector", "clusters.ttl",
        "ck:sector names a label tier", _set("ck:sector", ["tier:bronze"]),
    )  # fmt: skip


def _country_code_malformed(subject: str) -> Defect:
    def transform(props: Props) -> Props:
        code = _value(props, "ck:country").removeprefix("country:")
        return _set("ck:country", [f"<{COUNTRY_NS}{code[:2]}>"])(props)

    return Defect(
        "country-code-malformed", subject, "PatternConstraintComponent", "ck:country",
        "clusters.ttl", "ck:country uses a two-letter code, not the EU table's three letters",
        transform,
    )  # fmt: skip


def _evidence_not_level(target: MembershipTarget) -> Defect:
    return Defect(
        "evidence-not-a-level", target.subject, "InConstraintComponent", "ck:evidence",
        "memberships.ttl", "ck:evidence is none of stated, confirmed, inferred",
        _set("ck:evidence", [f"<{CKID}evidence/rumoured>"]),
    )  # fmt: skip


def _inferred_without_reasoning(target: MembershipTarget) -> Defect:
    return Defect(
        "inferred-without-reasoning", target.subject, "SPARQLConstraintComponent", None,
        "memberships.ttl", "an inferred membership without ck:reasoning",
        _set("ck:evidence", ["evidence:inferred"]),
    )  # fmt: skip


def _membership_of_two(target: MembershipTarget) -> Defect:
    return Defect(
        "membership-of-two-clusters", target.subject, "MaxCountConstraintComponent",
        "org:organization", "memberships.ttl", "one membership names two clusters",
        _add("org:organization", target.other_cluster or ""),
    )  # fmt: skip


def _membership_without_member(target: MembershipTarget) -> Defect:
    return Defect(
        "membership-without-member", target.subject, "MinCountConstraintComponent", "org:member",
        "memberships.ttl", "the membership names no member", _drop("org:member"),
    )  # fmt: skip


def _name_without_english(subject: str) -> Defect:
    def transform(props: Props) -> Props:
        name = _value(props, "skos:prefLabel").removesuffix("@en")
        return _set("skos:prefLabel", [name])(props)

    return Defect(
        "name-without-english", subject, "QualifiedMinCountConstraintComponent",
        "skos:prefLabel", "companies.ttl", "the company's only name has no @en tag", transform,
    )  # fmt: skip


def _two_english_names(subject: str) -> Defect:
    return Defect(
        "two-english-names", subject, "UniqueLangConstraintComponent", "skos:prefLabel",
        "people.ttl", "two English skos:prefLabel values", _add("skos:prefLabel", text("N. N.")),
    )  # fmt: skip


def _post_without_role(subject: str) -> Defect:
    return Defect(
        "post-without-role", subject, "MinCountConstraintComponent", "org:role", "people.ttl",
        "the post has no org:role", _drop("org:role"),
    )  # fmt: skip


def _empty_alternative_name(subject: str) -> Defect:
    def transform(props: Props) -> Props:
        return [*_drop("skos:altLabel")(props), ("skos:altLabel", [text("")])]

    return Defect(
        "empty-alternative-name", subject, "MinLengthConstraintComponent", "skos:altLabel",
        "organisations.ttl", "an empty skos:altLabel instead of the acronym", transform,
    )  # fmt: skip


def _source_without_title(subject: str) -> Defect:
    return Defect(
        "source-without-title", subject, "MinCountConstraintComponent", "dcterms:title",
        "sources.ttl", "the source document has no dcterms:title", _drop("dcterms:title"),
    )  # fmt: skip


def _projects(data: Dataset) -> list[str]:
    return [p.slug for p in data.projects]


def _clusters(data: Dataset) -> list[str]:
    return [c.slug for c in data.clusters]


# In this order, cycled: the first twelve (the default) cover twelve different constraints.
KINDS: tuple[Kind, ...] = (
    Kind("award-without-tier", _award_targets(lambda c: c.awards[-1]), _award_without_tier),
    Kind(
        "award-year-out-of-range", _award_targets(lambda c: c.awards[0]), _award_year_out_of_range
    ),
    Kind("budget-not-a-decimal", _subjects("project", _projects), _budget_not_decimal),
    Kind("sector-not-a-sector", _subjects("cluster", _clusters), _sector_not_sector),
    Kind("tier-goes-down-in-time", _award_targets(_first_silver), _tier_goes_down),
    Kind("tier-skipped", _award_targets(_bronze_only), _tier_skipped),
    Kind(
        "issuer-not-a-labelling-body",
        _award_targets(lambda c: c.awards[-1]),
        _issuer_not_labelling_body,
    ),
    Kind("evidence-not-a-level", _memberships, _evidence_not_level),
    Kind(
        "name-without-english",
        _subjects("company", lambda d: [c.slug for c in d.companies[:500]]),
        _name_without_english,
    ),
    Kind("membership-of-two-clusters", _with_other_cluster, _membership_of_two),
    Kind("inferred-without-reasoning", _memberships, _inferred_without_reasoning),
    Kind("country-code-malformed", _subjects("cluster", _clusters), _country_code_malformed),
    Kind(
        "award-dated-after-its-source", _award_targets(lambda c: c.awards[-1]), _award_after_source
    ),
    Kind(
        "label-expires-before-valid", _award_targets(lambda c: c.awards[0]), _expires_before_valid
    ),
    Kind(
        "project-ends-before-it-starts", _subjects("project", _projects), _project_ends_before_start
    ),
    Kind("membership-without-member", _memberships, _membership_without_member),
    Kind(
        "post-without-role",
        _subjects("post", lambda d: [p.slug for p in d.posts]),
        _post_without_role,
    ),
    Kind(
        "two-english-names",
        _subjects("person", lambda d: [p.slug for p in d.people]),
        _two_english_names,
    ),
    Kind(
        "empty-alternative-name",
        _subjects("organisation", lambda d: [o.slug for o in d.coordinators]),
        _empty_alternative_name,
    ),
    Kind(
        "source-without-title",
        _subjects("source", lambda d: [c.source for c in d.clusters]),
        _source_without_title,
    ),
    Kind("funder-not-a-funder", _subjects("project", _projects), _funder_not_funder),
)


def plant(data: Dataset, count: int, seed: int) -> list[Defect]:
    """`count` independent defects, cycling through KINDS; an error if the data is too small."""
    rng = _stream(seed, "violations")
    pools = []
    for kind in KINDS:
        candidates = kind.candidates(data)
        rng.shuffle(candidates)
        pools.append(candidates)
    claimed: set[str] = set()
    defects: list[Defect] = []
    turn = idle = 0
    while len(defects) < count:
        pool = pools[turn % len(KINDS)]
        kind = KINDS[turn % len(KINDS)]
        turn += 1
        while pool and any(scope in claimed for scope in pool[-1][0]):
            pool.pop()
        if not pool:
            idle += 1
            if idle == len(KINDS):
                raise GenerateError(
                    f"cannot plant {count} independent violations in {len(data.clusters)} "
                    f"cluster(s) (room for {len(defects)}): generate more clusters or pass "
                    "fewer --violations"
                )
            continue
        idle = 0
        scopes, target = pool.pop()
        claimed.update(scopes)
        defects.append(kind.plant(target))
    return defects


# --- writing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileSpec:
    name: str
    holds: str
    nodes: Callable[[Dataset], Iterable[Node]]


FILES: tuple[FileSpec, ...] = (
    FileSpec(
        "sources.ttl",
        "the source documents (ck:SourceDocument) every fact is derived from: cluster profiles, "
        "yearly ESCA label registers, project factsheets and a funding portal",
        source_nodes,
    ),
    FileSpec(
        "organisations.ttl",
        "the organisations that coordinate clusters (associations, agencies, companies), the "
        "funders (ck:Funder) and the funding schemes",
        organisation_nodes,
    ),
    FileSpec(
        "clusters.ttl",
        "the cluster organisations (ck:Cluster): names, sectors, country, coordinator, founding",
        cluster_nodes,
    ),
    FileSpec("companies.ttl", "the member companies (ck:Company)", company_nodes),
    FileSpec(
        "memberships.ttl",
        "the memberships of companies in clusters (org:Membership), each quoted from the member "
        "directory of the cluster's profile",
        membership_nodes,
    ),
    FileSpec(
        "awards.ttl",
        "the ESCA label awards (ck:LabelAward): bronze first, then renewals or the next tier, "
        "two years apart, never a lower tier later",
        award_nodes,
    ),
    FileSpec(
        "people.ttl",
        "the people (foaf:Person) and their posts (org:Post): directors of coordinating "
        "organisations, cluster coordinators, heads of innovations",
        people_nodes,
    ),
    FileSpec(
        "projects.ttl",
        "the funded projects (ck:Project): coordinator, partners, participating clusters, funder, "
        "funding scheme, dates and budget",
        project_nodes,
    ),
)
FIGURES = "figures.ttl"


class _Sink:
    """A file written in chunks, counted and hashed as it goes."""

    def __init__(self, path: Path, progress: Callable[[int], None]) -> None:
        self.out = path.open("wb")
        self.progress = progress  # told the number of subjects written so far
        self.digest = hashlib.sha256()
        self.size = 0
        self.triples = 0
        self.subjects = 0
        self.pending: list[str] = []

    def write(self, chunk: str, triples: int = 0) -> None:
        self.pending.append(chunk)
        self.triples += triples
        self.subjects += triples > 0
        if len(self.pending) >= 4096:
            self.flush()

    def flush(self) -> None:
        data = "".join(self.pending).encode("utf-8")
        self.pending.clear()
        self.out.write(data)
        self.digest.update(data)
        self.progress(self.subjects)
        self.size += len(data)

    def close(self) -> dict[str, Any]:
        self.flush()
        self.out.close()
        return {
            "subjects": self.subjects,
            "triples": self.triples,
            "bytes": self.size,
            "sha256": self.digest.hexdigest(),
        }


def _header(name: str, holds: str, settings: str) -> str:
    about = (
        f"{name} — {holds}. SYNTHETIC data, not facts: written by `{GENERATOR} {settings}` "
        f"(generator {GENERATOR_VERSION}); see MANIFEST.json. The prefixes cluster:, company:, "
        f"person: and the like name the synthetic namespace {SYNTHETIC}; tier:, sector:, role: "
        "and evidence: name the reference vocabulary that clusterkg always loads."
    )
    comment = textwrap.wrap(about, width=98, break_on_hyphens=False)
    prefixes = [f"@prefix {p + ':':<16}<{ns}> ." for p, ns in NAMESPACES.items()]
    return "\n".join([*(f"# {line}" for line in comment), "", *prefixes, "", ""]) + "\n"


def _write_file(
    path: Path,
    header: str,
    nodes: Iterable[Node],
    transforms: dict[str, Transform],
    observe: Callable[[str, Props], None] | None,
    progress: Callable[[int], None],
) -> dict[str, Any]:
    sink = _Sink(path, progress)
    try:
        sink.write(header)
        for subject, props in nodes:
            change = transforms.get(subject)
            if change is not None:
                props = change(props)
            if observe is not None:
                observe(subject, props)
            sink.write(*render(subject, props))
    finally:
        info = sink.close()
    return {"name": path.name, **info}


def write_all(
    folder: Path, data: Dataset, defects: list[Defect], settings: str
) -> tuple[list[dict[str, Any]], Observed]:
    """Write every file into `folder`; the file list (name, triples, bytes, sha256), and what
    was written about clusters and awards."""
    transforms = {d.focus: d.transform for d in defects}
    observed = Observed()
    observers: dict[str, Callable[[str, Props], None]] = {
        "clusters.ttl": observed.cluster,
        "awards.ttl": observed.award,
    }
    files: list[dict[str, Any]] = []
    total = data.subject_count
    with step(f"Writing {total:,} subjects") as progress:
        for spec in FILES:
            header = _header(spec.name, spec.holds, settings)
            written = sum(f["subjects"] for f in files)
            report = partial(_report, progress, written, total)
            observe = observers.get(spec.name)
            path = folder / spec.name
            files.append(_write_file(path, header, spec.nodes(data), transforms, observe, report))
    years = [a.year for c in data.clusters for a in c.awards]
    holds = (
        "the figures the ESCA registers report (ck:ReportedFigure): per country, the clusters "
        "that hold a Bronze label"
    )
    figures = figure_nodes(observed, max(years) if years else None)
    header = _header(FIGURES, holds, settings)
    files.append(_write_file(folder / FIGURES, header, figures, {}, None, lambda _n: None))
    return files, observed


def _report(progress: Step, written: int, total: int, subjects: int) -> None:
    progress.update(written + subjects, total)


def counts(data: Dataset, observed: Observed, figures: int) -> dict[str, int]:
    """Entities written; the first names are those of the `statistics` stored query."""
    result = {
        "clusters": len(data.clusters),
        "companies": len(data.companies),
        "people": len(data.people),
        "memberships": data.membership_count,
        "projects": len(data.projects),
        "label awards": sum(len(c.awards) for c in data.clusters),
    }
    for tier in TIERS:
        result[f"{tier.capitalize()} awards"] = observed.awards.get(f"tier:{tier}", 0)
    for tier in TIERS:
        holders = observed.holders.get(f"tier:{tier}", set())
        result[f"clusters with a {tier.capitalize()} label"] = len(holders)
    result |= {
        "coordinating organisations": len(data.coordinators),
        "posts": len(data.posts),
        "funders": len(_FUNDERS),
        "funding schemes": len(_SCHEMES),
        "source documents": len(data.sources),
        "reported figures": figures,
    }
    return result


# --- the command -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    directory: Path
    triples: int
    counts: dict[str, int]
    planted: int
    seconds: float

    def summary(self) -> str:
        """One line: `wrote 2,104,654 triples (1,500 clusters, …) to DIR in 9.8 s`."""
        c = self.counts
        things = [
            _count(c["clusters"], "cluster"),
            _count(c["companies"], "company", "companies"),
            _count(c["memberships"], "membership"),
            _count(c["label awards"], "label award"),
            _count(c["people"], "person", "people"),
            _count(c["projects"], "project"),
        ]
        planted = _count(self.planted, "planted violation")
        return (
            f"wrote {_count(self.triples, 'triple')} ({', '.join(things)}; {planted}) "
            f"to {self.directory} in {self.seconds:.1f} s"
        )


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def generate(
    output: Path,
    clusters: int,
    seed: int = DEFAULT_SEED,
    violations: int = DEFAULT_VIOLATIONS,
) -> Result:
    """Write a synthetic data set into the folder `output` (replacing an earlier one).

    The files are written into a temporary folder next to `output`, then renamed into it.
    """
    started = time.perf_counter()
    if clusters < 1:
        raise GenerateError(f"--clusters must be at least 1, not {clusters}")
    if violations < 0:
        raise GenerateError(f"--violations must be 0 or more, not {violations}")
    try:
        target = output.resolve()  # "." has no name to put a temporary folder next to
    except OSError as error:
        raise GenerateError(f"{output}: {error.strerror or error}") from None
    if not target.name:
        raise GenerateError(f"{output}: give a folder to write the data set into")
    previous = _check_target(output, target)
    with step(f"Generating {clusters:,} clusters (seed {seed})"):
        data = build(clusters, seed)
        defects = plant(data, violations, seed)
    settings = f"--clusters {clusters} --seed {seed} --violations {violations}"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.generate-", dir=target.parent))
    except OSError as error:
        raise GenerateError(f"{output}: cannot create: {error.strerror or error}") from None
    try:
        new = staging / "new"
        new.mkdir()
        files, observed = write_all(new, data, defects, settings)
        tally = counts(data, observed, figures=files[-1]["subjects"])
        triples = sum(f["triples"] for f in files)
        document = {
            "generator": GENERATOR,
            "generator_version": GENERATOR_VERSION,
            "seed": seed,
            "clusters": clusters,
            "violations": violations,
            "triples": triples,
            "counts": tally,
            "files": files,
            "planted_violations": [d.manifest() for d in defects],
        }
        manifest = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        (new / MANIFEST).write_text(manifest, encoding="utf-8")
        _publish(new, target, previous)
    except OSError as error:
        raise GenerateError(f"{output}: cannot write: {error.strerror or error}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    seconds = time.perf_counter() - started
    return Result(output, triples, tally, len(defects), seconds)


def _check_target(output: Path, target: Path) -> list[str]:
    """Refuse a file, or a non-empty folder that a previous generate did not write; the files
    of the previous generate, if any."""
    if target.exists() and not target.is_dir():
        raise GenerateError(f"{output}: is a file; give a folder to write the data set into")
    if not target.is_dir():
        return []
    entries = sorted(p.name for p in target.iterdir())
    if not entries:
        return []
    refuse = f"{output}: folder is not empty and was not written by {GENERATOR}"
    try:
        previous = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise GenerateError(f"{refuse} (no {MANIFEST}); choose an empty or new folder") from None
    if not isinstance(previous, dict) or previous.get("generator") != GENERATOR:
        raise GenerateError(f"{refuse} (its {MANIFEST} is not ours); choose another folder")
    listed = {f.get("name") for f in previous.get("files", []) if isinstance(f, dict)}
    extra = [e for e in entries if e not in listed | {MANIFEST}]
    if extra:
        raise GenerateError(
            f"{output}: holds {extra[0]}, which {GENERATOR} did not write; refusing to replace "
            "the folder (move that file or choose another folder)"
        )
    return [e for e in entries if e != MANIFEST]


def _publish(new: Path, target: Path, previous: list[str]) -> None:
    """Move the files written in `new` into `target`, each with one atomic rename.

    The folder itself is kept (a shell may be sitting in it); the manifest comes last, so that
    a folder whose manifest names a file always has it. Files of the previous generate that
    this one does not write are removed.
    """
    target.mkdir(exist_ok=True)
    names = sorted(p.name for p in new.iterdir() if p.name != MANIFEST)
    for name in names:
        os.replace(new / name, target / name)
    for name in sorted(set(previous) - set(names)):
        (target / name).unlink(missing_ok=True)
    os.replace(new / MANIFEST, target / MANIFEST)
