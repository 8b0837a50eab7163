# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Client of the Commerce Billing XML-RPC API.

This is a private module: its interface may change without notice.

The API has one XML-RPC method, ``Execute``, taking a struct
``{"Server": "BM", "Method": "<Name>_API", "Params": [...]}``. Faults carry a base64-encoded
UTF-8 ``faultString``. Rows are positional lists; ``decode_order_row`` and
``decode_listed_row`` turn them into dicts with snake_case keys.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import re

try:
    import xmlrpc.client as xmlrpc_client
except ImportError:  # pragma: no cover
    import xmlrpclib as xmlrpc_client  # type: ignore

from ansible_collections.cloudblue.commerce.plugins.module_utils._errors import (
    AlreadyExistsError,
    AuthenticationError,
    BillingAuthenticationFault,
    BillingFault,
    HTTPStatusError,
    InvalidInputError,
    OrderNotFoundError,
    ProtocolError,
    SignatureError,
    TransitionError,
    register_secret,
    scrub,
)
from ansible_collections.cloudblue.commerce.plugins.module_utils._transport import (
    register_basic_auth,
)

I4_MIN = -(2 ** 31)
I4_MAX = 2 ** 31 - 1

AUTH_MODES = ("struct", "basic", "none")
LIST_FORMS = ("with_end_time", "without_end_time")

# GetOrder_API row: 19 fields, or 17 on very old versions (without the last two).
ORDER_FIELDS = (
    "order_id", "order_number", "vendor_account_id", "customer_id", "status", "order_type",
    "creation_time", "order_date", "total", "tax_total", "discount_total", "merch_total",
    "comments", "expiration_date", "promo_code", "sales_branch_id", "sales_person_id",
    "currency", "completed_date",
)
LEGACY_ORDER_FIELD_COUNT = 17

# OrderByStatusListGet_API row: 19 fields in another order than GetOrder_API.
LISTED_FIELDS = (
    "order_id", "order_number", "customer_id", "customer_name", "status", "order_type",
    "creation_time", "order_date", "total", "tax_total", "discount_total", "merch_total",
    "expiration_date", "promo_code", "sales_branch_id", "sales_branch_name", "sales_person_id",
    "sales_person_name", "comments",
)

# NOTE: fault codes are not documented, so faults are classified by their decoded text. The
# patterns below match the texts seen in vendor documentation and support articles; an
# unmatched fault stays a plain BillingFault, which is never retried.
_FAULT_PATTERNS = (
    (re.compile(r"does not contain row with ID|not found", re.I), OrderNotFoundError),
    (re.compile(r"already exists|#2007\b", re.I), AlreadyExistsError),
    (re.compile(r"signature", re.I), SignatureError),
    (re.compile(r"transition|order flow|not allowed", re.I), TransitionError),
    (re.compile(r"password|authenticat|login|credential|access denied|permission", re.I),
     BillingAuthenticationFault),
)


