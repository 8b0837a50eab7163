# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The transport over real sockets, against small servers on 127.0.0.1 started by each test.

Servers that never reply, stall in the middle of a reply or trickle bytes must make a request
fail within about timeout x attempts plus backoff, with a message naming the endpoint, and leave
no thread running.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import gzip
import socket
import threading
import time

import pytest

from ansible_collections.cloudblue.commerce.plugins.module_utils import _errors as errors
from ansible_collections.cloudblue.commerce.plugins.module_utils._billing import BillingClient
from ansible_collections.cloudblue.commerce.plugins.module_utils._connect import ConnectClient
from ansible_collections.cloudblue.commerce.plugins.module_utils._transport import (
    HttpTransport,
    RetryPolicy,
)
from ansible_collections.cloudblue.commerce.tests.unit.plugins.http_recorder import (
    make_order,
    order_row,
    rpc_result,
)

TIMEOUT = 0.4
# Slack for thread scheduling on a busy two-core test machine.
SLACK = 1.0


class LoopbackServer:
    """A TCP server on 127.0.0.1 that handles each connection with ``handler(conn, stop)``.

    Connections are handled one after another on the server thread, which is enough for a
    client that retries sequentially. Leaving the ``with`` block stops the thread and closes
    every socket.
    """

    def __init__(self, handler):
        self.handler = handler
        self.accepted = 0
        self.stop = threading.Event()
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.listener.settimeout(0.05)
        self.port = self.listener.getsockname()[1]
        self.connections = []
        self.thread = threading.Thread(target=self._serve, name="loopback-server-%d" % self.port)

    def url(self, path="/RPC2"):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stop.set()
        self.thread.join(10)
        for connection in self.connections:
            connection.close()
        self.listener.close()

    def _serve(self):
        while not self.stop.is_set():
            try:
                connection, _address = self.listener.accept()
            except socket.timeout:
                continue
            self.accepted += 1
            self.connections.append(connection)
            connection.settimeout(1.0)
            try:
                self.handler(connection, self.stop)
            except OSError:
                pass


def read_request(connection):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def never_answer(connection, stop):
    read_request(connection)


def stall_mid_reply(connection, stop):
    read_request(connection)
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 1000\r\n\r\n"
                       b"<?xml version='1.0'?><methodResponse>")


def trickle(connection, stop):
    # 60 bytes at one byte every 0.1 s: 6 s for the whole body.
    read_request(connection)
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 60\r\n\r\n")
    for _index in range(60):
        if stop.wait(0.1):
            return
        connection.sendall(b"x")


def answer_with(raw):
    def answer(connection, stop):
        read_request(connection)
        connection.sendall(raw)
    return answer


def http_reply(body, extra_headers=b""):
    return (b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nConnection: close\r\n" + extra_headers +
            b"Content-Length: %d\r\n\r\n" % len(body) + body)


@pytest.fixture
def no_thread_left():
    """Fail the test if it leaves a thread running that was not there before."""
    before = set(threading.enumerate())
    yield
    left = [thread for thread in threading.enumerate() if thread not in before]
    assert left == []


def billing_client(url, retries):
    policy = RetryPolicy(retries=retries, backoff_base=0.1, backoff_max=0.2)
    transport = HttpTransport(url, option="billing_url", timeout=TIMEOUT, retry_policy=policy)
    return BillingClient(transport, auth_mode="none"), policy


def timed(function, *args):
    start = time.monotonic()
    try:
        function(*args)
    except errors.CommerceError as error:
        return error, time.monotonic() - start
    raise AssertionError("the call did not fail")


def test_silent_server_times_out_per_attempt(no_thread_left):
    with LoopbackServer(never_answer) as server:
        client, policy = billing_client(server.url(), retries=1)
        error, elapsed = timed(client.get_order, 1234)
        client.transport.session.close()
    assert isinstance(error, errors.RequestTimeoutError)
    assert "GetOrder_API timed out after 0.4 s waiting for %s" % server.url() in error.message
    assert server.accepted == 2
    assert TIMEOUT * 2 <= elapsed < TIMEOUT * 2 + policy.backoff_max + SLACK


