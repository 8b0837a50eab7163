import base64
import xmlrpc.client

import pytest
from conftest import decode_reply, execute_body

from cbsim import billing
from cbsim.billing import BillingApi
from cbsim.orders import default_order, order_signature
from cbsim.store import OrderStore

NOW = 1_700_000_000


def make_order(order_id, **changes):
    order = default_order(order_id, NOW)
    order.status = "PF"
    order.comments = "Provisioning failed: Connect returned 502."
    order.currency = "EUR"
    order.total = 10.5
    order.customer_name = "Müller GmbH"
    order.completed_date = 0
    for name, value in changes.items():
        setattr(order, name, value)
    return order


@pytest.fixture
def store(clock):
    store = OrderStore(provisioning_delay=2.0, monotonic=clock)
    store.load([make_order(1, creation_time=NOW - 100, total=30.0),
                make_order(2, creation_time=NOW, total=10.0, order_type="CH", status="CP"),
                make_order(3, creation_time=NOW + 100, total=20.0, vendor_account_id=1001),
                make_order(4, creation_time=NOW + 200, total=-5.0, order_type="CF")],
               accounts=(1, 1001, 1002))
    return store


def call(api, method, *params, **members):
    return decode_reply(api.execute(execute_body(method, params, **members))[0])


def fault_of(api, body):
    reply = api.execute(body)[0]
    with pytest.raises(xmlrpc.client.Fault) as caught:
        xmlrpc.client.loads(reply)
    return caught.value.faultCode, base64.b64decode(caught.value.faultString).decode("utf-8")


def call_fault(api, method, *params, **members):
    return fault_of(api, execute_body(method, params, **members))


def signature_of(store, order_id):
    return order_signature(store.get(order_id))


# GetOrder_API

def test_get_order_row_layout(store):
    row = call(BillingApi(store), "GetOrder_API", 1)
    assert len(row) == 19
    assert row[0] == 1
    assert row[1] == "SO000001"
    assert row[2] == 1
    assert row[4] == "PF"
    assert row[5] == "SO"
    assert row[6] == NOW - 100
    assert row[8] == 30.0
    assert row[12] == "Provisioning failed: Connect returned 502."
    assert row[17] == "EUR"


def test_get_order_legacy_row(store):
    row = call(BillingApi(store, legacy_rows=True), "GetOrder_API", 1)
    assert len(row) == 17
    assert row[16] == 0


def test_get_order_unknown(store):
    code, text = call_fault(BillingApi(store), "GetOrder_API", 424242)
    assert code == billing.FAULT_NOT_FOUND
    assert text == "Table SalesOrder does not contain row with ID 424242."


def test_get_order_string_id(store):
    code, text = call_fault(BillingApi(store), "GetOrder_API", "1")
    assert code == billing.FAULT_ARGUMENT_TYPE
    assert "must be an integer" in text


def test_get_order_boolean_id(store):
    code = call_fault(BillingApi(store), "GetOrder_API", True)[0]
    assert code == billing.FAULT_ARGUMENT_TYPE


def test_get_order_i8_id(store):
    # xmlrpc.client refuses to send ints above the i4 range, so the body is written by hand.
    body = ("<?xml version='1.0'?><methodCall><methodName>Execute</methodName><params><param><value><struct>"
            "<member><name>Server</name><value><string>BM</string></value></member>"
            "<member><name>Method</name><value><string>GetOrder_API</string></value></member>"
            "<member><name>Params</name><value><array><data><value><i8>2147483648</i8></value></data></array>"
            "</value></member></struct></value></param></params></methodCall>").encode()
    code, text = fault_of(BillingApi(store), body)
    assert code == billing.FAULT_ARGUMENT_TYPE
    assert "32-bit" in text


def test_get_order_argument_count(store):
    code, text = call_fault(BillingApi(store), "GetOrder_API", 1, 2)
    assert code == billing.FAULT_ARGUMENT_COUNT
    assert "expected 1, got 2" in text


# OrderByStatusListGet_API

def test_list_six_argument_form(store):
    rows = call(BillingApi(store), "OrderByStatusListGet_API", 1, "", "PF", NOW - 100, NOW, 0)
    assert [row[0] for row in rows] == [1]


