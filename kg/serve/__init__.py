"""`kg serve`: a local, read-only SPARQL 1.1 Protocol endpoint over a build's graph store.

Endpoints (stdlib :mod:`http.server`, one thread per connection):

* ``GET /sparql?query=...``, ``POST /sparql`` with ``application/x-www-form-urlencoded``
  (``query=...``) or ``application/sparql-query`` bodies. Results by content negotiation
  (``Accept``): SPARQL JSON (default), XML, CSV, TSV; CONSTRUCT/DESCRIBE as Turtle (default),
  N-Triples, RDF/XML, JSON-LD. Updates are refused (403), syntax errors answer 400.
* ``GET /`` the build's ``graph.html`` (or a small index with a query form), ``GET /leaderboards``
  its ``leaderboards.html`` (results per dataset and metric), ``GET /health``.
* ``GET /id/entity/{key}``, ``GET /id/paper/{id}``: the resources the graph's IRIs
  (``https://w3id.org/paper-kg/id/...``) name, by content negotiation (:mod:`kg.serve.conneg`):
  an HTML page (what `kg show` shows, :mod:`kg.lookup.page`), Turtle, JSON-LD, N-Triples, or the
  record as JSON; 406 for any other ``Accept``, 404 for what the graph does not hold. Looked up
  in the query workers, like a query.

Limits (see :mod:`kg.serve.results`): queries run in ``max_concurrent`` worker processes, so a
query that crashes the engine costs only itself a 500; per-request time (503 after ``timeout``,
the worker killed), per-query memory (``max_memory_mb``), result rows (``X-KG-Truncated: true``
past ``max_rows``), request body size (413). Federated queries (``SERVICE``) are refused (400)
unless ``allow_service``; the workers cannot open network sockets otherwise.

Browsers: CORS headers only for the ``cors_origins`` given; a request whose ``Host`` is not this
server's address (DNS rebinding) gets 403. Connections: at most ``max_connections`` open (more
get 503); one idle, or not reading its answer, for ``idle_timeout`` seconds is closed.
"""

from __future__ import annotations

import argparse
import html
import ipaddress
import json
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from kg import __version__
from kg.config import QUERY_MAX_MEMORY_MB
from kg.errors import KgError
from kg.query import add_limit_options
from kg.serve.conneg import choose
from kg.serve.results import QueryFailed, QueryRunner, Reply

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_ROWS = 100_000
DEFAULT_MAX_CONCURRENT = 4
DEFAULT_MAX_BODY = 1 << 20  # 1 MiB
DEFAULT_IDLE_TIMEOUT = 10.0
DEFAULT_MAX_CONNECTIONS = 64
WRITE_PIECE = 1 << 16  # each socket write must finish within the idle timeout

EXPOSED = "X-KG-Truncated, X-KG-Max-Rows, X-KG-Rows"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
WILDCARD_HOSTS = ("", "0.0.0.0", "::")

#: What /id/... can be sent as (media type -> the lookup's format), in the server's order of preference.
RESOURCE_TYPES = {"text/html": "html", "text/turtle": "turtle", "application/ld+json": "jsonld",
                  "application/n-triples": "ntriples", "application/json": "record"}

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
    """The HTTP server; holds the query runner and the limits."""

    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default listen backlog is 5: under a burst of connections the kernel's
    # accept queue overflows and clients see "connection reset" instead of an answer or a 503.
    request_queue_size = socket.SOMAXCONN

    def __init__(self, address, build_dir: Path, runner: QueryRunner, max_body: int, quiet: bool,
                 cors_origins: tuple[str, ...] = (), idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
                 max_connections: int = DEFAULT_MAX_CONNECTIONS):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.build_dir = Path(build_dir)
        self.runner = runner
        self.max_body = max_body
        self.quiet = quiet
        self.cors_origins = frozenset(cors_origins)
        self.idle_timeout = idle_timeout
        self._connections = threading.BoundedSemaphore(max_connections)
        super().__init__(address, SparqlHandler)
        self.host_names = host_names(address[0])

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"

    def host_allowed(self, host: str) -> bool:
        """Whether a request's ``Host`` header names this server (see :func:`host_matches`)."""
        return host_matches(host, self.host_names, self.server_address[1], self.server_address[0] in WILDCARD_HOSTS)

    def process_request(self, request, client_address):
        """One thread per connection, at most ``max_connections`` of them; more get 503 at once."""
        if not self._connections.acquire(blocking=False):
            body = b"server busy: too many open connections; try again later\n"
            try:
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                b"Retry-After: 5\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s"
                                % (len(body), body))
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._connections.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._connections.release()

    def server_close(self) -> None:
        super().server_close()
        self.runner.close()


