"""Deterministic installations for the simulator to serve.

The ``connect-maintenance`` scenario models an installation right after a Connect maintenance
window. Orders that failed (``PF``) because Connect did not respond were created inside the window.
Orders that failed for other reasons were created days before it, and two just outside its bounds.
There are a few ``SF`` orders, orders still in progress, and many completed or otherwise settled
orders. The same seed, order count and window give the same orders.
"""

import dataclasses
import random

from .orders import Order

PROVIDER_ACCOUNT_ID = 1
RESELLER_ACCOUNT_IDS = (1001, 1002, 1003, 1004, 1005)
FIRST_ORDER_ID = 1001
DAY = 86400

SCENARIOS = ("connect-maintenance", "empty")

# Share of each order type, in percent.
ORDER_TYPE_WEIGHTS = {"SO": 45, "RN": 20, "CH": 10, "BO": 8, "PO": 5, "CF": 6, "CL": 2, "UG": 2, "DG": 2}
SETTLED_STATUS_WEIGHTS = {"CP": 76, "CL": 8, "NW": 3, "OP": 3, "HL": 2, "WP": 3, "NP": 1, "WA": 1, "SS": 1, "PC": 1, "CR": 1}
IN_PROGRESS_STATUS_WEIGHTS = {"PR": 40, "LO": 15, "MO": 15, "RB": 10, "PD": 10, "I4": 10}
CURRENCY_WEIGHTS = {"USD": 80, "EUR": 15, "GBP": 5}

CUSTOMER_NAME_STEMS = (
    "Müller", "Søndergaard", "Łukasiewicz", "Zoë Hart", "José Peña", "Ærø Fisk", "Český Krumlov", "Ōsaka Trading",
    "Þórsson", "İstanbul Yazılım", "Smith & Sons", "Dubois", "Kowalski", "Novák", "Rossi", "García", "Nguyễn Văn",
    "Петров", "東京商事", "北京科技", "Αθηνά Δίκτυα", "São Paulo Digital", "O'Brien", "Weiß", "Ångström",
)
CUSTOMER_NAME_SUFFIXES = ("GmbH", "AG", "S.A.", "Sp. z o.o.", "s.r.o.", "Ltd", "LLC", "株式会社", "ООО", "A/S", "& Söhne", "")
SALES_BRANCHES = ((0, ""), (1, "Main Office"), (2, "Berlin – Vertrieb"), (3, "Agence de Paris"))
SALES_PEOPLE = ((0, ""), (10, "Ana Núñez"), (11, "Jürgen Groß"), (12, "李明"))
PROMO_CODES = ("WELCOME10", "SPRING-2024", "RÉDUC5")

CONNECT_DOWN_COMMENTS = (
    "Provisioning failed: CloudBlue Connect returned HTTP 502 Bad Gateway.",
    "Provisioning failed: connection to CloudBlue Connect timed out after 30 seconds.",
    "Provisioning failed: could not create the fulfillment request in CloudBlue Connect (503 Service Unavailable).",
    "Provisioning failed: CloudBlue Connect is unavailable. Commande passée par téléphone – client prévenu.",
)
OTHER_FAILURE_COMMENTS = (
    "Provisioning failed: the domain name is already registered by another customer.",
    "Provisioning failed: no free resources left in the service template.",
    "Provisioning failed: the mailbox quota exceeds the plan limit.",
    "Provisioning failed: Exchange-Konto konnte nicht angelegt werden (Größe überschritten).",
)
SETTLED_COMMENTS = (
    "",
    "",
    "Renewal for 12 months",
    "Bestellung für die Zweigstelle – bitte Rechnung an die Zentrale",
    "Upgrade to 50 seats ",
    "注文番号はお客様の参照用です",
    "Commande de résiliation – remboursement partiel",
)


@dataclasses.dataclass
class Installation:
    """Orders and accounts of one simulated installation, with the maintenance window."""

    orders: list
    accounts: tuple
    window_start: int
    window_end: int


