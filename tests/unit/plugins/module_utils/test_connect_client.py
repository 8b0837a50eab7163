# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Connect REST client against recorded HTTP: authorization header, paging, availability probe."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.cloudblue.commerce.plugins.module_utils import _connect
from ansible_collections.cloudblue.commerce.plugins.module_utils import _errors as errors
from ansible_collections.cloudblue.commerce.tests.unit.plugins.http_recorder import (
    CONNECT_API_KEY,
    CONNECT_URL,
    JSON_HEADERS,
    Reply,
    connect_rig,
    connection_error,
    read_timeout,
    ssl_error,
)


def json_reply(document, status=200, content_range=None):
    headers = dict(JSON_HEADERS)
    if content_range is not None:
        headers["Content-Range"] = content_range
    return Reply(status, json.dumps(document), headers)


def items(first, last):
    return [{"id": "PR-%04d" % index} for index in range(first, last + 1)]


def ids(documents):
    return [document["id"] for document in documents]


# Paging

def test_list_follows_content_range_total():
    client, rig = connect_rig([
        json_reply(items(0, 1), content_range="items 0-1/5"),
        json_reply(items(2, 3), content_range="items 2-3/5"),
        json_reply(items(4, 4), content_range="items 4-4/5"),
    ])
    assert ids(client.list("requests", page_size=2)) == ids(items(0, 4))
    assert [call.params["offset"] for call in rig.session.calls] == [0, 2, 4]
    assert [call.params["limit"] for call in rig.session.calls] == [2, 2, 2]


def test_list_short_pages_leave_no_gap():
    # The server returns at most two items although three were requested.
    client, rig = connect_rig([
        json_reply(items(0, 1), content_range="items 0-1/7"),
        json_reply(items(2, 3), content_range="items 2-3/7"),
        json_reply(items(4, 5), content_range="items 4-5/7"),
        json_reply(items(6, 6), content_range="items 6-6/7"),
    ])
    assert ids(client.list("requests", page_size=3)) == ids(items(0, 6))
    assert [call.params["offset"] for call in rig.session.calls] == [0, 2, 4, 6]


def test_list_empty_page_ends_despite_total():
    client, rig = connect_rig([
        json_reply(items(0, 1), content_range="items 0-1/10"),
        json_reply([], content_range="items 0-0/10"),
    ])
    assert ids(client.list("requests", page_size=2)) == ids(items(0, 1))
    assert len(rig.session.calls) == 2


def test_list_without_header_stops_on_short_page():
    client, rig = connect_rig([json_reply(items(0, 1)), json_reply(items(2, 2))])
    assert ids(client.list("requests", page_size=2)) == ids(items(0, 2))
    assert [call.params["offset"] for call in rig.session.calls] == [0, 2]


def test_list_without_header_stops_on_empty_page():
    client, rig = connect_rig([json_reply(items(0, 1)), json_reply(items(2, 3)), json_reply([])])
    assert ids(client.list("requests", page_size=2)) == ids(items(0, 3))
    assert len(rig.session.calls) == 3


def test_list_malformed_header_treated_as_missing():
    client, rig = connect_rig([json_reply(items(0, 1), content_range="items */5"),
                               json_reply(items(2, 2), content_range="bytes 0-1/5")])
    assert ids(client.list("requests", page_size=2)) == ids(items(0, 2))
    assert len(rig.session.calls) == 2


def test_list_empty_collection_one_call():
    client, rig = connect_rig([json_reply([], content_range="items 0-0/0")])
    assert client.list("requests") == []
    assert len(rig.session.calls) == 1


def test_list_exact_total_no_extra_call():
    client, rig = connect_rig([
        json_reply(items(0, 1), content_range="items 0-1/4"),
        json_reply(items(2, 3), content_range="items 2-3/4"),
    ])
    assert len(client.list("requests", page_size=2)) == 4
    assert len(rig.session.calls) == 2


def test_list_keeps_filters_and_headers():
    client, rig = connect_rig([json_reply([], content_range="items 0-0/0")])
    client.list("requests", params={"status": "failed"}, page_size=50)
    call = rig.session.calls[0]
    assert call.method == "GET"
    assert call.url == CONNECT_URL + "/requests"
    assert call.params == {"status": "failed", "limit": 50, "offset": 0}
    assert call.headers["Authorization"] == "ApiKey " + CONNECT_API_KEY
    assert call.headers["Accept"] == "application/json"


def test_list_retries_transient_page():
    client, rig = connect_rig([Reply(502), json_reply(items(0, 0), content_range="items 0-0/1")])
    assert ids(client.list("requests")) == ["PR-0000"]
    assert [call.params["offset"] for call in rig.session.calls] == [0, 0]


