import collections

import pytest

from cbsim.faults import TRANSIENT_ERRORS, FaultSettings, Stats


def test_faults_update_returns_values():
    faults = FaultSettings()
    faults.update(latency_ms=20, error_rate=0.1, max_concurrency=4)
    snapshot = faults.snapshot()
    assert snapshot["latency_ms"] == 20.0
    assert snapshot["error_rate"] == 0.1
    assert snapshot["max_concurrency"] == 4


def test_faults_unknown_setting():
    with pytest.raises(ValueError, match="unknown fault settings: speed"):
        FaultSettings().update(speed=1)


def test_faults_rate_above_one():
    with pytest.raises(ValueError, match="probability"):
        FaultSettings().update(error_rate=1.5)


def test_faults_negative_latency():
    with pytest.raises(ValueError, match="0 or more"):
        FaultSettings().update(latency_ms=-1)


def test_faults_string_value():
    with pytest.raises(ValueError, match="must be a finite number"):
        FaultSettings().update(latency_ms="20")


def test_faults_infinite_latency():
    with pytest.raises(ValueError, match="must be a finite number"):
        FaultSettings().update(latency_ms=float("inf"))


def test_faults_fractional_concurrency():
    with pytest.raises(ValueError, match="whole number"):
        FaultSettings().update(max_concurrency=2.5)


def test_faults_rejected_update_changes_nothing():
    faults = FaultSettings(latency_ms=5)
    with pytest.raises(ValueError):
        faults.update(latency_ms=50, error_rate=2)
    assert faults.latency_ms == 5.0


def test_error_rate_zero_never_fails():
    faults = FaultSettings(seed=1)
    assert all(faults.roll_transient_error() is None for attempt in range(1000))


def test_error_rate_one_every_kind():
    faults = FaultSettings(error_rate=1.0, seed=1)
    kinds = collections.Counter(faults.roll_transient_error() for attempt in range(300))
    assert set(kinds) == set(TRANSIENT_ERRORS)


def test_error_rate_fraction():
    faults = FaultSettings(error_rate=0.1, seed=2)
    failures = sum(faults.roll_transient_error() is not None for attempt in range(10000))
    assert 800 < failures < 1200


def test_drop_rate_one():
    faults = FaultSettings(drop_after_commit_rate=1.0)
    assert faults.roll_drop_after_commit()


def test_connect_down_then_flaps_then_up(clock):
    faults = FaultSettings(connect_down_for=10, connect_flap_for=4, monotonic=clock)
    assert not faults.connect_available()
    clock.advance(10)
    flapping = [faults.connect_available() for attempt in range(6)]
    assert flapping == [False, True, False, True, False, True]
    clock.advance(4)
    assert all(faults.connect_available() for attempt in range(5))


def test_connect_state_names(clock):
    faults = FaultSettings(connect_down_for=10, connect_flap_for=4, monotonic=clock)
    assert faults.snapshot()["connect_state"] == "down"
    clock.advance(11)
    assert faults.snapshot()["connect_state"] == "flapping"
    clock.advance(4)
    assert faults.snapshot()["connect_state"] == "up"


def test_connect_down_set_at_runtime(clock):
    faults = FaultSettings(monotonic=clock)
    clock.advance(100)
    faults.update(connect_down_for=5)
    assert not faults.connect_available()
    clock.advance(5 + 5)
    assert faults.connect_available()


def test_connect_up_without_outage(clock):
    assert FaultSettings(monotonic=clock).connect_available()


def test_stats_limit_refuses():
    stats = Stats()
    assert stats.enter(2)
    assert stats.enter(2)
    assert not stats.enter(2)
    snapshot = stats.snapshot()
    assert snapshot["refused_overload"] == 1
    assert snapshot["in_flight"] == 2
    assert snapshot["max_in_flight"] == 2


def test_stats_leave_frees_slot():
    stats = Stats()
    stats.enter(1)
    stats.leave()
    assert stats.enter(1)


def test_stats_reset_keeps_in_flight():
    stats = Stats()
    stats.enter(0)
    stats.add("billing_requests")
    stats.reset()
    snapshot = stats.snapshot()
    assert snapshot["billing_requests"] == 0
    assert snapshot["in_flight"] == 1
