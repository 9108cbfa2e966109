"""How names are made: invented but plausible names, acronyms, labels and slugs, each unique
within its kind (clusters, companies, projects, …), from word lists and syllables.

Slugs follow the project's one rule, clusterkg.vocabulary.slugify; a repeated slug gets -2, -3, …
"""

from __future__ import annotations

import random
from collections.abc import Callable

from clusterkg.generate.chance import pick
from clusterkg.generate.europe import NAME_POOLS, Country, Sector
from clusterkg.output.turtle_writer import Props, text
from clusterkg.vocabulary import ascii_fold, slugify

# Word lists, one a line: left unformatted to stay readable.
# fmt: off
_ONSETS = ("Nor", "Vel", "Tar", "Bal", "Kor", "Lum", "Sil", "Ver", "Ast", "Mar", "Cel", "Dan", "Fen", "Gal", "Hel", "Jor", "Kal", "Lin", "Mir", "Nev", "Or", "Pol", "Quin", "Ros", "Sol", "Tor", "Ul", "Val", "Wen", "Zel", "Bri", "Cor", "Dra", "Eo", "Fla", "Gri", "Ka", "Lo", "Pra", "Tre")  # noqa: E501
_NUCLEI = ("a", "e", "i", "o", "u", "an", "en", "or", "ar", "il", "y", "io")
_CODAS = ("tek", "via", "mar", "lux", "ron", "dis", "nex", "tra", "gen", "ford", "holm", "berg", "plast", "tex", "com", "ion", "ex", "ica", "ora", "lia", "sys", "med", "nova", "lin", "dor", "vent", "ka", "sta", "mo", "tis")  # noqa: E501
_DESCRIPTORS = ("Group", "Systems", "Industries", "Solutions", "Technologies", "Labs", "Works", "Partners", "Manufacturing")  # noqa: E501
_PROJECT_HEADS = ("Inno", "Clust", "Smart", "Green", "Digi", "Euro", "Agri", "Photo", "Med", "Auto", "Wood", "Film", "Bio", "Eco", "Nova", "Trans", "Inter", "Scale")  # noqa: E501
_PROJECT_TAILS = ("Link", "Bridge", "Boost", "Net", "Hub", "Grow", "Path", "Wave", "Spark", "Lab", "Move", "Up")  # noqa: E501
_PROJECT_VERBS = ("Accelerating", "Strengthening", "Connecting", "Scaling", "Greening", "Digitalising", "Internationalising", "Upskilling")  # noqa: E501
# fmt: on
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

SlugMaker = Callable[[str, str], str]  # (kind, name) → a slug unique within the kind


class Slugs:
    """Unique slugs within each kind of thing: a repeated slug gets -2, -3, …"""

    def __init__(self) -> None:
        self._used: dict[str, set[str]] = {}

    def __call__(self, kind: str, name: str) -> str:
        used = self._used.setdefault(kind, set())
        base = slugify(name)
        slug, n = base, 1
        while slug in used:
            n += 1
            slug = f"{base}-{n}"
        used.add(slug)
        return slug


class Namer:
    """Plausible, invented names (syllables and word lists), unique within their kind."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: dict[str, set[str]] = {}

    def coined(self) -> str:
        r = self.rng
        onset, nucleus, coda = pick(r, _ONSETS), pick(r, _NUCLEI), pick(r, _CODAS)
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


def cluster_name(rng: random.Random, namer: Namer, country: Country, city: str, word: str) -> str:
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


def coordinator_name(
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


def company_name(rng: random.Random, namer: Namer, country: Country, sector: Sector) -> str:
    pattern = rng.randrange(4)
    if pattern == 0:
        base = f"{namer.coined()} {pick(rng, sector.company_words)}"
    elif pattern == 1:
        base = f"{namer.coined()} {pick(rng, _DESCRIPTORS)}"
    elif pattern == 2:
        base = f"{pick(rng, NAME_POOLS[country.names][0][1])} & Partners"
    else:
        base = namer.coined()
    form = pick(rng, country.legal_forms)
    if country.code in ("LTU", "LVA"):
        return f'{form} "{base}"'  # the Baltic way: UAB "Rūta"
    return f"{base} {form}"


def project_acronym(rng: random.Random) -> str:
    digit = rng.choice(("", "", "", "2", "3", "4", "5", "6", "7", "8", "9"))
    return rng.choice(_PROJECT_HEADS) + rng.choice(_PROJECT_TAILS) + digit


def project_title(rng: random.Random, sector: str) -> str:
    subject = f"{rng.choice(_PROJECT_VERBS)} {rng.choice(_PROJECT_OBJECTS)}"
    return f"{subject} in the {sector.capitalize()} Sector"


def acronym(name: str) -> str | None:
    """Initials of the name, e.g. GFC for Graz Food Cluster (not unique, as in life)."""
    words = ascii_fold(name).replace("-", " ").replace("&", " ").split()
    initials = "".join(w[0] for w in words if w[0].isalpha()).upper()
    return initials if len(initials) > 1 else None


def name_props(name: str, acronym: str | None) -> Props:
    """skos:prefLabel, and the acronym as skos:altLabel and ck:acronym, as data/*.ttl does."""
    return [
        ("skos:prefLabel", [text(name)]),
        ("skos:altLabel", [text(acronym)] if acronym else []),
        ("ck:acronym", [text(acronym, None)] if acronym else []),
    ]


def label_props(label: str) -> Props:
    """A label as both rdfs:label and skos:prefLabel, as data/*.ttl labels awards and posts."""
    return [("rdfs:label", [text(label)]), ("skos:prefLabel", [text(label)])]


def enumerate_names(names: list[str]) -> str:
    """`A`, `A and B`, `A, B and C`, `A, B, C and 4 more clusters`."""
    if len(names) > 4:
        return f"{', '.join(names[:3])} and {len(names) - 3} more clusters"
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]
