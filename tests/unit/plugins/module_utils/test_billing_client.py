# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Billing XML-RPC client against recorded HTTP: request shape, faults, retries, rows."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import xmlrpc.client

import pytest

from ansible_collections.cloudblue.commerce.plugins.module_utils import _billing
from ansible_collections.cloudblue.commerce.plugins.module_utils import _errors as errors
from ansible_collections.cloudblue.commerce.tests.unit.plugins.http_recorder import (
    BILLING_PASSWORD,
    BILLING_URL,
    BILLING_USERNAME,
    XML_HEADERS,
    Reply,
    billing_fault,
    billing_reply,
    billing_rig,
    connection_error,
    listed_row,
    make_order,
    order_row,
    read_timeout,
    rpc_result,
    ssl_error,
)

ORDER = make_order(1234, comments="Test order")


# Request shape

def test_execute_posts_struct_to_endpoint():
    client, rig = billing_rig([billing_reply(order_row(ORDER))])
    client.get_order(1234)
    call = rig.session.calls[0]
    assert call.method == "POST"
    assert call.url == BILLING_URL
    assert call.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert call.timeout == 12.0
    assert call.rpc == {"Server": "BM", "Method": "GetOrder_API", "Params": [1234],
                        "Username": BILLING_USERNAME, "Password": BILLING_PASSWORD}


def test_execute_sends_lang_when_set():
    client, rig = billing_rig([billing_reply(order_row(ORDER))], lang="de")
    client.get_order(1234)
    assert rig.session.calls[0].rpc["Lang"] == "de"


def test_execute_never_sends_nil():
    client, rig = billing_rig([billing_reply([])])
    client.list_orders(1, start_time=0, end_time=0)
    assert b"<nil" not in rig.session.calls[0].body
    assert "Lang" not in rig.session.calls[0].rpc


def test_basic_auth_uses_http_header():
    client, rig = billing_rig([billing_reply(order_row(ORDER))], auth_mode="basic")
    client.get_order(1234)
    call = rig.session.calls[0]
    assert call.auth == (BILLING_USERNAME, BILLING_PASSWORD)
    assert "Username" not in call.rpc
    assert "Password" not in call.rpc


def test_no_auth_sends_no_credentials():
    client, rig = billing_rig([billing_reply(order_row(ORDER))], auth_mode="none")
    client.get_order(1234)
    call = rig.session.calls[0]
    assert call.auth is None
    assert sorted(call.rpc) == ["Method", "Params", "Server"]


def test_struct_auth_needs_username():
    _client, rig = billing_rig()
    with pytest.raises(errors.InvalidInputError, match="billing_username is missing"):
        _billing.BillingClient(rig.transport, auth_mode="struct", username=None)


def test_unknown_auth_mode_rejected():
    _client, rig = billing_rig()
    with pytest.raises(errors.InvalidInputError, match="billing_auth 'digest' is invalid"):
        _billing.BillingClient(rig.transport, auth_mode="digest", username="u")


def test_list_with_end_time_sends_six_params():
    client, rig = billing_rig([billing_reply([])])
    client.list_orders(1000123, order_type="SO", status="PF", start_time=10, end_time=20)
    assert rig.session.rpc_calls("OrderByStatusListGet_API") == [[1000123, "SO", "PF", 10, 20, 1]]


def test_list_without_end_time_sends_five_params():
    client, rig = billing_rig([billing_reply([])])
    client.list_orders(1, status="PF", start_time=10, end_time=20, list_form="without_end_time")
    assert rig.session.rpc_calls("OrderByStatusListGet_API") == [[1, "", "PF", 10, 1]]


def test_list_form_invalid_rejected():
    client, rig = billing_rig()
    with pytest.raises(errors.InvalidInputError, match="list_form 'seven' is invalid"):
        client.list_orders(1, list_form="seven")
    assert rig.session.calls == []


# Values checked before sending

def test_unset_parameter_rejected_before_sending():
    client, rig = billing_rig()
    with pytest.raises(errors.InvalidInputError, match="parameter 2 is unset"):
        client.execute("OrderStatusChange_API", [1234, None, "abc"])
    assert rig.session.calls == []


def test_epoch_milliseconds_rejected_before_sending():
    client, rig = billing_rig()
    with pytest.raises(errors.InvalidInputError, match="epoch time in milliseconds") as caught:
        client.list_orders(1, start_time=1796162400000)
    assert "OrderByStatusListGet_API parameter 4" in caught.value.message
    assert rig.session.calls == []


