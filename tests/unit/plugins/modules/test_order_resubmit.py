# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""order_resubmit run through main() against a fake Billing on recorded HTTP."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import functools
import json

import pytest

from ansible_collections.cloudblue.commerce.plugins.module_utils._resubmit import Resubmitter
from ansible_collections.cloudblue.commerce.plugins.modules import order_resubmit
from ansible_collections.cloudblue.commerce.tests.unit.plugins.http_recorder import (
    BILLING_PASSWORD,
    BILLING_URL,
    BILLING_USERNAME,
    FakeBilling,
    FakeClock,
    RecordingSession,
    Reply,
    billing_fault,
    connection_error,
    make_order,
)

GET, CHANGE = "GetOrder_API", "OrderStatusChange_API"
CONNECTION = {"billing_url": BILLING_URL, "billing_username": BILLING_USERNAME,
              "billing_password": BILLING_PASSWORD}
REFUSED = "Order status transition from PF to PR is not allowed by the order flow."


@pytest.fixture
def clock(monkeypatch):
    """Let the engine sleep on a fake clock, so waits and write retries take no time."""
    fake_clock = FakeClock()
    monkeypatch.setattr(order_resubmit, "Resubmitter",
                        functools.partial(Resubmitter, clock=fake_clock, sleep=fake_clock.sleep))
    return fake_clock


def run(harness, fake, check_mode=False, diff=False, **args):
    session = RecordingSession(responder=fake)
    failed, result = harness.run(order_resubmit, dict(CONNECTION, **args), session,
                                 check_mode=check_mode, diff=diff)
    return failed, result, session


def ids(entries):
    return [entry["order_id"] for entry in entries]


# Check mode and diff

def test_check_mode_reads_only(harness, clock):
    fake = FakeBilling([make_order(1), make_order(2, status="CP")])
    failed, result, session = run(harness, fake, check_mode=True, order_ids=[1, 2, 3])
    assert failed is False
    assert session.rpc_methods() == [GET, GET, GET]
    assert fake.changes == []
    assert result["changed"] is True
    assert ids(result["would_resubmit"]) == [1]


def test_check_mode_summary(harness, clock):
    fake = FakeBilling([make_order(1), make_order(2, status="CP")])
    _failed, result, _session = run(harness, fake, check_mode=True, order_ids=[1, 2, 3])
    assert result["summary"] == {"requested": 3, "eligible": 1, "resubmitted": 1, "skipped": 2,
                                 "errors": 0, "completed": 0, "failed_again": 0,
                                 "in_progress": 0}


def test_check_mode_diff(harness, clock):
    fake = FakeBilling([make_order(1), make_order(2), make_order(3, status="CP")])
    _failed, result, _session = run(harness, fake, check_mode=True, diff=True,
                                    order_ids=[1, 2, 3])
    assert result["diff"] == {"before": {"order_status": {"1": "PF", "2": "PF"}},
                              "after": {"order_status": {"1": "PR", "2": "PR"}}}


def test_check_mode_ignores_wait(harness, clock):
    fake = FakeBilling([make_order(1)])
    _failed, result, session = run(harness, fake, check_mode=True, order_ids=[1], wait=True)
    assert session.rpc_methods() == [GET]
    assert result["outcomes"] == []
    assert clock.sleeps == []


def test_diff_absent_without_diff_mode(harness, clock):
    _failed, result, _session = run(harness, FakeBilling([make_order(1)]), order_ids=[1])
    assert "diff" not in result


def test_diff_after_real_run(harness, clock):
    fake = FakeBilling([make_order(1), make_order(2)])
    fake.script(CHANGE, 2, billing_fault(3, REFUSED))
    _failed, result, _session = run(harness, fake, diff=True, order_ids=[1, 2],
                                    fail_on_order_errors=False)
    assert result["diff"]["after"] == {"order_status": {"1": "PR", "2": "PF"}}


# changed and failed

