"""kg's front proxy before Oxigraph: the standard library's ``ThreadingHTTPServer`` that every
client of ``kg serve`` reaches (Oxigraph itself listens on a private loopback address). It

- answers only requests whose ``Host`` header is ``localhost``, an IP address or the ``--host``
  name (:func:`host_allowed`: a browser page from another site that renamed itself to 127.0.0.1 —
  DNS rebinding — is refused);
- serves kg's own pages (:mod:`kg.serve.pages`) and forwards the rest to Oxigraph;
- refuses federated queries (``SERVICE``; ``SERVICE`` or ``LOAD`` in updates), which would make the
  server fetch any URL and echo what it got;
- answers 503 when Oxigraph has not answered :data:`GRACE` seconds past the query timeout, and has
  the :class:`~kg.serve.server.Server` restart it;
- never lets an answer cut short look complete: a streamed answer is passed on in HTTP/1.1 chunks,
  and when Oxigraph ends it with an error instead of its end (:data:`STREAM_ERRORS`: a query
  cancelled at the timeout after its first rows were sent), or the upstream connection breaks, the
  proxy closes the connection without the last, empty chunk, so that the client's HTTP library
  reports an incomplete transfer (see :meth:`_ProxyHandler._relay`);
- passes the client's (checked) ``Host`` on, so that what Oxigraph builds from the request's URL —
  the service description's ``sd:endpoint``, the base IRI of a query — names this server, not
  Oxigraph's private address.

Imports only the standard library, :mod:`kg.store.sparql` (the SERVICE check) and, for typing,
:mod:`kg.serve.server`.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import threading
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import IO, TYPE_CHECKING

from kg.store.sparql import federated

if TYPE_CHECKING:
    from kg.serve.server import Server

__all__ = ["Proxy", "host_allowed", "MAX_QUERY_BYTES", "GRACE", "STREAM_ERRORS"]

#: largest request body the proxy reads to check it (queries and updates)
MAX_QUERY_BYTES = 16 * 1024 * 1024
#: seconds past the query timeout after which the proxy restarts an Oxigraph that has not stopped
GRACE = 10.0
#: how Oxigraph (0.5) ends an answer it had begun to stream when evaluating it fails: it writes the
#: error's message as the last bytes of the body and ends the body as if it were complete (its HTTP
#: framing says nothing). An answer that ends complete never ends with one of these: each format
#: ends with its own closing characters (``}``, ``>``, a line break).
STREAM_ERRORS = (b"The SPARQL operation has been cancelled",)
_HELD = max(len(m) for m in STREAM_ERRORS)  # the last bytes of a streamed answer, held back to see how it ends


def host_allowed(header: str | None, names: set[str] = frozenset()) -> bool:
    """Whether a request's ``Host`` header names this server: ``localhost``, an IP address (an
    address cannot be a rebound DNS name) or one of ``names`` (the ``--host`` given), any port.

    >>> host_allowed("127.0.0.1:7878"), host_allowed("localhost"), host_allowed("[::1]:80")
    (True, True, True)
    >>> host_allowed("evil.example:7878"), host_allowed(None), host_allowed("kg.lan", {"kg.lan"})
    (False, False, True)
    """
    if not header:
        return False
    value = header.strip().lower()
    if value.startswith("["):
        name = value[1:value.find("]")] if "]" in value else value
    else:
        name = value.rsplit(":", 1)[0] if value.count(":") == 1 else value
    name = name.rstrip(".")
    if name == "localhost" or name in names:
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


# not passed on either way; Host is (checked first): Oxigraph builds its URLs from it
_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
        "transfer-encoding", "upgrade", "server", "date", "content-length"}
_CHECKED_TYPES = {"application/x-www-form-urlencoded", "application/sparql-query", "application/sparql-update"}


class _Limited:
    """The next ``n`` bytes of a stream, as a file http.client can send."""

    def __init__(self, stream, n: int):
        self.stream, self.left = stream, n

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        size = self.left if size < 0 else min(size, self.left)
        data = self.stream.read(size)
        self.left -= len(data)
        return data


class _ProxyHandler(BaseHTTPRequestHandler):
    """One request per connection (``Connection: close``). HTTP/1.1, so that a streamed answer can
    be sent in chunks, whose missing last chunk tells the client the answer was cut short (a body
    that ends when the connection closes cannot say so: HTTP/1.0 clients get that, and cannot tell).

    ``HEAD`` is answered as ``GET`` is, without the body (RFC 9110 §9.3.2: a general-purpose
    server must support both; Oxigraph answers 404 to ``HEAD /query`` but 200 to the same ``GET``):
    the proxy asks Oxigraph with ``GET``, passes its status and headers on, and closes the upstream
    connection without reading the body. Answering 405 would tell clients and link checkers that
    an address that works does not.
    """

    protocol_version = "HTTP/1.1"
    server_version = "kg-serve"
    server: Proxy

    def handle(self) -> None:
        self.close_connection = True
        self.handle_one_request()

    def send_response(self, code: int, message: str | None = None) -> None:
        super().send_response(code, message)
        self.send_header("Connection", "close")

    def send_header(self, keyword: str, value: str) -> None:
        if keyword.lower() == "connection":  # once (send_error adds its own)
            if getattr(self, "_said_close", False):
                return
            self._said_close = True
        super().send_header(keyword, value)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._handle()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = do_PATCH = do_GET  # noqa: N815

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - http.server's signature
        self.server.note(f"{self.address_string()} {format % args}")

    def _refuse(self, status: int, message: str) -> None:
        body = (message + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _page(self, page: tuple[bytes, str]) -> None:
        body, ctype = page
        self.send_response(200 if body else 204)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _handle(self) -> None:
        proxy = self.server
        if not host_allowed(self.headers.get("Host"), proxy.names):
            self._refuse(403, f"kg serve: Host {self.headers.get('Host')!r} is not this server; use "
                              f"http://127.0.0.1:{proxy.server_address[1]}/ (a page of another site cannot use it)")
            return
        if self.command in ("GET", "HEAD") and proxy.pages is not None:
            page = proxy.pages(urllib.parse.urlsplit(self.path).path)
            if page is not None:
                self._page(page)
                return
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self._refuse(411, "kg serve: send the request body with a Content-Length")
            return
        encoding = self.headers.get("Content-Encoding", "").strip().lower()
        if encoding not in ("", "identity"):  # a gzipped body passed the SERVICE check unread
            self._refuse(415, f"kg serve: a request body in Content-Encoding {encoding!r} is not accepted "
                              "(the query is checked before it is run); send it uncompressed")
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self._refuse(400, "kg serve: bad Content-Length")
            return
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        body: bytes | _Limited | None = None
        texts: dict[str, list[str]] = {}
        url = urllib.parse.urlsplit(self.path)
        for k, v in urllib.parse.parse_qs(url.query, keep_blank_values=True).items():
            texts.setdefault(k, []).extend(v)
        if length and (ctype in _CHECKED_TYPES or length <= MAX_QUERY_BYTES and not ctype):
            if length > MAX_QUERY_BYTES:
                self._refuse(413, f"kg serve: a query or update over {MAX_QUERY_BYTES} bytes")
                return
            body = self.rfile.read(length)
            text = body.decode("utf-8", "replace")
            if ctype == "application/x-www-form-urlencoded":
                for k, v in urllib.parse.parse_qs(text, keep_blank_values=True).items():
                    texts.setdefault(k, []).extend(v)
            elif ctype == "application/sparql-update":
                texts.setdefault("update", []).append(text)
            else:
                texts.setdefault("query", []).append(text)
        elif length:
            body = _Limited(self.rfile, length)
        if any(federated(q) for q in texts.get("query", [])) or \
                any(federated(u, update=True) for u in texts.get("update", [])):
            self._refuse(403, "kg serve: federated queries (SERVICE, and LOAD in updates) are refused: they would "
                              "make this server send requests to other servers")
            return
        self._forward(body, length)

    def _forward(self, body, length: int) -> None:
        proxy = self.server
        generation = proxy.generation()
        conn = http.client.HTTPConnection(proxy.upstream[0], proxy.upstream[1], timeout=proxy.timeout + GRACE)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
        if length:
            headers["Content-Length"] = str(length)
        try:
            try:
                conn.request("GET" if self.command == "HEAD" else self.command, self.path, body=body,
                             headers=headers)
                resp = conn.getresponse()
            except TimeoutError:
                proxy.stuck(generation)
                self._refuse(503, f"kg serve: the query ran over {proxy.timeout:g} s and was stopped (the Oxigraph "
                                  "server was restarted); narrow it, or start kg serve with a larger --timeout")
                return
            except (ConnectionError, http.client.HTTPException, OSError) as exc:
                self._refuse(502, f"kg serve: the Oxigraph server did not answer ({exc})")
                return
            try:
                problem = self._relay(resp)
            except TimeoutError:
                proxy.stuck(generation)
                problem = f"no more of the answer after {proxy.timeout + GRACE:g} s (the Oxigraph server was restarted)"
            except (http.client.HTTPException, OSError) as exc:  # the upstream broke, or the client left
                problem = f"the transfer broke ({exc.__class__.__name__}: {exc})"
            if problem is not None:
                self.close_connection = True
                proxy.note(f"{self.address_string()} {self.command} {self.path[:200]}: answer cut short, "
                           f"sent as an incomplete transfer: {problem}")
        except OSError:
            pass  # the client went away
        finally:
            conn.close()

    def _relay(self, resp: http.client.HTTPResponse) -> str | None:
        """Pass Oxigraph's answer on as it comes; return None when it ended complete, else why not.

        A body of known length is copied. Any other (Oxigraph streams query answers) is sent in
        HTTP/1.1 chunks, holding back its last bytes to see how it ends: when it ends with one of
        :data:`STREAM_ERRORS`, or the upstream connection breaks, the caller closes the connection
        without sending the last, empty chunk — the client's HTTP library reports an incomplete
        read (urllib ``IncompleteRead``, requests ``ChunkedEncodingError``, curl exit 18) instead
        of a complete-looking answer. Memory stays bounded: nothing is held but one read.
        """
        self.send_response(resp.status, resp.reason)
        for k, v in resp.getheaders():
            if k.lower() not in _HOP:
                self.send_header(k, v)
        bodiless = resp.status < 200 or resp.status in (204, 304)  # an answer that has no body
        size = resp.getheader("Content-Length")
        chunked = size is None and not bodiless and self.request_version != "HTTP/1.0"
        if size is not None:
            self.send_header("Content-Length", size)
        elif chunked:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if self.command == "HEAD" or bodiless:
            return None
        if size is not None:
            while data := resp.read1(1 << 16):
                self.wfile.write(data)
            return None if not resp.length else f"{resp.length} byte(s) of the answer missing"
        held = b""
        while data := resp.read1(1 << 16):
            held += data
            if len(held) > _HELD:
                self._send(held[:-_HELD], chunked)
                held = held[-_HELD:]
        error = next((m for m in STREAM_ERRORS if held.endswith(m)), None)
        if error is not None:
            return f"Oxigraph ended it with {error.decode()!r}"
        self._send(held, chunked)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")
        return None

    def _send(self, data: bytes, chunked: bool) -> None:
        if data:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)


class Proxy(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False

    def __init__(self, address: tuple[str, int], upstream: tuple[str, int], names: set[str], timeout: float,
                 log: IO[str] | None):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.upstream, self.names, self.timeout, self._log = upstream, names, timeout, log
        self.pages: Callable[[str], tuple[bytes, str] | None] | None = None  # kg's own pages, by path
        self._log_lock = threading.Lock()
        self.server_handle: Server | None = None
        super().__init__(address, _ProxyHandler)

    def generation(self) -> int:
        """How many times the Oxigraph server has been restarted (to restart it once per stuck query)."""
        return self.server_handle.restarts if self.server_handle is not None else 0

    def stuck(self, generation: int) -> None:
        """A query outran the timeout and its grace: restart Oxigraph, unless already done since."""
        if self.server_handle is not None:
            self.note(f"query over {self.timeout:g} s: restarting the Oxigraph server")
            self.server_handle.restart(generation)

    def note(self, line: str) -> None:
        if self._log is not None:
            with self._log_lock:
                try:
                    self._log.write(line + "\n")
                except ValueError:  # closed
                    pass
