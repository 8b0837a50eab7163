# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""TLS, authentication modes, old servers and overload, through real ansible-playbook runs."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_run import resubmit_window_playbook, run_playbook, save_results

LIST_TASK = """
- name: List orders over the transport under test
  hosts: localhost
  gather_facts: false
  tasks:
    - name: List failed orders of the provider
      cloudblue.commerce.order_info:
        billing_url: "{{ sim.billing_url }}"
        billing_auth: %(auth)s
        vendor_account_ids: [1]
        order_ids: %(order_ids)s
        %(extra)s
      register: info
      ignore_errors: true

    - name: Wait for Connect over the same transport
      cloudblue.commerce.connect_wait:
        connect_url: "{{ sim.connect_url }}"
        connect_api_key: "{{ sim.connect_api_key }}"
        consecutive_successes: 1
        interval: 0.1
        wait_timeout: 10
        %(extra)s
      register: connect
      ignore_errors: true
""" + save_results("{'info': info, 'connect': connect}")


def list_playbook(auth="none", extra="", order_ids="null"):
    return LIST_TASK % {"auth": auth, "extra": extra, "order_ids": order_ids}


def test_tls_with_ca_path(simulator, tmp_path):
    sim = simulator(orders=200, seed=8, failed_in_window=4, tls=True)
    assert sim.info["billing_url"].startswith("https://")
    run = run_playbook(list_playbook(extra='ca_path: "{{ sim.ca_path }}"'), tmp_path,
                       {"sim": sim.info})
    assert run.returncode == 0, run.output
    results = run.results()
    assert results["info"].get("failed") is not True, results["info"]
    assert results["info"]["count"] >= 4
    assert results["connect"]["available"] is True


def test_tls_without_verification(simulator, tmp_path):
    sim = simulator(orders=200, seed=8, failed_in_window=4, tls=True)
    run = run_playbook(list_playbook(extra="validate_certs: false"), tmp_path, {"sim": sim.info})
    assert run.returncode == 0, run.output
    results = run.results()
    assert results["info"].get("failed") is not True, results["info"]
    assert results["connect"]["available"] is True


def test_tls_untrusted_names_fix(simulator, tmp_path):
    sim = simulator(orders=50, seed=8, tls=True)
    run = run_playbook(list_playbook(), tmp_path, {"sim": sim.info})
    assert run.returncode == 0, run.output
    results = run.results()
    for name in ("info", "connect"):
        assert results[name]["failed"] is True
        assert "ca_path" in results[name]["msg"]
        assert "validate_certs" in results[name]["msg"]
        assert results[name]["error"]["kind"] == "tls"
    assert sim.stats()["billing_requests"] == 0


def test_basic_auth(simulator, tmp_path):
    sim = simulator(orders=200, seed=8, failed_in_window=3, billing_auth="basic:ops:Basic-Pass-1")
    extra = "billing_username: ops\n        billing_password: Basic-Pass-1"
    good = run_playbook(list_playbook(auth="basic", extra=extra), tmp_path / "good",
                        {"sim": sim.info})
    assert good.returncode == 0, good.output
    assert good.results()["info"]["count"] >= 3

    bad = run_playbook(list_playbook(auth="basic", extra=extra.replace("Basic-Pass-1", "nope")),
                       tmp_path / "bad", {"sim": sim.info})
    info = bad.results()["info"]
    assert info["failed"] is True
    assert info["error"]["http_status"] == 401
    assert info["error"]["kind"] == "authentication"


def test_credentials_in_url(simulator, tmp_path):
    sim = simulator(orders=200, seed=8, failed_in_window=3, billing_auth="basic:ops:Url-Pass-9")
    url = sim.info["billing_url"].replace("http://", "http://ops:Url-Pass-9@")
    info = dict(sim.info, billing_url=url)
    run = run_playbook(list_playbook(auth="none"), tmp_path, env={"CBC_BILLING_URL": url},
                       extra_vars={"sim": dict(info, billing_url="{{ lookup('env', "
                                                                 "'CBC_BILLING_URL') }}")},
                       verbosity=3)
    assert run.returncode == 0, run.output
    assert run.results()["info"]["count"] >= 3
    assert "Url-Pass-9" not in run.output
    assert "Url-Pass-9" not in json.dumps(run.results())


def test_legacy_rows_read(simulator, tmp_path):
    sim = simulator(orders=200, seed=8, failed_in_window=3, legacy_rows=True)
    ids = [order["order_id"] for order in sim.orders(status="PF", limit=3)]
    run = run_playbook(list_playbook(order_ids=json.dumps(ids)), tmp_path, {"sim": sim.info})
    assert run.returncode == 0, run.output
    orders = run.results()["info"]["orders"]
    assert [order["order_id"] for order in orders] == sorted(ids)
    assert all(order["currency"] is None for order in orders)


def test_overloaded_server_backs_off(simulator, tmp_path):
    sim = simulator(orders=1200, seed=12, failed_in_window=80, max_concurrency=2, latency_ms=20,
                    provisioning_delay=60)
    playbook = resubmit_window_playbook(concurrency=6, retries=8)
    run = run_playbook(playbook, tmp_path, {"sim": sim.info})
    assert run.returncode == 0, run.output
    result = run.results()["resubmit"]
    assert result["summary"]["resubmitted"] == 80
    assert sim.stats()["refused_overload"] > 0
    applied = [write["order_id"] for write in sim.writes() if write["result"] == "applied"]
    assert len(applied) == 80
    assert len(set(applied)) == 80