def test_time_after_2038_rejected_before_sending():
    client, rig = billing_rig()
    with pytest.raises(errors.InvalidInputError, match="after 2038-01-19"):
        client.list_orders(1, end_time=2 ** 31)
    assert rig.session.calls == []


@pytest.mark.parametrize("order_id", [2 ** 31, -(2 ** 31) - 1])
def test_order_id_outside_i4_rejected(order_id):
    client, rig = billing_rig()
    with pytest.raises(errors.InvalidInputError, match="order id .* outside the XML-RPC i4 range"):
        client.get_order(order_id)
    assert rig.session.calls == []


def test_vendor_id_not_integer_rejected():
    client, rig = billing_rig()
    with pytest.raises(errors.InvalidInputError, match="vendor account id must be an integer"):
        client.list_orders("1")
    assert rig.session.calls == []


def test_i4_bounds_accepted():
    assert _billing.check_i4(2 ** 31 - 1, "x") == 2 ** 31 - 1
    assert _billing.check_i4(-(2 ** 31), "x") == -(2 ** 31)


def test_i4_rejects_bool():
    with pytest.raises(errors.InvalidInputError, match="must be an integer"):
        _billing.check_i4(True, "order id")


# Faults

FAULTS = [
    ("Table SalesOrder does not contain row with ID 99999999.", errors.OrderNotFoundError,
     "not_found"),
    ("Invalid signature for order 1234.", errors.SignatureError, "bad_signature"),
    ("Order status transition from CP to PR is not allowed by the order flow.",
     errors.TransitionError, "transition_not_allowed"),
    ("Subscription #1000123 already exists.", errors.AlreadyExistsError, "already_exists"),
    ("Provisioning error #2007.", errors.AlreadyExistsError, "already_exists"),
    ("Authentication failed: wrong password for user api-user.",
     errors.BillingAuthenticationFault, "authentication"),
    ("Access denied to method OrderStatusChange_API.", errors.BillingAuthenticationFault,
     "authentication"),
    ("Internal error: deadlock detected, transaction rolled back.", errors.BillingFault, "fault"),
]


@pytest.mark.parametrize("text, error_class, kind", FAULTS)
def test_fault_kind(text, error_class, kind):
    client, rig = billing_rig([billing_fault(17, text)])
    with pytest.raises(error_class) as caught:
        client.get_order(1234)
    assert caught.value.kind == kind
    assert caught.value.fault_code == 17
    assert caught.value.fault_text == text
    assert caught.value.operation == "GetOrder_API"
    assert caught.value.order_id == 1234
    assert text in caught.value.message


def test_auth_fault_is_authentication_error():
    client, _rig = billing_rig([billing_fault(5, "Login failed: invalid credentials.")])
    with pytest.raises(errors.AuthenticationError):
        client.get_order(1234)


@pytest.mark.parametrize("text, error_class", [(text, cls) for text, cls, _kind in FAULTS])
def test_fault_never_retried(text, error_class):
    client, rig = billing_rig([billing_fault(17, text)], retries=3)
    with pytest.raises(error_class):
        client.get_order(1234)
    assert len(rig.session.calls) == 1
    assert rig.sleeps == []


def test_fault_plain_text_shown_as_sent():
    text = "Order is locked by another operation"
    client, _rig = billing_rig([billing_fault(8, text, encoding="plain")])
    with pytest.raises(errors.BillingFault) as caught:
        client.get_order(1234)
    assert caught.value.fault_text == text
    assert caught.value.fault_code == 8


@pytest.mark.parametrize("word", ["Unauthorized", "NotFound", "AccessDenied", "InvalidOrder"])
def test_fault_plain_word_not_base64_decoded(word):
    # These words are valid base64 too, but decode to bytes that are not text.
    client, _rig = billing_rig([billing_fault(9, word, encoding="plain")])
    with pytest.raises(errors.BillingFault) as caught:
        client.get_order(1234)
    assert caught.value.fault_text == word


def test_fault_latin1_base64_shown_with_replacement():
    encoded = base64.b64encode(u"Transition vers l'état PR refusée".encode("latin-1"))
    client, _rig = billing_rig([billing_fault(4, encoded.decode("ascii"), encoding="plain")])
    with pytest.raises(errors.TransitionError) as caught:
        client.get_order(1234)
    assert caught.value.fault_text == u"Transition vers l'\ufffdtat PR refus\ufffde"
    assert caught.value.fault_code == 4


