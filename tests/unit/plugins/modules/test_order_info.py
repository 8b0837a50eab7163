# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""order_info run through main() against a fake Billing on recorded HTTP."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import calendar
import collections

from ansible_collections.cloudblue.commerce.plugins.modules import order_info
from ansible_collections.cloudblue.commerce.tests.unit.plugins.http_recorder import (
    BILLING_PASSWORD,
    BILLING_URL,
    BILLING_USERNAME,
    FakeBilling,
    RecordingSession,
    make_order,
)

LIST, GET = "OrderByStatusListGet_API", "GetOrder_API"
CONNECTION = {"billing_url": BILLING_URL, "billing_username": BILLING_USERNAME,
              "billing_password": BILLING_PASSWORD}
START = calendar.timegm((2026, 12, 1, 22, 0, 0))
END = calendar.timegm((2026, 12, 2, 2, 0, 0))
WINDOW = {"created_after": "2026-12-01T22:00:00Z", "created_before": "2026-12-02T03:00:00+01:00"}


def catalogue():
    """Orders of the provider (1) and a reseller (1000123) around a maintenance window."""
    return FakeBilling([
        make_order(11, creation_time=START + 60),
        make_order(12, creation_time=START - 600, order_type="RN"),
        make_order(13, creation_time=END + 1),
        make_order(14, creation_time=START + 120, status="CP"),
        make_order(21, creation_time=START + 300, vendor_account_id=1000123, order_type="CH"),
        make_order(22, creation_time=START - 7200, vendor_account_id=1000123),
    ])


def run(harness, fake, check_mode=False, **args):
    session = RecordingSession(responder=fake)
    failed, result = harness.run(order_info, dict(CONNECTION, **args), session,
                                 check_mode=check_mode)
    return failed, result, session


def ids(result):
    return [order["order_id"] for order in result["orders"]]


def test_filters_list_each_vendor(harness):
    failed, result, session = run(harness, catalogue(), vendor_account_ids=[1, 1000123], **WINDOW)
    assert failed is False
    assert session.rpc_calls(LIST) == [[1, "", "PF", START, END, 1],
                                       [1000123, "", "PF", START, END, 1]]
    assert ids(result) == [11, 21]


def test_filters_counts_and_window(harness):
    _failed, result, _session = run(harness, catalogue(), vendor_account_ids=[1, 1000123],
                                    **WINDOW)
    assert result["count"] == 2
    assert result["counts"] == {"by_status": {"PF": 2}, "by_type": {"CH": 1, "SO": 1},
                                "by_vendor": {"1": 1, "1000123": 1}}
    assert result["window"] == {"created_after": "2026-12-01T22:00:00Z",
                                "created_before": "2026-12-02T02:00:00Z"}
    assert result["changed"] is False


def test_lookback_widens_start(harness):
    _failed, result, session = run(harness, catalogue(), lookback=900, **WINDOW)
    assert session.rpc_calls(LIST)[0][3] == START - 900
    assert ids(result) == [11, 12]
    assert result["window"]["created_after"] == "2026-12-01T21:45:00Z"


def test_without_end_time_filters_locally(harness):
    _failed, result, session = run(harness, catalogue(), list_form="without_end_time", **WINDOW)
    assert session.rpc_calls(LIST) == [[1, "", "PF", START, 1]]
    assert ids(result) == [11]


def test_open_window_sends_zero(harness):
    _failed, result, session = run(harness, catalogue())
    assert session.rpc_calls(LIST) == [[1, "", "PF", 0, 0, 1]]
    assert ids(result) == [11, 12, 13]
    assert result["window"] == {"created_after": None, "created_before": None}


def test_one_type_filtered_by_server(harness):
    _failed, result, session = run(harness, catalogue(), order_types=["rn"])
    assert session.rpc_calls(LIST)[0][1] == "RN"
    assert ids(result) == [12]


def test_several_types_filtered_locally(harness):
    _failed, result, session = run(harness, catalogue(), order_types=["RN", "CH"],
                                   vendor_account_ids=[1, 1000123])
    assert [params[1] for params in session.rpc_calls(LIST)] == ["", ""]
    assert ids(result) == [12, 21]


def test_several_statuses_one_call_each(harness):
    _failed, result, session = run(harness, catalogue(), statuses=["PF", "CP"], **WINDOW)
    assert [params[2] for params in session.rpc_calls(LIST)] == ["PF", "CP"]
    assert ids(result) == [11, 14]


def test_details_fill_currency(harness):
    _failed, result, session = run(harness, catalogue(), details=True, **WINDOW)
    assert collections.Counter(session.rpc_methods()) == {LIST: 1, GET: 1}
    order = result["orders"][0]
    assert order["currency"] == "USD"
    assert order["customer_name"] == "Customer 1000789"
    assert order["vendor_account_id"] == 1


def test_listed_orders_have_no_currency(harness):
    _failed, result, _session = run(harness, catalogue(), **WINDOW)
    assert result["orders"][0]["currency"] is None


def test_order_ids_read_each(harness):
    _failed, result, session = run(harness, catalogue(), order_ids=[21, 14, 99], **WINDOW)
    assert collections.Counter(session.rpc_methods()) == {GET: 3}
    assert ids(result) == [14, 21]
    assert result["not_found"] == [99]
    assert result["window"] == {"created_after": None, "created_before": None}


def test_order_ids_empty_reads_nothing(harness):
    failed, result, session = run(harness, catalogue(), order_ids=[])
    assert failed is False
    assert result["orders"] == []
    assert session.calls == []


def test_query_result(harness):
    _failed, result, _session = run(harness, catalogue(), vendor_account_ids=[1, 1000123],
                                    query="[?order_type=='CH'].order_number", **WINDOW)
    assert result["query_result"] == ["SO000021"]


def test_no_query_no_result_key(harness):
    _failed, result, _session = run(harness, catalogue())
    assert "query_result" not in result


def test_check_mode_reads_the_same(harness):
    _failed, normal, _session = run(harness, catalogue(), **WINDOW)
    _failed, checked, session = run(harness, catalogue(), check_mode=True, **WINDOW)
    assert checked["orders"] == normal["orders"]
    assert session.rpc_methods() == [LIST]


def test_public_order_shape(harness):
    _failed, result, _session = run(harness, catalogue(), order_ids=[11])
    assert sorted(result["orders"][0]) == sorted([
        "order_id", "order_number", "vendor_account_id", "customer_id", "customer_name",
        "status", "status_name", "order_type", "creation_time", "creation_timestamp", "total",
        "currency", "comments"])
    assert result["orders"][0]["creation_time"] == "2026-12-01T22:01:00Z"


def test_concurrency_bounds_listing(harness):
    fake = FakeBilling([make_order(order_id, vendor_account_id=order_id)
                        for order_id in range(1, 9)])
    session = RecordingSession(responder=fake, delay=0.02)
    failed, result = harness.run(order_info, dict(CONNECTION, vendor_account_ids=list(range(1, 9)),
                                                  concurrency=2), session)
    assert failed is False
    assert result["count"] == 8
    assert session.in_flight_max == 2
