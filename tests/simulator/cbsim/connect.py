"""Connect REST API under ``/public/v1``: accounts, auth context, and fulfillment requests.

Requests authenticate with ``Authorization: ApiKey SU-...:secret``. Lists take ``limit`` and
``offset`` and reply with ``Content-Range: items FIRST-LAST/TOTAL``, zero-based and inclusive. An
empty page carries ``items 0-0/TOTAL``. Filters are RQL terms in the query string, such as
``eq(status,failed)``, ``in(status,(failed,pending))``, ``and(...)`` and ``ordering(-created)``, or
plain ``field=value`` pairs.
"""

import datetime
import hmac
import json
import random
import re
import urllib.parse

DEFAULT_API_KEY = "SU-000-000-001:simulator-secret"
DEFAULT_LIMIT = 100
DEFAULT_MAX_LIMIT = 1000

REQUEST_STATUSES = ("draft", "tiers_setup", "pending", "inquiring", "approved", "failed", "scheduled", "revoking",
                    "revoked")
REQUEST_STATUS_WEIGHTS = (2, 1, 10, 3, 60, 15, 2, 1, 6)
REQUEST_TYPES = ("purchase", "change", "suspend", "resume", "cancel", "adjustment")

ACCOUNTS = (
    {"id": "PA-000-000", "name": "Simulated Provider", "type": "provider"},
    {"id": "VA-000-001", "name": "Simulated Vendor – Käse & Söhne", "type": "vendor"},
)


class ConnectError(Exception):
    """An error that Connect returns as JSON ``{"error_code": ..., "errors": [...]}``."""

    def __init__(self, http_status, error_code, message):
        super().__init__(message)
        self.http_status = http_status
        self.error_code = error_code
        self.message = message

    def body(self):
        return {"error_code": self.error_code, "errors": [self.message]}


class RqlError(ValueError):
    pass


def build_requests(count, seed, base_time):
    """Build the fulfillment requests that ``GET /requests`` lists, newest last."""
    rng = random.Random(f"connect-{seed}")
    requests = []
    for index in range(count):
        created = datetime.datetime.fromtimestamp(base_time - (count - index) * 600, datetime.timezone.utc)
        status = rng.choices(REQUEST_STATUSES, weights=REQUEST_STATUS_WEIGHTS)[0]
        number = index + 1
        requests.append({
            "id": f"PR-{number // 10000:04d}-{number % 10000:04d}-0001-001",
            "type": rng.choice(REQUEST_TYPES),
            "status": status,
            "created": created.isoformat().replace("+00:00", "Z"),
            "updated": created.isoformat().replace("+00:00", "Z"),
            "asset": {
                "id": f"AS-{number // 10000:04d}-{number % 10000:04d}-0001",
                "external_id": str(1_000_000 + number),
                "product": {"id": "PRD-000-000-001", "name": "Cloud Office – Premium"},
            },
            "reason": "Vendor rejected the request" if status == "failed" else "",
        })
    return requests


def parse_rql(terms):
    """Parse RQL query terms into ``(predicates, ordering)``.

    ``predicates`` is a list of functions on a request dict, and ``ordering`` is a list of
    ``(field, descending)``. Raises RqlError on syntax it does not support.
    """
    predicates = []
    ordering = []
    for term in terms:
        _parse_term(term.strip(), predicates, ordering)
    return predicates, ordering


_CALL = re.compile(r"^([a-z]+)\((.*)\)$", re.DOTALL)


def _split_arguments(text):
    # Split on commas that are not inside parentheses.
    parts, depth, current = [], 0, []
    for char in text:
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        depth += (char == "(") - (char == ")")
        if depth < 0:
            raise RqlError(f"unbalanced parentheses in {text!r}")
        current.append(char)
    if depth:
        raise RqlError(f"unbalanced parentheses in {text!r}")
    parts.append("".join(current))
    return [part.strip() for part in parts]


