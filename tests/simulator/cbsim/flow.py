"""Order flow: which status changes OrderStatusChange_API accepts, and what provisioning does next.

A resubmission (a change from a failed status into the provisioning stage) starts a scripted
provisioning run. The order shows the target status, moves to ``PR`` after half the provisioning
delay when the target was ``PD`` or ``I4``, and after the whole delay ends in ``CP`` or back in
``PF``, according to the order's scripted outcome. Nothing runs in the background: the store applies the
steps that are due whenever it is read or written.
"""

import heapq

# Statuses an order may be moved to from each status. Every pair not listed is rejected.
DEFAULT_FLOW = {
    "PF": ("PR", "PD", "CL"),
    "SF": ("PD", "CL"),
    "NW": ("OP", "CL"),
    "OP": ("PD", "HL", "CL"),
    "HL": ("OP", "CL"),
    "NP": ("OP", "CL"),
    "WP": ("PD", "CL"),
    "WA": ("OP", "CL"),
    "SS": ("OP", "CL"),
    "PD": ("I4", "PR", "PF"),
    "I4": ("PR", "PF"),
    "RB": ("PR", "PF"),
    "PR": ("PC", "PF"),
    "LO": ("PC", "PF"),
    "MO": ("PC", "PF"),
    "PC": ("CP",),
    "CR": ("CP",),
}

# Targets that start a provisioning run.
PROVISIONING_TARGETS = ("PD", "I4", "PR")

VENDOR_REJECTION_TEXT = (
    "Provisioning failed: the vendor rejected the fulfillment request in CloudBlue Connect: "
    "the product is not available in the customer's marketplace."
)


def already_exists_text(subscription_id):
    """Return the failure comment of an order whose subscription was already provisioned."""
    return f"Provisioning failed: Subscription #{subscription_id} already exists. Error #2007."


def parse_flow_entry(text):
    """Parse ``PF=PR,PD,CL`` into ``("PF", ("PR", "PD", "CL"))``. An empty target list forbids every change."""
    status, separator, targets = text.partition("=")
    status = status.strip()
    if not separator or len(status) != 2:
        raise ValueError(f"invalid order flow entry {text!r}: expected STATUS=TARGET,TARGET (for example PF=PR,PD,CL)")
    codes = tuple(code.strip() for code in targets.split(",") if code.strip())
    for code in codes:
        if len(code) != 2:
            raise ValueError(f"invalid order flow entry {text!r}: {code!r} is not a two-letter status")
    return status, codes


class OrderFlow:
    """Table of allowed status changes."""

    def __init__(self, overrides=None):
        self.table = dict(DEFAULT_FLOW)
        self.table.update(overrides or {})

    def allows(self, status, target):
        return target in self.table.get(status, ())

    def starts_provisioning(self, status, target):
        return target in PROVISIONING_TARGETS and status not in PROVISIONING_TARGETS


class ProvisioningQueue:
    """Steps of running provisioning, ordered by the monotonic time they fall due."""

    def __init__(self, delay):
        self.delay = delay
        self._heap = []
        self._sequence = 0

    def clear(self):
        self._heap.clear()

    def __len__(self):
        return len(self._heap)

    def schedule(self, order, target, now):
        """Queue the steps of a provisioning run that starts now in the target status."""
        if target in ("PD", "I4"):
            self._push(now + self.delay / 2, order, "PR")
        self._push(now + self.delay, order, "outcome")

    def _push(self, due, order, step):
        self._sequence += 1
        heapq.heappush(self._heap, (due, self._sequence, order.order_id, order.generation, step))

    def pop_due(self, now):
        """Yield ``(order_id, generation, step)`` for every step due at the monotonic time now."""
        while self._heap and self._heap[0][0] <= now:
            entry = heapq.heappop(self._heap)
            yield entry[2], entry[3], entry[4]


def apply_outcome(order, wall_time):
    """Finish the provisioning run of an order according to its scripted outcome."""
    if order.outcome == "complete":
        order.status = "CP"
        order.completed_date = wall_time
    elif order.outcome == "vendor_rejected":
        order.status = "PF"
        order.comments = VENDOR_REJECTION_TEXT
    else:
        order.status = "PF"
        order.comments = already_exists_text(order.subscription_id)
