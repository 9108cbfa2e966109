"""Nothing gets out: every way found to slip SERVICE or FROM past the check is refused.

The judge is a real SPARQL endpoint on 127.0.0.1 that counts the requests it gets. Each bypass
attempt is first run straight on pyoxigraph, to prove it is live (Oxigraph does call the
endpoint), then through clusterkg, which must refuse it with the endpoint never called. (Python's
socket guard in conftest.py cannot see pyoxigraph's Rust HTTP client: the endpoint can.)
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox
import pytest

from clusterkg.engine import LocalEngine, Table
from clusterkg.engine.safety import refuse_unsafe
from clusterkg.errors import QueryError

EMPTY_RESULT = b'{"head":{"vars":[]},"results":{"bindings":[{}]}}'


class Endpoint(ThreadingHTTPServer):
    requests: int = 0


class Handler(BaseHTTPRequestHandler):
    server: Endpoint

    def _answer(self) -> None:
        self.server.requests += 1
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(EMPTY_RESULT)))
        self.end_headers()
        self.wfile.write(EMPTY_RESULT)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def endpoint() -> Iterator[Endpoint]:
    server = Endpoint(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def url(server: Endpoint) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/sparql"


# Each uses {url} for the endpoint. The names say where the keyword hides.
BYPASSES = {
    "plain": "SELECT * WHERE { SERVICE <{url}> { } }",
    "after an integer": "SELECT * WHERE { ?s ?p 1SERVICE <{url}> { } }",
    "after a decimal": "SELECT * WHERE { ?s ?p 1.5SERVICE <{url}> { } }",
    "after a double": "SELECT * WHERE { ?s ?p 1e5SERVICE <{url}> { } }",
    "after a string": 'SELECT * WHERE { BIND("x"AS ?y)SERVICE<{url}>{ } }',
    "after an escaped IRI and #": (
        "SELECT * WHERE { BIND(<http://example.org/\\u0041#> AS ?x) SERVICE <{url}> { } }"
    ),
    "after a quote escaped in a string and #": (
        'SELECT * WHERE { BIND("\\u0022 # " AS ?x) SERVICE <{url}> { } }'
    ),
    "after a less-than read as an IRI": ("SELECT * WHERE { FILTER(1<2)SERVICE#>\n<{url}> { } }"),
    "after a comment ended by a carriage return": "SELECT * WHERE { # note\rSERVICE <{url}> { } }",
    "mixed case": "SELECT * WHERE { sErViCe <{url}> { } }",
    "silent": "SELECT * WHERE { SERVICE SILENT <{url}> { } }",
    "comment between keyword and IRI": "SELECT * WHERE { SERVICE # x\n<{url}> { } }",
    "nested groups": "SELECT * WHERE { { { OPTIONAL { SERVICE <{url}> { } } } } }",
    "sub-SELECT": "SELECT * WHERE { { SELECT * WHERE { SERVICE <{url}> { } } } }",
    "endpoint as a prefixed name": "PREFIX e: <{base}> SELECT * WHERE { SERVICE e:sparql { } }",
    "in EXISTS": "SELECT * WHERE { FILTER EXISTS { SERVICE <{url}> { } } }",
    "in a UNION": "SELECT * WHERE { { } UNION { SERVICE <{url}> { } } }",
    "in MINUS": "SELECT * WHERE { BIND(1 AS ?x) MINUS { SERVICE <{url}> { ?x ?y ?z } } }",
    "in ASK": "ASK { SERVICE <{url}> { } }",
    "in CONSTRUCT": "CONSTRUCT { <a:s> <a:p> <a:o> } WHERE { SERVICE <{url}> { } }",
    "endpoint IRI written with escapes": "SELECT * WHERE { SERVICE <{escaped}> { } }",
}


def fill(query: str, server: Endpoint) -> str:
    address = url(server)
    escaped = "".join(f"\\u{ord(c):04X}" if c in "sparql" else c for c in address)
    return (
        query.replace("{url}", address)
        .replace("{base}", address.rsplit("/", 1)[0] + "/")
        .replace("{escaped}", escaped)
    )


@pytest.mark.parametrize("query", list(BYPASSES.values()), ids=list(BYPASSES))
def test_the_attempt_is_live_on_raw_pyoxigraph(query: str, endpoint: Endpoint) -> None:
    before = endpoint.requests
    result = ox.Store().query(fill(query, endpoint))
    if isinstance(result, (ox.QuerySolutions, ox.QueryTriples)):
        list(result)
    assert endpoint.requests > before, "Oxigraph did not call the endpoint: not a real attempt"


@pytest.mark.parametrize("query", list(BYPASSES.values()), ids=list(BYPASSES))
def test_the_attempt_is_refused_and_nothing_is_sent(query: str, endpoint: Endpoint) -> None:
    before = endpoint.requests
    with pytest.raises(QueryError, match=r"not allowed|syntax error"):
        LocalEngine().run(fill(query, endpoint))
    assert endpoint.requests == before


FROM_BYPASSES = {
    "plain": "SELECT * FROM <http://example.org/g> WHERE { }",
    "named": "SELECT * FROM NAMED <http://example.org/g> WHERE { }",
    "after an escaped IRI and #": (
        "SELECT (<http://example.org/\\u0041#> AS ?x) FROM <http://example.org/g> WHERE { }"
    ),
    "lower case after a comment ended by a carriage return": (
        "SELECT * #\rfrom <http://example.org/g> WHERE { }"
    ),
    "in DESCRIBE": "DESCRIBE <http://example.org/x> FROM <http://example.org/g>",
    # Not FROM, but refused the same way: Oxigraph needs the variable bound before it runs.
    "SERVICE with its endpoint in a variable": "SELECT * WHERE { SERVICE ?e { } }",
}


@pytest.mark.parametrize("query", list(FROM_BYPASSES.values()), ids=list(FROM_BYPASSES))
def test_from_is_refused_however_written(query: str) -> None:
    ox.Store().query(query)  # valid SPARQL for Oxigraph: a real attempt
    with pytest.raises(QueryError, match=r"(FROM|SERVICE) is not allowed"):
        refuse_unsafe(query)


HARMLESS = {
    "words in strings, IRIs, variables, prefixed names and comments": (
        "PREFIX service: <http://example.org/load/> "
        'SELECT ?service ?from ?load WHERE { BIND("SERVICE FROM LOAD" AS ?service) '
        "BIND(<http://example.org/FROM> AS ?from) BIND(service:from AS ?load) }  # SERVICE"
    ),
    "escapes in strings and IRIs": (
        'SELECT ?x ?y WHERE { BIND("a\\u0022b" AS ?x) BIND(<http://x/\\u0041> AS ?y) }'
    ),
    "less-than between values": "SELECT * WHERE { BIND(1 AS ?x) FILTER(?x<2 && 3>?x) }",
    "a language tag": 'SELECT * WHERE { BIND("a"@en-GB AS ?x) }',
}


@pytest.mark.parametrize("query", list(HARMLESS.values()), ids=list(HARMLESS))
def test_harmless_queries_run(query: str) -> None:
    result = LocalEngine().run(query)
    assert isinstance(result, Table) and len(result.rows) == 1


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("INSERT DATA { <a:s> <a:p> <a:o> }", "INSERT"),
        ("DELETE WHERE { ?s ?p ?o }", "DELETE"),
        ("PREFIX x: <a:> CLEAR ALL", "CLEAR"),
        ("LOAD <http://example.org/x>", "LOAD"),
    ],
)
def test_updates_are_refused(query: str, word: str) -> None:
    with pytest.raises(QueryError, match=f"{word} is not allowed"):
        refuse_unsafe(query)


def test_text_that_is_no_sparql_is_refused_with_its_place() -> None:
    with pytest.raises(QueryError, match="line 1, column 18: unexpected"):
        refuse_unsafe("SELECT * WHERE { \\u0053ERVICE <http://x/> { } }")


ISOLATED = """
import socket, sys
import pyoxigraph as ox
from clusterkg.engine.safety import isolate_from_network
if not isolate_from_network():
    print("not isolated"); sys.exit(3)
try:
    list(ox.Store().query("SELECT * WHERE { SERVICE <%s> { } }"))
except OSError as error:
    print("refused:", error)
"""


def test_the_command_line_process_has_no_network(endpoint: Endpoint) -> None:
    """The second line: even a SERVICE that got past the check cannot connect."""
    before = endpoint.requests
    done = subprocess.run(
        [sys.executable, "-c", ISOLATED % url(endpoint)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode == 3:
        pytest.skip("this kernel lets no process leave the network (no user namespaces)")
    assert done.returncode == 0, done.stderr
    assert "refused" in done.stdout
    assert endpoint.requests == before
