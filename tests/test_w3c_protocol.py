"""The W3C SPARQL 1.1 Protocol tests (protocol/manifest.ttl, 34 tests) and Service Description
tests, run over real HTTP against a running server: clusterkg's, and Oxigraph's as a peer.

Each test's requests (ht:Request: method, ht:absolutePath with /sparql/ replaced by the target's
endpoint, headers, a body in its cnt:characterEncoding) are sent in order to a server holding the
test's ut:graphData, and each answer is checked against its ht:Response: the status class
(mf:expectedStatus), the kind of answer (mf:expectedFormat: "boolean" is SPARQL JSON/XML,
"tabular" JSON/XML/CSV/TSV, "RDF" RDF/XML, Turtle, N-Triples or RDFa, as the tests' names say)
and the ASK answer (mf:expectedBoolean). A request is an update if it says so (an update
parameter, application/sparql-update) or, when it says nothing either way, if its test is one of
the update tests (update_*, bad_update_*); an update goes to the target's update endpoint.

A test a target does not pass is listed in DIVERGENCES with its reason and the answers it gives
instead, which are asserted just as precisely: when a divergence goes away, its test fails until
the entry is removed. docs/conformance.md lists them.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node
from sparql_endpoints import (
    PROTOCOL_PREFIX,
    RDF_SYNTAXES,
    SD,
    SUITE,
    TABLE_TYPES,
    Dataset,
    Endpoint,
    Target,
    boolean_of,
    kept_servers_fixture,  # noqa: F401 (a fixture)
    media_type,
    rdf_graph,
    require_suite,
    target_fixture,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.loopback

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
MANIFEST = None if SUITE is None else SUITE / "protocol" / "manifest.ttl"
SD_MANIFEST = None if SUITE is None else SUITE / "service-description" / "manifest.ttl"


# --- the manifest, read -----------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """What an answer must be: its status class(es) (2, 3, 4 …), the kind of answer, the ASK
    answer (None: not checked)."""

    statuses: frozenset[int]
    format: str | None = None
    boolean: bool | None = None


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # as the manifest gives it, starting with /sparql/
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    expected: Expected
    update: bool


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    dataset: Dataset
    requests: tuple[Request, ...]


def _status_class(node: Node) -> int:
    name = str(node).removeprefix(str(HTS))  # StatusCode2xx
    assert name.startswith("StatusCode") and name.endswith("xx"), node
    return int(name.removeprefix("StatusCode")[0])


def _request(graph: Graph, node: Node, test: str) -> Request:
    headers = tuple(
        (str(graph.value(h, HT.fieldName)), str(graph.value(h, HT.fieldValue)))
        for listed in graph.objects(node, HT.headers)
        for h in Collection(graph, listed)
    )
    body_node = graph.value(node, HT.body)
    body = None
    if body_node is not None:
        encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(body_node, CNT.chars)).encode(encoding)
    response = graph.value(node, HT.resp)
    statuses = frozenset(_status_class(s) for s in graph.objects(response, MF.expectedStatus))
    fmt = graph.value(response, MF.expectedFormat)
    boolean = graph.value(response, MF.expectedBoolean)
    expected = Expected(
        statuses,
        None if fmt is None else str(fmt),
        None if boolean is None else bool(boolean.toPython()),
    )
    path = str(graph.value(node, HT.absolutePath))
    return Request(
        str(graph.value(node, HT.methodName)),
        path,
        headers,
        body,
        expected,
        _is_update(path, headers, body, test),
    )


def _is_update(
    path: str, headers: tuple[tuple[str, str], ...], body: bytes | None, test: str
) -> bool:
    """An update if it says so; a query if it says so; else as its test's name has it."""
    content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
    fields = set(parse_qs(urlsplit(path).query, keep_blank_values=True))
    if content_type.startswith("application/x-www-form-urlencoded") and body is not None:
        fields |= set(parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True))
    if "application/sparql-update" in content_type or fields & {
        "update",
        "using-graph-uri",
        "using-named-graph-uri",
    }:
        return True
    if "application/sparql-query" in content_type or "query" in fields:
        return False
    return test.startswith(("update_", "bad_update_"))


