# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Option handling shared by the modules: bad input fails before any request, and the
connection options (environment fallbacks, credentials in the URL, TLS settings) reach the
recorded requests."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

import pytest

from ansible_collections.cloudblue.commerce.plugins.module_utils import _arguments
from ansible_collections.cloudblue.commerce.plugins.modules import (
    connect_wait,
    order_info,
    order_resubmit,
)
from ansible_collections.cloudblue.commerce.tests.unit.plugins.http_recorder import (
    BILLING_PASSWORD,
    BILLING_URL,
    BILLING_USERNAME,
    CONNECT_API_KEY,
    CONNECT_URL,
    JSON_HEADERS,
    FakeBilling,
    RecordingSession,
    Reply,
    make_order,
)

BILLING = {"billing_url": BILLING_URL, "billing_username": BILLING_USERNAME,
           "billing_password": BILLING_PASSWORD}
CONNECT = {"connect_url": CONNECT_URL, "connect_api_key": CONNECT_API_KEY}
MODULES = {"order_resubmit": (order_resubmit, dict(BILLING, order_ids=[1])),
           "order_info": (order_info, dict(BILLING)),
           "connect_wait": (connect_wait, dict(CONNECT))}
DROP = object()

BAD_INPUT = [
    # order_resubmit
    ("order_resubmit", {"order_ids": ["abc"]}, r"order_ids.*int"),
    ("order_resubmit", {"order_ids": DROP}, r"missing required arguments: order_ids"),
    ("order_resubmit", {"order_ids": [2147483648]},
     r"order_ids contains 2147483648, which is outside the id range 1 to 2147483647"),
    ("order_resubmit", {"order_ids": [0]}, r"order_ids contains 0, which is outside the id range"),
    ("order_resubmit", {"failed_statuses": ["XX"]}, r"failed_statuses contains unknown code 'XX'"),
    ("order_resubmit", {"failed_statuses": []}, r"failed_statuses is an empty list"),
    ("order_resubmit", {"target_status": "ZZ"}, r"target_status contains unknown code 'ZZ'"),
    ("order_resubmit", {"target_status": "PF"}, r"target_status PF is in failed_statuses"),
    ("order_resubmit", {"concurrency": -1}, r"concurrency is -1; use 1 to 32"),
    ("order_resubmit", {"concurrency": 0}, r"concurrency is 0; use 1 to 32"),
    ("order_resubmit", {"concurrency": 100}, r"concurrency is 100; use 1 to 32"),
    ("order_resubmit", {"concurrency": "many"}, r"concurrency.*int"),
    ("order_resubmit", {"rate_limit": -1}, r"rate_limit is -1.0; use 0 for no limit"),
    ("order_resubmit", {"max_orders": 0}, r"max_orders is 0; it must be 1 or more"),
    ("order_resubmit", {"wait_timeout": 0}, r"wait_timeout is 0.0; it must be a positive number"),
    ("order_resubmit", {"poll_interval": -5}, r"poll_interval is -5.0"),
    ("order_resubmit", {"currency_precision": {"usd": 2}}, r"currency_precision has key 'usd'"),
    ("order_resubmit", {"currency_precision": {"JPY": 9}}, r"currency_precision\[JPY\] is 9"),
    ("order_resubmit", {"wait": "maybe"}, r"wait.*bool"),
    ("order_resubmit", {"billing_url": DROP},
     r"billing_url is missing; set it \(or CBC_BILLING_URL\)"),
    ("order_resubmit", {"billing_username": DROP}, r"billing_username is missing"),
    ("order_resubmit", {"billing_url": "ftp://billing.example.com/RPC2"},
     r"billing_url 'ftp://billing.example.com/RPC2' is not a valid http:// or https:// URL"),
    ("order_resubmit", {"billing_url": "https://u:s3cr3t-in-url@billing:99999/RPC2"},
     r"billing_url 'https://billing:99999/RPC2' has an invalid port number"),
    ("order_resubmit", {"billing_auth": "digest"}, r"billing_auth.*(struct, basic, none)"),
    ("order_resubmit", {"timeout": 0}, r"timeout is 0.0; it must be a positive number"),
    ("order_resubmit", {"retries": -1}, r"retries is -1; use 0 to 10"),
    ("order_resubmit", {"retries": 11}, r"retries is 11; use 0 to 10"),
    ("order_resubmit", {"client_key": "/tmp/key.pem"}, r"client_key is set but client_cert is not"),
    # order_info
    ("order_info", {"created_after": "2026-12-01T22:00:00"},
     r"created_after '2026-12-01T22:00:00' has no UTC offset"),
    ("order_info",
     {"created_after": "2026-12-02T00:00:00Z", "created_before": "2026-12-01T00:00:00Z"},
     r"created_before \(2026-12-01T00:00:00Z\) is earlier than created_after"),
    ("order_info", {"created_after": "1796162400000"},
     r"created_after '1796162400000' .*milliseconds"),
    ("order_info", {"created_before": "2038-01-20T00:00:00Z"},
     r"created_before .*before 2038-01-19"),
    ("order_info", {"created_after": "yesterday"},
     r"created_after 'yesterday' is not a valid time"),
    ("order_info", {"query": "[["}, r"query '\[\[' is not a valid JMESPath expression"),
    ("order_info", {"statuses": []}, r"statuses is an empty list"),
    ("order_info", {"order_types": ["ZZ"]}, r"order_types contains unknown code 'ZZ'"),
    ("order_info", {"vendor_account_ids": []}, r"vendor_account_ids is an empty list"),
    ("order_info", {"vendor_account_ids": [-1]}, r"vendor_account_ids contains -1"),
    ("order_info", {"order_ids": [3000000000]}, r"order_ids contains 3000000000"),
    ("order_info", {"lookback": -5, "created_after": "2026-12-01T22:00:00Z"}, r"lookback is -5"),
    ("order_info", {"lookback": 60}, r"lookback is set but created_after is not"),
    ("order_info", {"list_form": "five"}, r"list_form.*with_end_time, without_end_time"),
    ("order_info", {"concurrency": 0}, r"concurrency is 0"),
    # connect_wait
    ("connect_wait", {"connect_api_key": DROP}, r"connect_api_key is missing"),
    ("connect_wait", {"connect_url": "not a url"}, r"connect_url 'not a url' is not a valid"),
    ("connect_wait", {"wait_timeout": 0}, r"wait_timeout is 0.0"),
    ("connect_wait", {"interval": -1}, r"interval is -1.0"),
    ("connect_wait", {"consecutive_successes": 0}, r"consecutive_successes is 0"),
    ("connect_wait", {"probe": "ping"}, r"probe.*accounts, auth_context"),
    ("connect_wait", {"timeout": -1}, r"timeout is -1.0"),
]


