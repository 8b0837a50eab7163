# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run real ``ansible-playbook`` commands against this checkout of the collection.

The collection is found through ``CBC_TEST_COLLECTIONS_PATH`` when set (for example a tree
where the built tarball was installed); otherwise a temporary tree
``ansible_collections/cloudblue/commerce`` pointing at this checkout is made once per process.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shutil
import subprocess
import sys
import tempfile

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_COLLECTIONS_PATH = []


def collections_path():
    """Return a collections path in which ``cloudblue.commerce`` is this checkout."""
    configured = os.environ.get("CBC_TEST_COLLECTIONS_PATH")
    if configured:
        return configured
    if not _COLLECTIONS_PATH:
        root = tempfile.mkdtemp(prefix="cbc-collections-")
        namespace = os.path.join(root, "ansible_collections", "cloudblue")
        os.makedirs(namespace)
        os.symlink(REPO_ROOT, os.path.join(namespace, "commerce"))
        _COLLECTIONS_PATH.append(root)
    return _COLLECTIONS_PATH[0]


def ansible_command(name):
    """Return the path of an Ansible command installed beside the running Python."""
    candidate = os.path.join(os.path.dirname(sys.executable), name)
    if os.path.exists(candidate):
        return candidate
    found = shutil.which(name)
    if found is None:
        raise RuntimeError("%s is not installed beside %s nor on PATH" % (name, sys.executable))
    return found


def ansible_env(extra=None):
    """Return the environment for an Ansible command: no colour, local Python, this collection."""
    env = dict(os.environ)
    for key in list(env):
        if key.startswith("CBC_") and key != "CBC_TEST_COLLECTIONS_PATH":
            del env[key]
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": collections_path(),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_LOCALHOST_WARNING": "false",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_RETRY_FILES_ENABLED": "false",
        "ANSIBLE_DEPRECATION_WARNINGS": "false",
        "PYTHONWARNINGS": "ignore",
    })
    env.update(extra or {})
    return env


class PlaybookRun:
    """Outcome of one ``ansible-playbook`` command."""

    def __init__(self, completed, results_path):
        self.returncode = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        self.results_path = results_path

    @property
    def output(self):
        return self.stdout + self.stderr

    def results(self):
        """Return the dict that the playbook saved with the ``save_results`` tasks."""
        with open(self.results_path) as handle:
            return json.load(handle)


def run_playbook(playbook, tmp_path, extra_vars=None, env=None, check=False, diff=False,
                 verbosity=0, inventory="localhost,", timeout=600, args=()):
    """Write ``playbook`` (YAML text) into tmp_path and run it; return a PlaybookRun.

    The playbook can save results by writing JSON to the path in the variable
    ``results_path``.
    """
    if not os.path.isdir(str(tmp_path)):
        os.makedirs(str(tmp_path))
    path = os.path.join(str(tmp_path), "playbook.yml")
    with open(path, "w") as handle:
        handle.write(playbook)
    results_path = os.path.join(str(tmp_path), "results.json")
    variables = {"results_path": results_path}
    variables.update(extra_vars or {})
    command = [ansible_command("ansible-playbook"), "-i", inventory, "-c", "local", path,
               "-e", json.dumps(variables)]
    if check:
        command.append("--check")
    if diff:
        command.append("--diff")
    if verbosity:
        command.append("-" + "v" * verbosity)
    command.extend(args)
    completed = subprocess.run(command, env=ansible_env(env), capture_output=True, text=True,
                               timeout=timeout, cwd=str(tmp_path), check=False)
    return PlaybookRun(completed, results_path)


SAVE_RESULTS = """
    - name: Save results
      ansible.builtin.copy:
        content: "{{ %s | to_nice_json }}"
        dest: "{{ results_path }}"
        mode: "0600"
      check_mode: false
      delegate_to: localhost
"""


def save_results(expression):
    """Return a task (YAML text) that saves ``expression`` as the run's results."""
    return SAVE_RESULTS % expression


# Vendor account ids of the simulator's connect-maintenance scenario: the provider and resellers.
SCENARIO_VENDORS = [1, 1001, 1002, 1003, 1004, 1005]

RESUBMIT_WINDOW = """
- name: Resubmit the failed orders of the window
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/cloudblue.commerce.all:
      billing_url: "{{ sim.billing_url }}"
      billing_auth: none
      retries: %(retries)d
  tasks:
    - name: List failed orders in the window
      cloudblue.commerce.order_info:
        vendor_account_ids: %(vendors)s
        created_after: "{{ sim.window_start }}"
        created_before: "{{ sim.window_end }}"
        concurrency: %(concurrency)d
      register: info

    - name: Resubmit them
      cloudblue.commerce.order_resubmit:
        order_ids: "{{ info.orders | map(attribute='order_id') | list }}"
        concurrency: %(concurrency)d
        max_orders: %(max_orders)d
%(options)s      register: resubmit
"""


def resubmit_window_playbook(concurrency=4, max_orders=5000, retries=6, **options):
    """Return a playbook that lists the window's failed orders and resubmits them.

    Keyword options are added to the order_resubmit task. The playbook saves
    ``{"info": ..., "resubmit": ...}`` as its results.
    """
    lines = "".join("        %s: %s\n" % (name, json.dumps(value))
                    for name, value in sorted(options.items()))
    playbook = RESUBMIT_WINDOW % {"retries": retries, "vendors": json.dumps(SCENARIO_VENDORS),
                                  "concurrency": concurrency, "max_orders": max_orders,
                                  "options": lines}
    return playbook + save_results("{'info': info, 'resubmit': resubmit}")
