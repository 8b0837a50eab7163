"""HTTP server for the three roots: ``/RPC2`` (Billing), ``/public/v1`` (Connect), ``/control``.

One ``ThreadingHTTPServer`` on 127.0.0.1 speaks HTTP/1.1 with Content-Length on every reply, so
clients keep their connections alive. Billing and Connect requests pass through the concurrency
limit, the latency and the fault injection first, but control requests do not.
"""

import base64
import binascii
import hmac
import http.server
import json
import logging
import socket
import struct
import sys
import time
import urllib.parse

from .connect import ConnectError

log = logging.getLogger("cbsim.http")

HOST = "127.0.0.1"
BILLING_PATH = "/RPC2"
CONNECT_PREFIX = "/public/v1"
CONTROL_PREFIX = "/control"

# Seconds an idle keep-alive connection stays open.
IDLE_TIMEOUT = 300

HTML_ERRORS = {
    401: "401 Authorization Required",
    502: "502 Bad Gateway",
    503: "503 Service Temporarily Unavailable",
}


def html_error_body(status):
    title = HTML_ERRORS[status]
    return (f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n"
            "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n").encode("ascii")


class SimulatorServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    # Benchmarks open many connections at once, which overflow the default backlog of 5.
    request_queue_size = 128

    def __init__(self, simulator, port=0, ssl_context=None):
        self.simulator = simulator
        self.ssl_context = ssl_context
        super().__init__((HOST, port), RequestHandler)

    @property
    def base_url(self):
        scheme = "https" if self.ssl_context else "http"
        return f"{scheme}://{HOST}:{self.server_address[1]}"

    def urls(self):
        base = self.base_url
        return {"billing_url": base + BILLING_PATH, "connect_url": base + CONNECT_PREFIX,
                "control_url": base + CONTROL_PREFIX}

    def handle_error(self, request, client_address):
        # Clients that hang up or reject the certificate are normal in fault tests, so log one line.
        error = sys.exc_info()[1]
        log.warning("connection from %s:%s failed: %s", client_address[0], client_address[1], error,
                    exc_info=log.isEnabledFor(logging.DEBUG))


class RequestHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "cbsim/1.0"
    timeout = IDLE_TIMEOUT

    def setup(self):
        if self.server.ssl_context is not None:
            # The TLS handshake runs here, in the connection's own thread, so a slow or failing
            # client never blocks the accept loop.
            self.request.settimeout(IDLE_TIMEOUT)
            self.request = self.server.ssl_context.wrap_socket(self.request, server_side=True)
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format, *args):
        log.debug("%s %s", self.address_string(), format % args)

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def do_PUT(self):
        self._dispatch("PUT")

    # Replies

    def _send(self, status, body, content_type, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def _send_json(self, status, value, headers=None):
        body = json.dumps(value, ensure_ascii=False).encode("utf-8")
        self._send(status, body, "application/json", headers)

    def _send_html_error(self, status, headers=None):
        self._send(status, html_error_body(status), "text/html", headers)

    def _drop_connection(self):
        # Close without a reply, so the client sees the connection end before any response.
        self.close_connection = True
        self.rfile.close()
        self.connection.close()

    def _reset_connection(self):
        # SO_LINGER with a zero timeout makes close() send a TCP RST instead of a FIN.
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()
        self.connection.close()

    # Dispatch

    def _read_body(self):
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        try:
            size = int(length)
        except ValueError:
            size = -1
        if size < 0:
            log.warning("rejected %s %s: invalid Content-Length %r", self.command, self.path, length)
            self.close_connection = True
            self._send_json(400, {"error": f"invalid Content-Length {length!r}"})
            return None
        return self.rfile.read(size)

    def _dispatch(self, method):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            log.warning("rejected %s %s: chunked request body", method, self.path)
            self.close_connection = True
            self._send_json(411, {"error": "chunked request bodies are not supported; send Content-Length"})
            return
        body = self._read_body()
        if body is None:
            return

        url = urllib.parse.urlsplit(self.path)
        path = url.path
        simulator = self.server.simulator
        if path == BILLING_PATH:
            self._serve_limited("billing", lambda: self._serve_billing(method, body), body)
        elif path == CONNECT_PREFIX or path.startswith(CONNECT_PREFIX + "/"):
            self._serve_limited("connect", lambda: self._serve_connect(method, path[len(CONNECT_PREFIX):], url.query),
                                body)
        elif path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            simulator.stats.add("control_requests")
            status, value = simulator.control.handle(method, path[len(CONTROL_PREFIX):], url.query, body)
            if status >= 400:
                log.info("control %s %s failed with HTTP %d: %s", method, path, status, value.get("error"))
            self._send_json(status, value)
        else:
            log.info("%s %s not found", method, path)
            self._send_json(404, {"error": f"nothing is served at {path}; use {BILLING_PATH}, {CONNECT_PREFIX} "
                                           f"or {CONTROL_PREFIX}"})

    def _serve_limited(self, api, serve, body):
        """Apply the concurrency limit, latency and injected errors, then serve the request."""
        simulator = self.server.simulator
        faults = simulator.faults
        stats = simulator.stats
        stats.add(f"{api}_requests")

        if not stats.enter(faults.max_concurrency):
            log.info("refused a %s request: %d requests already in flight", api, faults.max_concurrency)
            self._send_html_error(503, {"Retry-After": "1"})
            return
        try:
            if faults.latency_ms:
                time.sleep(faults.latency_ms / 1000)

            error = faults.roll_transient_error()
            if error is not None:
                stats.add("injected_errors")
                if api == "billing":
                    simulator.billing.record_unprocessed(body, "injected_error", None, error)
                log.info("injected %s into a %s request", error, api)
                if error == "reset":
                    self._reset_connection()
                else:
                    self._send_html_error(502 if error == "http_502" else 503)
                return

            serve()
        finally:
            stats.leave()

    def _serve_billing(self, method, body):
        simulator = self.server.simulator
        if method != "POST":
            self._send(405, b"Billing XML-RPC accepts POST only.\n", "text/plain", {"Allow": "POST"})
            return

        auth = simulator.billing.auth
        if auth and auth[0] == "basic" and not self._basic_auth_matches(auth[1], auth[2]):
            log.info("Billing request from %s rejected: missing or wrong basic credentials", self.client_address[0])
            simulator.billing.record_unprocessed(body, "rejected", "HTTP 401: authentication required", None)
            self._send_html_error(401, {"WWW-Authenticate": 'Basic realm="Billing API"'})
            return

        reply, write = simulator.billing.execute(body)
        if write is not None and write["result"] == "applied":
            simulator.stats.add("status_changes_applied")
            if simulator.faults.roll_drop_after_commit():
                with simulator.store.lock:
                    write["reply_dropped"] = True
                simulator.stats.add("dropped_replies")
                log.info("dropped the reply to the status change of order %s after applying it", write["order_id"])
                self._drop_connection()
                return
        self._send(200, reply, "text/xml; charset=utf-8")

    def _basic_auth_matches(self, username, password):
        header = self.headers.get("Authorization", "")
        scheme, space, encoded = header.partition(" ")
        if scheme.lower() != "basic" or not space:
            return False
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            return False
        expected = f"{username}:{password}".encode("utf-8")
        return hmac.compare_digest(decoded, expected)

    def _serve_connect(self, method, path, query):
        simulator = self.server.simulator
        if not simulator.faults.connect_available():
            self._send_html_error(502)
            return
        if method != "GET":
            error = ConnectError(405, "REQ_003", f"Method {method} is not supported by the simulator.")
            self._send_json(error.http_status, error.body(), {"Allow": "GET"})
            return
        try:
            status, value, headers = simulator.connect.handle_get(path, query, self.headers.get("Authorization"))
        except ConnectError as error:
            log.info("Connect GET %s failed with HTTP %d: %s", path, error.http_status, error.message)
            self._send_json(error.http_status, error.body())
            return
        self._send_json(status, value, headers)
