# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""HTTP transport against a recorded session: settings, retries, backoff, limits."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from ansible_collections.cloudblue.commerce.plugins.module_utils import _transport
from ansible_collections.cloudblue.commerce.plugins.module_utils import _errors as errors
from ansible_collections.cloudblue.commerce.plugins.module_utils._transport import (
    HttpTransport,
    RateLimiter,
    RetryPolicy,
    RetryReporter,
)
from ansible_collections.cloudblue.commerce.tests.unit.plugins.http_recorder import (
    FakeClock,
    RecordingSession,
    Reply,
    connection_error,
    read_timeout,
    ssl_error,
)

URL = "https://api.example.com/v1"


def make_transport(replies=(), retries=3, **kwargs):
    session = RecordingSession(replies, responder=kwargs.pop("responder", None),
                               delay=kwargs.pop("delay", 0.0))
    sleeps = []
    warnings = []
    policy = RetryPolicy(retries=retries, sleep=sleeps.append, rng=random.Random(3))
    transport = HttpTransport(kwargs.pop("url", URL), option="connect_url", retry_policy=policy,
                              reporter=RetryReporter(warnings.append), session=session, **kwargs)
    return transport, session, sleeps, warnings


# URLs

def test_split_credentials_plain_url_unchanged():
    assert _transport.split_credentials(URL) == (URL, None, None)


def test_split_credentials_removes_userinfo():
    clean, user, password = _transport.split_credentials("https://api%2Buser:p%40ss@host:5224/RPC2")
    assert clean == "https://host:5224/RPC2"
    assert user == "api+user"
    assert password == "p@ss"


def test_split_credentials_keeps_ipv6_brackets():
    assert _transport.split_credentials("http://u:p@[::1]:8080/RPC2")[0] == "http://[::1]:8080/RPC2"


def test_split_credentials_user_without_password():
    assert _transport.split_credentials("https://u@host/RPC2") == ("https://host/RPC2", "u", None)


def test_split_credentials_bad_port_no_crash():
    assert _transport.split_credentials("https://u:secret@host:99999/RPC2")[0] == \
        "https://host:99999/RPC2"


@pytest.mark.parametrize("url, text", [
    ("ftp://host/RPC2", "is not a valid http:// or https:// URL"),
    ("billing.example.com:5224/RPC2", "is not a valid http:// or https:// URL"),
    ("https:///RPC2", "is not a valid http:// or https:// URL"),
    ("", "is not a valid http:// or https:// URL"),
    ("https://host:99999/RPC2", "has an invalid port number"),
    ("https://host:port/RPC2", "has an invalid port number"),
    ("https://[::1/RPC2", "is not a valid URL"),
])
def test_validate_url_rejects(url, text):
    with pytest.raises(errors.InvalidInputError, match=text) as caught:
        _transport.validate_url(url, "billing_url")
    assert caught.value.message.startswith("billing_url ")


@pytest.mark.parametrize("url", ["htps://u:s3cr3t-pw@host/RPC2", "https://u:s3cr3t-pw@host:99999/"])
def test_invalid_url_message_hides_password(url):
    with pytest.raises(errors.InvalidInputError) as caught:
        HttpTransport(url, option="connect_url", session=RecordingSession())
    assert "s3cr3t-pw" not in caught.value.message
    assert "connect_url" in caught.value.message


# Session settings

def test_transport_defaults_verify_on():
    transport, session, _sleeps, _warnings = make_transport([Reply(200)])
    transport.request("GET", "accounts")
    assert session.calls[0].verify is True


def test_transport_ca_path_is_verify():
    transport, session, _sleeps, _warnings = make_transport([Reply(200)], ca_path="/etc/ca.pem")
    transport.request("GET", "accounts")
    assert session.calls[0].verify == "/etc/ca.pem"


def test_transport_validate_certs_off_wins():
    transport, session, _sleeps, _warnings = make_transport([Reply(200)], ca_path="/etc/ca.pem",
                                                            validate_certs=False)
    transport.request("GET", "accounts")
    assert session.calls[0].verify is False


