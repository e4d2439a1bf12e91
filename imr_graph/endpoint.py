"""The SPARQL protocol client: remote endpoints, and the one HTTP retry loop every request uses."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from imr_graph.answers import Result, Value, python, shape
from imr_graph.errors import QueryError
from imr_graph.named import NamedQuery, Term


@dataclass(frozen=True)
class Endpoint:
    """A SPARQL 1.1 endpoint reached over HTTP (the SPARQL protocol, results as JSON)."""

    url: str
    timeout: float = 60.0
    retries: int = 3

    def select(self, text: str, bound: Mapping[str, Term], *, question: NamedQuery | None = None) -> Result:
        """Run a SELECT; bound variables travel as a ``VALUES`` block of escaped RDF terms."""
        body = urllib.parse.urlencode({"query": with_values(text, bound)}).encode()
        request = urllib.request.Request(
            self.url,
            data=body,
            headers={
                "Accept": "application/sparql-results+json",
                "Content-Type": "application/x-www-form-urlencoded",
                "User-Agent": "imr-graph",
            },
        )
        payload = self._send(request)
        try:
            data = json.loads(payload)
            if "boolean" in data:  # an ASK query's answer
                return shape(question, ["answer"], [{"answer": bool(data["boolean"])}], bound)
            variables = list(data["head"]["vars"])
            found = [{v: _python_json(row.get(v)) for v in variables} for row in data["results"]["bindings"]]
        except (ValueError, KeyError, TypeError) as err:
            raise QueryError(f"{self.url}: the answer is not SPARQL JSON results ({err})") from None
        return shape(question, variables, found, bound)

    def _send(self, request: urllib.request.Request) -> bytes:
        return send(request, self.timeout, self.retries, answered=self.url, service=f"{self.url}: ", what="endpoint")


def send(
    request: urllib.request.Request,
    timeout: float,
    retries: int,
    *,
    answered: str,
    service: str,
    what: str,
    missing_ok: bool = False,
) -> bytes:
    """Send an HTTP request with bounded retries (server errors and no answer are retried).

    Raises :class:`QueryError`: "``answered`` answered CODE REASON: detail" for an HTTP error,
    "``service``no answer after N tries (…); is the ``what`` up?" when nothing answers. A 404
    with ``missing_ok`` is a success with no body.
    """
    for attempt in range(1, retries + 1):
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return _read_by(response, time.monotonic() + timeout)
        except urllib.error.HTTPError as err:
            if missing_ok and err.code == 404:
                return b""
            detail = err.read(2000).decode("utf-8", "replace").strip()
            if err.code < 500 or attempt == retries:
                raise QueryError(f"{answered} answered {err.code} {err.reason}: {detail[:500]}") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as err:
            if attempt == retries:
                reason = getattr(err, "reason", err)
                raise QueryError(f"{service}no answer after {retries} tries ({reason}); is the {what} up?") from None
        time.sleep(0.5 * 2 ** (attempt - 1))
    raise AssertionError("unreachable")


def _read_by(response: Any, deadline: float) -> bytes:
    """The response body, or ``TimeoutError`` once ``deadline`` passes: a server that sends a
    byte now and then would otherwise keep every per-read timeout from firing."""
    chunks: list[bytes] = []
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError("the answer took longer than the timeout")
        chunk = response.read1(65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _python_json(binding: Mapping[str, str] | None) -> Value:
    if binding is None:
        return None
    if binding.get("type") == "literal" and "datatype" in binding:
        return python(ox.Literal(binding["value"], datatype=ox.NamedNode(binding["datatype"])))
    return binding.get("value")


_WHERE = re.compile(r"\bWHERE\s*\{", re.I)


def with_values(text: str, bound: Mapping[str, Term]) -> str:
    """The query with a ``VALUES`` block opening its WHERE clause: how bindings reach a remote
    endpoint. Terms are written by pyoxigraph, which escapes them; IRIs are checked."""
    if not bound:
        return text
    names = " ".join(f"?{k}" for k in bound)
    values = " ".join(str(v) for v in bound.values())
    return _opening_where(text, f"VALUES ({names}) {{ ({values}) }}")


def with_values_of(text: str, name: str, terms: Sequence[Term]) -> str:
    """The query with ``VALUES ?name { … }`` opening its WHERE clause: one variable taking each
    of ``terms`` in turn (written by pyoxigraph, as in :func:`with_values`)."""
    return _opening_where(text, f"VALUES ?{name} {{ {' '.join(str(t) for t in terms)} }}")


def _opening_where(text: str, block: str) -> str:
    match = _WHERE.search(_strip_comments(text))
    if match is None:
        raise QueryError("cannot bind parameters: the query has no WHERE clause")
    return f"{text[: match.end()]}\n  {block}{text[match.end() :]}"


def _strip_comments(text: str) -> str:
    """The text with comment lines blanked (same length, so offsets still match)."""
    return re.sub(r"(?m)^\s*#.*$", lambda m: " " * len(m.group()), text)
