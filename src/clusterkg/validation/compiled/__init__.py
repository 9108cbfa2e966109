"""SHACL validation compiled to SPARQL and run inside a pyoxigraph Store, with pySHACL's results.

pySHACL checks every constraint focus node by focus node, in Python, on an rdflib graph: seven
minutes at 140,000 triples, hours at two million. This package reads a shapes graph once and
compiles its constraints into SPARQL queries over all focus nodes at once, which Oxigraph runs on
the graph in the store, on every core (runner.py). Each constraint is one query, except that the
value tests of a shape (sh:class, sh:datatype, sh:pattern…) share one pass over its values, with a
flag per constraint. The results are the ones pySHACL 0.40 gives, with the
options clusterkg uses (inference none, advanced, allow warnings, no imports), on the same
triples: the same focus nodes, paths, values, constraint components, severities and messages,
rendered as pySHACL renders them.

    compiled = compile_shapes(Path("ontology/shapes.ttl"))      # or Turtle text, or an rdflib Graph
    results = compiled.validate(store, ox.NamedNode(ASSERTED))  # list[ShaclResult]

Compiled: node and property shapes with predicate paths; targets sh:targetClass (following
rdfs:subClassOf* in the data), implicit class targets, sh:targetNode, sh:targetSubjectsOf,
sh:targetObjectsOf; sh:property, sh:class, sh:datatype, sh:nodeKind, sh:minCount, sh:maxCount,
sh:minLength, sh:maxLength, sh:pattern (+ sh:flags), sh:languageIn, sh:uniqueLang, sh:in, sh:or,
sh:minInclusive, sh:maxInclusive, sh:minExclusive, sh:maxExclusive, sh:qualifiedValueShape with
sh:qualifiedMinCount / sh:qualifiedMaxCount, SPARQL-based constraints (sh:sparql, sh:select,
sh:prefixes, sh:declare, sh:message templates) on node shapes, sh:severity, sh:deactivated,
sh:message, and pySHACL's own messages for shapes without one. Anything else in a shapes graph
(another sh: term, a complex path, a SPARQL query whose $this the compiler cannot bind by a join)
raises UnsupportedShapes when compiling, so that the caller can fall back to pySHACL: the compiler
is meant to be right for any shapes graph, and fast for ours.

The modules follow the specification's sections, as pySHACL's constraints/core/ does:

    compiler.py            the driver: the registry of constraint components, shape by shape
    shapes.py              the shapes graph, its shapes and their parameters (section 2)
    targets.py             focus nodes and value nodes (2.1.3 targets, 2.3 predicate paths)
    value_type.py          4.1 sh:class, sh:datatype, sh:nodeKind
    written.py                 sh:datatype on literals as written, where the store changed them
    cardinality.py         4.2 sh:minCount, sh:maxCount
    value_range.py         4.3 sh:minInclusive, sh:maxInclusive, sh:minExclusive, sh:maxExclusive
    string_based.py        4.4 sh:minLength, sh:maxLength, sh:pattern, sh:languageIn, sh:uniqueLang
                               (+ rust_regex.py: sh:pattern in Oxigraph's regex)
    logical.py             4.6 sh:or
    shape_based.py         4.7 sh:property, sh:qualifiedValueShape
    other.py               4.8 sh:in
    sparql_constraints.py  5   SPARQL-based constraints, with sparql_prefixes.py (5.2.1) and
                               sparql_rewrite.py ($this joined, not pre-bound: 5.3.1)
    results.py             3.6 results and pySHACL's messages;  runner.py: running on a store
    portable.py            running on a SPARQL server, which cannot call Python (with monotone.py)
    components.py, expressions.py, rdflib_view.py, functions.py, terms.py: what they share

Not compiled (pySHACL validates shapes that use them): 4.5 property pairs (sh:equals, sh:disjoint,
sh:lessThan, sh:lessThanOrEquals), sh:not, sh:and, sh:xone, sh:node, sh:closed, sh:hasValue,
complex paths, SPARQL-based constraint components (5.1).

Where SPARQL 1.1 and pySHACL differ, pySHACL is replicated:

* Checks pySHACL makes in Python (a literal's datatype with rdflib's notion of ill-typed literals,
  sh:pattern with Python's `re`, lengths and comparisons of literals as rdflib normalises them,
  sh:in with rdflib's term equality) are compiled to a fast SPARQL test that is only ever true
  when pySHACL's check passes, and failing that, a Python function registered with the query
  (an Oxigraph custom function) that makes pySHACL's check exactly. The Python function only sees
  the rare values the fast test cannot vouch for (usually the violations themselves): the two are
  chained with IF, as Oxigraph may evaluate the operands of || and && in either order.
* A SPARQL-based constraint's $this is not pre-bound once per focus node (pySHACL's way): the
  focus nodes are joined into the query's WHERE group, which is the same thing when $this occurs
  only in that group itself or in the FILTER / BIND expressions of that group; other queries
  raise UnsupportedShapes. The query itself runs in Oxigraph rather than in rdflib's engine: both
  implement SPARQL 1.1, but REGEX in a query is Rust's regex there, Python's re here, and a
  query computing on the lexical form of a non-canonical typed literal ("007"^^xsd:integer) sees
  it as written, where rdflib sees its normalised form ("7").
* "Instance of C" (sh:targetClass, sh:class) is rdf:type/rdfs:subClassOf* C in the data graph, as
  for pySHACL; validate() first asks the store for the subclasses of every class used, then joins
  rdf:type with that list, which Oxigraph runs far faster than the property path. Over a path with
  many values, sh:class joins the values with all the instances instead of asking about each
  value (targets.joined_instances).
* Reported values are literals as rdflib normalises them, as pySHACL reports them.
* Messages: sh:message values as they are (pySHACL does not substitute {$this} in the messages of
  core constraints); in SPARQL-based constraints {$this}, {?value}, {?path} and the other selected
  variables are substituted the way pySHACL does it (re.sub, in the same order); shapes without
  sh:message get the messages pySHACL generates, by calling pySHACL's own message code (rendered
  with the shapes graph's prefixes and, for data nodes, with a new rdflib Graph's).

Known differences that no compiler can see: the store keeps RDF 1.1 terms ("a" and "a"^^xsd:string
are one term, language tags are lower case), where rdflib keeps "a" and "a"^^xsd:string apart; and
in a SPARQL-based constraint an ill-typed literal ("x"^^xsd:integer, which clusterkg's loader
refuses) compares as an error in Oxigraph, as a string in rdflib.
pySHACL's options are fixed: allow_warnings=True makes a member shape of sh:or (or a qualified value
shape) with sh:severity sh:Warning or sh:Info always conform, as in pySHACL.

Where pySHACL departs from the specification and the W3C test suite shows it
(tests/test_w3c_shacl.py), the specification is followed: sh:uniqueLang is active for `true` only
(not "1"^^xsd:boolean), and sh:prefixes also follows owl:imports within the shapes graph (nothing
is ever fetched). A validation report written in a shapes graph (a test's expected result)
constrains nothing.

On a remote SPARQL server the Python checks cannot run: portable.py writes the constant false in
their place (monotone.py proves from the text that this only adds rows), then makes the checks in
Python on the values of the rows the server returns, and asks again, with the checks' answers
bound in a VALUES block, about the few values a check passes: the same results as locally.

rdflib and pySHACL are imported only to read shapes given as an rdflib Graph, or when a rare value
needs pySHACL's exact check or a message has to be generated: validating conforming data with
shapes read from Turtle never touches them.
"""

from clusterkg.validation.compiled.compiler import compile_shapes
from clusterkg.validation.compiled.results import ShaclResult
from clusterkg.validation.compiled.runner import CompiledShapes
from clusterkg.validation.compiled.terms import UnsupportedShapes

__all__ = ["CompiledShapes", "ShaclResult", "UnsupportedShapes", "compile_shapes"]