def test_transport_client_cert_and_key():
    _transport_, session, _sleeps, _warnings = make_transport(client_cert="/c.pem",
                                                              client_key="/k.pem")
    assert session.cert == ("/c.pem", "/k.pem")


def test_transport_client_cert_alone():
    _transport_, session, _sleeps, _warnings = make_transport(client_cert="/both.pem")
    assert session.cert == "/both.pem"


def test_transport_url_credentials_become_basic_auth():
    transport, session, _sleeps, _warnings = make_transport(
        [Reply(200)], url="https://u:pw-in-url@host/RPC2")
    transport.request("POST")
    assert transport.base_url == "https://host/RPC2"
    assert session.calls[0].url == "https://host/RPC2"
    assert session.calls[0].auth == ("u", "pw-in-url")


def test_transport_session_headers_recorded():
    transport, session, _sleeps, _warnings = make_transport([Reply(200)],
                                                            headers={"X-Trace": "on"})
    transport.request("GET", "accounts", headers={"Accept": "application/json"})
    assert session.calls[0].headers["X-Trace"] == "on"
    assert session.calls[0].headers["Accept"] == "application/json"


def test_transport_passes_timeout_and_stream():
    transport, session, _sleeps, _warnings = make_transport([Reply(200)], timeout=7.5)
    transport.request("GET", "accounts", params={"limit": 1})
    call = session.calls[0]
    assert call.timeout == 7.5
    assert call.stream is True
    assert call.params == {"limit": 1}


def test_transport_joins_paths():
    transport, session, _sleeps, _warnings = make_transport([Reply(200)], url=URL + "/")
    transport.request("GET", "/auth/context")
    assert session.calls[0].url == URL + "/auth/context"


def test_transport_returns_reply_and_closes():
    transport, session, _sleeps, _warnings = make_transport(
        [Reply(201, b"abc", {"X-Id": "7"})])
    status, headers, body = transport.request("POST")
    assert (status, headers["x-id"], body) == (201, "7", b"abc")
    assert session.responses[0].closed is True


def test_real_session_trusts_proxy_environment():
    transport = HttpTransport(URL)
    assert transport.session.trust_env is True
    transport.session.close()


def test_deadlines_use_monotonic_clock():
    transport = HttpTransport(URL, session=RecordingSession())
    assert transport.clock is time.monotonic


# Retry-After and backoff

@pytest.mark.parametrize("value, seconds", [
    ("7", 7.0), ("0", 0.0), ("2.5", 2.5), ("100000", 120.0), ("-3", None), ("soon", None),
    ("Wed, 21 Oct 2026 07:28:00 GMT", None), (None, None),
])
def test_parse_retry_after(value, seconds):
    assert _transport.parse_retry_after(value) == seconds


def test_delay_first_attempt_range():
    policy = RetryPolicy(backoff_base=0.5, rng=random.Random(5))
    delays = [policy.delay(1) for _index in range(200)]
    assert min(delays) >= 0.25
    assert max(delays) <= 0.5


def test_delay_is_jittered():
    policy = RetryPolicy(rng=random.Random(5))
    assert len(set(round(policy.delay(3), 6) for _index in range(20))) > 10


def test_delay_capped():
    policy = RetryPolicy(backoff_base=0.5, backoff_max=30.0, rng=random.Random(5))
    delays = [policy.delay(attempt) for attempt in range(1, 40)]
    assert max(delays) <= 30.0
    assert min(delays[7:]) >= 15.0


def test_delay_retry_after_wins_when_longer():
    assert RetryPolicy(rng=random.Random(5)).delay(1, retry_after=9.0) == 9.0


def test_delay_retry_after_shorter_keeps_backoff():
    assert RetryPolicy(rng=random.Random(5)).delay(4, retry_after=0.1) >= 2.0


def test_429_honours_retry_after():
    transport, session, sleeps, _warnings = make_transport(
        [Reply(429, headers={"Retry-After": "7"}), Reply(200)])
    assert transport.request("GET", "accounts")[0] == 200
    assert sleeps == [7.0]
    assert len(session.calls) == 2


