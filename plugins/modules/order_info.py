#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: order_info
short_description: List CloudBlue Commerce orders, for example those that failed during a maintenance window
version_added: 1.0.0
description:
  - Reads orders from the Commerce Billing XML-RPC API, either by id or by filters on status,
    order type, vendor account and creation time. It never changes anything.
  - With filters, it lists the orders of each vendor account in O(vendor_account_ids) with
    C(OrderByStatusListGet_API). Orders of a reseller's customers are listed under the reseller's
    account id, so give the provider (usually V(1)) and every reseller whose orders you want.
  - With O(order_ids), it reads each order with C(GetOrder_API).
author:
  - cloudblue.commerce contributors (@cloudblue)
extends_documentation_fragment:
  - cloudblue.commerce.connection
  - cloudblue.commerce.attributes
attributes:
  check_mode:
    support: full
    details: The module only reads, so it runs unchanged in check mode.
  diff_mode:
    support: none
  idempotent:
    support: full
    details: The module never changes anything.
options:
  order_ids:
    description:
      - Read exactly these orders. When set, O(statuses), O(order_types), O(vendor_account_ids),
        O(created_after), O(created_before) and O(lookback) are ignored.
      - An empty list returns no orders.
    type: list
    elements: int
  statuses:
    description:
      - Two-letter order status codes to list, for example V(PF) (provisioning failed).
    type: list
    elements: str
    default: [PF]
  order_types:
    description:
      - Two-letter order type codes to keep, for example V(SO) (sales) or V(CH) (change).
      - An empty list keeps every type.
    type: list
    elements: str
    default: []
  vendor_account_ids:
    description:
      - Account ids of the vendors whose orders are listed, the provider (usually V(1)) and
        resellers.
    type: list
    elements: int
    default: [1]
  created_after:
    description:
      - Keep orders created at or after this time.
      - ISO 8601 with V(Z) or a UTC offset (V(2026-12-01T22:00:00Z), V(2026-12-01T23:00:00+01:00)),
        or Unix epoch seconds. A time without an offset is rejected.
    type: str
  created_before:
    description:
      - Keep orders created at or before this time. Same formats as O(created_after).
    type: str
  lookback:
    description:
      - Seconds subtracted from O(created_after). Orders created shortly before a maintenance
        window can fail during it, so a margin of some minutes catches them.
    type: int
    default: 0
  list_form:
    description:
      - Argument form of C(OrderByStatusListGet_API). Public clients disagree on whether the
        method takes an C(EndTime) argument.
      - V(with_end_time) sends six arguments (vendor, type, status, start, end, sort column).
      - V(without_end_time) sends five (no end time); O(created_before) is then applied to the
        rows after they arrive.
    type: str
    choices: [with_end_time, without_end_time]
    default: with_end_time
  details:
    description:
      - Read every listed order with C(GetOrder_API) as well, to fill C(currency), which the
        listing does not return. Costs one request per order.
    type: bool
    default: false
  concurrency:
    description:
      - Maximum number of Billing requests in flight at once.
    type: int
    default: 4
  query:
    description:
      - A JMESPath expression applied to the list of orders; the result is returned as
        RV(query_result). O(query) needs the Python library jmespath.
    type: str
"""

EXAMPLES = r"""
- name: List orders that failed during the maintenance window, for the provider and two resellers
  cloudblue.commerce.order_info:
    billing_url: https://billing.example.com:5224/RPC2
    billing_username: api-user
    billing_password: "{{ vault_billing_password }}"
    vendor_account_ids: [1, 1000123, 1000456]
    created_after: "2026-12-01T22:00:00Z"
    created_before: "2026-12-02T02:00:00Z"
    lookback: 900
  register: failed

- name: Show how many orders failed, by vendor
  ansible.builtin.debug:
    var: failed.counts.by_vendor

- name: Read two orders by id and keep only their numbers and statuses
  cloudblue.commerce.order_info:
    order_ids: [100234, 100235]
    query: "[].{number: order_number, status: status}"
  register: two_orders
