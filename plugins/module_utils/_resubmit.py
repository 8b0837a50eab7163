# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Resubmission engine: eligibility, bounded concurrency, lost-reply reconciliation, waiting.

This is a private module: its interface may change without notice.

Each order is read, checked against the failed set, and (unless in check mode) moved to the
target status with a signature computed from that fresh read. A status change is sent at most
once per attempt. A further attempt is made only after a re-read shows the order still failed
with unchanged comments, so a change whose reply was lost but which was applied is counted as
done instead of being sent again.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.cloudblue.commerce.plugins.module_utils._errors import (
    CommerceError,
    OrderNotFoundError,
    TransportError,
    UnknownOutcomeError,
)
from ansible_collections.cloudblue.commerce.plugins.module_utils._orders import (
    failure_reason_code,
    signature,
)


def order_entry(order, **extra):
    """Return the fields every per-order result carries."""
    entry = {
        "order_id": order["order_id"],
        "order_number": order.get("order_number"),
        "vendor_account_id": order.get("vendor_account_id"),
        "customer_id": order.get("customer_id"),
        "order_type": order.get("order_type"),
        "status": order.get("status"),
    }
    entry.update(extra)
    return entry


def error_entry(order_id, error, order=None):
    if order is not None:
        entry = order_entry(order)
    else:
        entry = {"order_id": order_id, "order_number": None, "vendor_account_id": None,
                 "customer_id": None, "order_type": None, "status": None}
    entry["msg"] = error.message
    entry["error"] = error.to_dict()
    return entry