def test_429_retry_after_clamped():
    transport, _session, sleeps, _warnings = make_transport(
        [Reply(429, headers={"Retry-After": "86400"}), Reply(200)])
    transport.request("GET", "accounts")
    assert sleeps == [120.0]


def test_429_http_date_uses_backoff():
    transport, _session, sleeps, _warnings = make_transport(
        [Reply(429, headers={"Retry-After": "Wed, 21 Oct 2026 07:28:00 GMT"}), Reply(200)])
    transport.request("GET", "accounts")
    assert 0.25 <= sleeps[0] <= 0.5


@pytest.mark.parametrize("reply", [connection_error(), read_timeout(), Reply(502), Reply(503),
                                   Reply(504), Reply(429)])
def test_transient_failure_retried(reply):
    transport, session, sleeps, _warnings = make_transport([reply, Reply(200)])
    assert transport.request("GET", "accounts")[0] == 200
    assert len(session.calls) == 2
    assert len(sleeps) == 1


@pytest.mark.parametrize("status", [400, 404, 409, 500, 501])
def test_other_status_returned_not_retried(status):
    transport, session, _sleeps, _warnings = make_transport([Reply(status)])
    assert transport.request("GET", "accounts")[0] == status
    assert len(session.calls) == 1


def test_retry_false_sends_once():
    transport, session, _sleeps, _warnings = make_transport([Reply(503)])
    with pytest.raises(errors.HTTPStatusError):
        transport.request("POST", retry=False)
    assert len(session.calls) == 1


def test_retries_zero_sends_once():
    transport, session, _sleeps, _warnings = make_transport([connection_error()], retries=0)
    with pytest.raises(errors.TransportError):
        transport.request("GET", "accounts")
    assert len(session.calls) == 1


def test_exhausted_connection_errors_name_endpoint():
    transport, session, sleeps, _warnings = make_transport([connection_error()] * 4)
    with pytest.raises(errors.TransportError) as caught:
        transport.request("GET", "accounts", operation="Connect probe")
    assert caught.value.message == ("Connect probe failed: no reply from %s/accounts "
                                    "(Connection refused)" % URL)
    assert caught.value.reply_received is False
    assert len(session.calls) == 4
    assert len(sleeps) == 3


def test_status_error_keeps_body_excerpt():
    transport, _session, _sleeps, _warnings = make_transport([Reply(503, b"busy")], retries=0)
    with pytest.raises(errors.HTTPStatusError) as caught:
        transport.request("GET", "accounts")
    assert caught.value.body == "busy"
    assert caught.value.reply_received is True


def test_tls_error_names_fix():
    transport, session, sleeps, _warnings = make_transport([ssl_error()])
    with pytest.raises(errors.TLSError) as caught:
        transport.request("GET", "accounts")
    assert "unable to get local issuer certificate" in caught.value.message
    assert "Set ca_path" in caught.value.message
    assert sleeps == []
    assert len(session.calls) == 1


def test_broken_body_retried():
    broken = Reply(200, b"[1,", body_error=requests.exceptions.ChunkedEncodingError("reset"))
    transport, session, _sleeps, _warnings = make_transport([broken, Reply(200, b"[1]")])
    assert transport.request("GET", "accounts")[2] == b"[1]"
    assert len(session.calls) == 2


def test_other_requests_error_is_transport_error():
    reply = Reply(error=requests.exceptions.InvalidHeader("bad header value"))
    transport, _session, _sleeps, _warnings = make_transport([reply], retries=0)
    with pytest.raises(errors.TransportError, match="bad header value"):
        transport.request("GET", "accounts")


class SteppingClock:
    """Clock that moves ``step`` seconds each time it is read."""

    def __init__(self, step):
        self.now = 0.0
        self.step = step

    def __call__(self):
        self.now += self.step
        return self.now


