# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Resubmission engine against a fake Billing on recorded HTTP.

The recorded calls show that check mode sends no status change, that a lost reply is followed
by a GetOrder_API re-read instead of a blind resend, and that permanent faults are sent once.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import time

import pytest

from ansible_collections.cloudblue.commerce.plugins.module_utils._resubmit import Resubmitter
from ansible_collections.cloudblue.commerce.tests.unit.plugins.http_recorder import (
    FakeBilling,
    FakeClock,
    Reply,
    billing_fault,
    billing_rig,
    connection_error,
    make_order,
    read_timeout,
    reference_signature,
)

GET, CHANGE = "GetOrder_API", "OrderStatusChange_API"


def make_engine(orders, check_mode=False, concurrency=1, retries=3, delay=0.0,
                failed_statuses=("PF",)):
    fake = FakeBilling(orders)
    client, rig = billing_rig(responder=fake, retries=retries, concurrency=concurrency,
                              delay=delay)
    clock = FakeClock()
    engine = Resubmitter(client, failed_statuses, "PR", check_mode=check_mode,
                         concurrency=concurrency, write_attempts=retries + 1,
                         retry_policy=rig.policy, clock=clock, sleep=clock.sleep)
    return engine, fake, rig, clock


def ids(entries):
    return [entry["order_id"] for entry in entries]


# Eligibility and check mode

def test_check_mode_sends_no_change():
    engine, fake, rig, _clock = make_engine([make_order(1), make_order(2, status="CP")],
                                            check_mode=True)
    report = engine.resubmit([1, 2, 3])
    assert rig.session.rpc_methods() == [GET, GET, GET]
    assert fake.changes == []
    assert ids(report["would_resubmit"]) == [1]
    assert ids(report["resubmitted"]) == [1]
    assert report["resubmitted"][0]["attempts"] == 0


def test_check_mode_predicts_status():
    engine, _fake, _rig, _clock = make_engine([make_order(1)], check_mode=True)
    planned = engine.resubmit([1])["would_resubmit"][0]
    assert (planned["status_before"], planned["status"]) == ("PF", "PR")


def test_skips_carry_reasons():
    engine, _fake, rig, _clock = make_engine([make_order(2, status="CP")])
    report = engine.resubmit([2, 3])
    reasons = dict((entry["order_id"], entry["reason"]) for entry in report["skipped"])
    assert reasons == {2: "not_failed", 3: "not_found"}
    assert CHANGE not in rig.session.rpc_methods()


def test_resubmit_signs_fresh_read():
    order = make_order(1, comments=u"Connect: 502 Bad Gateway — retry later")
    engine, fake, rig, _clock = make_engine([order])
    report = engine.resubmit([1])
    assert rig.session.rpc_methods() == [GET, CHANGE]
    assert rig.session.rpc_calls(CHANGE) == [[1, "PR", reference_signature(order)]]
    assert fake.orders[1]["status"] == "PR"
    assert report["resubmitted"][0]["attempts"] == 1
    assert report["resubmitted"][0]["reconciled"] is False


def test_results_sorted_and_planned_dropped():
    engine, _fake, _rig, _clock = make_engine([make_order(order_id) for order_id in (9, 4, 7)],
                                              concurrency=3)
    report = engine.resubmit([9, 4, 7])
    assert ids(report["resubmitted"]) == [4, 7, 9]
    assert ids(report["would_resubmit"]) == [4, 7, 9]
    assert "planned" not in report["resubmitted"][0]


def test_custom_failed_set():
    engine, fake, _rig, _clock = make_engine([make_order(1, status="SF"), make_order(2)],
                                             failed_statuses=("PF", "SF"))
    engine.resubmit([1, 2])
    assert sorted(fake.changes) == [(1, "PR"), (2, "PR")]


# Lost replies

def test_lost_reply_applied_counted_once():
    engine, fake, rig, _clock = make_engine([make_order(1)])
    fake.script(CHANGE, 1, connection_error("Connection reset by peer"), apply=True)
    report = engine.resubmit([1])
    assert rig.session.rpc_methods() == [GET, CHANGE, GET]
    assert fake.changes == [(1, "PR")]
    assert report["resubmitted"][0]["reconciled"] is True
    assert report["resubmitted"][0]["attempts"] == 1
    assert report["errors"] == []


