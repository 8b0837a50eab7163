"""Billing XML-RPC API: the ``Execute`` method on ``/RPC2`` and the three order methods.

Requests and replies are standard XML-RPC, parsed and built by ``xmlrpc.client``. A call is
``Execute({"Server": "BM", "Method": NAME, "Params": [...]})`` and succeeds with
``{"Result": [payload]}``. Errors are XML-RPC faults whose ``faultString`` is the base64 of UTF-8 text.
"""

import base64
import hmac
import logging
import operator
import xml.parsers.expat
import xmlrpc.client

from .orders import LIST_ROW_WIDTH, get_order_row, list_row
from .store import AccountNotFound, OrderNotFound, SignatureMismatch, TransitionNotAllowed

log = logging.getLogger("cbsim.billing")

# Fault codes. Real Billing servers do not document theirs, so clients should classify a fault by
# its decoded text. These values only keep the kinds apart in the simulator's own tests.
FAULT_MALFORMED_REQUEST = 1
FAULT_UNKNOWN_SERVER = 2
FAULT_UNKNOWN_METHOD = 3
FAULT_ARGUMENT_COUNT = 4
FAULT_ARGUMENT_TYPE = 5
FAULT_AUTHENTICATION = 6
FAULT_NOT_FOUND = 7
FAULT_SIGNATURE = 8
FAULT_TRANSITION = 9

I4_MIN = -2**31
I4_MAX = 2**31 - 1

LIST_FORMS = ("five", "six", "both")

STATUS_CHANGE_DONE = {"Status": "Operation done."}


class BillingFault(Exception):
    """An error that the Billing API returns as an XML-RPC fault."""

    def __init__(self, code, text):
        super().__init__(text)
        self.code = code
        self.text = text


def encode_fault_text(text):
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def fault_response(code, text):
    return xmlrpc.client.dumps(xmlrpc.client.Fault(code, encode_fault_text(text))).encode("utf-8")


def success_response(payload):
    return xmlrpc.client.dumps(({"Result": [payload]},), methodresponse=True).encode("utf-8")


def _type_name(value):
    if isinstance(value, bool):
        return "boolean"
    return {int: "int", str: "string", float: "double", list: "array", dict: "struct"}.get(type(value), "value")


def _is_int(value):
    # XML-RPC booleans arrive as bool, which is a subclass of int.
    return isinstance(value, int) and not isinstance(value, bool)


def _check_int(method, position, value):
    if not _is_int(value):
        raise BillingFault(FAULT_ARGUMENT_TYPE,
                           f"Parameter {position} of {method} must be an integer, got {_type_name(value)}.")
    if not I4_MIN <= value <= I4_MAX:
        raise BillingFault(FAULT_ARGUMENT_TYPE,
                           f"Parameter {position} of {method} is out of the 32-bit integer range: {value}.")
    return value


def _check_str(method, position, value):
    if not isinstance(value, str):
        raise BillingFault(FAULT_ARGUMENT_TYPE,
                           f"Parameter {position} of {method} must be a string, got {_type_name(value)}.")
    return value


def _check_count(method, params, *allowed):
    if len(params) not in allowed:
        expected = " or ".join(str(count) for count in allowed)
        raise BillingFault(FAULT_ARGUMENT_COUNT,
                           f"Wrong number of parameters for {method}: expected {expected}, got {len(params)}.")


