"""The listening socket, bound before anything is served: a port in use is one clear error, and
`--port 0` takes a free port and says which (tests and scripts read it from the first line)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket

from starlette.applications import Starlette

from clusterkg.errors import ClusterKGError


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on host:port (IPv6 if the host is an IPv6 address)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=2048)
    except OSError as error:
        reason = os.strerror(error.errno) if error.errno else str(error)
        raise ClusterKGError(f"cannot listen on {host}:{port}: {reason}") from None


def bound_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve_forever(app: Starlette, sock: socket.socket) -> None:
    """Serve `app` on the bound socket until stopped by Ctrl-C or SIGTERM, then return, so the
    caller cleans up (workers, a private cache). uvicorn shuts down gracefully on either signal
    and then raises it again for the handler that was there before: ours, which ends the
    serving quietly — stopping a server is not a fault."""
    import uvicorn

    config = uvicorn.Config(
        app, log_level="warning", server_header=False, timeout_graceful_shutdown=5
    )
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        with contextlib.suppress(KeyboardInterrupt, _Stopped):
            uvicorn.Server(config).run(sockets=[sock])
    finally:
        signal.signal(signal.SIGTERM, previous)


class _Stopped(Exception):
    """SIGTERM, once the server has shut down."""


def _stop(signum: int, frame: object) -> None:
    raise _Stopped