def test_lost_reply_applied_then_failed_again():
    engine, fake, rig, _clock = make_engine([make_order(1, comments="Connect: 502")])
    fake.after_change[1] = {"status": "PF", "comments": "Subscription #77 already exists"}
    fake.script(CHANGE, 1, read_timeout(), apply=True)
    report = engine.resubmit([1])
    assert rig.session.rpc_methods() == [GET, CHANGE, GET]
    assert report["resubmitted"][0]["status"] == "PF"
    assert report["resubmitted"][0]["reconciled"] is True


def test_lost_reply_not_applied_retried_after_reread():
    engine, fake, rig, clock = make_engine([make_order(1)])
    fake.script(CHANGE, 1, read_timeout())
    report = engine.resubmit([1])
    assert rig.session.rpc_methods() == [GET, CHANGE, GET, CHANGE]
    assert fake.changes == [(1, "PR")]
    assert report["resubmitted"][0]["attempts"] == 2
    assert report["resubmitted"][0]["reconciled"] is False
    assert len(clock.sleeps) == 1


@pytest.mark.parametrize("reply", [Reply(503), Reply(502), Reply(500, b"Internal Server Error")])
def test_error_status_on_change_rereads_first(reply):
    engine, fake, rig, _clock = make_engine([make_order(1)])
    fake.script(CHANGE, 1, reply)
    engine.resubmit([1])
    assert rig.session.rpc_methods() == [GET, CHANGE, GET, CHANGE]
    assert fake.changes == [(1, "PR")]


def test_reread_failing_is_unknown_outcome():
    engine, fake, rig, _clock = make_engine([make_order(1)], retries=3)

    def lose_reply_then_fail_reads(billing):
        for _attempt in range(4):
            billing.script(GET, 1, connection_error())
        return read_timeout()

    fake.script(CHANGE, 1, lose_reply_then_fail_reads)
    report = engine.resubmit([1])
    assert rig.session.rpc_methods() == [GET, CHANGE, GET, GET, GET, GET]
    failed = report["errors"][0]
    assert failed["error"]["kind"] == "unknown_outcome"
    assert "may or may not have been applied" in failed["msg"]
    assert "read the order before resubmitting it again" in failed["msg"]
    assert report["resubmitted"] == []


def test_reply_lost_every_attempt_fails():
    engine, fake, rig, clock = make_engine([make_order(1)], retries=2)
    for _attempt in range(3):
        fake.script(CHANGE, 1, read_timeout())
    report = engine.resubmit([1])
    assert rig.session.rpc_methods() == [GET, CHANGE, GET, CHANGE, GET, CHANGE, GET]
    assert report["errors"][0]["error"]["kind"] == "timeout"
    assert fake.changes == []
    assert len(clock.sleeps) == 2


# Permanent faults

@pytest.mark.parametrize("text, kind", [
    ("Order status transition from PF to PR is not allowed.", "transition_not_allowed"),
    ("Subscription #1000123 already exists.", "already_exists"),
    ("Invalid signature for order 1.", "bad_signature"),
    ("Access denied to method OrderStatusChange_API.", "authentication"),
    ("Order is locked by another operation.", "fault"),
])
def test_permanent_fault_sent_once(text, kind):
    engine, fake, rig, clock = make_engine([make_order(1)])
    fake.script(CHANGE, 1, billing_fault(7, text))
    report = engine.resubmit([1])
    assert rig.session.rpc_methods() == [GET, CHANGE]
    assert report["errors"][0]["error"]["kind"] == kind
    assert report["errors"][0]["error"]["fault_code"] == 7
    assert report["errors"][0]["status"] == "PF"
    assert clock.sleeps == []


def test_rejected_order_still_eligible():
    engine, fake, _rig, _clock = make_engine([make_order(1), make_order(2)])
    fake.script(CHANGE, 2, billing_fault(3, "Order status transition is not allowed."))
    report = engine.resubmit([1, 2])
    assert ids(report["would_resubmit"]) == [1, 2]
    assert "planned" not in report["errors"][0]