def test_stalled_reply_fails_per_attempt(no_thread_left):
    with LoopbackServer(stall_mid_reply) as server:
        client, policy = billing_client(server.url(), retries=1)
        error, elapsed = timed(client.get_order, 1234)
        client.transport.session.close()
    assert isinstance(error, errors.RequestTimeoutError)
    assert "GetOrder_API timed out after 0.4 s waiting for %s" % server.url() in error.message
    assert server.accepted == 2
    assert TIMEOUT * 2 <= elapsed < TIMEOUT * 2 + policy.backoff_max + SLACK


def test_trickled_reply_fails_at_deadline(no_thread_left):
    with LoopbackServer(trickle) as server:
        client, _policy = billing_client(server.url(), retries=0)
        error, elapsed = timed(client.get_order, 1234)
        client.transport.session.close()
    assert isinstance(error, errors.RequestTimeoutError)
    # On a loaded machine one byte can arrive later than the socket timeout; that read timeout
    # is as correct an outcome as the deadline, so either message may come.
    assert "timed out after %s s" % TIMEOUT in error.message
    assert server.url() in error.message
    assert elapsed < TIMEOUT + SLACK


def test_refused_connection_names_endpoint(no_thread_left):
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    url = "http://127.0.0.1:%d/RPC2" % probe.getsockname()[1]
    probe.close()
    client, _policy = billing_client(url, retries=2)
    error, elapsed = timed(client.get_order, 1234)
    assert isinstance(error, errors.TransportError)
    assert "GetOrder_API failed: no reply from %s" % url in error.message
    assert elapsed < 3 * 0.2 + SLACK


def test_real_reply_decoded(no_thread_left):
    body = rpc_result(order_row(make_order(1234, comments=u"Café")))
    with LoopbackServer(answer_with(http_reply(body))) as server:
        client, _policy = billing_client(server.url(), retries=0)
        order = client.get_order(1234)
        client.transport.session.close()
    assert order["comments"] == u"Café"


def test_real_gzip_reply_decoded(no_thread_left):
    body = gzip.compress(rpc_result(order_row(make_order(1234))))
    raw = http_reply(body, b"Content-Encoding: gzip\r\n")
    with LoopbackServer(answer_with(raw)) as server:
        client, _policy = billing_client(server.url(), retries=0)
        order = client.get_order(1234)
        client.transport.session.close()
    assert order["order_id"] == 1234


def test_real_chunked_reply_decoded(no_thread_left):
    body = rpc_result(order_row(make_order(1234)))
    pieces = [body[:100], body[100:]]
    raw = (b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n"
           b"Connection: close\r\n\r\n" +
           b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces) + b"0\r\n\r\n")
    with LoopbackServer(answer_with(raw)) as server:
        client, _policy = billing_client(server.url(), retries=0)
        order = client.get_order(1234)
        client.transport.session.close()
    assert order["order_id"] == 1234


def test_probe_of_silent_server_not_yet(no_thread_left):
    with LoopbackServer(never_answer) as server:
        transport = HttpTransport(server.url("/public/v1"), option="connect_url", timeout=TIMEOUT,
                                  retry_policy=RetryPolicy(retries=3))
        client = ConnectClient(transport, "SU-1:secret-value")
        start = time.monotonic()
        result = client.probe()
        elapsed = time.monotonic() - start
        transport.session.close()
    assert result.available is False
    assert "timed out" in result.detail
    assert server.accepted == 1
    assert elapsed < TIMEOUT + SLACK


def test_probe_of_refused_port_not_yet(no_thread_left):
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    url = "http://127.0.0.1:%d/public/v1" % probe.getsockname()[1]
    probe.close()
    transport = HttpTransport(url, option="connect_url", timeout=TIMEOUT)
    result = ConnectClient(transport, "SU-1:secret-value").probe()
    assert result.available is False
    assert result.http_status is None
    assert url + "/accounts" in result.detail
