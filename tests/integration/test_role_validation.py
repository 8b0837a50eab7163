# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Validation and type conversion of the failed_orders role variables.

Invalid variables must fail before any API call, with the variable's name in the message.
Valid values given in another form (strings from ``-e name=value``, "1,2" for a list) must reach
the modules converted the same way as their native form.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import time

import pytest
import yaml
from cbsim.process import SimulatorProcess

from ansible_collections.cloudblue.commerce.plugins.module_utils import _arguments, _orders
from ansible_run import REPO_ROOT
from runbook_helpers import (
    connection_env,
    reports,
    role_vars,
    run_playbook,
    start_simulator,
    vendor_ids,
)

WINDOW_START = 1796407151
WINDOW_END = WINDOW_START + 7200

# name: (variables that replace the valid ones, variable the message must name, entry point)
INVALID = {
    "window_end_missing": ({"failed_orders_window_end": None}, "failed_orders_window_end", "main"),
    "window_start_missing_report": ({"failed_orders_window_start": None},
                                    "failed_orders_window_start", "report"),
    "window_naive": ({"failed_orders_window_start": "2026-12-01T22:00:00"},
                     "failed_orders_window_start", "main"),
    "window_milliseconds": ({"failed_orders_window_end": WINDOW_END * 1000},
                            "failed_orders_window_end", "main"),
    "window_reversed": ({"failed_orders_window_start": WINDOW_END,
                         "failed_orders_window_end": WINDOW_START}, "failed_orders_window_end", "main"),
    "window_dict": ({"failed_orders_window_start": {"at": WINDOW_START}},
                    "failed_orders_window_start", "main"),
    "window_bad_date": ({"failed_orders_window_start": "2026-02-30T10:00:00Z"},
                        "failed_orders_window_start", "main"),
    "window_words": ({"failed_orders_window_end": "yesterday"}, "failed_orders_window_end", "main"),
    "concurrency_word": ({"failed_orders_concurrency": "four"}, "failed_orders_concurrency", "main"),
    "concurrency_zero": ({"failed_orders_concurrency": 0}, "failed_orders_concurrency", "main"),
    "concurrency_fraction": ({"failed_orders_concurrency": 4.5}, "failed_orders_concurrency", "main"),
    "concurrency_bool": ({"failed_orders_concurrency": True}, "failed_orders_concurrency", "main"),
    "concurrency_above_max": ({"failed_orders_concurrency": 33}, "failed_orders_concurrency", "report"),
    "vendor_ids_word": ({"failed_orders_vendor_account_ids": "1,x"},
                        "failed_orders_vendor_account_ids", "main"),
    "vendor_ids_empty": ({"failed_orders_vendor_account_ids": []},
                         "failed_orders_vendor_account_ids", "main"),
    "vendor_ids_nested": ({"failed_orders_vendor_account_ids": [[1]]},
                          "failed_orders_vendor_account_ids", "main"),
    "vendor_id_above_i4": ({"failed_orders_vendor_account_ids": [2147483648]},
                           "failed_orders_vendor_account_ids", "main"),
    "statuses_unknown": ({"failed_orders_statuses": ["XX"]}, "failed_orders_statuses", "main"),
    "statuses_empty": ({"failed_orders_statuses": []}, "failed_orders_statuses", "main"),
    "statuses_not_failed": ({"failed_orders_statuses": ["PF", "CP"]}, "failed_orders_statuses",
                            "main"),
    "order_types_number": ({"failed_orders_order_types": [5]}, "failed_orders_order_types", "main"),
    "target_in_statuses": ({"failed_orders_target_status": "PF"}, "failed_orders_target_status", "main"),
    "lookback_negative": ({"failed_orders_lookback_minutes": -5}, "failed_orders_lookback_minutes",
                          "main"),
    "wait_word": ({"failed_orders_wait": "maybe"}, "failed_orders_wait", "main"),
    "poll_interval_zero": ({"failed_orders_poll_interval": 0}, "failed_orders_poll_interval", "main"),
    "rate_limit_negative": ({"failed_orders_rate_limit": -1}, "failed_orders_rate_limit", "main"),
    "report_dir_relative": ({"failed_orders_report_dir": "reports"}, "failed_orders_report_dir",
                            "report"),
}

# One play per case, so that the variables of one case never leak into the next. The rescue
# section records the error message, and the last play saves every message.
CASE_PLAY = """
- name: Case %(name)s
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/cloudblue.commerce.all: %(connection)s
  vars: %(variables)s
  tasks:
    - name: Run the role
      block:
        - name: Include the role
          ansible.builtin.include_role:
            name: cloudblue.commerce.failed_orders
            tasks_from: %(entry_point)s
        - name: Record that the role passed
          ansible.builtin.set_fact:
            case_messages: "{{ case_messages | default({}) | combine({'%(name)s': 'passed'}) }}"
      rescue:
        - name: Record the error message
          ansible.builtin.set_fact:
            case_messages: "{{ case_messages | default({}) | combine({'%(name)s': ansible_failed_result.msg}) }}"
"""

