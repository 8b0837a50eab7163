# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""connect_wait run through main() against recorded Connect replies and a fake clock."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import inspect
import json
import time

import pytest

from ansible_collections.cloudblue.commerce.plugins.modules import connect_wait
from ansible_collections.cloudblue.commerce.tests.unit.plugins.http_recorder import (
    CONNECT_API_KEY,
    CONNECT_SECRET,
    CONNECT_URL,
    JSON_HEADERS,
    FakeClock,
    RecordingSession,
    Reply,
    connection_error,
    read_timeout,
)

CONNECTION = {"connect_url": CONNECT_URL, "connect_api_key": CONNECT_API_KEY}
UP = Reply(200, b"[]", JSON_HEADERS)


@pytest.fixture
def clock(monkeypatch):
    fake_clock = FakeClock()
    monkeypatch.setattr(connect_wait, "wait_for_connect",
                        functools.partial(connect_wait.wait_for_connect, clock=fake_clock,
                                          sleep=fake_clock.sleep))
    return fake_clock


def run(harness, replies, check_mode=False, **args):
    session = RecordingSession(replies)
    failed, result = harness.run(connect_wait, dict(CONNECTION, **args), session,
                                 check_mode=check_mode)
    return failed, result, session


def test_wait_uses_monotonic_clock():
    defaults = inspect.signature(connect_wait.wait_for_connect).parameters
    assert defaults["clock"].default is time.monotonic


def test_available_after_maintenance(harness, clock):
    failed, result, session = run(harness, [Reply(502), Reply(502), UP, UP, UP], interval=10)
    assert failed is False
    assert result["available"] is True
    assert (result["probes"], result["failures"]) == (5, 2)
    assert result["last_status"] == 200
    assert result["last_error"] == "Connect probe failed: HTTP 502 from %s/accounts" % CONNECT_URL
    assert result["elapsed"] == 40
    assert result["changed"] is False
    assert len(session.calls) == 5


def test_probe_request_shape(harness, clock):
    _failed, _result, session = run(harness, [UP], consecutive_successes=1, timeout=5)
    call = session.calls[0]
    assert (call.method, call.url, call.params) == ("GET", CONNECT_URL + "/accounts",
                                                    {"limit": 1})
    assert call.headers["Authorization"] == "ApiKey " + CONNECT_API_KEY
    assert call.timeout == 5.0


def test_auth_context_probe(harness, clock):
    _failed, _result, session = run(harness, [UP], consecutive_successes=1, probe="auth_context")
    assert session.calls[0].url == CONNECT_URL + "/auth/context"


def test_flapping_resets_streak(harness, clock):
    replies = [UP, Reply(503), UP, connection_error(), UP, UP, UP]
    _failed, result, _session = run(harness, replies, interval=5)
    assert (result["probes"], result["failures"]) == (7, 2)
    assert clock.sleeps == [5] * 6


def test_not_yet_replies_keep_waiting(harness, clock):
    replies = [Reply(504), Reply(200, b"<html>maintenance</html>"), read_timeout(),
               Reply(429), UP]
    failed, result, _session = run(harness, replies, consecutive_successes=1)
    assert failed is False
    assert result["failures"] == 4


@pytest.mark.parametrize("status", [401, 403])
def test_auth_failure_fails_at_once(harness, clock, status):
    failed, result, session = run(harness, [Reply(status, b'{"error_code": "AUTH_001"}')])
    assert failed is True
    assert "Connect is up but connect_api_key is wrong" in result["msg"]
    assert result["error"]["http_status"] == status
    assert len(session.calls) == 1
    assert clock.sleeps == []


def test_timeout_fails_with_counts(harness, clock):
    failed, result, session = run(harness, [Reply(502)] * 4, wait_timeout=30, interval=10)
    assert failed is True
    assert result["msg"].startswith("Connect did not respond successfully 3 times in a row within 30.0 s "
                                    "(4 probes, last: Connect probe failed: HTTP 502")
    assert (result["available"], result["probes"], result["failures"]) == (False, 4, 4)
    assert result["error"]["kind"] == "wait_timeout"
    assert len(session.calls) == 4


def test_last_probe_at_deadline(harness, clock):
    _failed, result, _session = run(harness, [Reply(502)] * 4, wait_timeout=25, interval=10)
    assert clock.sleeps == [10, 10, 5]
    assert result["elapsed"] == 25


def test_check_mode_still_probes(harness, clock):
    failed, result, session = run(harness, [UP], check_mode=True, consecutive_successes=1)
    assert failed is False
    assert result["available"] is True
    assert len(session.calls) == 1


def test_not_found_fails_naming_url(harness, clock):
    failed, result, _session = run(harness, [Reply(404, b'{"errors": ["not found"]}')])
    assert failed is True
    assert "check connect_url" in result["msg"]


def test_api_key_never_in_output(harness, clock):
    echo = "Authorization: ApiKey %s" % CONNECT_API_KEY
    replies = [Reply(502, echo), Reply(404, json.dumps({"errors": [echo, CONNECT_SECRET]}))]
    failed, result, _session = run(harness, replies)
    text = json.dumps(result)
    assert failed is True
    assert CONNECT_API_KEY not in text
    assert CONNECT_SECRET not in text
