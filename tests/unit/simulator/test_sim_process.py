"""Start-contract tests: run.py as a subprocess, through the shared ``simulator`` fixture."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import xmlrpc.client

import pytest
import requests

from cbsim.process import RUN_PY, SimulatorError, SimulatorProcess, options_to_argv


def test_start_line_fields(simulator):
    process = simulator(orders=50)
    info = process.info
    for key in ("billing_url", "connect_url", "control_url", "connect_api_key", "window_start", "window_end",
                "orders_total", "pid"):
        assert key in info, key
    assert info["orders_total"] == 50
    assert info["pid"] == process.process.pid
    assert "billing_password" not in info
    assert "ca_path" not in info


def test_start_line_urls_loopback(simulator):
    info = simulator(orders=5).info
    billing = urllib.parse.urlsplit(info["billing_url"])
    assert billing.hostname == "127.0.0.1"
    assert billing.path == "/RPC2"
    assert info["connect_url"] == f"http://127.0.0.1:{billing.port}/public/v1"
    assert info["control_url"] == f"http://127.0.0.1:{billing.port}/control"


def test_start_line_window_before_start(simulator):
    before = time.time()
    info = simulator(orders=5, window_length=3600).info
    assert info["window_end"] < before
    assert info["window_end"] - info["window_start"] == 3600


def test_start_line_billing_credentials(simulator):
    info = simulator(orders=5, billing_auth="struct:operator:pa:ss").info
    assert info["billing_username"] == "operator"
    assert info["billing_password"] == "pa:ss"


def test_struct_auth_over_wire(simulator):
    process = simulator(orders=5, billing_auth="struct:operator:secret")
    proxy = xmlrpc.client.ServerProxy(process.billing_url)
    reply = proxy.Execute({"Server": "BM", "Method": "GetOrder_API", "Params": [1001],
                           "Username": "operator", "Password": "secret"})
    assert reply["Result"][0][0] == 1001
    with pytest.raises(xmlrpc.client.Fault):
        proxy.Execute({"Server": "BM", "Method": "GetOrder_API", "Params": [1001]})


def test_sigterm_exits_zero(simulator):
    process = simulator(orders=5)
    assert process.stop() == 0


def test_sigint_exits_zero(simulator):
    process = simulator(orders=5)
    process.process.send_signal(signal.SIGINT)
    assert process.process.wait(timeout=10) == 0


def test_logs_go_to_stderr(simulator):
    process = simulator(orders=5)
    process.stop()
    assert "listening on http://127.0.0.1:" in process.stderr_text()
    assert process.process.stdout.closed


def test_fixed_port(simulator):
    first = simulator(orders=5)
    port = urllib.parse.urlsplit(first.billing_url).port
    first.stop()
    second = simulator(orders=5, port=port)
    assert second.billing_url == f"http://127.0.0.1:{port}/RPC2"


def test_bad_option_shows_stderr():
    with pytest.raises(SimulatorError, match="--orders: 0 or more is expected"):
        SimulatorProcess(orders=-1).start()


def test_bad_counts_shows_stderr():
    with pytest.raises(SimulatorError, match="--failed-in-window must be between 0 and --orders"):
        SimulatorProcess(orders=5, failed_in_window=6).start()


def test_helpers_round_trip(simulator):
    process = simulator(orders=100, failed_in_window=10)
    failed = process.orders(status="PF", created_after=process.info["window_start"],
                            created_before=process.info["window_end"])
    assert len(failed) == 10
    process.put_orders([{"order_id": 7, "status": "PF", "comments": "crafted"}])
    assert process.order(7)["comments"] == "crafted"
    assert process.order(8) is None
    assert process.set_faults(latency_ms=3)["latency_ms"] == 3.0
    assert process.faults()["latency_ms"] == 3.0
    assert process.stats()["control_requests"] >= 1
    process.reset()
    assert process.order(7) is None
    assert process.writes() == []


def test_helpers_write_record(simulator):
    process = simulator(orders=100, failed_in_window=5)
    order = process.orders(status="PF", limit=1)[0]
    proxy = xmlrpc.client.ServerProxy(process.billing_url)
    proxy.Execute({"Server": "BM", "Method": "OrderStatusChange_API",
                   "Params": [order["order_id"], "PR", order["signature"]]})
    (write,) = process.writes()
    assert write["order_id"] == order["order_id"]
    assert write["target_status"] == "PR"
    assert write["result"] == "applied"


def test_options_to_argv():
    argv = options_to_argv({"failed_in_window": 5, "tls": True, "legacy_rows": False, "order_flow": ["PF=PR", "PD=PR"],
                            "seed": None})
    assert argv == ["--failed-in-window", "5", "--tls", "--order-flow", "PF=PR", "--order-flow", "PD=PR"]


def test_tls_trusted_with_ca_path(simulator):
    pytest.importorskip("cryptography")
    process = simulator(orders=5, tls=True)
    assert process.billing_url.startswith("https://127.0.0.1:")
    assert os.path.exists(process.info["ca_path"])
    reply = requests.get(process.connect_url + "/accounts", verify=process.info["ca_path"],
                         headers={"Authorization": f"ApiKey {process.info['connect_api_key']}"})
    assert reply.status_code == 200


def test_tls_untrusted_rejected(simulator):
    pytest.importorskip("cryptography")
    process = simulator(orders=5, tls=True)
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(process.connect_url + "/accounts")


def test_tls_control_helpers(simulator):
    pytest.importorskip("cryptography")
    process = simulator(orders=5, tls=True)
    assert process.stats()["control_requests"] == 1


def test_tls_files_removed_at_exit(simulator):
    pytest.importorskip("cryptography")
    process = simulator(orders=5, tls=True)
    ca_path = process.info["ca_path"]
    process.stop()
    assert not os.path.exists(ca_path)


def test_hundred_thousand_orders_start_fast(simulator):
    started = time.monotonic()
    process = simulator(orders=100_000)
    elapsed = time.monotonic() - started
    assert process.info["orders_total"] == 100_000
    assert elapsed < 20, f"start took {elapsed:.1f} s"


def test_run_py_help():
    result = subprocess.run([sys.executable, RUN_PY, "--help"], capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 0
    assert "--drop-after-commit-rate" in result.stdout


def test_run_py_prints_one_json_line():
    process = subprocess.Popen([sys.executable, RUN_PY, "--orders", "5"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    try:
        line = process.stdout.readline()
        assert json.loads(line)["orders_total"] == 5
    finally:
        process.terminate()
        remaining = process.stdout.read()
        process.wait(timeout=10)
    assert remaining == ""