def test_list_five_argument_form(store):
    rows = call(BillingApi(store), "OrderByStatusListGet_API", 1, "", "", NOW - 50, 0)
    assert [row[0] for row in rows] == [2, 4]


def test_list_row_layout(store):
    row = call(BillingApi(store), "OrderByStatusListGet_API", 1, "", "PF", 0, 0, 0)[0]
    assert len(row) == 19
    assert row[2] == 1
    assert row[3] == "Müller GmbH"
    assert row[4] == "PF"
    assert row[18] == "Provisioning failed: Connect returned 502."


def test_list_form_five_rejects_six(store):
    code, text = call_fault(BillingApi(store, list_form="five"), "OrderByStatusListGet_API", 1, "", "PF", 0, 0, 0)
    assert code == billing.FAULT_ARGUMENT_COUNT
    assert "expected 5, got 6" in text


def test_list_form_six_rejects_five(store):
    code, text = call_fault(BillingApi(store, list_form="six"), "OrderByStatusListGet_API", 1, "", "PF", 0, 0)
    assert code == billing.FAULT_ARGUMENT_COUNT
    assert "expected 6, got 5" in text


def test_list_filters_vendor(store):
    rows = call(BillingApi(store), "OrderByStatusListGet_API", 1001, "", "", 0, 0, 0)
    assert [row[0] for row in rows] == [3]


def test_list_filters_type(store):
    rows = call(BillingApi(store), "OrderByStatusListGet_API", 1, "CF", "", 0, 0, 0)
    assert [row[0] for row in rows] == [4]


def test_list_known_account_without_orders(store):
    assert call(BillingApi(store), "OrderByStatusListGet_API", 1002, "", "", 0, 0, 0) == []


def test_list_unknown_account(store):
    code, text = call_fault(BillingApi(store), "OrderByStatusListGet_API", 9, "", "", 0, 0, 0)
    assert code == billing.FAULT_NOT_FOUND
    assert text == "Table Account does not contain row with ID 9."


def test_list_sort_descending_total(store):
    rows = call(BillingApi(store), "OrderByStatusListGet_API", 1, "", "", 0, 0, -9)
    assert [row[0] for row in rows] == [1, 2, 4]


def test_list_sort_ascending_total(store):
    rows = call(BillingApi(store), "OrderByStatusListGet_API", 1, "", "", 0, 0, 9)
    assert [row[0] for row in rows] == [4, 2, 1]


def test_list_sort_out_of_range(store):
    code, text = call_fault(BillingApi(store), "OrderByStatusListGet_API", 1, "", "", 0, 0, 20)
    assert code == billing.FAULT_ARGUMENT_TYPE
    assert "SortNo" in text


def test_list_status_type_checked(store):
    code, text = call_fault(BillingApi(store), "OrderByStatusListGet_API", 1, "", 5, 0, 0, 0)
    assert code == billing.FAULT_ARGUMENT_TYPE
    assert "Parameter 3" in text


# OrderStatusChange_API

def test_status_change_reply(store):
    payload = call(BillingApi(store), "OrderStatusChange_API", 1, "PR", signature_of(store, 1))
    assert payload == {"Status": "Operation done."}
    assert store.get(1).status == "PR"


def test_status_change_records_applied(store):
    api = BillingApi(store)
    write = api.execute(execute_body("OrderStatusChange_API", [1, "PR", signature_of(store, 1)]))[1]
    assert write["result"] == "applied"
    assert write["status_before"] == "PF"
    assert store.writes == [write]


def test_status_change_bad_signature(store):
    api = BillingApi(store)
    code, text = call_fault(api, "OrderStatusChange_API", 1, "PR", "f" * 32)
    assert code == billing.FAULT_SIGNATURE
    assert "Signature of order #1 is invalid" in text
    assert store.get(1).status == "PF"


def test_status_change_records_rejected(store):
    api = BillingApi(store)
    call_fault(api, "OrderStatusChange_API", 1, "PR", "f" * 32)
    write = store.writes[-1]
    assert write["result"] == "rejected"
    assert write["order_id"] == 1
    assert write["target_status"] == "PR"
    assert write["status_before"] == "PF"
    assert write["fault_string"].startswith("Signature of order #1")


