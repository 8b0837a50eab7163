# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""playbooks/failed_orders_report.yml: the listing and report of the role, read-only."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from cbsim.process import SimulatorProcess

from runbook_helpers import (
    connection_env,
    eligible_ids,
    outcomes,
    reports,
    role_vars,
    run_playbook,
)


@pytest.fixture(scope="module")
def report_run(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("report")
    with SimulatorProcess(orders=300, failed_in_window=8, seed=31) as sim:
        report_dir = tmp_path / "reports"
        run = run_playbook("cloudblue.commerce.failed_orders_report", tmp_path,
                           role_vars(sim, report_dir), env=connection_env(sim))
        yield {"run": run, "eligible": eligible_ids(sim), "writes": sim.writes(),
               "stats": sim.stats(), "report_dir": report_dir,
               "comments": dict((order["order_id"], order["comments"]) for order in sim.orders())}


def test_report_run_succeeds_with_failed_orders(report_run):
    assert report_run["run"].returncode == 0, report_run["run"].output


def test_report_run_sends_no_write(report_run):
    assert report_run["writes"] == []


def test_report_run_skips_connect(report_run):
    assert report_run["stats"]["connect_requests"] == 0


def test_report_run_calls_no_resubmit(report_run):
    assert report_run["run"].module_calls("cloudblue.commerce.order_resubmit") == []


def test_report_run_reports_no_change(report_run):
    assert report_run["run"].recap()["changed"] == 0


def test_report_lists_failed_orders(report_run):
    [report] = reports(report_run["report_dir"], "-read-only")
    assert report["kind"] == "read_only"
    assert outcomes(report) == dict((order_id, "listed") for order_id in report_run["eligible"])


def test_report_gives_order_comments(report_run):
    [report] = reports(report_run["report_dir"], "-read-only")
    for order in report["orders"]:
        assert order["reason"] == report_run["comments"][order["order_id"]]


def test_report_markdown_marked_read_only(report_run):
    [report] = reports(report_run["report_dir"], "-read-only")
    with open(report["files"]["markdown"]) as handle:
        markdown = handle.read()
    assert "**Read-only report: no order was changed.**" in markdown
    assert "## Failed orders (%d)" % len(report_run["eligible"]) in markdown


def test_report_writes_no_real_run_report(report_run):
    assert reports(report_run["report_dir"]) == []