def default_failed_in_window(orders):
    """Return the number of in-window failed orders of a scenario when none is given."""
    return max(1, orders // 20)


def build_installation(scenario, orders, seed, window_end, window_length, failed_in_window=None):
    """Build the installation of a scenario.

    Raises ValueError when the counts do not fit together.
    """
    accounts = (PROVIDER_ACCOUNT_ID,) + RESELLER_ACCOUNT_IDS
    window_start = window_end - window_length
    if scenario == "empty":
        return Installation([], accounts, window_start, window_end)
    if scenario != "connect-maintenance":
        raise ValueError(f"unknown scenario {scenario!r}; choose one of {', '.join(SCENARIOS)}")
    builder = _ConnectMaintenanceBuilder(orders, seed, window_start, window_end, failed_in_window)
    return Installation(builder.build(), accounts, window_start, window_end)


class _ConnectMaintenanceBuilder:
    def __init__(self, total, seed, window_start, window_end, failed_in_window):
        if total < 0:
            raise ValueError(f"--orders must be 0 or more, got {total}")
        if failed_in_window is None:
            failed_in_window = min(total, default_failed_in_window(total))
        if not 0 <= failed_in_window <= total:
            raise ValueError(f"--failed-in-window must be between 0 and --orders ({total}), got {failed_in_window}")

        self.total = total
        self.rng = random.Random(seed)
        self.window_start = window_start
        self.window_end = window_end
        self.failed_in_window = failed_in_window

        rest = total - failed_in_window
        self.failed_before = min(rest, total // 50 + (2 if total >= 20 else 0))
        rest -= self.failed_before
        self.sf_count = min(rest, total // 300 + (1 if total >= 20 else 0))
        rest -= self.sf_count
        self.in_progress = min(rest, total * 3 // 100)
        self.settled = rest - self.in_progress

        self.customers = self._make_customers(max(10, total // 5))

    def _make_customers(self, count):
        # Customers 1..count, each owned by the provider (60%) or one reseller, so that one
        # listing per vendor account covers every order.
        customers = []
        for index in range(count):
            if self.rng.random() < 0.6:
                vendor = PROVIDER_ACCOUNT_ID
            else:
                vendor = self.rng.choice(RESELLER_ACCOUNT_IDS)
            stem = CUSTOMER_NAME_STEMS[index % len(CUSTOMER_NAME_STEMS)]
            suffix = CUSTOMER_NAME_SUFFIXES[(index // len(CUSTOMER_NAME_STEMS)) % len(CUSTOMER_NAME_SUFFIXES)]
            name = f"{stem} {suffix}".strip()
            if index >= len(CUSTOMER_NAME_STEMS) * len(CUSTOMER_NAME_SUFFIXES):
                name = f"{name} {index}"
            customers.append((2000 + index, vendor, name))
        return customers

    def build(self):
        kinds = (["failed_in_window"] * self.failed_in_window
                 + ["failed_before"] * self.failed_before
                 + ["sf"] * self.sf_count
                 + ["in_progress"] * self.in_progress
                 + ["settled"] * self.settled)
        self.rng.shuffle(kinds)

        counters = {kind: 0 for kind in ("failed_in_window", "failed_before", "sf", "in_progress", "settled")}
        orders = []
        for position, kind in enumerate(kinds):
            index = counters[kind]
            counters[kind] += 1
            orders.append(self._make_order(FIRST_ORDER_ID + position, kind, index))
        return orders

    def _weighted(self, weights):
        return self.rng.choices(tuple(weights), weights=tuple(weights.values()))[0]

    def _creation_time(self, kind, index):
        if kind == "failed_in_window":
            # The first two sit exactly on the window bounds, which are inclusive.
            if index == 0:
                return self.window_start
            if index == 1:
                return self.window_end
            return self.rng.randint(self.window_start, self.window_end)
        if kind == "failed_before":
            # Two sit just outside the window, one second before and after it.
            if index == 0:
                return self.window_start - 1
            if index == 1:
                return self.window_end + 1
            return self.rng.randint(self.window_start - 30 * DAY, self.window_start - 2 * DAY)
        if kind == "in_progress":
            return self.rng.randint(self.window_start - 3 * DAY, self.window_end)
        return self.rng.randint(self.window_start - 90 * DAY, self.window_end)

    def _status_comments_outcome(self, kind, index):
        rng = self.rng
        if kind == "failed_in_window":
            # Most complete on resubmission, but every twentieth fails again, in one of the two ways.
            outcome = "complete"
            if index % 20 == 5:
                outcome = "vendor_rejected"
            elif index % 20 == 15:
                outcome = "already_exists"
            return "PF", rng.choice(CONNECT_DOWN_COMMENTS), outcome
        if kind == "failed_before":
            outcome = ("vendor_rejected", "already_exists", "complete")[index % 3]
            return "PF", rng.choice(OTHER_FAILURE_COMMENTS), outcome
        if kind == "sf":
            return "SF", "Order failed before provisioning started.", "complete"
        if kind == "in_progress":
            return self._weighted(IN_PROGRESS_STATUS_WEIGHTS), rng.choice(SETTLED_COMMENTS), "complete"
        return self._weighted(SETTLED_STATUS_WEIGHTS), rng.choice(SETTLED_COMMENTS), "complete"

    def _order_type(self, kind, index):
        # The first in-window failures take every type in turn, so even small scenarios have each.
        if kind == "failed_in_window" and index < len(ORDER_TYPE_WEIGHTS):
            return tuple(ORDER_TYPE_WEIGHTS)[index]
        return self._weighted(ORDER_TYPE_WEIGHTS)

    def _total(self, order_type):
        rng = self.rng
        cents = rng.randint(100, 500000)
        if rng.random() < 0.005:
            # A price with a third decimal, which the signature truncates.
            total = round(cents / 100 + 0.005, 3)
        else:
            total = cents / 100
        negative = order_type in ("CF", "CL", "DG") or (order_type == "CH" and rng.random() < 0.5)
        return -total if negative else total

    def _order_number(self, order_type, order_id):
        number = f"{order_type}{order_id:06d}"
        if self.rng.random() < 0.01:
            # Fixed-width columns of some databases keep trailing blanks in the number.
            number += "  "
        return number

    def _make_order(self, order_id, kind, index):
        rng = self.rng
        customer_id, vendor, customer_name = rng.choice(self.customers)
        order_type = self._order_type(kind, index)
        status, comments, outcome = self._status_comments_outcome(kind, index)
        creation_time = self._creation_time(kind, index)
        total = self._total(order_type)
        tax_total = round(total * 0.2 / 1.2, 2)
        branch_id, branch_name = rng.choice(SALES_BRANCHES)
        person_id, person_name = rng.choice(SALES_PEOPLE)
        completed_date = creation_time + rng.randint(60, 3600) if status == "CP" else 0
        promo_code = rng.choice(PROMO_CODES) if rng.random() < 0.1 else ""

        return Order(
            order_id=order_id,
            order_number=self._order_number(order_type, order_id),
            vendor_account_id=vendor,
            customer_id=customer_id,
            customer_name=customer_name,
            status=status,
            order_type=order_type,
            creation_time=creation_time,
            order_date=creation_time,
            total=total,
            tax_total=tax_total,
            discount_total=0.0,
            merch_total=round(total - tax_total, 2),
            comments=comments,
            expiration_date=creation_time + 30 * DAY,
            promo_code=promo_code,
            sales_branch_id=branch_id,
            sales_branch_name=branch_name,
            sales_person_id=person_id,
            sales_person_name=person_name,
            currency=self._weighted(CURRENCY_WEIGHTS),
            completed_date=completed_date,
            outcome=outcome,
            subscription_id=1_000_000 + order_id,
        )
