# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Nothing is lost or done twice: faults, an interrupted run, and awkward order data."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import json
import os
import signal
import subprocess
import time

from ansible_run import (
    ansible_command,
    ansible_env,
    resubmit_window_playbook,
    run_playbook,
    save_results,
)
from runbook_helpers import connection_env, eligible_ids, reports, role_vars
from runbook_helpers import run_playbook as run_runbook

RESUBMIT_WINDOW = resubmit_window_playbook(concurrency=2, max_orders=1000, retries=8)


def window_ids(sim):
    """Return the ids of the PF orders created in the window, without a look-back margin."""
    info = sim.info
    return sorted(order["order_id"] for order in sim.orders(
        status="PF", created_after=info["window_start"], created_before=info["window_end"]))


def applied_per_order(sim):
    return collections.Counter(write["order_id"] for write in sim.writes()
                               if write["result"] == "applied")


def wait_until_writes_settle(sim, quiet_seconds=1.5, limit=60):
    deadline = time.monotonic() + limit
    count = len(sim.writes())
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.25)
        current = len(sim.writes())
        if current != count:
            count, quiet_since = current, time.monotonic()
        elif time.monotonic() - quiet_since >= quiet_seconds:
            return count
    raise AssertionError("the write record kept growing for %d s" % limit)


