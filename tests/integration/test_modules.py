# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The three modules run through real ansible-playbook commands against the simulator."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import json

import pytest

from ansible_run import (
    SCENARIO_VENDORS,
    resubmit_window_playbook,
    run_playbook,
    save_results,
)

HEADER = """
- name: Exercise the modules
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/cloudblue.commerce.all:
      billing_url: "{{ sim.billing_url }}"
      billing_auth: none
      connect_url: "{{ sim.connect_url }}"
      connect_api_key: "{{ sim.connect_api_key }}"
      retries: 6
  tasks:
"""

LIST_AND_RESUBMIT = resubmit_window_playbook()


def applied_writes(sim):
    return [write for write in sim.writes() if write["result"] == "applied"]


def eligible_ids(sim):
    info = sim.info
    return sorted(order["order_id"] for order in sim.orders(
        status="PF", created_after=info["window_start"], created_before=info["window_end"]))


def test_check_mode_then_real_run(simulator, tmp_path):
    sim = simulator(orders=1500, seed=11, failed_in_window=60, provisioning_delay=30)
    expected = eligible_ids(sim)

    check = run_playbook(LIST_AND_RESUBMIT, tmp_path / "check", {"sim": sim.info}, check=True,
                         diff=True)
    assert check.returncode == 0, check.output
    predicted = check.results()["resubmit"]
    assert sim.writes() == []
    assert predicted["changed"] is True
    assert [item["order_id"] for item in predicted["would_resubmit"]] == expected
    assert "+        \"%d\": \"PR\"" % expected[0] in check.stdout

    real = run_playbook(LIST_AND_RESUBMIT, tmp_path / "real", {"sim": sim.info})
    assert real.returncode == 0, real.output
    done = real.results()["resubmit"]
    assert done["changed"] is True
    assert done["would_resubmit"] == predicted["would_resubmit"]
    assert [item["order_id"] for item in done["resubmitted"]] == expected
    writes = applied_writes(sim)
    assert sorted(write["order_id"] for write in writes) == expected
    assert all(write["target_status"] == "PR" for write in writes)

    rerun = run_playbook(LIST_AND_RESUBMIT, tmp_path / "rerun", {"sim": sim.info})
    assert rerun.returncode == 0, rerun.output
    again = rerun.results()["resubmit"]
    assert again["changed"] is False
    assert again["resubmitted"] == []
    assert len(sim.writes()) == len(expected)


def test_explicit_ids_guarded(simulator, tmp_path):
    sim = simulator(orders=400, seed=3, failed_in_window=5)
    failed = eligible_ids(sim)[0]
    completed = sim.orders(status="CP", limit=1)[0]["order_id"]
    other = sim.orders(status="PR", limit=1)[0]["order_id"]
    playbook = HEADER + """
    - name: Resubmit a mix of orders
      cloudblue.commerce.order_resubmit:
        order_ids: [%d, %d, %d, 99999999, %d]
      register: resubmit
""" % (failed, completed, other, failed) + save_results("resubmit")
    run = run_playbook(playbook, tmp_path, {"sim": sim.info})
    assert run.returncode == 0, run.output
    result = run.results()
    reasons = dict((item["order_id"], item["reason"]) for item in result["skipped_orders"])
    assert reasons == {completed: "not_failed", other: "not_failed", 99999999: "not_found"}
    assert [item["order_id"] for item in result["resubmitted"]] == [failed]
    assert result["summary"]["requested"] == 4
    assert [write["order_id"] for write in sim.writes()] == [failed]


def test_faults_never_double_a_write(simulator, tmp_path):
    sim = simulator(orders=1500, seed=5, failed_in_window=120, error_rate=0.1,
                    drop_after_commit_rate=0.1, provisioning_delay=60)
    expected = eligible_ids(sim)
    run = run_playbook(LIST_AND_RESUBMIT, tmp_path, {"sim": sim.info})
    assert run.returncode == 0, run.output
    result = run.results()["resubmit"]

    per_order = collections.Counter(write["order_id"] for write in applied_writes(sim))
    assert sorted(per_order) == expected
    assert set(per_order.values()) == {1}
    assert [item["order_id"] for item in result["resubmitted"]] == expected
    assert result["errors"] == []
    dropped = [write["order_id"] for write in sim.writes() if write["reply_dropped"]]
    assert dropped
    reconciled = [item["order_id"] for item in result["resubmitted"] if item["reconciled"]]
    assert set(dropped) <= set(reconciled)