class Resubmitter:
    """Resubmits failed orders for provisioning through a ``BillingClient``."""

    def __init__(self, client, failed_statuses, target_status, completed_statuses=("CP",),
                 concurrency=4, currency_precision=None, check_mode=False, write_attempts=4,
                 retry_policy=None, clock=time.monotonic, sleep=time.sleep):
        self.client = client
        self.failed_statuses = list(failed_statuses)
        self.target_status = target_status
        self.completed_statuses = list(completed_statuses)
        self.concurrency = concurrency
        self.currency_precision = currency_precision or {}
        self.check_mode = check_mode
        self.write_attempts = max(1, write_attempts)
        self.retry_policy = retry_policy
        self.clock = clock
        self.sleep = sleep

    def _map(self, function, items):
        if not items:
            return []
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(items))) as pool:
            return list(pool.map(function, items))

    def resubmit(self, order_ids):
        """Read, check and resubmit each order; return the per-order results by category."""
        report = {"would_resubmit": [], "resubmitted": [], "skipped": [], "errors": []}
        for category, entry in self._map(self._process, list(order_ids)):
            # Every order that reached the status change was eligible, whatever the outcome.
            planned = entry.pop("planned", None)
            if planned is not None:
                report["would_resubmit"].append(planned)
            report[category].append(entry)
        for category in ("would_resubmit", "resubmitted", "skipped", "errors"):
            report[category].sort(key=lambda item: item["order_id"])
        return report

    def _process(self, order_id):
        try:
            order = self.client.get_order(order_id)
        except OrderNotFoundError as error:
            return "skipped", {"order_id": order_id, "order_number": None,
                               "vendor_account_id": None, "customer_id": None,
                               "order_type": None, "status": None, "reason": "not_found",
                               "msg": error.message}
        except CommerceError as error:
            return "errors", error_entry(order_id, error)

        if order["status"] not in self.failed_statuses:
            return "skipped", order_entry(
                order, reason="not_failed",
                msg="order %d is in status %s, not in the failed set %s; nothing sent"
                    % (order_id, order["status"], ", ".join(self.failed_statuses)))

        planned = order_entry(order, status_before=order["status"], status=self.target_status)
        if self.check_mode:
            result = dict(planned, reconciled=False, attempts=0)
            result["planned"] = planned
            return "resubmitted", result
        category, entry = self._change_status(order, planned)
        entry["planned"] = planned
        return category, entry

    def _change_status(self, order, planned):
        order_id = order["order_id"]
        attempt = 0
        while True:
            attempt += 1
            try:
                self.client.change_status(order_id, self.target_status,
                                          signature(order, self.currency_precision))
                return "resubmitted", dict(planned, reconciled=False, attempts=attempt,
                                           planned=planned)
            except TransportError as error:
                lost_error = error
            except CommerceError as error:
                return "errors", error_entry(order_id, error, order)

            # The reply was lost or an error reply came back: only a re-read can tell whether
            # the change was applied.
            try:
                current = self.client.get_order(order_id)
            except CommerceError as error:
                unknown = UnknownOutcomeError(
                    "the status change of order %d may or may not have been applied: its reply "
                    "was lost (%s) and re-reading the order failed (%s); read the order before "
                    "resubmitting it again" % (order_id, lost_error.message, error.message),
                    operation="OrderStatusChange_API", order_id=order_id,
                    endpoint=lost_error.endpoint, http_status=lost_error.http_status)
                return "errors", error_entry(order_id, unknown, order)

            # NOTE: an order that was resubmitted and failed again before this re-read looks
            # unchanged unless Billing rewrote its comments, as the failure texts seen so far do.
            # Such an order would be sent once more, because no read-only API distinguishes the two.
            moved = current["status"] not in self.failed_statuses
            if moved or current.get("comments") != order.get("comments"):
                return "resubmitted", dict(planned, status=current["status"], reconciled=True,
                                           attempts=attempt, planned=planned)
            if attempt >= self.write_attempts:
                return "errors", error_entry(order_id, lost_error, current)
            order = current
            if self.retry_policy is not None:
                self.sleep(self.retry_policy.delay(attempt,
                                                   getattr(lost_error, "retry_after", None)))

    def wait(self, entries, wait_timeout, poll_interval):
        """Poll resubmitted orders until each completes, fails again or the wait times out.

        Returns one outcome per entry: ``completed``, ``failed_again`` (with ``reason_code``
        ``already_exists`` when Billing reports that the subscription exists, which needs another
        operator action) or ``in_progress``. Nothing is resubmitted here.
        """
        pending = dict((entry["order_id"], entry) for entry in entries)
        last_seen = {}
        outcomes = []
        deadline = self.clock() + wait_timeout
        while pending:
            remaining = deadline - self.clock()
            if remaining <= 0:
                break
            self.sleep(min(poll_interval, remaining))
            for order_id, order, error in self._map(self._read_quietly, sorted(pending)):
                if order is None:
                    last_seen.setdefault(order_id, {"error": error})
                    continue
                last_seen[order_id] = {"order": order}
                if order["status"] in self.completed_statuses:
                    outcomes.append(order_entry(order, outcome="completed", reason_code=None,
                                                reason=None))
                    del pending[order_id]
                elif order["status"] in self.failed_statuses:
                    outcomes.append(order_entry(order, outcome="failed_again",
                                                reason_code=failure_reason_code(order),
                                                reason=order.get("comments")))
                    del pending[order_id]

        for order_id, entry in pending.items():
            seen = last_seen.get(order_id, {})
            order = seen.get("order")
            if order is not None:
                outcome = order_entry(order, outcome="in_progress", reason_code="wait_timed_out",
                                      reason="still in status %s when the wait of %s s ended"
                                             % (order["status"], wait_timeout))
            else:
                reason = "not read before the wait of %s s ended" % wait_timeout
                if seen.get("error") is not None:
                    reason = "could not be read: %s" % seen["error"].message
                outcome = dict(entry, outcome="in_progress", reason_code="wait_timed_out",
                               reason=reason)
            outcomes.append(outcome)
        outcomes.sort(key=lambda item: item["order_id"])
        return outcomes

    def _read_quietly(self, order_id):
        try:
            return order_id, self.client.get_order(order_id), None
        except CommerceError as error:
            return order_id, None, error