def test_interrupted_run_resumes_once(simulator, tmp_path):
    sim = simulator(orders=2000, seed=31, failed_in_window=300, latency_ms=15,
                    provisioning_delay=600)
    expected = window_ids(sim)
    path = tmp_path / "first"
    path.mkdir()
    playbook = path / "playbook.yml"
    playbook.write_text(RESUBMIT_WINDOW)
    variables = {"sim": sim.info, "results_path": str(path / "results.json")}
    command = [ansible_command("ansible-playbook"), "-i", "localhost,", "-c", "local",
               str(playbook), "-e", json.dumps(variables)]
    process = subprocess.Popen(command, env=ansible_env(), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while len(sim.writes()) < 60:
            assert process.poll() is None, process.stdout.read().decode()
            assert time.monotonic() < deadline, "no writes within 120 s"
            time.sleep(0.1)
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.stdout.close()
    interrupted = wait_until_writes_settle(sim)
    assert interrupted < len(expected)

    rerun = run_playbook(RESUBMIT_WINDOW, tmp_path / "rerun", {"sim": sim.info})
    assert rerun.returncode == 0, rerun.output
    result = rerun.results()["resubmit"]
    per_order = applied_per_order(sim)
    assert sorted(per_order) == expected
    assert set(per_order.values()) == {1}
    assert result["summary"]["resubmitted"] == len(expected) - interrupted


def test_transient_faults_and_drops(simulator, tmp_path):
    sim = simulator(orders=3000, seed=41, failed_in_window=500, error_rate=0.10,
                    drop_after_commit_rate=0.03, provisioning_delay=600, fault_seed=41)
    expected = window_ids(sim)
    assert len(expected) == 500
    run = run_playbook(RESUBMIT_WINDOW, tmp_path, {"sim": sim.info})
    assert run.returncode == 0, run.output
    result = run.results()["resubmit"]

    per_order = applied_per_order(sim)
    assert sorted(per_order) == expected
    assert set(per_order.values()) == {1}
    assert [item["order_id"] for item in result["resubmitted"]] == expected
    assert result["errors"] == []
    stats = sim.stats()
    assert stats["injected_errors"] > 0
    assert stats["dropped_replies"] > 0
    reconciled = set(item["order_id"] for item in result["resubmitted"] if item["reconciled"])
    dropped = set(write["order_id"] for write in sim.writes() if write["reply_dropped"])
    assert dropped <= reconciled


AWKWARD_ORDERS = [
    {"order_id": 900001, "order_number": "SO900001   ", "comments": "Ошибка: Connect недоступен",
     "total": 99.99, "currency": "EUR", "order_type": "SO"},
    {"order_id": 900002, "order_number": "CH900002", "comments": "Réduction — 変更 ",
     "total": -12.5, "currency": "USD", "order_type": "CH"},
    {"order_id": 900003, "order_number": "  CF900003", "comments": "",
     "total": -1234567.891, "currency": "USD", "order_type": "CF"},
    {"order_id": 900004, "order_number": "SO900004", "comments": "Ünïcödé 🚀 order",
     "total": 12.345, "currency": "GBP", "order_type": "SO"},
    {"order_id": 900005, "order_number": "SO900005", "comments": "zero total",
     "total": 0.0, "currency": "USD", "order_type": "SO"},
]


def test_awkward_order_data(simulator, tmp_path):
    sim = simulator(orders=50, seed=2, provisioning_delay=600)
    template = sim.orders(status="PF", limit=1)[0]
    crafted = []
    for override in AWKWARD_ORDERS:
        order = dict(template)
        order.update(override)
        order.update(status="PF", vendor_account_id=1, outcome="complete", customer_id=4242,
                     customer_name="Jürgen Ñandú")
        order.pop("signature", None)
        crafted.append(order)
    sim.put_orders(crafted)
    ids = [order["order_id"] for order in AWKWARD_ORDERS]
    playbook = """
- name: Resubmit awkward orders
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Read them
      cloudblue.commerce.order_info:
        billing_url: "{{ sim.billing_url }}"
        billing_auth: none
        order_ids: %s
      register: info

    - name: Resubmit them
      cloudblue.commerce.order_resubmit:
        billing_url: "{{ sim.billing_url }}"
        billing_auth: none
        order_ids: %s
      register: resubmit
""" % (json.dumps(ids), json.dumps(ids)) + save_results("{'info': info, 'resubmit': resubmit}")
    run = run_playbook(playbook, tmp_path, {"sim": sim.info})
    assert run.returncode == 0, run.output
    results = run.results()
    orders = dict((order["order_id"], order) for order in results["info"]["orders"])
    assert orders[900001]["comments"] == "Ошибка: Connect недоступен"
    assert orders[900001]["order_number"] == "SO900001   "
    assert orders[900002]["total"] == -12.5
    assert [item["order_id"] for item in results["resubmit"]["resubmitted"]] == ids
    assert sorted(applied_per_order(sim)) == ids


def test_role_report_matches_writes(simulator, tmp_path):
    sim = simulator(orders=3000, seed=43, failed_in_window=500, error_rate=0.10,
                    drop_after_commit_rate=0.03, provisioning_delay=600, fault_seed=43)
    expected = eligible_ids(sim)
    report_dir = tmp_path / "reports"
    variables = role_vars(sim, report_dir, failed_orders_wait=False,
                          failed_orders_max_orders=1000, failed_orders_concurrency=4)
    env = dict(connection_env(sim), CBC_RETRIES="8")
    run = run_runbook("cloudblue.commerce.post_maintenance", tmp_path, variables, env=env)
    assert run.returncode == 0, run.output

    per_order = applied_per_order(sim)
    assert sorted(per_order) == expected
    assert set(per_order.values()) == {1}
    report = reports(report_dir)[-1]
    resubmitted = sorted(order["order_id"] for order in report["orders"]
                         if order["outcome"] == "resubmitted")
    assert resubmitted == sorted(per_order)
    assert report["counts"]["listed"] == len(expected)
    assert report["summary"]["resubmitted"] == len(expected)
    assert report["summary"]["errors"] == 0


SECRET_PASSWORD = "Tls-Secret-Pass-77"


def test_secrets_absent_on_error_paths(simulator, tmp_path):
    tls = simulator(orders=50, seed=5, tls=True, billing_auth="struct:ops:" + SECRET_PASSWORD)
    plain = simulator(orders=50, seed=5, billing_auth="struct:ops:" + SECRET_PASSWORD,
                      error_rate=1.0)
    api_key = tls.info["connect_api_key"]
    playbook = """
- name: Fail in every way an operator might meet
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/cloudblue.commerce.all:
      billing_auth: struct
      billing_username: ops
      retries: 1
      timeout: 5
  tasks:
    - name: Untrusted certificate on Billing
      cloudblue.commerce.order_info:
        billing_url: "{{ tls_billing_url }}"
      register: tls_billing
      ignore_errors: true

    - name: Untrusted certificate on Connect
      cloudblue.commerce.connect_wait:
        connect_url: "{{ tls_connect_url }}"
        wait_timeout: 5
      register: tls_connect
      ignore_errors: true

    - name: Server errors on every call
      cloudblue.commerce.order_resubmit:
        billing_url: "{{ plain_billing_url }}"
        order_ids: [1, 2, 3]
      register: server_errors
      ignore_errors: true
""" + save_results("{'tls_billing': tls_billing, 'tls_connect': tls_connect, "
                   "'server_errors': server_errors}")
    variables = {"tls_billing_url": tls.info["billing_url"],
                 "tls_connect_url": tls.info["connect_url"],
                 "plain_billing_url": plain.info["billing_url"]}
    env = {"CBC_BILLING_PASSWORD": SECRET_PASSWORD, "CBC_CONNECT_API_KEY": api_key}
    run = run_playbook(playbook, tmp_path, variables, env=env, verbosity=4)
    assert run.returncode == 0, run.output
    results = run.results()
    assert results["tls_billing"]["error"]["kind"] == "tls"
    assert results["tls_connect"]["error"]["kind"] == "tls"
    assert results["server_errors"]["failed"] is True
    assert len(results["server_errors"]["errors"]) == 3
    secret = api_key.split(":", 1)[1]
    for text in (run.output, json.dumps(results)):
        assert SECRET_PASSWORD not in text
        assert secret not in text


def test_unusable_report_dir_stops_early(simulator, tmp_path):
    sim = simulator(orders=300, seed=7, failed_in_window=12, provisioning_delay=0.3)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    variables = role_vars(sim, blocker / "reports")
    run = run_runbook("cloudblue.commerce.post_maintenance", tmp_path, variables,
                      env=connection_env(sim))
    assert run.returncode != 0
    assert "Create the report directory" in run.output
    assert sim.writes() == []
    assert sim.stats()["billing_requests"] == 0
