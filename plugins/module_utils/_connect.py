# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Client of the CloudBlue Connect public REST API: authentication, paging, availability probe.

This is a private module: its interface may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible_collections.cloudblue.commerce.plugins.module_utils._errors import (
    AuthenticationError,
    ConnectAPIError,
    InvalidInputError,
    ProtocolError,
    TLSError,
    TransportError,
    register_secret,
)

DEFAULT_CONNECT_URL = "https://api.connect.cloudblue.com/public/v1"
PROBE_PATHS = {"accounts": "accounts", "auth_context": "auth/context"}
PAGE_SIZE_MAX = 1000

_CONTENT_RANGE = re.compile(r"^\s*items\s+(\d+)-(\d+)/(\d+)\s*$")


def parse_content_range(value):
    """Parse ``items <first>-<last>/<total>`` into three ints, or None when absent or malformed."""
    if not value:
        return None
    match = _CONTENT_RANGE.match(value)
    if not match:
        return None
    return tuple(int(group) for group in match.groups())


class ProbeResult:
    """Outcome of one availability probe."""

    def __init__(self, available, http_status=None, detail=None):
        self.available = available
        self.http_status = http_status
        self.detail = detail


def _decode_json(body):
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def _error_text(document):
    if isinstance(document, dict):
        errors = document.get("errors")
        code = document.get("error_code")
        if isinstance(errors, list):
            errors = "; ".join(str(item) for item in errors)
        if code or errors:
            return "%s: %s" % (code or "error", errors or "")
    return None


class ConnectClient:
    """Calls the Connect API with the ``ApiKey`` authorization header."""

    def __init__(self, transport, api_key):
        if not api_key:
            raise InvalidInputError(
                "connect_api_key is missing; set it (or CBC_CONNECT_API_KEY) to the Connect API "
                "key, in the form SU-XXX-XXX-XXX:secret")
        register_secret(api_key)
        if ":" in api_key:
            register_secret(api_key.split(":", 1)[1])
        self.transport = transport
        self._headers = {"Authorization": "ApiKey %s" % api_key, "Accept": "application/json"}

    def _check_auth(self, status, path):
        if status in (401, 403):
            raise AuthenticationError(
                "Connect rejected the API key with HTTP %d on %s; Connect is up but "
                "connect_api_key is wrong or lacks permission" % (status, self.transport.url(path)),
                operation="GET " + path, endpoint=self.transport.url(path), http_status=status)

    def probe(self, kind="accounts"):
        """Send one availability probe without retrying.

        2xx with a JSON body means available. 401/403 raise AuthenticationError (waiting cannot
        help). 5xx, 429, an HTML body, a refused or reset connection and a timeout mean not yet.
        TLS errors and other 4xx replies raise, because they point at a wrong setting.
        """
        if kind not in PROBE_PATHS:
            raise InvalidInputError("probe %r is invalid; use one of %s"
                                    % (kind, ", ".join(sorted(PROBE_PATHS))))
        path = PROBE_PATHS[kind]
        params = {"limit": 1} if kind == "accounts" else None
        try:
            status, headers, body = self.transport.request(
                "GET", path, operation="Connect probe", retry=False, params=params,
                headers=self._headers)
        except TLSError:
            raise
        except TransportError as error:
            return ProbeResult(False, getattr(error, "http_status", None), error.message)

        self._check_auth(status, path)
        document = _decode_json(body)
        if 200 <= status < 300:
            if document is None:
                return ProbeResult(False, status, "HTTP %d with a body that is not JSON" % status)
            return ProbeResult(True, status, None)
        if status >= 500 or status == 429:
            return ProbeResult(False, status, "HTTP %d" % status)
        raise ConnectAPIError(
            "Connect probe of %s failed with HTTP %d (%s); check connect_url"
            % (self.transport.url(path), status, _error_text(document) or "no error text"),
            operation="GET " + path, endpoint=self.transport.url(path), http_status=status)

    def list(self, path, params=None, page_size=100):
        """Read every item of a collection, following ``Content-Range`` to the total.

        The next offset is the previous offset plus the items actually received, so a short page
        leaves no gap; the loop also ends on an empty page, so a wrong total cannot loop forever.
        """
        if page_size < 1 or page_size > PAGE_SIZE_MAX:
            raise InvalidInputError("page size %r is invalid; use 1 to %d"
                                    % (page_size, PAGE_SIZE_MAX))
        items = []
        offset = 0
        while True:
            query = dict(params or {})
            query.update({"limit": page_size, "offset": offset})
            status, headers, body = self.transport.request(
                "GET", path, operation="GET " + path, params=query, headers=self._headers)
            self._check_auth(status, path)
            document = _decode_json(body)
            if status != 200:
                raise ConnectAPIError(
                    "GET %s failed with HTTP %d (%s)"
                    % (self.transport.url(path), status, _error_text(document) or "no error text"),
                    operation="GET " + path, endpoint=self.transport.url(path),
                    http_status=status, body=body.decode("utf-8", "replace"))
            if not isinstance(document, list):
                raise ProtocolError("GET %s returned %s instead of a JSON list"
                                    % (self.transport.url(path), type(document).__name__),
                                    endpoint=self.transport.url(path))
            items.extend(document)
            offset += len(document)
            content_range = parse_content_range(headers.get("Content-Range"))
            if not document:
                break
            if content_range is not None:
                if offset >= content_range[2]:
                    break
            elif len(document) < page_size:
                break
        return items
