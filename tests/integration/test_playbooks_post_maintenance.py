# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""playbooks/post_maintenance.yml for two Commerce installations, as two inventory hosts.

Each host carries its own connection in cbc_* host variables and points at its own simulator;
one of them requires Billing credentials. The run must resubmit each installation's orders
against that installation only, and write one report per host.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import json

import pytest
from cbsim.process import SimulatorProcess

from runbook_helpers import (
    FAST_VARS,
    PROVISIONING_DELAY,
    connection_settings,
    eligible_ids,
    outcomes,
    reports,
    run_playbook,
    vendor_ids,
)

HOSTS = ("cbc-eu", "cbc-us")
BILLING_PASSWORD = "eu-Billing-pass-41d"


def host_vars(sim):
    """Return the cbc_* host variables that connect one inventory host to one simulator."""
    variables = dict(("cbc_" + name, value) for name, value in connection_settings(sim).items())
    variables["cbc_retries"] = 4
    return variables


@pytest.fixture(scope="module")
def two_hosts(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("two-hosts")
    with SimulatorProcess(orders=300, failed_in_window=9, seed=21,
                          provisioning_delay=PROVISIONING_DELAY,
                          billing_auth="struct:eu-operator:" + BILLING_PASSWORD) as eu, \
            SimulatorProcess(orders=300, failed_in_window=6, seed=22,
                             provisioning_delay=PROVISIONING_DELAY) as us:
        sims = {"cbc-eu": eu, "cbc-us": us}
        eligible = dict((name, eligible_ids(sim)) for name, sim in sims.items())
        vendors = sorted(set(vendor_ids(eu)) | set(vendor_ids(us)))

        # Each simulator has its own maintenance window, so the window is a host variable too.
        hosts = {}
        for name, sim in sims.items():
            hosts[name] = dict(host_vars(sim), failed_orders_window_start=sim.info["window_start"],
                               failed_orders_window_end=sim.info["window_end"])
        inventory_path = tmp_path / "inventory.json"
        inventory_path.write_text(json.dumps({"all": {"children": {"commerce": {"hosts": hosts}}}}))

        report_dir = tmp_path / "reports"
        variables = dict(FAST_VARS, cbc_hosts="commerce", failed_orders_vendor_account_ids=vendors,
                         failed_orders_report_dir=str(report_dir),
                         failed_orders_fail_on_leftovers=False)
        run = run_playbook("cloudblue.commerce.post_maintenance", tmp_path, variables,
                           inventory=str(inventory_path))
        yield {"run": run, "sims": sims, "eligible": eligible, "report_dir": report_dir,
               "writes": dict((name, sim.writes()) for name, sim in sims.items()),
               "stats": dict((name, sim.stats()) for name, sim in sims.items())}


def test_two_hosts_run_succeeds(two_hosts):
    assert two_hosts["run"].returncode == 0, two_hosts["run"].output


@pytest.mark.parametrize("host", HOSTS)
def test_two_hosts_resubmit_own_orders_once(two_hosts, host):
    counts = collections.Counter(write["order_id"] for write in two_hosts["writes"][host]
                                 if write["result"] == "applied")
    assert sorted(counts) == two_hosts["eligible"][host]
    assert set(counts.values()) == {1}


@pytest.mark.parametrize("host", HOSTS)
def test_two_hosts_wait_for_own_connect(two_hosts, host):
    assert two_hosts["stats"][host]["connect_requests"] >= 3


@pytest.mark.parametrize("host", HOSTS)
def test_two_hosts_write_own_report(two_hosts, host):
    [report] = [report for report in reports(two_hosts["report_dir"]) if report["host"] == host]
    assert sorted(outcomes(report)) == two_hosts["eligible"][host]
    assert report["files"]["json"].split("/")[-1].startswith("failed-orders-%s-" % host)


def test_two_hosts_write_two_reports(two_hosts):
    assert len(reports(two_hosts["report_dir"])) == 2


def test_two_hosts_recap_changed(two_hosts):
    for host in HOSTS:
        assert two_hosts["run"].recap(host)["changed"] == 1


def test_two_hosts_hide_password(two_hosts):
    assert BILLING_PASSWORD not in two_hosts["run"].output
    for report in reports(two_hosts["report_dir"]):
        assert BILLING_PASSWORD not in json.dumps(report)
