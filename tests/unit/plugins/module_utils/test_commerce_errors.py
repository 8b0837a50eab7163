# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Error rendering for fail_json, and redaction of secrets on every error path.

The redaction cases use servers (recorded replies) that echo the request back, credentials
included, because an echo is how a secret could reach an error text.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json
import traceback

import pytest
import requests

from ansible_collections.cloudblue.commerce.plugins.module_utils import _errors as errors
from ansible_collections.cloudblue.commerce.plugins.module_utils._resubmit import Resubmitter
from ansible_collections.cloudblue.commerce.plugins.modules.connect_wait import wait_for_connect
from ansible_collections.cloudblue.commerce.tests.unit.plugins.http_recorder import (
    BILLING_PASSWORD,
    BILLING_USERNAME,
    CONNECT_API_KEY,
    CONNECT_SECRET,
    FakeBilling,
    FakeClock,
    Reply,
    billing_fault,
    billing_rig,
    connect_rig,
    make_order,
    read_timeout,
    ssl_error,
)

BASIC_TOKEN = base64.b64encode(
    ("%s:%s" % (BILLING_USERNAME, BILLING_PASSWORD)).encode("ascii")).decode("ascii")


# Rendering

def test_to_dict_fields():
    error = errors.HTTPStatusError("GetOrder_API failed", http_status=503, operation="GetOrder_API",
                                   order_id=7, endpoint="https://b/RPC2", body="busy")
    assert error.to_dict() == {
        "kind": "http_status", "message": "GetOrder_API failed", "operation": "GetOrder_API",
        "order_id": 7, "endpoint": "https://b/RPC2", "http_status": 503, "fault_code": None,
        "fault_text": None, "body": "busy"}


def test_fail_kwargs_msg_and_error():
    error = errors.OrderNotFoundError("not found", fault_code=1, fault_text="no row")
    kwargs = error.fail_kwargs()
    assert kwargs["msg"] == "not found"
    assert kwargs["error"]["kind"] == "not_found"
    assert kwargs["error"]["fault_text"] == "no row"


def test_fail_kwargs_keeps_partial_result():
    error = errors.WaitTimeoutError("timed out")
    error.result = {"probes": 4, "available": False, "msg": "overwritten"}
    kwargs = error.fail_kwargs()
    assert kwargs["probes"] == 4
    assert kwargs["msg"] == "timed out"


def test_body_truncated():
    error = errors.CommerceError("x", body="b" * 600)
    assert error.body == "b" * 500 + "...(truncated)"


def test_body_short_kept():
    assert errors.CommerceError("x", body="short").body == "short"


@pytest.mark.parametrize("status, retryable", [(429, True), (502, True), (503, True),
                                               (504, True), (500, False), (404, False)])
def test_status_error_retryable(status, retryable):
    assert errors.HTTPStatusError("x", http_status=status).retryable is retryable


def test_transport_error_reply_not_received_by_default():
    assert errors.TransportError("x").reply_received is False


def test_billing_auth_fault_is_both():
    error = errors.BillingAuthenticationFault("x")
    assert isinstance(error, errors.AuthenticationError)
    assert isinstance(error, errors.BillingFault)


def test_permanent_errors_not_retryable():
    for error_class in (errors.OrderNotFoundError, errors.SignatureError, errors.TransitionError,
                        errors.AlreadyExistsError, errors.BillingAuthenticationFault,
                        errors.AuthenticationError, errors.TLSError, errors.InvalidInputError):
        assert error_class("x").retryable is False


# Scrubbing

def test_scrub_masks_registered_secret():
    errors.register_secret("hunter2-secret")
    assert errors.scrub("password=hunter2-secret;") == "password=********;"


def test_scrub_longest_first():
    errors.register_secret("abc")
    errors.register_secret("abcdef")
    assert errors.scrub("abcdef abc") == "******** ********"


@pytest.mark.parametrize("value", [None, "", "ab"])
def test_register_secret_ignores_short(value):
    errors.register_secret(value)
    assert errors.scrub("ab and more") == "ab and more"


def test_scrub_none():
    assert errors.scrub(None) is None


def test_message_fault_and_body_scrubbed():
    errors.register_secret("hunter2-secret")
    error = errors.BillingFault("failed: hunter2-secret", fault_text="hunter2-secret",
                                body="<p>hunter2-secret</p>")
    assert "hunter2-secret" not in json.dumps(error.fail_kwargs())


def test_body_secret_across_truncation_masked():
    errors.register_secret("hunter2-secret")
    error = errors.CommerceError("x", body="b" * 495 + "hunter2-secret" + "b" * 100)
    assert error.body == "b" * 495 + "*****...(truncated)"


# Redaction on every error path

def billing_error(replies, auth_mode="struct", write=False):
    client, _rig = billing_rig(replies, auth_mode=auth_mode)
    with pytest.raises(errors.CommerceError) as caught:
        if write:
            client.change_status(1234, "PR", "abc")
        else:
            client.get_order(1234)
    return caught.value


def connect_error(replies, call="probe"):
    client, _rig = connect_rig(replies)
    with pytest.raises(errors.CommerceError) as caught:
        if call == "probe":
            client.probe()
        else:
            client.list("requests")
    return caught.value