@pytest.mark.parametrize("page_size", [0, 1001])
def test_list_page_size_checked(page_size):
    client, rig = connect_rig()
    with pytest.raises(errors.InvalidInputError, match="page size"):
        client.list("requests", page_size=page_size)
    assert rig.session.calls == []


@pytest.mark.parametrize("status", [401, 403])
def test_list_auth_status_raises(status):
    client, _rig = connect_rig([json_reply({"error_code": "AUTH_001"}, status=status)])
    with pytest.raises(errors.AuthenticationError, match="Connect rejected the API key"):
        client.list("requests")


def test_list_error_reply_shows_error_text():
    client, _rig = connect_rig([json_reply({"error_code": "VAL_001", "errors": ["bad rql"]},
                                           status=400)])
    with pytest.raises(errors.ConnectAPIError, match=r"HTTP 400 \(VAL_001: bad rql\)") as caught:
        client.list("requests")
    assert caught.value.http_status == 400


def test_list_non_list_reply_is_protocol_error():
    client, _rig = connect_rig([json_reply({"id": "PR-1"})])
    with pytest.raises(errors.ProtocolError, match="instead of a JSON list"):
        client.list("requests")


@pytest.mark.parametrize("value, parsed", [
    ("items 0-1/5", (0, 1, 5)),
    (" items 10-19/250 ", (10, 19, 250)),
    ("items 0-0/0", (0, 0, 0)),
    ("items */5", None),
    ("bytes 0-1/5", None),
    ("", None),
    (None, None),
])
def test_parse_content_range(value, parsed):
    assert _connect.parse_content_range(value) == parsed


# Probe

def test_probe_json_reply_available():
    client, rig = connect_rig([json_reply([{"id": "PA-1"}])])
    result = client.probe()
    assert result.available is True
    assert result.http_status == 200
    call = rig.session.calls[0]
    assert call.url == CONNECT_URL + "/accounts"
    assert call.params == {"limit": 1}
    assert call.headers["Authorization"] == "ApiKey " + CONNECT_API_KEY


def test_probe_auth_context_path():
    client, rig = connect_rig([json_reply({"user": {"id": "SU-123"}})])
    assert client.probe("auth_context").available is True
    assert rig.session.calls[0].url == CONNECT_URL + "/auth/context"
    assert rig.session.calls[0].params is None


@pytest.mark.parametrize("status", [401, 403])
def test_probe_auth_status_raises(status):
    client, rig = connect_rig([json_reply({"error_code": "AUTH_001"}, status=status)])
    with pytest.raises(errors.AuthenticationError,
                       match="Connect is up but connect_api_key") as caught:
        client.probe()
    assert caught.value.http_status == status
    assert len(rig.session.calls) == 1


@pytest.mark.parametrize("reply, status", [
    (Reply(500, b"{}", JSON_HEADERS), 500),
    (Reply(502, b"<html>Bad Gateway</html>"), 502),
    (Reply(503), 503),
    (Reply(504), 504),
    (Reply(429, headers={"Retry-After": "30"}), 429),
    (Reply(200, b"<html><body>Maintenance</body></html>", {"Content-Type": "text/html"}), 200),
    (Reply(200, b""), 200),
    (connection_error("Connection reset by peer"), None),
    (read_timeout(), None),
])
def test_probe_not_yet(reply, status):
    client, rig = connect_rig([reply])
    result = client.probe()
    assert result.available is False
    assert result.http_status == status
    assert result.detail
    assert len(rig.session.calls) == 1
    assert rig.sleeps == []


def test_probe_html_detail():
    client, _rig = connect_rig([Reply(200, b"<html></html>")])
    assert client.probe().detail == "HTTP 200 with a body that is not JSON"


def test_probe_404_raises():
    client, _rig = connect_rig([json_reply({"error_code": "NOT_FOUND", "errors": ["no route"]},
                                           status=404)])
    with pytest.raises(errors.ConnectAPIError, match="check connect_url") as caught:
        client.probe()
    assert "NOT_FOUND: no route" in caught.value.message
    assert caught.value.http_status == 404


def test_probe_tls_error_raises():
    client, _rig = connect_rig([ssl_error()])
    with pytest.raises(errors.TLSError, match="Set ca_path"):
        client.probe()


def test_probe_unknown_kind():
    client, rig = connect_rig()
    with pytest.raises(errors.InvalidInputError, match="probe 'ping' is invalid"):
        client.probe("ping")
    assert rig.session.calls == []


@pytest.mark.parametrize("api_key", [None, ""])
def test_client_needs_api_key(api_key):
    with pytest.raises(errors.InvalidInputError, match="connect_api_key is missing"):
        connect_rig(api_key=api_key)