def test_fault_binary_base64_kept_as_sent():
    encoded = base64.b64encode(bytes(range(256))).decode("ascii")
    client, _rig = billing_rig([billing_fault(6, encoded, encoding="plain")])
    with pytest.raises(errors.BillingFault) as caught:
        client.get_order(1234)
    assert caught.value.fault_text == encoded
    assert caught.value.fault_code == 6


def test_fault_non_ascii_utf8_decoded():
    text = u"Заказ 1234 не найден: does not contain row with ID 1234"
    client, _rig = billing_rig([billing_fault(1, text)])
    with pytest.raises(errors.OrderNotFoundError) as caught:
        client.get_order(1234)
    assert caught.value.fault_text == text


def test_fault_empty_text():
    client, _rig = billing_rig([billing_fault(3, "", encoding="plain")])
    with pytest.raises(errors.BillingFault) as caught:
        client.get_order(1234)
    assert caught.value.fault_text == ""
    assert caught.value.fault_code == 3


@pytest.mark.parametrize("value", [None, 42, "   ", "===="])
def test_decode_fault_text_never_raises(value):
    assert isinstance(_billing.decode_fault_text(value), str)


# HTTP statuses, transport errors and retries

@pytest.mark.parametrize("status", [401, 403])
def test_http_auth_status_raises(status):
    client, rig = billing_rig([Reply(status, b"denied")])
    with pytest.raises(errors.AuthenticationError, match="check billing_username") as caught:
        client.get_order(1234)
    assert caught.value.http_status == status
    assert len(rig.session.calls) == 1


def test_http_500_not_retried():
    client, rig = billing_rig([Reply(500, b"x" * 2000)])
    with pytest.raises(errors.HTTPStatusError) as caught:
        client.get_order(1234)
    assert caught.value.http_status == 500
    assert caught.value.body == "x" * 500 + "...(truncated)"
    assert len(rig.session.calls) == 1


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_transient_status_retried(status):
    client, rig = billing_rig([Reply(status), billing_reply(order_row(ORDER))])
    assert client.get_order(1234)["order_id"] == 1234
    assert len(rig.session.calls) == 2
    assert len(rig.sleeps) == 1


def test_transient_statuses_mixed_then_success():
    replies = [Reply(503), Reply(502), Reply(504), billing_reply(order_row(ORDER))]
    client, rig = billing_rig(replies, retries=3)
    client.get_order(1234)
    assert len(rig.session.calls) == 4
    assert [call.body for call in rig.session.calls[1:]] == [rig.session.calls[0].body] * 3


def test_retries_exhausted_raise_last_status():
    client, rig = billing_rig([Reply(503)] * 4, retries=3)
    with pytest.raises(errors.HTTPStatusError) as caught:
        client.get_order(1234)
    assert caught.value.http_status == 503
    assert len(rig.session.calls) == 4
    assert len(rig.sleeps) == 3


def test_backoff_grows_with_jitter_and_cap():
    client, rig = billing_rig([Reply(503)] * 9, retries=8)
    with pytest.raises(errors.HTTPStatusError):
        client.get_order(1234)
    caps = [min(30.0, 0.5 * 2 ** attempt) for attempt in range(8)]
    for delay, cap in zip(rig.sleeps, caps):
        assert cap / 2 <= delay <= cap
    assert max(rig.sleeps) <= 30.0


def test_connection_error_retried():
    client, rig = billing_rig([connection_error(), billing_reply(order_row(ORDER))])
    assert client.get_order(1234)["status"] == "PF"
    assert len(rig.session.calls) == 2


def test_read_timeout_retried():
    client, rig = billing_rig([read_timeout(), read_timeout(), billing_reply(order_row(ORDER))])
    assert client.get_order(1234)["status"] == "PF"
    assert len(rig.session.calls) == 3


def test_timeouts_exhausted_name_endpoint():
    client, rig = billing_rig([read_timeout()] * 2, retries=1)
    with pytest.raises(errors.RequestTimeoutError) as caught:
        client.get_order(1234)
    assert BILLING_URL in caught.value.message
    assert "GetOrder_API timed out after 12.0 s" in caught.value.message
    assert len(rig.session.calls) == 2


def test_tls_error_not_retried():
    client, rig = billing_rig([ssl_error()])
    with pytest.raises(errors.TLSError) as caught:
        client.get_order(1234)
    assert "ca_path" in caught.value.message
    assert "validate_certs" in caught.value.message
    assert len(rig.session.calls) == 1