def test_all_accepted_changed(harness, clock):
    fake = FakeBilling([make_order(1), make_order(2)])
    failed, result, session = run(harness, fake, order_ids=[2, 1, 2])
    assert failed is False
    assert result["changed"] is True
    assert ids(result["resubmitted"]) == [1, 2]
    assert collections.Counter(session.rpc_methods()) == {GET: 2, CHANGE: 2}
    assert sorted(fake.changes) == [(1, "PR"), (2, "PR")]


def test_nothing_to_do_unchanged(harness, clock):
    fake = FakeBilling([make_order(1, status="CP"), make_order(2, status="PR")])
    failed, result, session = run(harness, fake, order_ids=[1, 2, 3])
    assert failed is False
    assert result["changed"] is False
    assert CHANGE not in session.rpc_methods()


def test_second_run_sends_nothing(harness, clock):
    fake = FakeBilling([make_order(1)])
    run(harness, fake, order_ids=[1])
    _failed, result, session = run(harness, fake, order_ids=[1])
    assert result["changed"] is False
    assert session.rpc_methods() == [GET]


def test_all_rejected_fails_unchanged(harness, clock):
    fake = FakeBilling([make_order(1), make_order(2)])
    fake.script(CHANGE, 1, billing_fault(3, REFUSED))
    fake.script(CHANGE, 2, billing_fault(3, REFUSED))
    failed, result, _session = run(harness, fake, order_ids=[1, 2])
    assert failed is True
    assert result["changed"] is False
    assert result["msg"] == ("2 of 2 orders failed; see errors for each order's error. "
                             "0 status changes were applied")
    assert [entry["error"]["kind"] for entry in result["errors"]] == ["transition_not_allowed"] * 2


def test_mixed_fails_but_changed(harness, clock):
    fake = FakeBilling([make_order(1), make_order(2)])
    fake.script(CHANGE, 2, billing_fault(3, REFUSED))
    failed, result, _session = run(harness, fake, order_ids=[1, 2])
    assert failed is True
    assert result["changed"] is True
    assert ids(result["resubmitted"]) == [1]
    assert ids(result["errors"]) == [2]


def test_rejected_order_counted_eligible(harness, clock):
    fake = FakeBilling([make_order(1), make_order(2)])
    fake.script(CHANGE, 2, billing_fault(3, REFUSED))
    _failed, result, _session = run(harness, fake, order_ids=[1, 2])
    assert ids(result["would_resubmit"]) == [1, 2]
    assert result["summary"]["eligible"] == 2


def test_mixed_tolerated_when_asked(harness, clock):
    fake = FakeBilling([make_order(1), make_order(2)])
    fake.script(CHANGE, 2, billing_fault(3, REFUSED))
    failed, result, _session = run(harness, fake, order_ids=[1, 2], fail_on_order_errors=False)
    assert failed is False
    assert result["changed"] is True
    assert result["summary"]["errors"] == 1


def test_empty_order_ids_does_nothing(harness, clock):
    failed, result, session = run(harness, FakeBilling(), order_ids=[])
    assert failed is False
    assert result["changed"] is False
    assert session.calls == []


# Lost replies, retries, waiting

def test_lost_reply_reconciled(harness, clock):
    fake = FakeBilling([make_order(1)])
    fake.script(CHANGE, 1, connection_error("Connection reset by peer"), apply=True)
    failed, result, session = run(harness, fake, order_ids=[1])
    assert failed is False
    assert session.rpc_methods() == [GET, CHANGE, GET]
    assert result["resubmitted"][0]["reconciled"] is True
    assert fake.changes == [(1, "PR")]


def test_retry_warning_emitted(harness, clock):
    fake = FakeBilling([make_order(1)])
    fake.script(GET, 1, Reply(503))
    run(harness, fake, order_ids=[1])
    assert len(harness.warnings) == 1
    assert harness.warnings[0].startswith("GetOrder_API failed: HTTP 503 from %s; retry 1 of 3"
                                          % BILLING_URL)


