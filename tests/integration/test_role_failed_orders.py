# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The failed_orders role through the post-maintenance playbook and from other playbooks.

One simulator goes through the operator's sequence once: a check-mode run, a real run, and a
second real run. The tests below each check one property of that sequence.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import glob
import json
import os

import time

import pytest
from cbsim.process import SimulatorProcess

from runbook_helpers import (
    PROVISIONING_DELAY,
    applied_writes,
    connection_env,
    eligible_ids,
    outcomes,
    reports,
    role_vars,
    run_playbook,
    start_simulator,
    vendor_ids,
)

POST_MAINTENANCE = "cloudblue.commerce.post_maintenance"
BILLING_USER = "operator"
BILLING_PASSWORD = "Billing-pass-8c1e"


def iso_utc(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


@pytest.fixture(scope="module")
def sequence(tmp_path_factory):
    """Run check mode, a real run and a second real run against one simulator.

    Two eligible orders are scripted to fail again (one rejected by the vendor, one whose
    subscription already exists); every other order completes.
    """
    tmp_path = tmp_path_factory.mktemp("sequence")
    report_dir = tmp_path / "reports"
    with SimulatorProcess(orders=300, failed_in_window=12, seed=11,
                          provisioning_delay=PROVISIONING_DELAY,
                          billing_auth="struct:%s:%s" % (BILLING_USER, BILLING_PASSWORD)) as sim:
        eligible = eligible_ids(sim)
        rejected, exists = eligible[0], eligible[-1]
        scripted = dict((order_id, "complete") for order_id in eligible)
        scripted.update({rejected: "vendor_rejected", exists: "already_exists"})
        sim.put_orders([{"order_id": order_id, "outcome": outcome}
                        for order_id, outcome in scripted.items()], merge=True)

        env = connection_env(sim)
        variables = role_vars(sim, report_dir)
        state = {"eligible": eligible, "rejected": rejected, "exists": exists,
                 "report_dir": report_dir, "info": sim.info}

        state["check"] = run_playbook(POST_MAINTENANCE, tmp_path, variables, env=env, check=True)
        state["writes_after_check"] = sim.writes()
        state["stats_after_check"] = sim.stats()

        state["first"] = run_playbook(POST_MAINTENANCE, tmp_path, variables, env=env)
        state["writes_after_first"] = sim.writes()
        state["orders_after_first"] = dict((order_id, sim.order(order_id)) for order_id in eligible)

        state["second"] = run_playbook(POST_MAINTENANCE, tmp_path, variables, env=env)
        state["writes_after_second"] = sim.writes()
        yield state


def test_check_run_succeeds(sequence):
    assert sequence["check"].returncode == 0, sequence["check"].output


def test_check_run_sends_no_write(sequence):
    assert sequence["writes_after_check"] == []


def test_check_run_reads_orders(sequence):
    assert sequence["stats_after_check"]["billing_requests"] > 0


def test_check_run_reports_would_resubmit(sequence):
    [report] = reports(sequence["report_dir"], "-dry-run")
    predicted = sorted(order_id for order_id, outcome in outcomes(report).items()
                       if outcome == "would_resubmit")
    assert report["kind"] == "dry_run"
    assert predicted == sequence["eligible"]


def test_check_run_shows_would_resubmit(sequence):
    assert "would_resubmit: %d" % len(sequence["eligible"]) in sequence["check"].output


def test_listing_applies_lookback(sequence):
    report = reports(sequence["report_dir"], "-dry-run")[0]
    assert report["window"]["lookback_minutes"] == 30
    assert report["window"]["listed_created_after"] == iso_utc(sequence["info"]["window_start"] - 1800)
    assert report["window"]["listed_created_before"] == iso_utc(sequence["info"]["window_end"])


def test_real_run_resubmits_each_order_once(sequence):
    counts = collections.Counter(write["order_id"] for write in sequence["writes_after_first"]
                                 if write["result"] == "applied")
    assert sorted(counts) == sequence["eligible"]
    assert set(counts.values()) == {1}


def test_real_run_sends_only_applied_writes(sequence):
    results = set(write["result"] for write in sequence["writes_after_first"])
    assert results == {"applied"}


def test_real_run_matches_dry_run(sequence):
    dry = outcomes(reports(sequence["report_dir"], "-dry-run")[0])
    real = reports(sequence["report_dir"])[0]
    assert sorted(dry) == sorted(outcomes(real))
    assert real["summary"]["resubmitted"] == len(dry)


def test_real_run_fails_on_failed_again(sequence):
    run = sequence["first"]
    assert run.returncode != 0
    assert "2 of %d orders still need attention" % len(sequence["eligible"]) in run.output


def test_real_run_writes_report_before_failing(sequence):
    real = reports(sequence["report_dir"])[0]
    assert real["kind"] == "resubmit"
    assert real["counts"]["needs_attention"] == 2


def test_report_outcomes_match_simulator(sequence):
    report = reports(sequence["report_dir"])[0]
    expected = dict((order_id, "completed" if order["status"] == "CP" else "failed_again")
                    for order_id, order in sequence["orders_after_first"].items())
    assert outcomes(report) == expected


def test_report_lists_failed_again_reasons(sequence):
    report = reports(sequence["report_dir"])[0]
    attention = dict((order["order_id"], order) for order in report["orders"]
                     if order["needs_attention"])
    assert sorted(attention) == sorted([sequence["rejected"], sequence["exists"]])
    for order_id, order in attention.items():
        assert order["reason"] == sequence["orders_after_first"][order_id]["comments"]


def test_report_marks_already_exists(sequence):
    report = reports(sequence["report_dir"])[0]
    rows = dict((order["order_id"], order) for order in report["orders"])
    assert rows[sequence["exists"]]["reason_code"] == "already_exists"
    assert rows[sequence["rejected"]]["reason_code"] == "failed_again"


def test_markdown_lists_failed_again_reasons(sequence):
    real = reports(sequence["report_dir"])[0]
    with open(real["files"]["markdown"]) as handle:
        markdown = handle.read()
    assert "## Orders that need attention (2)" in markdown
    for order_id in (sequence["rejected"], sequence["exists"]):
        comments = sequence["orders_after_first"][order_id]["comments"]
        assert "| %d |" % order_id in markdown
        assert comments.replace("|", "\\|")[:100] in markdown


def test_markdown_counts_outcomes(sequence):
    real = reports(sequence["report_dir"])[0]
    with open(real["files"]["markdown"]) as handle:
        markdown = handle.read()
    assert "| completed | %d |" % (len(sequence["eligible"]) - 2) in markdown
    assert "| failed_again | 2 |" in markdown


def test_second_run_sends_no_write(sequence):
    assert sequence["writes_after_second"] == sequence["writes_after_first"]


def test_second_run_reports_no_change(sequence):
    assert sequence["second"].recap()["changed"] == 0


def test_second_run_resubmits_no_order(sequence):
    [call] = sequence["second"].module_calls("cloudblue.commerce.order_resubmit")
    assert call["module_args"]["order_ids"] == []


def test_second_run_reports_resubmitted_before(sequence):
    second = reports(sequence["report_dir"])[1]
    assert outcomes(second) == {sequence["rejected"]: "resubmitted_before",
                                sequence["exists"]: "resubmitted_before"}


def test_second_run_repeats_earlier_reason(sequence):
    second = reports(sequence["report_dir"])[1]
    for order in second["orders"]:
        assert sequence["orders_after_first"][order["order_id"]]["comments"] in order["reason"]


def test_reports_hold_no_secrets(sequence):
    secret = sequence["info"]["connect_api_key"].split(":", 1)[1]
    for path in glob.glob(os.path.join(str(sequence["report_dir"]), "*")):
        with open(path) as handle:
            text = handle.read()
        assert BILLING_PASSWORD not in text, path
        assert secret not in text, path


def test_output_holds_no_secrets(sequence):
    secret = sequence["info"]["connect_api_key"].split(":", 1)[1]
    for name in ("check", "first", "second"):
        assert BILLING_PASSWORD not in sequence[name].output
        assert secret not in sequence[name].output


def test_max_orders_stops_before_writes(simulator, tmp_path):
    sim = start_simulator(simulator)
    run = run_playbook(POST_MAINTENANCE, tmp_path,
                       role_vars(sim, tmp_path / "reports", failed_orders_max_orders=3),
                       env=connection_env(sim))
    assert run.returncode != 0
    assert "max_orders" in run.output
    assert sim.writes() == []


def test_rejected_changes_reported(simulator, tmp_path):
    # The order flow lets PF move only to PD, so every PF -> PR change is rejected.
    sim = start_simulator(simulator, failed_in_window=3, order_flow="PF=PD")
    eligible = eligible_ids(sim)
    run = run_playbook(POST_MAINTENANCE, tmp_path, role_vars(sim, tmp_path / "reports"),
                       env=connection_env(sim))
    assert run.returncode != 0
    assert set(write["result"] for write in sim.writes()) == {"rejected"}
    [report] = reports(tmp_path / "reports")
    assert outcomes(report) == dict((order_id, "error") for order_id in eligible)
    assert all("PR" in order["reason"] for order in report["orders"])
    assert "%d of %d orders still need attention" % (len(eligible), len(eligible)) in run.output


def test_no_wait_reports_resubmitted(simulator, tmp_path):
    sim = start_simulator(simulator, failed_in_window=5)
    eligible = eligible_ids(sim)
    run = run_playbook(POST_MAINTENANCE, tmp_path,
                       role_vars(sim, tmp_path / "reports", failed_orders_wait=False),
                       env=connection_env(sim))
    assert run.returncode == 0, run.output
    [report] = reports(tmp_path / "reports")
    assert outcomes(report) == dict((order_id, "resubmitted") for order_id in eligible)
    assert report["counts"]["needs_attention"] == 0


def test_resubmit_once_off_resubmits_again(simulator, tmp_path):
    sim = start_simulator(simulator, failed_in_window=4)
    eligible = eligible_ids(sim)
    sim.put_orders([{"order_id": order_id, "outcome": "vendor_rejected"} for order_id in eligible],
                   merge=True)
    variables = role_vars(sim, tmp_path / "reports", failed_orders_fail_on_leftovers=False)
    first = run_playbook(POST_MAINTENANCE, tmp_path, variables, env=connection_env(sim))
    assert first.returncode == 0, first.output

    variables["failed_orders_resubmit_once"] = False
    second = run_playbook(POST_MAINTENANCE, tmp_path, variables, env=connection_env(sim))
    assert second.returncode == 0, second.output
    counts = collections.Counter(write["order_id"] for write in applied_writes(sim))
    assert counts == collections.Counter(eligible * 2)


INCLUDING_PLAYBOOK = """
- name: Existing automation that runs the role
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/cloudblue.commerce.all:
      billing_url: %(billing_url)s
      billing_auth: none
      connect_url: %(connect_url)s
      connect_api_key: %(connect_api_key)s
  tasks:
    - name: A task of the existing automation
      ansible.builtin.set_fact:
        before_role: true

    - name: Run the role
      ansible.builtin.%(keyword)s:
        name: cloudblue.commerce.failed_orders
      vars:
        failed_orders_window_start: %(window_start)d
        failed_orders_window_end: %(window_end)d
        failed_orders_vendor_account_ids: %(vendors)s
        failed_orders_report_dir: %(report_dir)s
        failed_orders_connect_probe_interval: 0.2
        failed_orders_poll_interval: 0.3
        failed_orders_fail_on_leftovers: false

    - name: Save the report fact
      ansible.builtin.copy:
        content: "{{ failed_orders_report | to_nice_json }}"
        dest: %(saved)s
        mode: "0600"
"""


@pytest.mark.parametrize("keyword", ["include_role", "import_role"])
def test_role_runs_from_playbook(simulator, tmp_path, keyword):
    sim = start_simulator(simulator, failed_in_window=5)
    eligible = eligible_ids(sim)
    saved = tmp_path / "report-fact.json"
    playbook = tmp_path / "existing.yml"
    playbook.write_text(INCLUDING_PLAYBOOK % dict(
        sim.info, keyword=keyword, vendors=json.dumps(vendor_ids(sim)),
        report_dir=tmp_path / "reports", saved=saved))

    run = run_playbook(str(playbook), tmp_path)
    assert run.returncode == 0, run.output
    counts = collections.Counter(write["order_id"] for write in applied_writes(sim))
    assert sorted(counts) == eligible
    assert set(counts.values()) == {1}
    fact = json.loads(saved.read_text())
    assert fact["counts"]["listed"] == len(eligible)
    assert fact == reports(tmp_path / "reports")[0]
