# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Test-only callback: record the arguments each cloudblue.commerce module ran with.

Enabled by the role tests through ANSIBLE_CALLBACK_PLUGINS and ANSIBLE_CALLBACKS_ENABLED. It
appends one JSON line per module result to the file named by CBC_TEST_MODULE_ARGS_PATH:
{"host", "task", "action", "module_args"}, where module_args are the module's parameters after
its own argument validation, as the module reports them in ``invocation``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: record_module_args
type: aggregate
short_description: Record the arguments of cloudblue.commerce modules (tests only)
description:
  - Appends the invocation of each cloudblue.commerce module result to a JSON lines file.
"""

import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "record_module_args"
    CALLBACK_NEEDS_ENABLED = True

    def _record(self, result):
        task = getattr(result, "task", None) or result._task
        action = task.action
        if not action.startswith("cloudblue.commerce."):
            return
        data = getattr(result, "result", None)
        if data is None:
            data = result._result
        host = getattr(result, "host", None) or result._host
        line = {
            "host": host.get_name(),
            "task": task.get_name(),
            "action": action,
            "module_args": (data.get("invocation") or {}).get("module_args"),
        }
        with open(os.environ["CBC_TEST_MODULE_ARGS_PATH"], "a") as handle:
            handle.write(json.dumps(line, sort_keys=True) + "\n")

    def v2_runner_on_ok(self, result):
        self._record(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result)