def test_read_failure_sends_no_change():
    engine, fake, rig, _clock = make_engine([make_order(1)], retries=1)
    fake.script(GET, 1, Reply(503))
    fake.script(GET, 1, Reply(503))
    report = engine.resubmit([1])
    assert rig.session.rpc_methods() == [GET, GET]
    assert report["errors"][0]["error"]["http_status"] == 503


def test_one_failure_does_not_stop_others():
    engine, fake, _rig, _clock = make_engine([make_order(order_id) for order_id in (1, 2, 3)])
    fake.script(CHANGE, 2, billing_fault(3, "Order status transition is not allowed."))
    report = engine.resubmit([1, 2, 3])
    assert ids(report["resubmitted"]) == [1, 3]
    assert ids(report["errors"]) == [2]


# Concurrency

def test_concurrency_bound_holds_with_retries():
    orders = [make_order(order_id) for order_id in range(1, 13)]
    engine, fake, rig, _clock = make_engine(orders, concurrency=3, delay=0.01)
    for order in orders:
        fake.script(GET, order["order_id"], Reply(503))
    report = engine.resubmit([order["order_id"] for order in orders])
    assert len(report["resubmitted"]) == 12
    assert collections.Counter(order_id for order_id, _status in fake.changes) == \
        collections.Counter(range(1, 13))
    assert len(rig.session.calls) == 36
    assert rig.session.in_flight_max == 3


# Waiting for outcomes

def test_wait_classifies_outcomes():
    orders = [make_order(order_id) for order_id in (1, 2, 3, 4)]
    engine, fake, rig, clock = make_engine(orders)
    entries = engine.resubmit([1, 2, 3, 4])["resubmitted"]
    fake.orders[1]["status"] = "CP"
    fake.orders[2].update(status="PF", comments="Subscription #55 already exists")
    fake.orders[3].update(status="PF", comments="Connect: vendor rejected the request")
    calls_before = len(rig.session.calls)

    outcomes = dict((item["order_id"], item) for item in engine.wait(entries, 60, 15))

    assert outcomes[1]["outcome"] == "completed"
    assert (outcomes[2]["outcome"], outcomes[2]["reason_code"]) == ("failed_again",
                                                                    "already_exists")
    assert (outcomes[3]["outcome"], outcomes[3]["reason_code"]) == ("failed_again",
                                                                    "failed_again")
    assert outcomes[3]["reason"] == "Connect: vendor rejected the request"
    assert (outcomes[4]["outcome"], outcomes[4]["reason_code"]) == ("in_progress",
                                                                    "wait_timed_out")
    assert CHANGE not in rig.session.rpc_methods()[calls_before:]
    assert clock.sleeps == [15, 15, 15, 15]


def test_wait_reads_only_pending():
    engine, fake, rig, _clock = make_engine([make_order(1), make_order(2)])
    entries = engine.resubmit([1, 2])["resubmitted"]
    fake.orders[1]["status"] = "CP"
    calls_before = len(rig.session.calls)
    engine.wait(entries, 45, 15)
    polled = [call.rpc["Params"][0] for call in rig.session.calls[calls_before:]]
    assert collections.Counter(polled) == {1: 1, 2: 3}


def test_wait_unreadable_order_in_progress():
    engine, fake, _rig, _clock = make_engine([make_order(1)], retries=0)
    entries = engine.resubmit([1])["resubmitted"]
    for _poll in range(2):
        fake.script(GET, 1, connection_error())
    outcome = engine.wait(entries, 30, 15)[0]
    assert outcome["outcome"] == "in_progress"
    assert outcome["reason"].startswith("could not be read: GetOrder_API failed: no reply")


def test_wait_last_poll_shorter():
    engine, _fake, _rig, clock = make_engine([make_order(1)])
    entries = engine.resubmit([1])["resubmitted"]
    engine.wait(entries, 40, 15)
    assert clock.sleeps == [15, 15, 10]


def test_wait_uses_monotonic_clock():
    engine = Resubmitter(None, ["PF"], "PR")
    assert engine.clock is time.monotonic


def test_wait_nothing_pending():
    engine, _fake, rig, clock = make_engine([])
    assert engine.wait([], 60, 15) == []
    assert rig.session.calls == []
    assert clock.sleeps == []