def read_manifest() -> list[ProtocolTest]:
    if MANIFEST is None:
        return []
    graph = Graph().parse(MANIFEST, format="turtle", publicID=MANIFEST.as_uri())
    found = []
    for listed in graph.objects(None, MF.entries):
        for node in Collection(graph, listed):
            name = str(node).rpartition("#")[2]
            named = tuple(
                (
                    str(graph.value(data, RDFS.label)),
                    MANIFEST.parent / str(graph.value(data, UT.graph)).rpartition("/")[2],
                )
                for data in graph.objects(node, UT.graphData)
            )
            action = graph.value(node, MF.action)
            requests = tuple(
                _request(graph, r, name)
                for listed_requests in graph.objects(action, HT.requests)
                for r in Collection(graph, listed_requests)
            )
            found.append(ProtocolTest(name, Dataset(tuple(sorted(named))), requests))
    return found


TESTS = read_manifest()


# --- divergences: what a target answers instead, and why ------------------------------------

REFUSED = Expected(frozenset({4}))
STORE_UNCHANGED = Expected(frozenset({2}), "boolean", False)
READ_ONLY = (
    "clusterkg serves a read-only graph built from its data files: every update is refused "
    "with 403, however it is sent; the follow-up ASK then finds the store unchanged (false)"
)


OXIGRAPH_NQUADS = (
    "Oxigraph answers a graph to `Accept: */*` in N-Quads, which is none of the four syntaxes "
    "the test names (RDF/XML, Turtle, N-Triples, RDFa)"
)
NQUADS = Expected(frozenset({2}), "N-Quads")


@dataclass(frozen=True)
class Divergence:
    reason: str
    answers: tuple[Expected, ...]  # one per request, instead of the manifest's


def _read_only(requests: int) -> Divergence:
    return Divergence(READ_ONLY, (REFUSED,) + (STORE_UNCHANGED,) * (requests - 1))


DIVERGENCES: dict[str, dict[str, Divergence]] = {
    "clusterkg": {
        "update_dataset_default_graph": _read_only(2),
        "update_dataset_default_graphs": _read_only(2),
        "update_dataset_named_graphs": _read_only(2),
        "update_dataset_full": _read_only(2),
        "update_post_form": _read_only(1),
        "update_post_direct": _read_only(1),
        "update_base_uri": _read_only(2),
        "query_multiple_dataset": Divergence(
            "FROM in a query's text is refused (400) before it runs, whatever the protocol's "
            "dataset says: clusterkg's queries never name data elsewhere (engine/safety.py, "
            "the same check as the command line); the protocol's default-graph-uri and "
            "named-graph-uri are the way to choose graphs",
            (REFUSED,),
        ),
    },
    # the peer, recorded: what Oxigraph 0.5's server answers where the suite expects otherwise
    "oxigraph": {
        "query_content_type_describe": Divergence(OXIGRAPH_NQUADS, (NQUADS,)),
        "query_content_type_construct": Divergence(OXIGRAPH_NQUADS, (NQUADS,)),
        "bad_update_get": Divergence(
            "Oxigraph answers a GET on its update endpoint with its service description (200), "
            "ignoring the update parameter: it runs nothing, but does not refuse either",
            (Expected(frozenset({2}), "RDF-any"),),
        ),
    },
}


# --- running a test ----------------------------------------------------------------------------


def send(client: httpx.Client, endpoint: Endpoint, request: Request) -> httpx.Response:
    assert request.path.startswith(PROTOCOL_PREFIX), request.path
    rest = request.path.removeprefix(PROTOCOL_PREFIX)
    return client.request(
        request.method,
        endpoint.url(rest, request.update),
        headers=dict(request.headers),
        content=request.body,
    )


def check(response: httpx.Response, expected: Expected) -> None:
    answer = f"{response.status_code} {media_type(response)}: {response.text[:300]!r}"
    assert response.status_code // 100 in expected.statuses, answer
    if expected.format == "boolean":
        assert TABLE_TYPES.get(media_type(response)) in ("json", "xml"), answer
    elif expected.format == "tabular":
        assert media_type(response) in TABLE_TYPES, answer
    elif expected.format == "RDF":
        rdf_graph(response)
    elif expected.format == "RDF-any":
        rdf_graph(response, RDF_SYNTAXES)
    elif expected.format == "N-Quads":
        assert media_type(response) == "application/n-quads", answer
        rdf_graph(response, RDF_SYNTAXES)
    if expected.boolean is not None:
        assert boolean_of(response) is expected.boolean, answer


