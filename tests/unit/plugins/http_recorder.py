# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Recorded HTTP for the unit tests: a fake requests session, reply builders and a fake Billing.

``RecordingSession`` replaces ``requests.Session`` behind ``HttpTransport(session=...)``.
It records every call (method, URL, merged headers, body, query parameters, timeout, auth) and
returns replies from a script, or from a responder function when the order of calls is not
fixed (threads). ``FakeBilling`` is such a responder: it decodes each XML-RPC ``Execute`` body,
serves orders from a dict, checks signatures with its own formula and applies status changes,
so tests can assert the exact Billing calls a run made.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import collections
import hashlib
import random
import threading
import time
import xmlrpc.client

import requests
from requests.structures import CaseInsensitiveDict

from ansible_collections.cloudblue.commerce.plugins.module_utils._billing import BillingClient
from ansible_collections.cloudblue.commerce.plugins.module_utils._connect import ConnectClient
from ansible_collections.cloudblue.commerce.plugins.module_utils._transport import (
    HttpTransport,
    RetryPolicy,
    RetryReporter,
)

BILLING_URL = "https://billing.example.com:5224/RPC2"
BILLING_USERNAME = "api-user"
BILLING_PASSWORD = "Bi11ing-Pa55word"
CONNECT_URL = "https://connect.example.com/public/v1"
CONNECT_SECRET = "9f8e7d6c5b4a39281706"
CONNECT_API_KEY = "SU-123-456-789:" + CONNECT_SECRET

XML_HEADERS = {"Content-Type": "text/xml"}
JSON_HEADERS = {"Content-Type": "application/json"}


class Reply:
    """One scripted HTTP reply.

    ``error``, when set, is raised by ``session.request`` instead of replying. ``body_error``
    is raised by ``iter_content`` after the body has been yielded, like a connection that
    breaks in the middle of a reply.
    """

    def __init__(self, status=200, body=b"", headers=None, error=None, body_error=None):
        self.status = status
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.headers = dict(headers or {})
        self.error = error
        self.body_error = body_error


class Call:
    """One recorded request, with the session's headers merged under the request's."""

    def __init__(self, method, url, headers, body, params, timeout, auth, verify, cert, stream):
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.params = params
        self.timeout = timeout
        self.auth = auth
        self.verify = verify
        self.cert = cert
        self.stream = stream

    @property
    def rpc(self):
        """The decoded ``Execute`` struct of an XML-RPC call."""
        (struct,), method_name = xmlrpc.client.loads(self.body, use_builtin_types=True)
        assert method_name == "Execute"
        return struct

    def __repr__(self):
        return "Call(%s %s params=%r)" % (self.method, self.url, self.params)


class FakeResponse:
    def __init__(self, reply):
        self.status_code = reply.status
        self.headers = CaseInsensitiveDict(reply.headers)
        self._reply = reply
        self.closed = False

    def iter_content(self, chunk_size=1):
        body = self._reply.body
        for start in range(0, len(body), chunk_size):
            yield body[start:start + chunk_size]
        if self._reply.body_error is not None:
            raise self._reply.body_error

    def close(self):
        self.closed = True


class RecordingSession:
    """A requests session double that records calls and replays scripted replies.

    Replies come from ``replies`` in order. When the script is empty, ``responder(call)``
    returns the reply, and a call with neither left fails the test. ``delay`` is real seconds spent inside each
    call, so that threads overlap; ``in_flight_max`` is the largest number of calls seen in
    progress at once.
    """

    def __init__(self, replies=None, responder=None, delay=0.0):
        self.headers = CaseInsensitiveDict()
        self.auth = None
        self.verify = True
        self.cert = None
        self.calls = []
        self.responses = []
        self._replies = collections.deque(replies or [])
        self._responder = responder
        self._delay = delay
        self._lock = threading.Lock()
        self._in_flight = 0
        self.in_flight_max = 0

    def request(self, method, url, headers=None, data=None, params=None, timeout=None,
                stream=False, verify=None, **kwargs):
        assert not kwargs, "unexpected request arguments %r" % sorted(kwargs)
        merged = CaseInsensitiveDict(self.headers)
        merged.update(headers or {})
        # As in requests, a per-request verify wins over the session's.
        call = Call(method, url, merged, data, params, timeout, self.auth,
                    self.verify if verify is None else verify, self.cert, stream)
        with self._lock:
            self.calls.append(call)
            self._in_flight += 1
            self.in_flight_max = max(self.in_flight_max, self._in_flight)
            reply = self._replies.popleft() if self._replies else None
        try:
            if self._delay:
                time.sleep(self._delay)
            if reply is None:
                assert self._responder is not None, "no scripted reply left for %r" % call
                reply = self._responder(call)
        finally:
            with self._lock:
                self._in_flight -= 1
        if reply.error is not None:
            raise reply.error
        response = FakeResponse(reply)
        self.responses.append(response)
        return response

    def rpc_methods(self):
        """The Billing method of each recorded call, in order."""
        return [call.rpc["Method"] for call in self.calls]

    def rpc_calls(self, method):
        """The ``Params`` of each recorded call of one Billing method."""
        return [call.rpc["Params"] for call in self.calls if call.rpc["Method"] == method]


