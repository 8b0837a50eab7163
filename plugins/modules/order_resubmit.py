#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: order_resubmit
short_description: Resubmit failed CloudBlue Commerce orders for provisioning, in bulk
version_added: 1.0.0
description:
  - Does in one task what the "Resubmit for Provisioning" button of the Provider Control Panel
    does for each selected order.
  - For each order it reads the current state with C(GetOrder_API). An order that is unknown, or
    is no longer in O(failed_statuses), is skipped with a reason and receives no write. Every
    other order is moved to O(target_status) with C(OrderStatusChange_API), signed from the
    fresh read.
  - A status change is never resent blindly. When its reply is lost (timeout, reset connection,
    HTTP 5xx), the module re-reads the order; if the status moved on, or the comments changed,
    the change counts as applied. Only an order still failed with unchanged comments is tried
    again, up to O(retries) more times.
  - With O(wait=true) it then polls the resubmitted orders until each completes, fails again or
    O(wait_timeout) runs out. An order that fails again is reported, never resubmitted a second
    time in the same run.
  - One order's error does not stop the others.
author:
  - cloudblue.commerce contributors (@cloudblue)
extends_documentation_fragment:
  - cloudblue.commerce.connection
  - cloudblue.commerce.attributes
attributes:
  check_mode:
    support: full
    details: In check mode the module reads every order and returns RV(would_resubmit), but sends
      no status change; C(changed) is what a real run would report if every change were accepted.
  diff_mode:
    support: full
    details: The diff shows the status of each eligible order before and after (predicted in check mode).
  idempotent:
    support: full
    details: A second run finds the orders no longer failed and sends nothing.
options:
  order_ids:
    description:
      - Ids of the orders to resubmit. Duplicates are ignored. An empty list does nothing.
    type: list
    elements: int
    required: true
  failed_statuses:
    description:
      - Status codes that count as failed. Only orders in one of them are resubmitted.
      - V(PF) is Provisioning Failed. Some clients also treat the undocumented V(SF) as failed.
      - Only V(PF) and V(SF) are accepted, so that no order which did not fail can be moved.
    type: list
    elements: str
    default: [PF]
  target_status:
    description:
      - Status to move each order to.
      - V(PR) (provisioning) is the documented "Resubmit for Provisioning" transition. Some order
        flows expect V(PD) (paid, re-runs the whole provisioning stage) or, for some cancellation
        orders, V(I4).
    type: str
    default: PR
  completed_statuses:
    description:
      - Status codes that count as completed while waiting (O(wait=true)).
    type: list
    elements: str
    default: [CP]
  concurrency:
    description:
      - Maximum number of Billing requests in flight at once, retries included.
      - The Billing API vendor warns to keep simultaneous requests at or below about 20% of the
        Billing XML-RPC daemon's threads, so keep this low.
    type: int
    default: 4
  rate_limit:
    description:
      - Maximum Billing requests started per second, across all threads. V(0) means no limit.
    type: float
    default: 0
  max_orders:
    description:
      - Safety cap. The module refuses to act on more distinct order ids than this, before any
        API call. Raise it on purpose for a large run.
    type: int
    default: 500
  wait:
    description:
      - Whether to poll the resubmitted orders until each completes, fails again, or
        O(wait_timeout) runs out. Ignored in check mode.
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait for outcomes when O(wait=true).
    type: float
    default: 1800
  poll_interval:
    description:
      - Seconds between two polls when O(wait=true).
    type: float
    default: 15
  fail_on_order_errors:
    description:
      - Whether the task fails when the read or status change of any order failed (RV(errors) is
        not empty). The other orders are processed either way, and every result is returned.
      - Orders that fail again while waiting do not fail the task; see RV(outcomes).
    type: bool
    default: true
  currency_precision:
    description:
      - Number of decimal digits of the order total in the signature, by currency code, for
        currencies that do not use 2. For example, set C(JPY) to V(0) for yen.
    type: dict
    default: {}
"""

EXAMPLES = r"""
- name: Resubmit the orders that failed during the Connect maintenance window
  cloudblue.commerce.order_resubmit:
    order_ids: "{{ failed_orders.orders | map(attribute='order_id') | list }}"
    wait: true
    wait_timeout: 900
  register: resubmit

- name: Dry run, showing the status change of each order
  cloudblue.commerce.order_resubmit:
    order_ids: [100234, 100235]
  check_mode: true
  diff: true

