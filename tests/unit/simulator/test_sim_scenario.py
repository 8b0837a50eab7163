import collections

import pytest

from cbsim.orders import ORDER_TYPE_NAMES
from cbsim.scenario import PROVIDER_ACCOUNT_ID, RESELLER_ACCOUNT_IDS, build_installation

WINDOW_END = 1_700_000_000
WINDOW_LENGTH = 7200


def build(orders=2000, seed=5, failed_in_window=None):
    return build_installation("connect-maintenance", orders, seed, WINDOW_END, WINDOW_LENGTH, failed_in_window)


def in_window(installation, order):
    return installation.window_start <= order.creation_time <= installation.window_end


def test_scenario_is_deterministic():
    first = build()
    second = build()
    assert first.orders == second.orders


def test_scenario_seed_changes_orders():
    assert build(seed=5).orders != build(seed=6).orders


def test_scenario_window_bounds():
    installation = build()
    assert installation.window_end == WINDOW_END
    assert installation.window_start == WINDOW_END - WINDOW_LENGTH


def test_scenario_order_count():
    assert len(build(orders=1234).orders) == 1234


def test_scenario_order_ids_unique():
    orders = build().orders
    assert len({order.order_id for order in orders}) == len(orders)


def test_scenario_exact_failed_in_window():
    installation = build(orders=3000, failed_in_window=777)
    failed = [order for order in installation.orders if order.status == "PF" and in_window(installation, order)]
    assert len(failed) == 777


def test_scenario_failed_on_window_bounds():
    installation = build()
    times = {order.creation_time for order in installation.orders if order.status == "PF"}
    assert installation.window_start in times
    assert installation.window_end in times


def test_scenario_failed_just_outside_window():
    installation = build()
    times = {order.creation_time for order in installation.orders if order.status == "PF"}
    assert installation.window_start - 1 in times
    assert installation.window_end + 1 in times


def test_scenario_old_failures_days_before():
    installation = build()
    old = [order for order in installation.orders
           if order.status == "PF" and order.creation_time < installation.window_start - 86400]
    assert old


def test_scenario_has_sf_orders():
    statuses = collections.Counter(order.status for order in build().orders)
    assert statuses["SF"] >= 1


def test_scenario_has_orders_in_progress():
    statuses = collections.Counter(order.status for order in build().orders)
    for status in ("PR", "LO", "MO"):
        assert statuses[status] >= 1, status


def test_scenario_mostly_complete_outcomes():
    installation = build(orders=4000, failed_in_window=400)
    outcomes = collections.Counter(order.outcome for order in installation.orders
                                   if order.status == "PF" and in_window(installation, order))
    assert outcomes["complete"] > outcomes["vendor_rejected"] + outcomes["already_exists"]
    assert outcomes["vendor_rejected"] >= 1
    assert outcomes["already_exists"] >= 1


def test_scenario_failed_orders_of_every_type():
    installation = build()
    types = {order.order_type for order in installation.orders
             if order.status == "PF" and in_window(installation, order)}
    assert types == set(ORDER_TYPE_NAMES)


def test_scenario_provider_and_resellers():
    installation = build()
    vendors = {order.vendor_account_id for order in installation.orders}
    assert vendors == {PROVIDER_ACCOUNT_ID, *RESELLER_ACCOUNT_IDS}


def test_scenario_customer_belongs_to_one_vendor():
    owners = collections.defaultdict(set)
    for order in build().orders:
        owners[order.customer_id].add(order.vendor_account_id)
    assert all(len(vendors) == 1 for vendors in owners.values())


def test_scenario_non_ascii_names():
    names = {order.customer_name for order in build().orders}
    assert any(not name.isascii() for name in names)


def test_scenario_non_ascii_comments():
    comments = {order.comments for order in build().orders}
    assert any(not comment.isascii() for comment in comments)


def test_scenario_negative_totals_on_cancellations():
    orders = build().orders
    assert all(order.total < 0 for order in orders if order.order_type in ("CF", "CL"))


def test_scenario_negative_change_orders():
    orders = build().orders
    assert any(order.total < 0 for order in orders if order.order_type == "CH")


def test_scenario_zero_padded_order_numbers():
    order = build().orders[0]
    assert order.order_number.startswith(f"{order.order_type}00")


def test_scenario_blank_padded_order_numbers():
    orders = build(orders=5000).orders
    assert any(order.order_number.endswith(" ") for order in orders)


def test_scenario_small_has_one_failed():
    installation = build(orders=10)
    assert [order.status for order in installation.orders].count("PF") == 1


def test_scenario_zero_orders():
    assert build(orders=0).orders == []


def test_scenario_empty_has_accounts():
    installation = build_installation("empty", 100, 1, WINDOW_END, WINDOW_LENGTH)
    assert installation.orders == []
    assert PROVIDER_ACCOUNT_ID in installation.accounts


def test_scenario_too_many_failed_rejected():
    with pytest.raises(ValueError, match="--failed-in-window"):
        build(orders=10, failed_in_window=11)


def test_scenario_unknown_name_rejected():
    with pytest.raises(ValueError, match="unknown scenario"):
        build_installation("other", 10, 1, WINDOW_END, WINDOW_LENGTH)