SAVE_PLAY = """
- name: Save the messages
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Save the messages
      ansible.builtin.copy:
        content: "{{ case_messages | to_nice_json }}"
        dest: %(path)s
        mode: "0600"
"""


@pytest.fixture(scope="module")
def invalid_runs(tmp_path_factory):
    """Run every invalid case against one simulator; return the messages and its counters."""
    tmp_path = tmp_path_factory.mktemp("invalid")
    with SimulatorProcess(orders=100, failed_in_window=5, seed=3) as sim:
        connection = {"billing_url": sim.info["billing_url"], "billing_auth": "none",
                      "connect_url": sim.info["connect_url"],
                      "connect_api_key": sim.info["connect_api_key"]}
        valid = {"failed_orders_window_start": WINDOW_START, "failed_orders_window_end": WINDOW_END,
                 "failed_orders_report_dir": str(tmp_path / "reports")}
        plays = []
        for name, (replaced, _variable, entry_point) in INVALID.items():
            variables = dict(valid, **replaced)
            variables = dict((key, value) for key, value in variables.items() if value is not None)
            plays.append(CASE_PLAY % {"name": name, "connection": json.dumps(connection),
                                      "variables": json.dumps(variables),
                                      "entry_point": entry_point})
        messages_path = tmp_path / "messages.json"
        plays.append(SAVE_PLAY % {"path": messages_path})
        playbook = tmp_path / "invalid.yml"
        playbook.write_text("---\n" + "".join(plays))

        run = run_playbook(str(playbook), tmp_path)
        assert run.returncode == 0, run.output
        with open(str(messages_path)) as handle:
            messages = json.load(handle)
        yield {"messages": messages, "stats": sim.stats(), "writes": sim.writes(),
               "report_dir": tmp_path / "reports"}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_variable_fails(invalid_runs, case):
    assert invalid_runs["messages"][case] != "passed"


@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_variable_named(invalid_runs, case):
    assert INVALID[case][1] in invalid_runs["messages"][case]


def test_invalid_variables_call_no_billing_api(invalid_runs):
    assert invalid_runs["stats"]["billing_requests"] == 0


def test_invalid_variables_call_no_connect_api(invalid_runs):
    assert invalid_runs["stats"]["connect_requests"] == 0


def test_invalid_variables_send_no_write(invalid_runs):
    assert invalid_runs["writes"] == []


def test_invalid_variables_write_no_report(invalid_runs):
    assert not invalid_runs["report_dir"].exists()


def iso_utc(seconds, offset_hours=0):
    """Render epoch seconds as ISO 8601 in a fixed UTC offset."""
    text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds + offset_hours * 3600))
    if offset_hours == 0:
        return text + "Z"
    return text + "%+03d:00" % offset_hours


@pytest.fixture(scope="module")
def conversion_runs(tmp_path_factory):
    """Run the role in check mode twice: with every value typed as a command-line string
    (``-e name=value``, which splits on blanks, so lists are given without them), and with the
    same values as native JSON types. Return both runs."""
    tmp_path = tmp_path_factory.mktemp("conversion")
    with SimulatorProcess(orders=200, failed_in_window=6, seed=5) as sim:
        info = sim.info
        vendors = vendor_ids(sim)[:3]
        strings = {
            "failed_orders_window_start": iso_utc(info["window_start"], offset_hours=2),
            "failed_orders_window_end": str(info["window_end"]),
            "failed_orders_vendor_account_ids": ",".join(str(vendor) for vendor in vendors),
            "failed_orders_statuses": "pf",
            "failed_orders_order_types": "so,RN,ch",
            "failed_orders_concurrency": "3",
            "failed_orders_lookback_minutes": "20",
            "failed_orders_max_orders": "50",
            "failed_orders_rate_limit": "50.5",
            "failed_orders_wait": "no",
            "failed_orders_wait_for_connect": "False",
            "failed_orders_wait_timeout": "90",
            "failed_orders_poll_interval": "0.5",
            "failed_orders_target_status": "pr",
            "failed_orders_report_dir": str(tmp_path / "strings"),
        }
        native = {
            "failed_orders_window_start": info["window_start"],
            "failed_orders_window_end": iso_utc(info["window_end"]),
            "failed_orders_vendor_account_ids": vendors,
            "failed_orders_statuses": ["PF"],
            "failed_orders_order_types": ["SO", "RN", "CH"],
            "failed_orders_concurrency": 3,
            "failed_orders_lookback_minutes": 20,
            "failed_orders_max_orders": 50,
            "failed_orders_rate_limit": 50.5,
            "failed_orders_wait": False,
            "failed_orders_wait_for_connect": False,
            "failed_orders_wait_timeout": 90,
            "failed_orders_poll_interval": 0.5,
            "failed_orders_target_status": "PR",
            "failed_orders_report_dir": str(tmp_path / "native"),
        }
        env = connection_env(sim)
        string_run = run_playbook("cloudblue.commerce.post_maintenance", tmp_path,
                                  string_vars=strings, env=env, check=True)
        native_run = run_playbook("cloudblue.commerce.post_maintenance", tmp_path,
                                  extra_vars=native, env=env, check=True)
        yield {"info": info, "vendors": vendors, "strings": string_run, "native": native_run,
               "tmp_path": tmp_path}