def case_id(case):
    name, changes, _pattern = case
    return "%s-%s" % (name, "-".join(sorted(changes)))


@pytest.mark.parametrize("name, changes, pattern", BAD_INPUT, ids=[case_id(c) for c in BAD_INPUT])
def test_bad_input_fails_before_requests(harness, name, changes, pattern):
    module, base = MODULES[name]
    args = dict(base)
    for key, value in changes.items():
        if value is DROP:
            args.pop(key)
        else:
            args[key] = value
    session = RecordingSession()

    failed, result = harness.run(module, args, session)

    assert failed is True
    assert re.search(pattern, result["msg"]), result["msg"]
    assert session.calls == []
    assert "s3cr3t-in-url" not in str(result)
    assert BILLING_PASSWORD not in str(result)


def test_invalid_input_error_kind(harness):
    failed, result = harness.run(order_info, dict(BILLING, statuses=["XX"]), RecordingSession())
    assert failed is True
    assert result["error"]["kind"] == "invalid_input"


def test_missing_requests_reported(harness, monkeypatch):
    monkeypatch.setattr(_arguments, "REQUESTS_IMPORT_ERROR", "No module named 'requests'")
    session = RecordingSession()
    failed, result = harness.run(order_info, dict(BILLING, order_ids=[1]), session)
    assert failed is True
    assert "Failed to import the required Python library (requests)" in result["msg"]
    assert session.calls == []


def test_missing_jmespath_reported_when_query_set(harness, monkeypatch):
    monkeypatch.setattr(order_info, "jmespath", None)
    monkeypatch.setattr(order_info, "JMESPATH_IMPORT_ERROR", "No module named 'jmespath'")
    session = RecordingSession()
    failed, result = harness.run(order_info, dict(BILLING, order_ids=[1], query="[]"), session)
    assert failed is True
    assert "Failed to import the required Python library (jmespath)" in result["msg"]
    assert session.calls == []


# Connection options

def test_secrets_declared_no_log():
    spec = _arguments.connection_argument_spec()
    assert spec["billing_password"]["no_log"] is True
    assert spec["connect_api_key"]["no_log"] is True


def test_billing_options_from_environment(harness, monkeypatch):
    monkeypatch.setenv("CBC_BILLING_URL", BILLING_URL)
    monkeypatch.setenv("CBC_BILLING_USERNAME", BILLING_USERNAME)
    monkeypatch.setenv("CBC_BILLING_PASSWORD", BILLING_PASSWORD)
    monkeypatch.setenv("CBC_TIMEOUT", "9")
    monkeypatch.setenv("CBC_LANG", "fr")
    session = RecordingSession(responder=FakeBilling([make_order(1)]))
    failed, _result = harness.run(order_info, {"order_ids": [1]}, session)
    call = session.calls[0]
    assert failed is False
    assert call.url == BILLING_URL
    assert call.timeout == 9.0
    assert (call.rpc["Username"], call.rpc["Password"], call.rpc["Lang"]) == \
        (BILLING_USERNAME, BILLING_PASSWORD, "fr")


