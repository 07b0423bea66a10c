"""`kg serve`: a local, read-only SPARQL 1.1 Protocol endpoint over a build's graph store.

Endpoints (stdlib :mod:`http.server`, one thread per connection):

* ``GET /sparql?query=...``, ``POST /sparql`` with ``application/x-www-form-urlencoded``
  (``query=...``) or ``application/sparql-query`` bodies. Results by content negotiation
  (``Accept``): SPARQL JSON (default), XML, CSV, TSV; CONSTRUCT/DESCRIBE as Turtle (default),
  N-Triples, RDF/XML, JSON-LD. Updates are refused (403), syntax errors answer 400.
* ``GET /`` the build's ``graph.html`` (or a small index with a query form), ``GET /health``.

Limits (see :mod:`kg.serve.results`): per-query time (503 after ``timeout``), result rows
(``X-KG-Truncated: true`` past ``max_rows``), concurrent queries (``max_concurrent`` slots; a
query pyoxigraph cannot interrupt keeps its slot until it ends), request body size (413).
"""

from __future__ import annotations

import argparse
import html
import json
import socket
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from kg import __version__
from kg.errors import KgError
from kg.serve.results import QueryFailed, QueryRunner

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_ROWS = 100_000
DEFAULT_MAX_CONCURRENT = 4
DEFAULT_MAX_BODY = 1 << 20  # 1 MiB

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "X-KG-Truncated, X-KG-Max-Rows, X-KG-Rows",
}

