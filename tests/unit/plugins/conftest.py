# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures of the plugin unit tests: a clean environment and a harness to run modules."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import random

import pytest

from ansible.module_utils import basic

from ansible_collections.cloudblue.commerce.plugins.module_utils import _arguments, _errors
from ansible_collections.cloudblue.commerce.plugins.module_utils._transport import HttpTransport


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """Drop CBC_* variables of the caller's shell and start each test with no registered secret."""
    for name in list(os.environ):
        if name.startswith("CBC_"):
            monkeypatch.delenv(name)
    monkeypatch.setattr(_errors, "_SECRETS", set())


class ModuleExit(Exception):
    """Raised in place of ``exit_json``, with its keyword arguments in ``result``."""

    def __init__(self, result):
        super(ModuleExit, self).__init__(result)
        self.result = result


class ModuleFail(ModuleExit):
    """Raised in place of ``fail_json``."""


class ModuleHarness:
    """Runs a module's ``main()`` with given arguments against a recorded session.

    Every transport a module builds gets ``session`` and a retry policy whose sleep is ``sleep``
    and whose jitter is seeded, so retries take no real time.
    """

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch
        self.warnings = []
        self.transports = []
        self.session = None
        self.sleep = lambda seconds: None

        def exit_json(module, **kwargs):
            raise ModuleExit(kwargs)

        def fail_json(module, msg=None, **kwargs):
            kwargs["msg"] = msg
            raise ModuleFail(kwargs)

        def warn(module, warning):
            self.warnings.append(warning)

        monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
        monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)
        monkeypatch.setattr(basic.AnsibleModule, "warn", warn)
        monkeypatch.setattr(_arguments, "HttpTransport", self._transport)

    def _transport(self, url, **kwargs):
        assert self.session is not None, "the test gave no session, but the module sent a request"
        policy = kwargs["retry_policy"]
        policy.sleep = self.sleep
        policy.rng = random.Random(7)
        transport = HttpTransport(url, session=self.session, **kwargs)
        self.transports.append(transport)
        return transport

    def set_module_args(self, args, check_mode=False, diff=False):
        """Expose ``args`` to the next ``AnsibleModule``, as ansible does for a task."""
        args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
        payload = json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode("utf-8")
        self.monkeypatch.setattr(basic, "_ANSIBLE_ARGS", payload)
        if hasattr(basic, "_ANSIBLE_PROFILE"):
            # ansible-core 2.19 and later read the serialization profile next to the arguments.
            self.monkeypatch.setattr(basic, "_ANSIBLE_PROFILE", "legacy")

    def run(self, module, args, session=None, check_mode=False, diff=False):
        """Run ``module.main()`` and return ``(failed, result)``."""
        self.session = session
        self.set_module_args(args, check_mode=check_mode, diff=diff)
        try:
            module.main()
        except ModuleFail as outcome:
            return True, outcome.result
        except ModuleExit as outcome:
            return False, outcome.result
        raise AssertionError("the module returned without calling exit_json or fail_json")


@pytest.fixture
def harness(monkeypatch):
    return ModuleHarness(monkeypatch)