def _field_value(item, field):
    value = item
    for key in field.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _parse_term(term, predicates, ordering):
    match = _CALL.match(term)
    if not match:
        raise RqlError(f"invalid RQL term {term!r}")
    operator, arguments = match.group(1), _split_arguments(match.group(2))

    if operator == "and":
        for argument in arguments:
            _parse_term(argument, predicates, ordering)
    elif operator == "ordering":
        for field in arguments:
            ordering.append((field.lstrip("+-"), field.startswith("-")))
    elif operator in ("eq", "ne"):
        if len(arguments) != 2:
            raise RqlError(f"{operator}() takes a field and a value: {term!r}")
        field, expected = arguments
        if operator == "eq":
            predicates.append(lambda item: str(_field_value(item, field)) == expected)
        else:
            predicates.append(lambda item: str(_field_value(item, field)) != expected)
    elif operator in ("in", "out"):
        if len(arguments) != 2 or not (arguments[1].startswith("(") and arguments[1].endswith(")")):
            raise RqlError(f"{operator}() takes a field and a list in parentheses: {term!r}")
        field = arguments[0]
        values = set(_split_arguments(arguments[1][1:-1]))
        if operator == "in":
            predicates.append(lambda item: str(_field_value(item, field)) in values)
        else:
            predicates.append(lambda item: str(_field_value(item, field)) not in values)
    else:
        raise RqlError(f"unsupported RQL operator {operator!r} in {term!r}")


def _parse_int_parameter(query, name, default, minimum):
    values = query.get(name)
    if not values:
        return default
    try:
        value = int(values[-1])
    except ValueError:
        raise ConnectError(400, "REQ_002", f"Query parameter {name} must be an integer, got {values[-1]!r}.") from None
    if value < minimum:
        raise ConnectError(400, "REQ_002", f"Query parameter {name} must be {minimum} or more, got {value}.")
    return value


class ConnectApi:
    """Serves Connect GET requests from a fixed set of accounts and fulfillment requests."""

    def __init__(self, api_key=DEFAULT_API_KEY, requests=(), max_limit=DEFAULT_MAX_LIMIT):
        self.api_key = api_key
        # Connect clients send the key as the whole header value, "ApiKey SU-...:secret".
        self.expected_header = api_key if api_key.startswith("ApiKey ") else f"ApiKey {api_key}"
        self.requests = list(requests)
        self.max_limit = max_limit

    def check_auth(self, header):
        """Raise ConnectError 401 unless the Authorization header carries the API key."""
        if not header or not hmac.compare_digest(header.encode("utf-8"), self.expected_header.encode("utf-8")):
            raise ConnectError(401, "AUTH_001", "API request is unauthorized: the API key is missing or invalid.")

    def handle_get(self, path, query_string, authorization):
        """Return ``(http_status, json_body, extra_headers)``, or raise ConnectError."""
        self.check_auth(authorization)
        if path in ("/accounts", "/accounts/"):
            return self._list(list(ACCOUNTS), query_string)
        if path == "/auth/context":
            return 200, {
                "user": {"id": self.api_key.removeprefix("ApiKey ").split(":")[0], "name": "Simulator API key"},
                "account": dict(ACCOUNTS[0]),
            }, {}
        if path in ("/requests", "/requests/"):
            return self._list(self.requests, query_string)
        if path.startswith("/requests/"):
            request_id = path[len("/requests/"):]
            for item in self.requests:
                if item["id"] == request_id:
                    return 200, item, {}
            raise ConnectError(404, "REQ_001", f"Request {request_id} not found.")
        raise ConnectError(404, "ROUTE_001", f"Resource {path} not found.")

    def _list(self, items, query_string):
        query = urllib.parse.parse_qs(query_string, keep_blank_values=True)
        limit = min(_parse_int_parameter(query, "limit", DEFAULT_LIMIT, 0), self.max_limit)
        offset = _parse_int_parameter(query, "offset", 0, 0)

        # RQL terms arrive as query keys without a value, such as "?eq(status,failed)&limit=10".
        rql_terms = [key for key, values in query.items() if "(" in key and values == [""]]
        plain_filters = {key: values[-1] for key, values in query.items()
                         if "(" not in key and key not in ("limit", "offset")}
        try:
            predicates, ordering = parse_rql(rql_terms)
        except RqlError as error:
            raise ConnectError(400, "RQL_001", f"Invalid RQL query: {error}.") from None
        for field, expected in plain_filters.items():
            predicates.append(lambda item, field=field, expected=expected: str(_field_value(item, field)) == expected)

        selected = [item for item in items if all(predicate(item) for predicate in predicates)]
        for field, descending in reversed(ordering):
            selected.sort(key=lambda item: str(_field_value(item, field)), reverse=descending)

        total = len(selected)
        page = selected[offset:offset + limit]
        if page:
            content_range = f"items {offset}-{offset + len(page) - 1}/{total}"
        else:
            content_range = f"items 0-0/{total}"
        return 200, page, {"Content-Range": content_range}


def error_json(error):
    return json.dumps(error.body()).encode("utf-8")