def test_retries_option_bounds_write_attempts(harness, clock):
    fake = FakeBilling([make_order(1)])
    for _attempt in range(2):
        fake.script(CHANGE, 1, Reply(503))
    failed, result, session = run(harness, fake, order_ids=[1], retries=1)
    assert failed is True
    assert session.rpc_methods() == [GET, CHANGE, GET, CHANGE, GET]
    assert result["errors"][0]["error"]["http_status"] == 503


def test_wait_reports_outcomes(harness, clock):
    fake = FakeBilling([make_order(1), make_order(2), make_order(3)])
    fake.after_change[1] = {"status": "CP"}
    fake.after_change[2] = {"status": "PF", "comments": "Subscription #4411 already exists"}
    failed, result, _session = run(harness, fake, order_ids=[1, 2, 3], wait=True,
                                   wait_timeout=60, poll_interval=20)
    outcomes = dict((item["order_id"], (item["outcome"], item["reason_code"]))
                    for item in result["outcomes"])
    assert failed is False
    assert outcomes == {1: ("completed", None), 2: ("failed_again", "already_exists"),
                        3: ("in_progress", "wait_timed_out")}
    assert (result["summary"]["completed"], result["summary"]["failed_again"],
            result["summary"]["in_progress"]) == (1, 1, 1)
    assert clock.sleeps == [20, 20, 20]


def test_wait_never_resubmits_again(harness, clock):
    fake = FakeBilling([make_order(1)])
    fake.after_change[1] = {"status": "PF", "comments": "Vendor rejected the request"}
    _failed, _result, session = run(harness, fake, order_ids=[1], wait=True, wait_timeout=60,
                                    poll_interval=20)
    assert session.rpc_methods().count(CHANGE) == 1


def test_currency_precision_used_for_signature(harness, clock):
    fake = FakeBilling([make_order(1, currency="JPY", total=1250.0)], precision={"JPY": 0})
    failed, result, _session = run(harness, fake, order_ids=[1], currency_precision={"JPY": 0})
    assert failed is False
    assert fake.changes == [(1, "PR")]


def test_rate_limit_reaches_transport(harness, clock):
    run(harness, FakeBilling([make_order(1)]), order_ids=[1], rate_limit=5)
    assert harness.transports[0].rate_limiter.interval == 0.2


def test_concurrency_reaches_transport(harness, clock):
    fake = FakeBilling([make_order(order_id) for order_id in range(1, 9)])
    session = RecordingSession(responder=fake, delay=0.02)
    failed, result = harness.run(order_resubmit, dict(CONNECTION, order_ids=list(range(1, 9)),
                                                      concurrency=3), session)
    assert failed is False
    assert len(result["resubmitted"]) == 8
    assert session.in_flight_max == 3


def test_target_status_sent(harness, clock):
    fake = FakeBilling([make_order(1)])
    _failed, _result, session = run(harness, fake, order_ids=[1], target_status="pd")
    assert session.rpc_calls(CHANGE)[0][1] == "PD"


# Guards

def test_max_orders_refused_before_any_call(harness, clock):
    failed, result, session = run(harness, FakeBilling(), order_ids=[1, 2, 3], max_orders=2)
    assert failed is True
    assert "order_ids has 3 distinct orders, more than max_orders (2); nothing was sent" in \
        result["msg"]
    assert session.calls == []


def test_max_orders_counts_distinct_ids(harness, clock):
    failed, _result, _session = run(harness, FakeBilling([make_order(5)]), order_ids=[5, 5, 5],
                                    max_orders=1)
    assert failed is False


def test_no_password_in_output(harness, clock):
    fake = FakeBilling([make_order(1), make_order(2)])
    fake.script(CHANGE, 2, billing_fault(5, "Login failed: password %s is wrong"
                                         % BILLING_PASSWORD))
    failed, result, _session = run(harness, fake, order_ids=[1, 2])
    assert failed is True
    assert BILLING_PASSWORD not in json.dumps(result)
