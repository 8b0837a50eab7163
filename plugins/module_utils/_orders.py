# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Order rules: status and type codes, the failed set, the signature, time windows, selection.

This is a private module: its interface may change without notice. It does no I/O.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import re
from datetime import datetime, timedelta, timezone
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from ansible_collections.cloudblue.commerce.plugins.module_utils._errors import InvalidInputError

I4_MAX = 2 ** 31 - 1

# Two-letter order status codes of the Billing default order flow.
STATUSES = {
    "NW": "New",
    "OP": "Open",
    "HL": "Hold",
    "NP": "No payment method",
    "WP": "Waiting for payment",
    "WA": "Waiting for approval",
    "SS": "Suspected fraud",
    "PD": "Paid",
    "I4": "Provisioning required",
    "RB": "Checking provisioning conditions",
    "PR": "Provisioning",
    "LO": "Long running operation",
    "MO": "Manual operation required",
    "PC": "Provisioning complete",
    "PF": "Provisioning failed",
    "SF": "Failed (undocumented code, treated as failed by some clients)",
    "CR": "Ready to complete",
    "CP": "Completed",
    "CL": "Cancelled",
}

ORDER_TYPES = {
    "SO": "Sales",
    "RN": "Renewal",
    "BO": "Billing",
    "CH": "Change",
    "PO": "Payment",
    "CF": "Cancellation (charge)",
    "CL": "Cancellation (legacy)",
    "UG": "Upgrade (legacy)",
    "DG": "Downgrade (legacy)",
}

DEFAULT_FAILED_STATUSES = ("PF",)
# Statuses that may be resubmitted. Any other status belongs to an order that is new, waiting,
# provisioning or finished, and moving it would disturb an order that did not fail.
RESUBMITTABLE_STATUSES = ("PF", "SF")
DEFAULT_TARGET_STATUS = "PR"
DEFAULT_COMPLETED_STATUSES = ("CP",)
DEFAULT_CURRENCY_PRECISION = 2

_ALREADY_EXISTS = re.compile(r"Subscription\s*#?\s*\d+\s+already exists|#2007\b", re.I)


def validate_codes(values, option, table, allow_empty=False):
    """Normalise a list of two-letter codes to upper case; reject unknown or empty ones."""
    if values is None:
        return None
    if not values and not allow_empty:
        raise InvalidInputError("%s is an empty list; give at least one code, for example %s"
                                % (option, next(iter(table))))
    result = []
    for value in values:
        code = str(value).strip().upper()
        if code not in table:
            raise InvalidInputError(
                "%s contains unknown code %r; valid codes are %s"
                % (option, value, ", ".join(sorted(table))))
        if code not in result:
            result.append(code)
    return result


def validate_ids(values, option, allow_empty=True):
    """Check a list of Billing ids: positive, inside the XML-RPC i4 range, no duplicates."""
    if values is None:
        return None
    if not values and not allow_empty:
        raise InvalidInputError("%s is an empty list; give at least one id" % option)
    result = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInputError("%s contains %r, which is not an integer id" % (option, value))
        if value <= 0 or value > I4_MAX:
            raise InvalidInputError(
                "%s contains %d, which is outside the id range 1 to %d of the Billing API"
                % (option, value, I4_MAX))
        if value not in result:
            result.append(value)
    return result


def format_total(total, precision=DEFAULT_CURRENCY_PRECISION):
    """Format an order total for the signature.

    Choices made here because no source settles them: the value is truncated toward zero to
    ``precision`` digits (as the public helper does, so 12.509 gives 12.50 and -12.509 gives
    -12.50), padded with zeros (12.5 gives 12.50), printed without thousands separators, and a
    negative total keeps its minus sign (zero is printed unsigned).
    """
    try:
        value = Decimal(repr(float(total)))
    except (TypeError, ValueError, InvalidOperation):
        raise InvalidInputError("order total %r is not a number" % (total,))
    quantum = Decimal(1).scaleb(-precision)
    value = value.quantize(quantum, rounding=ROUND_DOWN)
    if value == 0:
        value = abs(value)
    return "{0:f}".format(value)


def signature_text(order, precision=DEFAULT_CURRENCY_PRECISION):
    """Return the text that the order signature hashes.

    The text is ``OrderID OrderNumber CreationTime CurrencyID`` joined without separators, a
    space, then the total and the comments, with trailing white space stripped. Order number and
    comments are used exactly as GetOrder_API returned them: padding inside the text is kept.
    """
    return "{0}{1}{2}{3} {4}{5}".format(
        order["order_id"], order["order_number"] or "", order["creation_time"],
        order.get("currency") or "", format_total(order["total"], precision),
        order.get("comments") or "").rstrip()


def signature(order, currency_precision=None):
    """Return the lowercase hex MD5 signature OrderStatusChange_API expects for this order."""
    precision = DEFAULT_CURRENCY_PRECISION
    if currency_precision and order.get("currency") in currency_precision:
        precision = currency_precision[order["currency"]]
    return hashlib.md5(signature_text(order, precision).encode("utf-8")).hexdigest()