class SparqlHandler(BaseHTTPRequestHandler):
    server: SparqlServer
    server_version = f"paper-kg/{__version__}"

    def version_string(self) -> str:
        return self.server_version

    # -- plumbing ---------------------------------------------------------------------------

    def setup(self) -> None:
        self.timeout = self.server.idle_timeout  # every read and write on the socket
        super().setup()

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        if not self.server.quiet:
            super().log_message(format, *args)

    def parse_request(self) -> bool:
        """http.server's parsing, then the DNS-rebinding check on the ``Host`` header."""
        if not super().parse_request():
            return False
        host = self.headers.get("Host")
        if host is not None and not self.server.host_allowed(host):
            self.close_connection = True
            names = ", ".join(f"{n}:{self.server.server_address[1]}" for n in sorted(self.server.host_names))
            self._text(403, f"refused: the Host header {_printable(host)!r} does not name this server ({names}); "
                            f"a web page may be trying to reach it through its own domain name (DNS rebinding)",
                       cors=False)
            return False
        return True

    def _cors(self) -> dict[str, str]:
        """CORS headers for the request's Origin: only for an origin given with --cors."""
        if not self.server.cors_origins:
            return {}
        out = {"Vary": "Origin"}
        origin = self.headers.get("Origin")
        try:
            allowed = origin is not None and normalize_origin(origin) in self.server.cors_origins
        except ValueError:
            allowed = False
        if allowed:
            out.update({"Access-Control-Allow-Origin": origin, "Access-Control-Expose-Headers": EXPOSED})
        return out

    def _send(self, status: int, body: bytes | Reply, content_type: str, headers: dict[str, str] | None = None,
              cors: bool = False) -> None:
        """Send an answer: bytes, or a query's :class:`Reply` streamed from its worker until its deadline."""
        extra = dict(headers or {})
        for k, v in (self._cors() if cors else {}).items():
            extra[k] = f"{extra[k]}, {v}" if k in extra else v
        reply = body if isinstance(body, Reply) else None
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(reply.length if reply else len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            for k, v in extra.items():
                self.send_header(k, v)
            self.end_headers()
            if self.command == "HEAD":
                return
            for chunk in (reply.chunks() if reply else (body,)):
                self._write(chunk, reply.deadline if reply else None)
        except OSError as e:  # the client went away or stopped reading; or the deadline passed
            self.close_connection = True
            self.log_message("answer not delivered: %s", e or type(e).__name__)

    def _write(self, data: bytes, deadline: float | None) -> None:
        """Write ``data``; each piece within the idle timeout, and everything by ``deadline``."""
        view = memoryview(data)
        try:
            for i in range(0, len(view), WRITE_PIECE):
                timeout = self.server.idle_timeout
                if deadline is not None:
                    timeout = min(timeout, deadline - time.monotonic())
                    if timeout <= 0:
                        raise TimeoutError("the client did not read the answer within --timeout")
                self.connection.settimeout(timeout)
                self.wfile.write(view[i:i + WRITE_PIECE])
        finally:
            self.connection.settimeout(self.server.idle_timeout)

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
        if path.startswith("/id/"):
            return self._resource(path)
        if path in ("/", "/index.html", "/graph.html"):
            return self._build_page("graph.html") or self._index()
        if path in ("/leaderboards", "/leaderboards.html"):
            return self._build_page("leaderboards.html") or self._text(
                404, "this build has no leaderboards.html (kg build writes it with the html export)", cors=False)
        return self._text(404, f"not found: {_printable(path)} (the SPARQL endpoint is /sparql; entities and "
                               f"papers are at /id/entity/KEY and /id/paper/ID; leaderboards at /leaderboards)",
                          cors=False)

    def _build_page(self, name: str) -> bool:
        """Send the build's page ``name`` (a static, offline HTML file); False when it has none."""
        page = self.server.build_dir / name
        try:
            body = page.read_bytes() if page.is_file() else None
        except OSError:
            body = None
        if body is None:
            return False
        self._send(200, body, "text/html; charset=utf-8")
        return True

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
        headers = {"Allow": "GET, POST, OPTIONS"}
        if "Access-Control-Allow-Origin" in self._cors():
            headers.update({"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                            "Access-Control-Allow-Headers": "Content-Type, Accept",
                            "Access-Control-Max-Age": "86400"})
        self._send(204, b"", "text/plain", headers, cors=True)

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

    def _resource(self, path: str) -> None:
        """``/id/entity/{key}`` or ``/id/paper/{id}``, as the ``Accept`` header prefers."""
        from kg.lookup import entity_or_paper_iri

        parts = path.split("/")
        iri = entity_or_paper_iri(parts[2], urllib.parse.unquote(parts[3])) if len(parts) == 4 else None
        if iri is None:
            return self._text(404, f"not found: {_printable(path)} (resources are /id/entity/KEY and /id/paper/ID)",
                              {"Vary": "Accept"})
        offer = choose(self.headers.get("Accept"), list(RESOURCE_TYPES))
        if offer is None:
            return self._text(406, "not acceptable: this resource is available as " + ", ".join(RESOURCE_TYPES),
                              {"Vary": "Accept"})
        fmt = RESOURCE_TYPES[offer]
        try:
            reply = self.server.runner.lookup(iri, "record" if fmt == "html" else fmt)
        except QueryFailed as e:
            return self._text(e.status, e.message, dict(e.headers, Vary="Accept"))
        headers = {"Vary": "Accept"}
        with reply:
            if fmt != "html":
                if reply.truncated:
                    headers["X-KG-Truncated"] = "true"
                    headers["X-KG-Max-Rows"] = str(self.server.runner.max_rows)
                return self._send(200, reply, reply.content_type, headers, cors=True)
            from kg.lookup.page import CSP, record_page

            try:
                record = json.loads(b"".join(reply.chunks()))
            except OSError as e:
                return self._text(503, f"lookup not completed: {e}")
        page = record_page(record).encode("utf-8")
        headers["Content-Security-Policy"] = CSP
        self._send(200, page, "text/html; charset=utf-8", headers, cors=True)

    def _query(self, params: dict[str, list[str]]) -> None:
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            return self._text(400, "give exactly one non-empty 'query' parameter"
                              if queries else "missing 'query' parameter (SPARQL 1.1 Protocol)")
        runner = self.server.runner
        try:
            reply = runner.run(queries[0], self.headers.get("Accept"),
                               params.get("default-graph-uri", []), params.get("named-graph-uri", []))
        except QueryFailed as e:
            return self._text(e.status, e.message, e.headers)
        headers = {"X-KG-Rows": str(reply.rows), "Vary": "Accept"}
        if reply.truncated:
            headers["X-KG-Truncated"] = "true"
            headers["X-KG-Max-Rows"] = str(runner.max_rows)
        with reply:
            self._send(200, reply, reply.content_type, headers, cors=True)


def host_names(bound: str) -> frozenset[str]:
    """The names a ``Host`` header may give for a server bound to ``bound``: the loopback names,
    the bound address (``[...]`` for IPv6) and, bound to every address, this machine's name."""
    bound = bound.lower()
    names = set(LOOPBACK_NAMES) | {f"[{bound}]" if ":" in bound else bound}
    if bound in WILDCARD_HOSTS:
        names.add(socket.gethostname().lower())
    return frozenset(names - {"", "[::]", "0.0.0.0"})


def host_matches(host: str, names: frozenset[str], port: int, any_address: bool = False) -> bool:
    """Whether ``host`` (a ``Host`` header) is one of ``names`` with ``port`` or, if the server is
    bound to every address (``any_address``), any IP address with ``port``. A DNS-rebinding page
    sends its own domain name, which is none of these."""
    host = host.strip().lower()
    name, sep, given = host.rpartition(":")
    if not sep or not name or name.startswith("[") and not name.endswith("]"):
        name, given = host, "80"  # no port given: the default one
    if given != str(port):
        return False
    if name in names:
        return True
    if any_address:
        try:
            ipaddress.ip_address(name[1:-1] if name.startswith("[") else name)
            return True
        except ValueError:
            return False
    return False


def _printable(text: str, limit: int = 100) -> str:
    """``text`` cut to ``limit`` characters, with control characters escaped (for messages)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[:limit])


def normalize_origin(value: str) -> str:
    """``scheme://host[:port]`` in lower case, without a default port (how browsers send ``Origin``).

    Raises
    ------
    ValueError
        If ``value`` is not an http(s) origin (``*`` is not one: name each origin).
    """
    parts = urllib.parse.urlsplit(value.strip().rstrip("/"))
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or parts.path or parts.query \
            or parts.fragment or parts.username or parts.password:
        raise ValueError(f"not an origin (scheme://host[:port], e.g. http://localhost:3000): {value!r}")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    default = {"http": 80, "https": 443}[parts.scheme.lower()]
    port = f":{parts.port}" if parts.port not in (None, default) else ""
    return f"{parts.scheme.lower()}://{host.lower()}{port}"


def _parse_params(text: str) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(text, keep_blank_values=True, strict_parsing=False,
                                 errors="strict", max_num_fields=1000)


# -- public API ---------------------------------------------------------------------------------

def make_server(build_dir: Path = Path("outputs"), host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                timeout: float = DEFAULT_TIMEOUT, max_rows: int = DEFAULT_MAX_ROWS, *,
                max_concurrent: int = DEFAULT_MAX_CONCURRENT, max_body: int = DEFAULT_MAX_BODY,
                max_memory_mb: int = QUERY_MAX_MEMORY_MB, allow_service: bool = False,
                cors_origins: tuple[str, ...] = (), idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
                max_connections: int = DEFAULT_MAX_CONNECTIONS, quiet: bool = False) -> SparqlServer:
    """Start the query workers on the build's graph and bind a server (port 0: any free port; see ``.url``).

    Call ``serve_forever()`` to run it, ``shutdown()`` (from another thread) and
    ``server_close()`` to stop it (which stops the workers too).

    Raises
    ------
    KgError
        If an option is out of range, the build has no graph, or the address cannot be bound.
    """
    if timeout <= 0 or idle_timeout <= 0 or max_rows < 1 or max_concurrent < 1 or max_connections < 1 \
            or max_memory_mb < 0:
        raise KgError("--timeout and --idle-timeout must be > 0, --max-rows, --max-concurrent and "
                      "--max-connections >= 1, --max-memory >= 0")
    try:
        origins = tuple(normalize_origin(o) for o in cors_origins)
    except ValueError as e:
        raise KgError(f"--cors: {e}") from None
    runner = QueryRunner(Path(build_dir), timeout=timeout, max_rows=max_rows, max_concurrent=max_concurrent,
                         max_memory_mb=max_memory_mb, allow_service=allow_service)
    try:
        return SparqlServer((host, port), Path(build_dir), runner, max_body, quiet, origins, idle_timeout,
                            max_connections)
    except OSError as e:
        runner.close()
        raise KgError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None


def cmd_serve(args) -> int:
    server = make_server(args.build_dir, args.host, args.port, args.timeout, args.max_rows,
                         max_concurrent=args.max_concurrent, max_memory_mb=args.max_memory,
                         allow_service=args.allow_service, cors_origins=tuple(args.cors),
                         idle_timeout=args.idle_timeout, max_connections=args.max_connections, quiet=args.quiet)
    url = server.url
    print(f"kg serve: SPARQL endpoint at {url}sparql, graph view at {url}, entities at {url}id/entity/KEY "
          f"(Ctrl-C to stop)", flush=True)
    if server.server_address[0] not in ("127.0.0.1", "::1", "localhost"):
        print("kg serve: warning: listening beyond this machine; the endpoint has no authentication",
              file=sys.stderr)
    if args.allow_service:
        print("kg serve: warning: --allow-service: queries can make this machine fetch any URL", file=sys.stderr)
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
                    "graph view at / and /health, and the graph's IRIs: /id/entity/KEY and /id/paper/ID as an HTML "
                    "page, Turtle, JSON-LD, N-Triples or JSON by Accept. Each query runs in a worker process. "
                    "Ctrl-C stops it.")
    p.add_argument("build_dir", nargs="?", type=Path, default=Path("outputs"), metavar="BUILD_DIR",
                   help="a `kg build` output folder (default: outputs/)")
    p.add_argument("--host", default=DEFAULT_HOST, help=f"address to bind (default: {DEFAULT_HOST}, this machine only)")
    p.add_argument("--port", "-p", type=int, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT}; 0: any free port)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                   help=f"seconds a request may take, answer included; a query still running then is "
                        f"stopped and answered with 503 (default: {DEFAULT_TIMEOUT:g})")
    p.add_argument("--max-rows", type=int, default=DEFAULT_MAX_ROWS,
                   help=f"result rows returned at most; more sets X-KG-Truncated: true (default: {DEFAULT_MAX_ROWS})")
    p.add_argument("--max-concurrent", type=int, default=DEFAULT_MAX_CONCURRENT,
                   help=f"queries evaluated at once, each in its own worker process (default: {DEFAULT_MAX_CONCURRENT})")
    add_limit_options(p)
    p.add_argument("--cors", action="append", default=[], metavar="ORIGIN",
                   help="let web pages from ORIGIN (e.g. http://localhost:3000) query the endpoint from a "
                        "browser; repeat for more (default: none)")
    p.add_argument("--idle-timeout", type=float, default=DEFAULT_IDLE_TIMEOUT,
                   help=f"seconds a connection may stay idle, or a client not read its answer, before it is "
                        f"closed (default: {DEFAULT_IDLE_TIMEOUT:g})")
    p.add_argument("--max-connections", type=int, default=DEFAULT_MAX_CONNECTIONS,
                   help=f"connections open at once; more get 503 (default: {DEFAULT_MAX_CONNECTIONS})")
    p.add_argument("--quiet", "-q", action="store_true", help="do not log requests")
    p.set_defaults(func=cmd_serve)
    return p


__all__ = ["add_serve_parser", "cmd_serve", "make_server", "normalize_origin",
           "SparqlServer", "QueryRunner"]
