"""One HTTP connection to a remote SPARQL server: pooled, timed, authenticated, its failures said.

Every request to a server (queries, Graph Store Protocol) goes through a Connection, so that a
command reuses one pool of keep-alive connections (measured here: 0.37 ms per loopback query on
a shared httpx.Client, 20 ms with a new connection per call), and every failure becomes one
RemoteError naming the server and what happened.

Credentials come from the environment (CLUSTERKG_SPARQL_USER and CLUSTERKG_SPARQL_PASSWORD) or
from a netrc file ($NETRC, else ~/.netrc), never from the command line: a URL with a user or a
password in it is refused, as it would show in process lists, shell history and logs. The
server's challenge decides the scheme (Basic, or Digest as Virtuoso's Graph Store asks).
"""

from __future__ import annotations

import netrc
import os
from collections.abc import Generator, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from clusterkg.errors import ClusterKGError, QueryTimeout, RemoteError
from clusterkg.version import __version__

USER_VARIABLE = "CLUSTERKG_SPARQL_USER"
PASSWORD_VARIABLE = "CLUSTERKG_SPARQL_PASSWORD"
CONNECT_SECONDS = 10.0
# What a server's error body is cut to in a message: its first lines say what went wrong.
SHOWN_CHARACTERS = 400


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str = field(repr=False)


def check_url(url: str) -> str:
    """`url` if it is an http(s) URL without credentials in it; a ClusterKGError otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ClusterKGError(f"{url!r} is not an http:// or https:// URL of a SPARQL server")
    if parts.username is not None or parts.password is not None:
        raise ClusterKGError(
            "a user or password in the server's URL is refused (it would show in process lists "
            f"and logs): set {USER_VARIABLE} and {PASSWORD_VARIABLE}, or use a netrc file"
        )
    return url


def credentials_for(url: str, environ: Mapping[str, str] = os.environ) -> Credentials | None:
    """The user and password for `url`'s host: the environment's, else the netrc file's."""
    user = environ.get(USER_VARIABLE)
    if user:
        return Credentials(user, environ.get(PASSWORD_VARIABLE, ""))
    path = Path(environ.get("NETRC") or Path.home() / ".netrc")
    if not path.is_file():
        return None
    try:
        entry = netrc.netrc(str(path)).authenticators(urlsplit(url).hostname or "")
    except (netrc.NetrcParseError, OSError) as error:
        raise ClusterKGError(f"{path}: cannot read the netrc file: {error}") from None
    if entry is None:
        return None
    login, _, password = entry
    return Credentials(login or "", password or "")


class ChallengedAuth(httpx.Auth):
    """Basic or Digest, whichever the server's 401 challenge asks for; learned once, then sent
    up front (so a large body is sent once, after the first small request)."""

    requires_response_body = True

    def __init__(self, credentials: Credentials) -> None:
        self._basic = httpx.BasicAuth(credentials.user, credentials.password)
        self._digest = httpx.DigestAuth(credentials.user, credentials.password)
        self._scheme: httpx.Auth | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._scheme is not None:
            yield from self._scheme.sync_auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            return
        challenge = response.headers.get("www-authenticate", "").lower()
        self._scheme = self._digest if challenge.startswith("digest") else self._basic
        yield from self._scheme.sync_auth_flow(request)


class Connection:
    """A pooled HTTP client for one server. `timeout`: seconds to wait for an answer (None: as
    long as it takes); a request past it raises QueryTimeout."""

    def __init__(self, url: str, timeout: float | None = None) -> None:
        self.url = check_url(url)
        self.timeout = timeout
        credentials = credentials_for(url)
        self._client = httpx.Client(
            auth=ChallengedAuth(credentials) if credentials else None,
            timeout=httpx.Timeout(timeout, connect=CONNECT_SECONDS),
            headers={"User-Agent": f"clusterkg/{__version__}"},
            follow_redirects=False,
        )

    def request(self, method: str, url: str | None = None, **options: Any) -> httpx.Response:
        """One request (to the endpoint's URL unless `url` is given), its body read; a
        RemoteError for an HTTP error status, a connection that fails, or no answer in time."""
        target = url or self.url
        with self.failures_said(target):
            response = self._client.request(method, target, **options)
        raise_for_status(response, method, target)
        return response

    @contextmanager
    def stream(
        self, method: str, url: str | None = None, **options: Any
    ) -> Iterator[httpx.Response]:
        """A request whose body is read as it comes (large answers), failures as request()'s."""
        target = url or self.url
        with self.failures_said(target), self._client.stream(method, target, **options) as reply:
            if reply.status_code >= 400:
                reply.read()
                raise_for_status(reply, method, target)
            yield reply

    @contextmanager
    def failures_said(self, target: str) -> Iterator[None]:
        """httpx's exceptions as the errors clusterkg reports."""
        try:
            yield
        except httpx.TimeoutException:
            raise QueryTimeout(
                f"{_shown(target)} gave no answer within {self.timeout:g} s "
                "(raise --timeout, or ask the server's administrator about its own limits)"
                if self.timeout
                else f"{_shown(target)} gave no answer in time"
            ) from None
        except httpx.HTTPError as error:
            raise RemoteError(f"cannot reach {_shown(target)}: {_reason(error)}") from None

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def raise_for_status(response: httpx.Response, method: str, target: str) -> None:
    """A RemoteError naming the status and the start of the server's own message."""
    if response.status_code < 400:
        return
    said = " ".join(response.text.split())[:SHOWN_CHARACTERS]
    what = f"{response.status_code} {response.reason_phrase}".strip()
    hint = " (check the user and password)" if response.status_code in (401, 403) else ""
    detail = f": {said}" if said else ""
    error = RemoteError(f"{_shown(target)} answered {method} with {what}{hint}{detail}")
    error.status = response.status_code  # a caller may say more for a status it knows
    raise error


def _shown(url: str) -> str:
    """A URL as messages show it: without its query string (which may carry the query)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _reason(error: httpx.HTTPError) -> str:
    text = str(error) or type(error).__name__
    return text.splitlines()[0]