class Rig:
    """A client wired to a recording session, with the sleeps and warnings it produced."""

    def __init__(self, replies=(), responder=None, retries=3, concurrency=1, delay=0.0,
                 timeout=12.0, url=None, clock=None):
        self.session = RecordingSession(replies, responder, delay=delay)
        self.sleeps = []
        self.warnings = []
        self.policy = RetryPolicy(retries=retries, sleep=self.sleeps.append,
                                  rng=random.Random(1))
        extra = {} if clock is None else {"clock": clock}
        self.transport = HttpTransport(url or BILLING_URL, option="billing_url", timeout=timeout,
                                       retry_policy=self.policy, concurrency=concurrency,
                                       reporter=RetryReporter(self.warnings.append),
                                       session=self.session, **extra)


def billing_rig(replies=(), responder=None, auth_mode="struct", lang=None, password=None,
                **kwargs):
    """Return ``(client, rig)``: a BillingClient on a recording session."""
    rig = Rig(replies, responder, **kwargs)
    username = None if auth_mode == "none" else BILLING_USERNAME
    client = BillingClient(rig.transport, auth_mode=auth_mode, username=username,
                           password=password or BILLING_PASSWORD, lang=lang)
    return client, rig


def connect_rig(replies=(), responder=None, api_key=CONNECT_API_KEY, **kwargs):
    """Return ``(client, rig)``: a ConnectClient on a recording session."""
    rig = Rig(replies, responder, url=CONNECT_URL, **kwargs)
    return ConnectClient(rig.transport, api_key), rig


def rpc_result(payload):
    """Body of a successful ``Execute`` reply: ``{"Result": [payload]}``."""
    return xmlrpc.client.dumps(({"Result": [payload]},), methodresponse=True,
                               allow_none=True).encode("utf-8")


def rpc_fault(code, text, encoding="base64"):
    """Body of an XML-RPC fault whose text is base64 of UTF-8 (as Billing sends it) or plain."""
    if encoding == "base64":
        text = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return xmlrpc.client.dumps(xmlrpc.client.Fault(code, text), methodresponse=True).encode("utf-8")


def billing_reply(payload):
    return Reply(200, rpc_result(payload), XML_HEADERS)


def billing_fault(code, text, encoding="base64"):
    return Reply(200, rpc_fault(code, text, encoding), XML_HEADERS)


def connection_error(text="Connection refused"):
    return Reply(error=requests.exceptions.ConnectionError(text))


def read_timeout(text="Read timed out. (read timeout=30)"):
    return Reply(error=requests.exceptions.ReadTimeout(text))


def ssl_error(text="certificate verify failed: unable to get local issuer certificate"):
    return Reply(error=requests.exceptions.SSLError(text))


def reference_signature(order, precision=2):
    """Signature by the documented formula, written independently of the collection's code.

    Valid for totals with at most ``precision`` decimals, which is all the test orders use.
    """
    text = "%d%s%d%s %.*f%s" % (order["order_id"], order["order_number"],
                                order["creation_time"], order["currency"], precision,
                                order["total"], order["comments"])
    return hashlib.md5(text.rstrip().encode("utf-8")).hexdigest()


def make_order(order_id, status="PF", vendor_account_id=1, order_type="SO", comments="",
               creation_time=1796166902, total=12.5, currency="USD", customer_id=1000789):
    return {
        "order_id": order_id, "order_number": "SO%06d" % order_id,
        "vendor_account_id": vendor_account_id, "customer_id": customer_id,
        "customer_name": "Customer %d" % customer_id, "status": status,
        "order_type": order_type, "creation_time": creation_time, "total": total,
        "currency": currency, "comments": comments,
    }


