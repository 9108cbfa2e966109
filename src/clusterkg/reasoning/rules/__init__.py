"""OWL 2 RL reasoning run as SPARQL updates inside the Oxigraph store: the fast reasoner.

owlrl (the reference) walks every triple in Python and needs minutes at 100 k triples. Here each
OWL 2 RL rule is one SPARQL update that Oxigraph evaluates as a join inside Rust, repeated
semi-naively until nothing new is derived. Three things are not done by rules, because a rule
would cost far more than the answer or is not the right tool: transitive properties (prp-trp,
a graph search), equality (owl:sameAs, eq-*: nodes merged by union-find) and the inconsistency
rules (queries on the closure: a contradiction is reported, never written into the graph).

What the rules run themselves: rdfs:subClassOf, rdfs:subPropertyOf, rdfs:domain, rdfs:range,
owl:equivalentClass, owl:equivalentProperty, owl:inverseOf, owl:SymmetricProperty,
owl:TransitiveProperty, owl:propertyChainAxiom (steps that are properties, or blank nodes
`[ owl:inverseOf p ]`), owl:sameAs (asserted or derived, e.g. through a subproperty of it),
owl:differentFrom, owl:disjointWith, owl:propertyDisjointWith, owl:IrreflexiveProperty,
owl:AsymmetricProperty, and the schema (scm-*) and axiomatic rules owlrl applies, with owlrl's
choices where it departs from the specification (it derives no reflexive subClassOf,
subPropertyOf or equivalentProperty from cycles or from reflexive equivalences, and gives
rdf:Property the reflexive triples of owl:ObjectProperty; and it adds owl:disjointWith between
the top datatypes the literals use). Anything else sends reasoning to owlrl (support.py).

The closure equals owlrl's (as reasoning/reference.py filters it: no literal subjects, no
reflexive sameAs); tests/test_reasoning_parity.py checks it construct by construct.

The modules, in the order materialise uses them:
- closure.py          materialise: the steps in order, and the Outcome
- axioms.py           the triples owlrl adds whatever the graph says
- table.py            the rule table: schema rules (scm-*), fact rules (prp-*, cax-*)
- fixpoint.py         the driver: schema rules naively, fact rules semi-naively, in rounds
- chains.py           property chains (prp-spo2), one fact rule each, inverse steps included
- transitive.py       prp-trp by graph search
- equality.py         owl:sameAs by union-find: merge, rewrite, expand back
- support.py          whether the rules cover the graph (else owlrl reasons)
- inconsistencies.py  the OWL 2 RL rules whose head is `false`, as queries
- graphs.py           the named graphs reasoning reads and writes; namespaces; count
"""

from clusterkg.reasoning.rules.closure import Outcome, materialise
from clusterkg.reasoning.rules.graphs import count
from clusterkg.reasoning.rules.support import unsupported_constructs

__all__ = ["Outcome", "count", "materialise", "unsupported_constructs"]
