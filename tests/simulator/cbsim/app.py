"""Composition of one simulator: configuration, order store, both APIs, faults and control."""

import dataclasses
import logging
import time
import typing

from .billing import BillingApi
from .connect import DEFAULT_API_KEY, DEFAULT_MAX_LIMIT, ConnectApi, build_requests
from .control import ControlApi
from .faults import FaultSettings, Stats
from .flow import OrderFlow
from .scenario import build_installation
from .store import OrderStore

log = logging.getLogger("cbsim")


@dataclasses.dataclass
class SimulatorConfig:
    """Settings of one simulator, as the command line sets them, with the defaults of ``run.py``."""

    port: int = 0
    scenario: str = "connect-maintenance"
    orders: int = 1000
    seed: int = 1
    failed_in_window: typing.Optional[int] = None
    # Unix time. None means 300 seconds before start.
    window_end: typing.Optional[int] = None
    window_length: int = 7200
    provisioning_delay: float = 2.0
    legacy_rows: bool = False
    list_form: str = "both"
    # None, or (mode, username, password) with mode "struct" or "basic".
    billing_auth: typing.Optional[tuple] = None
    connect_api_key: str = DEFAULT_API_KEY
    connect_requests: int = 250
    connect_max_limit: int = DEFAULT_MAX_LIMIT
    latency_ms: float = 0.0
    error_rate: float = 0.0
    drop_after_commit_rate: float = 0.0
    max_concurrency: int = 0
    connect_down_for: float = 0.0
    connect_flap_for: float = 5.0
    fault_seed: typing.Optional[int] = None
    currency_precision: dict = dataclasses.field(default_factory=dict)
    order_flow: dict = dataclasses.field(default_factory=dict)
    tls: bool = False
    tls_dir: typing.Optional[str] = None


class Simulator:
    """The state behind the HTTP server: orders, APIs, fault settings and counters."""

    def __init__(self, config):
        self.config = config
        if config.window_end is None:
            config.window_end = int(time.time()) - 300
        self.store = OrderStore(flow=OrderFlow(config.order_flow), provisioning_delay=config.provisioning_delay,
                                currency_precision=config.currency_precision)
        self.faults = FaultSettings(**self._fault_arguments())
        self.stats = Stats()
        self.billing = BillingApi(self.store, auth=config.billing_auth, list_form=config.list_form,
                                  legacy_rows=config.legacy_rows)
        self.connect = ConnectApi(config.connect_api_key,
                                  build_requests(config.connect_requests, config.seed, config.window_end),
                                  max_limit=config.connect_max_limit)
        self.control = ControlApi(self.store, self.faults, self.stats, self.reset, self.describe)
        self.window_start = None
        self.urls = {}
        self.ca_path = None
        self._load_installation()

    def _fault_arguments(self):
        config = self.config
        return dict(latency_ms=config.latency_ms, error_rate=config.error_rate,
                    drop_after_commit_rate=config.drop_after_commit_rate, max_concurrency=config.max_concurrency,
                    connect_down_for=config.connect_down_for, connect_flap_for=config.connect_flap_for,
                    seed=config.fault_seed)

    def _load_installation(self):
        config = self.config
        started = time.monotonic()
        installation = build_installation(config.scenario, config.orders, config.seed, config.window_end,
                                          config.window_length, config.failed_in_window)
        self.store.load(installation.orders, installation.accounts)
        self.window_start = installation.window_start
        log.info("loaded scenario %s: %d orders in %.2f s", config.scenario, len(installation.orders),
                 time.monotonic() - started)

    def reset(self, restore_faults=False):
        """Restore the seeded orders and clear the write record and counters."""
        self._load_installation()
        self.stats.reset()
        if restore_faults:
            arguments = self._fault_arguments()
            del arguments["seed"]
            self.faults.update(**arguments)
        log.info("state reset%s", " with fault settings" if restore_faults else "")

    def describe(self):
        """Return the start line's fields: URLs, credentials and the maintenance window."""
        config = self.config
        info = dict(self.urls)
        info["connect_api_key"] = config.connect_api_key
        if config.billing_auth:
            info["billing_auth"] = config.billing_auth[0]
            info["billing_username"] = config.billing_auth[1]
            info["billing_password"] = config.billing_auth[2]
        if self.ca_path:
            info["ca_path"] = self.ca_path
        info["window_start"] = self.window_start
        info["window_end"] = config.window_end
        info["orders_total"] = self.store.count()
        info["scenario"] = config.scenario
        info["seed"] = config.seed
        return info