@pytest.mark.parametrize("test", [pytest.param(t, id=t.name) for t in TESTS] or [None])
def test_w3c_protocol(
    test: ProtocolTest | None, target: Target, record_property: pytest.RecordProperty
) -> None:
    require_suite()
    assert test is not None
    divergence = DIVERGENCES[target.name].get(test.name)
    if divergence is not None:
        record_property("w3c_divergence", divergence.reason)
        assert len(divergence.answers) == len(test.requests)
    with target.serving(test.dataset) as endpoint, httpx.Client(timeout=30) as client:
        for index, request in enumerate(test.requests):
            response = send(client, endpoint, request)
            check(response, divergence.answers[index] if divergence else request.expected)


def test_the_manifest_was_read() -> None:
    """34 tests, each with its requests and expectations (a harness that reads nothing passes)."""
    require_suite()
    assert len(TESTS) == 34
    assert all(t.requests and all(r.expected.statuses for r in t.requests) for t in TESTS)
    assert sum(bool(t.dataset.named) for t in TESTS) == 6
    updates = {t.name for t in TESTS if t.requests[0].update}
    assert updates == {t.name for t in TESTS if "update" in t.name}
    for diverging in DIVERGENCES.values():
        assert set(diverging) <= {t.name for t in TESTS}


def test_every_update_test_that_expects_success_is_a_listed_divergence() -> None:
    """A read-only service: an update test passes only if it expects a 4xx."""
    require_suite()
    succeeding = {
        t.name for t in TESTS if 2 in t.requests[0].expected.statuses and t.requests[0].update
    }
    assert succeeding == {n for n, d in DIVERGENCES["clusterkg"].items() if d.reason == READ_ONLY}


# --- the Service Description tests -----------------------------------------------------------

# The vocabulary (SPARQL 1.1 Service Description, W3C Recommendation 2013, §3): its terms, and
# the domains and ranges the tests' "conforms to schema" is checked against.
SD_CLASSES = {
    "Service", "Feature", "Language", "Function", "Aggregate", "EntailmentRegime",
    "EntailmentProfile", "GraphCollection", "Dataset", "Graph", "NamedGraph",
}  # fmt: skip
SD_INSTANCES = {
    "SPARQL10Query", "SPARQL11Query", "SPARQL11Update", "DereferencesURIs", "UnionDefaultGraph",
    "RequiresDataset", "EmptyGraphs", "BasicFederatedQuery",
}  # fmt: skip
SD_LANGUAGES = {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}
# property: (domain, range class or "IRI" or None)
SD_PROPERTIES: dict[str, tuple[str, str | None]] = {
    "endpoint": ("Service", "IRI"),
    "feature": ("Service", "Feature"),
    "defaultEntailmentRegime": ("Service", "EntailmentRegime"),
    "defaultSupportedEntailmentProfile": ("Service", "EntailmentProfile"),
    "supportedEntailmentProfile": ("Service", "EntailmentProfile"),
    "extensionFunction": ("Service", "Function"),
    "extensionAggregate": ("Service", "Aggregate"),
    "languageExtension": ("Service", "Feature"),
    "supportedLanguage": ("Service", "Language"),
    "propertyFeature": ("Service", None),
    "defaultDataset": ("Service", "Dataset"),
    "availableGraphs": ("Service", "GraphCollection"),
    "resultFormat": ("Service", None),
    "inputFormat": ("Service", None),
    "defaultGraph": ("Dataset", "Graph"),
    "namedGraph": ("GraphCollection", "NamedGraph"),
    "name": ("NamedGraph", "IRI"),
    "graph": ("NamedGraph", "Graph"),
    "entailmentRegime": ("NamedGraph", "EntailmentRegime"),
}
SD_TESTS = ("has-endpoint-triple", "returns-rdf", "conforms-to-schema")


def read_sd_manifest() -> list[str]:
    if SD_MANIFEST is None:
        return []
    graph = Graph().parse(SD_MANIFEST, format="turtle", publicID=SD_MANIFEST.as_uri())
    listed = next(graph.objects(None, MF.entries))
    return [str(n).rpartition("#")[2] for n in Collection(graph, listed)]


