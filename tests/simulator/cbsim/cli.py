"""Command line of the simulator: parse options, start the server, print the start line, serve.

Once the server listens, one JSON line goes to stdout with the URLs, the credentials and the
maintenance window. Logs go to stderr. SIGTERM or SIGINT stops the server and the process exits 0.
"""

import argparse
import json
import logging
import math
import os
import shutil
import signal
import sys
import tempfile
import threading
import time

from .app import Simulator, SimulatorConfig
from .billing import LIST_FORMS
from .connect import DEFAULT_API_KEY
from .flow import parse_flow_entry
from .scenario import SCENARIOS
from .server import SimulatorServer

log = logging.getLogger("cbsim")


def _billing_auth(text):
    mode, first_colon, credentials = text.partition(":")
    username, second_colon, password = credentials.partition(":")
    if mode not in ("struct", "basic") or not first_colon or not second_colon or not username:
        raise argparse.ArgumentTypeError("expected struct:USER:PASS or basic:USER:PASS")
    return mode, username, password


def _currency_precision(text):
    code, separator, digits = text.partition("=")
    if not separator or not code or not digits.isdigit():
        raise argparse.ArgumentTypeError("expected CURRENCY=DIGITS, for example JPY=0")
    return code, int(digits)


def _order_flow(text):
    try:
        return parse_flow_entry(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _number(text, kind):
    noun = "an integer" if kind is int else "a finite number"
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{noun} is expected, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{noun} is expected, got {text!r}")
    return value


def _rate(text):
    value = _number(text, float)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"a probability between 0 and 1 is expected, got {text}")
    return value


def _non_negative_float(text):
    value = _number(text, float)
    if value < 0:
        raise argparse.ArgumentTypeError(f"0 or more is expected, got {text}")
    return value


def _non_negative_int(text):
    value = _number(text, int)
    if value < 0:
        raise argparse.ArgumentTypeError(f"0 or more is expected, got {text}")
    return value


def _positive_int(text):
    value = _number(text, int)
    if value < 1:
        raise argparse.ArgumentTypeError(f"1 or more is expected, got {text}")
    return value


def build_parser():
    parser = argparse.ArgumentParser(
        prog="run.py",
        description="Local simulator of the CloudBlue Commerce Billing XML-RPC API and the Connect REST API. "
                    "Binds to 127.0.0.1 only.")
    server = parser.add_argument_group("server")
    server.add_argument("--port", type=_non_negative_int, default=0, help="TCP port; 0 picks a free one (default)")
    server.add_argument("--tls", action="store_true",
                        help="serve HTTPS with a freshly generated certificate; the start line gives ca_path")
    server.add_argument("--tls-dir", help="directory for the generated certificate files (default: a temporary "
                                          "directory removed at exit)")
    server.add_argument("--verbose", action="store_true", help="log every request to stderr")

    data = parser.add_argument_group("scenario")
    data.add_argument("--scenario", choices=SCENARIOS, default="connect-maintenance",
                      help="installation to build (default connect-maintenance; empty has accounts but no orders)")
    data.add_argument("--orders", type=_non_negative_int, default=1000, help="number of orders (default 1000)")
    data.add_argument("--seed", type=int, default=1, help="random seed of the scenario (default 1)")
    data.add_argument("--failed-in-window", type=_non_negative_int,
                      help="exact number of PF orders created inside the window (default: 5%% of --orders)")
    data.add_argument("--window-end", type=int,
                      help="Unix time the maintenance window ended (default: 300 seconds before start)")
    data.add_argument("--window-length", type=_non_negative_int, default=7200,
                      help="length of the maintenance window in seconds (default 7200)")

    billing = parser.add_argument_group("Billing XML-RPC")
    billing.add_argument("--billing-auth", type=_billing_auth, metavar="MODE:USER:PASS",
                         help="require credentials: struct (Username/Password members) or basic (HTTP basic auth)")
    billing.add_argument("--list-form", choices=LIST_FORMS, default="both",
                         help="argument form of OrderByStatusListGet_API accepted: five (no EndTime), six "
                              "(with EndTime) or both (default)")
    billing.add_argument("--legacy-rows", action="store_true",
                         help="GetOrder_API returns the 17-field row of old versions (no CurrencyID, CompletedDate)")
    billing.add_argument("--provisioning-delay", type=_non_negative_float, default=2.0,
                         help="seconds a resubmitted order provisions before its scripted outcome (default 2.0)")
    billing.add_argument("--currency-precision", type=_currency_precision, action="append", default=[],
                         metavar="CODE=DIGITS", help="decimals of a currency's total in the signature (default 2); "
                                                     "repeatable")
    billing.add_argument("--order-flow", type=_order_flow, action="append", default=[], metavar="STATUS=T1,T2",
                         help="replace the allowed targets of one status, for example PF=PR,PD,CL,I4; repeatable")

    connect = parser.add_argument_group("Connect REST")
    connect.add_argument("--connect-api-key", default=DEFAULT_API_KEY,
                         help=f"API key accepted in 'Authorization: ApiKey KEY' (default {DEFAULT_API_KEY})")
    connect.add_argument("--connect-down-for", type=_non_negative_float, default=0.0,
                         help="seconds after start that Connect answers 502 before it flaps (default 0)")
    connect.add_argument("--connect-flap-for", type=_non_negative_float, default=5.0,
                         help="seconds Connect alternates 502 and 200 after being down (default 5)")
    connect.add_argument("--connect-requests", type=_non_negative_int, default=250,
                         help="number of fulfillment requests GET /requests lists (default 250)")
    connect.add_argument("--connect-max-limit", type=_positive_int, default=1000,
                         help="largest page GET /requests returns whatever the limit asked (default 1000)")

    faults = parser.add_argument_group("faults (changeable at runtime through POST /control/faults)")
    faults.add_argument("--latency-ms", type=_non_negative_float, default=0.0,
                        help="milliseconds slept in every Billing and Connect request (default 0)")
    faults.add_argument("--error-rate", type=_rate, default=0.0,
                        help="probability that a Billing or Connect request fails before processing with HTTP "
                             "502, 503 or a connection reset (default 0)")
    faults.add_argument("--drop-after-commit-rate", type=_rate, default=0.0,
                        help="probability that an applied status change loses its reply (default 0)")
    faults.add_argument("--max-concurrency", type=_non_negative_int, default=0,
                        help="Billing and Connect requests in flight beyond which HTTP 503 is returned "
                             "(default 0: no limit)")
    faults.add_argument("--fault-seed", type=int, help="random seed of fault injection (default: random)")
    return parser