def test_status_change_transition(store):
    code, text = call_fault(BillingApi(store), "OrderStatusChange_API", 2, "PR", signature_of(store, 2))
    assert code == billing.FAULT_TRANSITION
    assert text == "Order flow does not allow order #2 to change status from CP to PR."


def test_status_change_unknown_order(store):
    code, text = call_fault(BillingApi(store), "OrderStatusChange_API", 77, "PR", "0" * 32)
    assert code == billing.FAULT_NOT_FOUND
    assert text == "Table SalesOrder does not contain row with ID 77."


def test_status_change_argument_count(store):
    code = call_fault(BillingApi(store), "OrderStatusChange_API", 1, "PR")[0]
    assert code == billing.FAULT_ARGUMENT_COUNT
    assert store.writes[-1]["result"] == "rejected"


def test_status_change_negative_total_signature(store):
    payload = call(BillingApi(store), "OrderStatusChange_API", 4, "PR", signature_of(store, 4))
    assert payload == {"Status": "Operation done."}


# Execute envelope

def test_unknown_server(store):
    code, text = call_fault(BillingApi(store), "GetOrder_API", 1, Server="OA")
    assert code == billing.FAULT_UNKNOWN_SERVER
    assert "Server OA is unknown" in text


def test_unknown_method(store):
    code, text = call_fault(BillingApi(store), "AccountDetailsGet_API", 1)
    assert code == billing.FAULT_UNKNOWN_METHOD
    assert "AccountDetailsGet_API" in text


def test_not_execute(store):
    code = fault_of(BillingApi(store), xmlrpc.client.dumps((1,), "GetOrder").encode())[0]
    assert code == billing.FAULT_UNKNOWN_METHOD


def test_malformed_xml(store):
    code, text = fault_of(BillingApi(store), b"<methodCall><oops")
    assert code == billing.FAULT_MALFORMED_REQUEST
    assert "not valid XML-RPC" in text


def test_params_not_array(store):
    body = xmlrpc.client.dumps(({"Server": "BM", "Method": "GetOrder_API", "Params": 1},), "Execute").encode()
    code = fault_of(BillingApi(store), body)[0]
    assert code == billing.FAULT_MALFORMED_REQUEST


def test_extra_members_ignored(store):
    row = call(BillingApi(store), "GetOrder_API", 1, Lang="en", AutoCommit=True)
    assert row[0] == 1


def test_nil_parameter_rejected(store):
    body = xmlrpc.client.dumps(({"Server": "BM", "Method": "GetOrder_API", "Params": [None]},), "Execute",
                               allow_none=True).encode()
    code = fault_of(BillingApi(store), body)[0]
    assert code == billing.FAULT_ARGUMENT_TYPE


def test_fault_string_is_base64(store):
    reply = BillingApi(store).execute(execute_body("GetOrder_API", [99]))[0]
    with pytest.raises(xmlrpc.client.Fault) as caught:
        xmlrpc.client.loads(reply)
    assert base64.b64decode(caught.value.faultString, validate=True)


# Struct credentials

def test_struct_auth_accepts(store):
    api = BillingApi(store, auth=("struct", "admin", "sécret"))
    row = call(api, "GetOrder_API", 1, Username="admin", Password="sécret")
    assert row[0] == 1


def test_struct_auth_missing(store):
    api = BillingApi(store, auth=("struct", "admin", "sécret"))
    code, text = call_fault(api, "GetOrder_API", 1)
    assert code == billing.FAULT_AUTHENTICATION
    assert "Authentication failed" in text


def test_struct_auth_wrong_password(store):
    api = BillingApi(store, auth=("struct", "admin", "sécret"))
    code, text = call_fault(api, "GetOrder_API", 1, Username="admin", Password="nope")
    assert code == billing.FAULT_AUTHENTICATION
    assert "sécret" not in text


def test_struct_auth_status_change_recorded(store):
    api = BillingApi(store, auth=("struct", "admin", "sécret"))
    call_fault(api, "OrderStatusChange_API", 1, "PR", signature_of(store, 1))
    assert store.writes[-1]["result"] == "rejected"
    assert store.get(1).status == "PF"


def test_list_form_invalid():
    with pytest.raises(ValueError, match="invalid list form"):
        BillingApi(OrderStore(), list_form="seven")