def schema_problems(graph: Graph) -> list[str]:
    """What in a service description breaks the SD vocabulary: unknown sd: terms, a property on
    a node of the wrong class, a value of the wrong kind, a language that is none of the three."""
    problems = []
    types: dict[Node, set[str]] = {}
    for node, kind in graph.subject_objects(RDF.type):
        if str(kind).startswith(str(SD)):
            types.setdefault(node, set()).add(str(kind).removeprefix(str(SD)))
    for s, p, o in graph:
        for term in (s, p, o):
            if isinstance(term, URIRef) and str(term).startswith(str(SD)):
                local = str(term).removeprefix(str(SD))
                if local not in SD_CLASSES | SD_INSTANCES | set(SD_PROPERTIES):
                    problems.append(f"sd:{local} is not a term of the vocabulary")
        if not str(p).startswith(str(SD)) or str(p).removeprefix(str(SD)) not in SD_PROPERTIES:
            continue
        domain, value_range = SD_PROPERTIES[str(p).removeprefix(str(SD))]
        if types.get(s) and domain not in types[s]:
            problems.append(f"{p} on a node typed {sorted(types[s])}, not sd:{domain}")
        if value_range == "IRI" and not isinstance(o, URIRef):
            problems.append(f"{p} {o!r}: an IRI is required")
        if value_range not in (None, "IRI") and isinstance(o, Literal):
            problems.append(f"{p} {o!r}: a resource (sd:{value_range}) is required")
        if p == SD.supportedLanguage and o not in SD_LANGUAGES:
            problems.append(f"sd:supportedLanguage {o}: not one of the SPARQL languages")
    services = set(graph.subjects(SD.endpoint, None)) | set(graph.subjects(RDF.type, SD.Service))
    if not services:
        problems.append("no sd:Service")
    for service in services:
        if not set(graph.objects(service, SD.supportedLanguage)):
            problems.append(f"the service {service} names no sd:supportedLanguage")
    return problems


@pytest.mark.parametrize("name", read_sd_manifest() or ["suite-missing"])
def test_w3c_service_description(name: str, target: Target) -> None:
    require_suite()
    assert name in SD_TESTS
    with target.serving(Dataset()) as endpoint, httpx.Client(timeout=30) as client:
        url = endpoint.url("")
        response = client.get(url)
    assert response.status_code == 200, response.text[:300]
    graph = rdf_graph(response, RDF_SYNTAXES)
    if name == "returns-rdf":
        assert len(graph) > 0
    elif name == "has-endpoint-triple":
        assert (None, SD.endpoint, URIRef(url)) in graph, sorted(graph.objects(None, SD.endpoint))
    else:
        assert schema_problems(graph) == []


def test_the_schema_check_can_fail() -> None:
    """The "conforms to schema" check finds each kind of problem it looks for."""
    bad = Graph().parse(
        data="""
        @prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
        <urn:s> a sd:Service ; sd:endpoint "http://x/" ; sd:supportedLanguage sd:SPARQL12Query ;
            sd:defaultGraph <urn:g> ; sd:feature sd:Teleportation .""",
        format="turtle",
    )
    found = " | ".join(schema_problems(bad))
    for problem in (
        "an IRI is required",
        "not one of the SPARQL",
        "not sd:Dataset",
        "sd:Teleportation",
    ):
        assert problem in found


def _response(status: int, media: str, body: bytes) -> httpx.Response:
    return httpx.Response(status, headers={"content-type": media}, content=body)


def test_the_checks_can_fail() -> None:
    """Each part of an expected response is checked: the status class, the kind of answer, the
    ASK answer."""
    true = b'{"head":{},"boolean":true}'
    expected = Expected(frozenset({2, 3}), "boolean", True)
    check(_response(200, "application/sparql-results+json", true), expected)
    wrong = (
        _response(400, "application/sparql-results+json", true),  # the status
        _response(200, "text/csv", b"value\n1\n"),  # a table, not a boolean
        _response(200, "application/sparql-results+json", true.replace(b"true", b"false")),
    )
    for response in wrong:
        with pytest.raises(AssertionError):
            check(response, expected)
    turtle = _response(200, "text/turtle", b"<urn:s> <urn:p> 1 .")
    check(turtle, Expected(frozenset({2}), "RDF"))
    with pytest.raises(AssertionError):  # N-Quads is none of the four syntaxes the tests name
        check(_response(200, "application/n-quads", b""), Expected(frozenset({2}), "RDF"))
    with pytest.raises(AssertionError):
        check(turtle, Expected(frozenset({2}), "tabular"))
