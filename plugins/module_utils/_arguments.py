# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Connection options shared by every module, and the clients built from them.

This is a private module: its interface may change without notice. The documentation of these
options is the doc fragment ``cloudblue.commerce.connection``; keep the two in step.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.basic import env_fallback, missing_required_lib

from ansible_collections.cloudblue.commerce.plugins.module_utils._billing import (
    AUTH_MODES,
    BillingClient,
)
from ansible_collections.cloudblue.commerce.plugins.module_utils._connect import (
    DEFAULT_CONNECT_URL,
    ConnectClient,
)
from ansible_collections.cloudblue.commerce.plugins.module_utils._errors import (
    CommerceError,
    InvalidInputError,
    register_secret,
)
from ansible_collections.cloudblue.commerce.plugins.module_utils._transport import (
    REQUESTS_IMPORT_ERROR,
    HttpTransport,
    RetryPolicy,
    RetryReporter,
    split_credentials,
)

CONCURRENCY_MAX = 32
RETRIES_MAX = 10


def connection_argument_spec():
    """Return the argument spec of the connection options."""
    return dict(
        billing_url=dict(type="str", fallback=(env_fallback, ["CBC_BILLING_URL"])),
        billing_auth=dict(type="str", choices=list(AUTH_MODES), default="struct",
                          fallback=(env_fallback, ["CBC_BILLING_AUTH"])),
        billing_username=dict(type="str", fallback=(env_fallback, ["CBC_BILLING_USERNAME"])),
        billing_password=dict(type="str", no_log=True,
                              fallback=(env_fallback, ["CBC_BILLING_PASSWORD"])),
        connect_url=dict(type="str", default=DEFAULT_CONNECT_URL,
                         fallback=(env_fallback, ["CBC_CONNECT_URL"])),
        connect_api_key=dict(type="str", no_log=True,
                             fallback=(env_fallback, ["CBC_CONNECT_API_KEY"])),
        validate_certs=dict(type="bool", default=True,
                            fallback=(env_fallback, ["CBC_VALIDATE_CERTS"])),
        ca_path=dict(type="path", fallback=(env_fallback, ["CBC_CA_PATH"])),
        client_cert=dict(type="path", fallback=(env_fallback, ["CBC_CLIENT_CERT"])),
        client_key=dict(type="path", fallback=(env_fallback, ["CBC_CLIENT_KEY"])),
        timeout=dict(type="float", default=30.0, fallback=(env_fallback, ["CBC_TIMEOUT"])),
        retries=dict(type="int", default=3, fallback=(env_fallback, ["CBC_RETRIES"])),
        lang=dict(type="str", fallback=(env_fallback, ["CBC_LANG"])),
    )


def check_requests(module):
    if REQUESTS_IMPORT_ERROR is not None:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)


def hide_url_passwords(module):
    """Mask passwords written into URL options wherever Ansible shows the module arguments.

    Ansible masks the values of no_log options only; a password inside ``billing_url`` would
    otherwise appear in the invocation that ``-vvv`` prints.
    """
    for option in ("billing_url", "connect_url"):
        value = module.params.get(option)
        if not value:
            continue
        try:
            password = split_credentials(value)[2]
        except ValueError:
            continue
        if password:
            module.no_log_values.add(password)
            register_secret(password)


def check_connection_params(params):
    """Validate the connection options before any request is sent."""
    if params["timeout"] is None or params["timeout"] <= 0:
        raise InvalidInputError("timeout is %r; it must be a positive number of seconds"
                                % (params["timeout"],))
    if params["retries"] < 0 or params["retries"] > RETRIES_MAX:
        raise InvalidInputError("retries is %d; use 0 to %d" % (params["retries"], RETRIES_MAX))
    if params.get("client_key") and not params.get("client_cert"):
        raise InvalidInputError("client_key is set but client_cert is not; set both, or put the "
                                "key inside the client_cert PEM file")
    for option, variable in (("ca_path", "CBC_CA_PATH"), ("client_cert", "CBC_CLIENT_CERT"),
                             ("client_key", "CBC_CLIENT_KEY")):
        path = params.get(option)
        if path and not os.path.isfile(path):
            raise InvalidInputError(
                "%s %r is not a readable file; set %s (or %s) to the path of an existing PEM file"
                % (option, path, option, variable))


def check_concurrency(value, option="concurrency"):
    if value < 1 or value > CONCURRENCY_MAX:
        raise InvalidInputError(
            "%s is %d; use 1 to %d. The Billing API vendor warns to keep simultaneous requests "
            "at or below about 20%% of the Billing XML-RPC daemon's threads"
            % (option, value, CONCURRENCY_MAX))
    return value


def _transport(module, url, option, concurrency=1, rate_limit=0.0, reporter=None):
    params = module.params
    return HttpTransport(
        url, option=option, timeout=params["timeout"], validate_certs=params["validate_certs"],
        ca_path=params["ca_path"], client_cert=params["client_cert"],
        client_key=params["client_key"], concurrency=concurrency,
        retry_policy=RetryPolicy(retries=params["retries"]),
        reporter=reporter or RetryReporter(module.warn), rate_limit=rate_limit)


def billing_client(module, concurrency=1, rate_limit=0.0, reporter=None):
    """Build the Billing client from the connection options."""
    params = module.params
    check_connection_params(params)
    if not params["billing_url"]:
        raise InvalidInputError(
            "billing_url is missing; set it (or CBC_BILLING_URL) to the Billing XML-RPC endpoint, "
            "for example https://billing.example.com:5224/RPC2")
    url, url_user, url_password = split_credentials(params["billing_url"])
    username = params["billing_username"]
    password = params["billing_password"]
    auth_mode = params["billing_auth"]
    if url_user is not None:
        # Credentials written into the URL are HTTP basic credentials by definition.
        register_secret(url_password)
        if username is None:
            username, password, auth_mode = url_user, url_password, "basic"
    register_secret(password)
    transport = _transport(module, url, "billing_url", concurrency, rate_limit, reporter)
    return BillingClient(transport, auth_mode=auth_mode, username=username, password=password,
                         lang=params["lang"])


def connect_client(module):
    """Build the Connect client from the connection options."""
    params = module.params
    check_connection_params(params)
    register_secret(params["connect_api_key"])
    transport = _transport(module, params["connect_url"], "connect_url")
    return ConnectClient(transport, params["connect_api_key"])


def run_module(module, run):
    """Call ``run(module)`` and turn a CommerceError into ``fail_json``."""
    hide_url_passwords(module)
    check_requests(module)
    try:
        result = run(module)
    except CommerceError as error:
        module.fail_json(**error.fail_kwargs())
    module.exit_json(**result)