class BillingApi:
    """Executes Billing calls against an order store.

    ``auth`` is None, or ``(mode, username, password)`` with mode ``struct`` or ``basic``. The HTTP
    layer checks basic credentials, and this class checks struct credentials.
    """

    def __init__(self, store, auth=None, list_form="both", legacy_rows=False):
        if list_form not in LIST_FORMS:
            raise ValueError(f"invalid list form {list_form!r}; choose one of {', '.join(LIST_FORMS)}")
        self.store = store
        self.auth = auth
        self.list_form = list_form
        self.legacy_rows = legacy_rows
        self.methods = {
            "GetOrder_API": self.get_order,
            "OrderByStatusListGet_API": self.list_orders_by_status,
            "OrderStatusChange_API": self.change_order_status,
        }

    # Entry points for the HTTP layer

    def parse(self, body):
        """Parse an XML-RPC request into the Execute struct, or raise BillingFault when it is not one."""
        try:
            params, method_name = xmlrpc.client.loads(body)
        except (xml.parsers.expat.ExpatError, xmlrpc.client.ResponseError, ValueError, TypeError) as error:
            raise BillingFault(FAULT_MALFORMED_REQUEST, f"The request is not valid XML-RPC: {error}.") from None
        if method_name != "Execute":
            raise BillingFault(FAULT_UNKNOWN_METHOD, f"Method {method_name} is not supported; call Execute.")
        if len(params) != 1 or not isinstance(params[0], dict):
            raise BillingFault(FAULT_MALFORMED_REQUEST, "Execute takes exactly one struct parameter.")
        return params[0]

    def peek_status_change(self, body):
        """Return ``(order_id, target)`` when the body is an OrderStatusChange_API call, else None.

        Used to record a status change that fault injection drops before it is processed.
        """
        try:
            call = self.parse(body)
        except BillingFault:
            return None
        if call.get("Method") != "OrderStatusChange_API":
            return None
        params = call.get("Params")
        if not isinstance(params, list) or len(params) < 2:
            return None
        order_id = params[0] if _is_int(params[0]) else None
        target = params[1] if isinstance(params[1], str) else None
        return order_id, target

    def execute(self, body):
        """Run one Execute call and return ``(reply_bytes, write_entry)``.

        ``write_entry`` is the recorded entry of an OrderStatusChange_API call (applied or
        rejected), else None. A fault is returned as a fault reply, never raised.
        """
        try:
            call = self.parse(body)
        except BillingFault as fault:
            return fault_response(fault.code, fault.text), None

        params = call.get("Params", [])
        is_status_change = call.get("Method") == "OrderStatusChange_API"
        try:
            method = self._check_call(call)
            if is_status_change:
                payload, write = self.change_order_status(params)
            else:
                payload, write = self.methods[method](params), None
        except BillingFault as fault:
            log.info("%s fault %d: %s", call.get("Method"), fault.code, fault.text)
            # The write record lists every status change received, refused ones too.
            write = self._record_rejected(params, fault) if is_status_change else None
            return fault_response(fault.code, fault.text), write
        return success_response(payload), write

    def _check_call(self, call):
        """Check credentials and the Execute members, and return the method name."""
        if self.auth and self.auth[0] == "struct":
            self._check_struct_auth(call)

        server = call.get("Server")
        method = call.get("Method")
        if not isinstance(server, str) or not isinstance(method, str):
            raise BillingFault(FAULT_MALFORMED_REQUEST, "The Execute struct needs string members Server and Method.")
        if server != "BM":
            raise BillingFault(FAULT_UNKNOWN_SERVER, f"Server {server} is unknown; the Billing server is BM.")
        if method not in self.methods:
            raise BillingFault(FAULT_UNKNOWN_METHOD, f"Method {method} is not found on server BM.")
        if not isinstance(call.get("Params", []), list):
            raise BillingFault(FAULT_MALFORMED_REQUEST, "Member Params of the Execute struct must be an array.")
        return method

    def _check_struct_auth(self, call):
        username, password = self.auth[1], self.auth[2]
        given_user = call.get("Username")
        given_password = call.get("Password")
        if not isinstance(given_user, str) or not isinstance(given_password, str):
            raise BillingFault(FAULT_AUTHENTICATION, "Authentication failed: Username and Password are required.")
        user_ok = hmac.compare_digest(given_user.encode("utf-8"), username.encode("utf-8"))
        password_ok = hmac.compare_digest(given_password.encode("utf-8"), password.encode("utf-8"))
        if not (user_ok and password_ok):
            raise BillingFault(FAULT_AUTHENTICATION, "Authentication failed: invalid user name or password.")

    # Methods

    def get_order(self, params):
        method = "GetOrder_API"
        _check_count(method, params, 1)
        order_id = _check_int(method, 1, params[0])
        try:
            order = self.store.get(order_id)
        except OrderNotFound as error:
            raise BillingFault(FAULT_NOT_FOUND, str(error)) from None
        return get_order_row(order, legacy=self.legacy_rows)

    def list_orders_by_status(self, params):
        method = "OrderByStatusListGet_API"
        allowed = {"five": (5,), "six": (6,), "both": (5, 6)}[self.list_form]
        _check_count(method, params, *allowed)

        vendor_account_id = _check_int(method, 1, params[0])
        order_type = _check_str(method, 2, params[1])
        status = _check_str(method, 3, params[2])
        start_time = _check_int(method, 4, params[3])
        end_time = _check_int(method, 5, params[4]) if len(params) == 6 else 0
        sort_number = _check_int(method, len(params), params[-1])
        if abs(sort_number) > LIST_ROW_WIDTH:
            raise BillingFault(FAULT_ARGUMENT_TYPE,
                               f"Parameter {len(params)} of {method} (SortNo) must be a column number "
                               f"between -{LIST_ROW_WIDTH} and {LIST_ROW_WIDTH}, got {sort_number}.")

        try:
            orders = self.store.select(vendor_account_id=vendor_account_id, order_type=order_type,
                                       statuses=(status,) if status else (), created_after=start_time,
                                       created_before=end_time, require_account=True)
        except AccountNotFound as error:
            raise BillingFault(FAULT_NOT_FOUND, str(error)) from None

        rows = [list_row(order) for order in orders]
        if sort_number:
            rows.sort(key=operator.itemgetter(abs(sort_number) - 1), reverse=sort_number < 0)
        return rows

    def change_order_status(self, params):
        """Apply a status change and return ``(payload, write_entry)``, or raise BillingFault."""
        method = "OrderStatusChange_API"
        _check_count(method, params, 3)
        order_id = _check_int(method, 1, params[0])
        target = _check_str(method, 2, params[1])
        signature = _check_str(method, 3, params[2])

        store = self.store
        with store.lock:
            try:
                status_before = store.change_status(order_id, target, signature)
            except OrderNotFound as error:
                raise BillingFault(FAULT_NOT_FOUND, str(error)) from None
            except SignatureMismatch as error:
                raise BillingFault(FAULT_SIGNATURE, str(error)) from None
            except TransitionNotAllowed as error:
                raise BillingFault(FAULT_TRANSITION, str(error)) from None
            write = store.record_write(order_id=order_id, target_status=target, status_before=status_before,
                                       result="applied", fault_string=None, reply_dropped=False)
        log.debug("order %d changed from %s to %s", order_id, status_before, target)
        return STATUS_CHANGE_DONE, write

    def _record_rejected(self, params, fault):
        order_id = params[0] if isinstance(params, list) and params and _is_int(params[0]) else None
        target = params[1] if isinstance(params, list) and len(params) > 1 and isinstance(params[1], str) else None
        with self.store.lock:
            order = self.store.find(order_id) if order_id is not None else None
            return self.store.record_write(order_id=order_id, target_status=target,
                                           status_before=order.status if order else None, result="rejected",
                                           fault_string=fault.text, reply_dropped=False)

    def record_unprocessed(self, body, result, fault_string, error_kind):
        """Record a status change that was not processed (injected error, HTTP 401).

        Other calls are not recorded.
        """
        peeked = self.peek_status_change(body)
        if peeked is None:
            return None
        order_id, target = peeked
        with self.store.lock:
            order = self.store.find(order_id) if order_id is not None else None
            return self.store.record_write(order_id=order_id, target_status=target,
                                           status_before=order.status if order else None, result=result,
                                           fault_string=fault_string, reply_dropped=False, error_kind=error_kind)
