"""Deterministic synthetic data at European scale, for benchmarks and for testing the tool.

`clusterkg generate --clusters N --seed S -o DIR [--violations K]` writes a data set in DIR that
replaces the bundled facts (`clusterkg --data DIR query …`): cluster organisations across Europe,
their member companies and memberships, ESCA label award histories, coordinating organisations,
people in posts, funded projects, reported figures and the source documents of all of them. It
points at the always-loaded vocabulary (tiers, sectors, roles, evidence levels, ESCA) and never
repeats it.

Shapes of the data: cluster sizes are heavy-tailed (lognormal weights), most companies belong to
one cluster and some to two to four, about half of the clusters hold a label whose tier never goes
down in time (bronze, renewals, silver, gold, two years apart). Every fact is written as the
statement-group model of docs/model.md has it: inside a TriG named graph `statement:<slug>`, one
group per thing and source (a cluster's profile, a line of its member directory, an ESCA
register), described in the default graph by prov:wasDerivedFrom its source, ck:evidence, a
ck:quote (a Web Annotation with an oa:TextQuoteSelector) where the source is quoted, and
ck:reasoning where inferred; a fact that two sources give is in a group of each. The catalogue of
sources is Turtle (sources.ttl), the facts TriG. The clean data conforms to ontology/shapes.ttl
with no violation and no warning; `--violations K` plants K independent defects, each producing
exactly one SHACL result, and lists them in DIR/MANIFEST.json (one writes a statement outside
every group: a fact without a source).

Determinism: every random choice comes from random.Random seeded with a string derived from the
seed (one stream per part, so that planting defects leaves the clean data unchanged); nothing
depends on hash() or on set order. The Turtle and TriG are written as text through
clusterkg.output.turtle_writer, one subject at the start of a line (the tool locates problems
that way), with no blank nodes.

The modules, in the order the data is made:

    europe       countries, cities, legal forms, people's names, sectors (tables in europe.json)
    model        what the world holds and how much of it: the entities, their relations,
                 the calibration
    chance       one random stream per part; the quick choices of the hot loops
    names        how names, acronyms, labels and slugs are made, unique within their kind
    clusters     cluster organisations and the organisations that coordinate them
    companies    member companies and their memberships
    awards       ESCA label histories
    people       people and the posts they hold
    projects     funded projects, their funders and funding schemes
    sources      the source documents every fact is derived from
    statements   statement groups: the facts of one thing from one source, and their description
    world        the whole world for a number of clusters and a seed
    defects      the kinds of planted violation, each producing one SHACL result
    planting     where the defects go: independent targets, cycling through the kinds
    namespaces   the synthetic namespaces and the prefixes the files declare
    writing      the data files, each subject written as its family module describes it
    figures      what the written files report: figures per country, the counts
    manifest     MANIFEST.json, and whether a folder may be replaced
    dataset      `generate`, the entry point: staging folder, atomic publication, summary

Each family module (clusters … sources) both makes its entities and describes them as groups.
The CLI imports this package at start-up for the defaults below, so it imports nothing heavy:
the modules above are imported by the command only (60 ms of every start otherwise).
"""

from __future__ import annotations

from clusterkg.errors import ClusterKGError

DEFAULT_SEED = 1
DEFAULT_VIOLATIONS = 13


class GenerateError(ClusterKGError):
    """The data set cannot be generated where or as asked."""