def check_i4(value, name):
    """Raise InvalidInputError unless value fits the XML-RPC i4 type."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError("%s must be an integer, got %r" % (name, value))
    if value < I4_MIN or value > I4_MAX:
        raise InvalidInputError(
            "%s %d is outside the XML-RPC i4 range (%d to %d) that the Billing API accepts; "
            "an epoch time in milliseconds must be given in seconds, and times after "
            "2038-01-19 cannot be sent" % (name, value, I4_MIN, I4_MAX))
    return value


def decode_fault_text(fault_string):
    """Decode a Billing fault text.

    The server sends base64 of UTF-8 text. Plain text is returned as it is, including words that
    happen to be valid base64 (``Unauthorized``) but decode to control or mostly non-ASCII bytes.
    Base64 of mostly ASCII bytes that are not UTF-8 (Latin-1 text, for example) is decoded with
    replacement characters. This function never raises.
    """
    if not isinstance(fault_string, str):
        fault_string = "" if fault_string is None else str(fault_string)
    compact = "".join(fault_string.split())
    if not compact or len(compact) % 4 or not re.match(r"^[A-Za-z0-9+/]+=*$", compact):
        return fault_string
    try:
        raw = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        return fault_string
    if not raw:
        return fault_string
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        ascii_bytes = sum(1 for byte in bytearray(raw) if 32 <= byte < 127 or byte in (9, 10, 13))
        if ascii_bytes < 0.8 * len(raw):
            return fault_string
        text = raw.decode("utf-8", "replace")
    if any(not (char.isprintable() or char in "\t\n\r") for char in text):
        return fault_string
    return text


def classify_fault(fault_code, text, operation=None, order_id=None, endpoint=None):
    """Return the typed error for a decoded fault."""
    error_class = BillingFault
    for pattern, candidate in _FAULT_PATTERNS:
        if pattern.search(text):
            error_class = candidate
            break
    hint = ""
    if error_class is BillingAuthenticationFault:
        hint = "; check billing_username, billing_password and billing_auth"
    return error_class(
        "%s failed with Billing fault %s: %s%s" % (operation or "Billing call", fault_code, text,
                                                   hint),
        operation=operation, order_id=order_id, endpoint=endpoint, fault_code=fault_code,
        fault_text=text)


def decode_order_row(row):
    """Decode a GetOrder_API row (17 or 19 fields) into a dict."""
    if not isinstance(row, (list, tuple)) or len(row) not in (LEGACY_ORDER_FIELD_COUNT,
                                                              len(ORDER_FIELDS)):
        raise ProtocolError("GetOrder_API returned a row of %s fields; expected 17 or 19"
                            % (len(row) if isinstance(row, (list, tuple)) else type(row).__name__))
    order = dict(zip(ORDER_FIELDS, row))
    order.setdefault("currency", None)
    order.setdefault("completed_date", None)
    order["customer_name"] = None
    return order


def decode_listed_row(row, vendor_account_id):
    """Decode an OrderByStatusListGet_API row into a dict in the GetOrder_API vocabulary."""
    if not isinstance(row, (list, tuple)) or len(row) != len(LISTED_FIELDS):
        raise ProtocolError(
            "OrderByStatusListGet_API returned a row of %s fields; expected %d"
            % (len(row) if isinstance(row, (list, tuple)) else type(row).__name__,
               len(LISTED_FIELDS)))
    order = dict(zip(LISTED_FIELDS, row))
    order["vendor_account_id"] = vendor_account_id
    order["currency"] = None
    return order


class BillingClient:
    """Calls the Billing API through an ``HttpTransport``."""

    def __init__(self, transport, auth_mode="struct", username=None, password=None, lang=None):
        if auth_mode not in AUTH_MODES:
            raise InvalidInputError("billing_auth %r is invalid; use one of %s"
                                    % (auth_mode, ", ".join(AUTH_MODES)))
        if auth_mode in ("struct", "basic") and not username:
            raise InvalidInputError(
                "billing_username is missing but billing_auth is %r; set billing_username and "
                "billing_password (or CBC_BILLING_USERNAME and CBC_BILLING_PASSWORD), or set "
                "billing_auth to none for a Billing API that allow-lists the source address"
                % auth_mode)
        self.transport = transport
        self.auth_mode = auth_mode
        self.username = username
        self.password = password
        self.lang = lang
        register_secret(password)
        if auth_mode == "basic":
            register_basic_auth(username, password)
            transport.session.auth = (username, password or "")

    def _request_struct(self, method, params):
        struct = {"Server": "BM", "Method": method, "Params": list(params)}
        if self.lang:
            struct["Lang"] = self.lang
        if self.auth_mode == "struct":
            struct["Username"] = self.username
            struct["Password"] = self.password or ""
        return struct

    def execute(self, method, params, order_id=None, write=False):
        """Call ``Execute`` and return the first element of ``Result``.

        ``write=True`` sends the call once: a transient failure is raised to the caller, who must
        reconcile by re-reading instead of resending.
        """
        for index, value in enumerate(params):
            if value is None:
                raise InvalidInputError("%s parameter %d is unset; the Billing API does not accept "
                                        "nil" % (method, index + 1))
            if isinstance(value, int) and not isinstance(value, bool):
                check_i4(value, "%s parameter %d" % (method, index + 1))
        payload = xmlrpc_client.dumps((self._request_struct(method, params),), "Execute",
                                      encoding="utf-8", allow_none=False)
        status, headers, body = self.transport.request(
            "POST", data=payload.encode("utf-8"), operation=method, retry=not write,
            headers={"Content-Type": "text/xml; charset=utf-8"})
        return self._parse_reply(method, status, headers, body, order_id)

    def _parse_reply(self, method, status, headers, body, order_id):
        endpoint = self.transport.base_url
        text = body.decode("utf-8", "replace")
        if status in (401, 403):
            raise AuthenticationError(
                "%s failed: HTTP %d from %s; check billing_username, billing_password and "
                "billing_auth" % (method, status, endpoint),
                operation=method, order_id=order_id, endpoint=endpoint, http_status=status)
        if status != 200:
            raise HTTPStatusError("%s failed: HTTP %d from %s" % (method, status, endpoint),
                                  http_status=status, operation=method, order_id=order_id,
                                  endpoint=endpoint, body=text)
        try:
            values, _method = xmlrpc_client.loads(body, use_builtin_types=True)
        except xmlrpc_client.Fault as fault:
            # "from None" leaves the Fault, whose raw text is not scrubbed, out of tracebacks.
            raise classify_fault(fault.faultCode, decode_fault_text(fault.faultString),
                                 operation=method, order_id=order_id, endpoint=endpoint) from None
        except Exception as error:  # expat and unmarshalling errors have no common base class
            raise ProtocolError(
                "%s failed: the reply from %s is not an XML-RPC response (%s)"
                % (method, endpoint, scrub(error)),
                operation=method, order_id=order_id, endpoint=endpoint, http_status=status,
                body=text)
        result = values[0] if values else None
        if not isinstance(result, dict) or "Result" not in result:
            raise ProtocolError("%s failed: the reply has no Result member" % method,
                                operation=method, order_id=order_id, endpoint=endpoint, body=text)
        payload = result["Result"]
        if isinstance(payload, list):
            return payload[0] if payload else None
        return payload

    def get_order(self, order_id):
        """Read one order with GetOrder_API."""
        check_i4(order_id, "order id")
        row = self.execute("GetOrder_API", [order_id], order_id=order_id)
        order = decode_order_row(row)
        if order["order_id"] != order_id:
            raise ProtocolError("GetOrder_API for order %d returned order %r"
                                % (order_id, order["order_id"]), order_id=order_id)
        return order

    def list_orders(self, vendor_account_id, order_type="", status="", start_time=0, end_time=0,
                    sort_no=1, list_form="with_end_time"):
        """List one vendor's orders with OrderByStatusListGet_API.

        An empty type or status means any; 0 for a time means no bound. ``list_form`` picks the
        six-argument form (with EndTime) or the five-argument form of older servers.
        """
        if list_form not in LIST_FORMS:
            raise InvalidInputError("list_form %r is invalid; use one of %s"
                                    % (list_form, ", ".join(LIST_FORMS)))
        check_i4(vendor_account_id, "vendor account id")
        if list_form == "with_end_time":
            params = [vendor_account_id, order_type, status, start_time, end_time, sort_no]
        else:
            params = [vendor_account_id, order_type, status, start_time, sort_no]
        rows = self.execute("OrderByStatusListGet_API", params)
        if rows is None:
            return []
        if not isinstance(rows, list):
            raise ProtocolError("OrderByStatusListGet_API returned %s instead of a list of rows"
                                % type(rows).__name__)
        return [decode_listed_row(row, vendor_account_id) for row in rows]

    def change_status(self, order_id, new_status, signature):
        """Send OrderStatusChange_API once; the caller reconciles a lost reply."""
        check_i4(order_id, "order id")
        return self.execute("OrderStatusChange_API", [order_id, new_status, signature],
                            order_id=order_id, write=True)