- name: Resubmit through the whole provisioning stage, slowly, and keep going on errors
  cloudblue.commerce.order_resubmit:
    order_ids: "{{ ids }}"
    target_status: PD
    concurrency: 2
    rate_limit: 5
    fail_on_order_errors: false
"""

RETURN = r"""
would_resubmit:
  description:
    - Orders found eligible by reading them, with C(status_before) and the predicted C(status).
    - Returned in check mode and in real runs alike, so a dry run can be compared with the real one.
  returned: always
  type: list
  elements: dict
  sample: [{"order_id": 100234, "order_number": "SO100234", "status_before": "PF", "status": "PR"}]
resubmitted:
  description:
    - Orders whose status change was applied. In check mode, the orders that would be.
    - C(reconciled) is true when the reply was lost and a re-read showed the change applied.
    - C(attempts) is the number of status changes sent (0 in check mode).
  returned: always
  type: list
  elements: dict
  sample: [{"order_id": 100234, "status_before": "PF", "status": "PR", "reconciled": false, "attempts": 1}]
skipped_orders:
  description:
    - Orders that received no write, with C(reason) V(not_found) or V(not_failed) and a C(msg).
    - The key is not named C(skipped) because Ansible reads that key as the task status.
  returned: always
  type: list
  elements: dict
  sample: [{"order_id": 100236, "status": "CP", "reason": "not_failed"}]
errors:
  description:
    - Orders whose read or status change failed, with C(msg) and a structured C(error)
      (C(kind), C(operation), C(http_status), C(fault_code), C(fault_text)).
    - The key is not named C(failed) because Ansible reads that key as the task status.
  returned: always
  type: list
  elements: dict
  sample: [{"order_id": 100237, "msg": "OrderStatusChange_API failed with Billing fault 1: ...",
            "error": {"kind": "transition_not_allowed", "fault_code": 1}}]
outcomes:
  description:
    - With O(wait=true), the final state of each resubmitted order.
    - C(outcome) is V(completed), V(failed_again) or V(in_progress) (the wait ran out).
    - C(reason_code) is V(already_exists) when Billing reports that the subscription already
      exists (resubmitting again cannot help; the order needs another operator action),
      V(failed_again) for other failures, V(wait_timed_out) for orders still in progress.
    - C(reason) is the order's comments, or why the wait ended.
  returned: always
  type: list
  elements: dict
  sample: [{"order_id": 100234, "status": "CP", "outcome": "completed", "reason_code": null}]
summary:
  description: Counts of the run.
  returned: always
  type: dict
  contains:
    requested:
      description: Distinct order ids given.
      type: int
    eligible:
      description: Orders found in a failed status.
      type: int
    resubmitted:
      description: Status changes applied (or that would be, in check mode).
      type: int
    skipped:
      description: Orders skipped.
      type: int
    errors:
      description: Orders whose read or status change failed.
      type: int
    completed:
      description: Orders that completed while waiting.
      type: int
    failed_again:
      description: Orders that failed again while waiting.
      type: int
    in_progress:
      description: Orders still in progress when the wait ended.
      type: int
  sample: {"requested": 3, "eligible": 2, "resubmitted": 2, "skipped": 1, "errors": 0,
           "completed": 2, "failed_again": 0, "in_progress": 0}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudblue.commerce.plugins.module_utils._arguments import (
    billing_client,
    check_concurrency,
    connection_argument_spec,
    run_module,
)
from ansible_collections.cloudblue.commerce.plugins.module_utils._errors import InvalidInputError
from ansible_collections.cloudblue.commerce.plugins.module_utils._orders import (
    RESUBMITTABLE_STATUSES,
    STATUSES,
    validate_codes,
    validate_currency_precision,
    validate_ids,
)
from ansible_collections.cloudblue.commerce.plugins.module_utils._resubmit import Resubmitter
from ansible_collections.cloudblue.commerce.plugins.module_utils._transport import RetryPolicy


