"""Queries: the stored questions and how a question with parameters becomes an answer.

catalogue.py  the stored queries (one .rq file each, a `#+` header) and their parameters
resolve.py    what users type (a name, an acronym, an IRI, a CURIE) → an RDF term, by queries
values.py     years, dates, countries → typed literals and EU country IRIs, after a check
service.py    name + parameters → answer, through the engine port, under limits
"""
