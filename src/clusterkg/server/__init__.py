"""`clusterkg serve`: the graph over HTTP — a SPARQL 1.1 Protocol endpoint, the stored queries as
an API and as forms, a page for every thing (dereferenceable IRIs) and the ontology documented.

The layout, one module a face:

- tasks      what a request asks of the graph (a picklable Task) and what it gets back (a Reply),
             and `Served`, the graph as a worker holds it (engine, query service, catalogue);
- pool       worker processes over the read-only build-cache store, each request's task run in
             one of them under its deadline; a runaway query costs one worker, killed and replaced;
- site       the server's settings and its runner (the pool, or in-process for `site -o DIR`);
- app        the Starlette application: the routes of every face below, CORS, errors;
- protocol   /sparql — SPARQL 1.1 Protocol, service description, the editor for browsers;
- stored     /queries — the stored queries (Datasette's canned queries are the model);
- pages      /id/… — a page per thing, by content negotiation; /ontology; /;
- negotiation  Accept headers → one of the formats of clusterkg.output.formats;
- html       the templates (Jinja2, every value escaped).

The server is a thin face: binding, resolving names and formatting are the query service's and the
output package's, the same code the command line runs.
"""
