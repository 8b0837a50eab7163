"""Fault injection settings, request counters, and the Connect outage timeline."""

import math
import random
import threading
import time

SETTING_NAMES = ("latency_ms", "error_rate", "drop_after_commit_rate", "max_concurrency", "connect_down_for",
                 "connect_flap_for")

# Ways a request can fail before it is processed, chosen with equal chance.
TRANSIENT_ERRORS = ("http_502", "http_503", "reset")


class FaultSettings:
    """Fault settings that the control API can change while requests are running."""

    def __init__(self, latency_ms=0.0, error_rate=0.0, drop_after_commit_rate=0.0, max_concurrency=0,
                 connect_down_for=0.0, connect_flap_for=5.0, seed=None, monotonic=time.monotonic):
        self._lock = threading.Lock()
        self._random = random.Random(seed)
        self._monotonic = monotonic
        self.latency_ms = 0.0
        self.error_rate = 0.0
        self.drop_after_commit_rate = 0.0
        self.max_concurrency = 0
        self.connect_down_for = 0.0
        self.connect_flap_for = 5.0
        self._connect_down_since = monotonic()
        self._flap_counter = 0
        self.update(latency_ms=latency_ms, error_rate=error_rate, drop_after_commit_rate=drop_after_commit_rate,
                    max_concurrency=max_concurrency, connect_down_for=connect_down_for,
                    connect_flap_for=connect_flap_for)

    def update(self, **changes):
        """Validate and apply changes, or raise ValueError naming the setting and apply none.

        Setting ``connect_down_for`` starts a new Connect outage of that many seconds now,
        followed by ``connect_flap_for`` seconds of flapping.
        """
        unknown = sorted(set(changes) - set(SETTING_NAMES))
        if unknown:
            raise ValueError(f"unknown fault settings: {', '.join(unknown)}; known: {', '.join(SETTING_NAMES)}")
        checked = {}
        for name, value in changes.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValueError(f"fault setting {name!r} must be a finite number, got {value!r}")
            if value < 0:
                raise ValueError(f"fault setting {name!r} must be 0 or more, got {value}")
            if name.endswith("_rate") and value > 1:
                raise ValueError(f"fault setting {name!r} is a probability between 0 and 1, got {value}")
            if name == "max_concurrency":
                if value != int(value):
                    raise ValueError(f"fault setting 'max_concurrency' must be a whole number, got {value}")
                value = int(value)
            else:
                value = float(value)
            checked[name] = value

        with self._lock:
            for name, value in checked.items():
                setattr(self, name, value)
            if "connect_down_for" in checked:
                self._connect_down_since = self._monotonic()
                self._flap_counter = 0

    def snapshot(self):
        with self._lock:
            data = {name: getattr(self, name) for name in SETTING_NAMES}
            data["connect_state"] = self._connect_phase()
            return data

    def roll_transient_error(self):
        """Return the kind of transient error to inject into this request, or None."""
        with self._lock:
            if self.error_rate and self._random.random() < self.error_rate:
                return self._random.choice(TRANSIENT_ERRORS)
            return None

    def roll_drop_after_commit(self):
        with self._lock:
            return bool(self.drop_after_commit_rate) and self._random.random() < self.drop_after_commit_rate

    def _connect_phase(self):
        elapsed = self._monotonic() - self._connect_down_since
        if elapsed < self.connect_down_for:
            return "down"
        if elapsed < self.connect_down_for + self.connect_flap_for and self.connect_down_for > 0:
            return "flapping"
        return "up"

    def connect_available(self):
        """Decide whether the Connect edge serves this request or returns 502.

        While flapping, requests alternate between 502 and served, so no two in a row succeed.
        """
        with self._lock:
            phase = self._connect_phase()
            if phase == "down":
                return False
            if phase == "flapping":
                self._flap_counter += 1
                return self._flap_counter % 2 == 0
            return True


class Stats:
    """Request counters that the control API returns."""

    NAMES = ("billing_requests", "connect_requests", "control_requests", "max_in_flight", "refused_overload",
             "injected_errors", "dropped_replies", "status_changes_applied")

    def __init__(self):
        self._lock = threading.Lock()
        # Requests in flight survive a reset of the counters, because they are still running.
        self._in_flight = 0
        self._counters = {name: 0 for name in self.NAMES}

    def reset(self):
        with self._lock:
            self._counters = {name: 0 for name in self.NAMES}

    def add(self, name, amount=1):
        with self._lock:
            self._counters[name] += amount

    def enter(self, limit):
        """Count a Billing or Connect request as in flight, or return False when the limit is reached.

        A limit of 0 means no limit. A refused request is not counted as in flight.
        """
        with self._lock:
            if limit and self._in_flight >= limit:
                self._counters["refused_overload"] += 1
                return False
            self._in_flight += 1
            if self._in_flight > self._counters["max_in_flight"]:
                self._counters["max_in_flight"] = self._in_flight
            return True

    def leave(self):
        with self._lock:
            self._in_flight -= 1

    def snapshot(self):
        with self._lock:
            data = dict(self._counters)
            data["in_flight"] = self._in_flight
            return data