def test_wait_reports_outcomes(simulator, tmp_path):
    sim = simulator(orders=800, seed=21, failed_in_window=40, provisioning_delay=1)
    playbook = resubmit_window_playbook(wait=True, poll_interval=0.5, wait_timeout=60,
                                        fail_on_order_errors=False)
    run = run_playbook(playbook, tmp_path, {"sim": sim.info})
    assert run.returncode == 0, run.output
    result = run.results()["resubmit"]
    outcomes = dict((item["order_id"], item) for item in result["outcomes"])
    assert len(outcomes) == len(result["resubmitted"])
    for order_id, outcome in outcomes.items():
        scripted = sim.order(order_id)["outcome"]
        if scripted == "complete":
            assert outcome["outcome"] == "completed", outcome
        else:
            assert outcome["outcome"] == "failed_again", outcome
            assert outcome["reason"]
        if scripted == "already_exists":
            assert outcome["reason_code"] == "already_exists"
    summary = result["summary"]
    assert summary["completed"] + summary["failed_again"] == summary["resubmitted"]
    assert summary["in_progress"] == 0
    assert len(sim.writes()) == summary["resubmitted"]


def test_connect_wait_across_maintenance(simulator, tmp_path):
    sim = simulator(orders=10, seed=1, connect_down_for=2, connect_flap_for=2)
    playbook = HEADER + """
    - name: Wait for Connect
      cloudblue.commerce.connect_wait:
        interval: 0.2
        consecutive_successes: 4
        wait_timeout: 60
      register: connect
""" + save_results("connect")
    run = run_playbook(playbook, tmp_path, {"sim": sim.info})
    assert run.returncode == 0, run.output
    result = run.results()
    assert result["available"] is True
    assert result["changed"] is False
    assert result["failures"] >= 1
    assert result["probes"] >= result["failures"] + 4
    assert result["elapsed"] >= 2
    assert result["last_status"] == 200


def test_connect_wait_wrong_key_fails_fast(simulator, tmp_path):
    sim = simulator(orders=10, seed=1)
    playbook = HEADER + """
    - name: Wait for Connect with a wrong key
      cloudblue.commerce.connect_wait:
        connect_api_key: SU-000-000-999:wrong-secret
        wait_timeout: 300
      register: connect
      ignore_errors: true
""" + save_results("connect")
    run = run_playbook(playbook, tmp_path, {"sim": sim.info})
    assert run.returncode == 0, run.output
    result = run.results()
    assert result["failed"] is True
    assert "connect_api_key is wrong" in result["msg"]
    assert result["error"]["http_status"] == 401
    assert "wrong-secret" not in run.output


BAD_INPUT = [
    ("order_info", {"statuses": []}, "statuses is an empty list"),
    ("order_info", {"statuses": ["XX"]}, "unknown code 'XX'"),
    ("order_info", {"order_types": ["ZZ"]}, "unknown code 'ZZ'"),
    ("order_info", {"vendor_account_ids": []}, "vendor_account_ids is an empty list"),
    ("order_info", {"vendor_account_ids": ["one"]}, "vendor_account_ids"),
    ("order_info", {"vendor_account_ids": [2147483648]}, "outside the id range"),
    ("order_info", {"created_after": "2026-12-02T00:00:00Z",
                    "created_before": "2026-12-01T00:00:00Z"}, "must end after it starts"),
    ("order_info", {"created_after": "2026-12-01T22:00:00"}, "has no UTC offset"),
    ("order_info", {"created_after": "1796166902000"}, "divided by 1000"),
    ("order_info", {"created_after": "yesterday"}, "is not a valid time"),
    ("order_info", {"query": "[?status=="}, "not a valid JMESPath expression"),
    ("order_info", {"concurrency": -1}, "concurrency is -1"),
    ("order_info", {"lookback": 600}, "created_after is not"),
    ("order_info", {"billing_auth": "struct"}, "billing_username is missing"),
    ("order_info", {"billing_url": "billing.example.com"}, "is not a valid http"),
    ("order_resubmit", {"order_ids": "abc"}, "order_ids"),
    ("order_resubmit", {"order_ids": [1, 2147483648]}, "outside the id range"),
    ("order_resubmit", {"order_ids": [1, 2, 3], "max_orders": 2}, "more than max_orders (2)"),
    ("order_resubmit", {"order_ids": [1], "concurrency": 0}, "concurrency is 0"),
    ("order_resubmit", {"order_ids": [1], "target_status": "PF"}, "is in failed_statuses"),
    ("order_resubmit", {"order_ids": [1], "failed_statuses": []}, "failed_statuses is an empty"),
    ("order_resubmit", {"order_ids": [1], "rate_limit": -2}, "rate_limit is -2"),
    ("order_resubmit", {"order_ids": [1], "currency_precision": {"yen": 0}}, "currency_precision"),
    ("order_resubmit", {"order_ids": [1], "timeout": 0}, "timeout is 0"),
    ("order_resubmit", {"order_ids": [1], "failed_statuses": ["CP"]}, "not a failed status"),
    ("order_info", {"ca_path": "/nonexistent/ca.pem"}, "is not a readable file"),
    ("connect_wait", {"connect_api_key": ""}, "connect_api_key is missing"),
    ("connect_wait", {"consecutive_successes": 0}, "consecutive_successes is 0"),
    ("connect_wait", {"probe": "ping"}, "probe"),
]


