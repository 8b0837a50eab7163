"""Order records, their row layouts on the Billing API, and their JSON form on the control API."""

import dataclasses

from .signature import DEFAULT_PRECISION, compute_signature

# Two-letter order status codes of the default order flow.
STATUS_NAMES = {
    "NW": "New",
    "OP": "Open",
    "HL": "Hold",
    "CL": "Cancelled",
    "NP": "No payment method",
    "WP": "Waiting for payment",
    "WA": "Waiting for approval",
    "SS": "Suspected fraud",
    "PD": "Paid",
    "I4": "Provisioning required",
    "RB": "Checking provisioning conditions",
    "PR": "Provisioning",
    "LO": "Long running operation",
    "MO": "Manual operation required",
    "PC": "Provisioning complete",
    "CR": "Ready to complete",
    "CP": "Completed",
    "PF": "Provisioning failed",
    "SF": "Failed (SF)",
}

ORDER_TYPE_NAMES = {
    "SO": "Sales",
    "RN": "Renewal",
    "BO": "Billing",
    "CH": "Change",
    "PO": "Payment",
    "CF": "Cancellation",
    "CL": "Cancellation (legacy)",
    "UG": "Upgrade (legacy)",
    "DG": "Downgrade (legacy)",
}

# Scripted result of a resubmission.
OUTCOMES = ("complete", "vendor_rejected", "already_exists")


@dataclasses.dataclass(slots=True)
class Order:
    """One sales order as the Billing database stores it, plus its scripted outcome."""

    order_id: int
    order_number: str
    vendor_account_id: int
    customer_id: int
    customer_name: str
    status: str
    order_type: str
    creation_time: int
    order_date: int
    total: float
    tax_total: float
    discount_total: float
    merch_total: float
    comments: str
    expiration_date: int
    promo_code: str
    sales_branch_id: int
    sales_branch_name: str
    sales_person_id: int
    sales_person_name: str
    currency: str
    completed_date: int
    outcome: str
    subscription_id: int
    # Incremented on every accepted status change, so stale provisioning steps are ignored.
    generation: int = 0


ORDER_FIELDS = tuple(field.name for field in dataclasses.fields(Order) if field.name != "generation")

# Types of the control API's JSON keys, used to validate orders posted by tests.
FIELD_TYPES = {
    field.name: field.type
    for field in dataclasses.fields(Order)
    if field.name != "generation"
}


def default_order(order_id, now):
    """Return a plain completed sales order for vendor 1, the base of orders posted without every key."""
    return Order(
        order_id=order_id,
        order_number=f"SO{order_id:06d}",
        vendor_account_id=1,
        customer_id=1,
        customer_name="Customer 1",
        status="CP",
        order_type="SO",
        creation_time=now,
        order_date=now,
        total=0.0,
        tax_total=0.0,
        discount_total=0.0,
        merch_total=0.0,
        comments="",
        expiration_date=0,
        promo_code="",
        sales_branch_id=0,
        sales_branch_name="",
        sales_person_id=0,
        sales_person_name="",
        currency="USD",
        completed_date=0,
        outcome="complete",
        subscription_id=0,
    )


def order_signature(order, precision=DEFAULT_PRECISION):
    """Return the signature the server expects for the order in its current state."""
    return compute_signature(order.order_id, order.order_number, order.creation_time,
                             order.currency, order.total, order.comments, precision)


def get_order_row(order, legacy=False):
    """Return the GetOrder_API row: 19 fields, or the 17 of very old versions when legacy."""
    row = [
        order.order_id,
        order.order_number,
        order.vendor_account_id,
        order.customer_id,
        order.status,
        order.order_type,
        order.creation_time,
        order.order_date,
        order.total,
        order.tax_total,
        order.discount_total,
        order.merch_total,
        order.comments,
        order.expiration_date,
        order.promo_code,
        order.sales_branch_id,
        order.sales_person_id,
    ]
    if not legacy:
        row.append(order.currency)
        row.append(order.completed_date)
    return row


def list_row(order):
    """Return the OrderByStatusListGet_API row, whose field order differs from GetOrder_API."""
    return [
        order.order_id,
        order.order_number,
        order.customer_id,
        order.customer_name,
        order.status,
        order.order_type,
        order.creation_time,
        order.order_date,
        order.total,
        order.tax_total,
        order.discount_total,
        order.merch_total,
        order.expiration_date,
        order.promo_code,
        order.sales_branch_id,
        order.sales_branch_name,
        order.sales_person_id,
        order.sales_person_name,
        order.comments,
    ]


LIST_ROW_WIDTH = 19


def order_to_json(order, precision=DEFAULT_PRECISION):
    """Return the control API form of an order: snake_case keys plus its current signature."""
    data = {name: getattr(order, name) for name in ORDER_FIELDS}
    data["signature"] = order_signature(order, precision)
    return data


def order_from_json(data, base):
    """Build an order from control API JSON, taking keys that are missing from base.

    Raises ValueError naming the key when a value has the wrong type or is not allowed.
    """
    if not isinstance(data, dict):
        raise ValueError(f"each order must be a JSON object, got {type(data).__name__}")
    unknown = sorted(set(data) - set(FIELD_TYPES) - {"signature"})
    if unknown:
        raise ValueError(f"unknown order keys: {', '.join(unknown)}")

    values = {}
    for name, expected in FIELD_TYPES.items():
        if name not in data:
            continue
        value = data[name]
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or isinstance(value, bool):
            raise ValueError(f"order key {name!r} must be {expected.__name__}, got {value!r}")
        if expected is int and not -2**31 <= value < 2**31:
            raise ValueError(f"order key {name!r} is outside the XML-RPC i4 range: {value}")
        values[name] = value

    order = dataclasses.replace(base, **values)
    if order.outcome not in OUTCOMES:
        raise ValueError(f"order key 'outcome' must be one of {', '.join(OUTCOMES)}, got {order.outcome!r}")
    if len(order.status) != 2:
        raise ValueError(f"order key 'status' must be a two-letter code, got {order.status!r}")
    if order.order_id <= 0:
        raise ValueError(f"order key 'order_id' must be positive, got {order.order_id}")
    return order
