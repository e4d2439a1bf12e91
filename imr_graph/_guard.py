"""The front of ``imr-graph serve``: passes requests to Oxigraph's server, except queries that
would call other endpoints (``SERVICE``), which it refuses unless they are allowed.

Oxigraph's server answers federated queries itself, so whoever reaches it could make this
machine fetch any address and read the reply; the guard stands between them.
"""

from __future__ import annotations

import http.client
import http.server
import urllib.parse
from typing import ClassVar

#: Headers that belong to one connection, not to the request or answer passed on.
_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection", "host"}
_REFUSED = b"imr-graph serve: this query calls another endpoint (SERVICE); start serve with --allow-service\n"


class _Guard(http.server.BaseHTTPRequestHandler):
    upstream: ClassVar[tuple[str, int]] = ("127.0.0.1", 0)
    allow_service: ClassVar[bool] = False
    timeout_s: ClassVar[float] = 60.0
    protocol_version = "HTTP/1.1"

    def _pass(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if not type(self).allow_service and _calls_service(self.path, self.headers.get("Content-Type", ""), body):
            self._answer(403, _REFUSED, "text/plain; charset=utf-8")
            return
        host, port = type(self).upstream
        connection = http.client.HTTPConnection(host, port, timeout=type(self).timeout_s)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
            connection.request(self.command, self.path, body=body or None, headers=headers)
            answer = connection.getresponse()
            self.send_response(answer.status, answer.reason)
            for key, value in answer.getheaders():
                if key.lower() not in _HOP and key.lower() != "content-length":
                    self.send_header(key, value)
            if self.command == "HEAD":
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            while chunk := answer.read1(65536):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            self._answer(502, b"imr-graph serve: the store's server did not answer\n", "text/plain; charset=utf-8")
        finally:
            connection.close()

    def _answer(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_OPTIONS = _pass

    def log_message(self, *args: object) -> None:  # quiet: the server's own page says enough
        pass


def _calls_service(path: str, content_type: str, body: bytes) -> bool:
    from imr_graph.questions import calls_service

    queries = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query).get("query", [])
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        queries += urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("query", [])
    elif kind == "application/sparql-query":
        queries.append(body.decode("utf-8", "replace"))
    return any(calls_service(query) for query in queries)


def guard(
    host: str, port: int, upstream: tuple[str, int], *, allow_service: bool, timeout: float
) -> http.server.ThreadingHTTPServer:
    """A server on ``host:port`` that passes requests to ``upstream`` (call ``serve_forever``)."""
    handler = type("Guard", (_Guard,), {"upstream": upstream, "allow_service": allow_service, "timeout_s": timeout + 5})
    server = http.server.ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server