def test_bad_input_fails_before_calls(simulator, tmp_path):
    sim = simulator(orders=50, seed=2)
    tasks = []
    for index, (module, options, _expected) in enumerate(BAD_INPUT):
        tasks.append("""
    - name: Bad input case %d
      cloudblue.commerce.%s: %s
      register: case_%d
      ignore_errors: true
""" % (index, module, json.dumps(options), index))
    names = ", ".join("case_%d" % index for index in range(len(BAD_INPUT)))
    playbook = HEADER + "".join(tasks) + save_results("[%s]" % names)
    run = run_playbook(playbook, tmp_path, {"sim": sim.info})
    assert run.returncode == 0, run.output
    results = run.results()
    for (module, options, expected), result in zip(BAD_INPUT, results):
        assert result.get("failed") is True, (module, options, result)
        assert expected in result["msg"], (module, options, result["msg"])
    stats = sim.stats()
    assert stats["billing_requests"] == 0
    assert stats["connect_requests"] == 0
    assert sim.writes() == []


@pytest.mark.parametrize("list_form", ["with_end_time", "without_end_time"])
def test_list_forms_agree(simulator, tmp_path, list_form):
    form = "six" if list_form == "with_end_time" else "five"
    sim = simulator(orders=600, seed=9, failed_in_window=25, list_form=form)
    playbook = HEADER + """
    - name: List with one argument form
      cloudblue.commerce.order_info:
        vendor_account_ids: %s
        created_after: "{{ sim.window_start }}"
        created_before: "{{ sim.window_end }}"
        list_form: %s
        details: true
      register: info
""" % (json.dumps(SCENARIO_VENDORS), list_form) + save_results("info")
    run = run_playbook(playbook, tmp_path, {"sim": sim.info})
    assert run.returncode == 0, run.output
    result = run.results()
    assert [order["order_id"] for order in result["orders"]] == eligible_ids(sim)
    assert all(order["currency"] for order in result["orders"])
    assert result["count"] == 25


def test_secrets_absent_at_vvvv(simulator, tmp_path):
    sim = simulator(orders=300, seed=4, failed_in_window=5,
                    billing_auth="struct:operator:S3cr3t-Billing-Pass")
    # Secrets reach the modules only through CBC_* variables, as an operator would pass them;
    # -vvvv prints the command line, so the extra vars carry no secret.
    public = dict((key, value) for key, value in sim.info.items()
                  if key not in ("billing_password", "connect_api_key"))
    playbook = HEADER.replace("billing_auth: none", "billing_auth: struct").replace(
        '      connect_api_key: "{{ sim.connect_api_key }}"\n', "") + """
    - name: List with the right password
      cloudblue.commerce.order_info:
        billing_username: operator
        vendor_account_ids: [1]
      register: good

    - name: List with a wrong password
      cloudblue.commerce.order_info:
        billing_username: operator
        billing_password: Wrong-Pass-4711
        vendor_account_ids: [1]
      register: bad
      ignore_errors: true

    - name: Wait for Connect
      cloudblue.commerce.connect_wait:
        interval: 0.1
        consecutive_successes: 1
""" + save_results("{'good': good, 'bad': bad}")
    env = {"CBC_BILLING_PASSWORD": "S3cr3t-Billing-Pass",
           "CBC_CONNECT_API_KEY": sim.info["connect_api_key"]}
    run = run_playbook(playbook, tmp_path, {"sim": public}, env=env, verbosity=4)
    assert "connect_api_key" not in playbook
    assert run.returncode == 0, run.output
    results = run.results()
    assert results["bad"]["failed"] is True
    assert results["bad"]["error"]["kind"] == "authentication"
    secret = sim.info["connect_api_key"].split(":", 1)[1]
    for text in (run.output, json.dumps(results)):
        assert "S3cr3t-Billing-Pass" not in text
        assert "Wrong-Pass-4711" not in text
        assert secret not in text
