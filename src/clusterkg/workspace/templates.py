"""The files `clusterkg init` writes into a new workspace, as templates: its config, a README for
the team, and one small example of each kind of file (data, stored query with its expected
results, extra shape), all valid together and made to be replaced.

`{base}` is the workspace's base IRI (checked: an absolute IRI with no quote or space in it),
`{name}` its name, `{bundled}` true or false."""

# ruff: noqa: E501  (the lines are the written files' own: a table row, a message, a quote)

from __future__ import annotations

CONFIG = """\
# The workspace's settings. clusterkg finds this file from any folder below it, as git finds .git.
[workspace]
# The workspace's name (shown by commands).
name = {name_toml}
# Where the IRIs of the things this team adds start: an absolute IRI ending in / or #.
base = "{base}"
# true: the bundled Lithuanian facts are part of this workspace's graph; false: only data/.
bundled-facts = {bundled}
"""

GITIGNORE = """\
# Spreadsheets' lock files and editors' backups; the data, queries and shapes are kept in git.
.~lock.*#
~$*
*~
"""

EXAMPLE_DATA = """\
# data/example.trig — an example of this workspace's facts, to copy and then replace: one cluster,
# written inside one statement group (a named graph) that rests on one source, with the source's
# exact words and the evidence level (docs/model.md, "Statement-level provenance").
# Every fact goes in a group like this one; `clusterkg validate` says what is missing.

@prefix ck:        <https://w3id.org/clusterkg/ontology#> .
@prefix sector:    <https://w3id.org/clusterkg/id/sector/> .
@prefix evidence:  <https://w3id.org/clusterkg/id/evidence/> .
@prefix country:   <http://publications.europa.eu/resource/authority/country/> .
@prefix cluster:   <{base}cluster/> .
@prefix source:    <{base}source/> .
@prefix statement: <{base}statement/> .
@prefix xsd:       <http://www.w3.org/2001/XMLSchema#> .
@prefix skos:      <http://www.w3.org/2004/02/skos/core#> .
@prefix prov:      <http://www.w3.org/ns/prov#> .
@prefix schema:    <https://schema.org/> .
@prefix dcterms:   <http://purl.org/dc/terms/> .
@prefix oa:        <http://www.w3.org/ns/oa#> .

# The facts: what the source says about the cluster.
statement:example-food-cluster-founded {{
    cluster:example-food-cluster a ck:Cluster ;
        skos:prefLabel "Example Food Cluster"@en ;
        ck:sector sector:food ;
        ck:country country:LTU ;
        schema:foundingDate "2021"^^xsd:gYear .
}}

# Where they come from: the source, how it supports them, and its exact words.
statement:example-food-cluster-founded a ck:StatementGroup ;
    prov:wasDerivedFrom source:board-minutes-2024-03 ;
    ck:evidence evidence:stated ;
    ck:quote [ a oa:SpecificResource ;
        oa:hasSource source:board-minutes-2024-03 ;
        oa:hasSelector [ a oa:TextQuoteSelector ;
            oa:exact "The Example Food Cluster, founded in 2021, brings together food producers."@en ] ] .

# The source, described once (a web page is named by its address instead: <https://…> a ck:WebSource).
source:board-minutes-2024-03 a ck:SourceDocument ;
    dcterms:title "Minutes of the board meeting, March 2024"@en ;
    dcterms:issued "2024-03"^^xsd:gYearMonth .
"""

EXAMPLE_QUERY = """\
#+ title: Our clusters
#+ description: The clusters this workspace adds (their IRIs start with its base IRI), with the
#+ description: year each was founded. An example of a team query: its expected results are in
#+ description: our-clusters.expected.csv, checked by `clusterkg test`.
#+ param: sector sector optional  Only clusters of this sector, e.g. food
#+ example: sector=food
PREFIX ck: <https://w3id.org/clusterkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>

SELECT ?cluster ?name ?founded ?sector
WHERE {{
  ?cluster a ck:Cluster ;
           skos:prefLabel ?name .
  FILTER(STRSTARTS(STR(?cluster), "{base}"))
  FILTER(langMatches(lang(?name), "en"))
  OPTIONAL {{ ?cluster schema:foundingDate ?founded }}
  # ?sector is bound only when the parameter is given; unbound, every cluster passes.
  FILTER(COALESCE(?sector, false) = false || EXISTS {{ ?cluster ck:sector ?sector }})
}}
ORDER BY LCASE(?name) ?cluster
"""