def config_from_arguments(arguments):
    return SimulatorConfig(
        port=arguments.port,
        scenario=arguments.scenario,
        orders=arguments.orders,
        seed=arguments.seed,
        failed_in_window=arguments.failed_in_window,
        window_end=arguments.window_end,
        window_length=arguments.window_length,
        provisioning_delay=arguments.provisioning_delay,
        legacy_rows=arguments.legacy_rows,
        list_form=arguments.list_form,
        billing_auth=arguments.billing_auth,
        connect_api_key=arguments.connect_api_key,
        connect_requests=arguments.connect_requests,
        connect_max_limit=arguments.connect_max_limit,
        latency_ms=arguments.latency_ms,
        error_rate=arguments.error_rate,
        drop_after_commit_rate=arguments.drop_after_commit_rate,
        max_concurrency=arguments.max_concurrency,
        connect_down_for=arguments.connect_down_for,
        connect_flap_for=arguments.connect_flap_for,
        fault_seed=arguments.fault_seed,
        currency_precision=dict(arguments.currency_precision),
        order_flow=dict(arguments.order_flow),
        tls=arguments.tls,
        tls_dir=arguments.tls_dir,
    )


def start(config):
    """Build the simulator and its listening server, and return ``(server, cleanup)``."""
    simulator = Simulator(config)
    cleanup_dir = None
    ssl_context = None
    if config.tls:
        from .tls import server_context, write_certificates

        directory = config.tls_dir
        if directory is None:
            directory = cleanup_dir = tempfile.mkdtemp(prefix="cbsim-tls-")
        else:
            os.makedirs(directory, exist_ok=True)
        paths = write_certificates(directory)
        ssl_context = server_context(paths["cert"], paths["key"])
        simulator.ca_path = os.path.abspath(paths["ca"])

    server = SimulatorServer(simulator, port=config.port, ssl_context=ssl_context)
    simulator.urls = server.urls()

    def cleanup():
        server.server_close()
        if cleanup_dir:
            shutil.rmtree(cleanup_dir, ignore_errors=True)

    return server, cleanup


def main(argv=None):
    started = time.monotonic()
    arguments = build_parser().parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.DEBUG if arguments.verbose else logging.INFO,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    config = config_from_arguments(arguments)
    # Request threads mostly wait on sockets and sleeps. With the default GIL switch interval of
    # 5 ms, a thread whose reply is ready can wait that long. At 0.5 ms, 8 clients at 20 ms latency
    # reached 0.83-0.92 of the ideal throughput instead of 0.67 (2-core machine, Python 3.11).
    sys.setswitchinterval(0.0005)

    try:
        server, cleanup = start(config)
    except (ValueError, RuntimeError, OSError) as error:
        log.error("simulator failed to start: %s", error)
        return 2

    stop = threading.Event()

    def request_stop(signum, frame):
        log.info("received %s, stopping", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)

    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, name="cbsim-serve",
                               daemon=True)
    serving.start()

    info = server.simulator.describe()
    info["pid"] = os.getpid()
    sys.stdout.write(json.dumps(info, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    log.info("listening on %s with %d orders, ready %.2f s after start", server.base_url, info["orders_total"],
             time.monotonic() - started)

    # Event.wait with a timeout keeps the main thread responsive to signals on every platform.
    while not stop.wait(1.0):
        pass
    server.shutdown()
    cleanup()
    log.info("stopped")
    return 0