def check_params(params):
    """Validate and normalise the options in place; raises before any API call."""
    params["order_ids"] = validate_ids(params["order_ids"], "order_ids")
    params["failed_statuses"] = validate_codes(params["failed_statuses"], "failed_statuses",
                                               STATUSES)
    for status in params["failed_statuses"]:
        if status not in RESUBMITTABLE_STATUSES:
            raise InvalidInputError(
                "failed_statuses contains %s (%s), which is not a failed status; resubmitting "
                "would move orders that did not fail. Use %s"
                % (status, STATUSES[status], " or ".join(RESUBMITTABLE_STATUSES)))

    params["completed_statuses"] = validate_codes(params["completed_statuses"],
                                                  "completed_statuses", STATUSES)
    params["target_status"] = validate_codes([params["target_status"]], "target_status",
                                             STATUSES)[0]
    if params["target_status"] in params["failed_statuses"]:
        raise InvalidInputError("target_status %s is in failed_statuses; choose a status that "
                                "re-enters provisioning, such as PR or PD"
                                % params["target_status"])

    check_concurrency(params["concurrency"])
    if params["rate_limit"] < 0:
        raise InvalidInputError("rate_limit is %r; use 0 for no limit or a positive number of "
                                "requests per second" % params["rate_limit"])

    if params["max_orders"] < 1:
        raise InvalidInputError("max_orders is %d; it must be 1 or more" % params["max_orders"])
    if len(params["order_ids"]) > params["max_orders"]:
        raise InvalidInputError(
            "order_ids has %d distinct orders, more than max_orders (%d); nothing was sent. Raise "
            "max_orders if resubmitting that many orders at once is intended"
            % (len(params["order_ids"]), params["max_orders"]))

    if params["wait_timeout"] <= 0:
        raise InvalidInputError("wait_timeout is %r; it must be a positive number of seconds"
                                % params["wait_timeout"])
    if params["poll_interval"] <= 0:
        raise InvalidInputError("poll_interval is %r; it must be a positive number of seconds"
                                % params["poll_interval"])

    params["currency_precision"] = validate_currency_precision(params["currency_precision"])


def build_diff(report):
    before = dict((str(item["order_id"]), item["status_before"])
                  for item in report["would_resubmit"])
    after = dict(before)
    for item in report["resubmitted"]:
        after[str(item["order_id"])] = item["status"]
    return {"before": {"order_status": before}, "after": {"order_status": after}}


def summarize(params, report, outcomes):
    def count(outcome):
        return sum(1 for item in outcomes if item["outcome"] == outcome)

    return {
        "requested": len(params["order_ids"]),
        "eligible": len(report["would_resubmit"]),
        "resubmitted": len(report["resubmitted"]),
        "skipped": len(report["skipped"]),
        "errors": len(report["errors"]),
        "completed": count("completed"),
        "failed_again": count("failed_again"),
        "in_progress": count("in_progress"),
    }


def run(module):
    params = module.params
    check_params(params)
    client = billing_client(module, concurrency=params["concurrency"],
                            rate_limit=params["rate_limit"])
    engine = Resubmitter(
        client, params["failed_statuses"], params["target_status"],
        completed_statuses=params["completed_statuses"], concurrency=params["concurrency"],
        currency_precision=params["currency_precision"], check_mode=module.check_mode,
        write_attempts=params["retries"] + 1, retry_policy=RetryPolicy(retries=params["retries"]))

    report = engine.resubmit(params["order_ids"])
    outcomes = []
    if params["wait"] and not module.check_mode and report["resubmitted"]:
        outcomes = engine.wait(report["resubmitted"], params["wait_timeout"],
                               params["poll_interval"])
    client.transport.reporter.summary()

    # "failed" and "skipped" are task status keys in Ansible, so those lists get other names.
    result = dict(would_resubmit=report["would_resubmit"], resubmitted=report["resubmitted"],
                  skipped_orders=report["skipped"], errors=report["errors"], outcomes=outcomes,
                  changed=bool(report["resubmitted"]),
                  summary=summarize(params, report, outcomes))
    if module._diff:
        result["diff"] = build_diff(report)
    if report["errors"] and params["fail_on_order_errors"]:
        result["msg"] = (
            "%d of %d orders failed; see errors for each order's error. %d status changes were "
            "applied" % (len(report["errors"]), len(params["order_ids"]),
                         len(report["resubmitted"])))
        module.fail_json(**result)
    return result


def main():
    argument_spec = connection_argument_spec()
    argument_spec.update(
        order_ids=dict(type="list", elements="int", required=True),
        failed_statuses=dict(type="list", elements="str", default=["PF"]),
        target_status=dict(type="str", default="PR"),
        completed_statuses=dict(type="list", elements="str", default=["CP"]),
        concurrency=dict(type="int", default=4),
        rate_limit=dict(type="float", default=0),
        max_orders=dict(type="int", default=500),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="float", default=1800),
        poll_interval=dict(type="float", default=15),
        fail_on_order_errors=dict(type="bool", default=True),
        currency_precision=dict(type="dict", default={}),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, run)


if __name__ == "__main__":
    main()