"""

RETURN = r"""
orders:
  description: The orders found, sorted by order id.
  returned: success
  type: list
  elements: dict
  contains:
    order_id:
      description: Billing order id.
      type: int
      sample: 100234
    order_number:
      description: Order number as Billing stores it (it may carry padding).
      type: str
      sample: SO100234
    vendor_account_id:
      description: Account id of the provider or reseller that owns the order.
      type: int
      sample: 1
    customer_id:
      description: Account id of the customer.
      type: int
      sample: 1000789
    customer_name:
      description: Customer name; null for orders read by id, because C(GetOrder_API) does not return it.
      type: str
      sample: Example Ltd
    status:
      description: Two-letter order status code.
      type: str
      sample: PF
    status_name:
      description: Name of the status, or null for a code the collection does not know.
      type: str
      sample: Provisioning failed
    order_type:
      description: Two-letter order type code.
      type: str
      sample: SO
    creation_time:
      description: Creation time, ISO 8601 UTC.
      type: str
      sample: "2026-12-01T23:15:02Z"
    creation_timestamp:
      description: Creation time, Unix epoch seconds.
      type: int
      sample: 1796166902
    total:
      description: Order total; negative for some change and cancellation orders.
      type: float
      sample: 12.5
    currency:
      description: Currency code; null for listed orders unless O(details=true).
      type: str
      sample: USD
    comments:
      description: Order comments; for failed orders it often contains the failure reason.
      type: str
      sample: "Connect: 502 Bad Gateway"
count:
  description: Number of orders in RV(orders).
  returned: success
  type: int
  sample: 42
counts:
  description: Numbers of orders by status, by type and by vendor account id.
  returned: success
  type: dict
  contains:
    by_status:
      description: Status code to count.
      type: dict
      sample: {"PF": 42}
    by_type:
      description: Order type code to count.
      type: dict
      sample: {"SO": 30, "RN": 12}
    by_vendor:
      description: Vendor account id (as a string) to count.
      type: dict
      sample: {"1": 40, "1000123": 2}
not_found:
  description: Ids from O(order_ids) that Billing does not know.
  returned: success
  type: list
  elements: int
  sample: [99999999]
window:
  description: The creation-time window applied, ISO 8601 UTC, after O(lookback); null bounds are open.
  returned: success
  type: dict
  contains:
    created_after:
      description: Start of the window.
      type: str
      sample: "2026-12-01T21:45:00Z"
    created_before:
      description: End of the window.
      type: str
      sample: "2026-12-02T02:00:00Z"
query_result:
  description: Result of O(query) applied to RV(orders).
  returned: when O(query) is set
  type: raw
  sample: [{"number": "SO100234", "status": "PF"}]