def order_row(order):
    """The 19 fields of a GetOrder_API row."""
    return [
        order["order_id"], order["order_number"], order["vendor_account_id"],
        order["customer_id"], order["status"], order["order_type"], order["creation_time"],
        order["creation_time"], order["total"], 0.0, 0.0, order["total"], order["comments"], 0,
        "", 0, 0, order["currency"], 0,
    ]


def listed_row(order):
    """The 19 fields of an OrderByStatusListGet_API row."""
    return [
        order["order_id"], order["order_number"], order["customer_id"], order["customer_name"],
        order["status"], order["order_type"], order["creation_time"], order["creation_time"],
        order["total"], 0.0, 0.0, order["total"], 0, "", 0, "", 0, "", order["comments"],
    ]


class FakeBilling:
    """Responder that serves a dict of orders the way the Billing XML-RPC API does.

    ``script(method, order_id, reply, apply=False)`` queues a reply for the next matching call
    (``order_id`` None matches any order). ``reply`` may also be a function called with this
    object when the reply is used, which lets it queue further replies. With ``apply=True`` a
    status change is applied before the scripted reply: a lost reply of a change that went
    through. ``after_change[order_id]`` sets what an order becomes when a change is applied (by
    default the requested status with unchanged comments). Orders in ``FAILED`` accept a change.
    ``precision`` maps a currency to the digits of the total in its signature (2 otherwise).
    """

    FAILED = ("PF", "SF")

    def __init__(self, orders=(), precision=None):
        self.orders = dict((order["order_id"], dict(order)) for order in orders)
        self.precision = precision or {}
        self.changes = []
        self.after_change = {}
        self.list_calls = []
        self._scripts = []
        self._lock = threading.RLock()

    def script(self, method, order_id, reply, apply=False):
        with self._lock:
            self._scripts.append((method, order_id, reply, apply))

    def __call__(self, call):
        struct = call.rpc
        method, params = struct["Method"], struct["Params"]
        order_id = params[0] if method != "OrderByStatusListGet_API" else None
        with self._lock:
            for index, (s_method, s_order, reply, apply) in enumerate(self._scripts):
                if s_method == method and s_order in (None, order_id):
                    del self._scripts[index]
                    if apply:
                        self._apply(order_id, params[1])
                    return reply(self) if callable(reply) else reply
            return self._answer(method, params)

    def _answer(self, method, params):
        if method == "GetOrder_API":
            order = self.orders.get(params[0])
            if order is None:
                return billing_fault(
                    1, "Table SalesOrder does not contain row with ID %d." % params[0])
            return billing_reply(order_row(order))

        if method == "OrderByStatusListGet_API":
            self.list_calls.append(params)
            vendor, order_type, status = params[0], params[1], params[2]
            rows = [listed_row(order) for order in sorted(self.orders.values(),
                                                          key=lambda item: item["order_id"])
                    if order["vendor_account_id"] == vendor
                    and order_type in ("", order["order_type"])
                    and status in ("", order["status"])]
            return billing_reply(rows)

        if method == "OrderStatusChange_API":
            order_id, new_status, signature = params
            order = self.orders.get(order_id)
            if order is None:
                return billing_fault(
                    1, "Table SalesOrder does not contain row with ID %d." % order_id)
            if signature != reference_signature(order, self.precision.get(order["currency"], 2)):
                return billing_fault(2, "Invalid signature for order %d." % order_id)
            if order["status"] not in self.FAILED:
                return billing_fault(3, "Order status transition from %s to %s is not allowed by "
                                        "the order flow." % (order["status"], new_status))
            self._apply(order_id, new_status)
            return billing_reply({"Status": "Operation done."})

        return billing_fault(99, "Unknown method %s" % method)

    def _apply(self, order_id, new_status):
        self.changes.append((order_id, new_status))
        order = self.orders[order_id]
        order.update(self.after_change.get(order_id, {"status": new_status}))


class FakeClock:
    """Monotonic clock whose ``sleep`` advances time instead of waiting."""

    def __init__(self, start=1000.0):
        self.now = start
        self.sleeps = []
        self._lock = threading.Lock()

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds
