# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run the collection's playbooks and the failed_orders role against simulators.

The commands run as an operator would type them: ``ansible-playbook`` with extra variables,
connected through the ``CBC_*`` environment variables or through inventory host variables.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import json
import os
import subprocess
import tempfile

from ansible_run import ansible_command, ansible_env

HERE = os.path.dirname(os.path.abspath(__file__))

# The role's default look-back margin, in seconds.
LOOKBACK = 30 * 60

# Fast settings for the simulator: a resubmitted order provisions for PROVISIONING_DELAY seconds.
PROVISIONING_DELAY = 0.3
FAST_VARS = {
    "failed_orders_connect_probe_interval": 0.2,
    "failed_orders_poll_interval": 0.3,
    "failed_orders_wait_timeout": 60,
}


def start_simulator(simulator, **options):
    """Start a connect-maintenance simulator with a short provisioning delay."""
    settings = {"orders": 300, "failed_in_window": 12, "seed": 7,
                "provisioning_delay": PROVISIONING_DELAY}
    settings.update(options)
    return simulator(**settings)


def connection_settings(sim):
    """Return the connection options that point the modules at one simulator."""
    info = sim.info
    settings = {
        "billing_url": info["billing_url"],
        "billing_auth": "none",
        "connect_url": info["connect_url"],
        "connect_api_key": info["connect_api_key"],
    }
    if info.get("billing_username"):
        settings.update(billing_auth="struct", billing_username=info["billing_username"],
                        billing_password=info["billing_password"])
    return settings


def connection_env(sim):
    """Return the CBC_* environment variables that connect the modules to one simulator."""
    return dict(("CBC_" + name.upper(), value) for name, value in connection_settings(sim).items())


def vendor_ids(sim):
    """Return every vendor account id that owns an order in the simulator."""
    return sorted(set(order["vendor_account_id"] for order in sim.orders()))


def eligible_ids(sim, lookback=LOOKBACK):
    """Return the ids of the PF orders created in the window, look-back margin included."""
    info = sim.info
    orders = sim.orders(status="PF", created_after=info["window_start"] - lookback,
                        created_before=info["window_end"])
    return sorted(order["order_id"] for order in orders)


def role_vars(sim, report_dir, **extra):
    """Return the extra variables of a run over the simulator's window and every vendor."""
    variables = {
        "failed_orders_window_start": sim.info["window_start"],
        "failed_orders_window_end": sim.info["window_end"],
        "failed_orders_vendor_account_ids": vendor_ids(sim),
        "failed_orders_report_dir": str(report_dir),
    }
    variables.update(FAST_VARS)
    variables.update(extra)
    return variables


def applied_writes(sim):
    return [write for write in sim.writes() if write["result"] == "applied"]


class Run:
    """Outcome of one ``ansible-playbook`` command."""

    def __init__(self, completed, module_args_path):
        self.returncode = completed.returncode
        self.output = completed.stdout + completed.stderr
        self.module_args_path = module_args_path

    def module_calls(self, action=None):
        """Return the recorded module calls ({host, task, action, module_args}), in order."""
        if not os.path.exists(self.module_args_path):
            return []
        with open(self.module_args_path) as handle:
            calls = [json.loads(line) for line in handle if line.strip()]
        return [call for call in calls if action is None or call["action"] == action]

    def recap(self, host="localhost"):
        """Return the PLAY RECAP counters of one host as a dict of ints."""
        for line in self.output.splitlines():
            if line.startswith(host + " ") and "ok=" in line:
                return dict((key, int(value)) for key, value in
                            (field.split("=") for field in line.split(":", 1)[1].split()))
        raise AssertionError("no PLAY RECAP line for %s in:\n%s" % (host, self.output))


def run_playbook(playbook, tmp_path, extra_vars=None, string_vars=None, env=None, check=False,
                 inventory=None, args=(), timeout=600):
    """Run a playbook (a path, or a collection playbook name such as
    ``cloudblue.commerce.post_maintenance``) and return a Run.

    extra_vars are passed as one JSON ``-e`` argument, which keeps their types. string_vars are
    passed as ``-e name=value`` arguments, as typed on a command line, so every value is a string.
    """
    handle, module_args_path = tempfile.mkstemp(prefix="module-args-", suffix=".jsonl",
                                                dir=str(tmp_path))
    os.close(handle)
    command = [ansible_command("ansible-playbook"), playbook]
    if inventory is not None:
        command.extend(["-i", inventory])
    if extra_vars:
        command.extend(["-e", json.dumps(extra_vars)])
    for name, value in (string_vars or {}).items():
        command.extend(["-e", "%s=%s" % (name, value)])
    if check:
        command.append("--check")
    command.extend(args)

    environment = ansible_env(dict(env or {}, **{
        "ANSIBLE_CALLBACK_PLUGINS": os.path.join(HERE, "callback_plugins"),
        "ANSIBLE_CALLBACKS_ENABLED": "record_module_args",
        "CBC_TEST_MODULE_ARGS_PATH": module_args_path,
        # From ansible-core 2.21 on, modules return their arguments only when asked.
        "ANSIBLE_INJECT_INVOCATION": "true",
    }))
    # Like an operator's shell: the role must find the controller's Python by itself.
    environment.pop("ANSIBLE_PYTHON_INTERPRETER", None)

    completed = subprocess.run(command, env=environment, capture_output=True, text=True,
                               timeout=timeout, cwd=str(tmp_path), check=False)
    return Run(completed, module_args_path)


def reports(report_dir, suffix=""):
    """Return the JSON reports in report_dir whose name ends in suffix + ".json", oldest first.

    suffix "" selects real runs only (their names end in the start time), "-dry-run" dry runs,
    "-read-only" read-only reports.
    """
    pattern = os.path.join(str(report_dir), "failed-orders-*%s.json" % (suffix or "Z"))
    found = []
    for path in sorted(glob.glob(pattern)):
        with open(path) as handle:
            found.append(json.load(handle))
    return found


def outcomes(report):
    """Return {order_id: outcome} of a JSON report."""
    return dict((order["order_id"], order["outcome"]) for order in report["orders"])
