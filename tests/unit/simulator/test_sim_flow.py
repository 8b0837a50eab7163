import pytest

from cbsim.flow import VENDOR_REJECTION_TEXT, OrderFlow, already_exists_text, parse_flow_entry
from cbsim.orders import default_order, order_signature
from cbsim.store import (AccountNotFound, OrderNotFound, OrderStore, SignatureMismatch,
                         TransitionNotAllowed)

WALL_TIME = 1_700_000_000


def make_store(clock, *orders, delay=2.0, flow=None):
    store = OrderStore(flow=flow, provisioning_delay=delay, monotonic=clock, wall_clock=lambda: WALL_TIME)
    store.load(orders, accounts=(1,))
    return store


def failed_order(order_id=10, outcome="complete", **changes):
    order = default_order(order_id, WALL_TIME - 3600)
    order.status = "PF"
    order.outcome = outcome
    order.comments = "Provisioning failed: Connect returned 502."
    order.subscription_id = 555
    for name, value in changes.items():
        setattr(order, name, value)
    return order


def resubmit(store, order_id, target="PR"):
    order = store.get(order_id)
    return store.change_status(order_id, target, order_signature(order))


def test_flow_default_pf_targets():
    flow = OrderFlow()
    for target in ("PR", "PD", "CL"):
        assert flow.allows("PF", target), target


def test_flow_default_rejects_pf_to_cp():
    assert not OrderFlow().allows("PF", "CP")


def test_flow_completed_is_final():
    assert not OrderFlow().allows("CP", "PR")


def test_flow_override_replaces_entry():
    flow = OrderFlow(dict([parse_flow_entry("PF=I4")]))
    assert flow.allows("PF", "I4")
    assert not flow.allows("PF", "PR")


def test_flow_entry_invalid():
    with pytest.raises(ValueError, match="two-letter"):
        parse_flow_entry("PF=PRX")


def test_flow_entry_missing_separator():
    with pytest.raises(ValueError, match="STATUS=TARGET"):
        parse_flow_entry("PF")


def test_resubmit_returns_status_before(clock):
    store = make_store(clock, failed_order())
    assert resubmit(store, 10) == "PF"


def test_resubmit_sits_in_pr(clock):
    store = make_store(clock, failed_order())
    resubmit(store, 10)
    clock.advance(1.9)
    assert store.get(10).status == "PR"


def test_outcome_complete(clock):
    store = make_store(clock, failed_order())
    resubmit(store, 10)
    clock.advance(2.0)
    order = store.get(10)
    assert order.status == "CP"
    assert order.completed_date == WALL_TIME


def test_outcome_vendor_rejected(clock):
    store = make_store(clock, failed_order(outcome="vendor_rejected"))
    resubmit(store, 10)
    clock.advance(2.0)
    order = store.get(10)
    assert order.status == "PF"
    assert order.comments == VENDOR_REJECTION_TEXT


def test_outcome_already_exists(clock):
    store = make_store(clock, failed_order(outcome="already_exists"))
    resubmit(store, 10)
    clock.advance(2.0)
    order = store.get(10)
    assert order.status == "PF"
    assert "Subscription #555 already exists" in order.comments
    assert "#2007" in order.comments
    assert order.comments == already_exists_text(555)


def test_failed_again_changes_signature(clock):
    store = make_store(clock, failed_order(outcome="vendor_rejected"))
    before = store.signature(store.get(10))
    resubmit(store, 10)
    clock.advance(2.0)
    assert store.signature(store.get(10)) != before


def test_failed_again_can_resubmit(clock):
    store = make_store(clock, failed_order(outcome="vendor_rejected"))
    resubmit(store, 10)
    clock.advance(2.0)
    assert resubmit(store, 10) == "PF"


def test_resubmit_to_pd_passes_pr(clock):
    store = make_store(clock, failed_order())
    resubmit(store, 10, target="PD")
    assert store.get(10).status == "PD"
    clock.advance(1.0)
    assert store.get(10).status == "PR"
    clock.advance(1.0)
    assert store.get(10).status == "CP"


def test_cancel_has_no_outcome(clock):
    store = make_store(clock, failed_order())
    resubmit(store, 10, target="CL")
    clock.advance(10)
    assert store.get(10).status == "CL"


def test_zero_delay_settles_on_next_read(clock):
    store = make_store(clock, failed_order(), delay=0.0)
    resubmit(store, 10)
    assert store.get(10).status == "CP"


def test_replaced_order_drops_provisioning(clock):
    store = make_store(clock, failed_order())
    resubmit(store, 10)
    store.put([failed_order(comments="replaced")])
    clock.advance(5)
    assert store.get(10).status == "PF"


def test_bad_signature_rejected(clock):
    store = make_store(clock, failed_order())
    with pytest.raises(SignatureMismatch):
        store.change_status(10, "PR", "0" * 32)
    assert store.get(10).status == "PF"


def test_transition_not_allowed(clock):
    store = make_store(clock, failed_order(status="CP"))
    order = store.get(10)
    with pytest.raises(TransitionNotAllowed, match="from CP to PR"):
        store.change_status(10, "PR", order_signature(order))


def test_unknown_order_message(clock):
    store = make_store(clock)
    with pytest.raises(OrderNotFound, match=r"^Table SalesOrder does not contain row with ID 99\.$"):
        store.get(99)


def test_select_unknown_account(clock):
    store = make_store(clock, failed_order())
    with pytest.raises(AccountNotFound, match="Table Account does not contain row with ID 7."):
        store.select(vendor_account_id=7, require_account=True)


def test_select_window_inclusive(clock):
    orders = [failed_order(order_id, creation_time=time) for order_id, time in ((1, 99), (2, 100), (3, 200), (4, 201))]
    store = make_store(clock, *orders)
    selected = store.select(created_after=100, created_before=200)
    assert [order.order_id for order in selected] == [2, 3]


def test_currency_precision_override(clock):
    store = make_store(clock, failed_order(currency="JPY", total=1500.0))
    store.currency_precision["JPY"] = 0
    order = store.get(10)
    assert store.signature(order) == order_signature(order, precision=0)