@pytest.mark.parametrize("form", ["strings", "native"])
def test_conversion_run_succeeds(conversion_runs, form):
    assert conversion_runs[form].returncode == 0, conversion_runs[form].output


def working_calls(run, action):
    """Return the module calls of a run, without the role's check of the connection settings.

    That check calls order_info with an empty order_ids list, which sends no request.
    """
    return [call for call in run.module_calls(action)
            if call["module_args"].get("order_ids") != []]


@pytest.mark.parametrize("action", ["cloudblue.commerce.order_info",
                                    "cloudblue.commerce.order_resubmit"])
def test_string_values_reach_modules_as_native(conversion_runs, action):
    [from_strings] = working_calls(conversion_runs["strings"], action)
    [from_native] = working_calls(conversion_runs["native"], action)
    assert from_strings["module_args"] == from_native["module_args"]


def test_order_info_receives_documented_types(conversion_runs):
    [call] = working_calls(conversion_runs["strings"], "cloudblue.commerce.order_info")
    args = call["module_args"]
    info = conversion_runs["info"]
    assert args["vendor_account_ids"] == conversion_runs["vendors"]
    assert args["statuses"] == ["PF"]
    assert args["order_types"] == ["SO", "RN", "CH"]
    assert args["lookback"] == 1200
    assert args["concurrency"] == 3
    assert args["created_after"] == iso_utc(info["window_start"])
    assert args["created_before"] == iso_utc(info["window_end"])


def test_order_resubmit_receives_documented_types(conversion_runs):
    [call] = conversion_runs["strings"].module_calls("cloudblue.commerce.order_resubmit")
    args = call["module_args"]
    assert args["failed_statuses"] == ["PF"]
    assert args["target_status"] == "PR"
    assert args["concurrency"] == 3
    assert args["max_orders"] == 50
    assert args["rate_limit"] == 50.5
    assert args["wait"] is False
    assert args["wait_timeout"] == 90
    assert args["poll_interval"] == 0.5
    assert args["fail_on_order_errors"] is False


def test_false_string_skips_connect_wait(conversion_runs):
    assert conversion_runs["strings"].module_calls("cloudblue.commerce.connect_wait") == []


def test_string_values_give_same_report(conversion_runs):
    [from_strings] = reports(conversion_runs["tmp_path"] / "strings", "-dry-run")
    [from_native] = reports(conversion_runs["tmp_path"] / "native", "-dry-run")
    assert from_strings["window"]["start"] == from_native["window"]["start"]
    assert from_strings["window"]["end"] == from_native["window"]["end"]
    assert from_strings["filters"] == from_native["filters"]
    assert from_strings["orders"] == from_native["orders"]


def test_yaml_timestamps_accepted(simulator, tmp_path):
    # Unquoted ISO 8601 times in a YAML vars file are loaded as datetime objects.
    sim = start_simulator(simulator, failed_in_window=3)
    vars_file = tmp_path / "window.yml"
    vars_file.write_text("failed_orders_window_start: %s\nfailed_orders_window_end: %s\n"
                         % (iso_utc(sim.info["window_start"], offset_hours=2),
                            iso_utc(sim.info["window_end"]).replace("T", " ")))
    variables = role_vars(sim, tmp_path / "reports")
    del variables["failed_orders_window_start"], variables["failed_orders_window_end"]

    run = run_playbook("cloudblue.commerce.failed_orders_report", tmp_path, extra_vars=variables,
                       env=connection_env(sim), args=["-e", "@" + str(vars_file)])
    assert run.returncode == 0, run.output
    [report] = reports(tmp_path / "reports", "-read-only")
    assert report["window"]["start"] == iso_utc(sim.info["window_start"])
    assert report["window"]["end"] == iso_utc(sim.info["window_end"])


def test_status_codes_match_modules():
    with open(REPO_ROOT + "/roles/failed_orders/vars/main.yml") as handle:
        role_tables = yaml.safe_load(handle)
    assert sorted(role_tables["__failed_orders_status_codes"]) == sorted(_orders.STATUSES)


def test_order_type_codes_match_modules():
    with open(REPO_ROOT + "/roles/failed_orders/vars/main.yml") as handle:
        role_tables = yaml.safe_load(handle)
    assert sorted(role_tables["__failed_orders_order_type_codes"]) == sorted(_orders.ORDER_TYPES)


def test_concurrency_max_matches_modules():
    with open(REPO_ROOT + "/roles/failed_orders/vars/main.yml") as handle:
        role_tables = yaml.safe_load(handle)
    assert role_tables["__failed_orders_concurrency_max"] == _arguments.CONCURRENCY_MAX