def echo_of_request(auth="struct"):
    """A body that repeats the request as sent, credentials included."""
    if auth == "struct":
        return ("<html><pre>POST /RPC2\n<member><name>Password</name><value><string>%s"
                "</string></value></member></pre></html>" % BILLING_PASSWORD)
    if auth == "basic":
        return "<html><pre>POST /RPC2\nAuthorization: Basic %s</pre></html>" % BASIC_TOKEN
    return "<html><pre>GET /accounts\nAuthorization: ApiKey %s</pre></html>" % CONNECT_API_KEY


def wait_timeout_error():
    client, _rig = connect_rig([Reply(502, echo_of_request("connect"))] * 3)
    clock = FakeClock()
    with pytest.raises(errors.WaitTimeoutError) as caught:
        wait_for_connect(client, "accounts", 20, 10, 1, clock=clock, sleep=clock.sleep)
    return caught.value


BILLING_SECRETS = [BILLING_PASSWORD]
BASIC_SECRETS = [BILLING_PASSWORD, BASIC_TOKEN]
CONNECT_SECRETS = [CONNECT_API_KEY, CONNECT_SECRET]

# Name, a function that returns the error, and the secrets the client was given.
ERROR_PATHS = [
    ("fault_base64", lambda: billing_error([billing_fault(
        5, "Login failed for %s with password %s" % (BILLING_USERNAME, BILLING_PASSWORD))]),
     BILLING_SECRETS),
    ("fault_plain", lambda: billing_error([billing_fault(
        5, "Login failed, password %s" % BILLING_PASSWORD, encoding="plain")]),
     BILLING_SECRETS),
    ("status_500_echo", lambda: billing_error([Reply(500, echo_of_request())]), BILLING_SECRETS),
    ("html_200_echo", lambda: billing_error([Reply(200, echo_of_request())]), BILLING_SECRETS),
    ("status_503_echo", lambda: billing_error([Reply(503, echo_of_request())] * 4),
     BILLING_SECRETS),
    ("status_401_echo", lambda: billing_error([Reply(401, echo_of_request())]), BILLING_SECRETS),
    ("change_503_echo", lambda: billing_error([Reply(503, echo_of_request())], write=True),
     BILLING_SECRETS),
    ("change_lost", lambda: billing_error([read_timeout()], write=True), BILLING_SECRETS),
    ("connection_error_text", lambda: billing_error(
        [Reply(error=requests.exceptions.ConnectionError(
            "proxy said: bad password %s" % BILLING_PASSWORD))] * 4), BILLING_SECRETS),
    ("tls", lambda: billing_error([ssl_error()]), BILLING_SECRETS),
    ("basic_500_echo", lambda: billing_error([Reply(500, echo_of_request("basic"))],
                                             auth_mode="basic"), BASIC_SECRETS),
    ("basic_html_echo", lambda: billing_error([Reply(200, echo_of_request("basic"))],
                                              auth_mode="basic"), BASIC_SECRETS),
    ("probe_404_echo", lambda: connect_error([Reply(404, json.dumps(
        {"error_code": "NOT_FOUND", "errors": [echo_of_request("connect")]}))]),
     CONNECT_SECRETS),
    ("probe_401_echo", lambda: connect_error([Reply(401, echo_of_request("connect"))]),
     CONNECT_SECRETS),
    ("list_500_echo", lambda: connect_error([Reply(500, echo_of_request("connect"))],
                                            call="list"), CONNECT_SECRETS),
    ("list_400_secret_part", lambda: connect_error([Reply(400, json.dumps(
        {"error_code": "AUTH", "errors": ["secret %s is malformed" % CONNECT_SECRET]}))],
        call="list"), CONNECT_SECRETS),
    ("list_503_echo", lambda: connect_error([Reply(503, echo_of_request("connect"))] * 4,
                                            call="list"), CONNECT_SECRETS),
    ("wait_timeout", wait_timeout_error, CONNECT_SECRETS),
]


def rendered_texts(error):
    yield "message", error.message
    yield "str", str(error)
    yield "to_dict", json.dumps(error.to_dict())
    yield "fail_kwargs", json.dumps(error.fail_kwargs())
    yield "traceback", "".join(traceback.format_exception(type(error), error,
                                                          error.__traceback__))


@pytest.mark.parametrize("make_error, secrets", [path[1:] for path in ERROR_PATHS],
                         ids=[path[0] for path in ERROR_PATHS])
def test_no_secret_in_error(make_error, secrets):
    error = make_error()
    for where, text in rendered_texts(error):
        for secret in secrets:
            assert secret not in text, "the %s shows %r" % (where, secret)


def test_unknown_outcome_entry_has_no_secret():
    fake = FakeBilling([make_order(1234)])
    client, _rig = billing_rig(responder=fake, retries=0)

    def lose_reply_then_echo(billing):
        billing.script("GetOrder_API", 1234, Reply(500, echo_of_request()))
        return read_timeout()

    fake.script("OrderStatusChange_API", 1234, lose_reply_then_echo)
    engine = Resubmitter(client, ["PF"], "PR", write_attempts=1)
    report = engine.resubmit([1234])
    assert report["errors"][0]["error"]["kind"] == "unknown_outcome"
    assert BILLING_PASSWORD not in json.dumps(report)


def test_echoed_authorization_header_masked():
    error = connect_error([Reply(404, json.dumps({"errors": [echo_of_request("connect")]}))])
    assert "Authorization: ApiKey ********" in error.message
