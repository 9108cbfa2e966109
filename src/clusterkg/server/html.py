"""HTML pages from Jinja2 templates, every value escaped (a label `<script>…` renders as text)."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2

from clusterkg.server.tasks import Reply

HTML = "text/html; charset=utf-8"


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("clusterkg.server", "templates"),
        autoescape=True,  # every template, whatever its name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, **context: Any) -> bytes:
    return environment().get_template(template).render(**context).encode("utf-8")


def page(
    template: str, status: int = 200, headers: dict[str, str] | None = None, **context: Any
) -> Reply:
    """A whole HTML page as a Reply."""
    return Reply(status, HTML, render(template, **context), headers or {})
