"""In-memory order store: orders by id and vendor, the order flow, and the record of writes."""

import threading
import time

from .flow import OrderFlow, ProvisioningQueue, apply_outcome
from .orders import order_signature
from .signature import DEFAULT_PRECISION


class OrderNotFound(Exception):
    def __init__(self, order_id):
        super().__init__(f"Table SalesOrder does not contain row with ID {order_id}.")
        self.order_id = order_id


class AccountNotFound(Exception):
    def __init__(self, account_id):
        super().__init__(f"Table Account does not contain row with ID {account_id}.")
        self.account_id = account_id


class SignatureMismatch(Exception):
    def __init__(self, order_id):
        super().__init__(f"Signature of order #{order_id} is invalid: the order was changed or the signature "
                         "was computed from other values.")


class TransitionNotAllowed(Exception):
    def __init__(self, order_id, status, target):
        super().__init__(f"Order flow does not allow order #{order_id} to change status from {status} to {target}.")


class OrderStore:
    """Orders of one simulated installation, with thread-safe methods.

    Provisioning steps that fell due are applied at the start of every public method, so readers
    always see the state an order would have by now.
    """

    def __init__(self, flow=None, provisioning_delay=2.0, currency_precision=None,
                 monotonic=time.monotonic, wall_clock=time.time):
        self.lock = threading.RLock()
        self.flow = flow or OrderFlow()
        self.provisioning = ProvisioningQueue(provisioning_delay)
        self.currency_precision = dict(currency_precision or {})
        self._monotonic = monotonic
        self._wall_clock = wall_clock
        self._orders = {}
        self._by_vendor = {}
        self.accounts = set()
        self.writes = []

    # Loading

    def load(self, orders, accounts):
        """Replace every order and account, clearing running provisioning and the write record."""
        with self.lock:
            self._orders = {}
            self._by_vendor = {}
            self.accounts = set(accounts)
            self.provisioning.clear()
            self.writes = []
            for order in orders:
                self._insert(order)

    def put(self, orders):
        """Insert or replace orders. A replaced order's running provisioning is abandoned."""
        with self.lock:
            for order in orders:
                old = self._orders.get(order.order_id)
                if old is not None:
                    del self._by_vendor[old.vendor_account_id][old.order_id]
                    order.generation = old.generation + 1
                self._insert(order)

    def _insert(self, order):
        self._orders[order.order_id] = order
        self._by_vendor.setdefault(order.vendor_account_id, {})[order.order_id] = order
        self.accounts.add(order.vendor_account_id)

    # Reading

    def precision(self, currency):
        return self.currency_precision.get(currency, DEFAULT_PRECISION)

    def signature(self, order):
        return order_signature(order, self.precision(order.currency))

    def settle(self):
        """Apply every provisioning step that is due."""
        with self.lock:
            now = self._monotonic()
            for order_id, generation, step in self.provisioning.pop_due(now):
                order = self._orders.get(order_id)
                if order is None or order.generation != generation:
                    continue
                if step == "PR":
                    order.status = "PR"
                else:
                    apply_outcome(order, int(self._wall_clock()))

    def get(self, order_id):
        """Return the order, or raise OrderNotFound."""
        with self.lock:
            self.settle()
            order = self._orders.get(order_id)
            if order is None:
                raise OrderNotFound(order_id)
            return order

    def find(self, order_id):
        """Return the order, or None."""
        with self.lock:
            self.settle()
            return self._orders.get(order_id)

    def count(self):
        with self.lock:
            return len(self._orders)

    def select(self, vendor_account_id=None, order_type="", statuses=(), created_after=0, created_before=0,
               outcome=None, require_account=False):
        """Return matching orders sorted by order id. Empty filters match everything.

        ``created_after`` and ``created_before`` are inclusive Unix times, 0 for no bound.
        With require_account, an unknown vendor account raises AccountNotFound.
        """
        with self.lock:
            self.settle()
            if vendor_account_id is None:
                candidates = self._orders.values()
            else:
                if require_account and vendor_account_id not in self.accounts:
                    raise AccountNotFound(vendor_account_id)
                candidates = self._by_vendor.get(vendor_account_id, {}).values()

            selected = [
                order for order in candidates
                if (not order_type or order.order_type == order_type)
                and (not statuses or order.status in statuses)
                and (not created_after or order.creation_time >= created_after)
                and (not created_before or order.creation_time <= created_before)
                and (outcome is None or order.outcome == outcome)
            ]
        selected.sort(key=lambda order: order.order_id)
        return selected

    # Writing

    def change_status(self, order_id, target, signature):
        """Apply one OrderStatusChange_API call and return the status before it.

        Raises OrderNotFound, SignatureMismatch or TransitionNotAllowed without changing anything.
        """
        with self.lock:
            order = self.get(order_id)
            status_before = order.status
            if signature != self.signature(order):
                raise SignatureMismatch(order_id)
            if not self.flow.allows(order.status, target):
                raise TransitionNotAllowed(order_id, order.status, target)

            starts_provisioning = self.flow.starts_provisioning(order.status, target)
            order.generation += 1
            order.status = target
            if starts_provisioning:
                self.provisioning.schedule(order, target, self._monotonic())
            return status_before

    def record_write(self, **fields):
        """Append one entry to the write record, numbering it, and return it."""
        with self.lock:
            entry = {"seq": len(self.writes) + 1, "time": self._wall_clock(), "error_kind": None}
            entry.update(fields)
            self.writes.append(entry)
            return entry

    def writes_snapshot(self):
        with self.lock:
            return [dict(entry) for entry in self.writes]

    def clear_writes(self):
        with self.lock:
            self.writes = []
