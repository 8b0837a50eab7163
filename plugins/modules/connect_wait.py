#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connect_wait
short_description: Wait until the CloudBlue Connect API responds again
version_added: 1.0.0
description:
  - Probes the CloudBlue Connect public API until it answers successfully a number of times in a
    row, for example after a Connect maintenance window.
  - An HTTP 502, 503 or 504, an HTTP 429, an HTML body instead of JSON, a refused or reset
    connection and a timeout all mean "not available yet".
  - HTTP 401 or 403 means Connect is up but the API key is wrong, so the module fails at once
    instead of waiting.
author:
  - cloudblue.commerce contributors (@cloudblue)
extends_documentation_fragment:
  - cloudblue.commerce.connection
  - cloudblue.commerce.attributes
attributes:
  check_mode:
    support: full
    details: The module only reads, so it probes in check mode too.
  diff_mode:
    support: none
  idempotent:
    support: full
    details: The module never changes anything.
options:
  wait_timeout:
    description:
      - Seconds to wait in total before failing.
    type: float
    default: 3600
  interval:
    description:
      - Seconds between two probes.
    type: float
    default: 10
  consecutive_successes:
    description:
      - Number of successful probes in a row that count as "available". The Connect edge can flap
        while its services restart, so one success is not enough.
    type: int
    default: 3
  probe:
    description:
      - Which request to probe with.
      - V(accounts) sends C(GET /accounts?limit=1); V(auth_context) sends C(GET /auth/context).
    type: str
    choices: [accounts, auth_context]
    default: accounts
"""

EXAMPLES = r"""
- name: Wait up to two hours for Connect after its maintenance window
  cloudblue.commerce.connect_wait:
    connect_api_key: "{{ vault_connect_api_key }}"
    wait_timeout: 7200
    interval: 15

- name: Wait with settings taken from CBC_CONNECT_URL and CBC_CONNECT_API_KEY
  cloudblue.commerce.connect_wait:
  register: connect

- name: Show how long Connect took to come back
  ansible.builtin.debug:
    msg: "Connect answered after {{ connect.elapsed | round(1) }} s and {{ connect.probes }} probes"
"""

RETURN = r"""
available:
  description: Whether Connect answered successfully O(consecutive_successes) times in a row.
  returned: success
  type: bool
  sample: true
elapsed:
  description: Seconds spent waiting.
  returned: always
  type: float
  sample: 42.7
probes:
  description: Number of probes sent.
  returned: always
  type: int
  sample: 7
failures:
  description: Number of probes that found Connect not available.
  returned: always
  type: int
  sample: 4
last_status:
  description: HTTP status of the last probe, or null when it got no HTTP reply.
  returned: always
  type: int
  sample: 200
last_error:
  description: Why the last failed probe failed, or null.
  returned: always
  type: str
  sample: HTTP 502
"""

import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudblue.commerce.plugins.module_utils._arguments import (
    connect_client,
    connection_argument_spec,
    run_module,
)
from ansible_collections.cloudblue.commerce.plugins.module_utils._errors import (
    InvalidInputError,
    WaitTimeoutError,
)


def check_params(params):
    if params["wait_timeout"] <= 0:
        raise InvalidInputError("wait_timeout is %r; it must be a positive number of seconds"
                                % params["wait_timeout"])
    if params["interval"] < 0:
        raise InvalidInputError("interval is %r; it must be zero or a positive number of seconds"
                                % params["interval"])
    if params["consecutive_successes"] < 1:
        raise InvalidInputError("consecutive_successes is %r; it must be 1 or more"
                                % params["consecutive_successes"])


def wait_for_connect(client, probe, wait_timeout, interval, consecutive_successes,
                     clock=time.monotonic, sleep=time.sleep):
    """Probe until ``consecutive_successes`` probes in a row succeed, or raise on timeout."""
    start = clock()
    state = {"probes": 0, "failures": 0, "last_status": None, "last_error": None}
    streak = 0
    while True:
        result = client.probe(probe)
        state["probes"] += 1
        state["last_status"] = result.http_status
        if result.available:
            streak += 1
        else:
            streak = 0
            state["failures"] += 1
            state["last_error"] = result.detail
        state["elapsed"] = clock() - start
        if streak >= consecutive_successes:
            return dict(state, available=True)
        remaining = wait_timeout - state["elapsed"]
        if remaining <= 0:
            error = WaitTimeoutError(
                "Connect did not respond successfully %d times in a row within %s s (%d probes, last: %s); "
                "raise wait_timeout (failed_orders_connect_wait_timeout in the failed_orders role) if "
                "the maintenance takes longer"
                % (consecutive_successes, wait_timeout, state["probes"],
                   state["last_error"] or "HTTP %s" % state["last_status"]),
                endpoint=client.transport.base_url)
            error.result = dict(state, available=False, changed=False)
            raise error
        sleep(min(interval, remaining))


def run(module):
    params = module.params
    check_params(params)
    client = connect_client(module)
    result = wait_for_connect(client, params["probe"], params["wait_timeout"], params["interval"],
                              params["consecutive_successes"])
    return dict(result, changed=False)


def main():
    argument_spec = connection_argument_spec()
    argument_spec.update(
        wait_timeout=dict(type="float", default=3600),
        interval=dict(type="float", default=10),
        consecutive_successes=dict(type="int", default=3),
        probe=dict(type="str", choices=["accounts", "auth_context"], default="accounts"),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, run)


if __name__ == "__main__":
    main()
