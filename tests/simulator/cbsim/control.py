"""Control API under ``/control``: inspect and change the simulator's state from tests.

It is not part of either real API. Every reply is JSON. Latency, fault injection and the
concurrency limit never apply to it.
"""

import json
import time
import urllib.parse

from .orders import default_order, order_from_json, order_to_json


class ControlError(Exception):
    def __init__(self, http_status, message):
        super().__init__(message)
        self.http_status = http_status
        self.message = message


def _int_filter(query, name):
    values = query.get(name)
    if not values:
        return None
    try:
        return int(values[-1])
    except ValueError:
        raise ControlError(400, f"query parameter {name} must be an integer, got {values[-1]!r}") from None


class ControlApi:
    """Routes control requests to the store, the fault settings and the counters."""

    def __init__(self, store, faults, stats, reset, info):
        self.store = store
        self.faults = faults
        self.stats = stats
        self._reset = reset
        self.info = info

    def handle(self, method, path, query_string, body):
        """Return ``(http_status, json_value)``. A bad request gets a 4xx status, not an exception."""
        try:
            return self._route(method, path, urllib.parse.parse_qs(query_string), body)
        except ControlError as error:
            return error.http_status, {"error": error.message}

    def _route(self, method, path, query, body):
        path = path.rstrip("/")
        routes = {
            ("GET", ""): lambda: (200, self.info()),
            ("GET", "/info"): lambda: (200, self.info()),
            ("GET", "/writes"): lambda: (200, {"writes": self.store.writes_snapshot()}),
            ("DELETE", "/writes"): self._clear_writes,
            ("GET", "/orders"): lambda: self._list_orders(query),
            ("POST", "/orders"): lambda: self._put_orders(body),
            ("GET", "/faults"): lambda: (200, self.faults.snapshot()),
            ("POST", "/faults"): lambda: self._set_faults(body),
            ("GET", "/stats"): lambda: (200, self.stats.snapshot()),
            ("POST", "/reset"): lambda: self._reset_state(body),
        }
        route = routes.get((method, path))
        if route is not None:
            return route()
        if path.startswith("/orders/") and method == "GET":
            return self._get_order(path[len("/orders/"):])
        if any(route_path == path for route_method, route_path in routes) or path.startswith("/orders/"):
            raise ControlError(405, f"method {method} is not allowed on /control{path}")
        raise ControlError(404, f"no control resource at /control{path}")

    def _clear_writes(self):
        self.store.clear_writes()
        return 200, {"writes": []}

    def _get_order(self, text):
        try:
            order_id = int(text)
        except ValueError:
            raise ControlError(400, f"order id must be an integer, got {text!r}") from None
        order = self.store.find(order_id)
        if order is None:
            raise ControlError(404, f"order {order_id} not found")
        return 200, order_to_json(order, self.store.precision(order.currency))

    def _list_orders(self, query):
        statuses = ()
        if query.get("status"):
            statuses = tuple(code for code in query["status"][-1].split(",") if code)
        orders = self.store.select(
            vendor_account_id=_int_filter(query, "vendor_account_id"),
            order_type=query.get("order_type", [""])[-1],
            statuses=statuses,
            created_after=_int_filter(query, "created_after") or 0,
            created_before=_int_filter(query, "created_before") or 0,
            outcome=query.get("outcome", [None])[-1],
        )
        limit = _int_filter(query, "limit")
        if limit is not None:
            orders = orders[:limit]
        return 200, {"orders": [order_to_json(order, self.store.precision(order.currency)) for order in orders],
                     "count": len(orders)}

    def _parse_body(self, body):
        try:
            data = json.loads(body or b"{}")
        except (ValueError, UnicodeDecodeError) as error:
            raise ControlError(400, f"request body is not valid JSON: {error}") from None
        if not isinstance(data, dict):
            raise ControlError(400, "request body must be a JSON object")
        return data

    def _put_orders(self, body):
        data = self._parse_body(body)
        items = data.get("orders")
        if not isinstance(items, list):
            raise ControlError(400, "request body is missing the 'orders' list")
        merge = bool(data.get("merge", False))

        now = int(time.time())
        orders = []
        for position, item in enumerate(items):
            order_id = item.get("order_id") if isinstance(item, dict) else None
            if not isinstance(order_id, int) or isinstance(order_id, bool):
                raise ControlError(400, f"orders[{position}]: 'order_id' is missing or not an integer")
            existing = self.store.find(order_id) if merge else None
            base = existing if existing is not None else default_order(order_id, now)
            try:
                orders.append(order_from_json(item, base))
            except ValueError as error:
                raise ControlError(400, f"orders[{position}]: {error}") from None

        self.store.put(orders)
        return 200, {"orders": [order_to_json(order, self.store.precision(order.currency)) for order in orders],
                     "count": len(orders)}

    def _set_faults(self, body):
        try:
            self.faults.update(**self._parse_body(body))
        except ValueError as error:
            raise ControlError(400, str(error)) from None
        return 200, self.faults.snapshot()

    def _reset_state(self, body):
        data = self._parse_body(body)
        self._reset(restore_faults=bool(data.get("faults", False)))
        return 200, {"reset": True, "orders_total": self.store.count()}