_INDEX = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>paper-kg SPARQL endpoint</title></head>
<body style="font-family: sans-serif; max-width: 50em; margin: 2em auto">
<h1>paper-kg SPARQL endpoint</h1>
<p>{note}</p>
<form action="/sparql" method="get">
<textarea name="query" rows="12" cols="90">{query}</textarea><br>
<button type="submit">Run (SPARQL JSON)</button>
</form>
<p>Endpoint: <code>/sparql</code> (SPARQL 1.1 Protocol, GET or POST, read-only) &middot;
<a href="/health">/health</a></p>
</body></html>
"""
_EXAMPLE = ("PREFIX kg: <https://w3id.org/paper-kg/ontology#>\n"
            "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY DESC(?n)")


class SparqlServer(ThreadingHTTPServer):
    """The HTTP server; holds the store, the query runner and the limits."""

    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default listen backlog is 5: under a burst of connections the kernel's
    # accept queue overflows and clients see "connection reset" instead of an answer or a 503.
    request_queue_size = socket.SOMAXCONN

    def __init__(self, address, build_dir: Path, runner: QueryRunner, max_body: int, quiet: bool):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.build_dir = Path(build_dir)
        self.runner = runner
        self.max_body = max_body
        self.quiet = quiet
        super().__init__(address, SparqlHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"


class SparqlHandler(BaseHTTPRequestHandler):
    server: SparqlServer
    server_version = f"paper-kg/{__version__}"

    def version_string(self) -> str:
        return self.server_version

    # -- plumbing ---------------------------------------------------------------------------

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        if not self.server.quiet:
            super().log_message(format, *args)

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None,
              cors: bool = False) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            for k, v in {**(CORS if cors else {}), **(headers or {})}.items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _text(self, status: int, message: str, headers: dict[str, str] | None = None, cors: bool = True) -> None:
        self._send(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8", headers, cors)

    def _path(self) -> tuple[str, str]:
        parts = urllib.parse.urlsplit(self.path)
        return parts.path.rstrip("/") or "/", parts.query

    # -- methods ----------------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        path, qs = self._path()
        if path == "/sparql":
            try:
                params = _parse_params(qs)
            except ValueError as e:
                return self._text(400, f"bad query string: {e}")
            if "update" in params:
                return self._refuse_update()
            if "query" not in params and "text/html" in (self.headers.get("Accept") or ""):
                return self._index()
            return self._query(params)
        if path == "/health":
            body = json.dumps({"status": "ok", "version": __version__}).encode()
            return self._send(200, body, "application/json", cors=True)
        if path in ("/", "/index.html", "/graph.html"):
            page = self.server.build_dir / "graph.html"
            if page.is_file():
                try:
                    return self._send(200, page.read_bytes(), "text/html; charset=utf-8")
                except OSError:
                    pass
            return self._index()
        return self._text(404, f"not found: {path} (the SPARQL endpoint is /sparql)", cors=False)

    do_HEAD = do_GET

    def do_POST(self) -> None:  # noqa: N802
        path, qs = self._path()
        if path != "/sparql":
            return self._text(404 if path not in ("/", "/health") else 405,
                              f"cannot POST to {path} (the SPARQL endpoint is /sparql)", cors=False)
        length = self.headers.get("Content-Length")
        if length is None:
            return self._text(411, "a Content-Length header is required", {"Connection": "close"})
        try:
            length = int(length)
            if length < 0:
                raise ValueError
        except ValueError:
            return self._text(400, "bad Content-Length header", {"Connection": "close"})
        if length > self.server.max_body:
            self.close_connection = True
            if length <= 8 * self.server.max_body:  # read it, so the client sees the answer, not a reset
                left = length
                while left > 0:
                    chunk = self.rfile.read(min(1 << 16, left))
                    if not chunk:
                        break
                    left -= len(chunk)
            return self._text(413, f"request body too large ({length} bytes; the limit is "
                                   f"{self.server.max_body})", {"Connection": "close"})
        body = self.rfile.read(length)
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        try:
            url_params = _parse_params(qs)
            if ctype == "application/sparql-update":
                return self._refuse_update()
            if ctype == "application/x-www-form-urlencoded":
                params = _parse_params(body.decode("utf-8"))
                if "update" in params:
                    return self._refuse_update()
                for k in ("default-graph-uri", "named-graph-uri"):  # tolerated in the URL too
                    params.setdefault(k, url_params.get(k, []))
            elif ctype == "application/sparql-query":
                params = dict(url_params)
                if "query" in params:
                    return self._text(400, "a query both in the URL and in the body")
                params["query"] = [body.decode("utf-8")]
            else:
                return self._text(415, "POST a query as application/x-www-form-urlencoded (query=...) "
                                       "or application/sparql-query")
        except (UnicodeDecodeError, ValueError) as e:
            return self._text(400, f"bad request body: {e}")
        return self._query(params)

    def do_OPTIONS(self) -> None:  # noqa: N802 - CORS preflight
        self._send(204, b"", "text/plain", {
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": "Content-Type, Accept",
            "Access-Control-Max-Age": "86400",
        }, cors=True)

    def do_PUT(self) -> None:  # noqa: N802
        self._text(405, "read-only endpoint", {"Allow": "GET, POST, OPTIONS"})

    do_DELETE = do_PATCH = do_PUT

    # -- answers ----------------------------------------------------------------------------

    def _refuse_update(self) -> None:
        self._text(403, "SPARQL Update is not allowed: this is a read-only query endpoint")

    def _index(self) -> None:
        note = ("No graph.html in this build (build with the html format to get the graph view)."
                if not (self.server.build_dir / "graph.html").is_file() else
                'The graph view is at <a href="/">/</a>.')
        page = _INDEX.format(note=note, query=html.escape(_EXAMPLE))
        self._send(200, page.encode("utf-8"), "text/html; charset=utf-8")

    def _query(self, params: dict[str, list[str]]) -> None:
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            return self._text(400, "give exactly one non-empty 'query' parameter"
                              if queries else "missing 'query' parameter (SPARQL 1.1 Protocol)")
        runner = self.server.runner
        try:
            answer = runner.run(queries[0], self.headers.get("Accept"),
                                params.get("default-graph-uri", []), params.get("named-graph-uri", []))
        except QueryFailed as e:
            return self._text(e.status, e.message, e.headers)
        headers = {"X-KG-Rows": str(answer.rows), "Vary": "Accept"}
        if answer.truncated:
            headers["X-KG-Truncated"] = "true"
            headers["X-KG-Max-Rows"] = str(runner.max_rows)
        self._send(200, answer.body, answer.content_type, headers, cors=True)


def _parse_params(text: str) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(text, keep_blank_values=True, strict_parsing=False,
                                 errors="strict", max_num_fields=1000)


# -- public API ---------------------------------------------------------------------------------

def make_server(build_dir: Path = Path("outputs"), host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                timeout: float = DEFAULT_TIMEOUT, max_rows: int = DEFAULT_MAX_ROWS, *,
                max_concurrent: int = DEFAULT_MAX_CONCURRENT, max_body: int = DEFAULT_MAX_BODY,
                quiet: bool = False) -> SparqlServer:
    """Open the build's graph read-only and bind a server (port 0: any free port; see ``.url``).

    Call ``serve_forever()`` to run it, ``shutdown()`` (from another thread) and
    ``server_close()`` to stop it.

    Raises
    ------
    KgError
        If the build has no graph, or the address cannot be bound.
    """
    from kg.query import open_graph

    if timeout <= 0 or max_rows < 1 or max_concurrent < 1:
        raise KgError("--timeout must be > 0, --max-rows and --max-concurrent >= 1")
    store = open_graph(Path(build_dir))
    runner = QueryRunner(store, timeout=timeout, max_rows=max_rows, max_concurrent=max_concurrent)
    try:
        return SparqlServer((host, port), Path(build_dir), runner, max_body, quiet)
    except OSError as e:
        raise KgError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None


def cmd_serve(args) -> int:
    server = make_server(args.build_dir, args.host, args.port, args.timeout, args.max_rows,
                         max_concurrent=args.max_concurrent, quiet=args.quiet)
    url = server.url
    print(f"kg serve: SPARQL endpoint at {url}sparql, graph view at {url} (Ctrl-C to stop)", flush=True)
    if server.server_address[0] not in ("127.0.0.1", "::1", "localhost"):
        print("kg serve: warning: listening beyond this machine; the endpoint has no authentication",
              file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("kg serve: stopped", file=sys.stderr)
    finally:
        server.server_close()
    return 0


def add_serve_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``kg serve`` on an ``add_subparsers()`` object."""
    p = subparsers.add_parser(
        "serve", help="serve a build as a local read-only SPARQL endpoint",
        description="Serve a build's graph as a read-only SPARQL 1.1 Protocol endpoint at /sparql "
                    "(GET/POST; JSON, XML, CSV, TSV results; Turtle/N-Triples for CONSTRUCT), the "
                    "graph view at / and /health. Ctrl-C stops it.")
    p.add_argument("build_dir", nargs="?", type=Path, default=Path("outputs"), metavar="BUILD_DIR",
                   help="a `kg build` output folder (default: outputs/)")
    p.add_argument("--host", default=DEFAULT_HOST, help=f"address to bind (default: {DEFAULT_HOST}, this machine only)")
    p.add_argument("--port", "-p", type=int, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT}; 0: any free port)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                   help=f"seconds before a query is answered with 503 (default: {DEFAULT_TIMEOUT:g})")
    p.add_argument("--max-rows", type=int, default=DEFAULT_MAX_ROWS,
                   help=f"result rows returned at most; more sets X-KG-Truncated: true (default: {DEFAULT_MAX_ROWS})")
    p.add_argument("--max-concurrent", type=int, default=DEFAULT_MAX_CONCURRENT,
                   help=f"queries evaluated at once (default: {DEFAULT_MAX_CONCURRENT})")
    p.add_argument("--quiet", "-q", action="store_true", help="do not log requests")
    p.set_defaults(func=cmd_serve)
    return p


__all__ = ["add_serve_parser", "cmd_serve", "make_server", "SparqlServer", "QueryRunner"]