def test_write_sent_once_on_transient_status():
    client, rig = billing_rig([Reply(503)], retries=3)
    with pytest.raises(errors.HTTPStatusError):
        client.change_status(1234, "PR", "abc")
    assert rig.session.rpc_methods() == ["OrderStatusChange_API"]


def test_write_sent_once_on_lost_reply():
    client, rig = billing_rig([read_timeout()], retries=3)
    with pytest.raises(errors.TransportError) as caught:
        client.change_status(1234, "PR", "abc")
    assert caught.value.reply_received is False
    assert len(rig.session.calls) == 1


def test_change_status_params():
    client, rig = billing_rig([billing_reply({"Status": "Operation done."})])
    assert client.change_status(1234, "PR", "cbd9") == {"Status": "Operation done."}
    assert rig.session.rpc_calls("OrderStatusChange_API") == [[1234, "PR", "cbd9"]]


# Reply parsing

def test_html_reply_is_protocol_error():
    client, _rig = billing_rig([Reply(200, b"<html><body>Gateway login</body></html>")])
    with pytest.raises(errors.ProtocolError, match="is not an XML-RPC response") as caught:
        client.get_order(1234)
    assert caught.value.body == "<html><body>Gateway login</body></html>"


def test_reply_without_result_is_protocol_error():
    body = xmlrpc.client.dumps(({"Status": "ok"},), methodresponse=True).encode("utf-8")
    client, _rig = billing_rig([Reply(200, body, XML_HEADERS)])
    with pytest.raises(errors.ProtocolError, match="has no Result member"):
        client.get_order(1234)


def test_reply_with_i8_and_nil_parses():
    row = order_row(dict(ORDER, comments=None))
    row[18] = 7777777
    body = rpc_result(row).replace(b"<int>7777777</int>", b"<i8>4102444800</i8>")
    client, _rig = billing_rig([Reply(200, body, XML_HEADERS)])
    order = client.get_order(1234)
    assert order["completed_date"] == 4102444800
    assert order["comments"] is None


def test_order_row_nineteen_fields():
    order = _billing.decode_order_row(order_row(ORDER))
    assert order["order_number"] == "SO001234"
    assert order["vendor_account_id"] == 1
    assert order["currency"] == "USD"
    assert order["comments"] == "Test order"
    assert order["customer_name"] is None


def test_order_row_seventeen_fields():
    order = _billing.decode_order_row(order_row(ORDER)[:17])
    assert order["currency"] is None
    assert order["completed_date"] is None
    assert order["sales_person_id"] == 0


@pytest.mark.parametrize("row", [order_row(ORDER)[:18], order_row(ORDER) + [0], "row", None])
def test_order_row_wrong_shape(row):
    with pytest.raises(errors.ProtocolError, match="expected 17 or 19"):
        _billing.decode_order_row(row)


def test_listed_row_fields():
    order = _billing.decode_listed_row(listed_row(ORDER), 1000123)
    assert order["vendor_account_id"] == 1000123
    assert order["customer_name"] == "Customer 1000789"
    assert order["comments"] == "Test order"
    assert order["currency"] is None


def test_listed_row_wrong_length():
    with pytest.raises(errors.ProtocolError, match="expected 19"):
        _billing.decode_listed_row(listed_row(ORDER)[:17], 1)


def test_get_order_other_id_is_protocol_error():
    client, _rig = billing_rig([billing_reply(order_row(make_order(4321)))])
    with pytest.raises(errors.ProtocolError, match="returned order 4321"):
        client.get_order(1234)


def test_list_orders_decodes_rows():
    orders = [make_order(1), make_order(2, order_type="RN")]
    client, _rig = billing_rig([billing_reply([listed_row(order) for order in orders])])
    listed = client.list_orders(1)
    assert [order["order_id"] for order in listed] == [1, 2]
    assert listed[1]["order_type"] == "RN"


@pytest.mark.parametrize("payload", [[], None])
def test_list_orders_empty(payload):
    body = xmlrpc.client.dumps(({"Result": payload if payload is None else [payload]},),
                               methodresponse=True, allow_none=True).encode("utf-8")
    client, _rig = billing_rig([Reply(200, body, XML_HEADERS)])
    assert client.list_orders(1) == []


def test_list_orders_not_a_list():
    client, _rig = billing_rig([billing_reply({"Status": "odd"})])
    with pytest.raises(errors.ProtocolError, match="instead of a list of rows"):
        client.list_orders(1)