def test_basic_auth_from_environment(harness, monkeypatch):
    monkeypatch.setenv("CBC_BILLING_AUTH", "basic")
    session = RecordingSession(responder=FakeBilling([make_order(1)]))
    harness.run(order_info, dict(BILLING, order_ids=[1]), session)
    assert session.calls[0].auth == (BILLING_USERNAME, BILLING_PASSWORD)
    assert "Password" not in session.calls[0].rpc


def test_no_auth_needs_no_username(harness):
    session = RecordingSession(responder=FakeBilling([make_order(1)]))
    failed, _result = harness.run(order_info, {"billing_url": BILLING_URL, "billing_auth": "none",
                                               "order_ids": [1]}, session)
    assert failed is False
    assert "Username" not in session.calls[0].rpc


def test_url_credentials_become_basic_auth(harness):
    session = RecordingSession(responder=FakeBilling([make_order(1)]))
    failed, result = harness.run(order_info, {
        "billing_url": "https://url-user:url%40pass@billing.example.com:5224/RPC2",
        "order_ids": [1]}, session)
    call = session.calls[0]
    assert failed is False
    assert call.url == BILLING_URL
    assert call.auth == ("url-user", "url@pass")
    assert "Username" not in call.rpc


def test_retries_option_from_environment(harness, monkeypatch):
    monkeypatch.setenv("CBC_RETRIES", "0")
    fake = FakeBilling([make_order(1)])
    fake.script("GetOrder_API", 1, Reply(503))
    session = RecordingSession(responder=fake)
    failed, result = harness.run(order_info, dict(BILLING, order_ids=[1]), session)
    assert failed is True
    assert len(session.calls) == 1
    assert result["error"]["http_status"] == 503


@pytest.mark.parametrize("settings, verify", [
    ({}, True),
    ({"validate_certs": False}, False),
    ({"ca_path": "CA"}, "CA"),
    ({"ca_path": "CA", "validate_certs": False}, False),
])
def test_tls_options_reach_requests(harness, tmp_path, settings, verify):
    ca_path = tmp_path / "billing-ca.pem"
    ca_path.write_text("not parsed by the fake session")
    settings = dict((key, str(ca_path) if value == "CA" else value)
                    for key, value in settings.items())
    session = RecordingSession(responder=FakeBilling([make_order(1)]))
    harness.run(order_info, dict(BILLING, order_ids=[1], **settings), session)
    assert session.calls[0].verify == (str(ca_path) if verify == "CA" else verify)


@pytest.mark.parametrize("option", ["ca_path", "client_cert"])
def test_missing_tls_file_rejected(harness, tmp_path, option):
    missing = str(tmp_path / "missing.pem")
    session = RecordingSession(responder=FakeBilling([make_order(1)]))
    failed, result = harness.run(order_info, dict(BILLING, order_ids=[1], **{option: missing}),
                                 session)
    assert failed is True
    assert "%s %r is not a readable file" % (option, missing) in result["msg"]
    assert session.calls == []


def test_validate_certs_from_environment(harness, monkeypatch):
    monkeypatch.setenv("CBC_VALIDATE_CERTS", "false")
    session = RecordingSession(responder=FakeBilling([make_order(1)]))
    harness.run(order_info, dict(BILLING, order_ids=[1]), session)
    assert session.calls[0].verify is False


def test_client_certificate_reaches_session(harness, tmp_path):
    cert, key = tmp_path / "c.pem", tmp_path / "k.pem"
    cert.write_text("certificate")
    key.write_text("key")
    session = RecordingSession(responder=FakeBilling([make_order(1)]))
    harness.run(order_info, dict(BILLING, order_ids=[1], client_cert=str(cert),
                                 client_key=str(key)), session)
    assert session.calls[0].cert == (str(cert), str(key))


def test_connect_options_from_environment(harness, monkeypatch):
    monkeypatch.setenv("CBC_CONNECT_URL", CONNECT_URL)
    monkeypatch.setenv("CBC_CONNECT_API_KEY", CONNECT_API_KEY)
    session = RecordingSession([Reply(200, b"[]", JSON_HEADERS)])
    failed, _result = harness.run(connect_wait, {"consecutive_successes": 1}, session)
    assert failed is False
    assert session.calls[0].url == CONNECT_URL + "/accounts"
    assert session.calls[0].headers["Authorization"] == "ApiKey " + CONNECT_API_KEY


def test_order_modules_ignore_connect_options(harness):
    session = RecordingSession(responder=FakeBilling([make_order(1)]))
    failed, _result = harness.run(order_info, dict(BILLING, connect_url="not a url",
                                                   order_ids=[1]), session)
    assert failed is False