def validate_currency_precision(mapping):
    """Check the currency precision override: currency code to a digit count from 0 to 8."""
    result = {}
    for currency, digits in (mapping or {}).items():
        if not re.match(r"^[A-Z]{3}$", str(currency)):
            raise InvalidInputError("currency_precision has key %r; use three-letter currency "
                                    "codes such as USD or JPY" % (currency,))
        try:
            digits = int(digits)
        except (TypeError, ValueError):
            raise InvalidInputError("currency_precision[%s] is %r; use a whole number of digits"
                                    % (currency, digits))
        if digits < 0 or digits > 8:
            raise InvalidInputError("currency_precision[%s] is %d; use 0 to 8 digits"
                                    % (currency, digits))
        result[str(currency)] = digits
    return result


def parse_time(value, option):
    """Parse a point in time into epoch seconds (int).

    Accepts epoch seconds (an int or a string of digits) or ISO 8601 with ``Z`` or a UTC offset.
    A timestamp without an offset is rejected: its meaning would depend on the controller's time
    zone.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InvalidInputError("%s must be a time, got %r" % (option, value))
    if isinstance(value, (int, float)) or re.match(r"^\s*\d+(\.\d+)?\s*$", str(value)):
        seconds = int(float(value))
    else:
        text = str(value).strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)
        try:
            moment = datetime.fromisoformat(text.replace(" ", "T", 1))
        except ValueError:
            raise InvalidInputError(
                "%s %r is not a valid time; use ISO 8601 with an offset, for example "
                "2026-12-01T22:00:00Z or 2026-12-01T23:00:00+01:00, or epoch seconds"
                % (option, value))
        if moment.tzinfo is None:
            raise InvalidInputError(
                "%s %r has no UTC offset, so its meaning would depend on the controller's time "
                "zone; add one, for example %sZ or %s+02:00" % (option, value, text, text))
        seconds = int((moment - datetime(1970, 1, 1, tzinfo=timezone.utc)).total_seconds())
    if seconds < 0 or seconds > I4_MAX:
        raise InvalidInputError(
            "%s %r is outside the range the Billing API accepts (epoch seconds 0 to %d, before "
            "2038-01-19T03:14:07Z); a value in milliseconds must be divided by 1000"
            % (option, value, I4_MAX))
    return seconds


def build_window(created_after, created_before, lookback=0):
    """Return ``(after, before)`` epoch seconds of a creation-time window, either may be None."""
    after = parse_time(created_after, "created_after")
    before = parse_time(created_before, "created_before")
    if lookback:
        if lookback < 0:
            raise InvalidInputError("lookback is %r; it must be zero or a positive number of "
                                    "seconds" % (lookback,))
        if after is None:
            raise InvalidInputError("lookback is set but created_after is not; lookback moves the "
                                    "start of the window earlier, so set created_after too")
        after = max(0, after - int(lookback))
    if after is not None and before is not None and before < after:
        raise InvalidInputError(
            "created_before (%s) is earlier than created_after (%s); the window must end after it "
            "starts" % (iso_utc(before), iso_utc(after)))
    return after, before


def iso_utc(seconds):
    """Render epoch seconds as ISO 8601 UTC with a ``Z`` suffix, or None."""
    if seconds is None or seconds == 0:
        return None
    moment = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=int(seconds))
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def in_window(order, after, before):
    created = order.get("creation_time") or 0
    if after is not None and created < after:
        return False
    if before is not None and created > before:
        return False
    return True


def select_orders(orders, statuses=None, order_types=None, after=None, before=None):
    """Keep the orders that match every given filter; a filter of None matches everything."""
    selected = []
    for order in orders:
        if statuses and order.get("status") not in statuses:
            continue
        if order_types and order.get("order_type") not in order_types:
            continue
        if not in_window(order, after, before):
            continue
        selected.append(order)
    return selected


def failure_reason_code(order):
    """Classify why an order failed again: ``already_exists`` needs another operator action."""
    if _ALREADY_EXISTS.search(order.get("comments") or ""):
        return "already_exists"
    return "failed_again"


def public_order(order):
    """Return the order as the modules expose it: snake_case keys, ISO 8601 UTC times."""
    return {
        "order_id": order["order_id"],
        "order_number": order.get("order_number"),
        "vendor_account_id": order.get("vendor_account_id"),
        "customer_id": order.get("customer_id"),
        "customer_name": order.get("customer_name"),
        "status": order.get("status"),
        "status_name": STATUSES.get(order.get("status")),
        "order_type": order.get("order_type"),
        "creation_time": iso_utc(order.get("creation_time")),
        "creation_timestamp": order.get("creation_time"),
        "total": order.get("total"),
        "currency": order.get("currency"),
        "comments": order.get("comments"),
    }


def count_by(orders, key):
    counts = {}
    for order in orders:
        name = str(order.get(key))
        counts[name] = counts.get(name, 0) + 1
    return dict(sorted(counts.items()))