def test_body_deadline_stops_slow_reply():
    # Each 64 KiB piece costs 15 s on this clock, so the third passes the 30 s deadline.
    transport, _session, _sleeps, _warnings = make_transport(
        [Reply(200, b"x" * 65536 * 4)], retries=0, timeout=30.0, clock=SteppingClock(15.0))
    with pytest.raises(errors.RequestTimeoutError, match="did not finish its reply") as caught:
        transport.request("GET", "accounts")
    assert URL + "/accounts" in caught.value.message


def test_body_within_deadline_returned():
    transport, _session, _sleeps, _warnings = make_transport(
        [Reply(200, b"x" * 65536 * 4)], retries=0, timeout=30.0, clock=SteppingClock(5.0))
    assert len(transport.request("GET", "accounts")[2]) == 65536 * 4


# Warnings for retries

def test_each_retry_reported():
    transport, _session, _sleeps, warnings = make_transport(
        [Reply(503), connection_error(), Reply(200)])
    transport.request("GET", "accounts", operation="Connect probe")
    assert len(warnings) == 2
    assert warnings[0].startswith("Connect probe failed: HTTP 503 from %s/accounts; retry 1 of 3 in"
                                  % URL)
    assert "retry 2 of 3" in warnings[1]


def test_reporter_shows_five_then_counts():
    warnings = []
    reporter = RetryReporter(warnings.append)
    for index in range(8):
        reporter.report("retry %d" % index)
    reporter.summary()
    assert warnings[:5] == ["retry %d" % index for index in range(5)]
    assert warnings[5:] == ["3 more retries were taken and not shown one by one"]


def test_reporter_summary_silent_when_all_shown():
    warnings = []
    reporter = RetryReporter(warnings.append)
    reporter.report("retry 0")
    reporter.summary()
    assert warnings == ["retry 0"]


# Rate limit and concurrency

def test_rate_limiter_spaces_starts():
    clock = FakeClock()
    limiter = RateLimiter(2.0, clock=clock, sleep=clock.sleep)
    for _index in range(4):
        limiter.wait()
    assert clock.sleeps == [0.5, 0.5, 0.5]


def test_rate_limiter_zero_never_sleeps():
    clock = FakeClock()
    limiter = RateLimiter(0, clock=clock, sleep=clock.sleep)
    limiter.wait()
    limiter.wait()
    assert clock.sleeps == []


def test_transport_rate_limit_applies():
    clock = FakeClock()
    session = RecordingSession([Reply(200)] * 3)
    policy = RetryPolicy(sleep=clock.sleep)
    transport = HttpTransport(URL, session=session, retry_policy=policy, rate_limit=4.0,
                              clock=clock)
    for _index in range(3):
        transport.request("GET", "accounts")
    assert clock.sleeps == [0.25, 0.25]


def first_attempt_fails():
    """Responder that returns 503 to each thread's first call and 200 afterwards."""
    seen = set()
    lock = threading.Lock()

    def respond(call):
        with lock:
            first = threading.get_ident() not in seen
            seen.add(threading.get_ident())
        return Reply(503) if first else Reply(200)

    return respond


@pytest.mark.parametrize("concurrency", [1, 2, 3])
def test_concurrency_bound_holds_with_retries(concurrency):
    transport, session, sleeps, _warnings = make_transport(
        responder=first_attempt_fails(), concurrency=concurrency, delay=0.02)
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda index: transport.request("GET", "accounts")[0], range(8)))
    assert statuses == [200] * 8
    assert len(session.calls) == 16
    assert len(sleeps) == 8
    assert session.in_flight_max == concurrency


def test_unloadable_tls_file_not_retried():
    bundle_error = OSError("Could not find a suitable TLS CA certificate bundle, invalid path: x")
    transport, session, sleeps, _warnings = make_transport([Reply(error=bundle_error),
                                                            Reply(200, b"[]")])
    with pytest.raises(errors.TLSError) as raised:
        transport.request("GET", "accounts", operation="probe")
    assert "check ca_path, client_cert and client_key" in raised.value.message
    assert len(session.calls) == 1
    assert sleeps == []