EXAMPLE_EXPECTED = """\
# The rows `clusterkg query our-clusters -p sector food` must give, written by hand from
# data/example.trig. The first line names the columns; a cell is an IRI (<…>, https://… or a
# CURIE such as cluster:fetek), or a value as text; an empty cell is an unbound one. The query
# sorts its rows (ORDER BY): write them in that order, or add a line `# order: any`.
# parameters: sector=food
cluster,name,founded,sector
{base}cluster/example-food-cluster,Example Food Cluster,2021,sector:food
"""

EXAMPLE_SHAPE = """\
# shapes/example.ttl — an example of this workspace's own rules, checked by `clusterkg validate`
# together with the bundled shapes. Every constraint says in sh:message what to do.

@prefix sh:  <http://www.w3.org/ns/shacl#> .
@prefix ck:  <https://w3id.org/clusterkg/ontology#> .

# The bundled shapes only warn about a cluster with no sector; this team requires one for its
# own clusters (IRIs under the workspace's base), and leaves the bundled clusters alone.
<{base}shape/our-clusters-have-a-sector>
    a sh:NodeShape ;
    sh:targetClass ck:Cluster ;
    sh:sparql [
        a sh:SPARQLConstraint ;
        sh:severity sh:Violation ;
        sh:message "Our clusters say which sector they work in: add `ck:sector <https://w3id.org/clusterkg/id/sector/…>`."@en ;
        sh:select \"\"\"
            SELECT $this WHERE {{
                FILTER(STRSTARTS(STR($this), "{base}"))
                FILTER NOT EXISTS {{ $this <https://w3id.org/clusterkg/ontology#sector> ?sector }}
            }}
        \"\"\"
    ] .
"""

README = """\
# {name}

This folder is a clusterkg workspace: the team's own facts, questions and rules, kept in git, on
top of the clusterkg ontology and reference vocabularies{bundled_note}. Every `clusterkg` command
run in this folder (or below it) uses it.

| folder | what goes there |
| --- | --- |
| `clusterkg.toml` | the settings: the name, the base IRI of the things the team adds, whether the bundled facts are included |
| `data/` | the facts, as TriG files (or Turtle, JSON-LD …): every fact in a statement group with its source, quote and evidence, as in `data/example.trig` |
| `queries/` | stored SPARQL queries, one per `NAME.rq` file with a `#+` header; beside one, `NAME.expected.csv` holds the rows it must give |
| `shapes/` | extra SHACL shapes (Turtle), checked with the bundled shapes |

## Commands

    clusterkg validate                     # the whole graph: data/ (+ bundled facts) against all shapes
    clusterkg validate data/new.trig       # one file, in the context of the whole graph
    clusterkg queries                      # the stored queries, bundled and this team's
    clusterkg query our-clusters -p sector food
    clusterkg test                         # every query's expected results; every *-violation query empty
    clusterkg import --template members.xlsx             # an empty workbook to fill in
    clusterkg import members.xlsx -o data/members.trig   # the filled workbook into data/
    clusterkg export -f trig -o graph.trig               # the whole graph, in one file

A new fact: write it in `data/` (copy `data/example.trig`), then `clusterkg validate`. A new
question: a `.rq` file in `queries/` with a `#+ title:` line, and its expected rows beside it,
written by hand from the data. A new rule: a shape in `shapes/` with an `sh:message` saying what
to do. Run `clusterkg test` before committing.
"""