"""

import traceback
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

JMESPATH_IMPORT_ERROR = None
try:
    import jmespath
except ImportError:
    jmespath = None
    JMESPATH_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.cloudblue.commerce.plugins.module_utils._arguments import (
    billing_client,
    check_concurrency,
    connection_argument_spec,
    run_module,
)
from ansible_collections.cloudblue.commerce.plugins.module_utils._errors import (
    InvalidInputError,
    OrderNotFoundError,
)
from ansible_collections.cloudblue.commerce.plugins.module_utils._orders import (
    ORDER_TYPES,
    STATUSES,
    build_window,
    count_by,
    iso_utc,
    public_order,
    select_orders,
    validate_codes,
    validate_ids,
)


def compile_query(query):
    if query is None:
        return None
    try:
        return jmespath.compile(query)
    except jmespath.exceptions.JMESPathError as error:
        raise InvalidInputError("query %r is not a valid JMESPath expression: %s"
                                % (query, error))


def parallel_map(function, items, concurrency):
    if not items:
        return []
    with ThreadPoolExecutor(max_workers=min(concurrency, len(items))) as pool:
        return list(pool.map(function, items))


def read_by_id(client, order_ids, concurrency):
    """Read orders by id; return ``(orders, not_found_ids)``."""
    def read(order_id):
        try:
            return client.get_order(order_id)
        except OrderNotFoundError:
            return order_id

    found, missing = [], []
    for item in parallel_map(read, order_ids, concurrency):
        if isinstance(item, dict):
            found.append(item)
        else:
            missing.append(item)
    return found, sorted(missing)


def list_by_filters(client, params, after, before):
    """List orders of each vendor and status, then apply every filter to the rows."""
    statuses = params["statuses"]
    order_types = params["order_types"]
    # One type can be filtered by the server; several are filtered here.
    type_argument = order_types[0] if len(order_types) == 1 else ""
    calls = [(vendor, status) for vendor in params["vendor_account_ids"] for status in statuses]

    def list_one(call):
        vendor, status = call
        try:
            return client.list_orders(vendor, order_type=type_argument, status=status,
                                      start_time=after or 0, end_time=before or 0,
                                      list_form=params["list_form"])
        except OrderNotFoundError as error:
            raise InvalidInputError(
                "vendor_account_ids contains %d, which Billing does not know (%s); remove it or "
                "use the account id of the provider or of a reseller" % (vendor, error.fault_text),
                operation=error.operation, endpoint=error.endpoint, fault_code=error.fault_code,
                fault_text=error.fault_text)

    rows = []
    for listed in parallel_map(list_one, calls, params["concurrency"]):
        rows.extend(listed)
    selected = select_orders(rows, statuses=statuses, order_types=order_types, after=after,
                             before=before)

    if params["details"]:
        def detail(order):
            full = client.get_order(order["order_id"])
            full["customer_name"] = order.get("customer_name")
            full["vendor_account_id"] = order["vendor_account_id"]
            return full
        selected = parallel_map(detail, selected, params["concurrency"])

    unique = {}
    for order in selected:
        unique.setdefault(order["order_id"], order)
    return list(unique.values())


def check_params(params):
    """Validate and normalise the options in place; raises before any API call."""
    params["order_ids"] = validate_ids(params["order_ids"], "order_ids")
    params["statuses"] = validate_codes(params["statuses"], "statuses", STATUSES)
    params["order_types"] = validate_codes(params["order_types"], "order_types", ORDER_TYPES,
                                           allow_empty=True)
    params["vendor_account_ids"] = validate_ids(params["vendor_account_ids"],
                                                "vendor_account_ids", allow_empty=False)
    check_concurrency(params["concurrency"])
    return build_window(params["created_after"], params["created_before"], params["lookback"])


def run(module):
    params = module.params
    after, before = check_params(params)
    if params["query"] is not None and jmespath is None:
        module.fail_json(msg=missing_required_lib("jmespath"), exception=JMESPATH_IMPORT_ERROR)
    expression = compile_query(params["query"])
    client = billing_client(module, concurrency=params["concurrency"])

    not_found = []
    if params["order_ids"] is not None:
        orders, not_found = read_by_id(client, params["order_ids"], params["concurrency"])
        after = before = None
    else:
        orders = list_by_filters(client, params, after, before)
    client.transport.reporter.summary()

    orders = [public_order(order) for order in sorted(orders, key=lambda item: item["order_id"])]
    result = dict(
        changed=False,
        orders=orders,
        count=len(orders),
        counts=dict(by_status=count_by(orders, "status"), by_type=count_by(orders, "order_type"),
                    by_vendor=count_by(orders, "vendor_account_id")),
        not_found=not_found,
        window=dict(created_after=iso_utc(after), created_before=iso_utc(before)),
    )
    if expression is not None:
        result["query_result"] = expression.search(orders)
    return result


def main():
    argument_spec = connection_argument_spec()
    argument_spec.update(
        order_ids=dict(type="list", elements="int"),
        statuses=dict(type="list", elements="str", default=["PF"]),
        order_types=dict(type="list", elements="str", default=[]),
        vendor_account_ids=dict(type="list", elements="int", default=[1]),
        created_after=dict(type="str"),
        created_before=dict(type="str"),
        lookback=dict(type="int", default=0),
        list_form=dict(type="str", choices=["with_end_time", "without_end_time"],
                       default="with_end_time"),
        details=dict(type="bool", default=False),
        concurrency=dict(type="int", default=4),
        query=dict(type="str"),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, run)


if __name__ == "__main__":
    main()
