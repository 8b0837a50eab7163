# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Order rules: signature, codes, ids, time windows under several time zones, selection."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import calendar
import contextlib
import hashlib
import os
import time

import pytest

from ansible_collections.cloudblue.commerce.plugins.module_utils import _orders
from ansible_collections.cloudblue.commerce.plugins.module_utils._errors import InvalidInputError


def example_order(**changes):
    order = {"order_id": 1234, "order_number": "SO001234", "creation_time": 1600000000,
             "currency": "USD", "total": 12.5, "comments": "Test order"}
    order.update(changes)
    return order


def md5(text):
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def utc(*fields):
    """Epoch seconds of a UTC calendar time, computed without the local time zone."""
    return calendar.timegm(fields + (0,) * (6 - len(fields)))


@contextlib.contextmanager
def time_zone(name):
    """Run the block with the process time zone set to ``name``, then restore it."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time.tzset()


# Signature

def test_signature_worked_example():
    assert _orders.signature(example_order()) == "cbd9431567a2e94a69d9a3d5c64d3dd9"


def test_signature_text_worked_example():
    assert _orders.signature_text(example_order()) == "1234SO0012341600000000USD 12.50Test order"


def test_signature_empty_comments():
    assert _orders.signature(example_order(comments="")) == "3cdc43e300f18cb4041dd41734366754"


def test_signature_null_comments_like_empty():
    assert _orders.signature(example_order(comments=None)) == "3cdc43e300f18cb4041dd41734366754"


def test_signature_strips_trailing_whitespace():
    assert _orders.signature(example_order(comments="Test order \t\n")) == \
        "cbd9431567a2e94a69d9a3d5c64d3dd9"


def test_signature_keeps_order_number_padding():
    text = _orders.signature_text(example_order(order_number="SO001234  "))
    assert text == "1234SO001234  1600000000USD 12.50Test order"


def test_signature_keeps_leading_comment_space():
    text = _orders.signature_text(example_order(comments="  Test order"))
    assert text == "1234SO0012341600000000USD 12.50  Test order"


def test_signature_non_ascii_comments():
    comments = u"Заказ für café ☕"
    expected = md5(u"1234SO0012341600000000USD 12.50" + comments)
    assert _orders.signature(example_order(comments=comments)) == expected


def test_signature_legacy_row_without_currency():
    assert _orders.signature_text(example_order(currency=None)) == \
        "1234SO0012341600000000 12.50Test order"


def test_signature_currency_precision_override():
    order = example_order(currency="JPY", total=1250.0)
    assert _orders.signature(order, {"JPY": 0}) == md5("1234SO0012341600000000JPY 1250Test order")


def test_signature_precision_override_other_currency():
    assert _orders.signature(example_order(), {"JPY": 0}) == "cbd9431567a2e94a69d9a3d5c64d3dd9"


def test_signature_three_digit_currency():
    order = example_order(currency="KWD", total=12.5)
    assert _orders.signature(order, {"KWD": 3}) == md5("1234SO0012341600000000KWD 12.500Test order")


@pytest.mark.parametrize("total, text", [
    (12.5, "12.50"),
    (12, "12.00"),
    (12.509, "12.50"),
    (12.999, "12.99"),
    (19.99, "19.99"),
    (1.15, "1.15"),
    (0.1 + 0.2, "0.30"),
    (-12.5, "-12.50"),
    (-12.509, "-12.50"),
    (-0.001, "0.00"),
    (-0.0, "0.00"),
    (1234567.5, "1234567.50"),
    ("12.5", "12.50"),
])
def test_format_total_cases(total, text):
    assert _orders.format_total(total) == text


def test_format_total_precision_zero():
    assert _orders.format_total(1250.99, 0) == "1250"


def test_format_total_rejects_text():
    with pytest.raises(InvalidInputError, match="not a number"):
        _orders.format_total("twelve")


# Codes, ids, currency precision

def test_codes_normalised_and_deduplicated():
    assert _orders.validate_codes(["pf", " PF ", "sf"], "failed_statuses", _orders.STATUSES) == \
        ["PF", "SF"]


def test_codes_unknown_named():
    with pytest.raises(InvalidInputError, match="failed_statuses contains unknown code 'XX'"):
        _orders.validate_codes(["PF", "XX"], "failed_statuses", _orders.STATUSES)


def test_codes_empty_rejected():
    with pytest.raises(InvalidInputError, match="statuses is an empty list"):
        _orders.validate_codes([], "statuses", _orders.STATUSES)


def test_codes_empty_allowed():
    assert _orders.validate_codes([], "order_types", _orders.ORDER_TYPES, allow_empty=True) == []


def test_ids_deduplicated_in_order():
    assert _orders.validate_ids([5, 3, 5, 1], "order_ids") == [5, 3, 1]


@pytest.mark.parametrize("value, text", [
    (0, "outside the id range"),
    (-1, "outside the id range"),
    (2 ** 31, "outside the id range"),
    (True, "not an integer id"),
    ("12", "not an integer id"),
])
def test_ids_rejected(value, text):
    with pytest.raises(InvalidInputError, match=text) as caught:
        _orders.validate_ids([1, value], "order_ids")
    assert "order_ids" in caught.value.message


def test_ids_i4_maximum_accepted():
    assert _orders.validate_ids([2 ** 31 - 1], "order_ids") == [2 ** 31 - 1]


def test_ids_empty_rejected_when_required():
    with pytest.raises(InvalidInputError, match="vendor_account_ids is an empty list"):
        _orders.validate_ids([], "vendor_account_ids", allow_empty=False)


def test_currency_precision_accepts_digits_text():
    assert _orders.validate_currency_precision({"JPY": "0", "KWD": 3}) == {"JPY": 0, "KWD": 3}


@pytest.mark.parametrize("mapping, text", [
    ({"usd": 2}, "three-letter currency codes"),
    ({"JPY": "none"}, "whole number"),
    ({"JPY": 9}, "use 0 to 8"),
    ({"JPY": -1}, "use 0 to 8"),
])
def test_currency_precision_rejected(mapping, text):
    with pytest.raises(InvalidInputError, match=text):
        _orders.validate_currency_precision(mapping)


# Time parsing and windows

@pytest.mark.parametrize("value, expected", [
    ("2026-12-01T22:00:00Z", utc(2026, 12, 1, 22)),
    ("2026-12-01T22:00:00z", utc(2026, 12, 1, 22)),
    ("2026-12-01 22:00:00Z", utc(2026, 12, 1, 22)),
    ("2026-12-01T23:00:00+01:00", utc(2026, 12, 1, 22)),
    ("2026-12-01T23:00:00+0100", utc(2026, 12, 1, 22)),
    ("2026-12-01T17:00:00-05:00", utc(2026, 12, 1, 22)),
    ("2026-12-02T03:30:00+05:30", utc(2026, 12, 1, 22)),
    ("2026-12-01T22:00:00.900Z", utc(2026, 12, 1, 22)),
    ("1796162400", utc(2026, 12, 1, 22)),
    (" 1796162400 ", utc(2026, 12, 1, 22)),
    (1796162400, utc(2026, 12, 1, 22)),
    (1796162400.7, utc(2026, 12, 1, 22)),
    # Summer and winter offsets of one zone (Europe/Berlin) name different UTC hours.
    ("2026-07-01T12:00:00+02:00", utc(2026, 7, 1, 10)),
    ("2026-01-01T12:00:00+01:00", utc(2026, 1, 1, 11)),
    # The same wall-clock time twice on the night DST ends in Europe/Berlin (2026-10-25).
    ("2026-10-25T02:30:00+02:00", utc(2026, 10, 25, 0, 30)),
    ("2026-10-25T02:30:00+01:00", utc(2026, 10, 25, 1, 30)),
])
def test_parse_time_accepted(value, expected):
    assert _orders.parse_time(value, "created_after") == expected


def test_parse_time_empty_is_none():
    assert _orders.parse_time("", "created_after") is None


@pytest.mark.parametrize("value, text", [
    ("2026-12-01T22:00:00", "has no UTC offset"),
    ("2026-12-01", "has no UTC offset"),
    ("1796162400000", "milliseconds"),
    (1796162400000, "milliseconds"),
    ("2038-01-20T00:00:00Z", "before 2038-01-19T03:14:07Z"),
    ("1969-12-31T23:59:59Z", "outside the range"),
    ("yesterday", "not a valid time"),
    ("-5", "not a valid time"),
    (True, "must be a time"),
])
def test_parse_time_rejected(value, text):
    with pytest.raises(InvalidInputError, match=text) as caught:
        _orders.parse_time(value, "created_before")
    assert caught.value.message.startswith("created_before ")


def test_parse_time_naive_suggests_offset():
    with pytest.raises(InvalidInputError,
                       match=r"2026-12-01T22:00:00Z or 2026-12-01T22:00:00\+02:00"):
        _orders.parse_time("2026-12-01T22:00:00", "created_after")


def test_window_lookback_moves_start():
    after, before = _orders.build_window("2026-12-01T22:00:00Z", "2026-12-02T02:00:00Z", 900)
    assert after == utc(2026, 12, 1, 21, 45)
    assert before == utc(2026, 12, 2, 2)


def test_window_lookback_floored_at_epoch():
    assert _orders.build_window("100", None, 900) == (0, None)


def test_window_open_bounds():
    assert _orders.build_window(None, None) == (None, None)


def test_window_end_before_start():
    with pytest.raises(InvalidInputError, match="created_before .* is earlier than created_after"):
        _orders.build_window("2026-12-02T00:00:00Z", "2026-12-01T23:00:00Z")


def test_window_end_before_lookback_start_allowed():
    after, before = _orders.build_window("2026-12-01T22:10:00Z", "2026-12-01T22:05:00Z", 900)
    assert (after, before) == (utc(2026, 12, 1, 21, 55), utc(2026, 12, 1, 22, 5))


def test_window_lookback_needs_start():
    with pytest.raises(InvalidInputError, match="lookback is set but created_after is not"):
        _orders.build_window(None, "2026-12-01T23:00:00Z", 60)


def test_window_negative_lookback():
    with pytest.raises(InvalidInputError, match="lookback is -60"):
        _orders.build_window("2026-12-01T22:00:00Z", None, -60)


WINDOW_INPUTS = [
    ("2026-12-01T22:00:00Z", "2026-12-02T02:00:00+01:00", 900),
    # Crosses the start of summer time in Europe/Berlin (2026-03-29 01:00 UTC).
    ("2026-03-29T01:30:00+01:00", "2026-03-29T03:30:00+02:00", 0),
    # Crosses the end of summer time in America/New_York (2026-11-01 06:00 UTC).
    ("2026-11-01T01:30:00-04:00", "2026-11-01T01:30:00-05:00", 60),
    ("1796162400", "1796177000", 0),
]

ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe",
         "Pacific/Kiritimati"]


@pytest.mark.parametrize("zone", ZONES)
def test_window_same_in_every_zone(zone):
    with time_zone("UTC"):
        expected = [_orders.build_window(*inputs) for inputs in WINDOW_INPUTS]
        expected_text = [(_orders.iso_utc(a), _orders.iso_utc(b)) for a, b in expected]
    with time_zone(zone):
        windows = [_orders.build_window(*inputs) for inputs in WINDOW_INPUTS]
        texts = [(_orders.iso_utc(a), _orders.iso_utc(b)) for a, b in windows]
    assert windows == expected
    assert texts == expected_text


def test_window_across_dst_start():
    with time_zone("Europe/Berlin"):
        window = _orders.build_window("2026-03-29T01:30:00+01:00", "2026-03-29T03:30:00+02:00")
        local_hours = [time.localtime(bound).tm_hour for bound in window]
    assert window == (utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 1, 30))
    # One hour apart in UTC but two on the local clock: the zone really changed offset.
    assert local_hours == [1, 3]


def test_iso_utc_renders_z():
    assert _orders.iso_utc(utc(2026, 12, 1, 21, 45)) == "2026-12-01T21:45:00Z"


def test_iso_utc_zero_is_open_bound():
    assert _orders.iso_utc(0) is None


# Selection and reporting helpers

def listed(order_id, status="PF", order_type="SO", creation_time=1000):
    return {"order_id": order_id, "status": status, "order_type": order_type,
            "creation_time": creation_time}


def test_select_orders_every_filter():
    orders = [listed(1), listed(2, status="CP"), listed(3, order_type="RN"),
              listed(4, creation_time=999), listed(5, creation_time=2001), listed(6)]
    selected = _orders.select_orders(orders, statuses=["PF"], order_types=["SO"], after=1000,
                                     before=2000)
    assert [order["order_id"] for order in selected] == [1, 6]


def test_select_orders_bounds_inclusive():
    orders = [listed(1, creation_time=1000), listed(2, creation_time=2000)]
    assert len(_orders.select_orders(orders, after=1000, before=2000)) == 2


def test_select_orders_no_filter():
    orders = [listed(1, status="CP"), listed(2, order_type="CH")]
    assert _orders.select_orders(orders) == orders


@pytest.mark.parametrize("comments, code", [
    ("Subscription #1000123 already exists", "already_exists"),
    ("subscription 77 ALREADY EXISTS.", "already_exists"),
    ("Provisioning failed with error #2007", "already_exists"),
    ("Connect: 502 Bad Gateway", "failed_again"),
    (None, "failed_again"),
])
def test_failure_reason_code(comments, code):
    assert _orders.failure_reason_code({"comments": comments}) == code


def test_public_order_times_and_names():
    order = dict(listed(7, creation_time=utc(2026, 12, 1, 23, 15, 2)), total=-3.5,
                 currency="EUR", comments="x", order_number="SO000007")
    public = _orders.public_order(order)
    assert public["creation_time"] == "2026-12-01T23:15:02Z"
    assert public["creation_timestamp"] == utc(2026, 12, 1, 23, 15, 2)
    assert public["status_name"] == "Provisioning failed"
    assert public["total"] == -3.5


def test_public_order_unknown_status_name():
    assert _orders.public_order(listed(1, status="ZZ"))["status_name"] is None


def test_count_by_sorted_string_keys():
    orders = [{"vendor_account_id": 1000123}, {"vendor_account_id": 1}, {"vendor_account_id": 1}]
    assert list(_orders.count_by(orders, "vendor_account_id").items()) == \
        [("1", 2), ("1000123", 1)]
