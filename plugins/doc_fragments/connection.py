# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  billing_url:
    description:
      - URL of the Commerce Billing XML-RPC endpoint, for example C(https://billing.example.com:5224/RPC2).
      - Scheme, host, port and path are all taken from this value.
      - User information in the URL (C(https://user:pass@host:5224/RPC2)) is used as HTTP basic
        credentials and never shown in messages.
      - Required by the modules that talk to Billing; ignored by M(cloudblue.commerce.connect_wait).
      - If not set, the value of the E(CBC_BILLING_URL) environment variable is used.
    type: str
  billing_auth:
    description:
      - Where the Billing credentials go.
      - V(struct) sends O(billing_username) and O(billing_password) as the C(Username) and
        C(Password) members of the C(Execute) struct.
      - V(basic) sends them as HTTP basic authentication.
      - V(none) sends no credentials, for installations that allow-list the source network.
      - If not set, the value of the E(CBC_BILLING_AUTH) environment variable is used.
    type: str
    choices: [struct, basic, none]
    default: struct
  billing_username:
    description:
      - Billing API user name. Required unless O(billing_auth=none).
      - If not set, the value of the E(CBC_BILLING_USERNAME) environment variable is used.
    type: str
  billing_password:
    description:
      - Billing API password. It never appears in output, errors or logs.
      - If not set, the value of the E(CBC_BILLING_PASSWORD) environment variable is used.
    type: str
  connect_url:
    description:
      - Base URL of the CloudBlue Connect public API.
      - Used by M(cloudblue.commerce.connect_wait); ignored by the order modules.
      - If not set, the value of the E(CBC_CONNECT_URL) environment variable is used.
    type: str
    default: https://api.connect.cloudblue.com/public/v1
  connect_api_key:
    description:
      - Connect API key, the whole C(SU-XXX-XXX-XXX:secret) string. It is sent in the
        C(Authorization) header as C(ApiKey <key>) and never appears in output, errors or logs.
      - Required by M(cloudblue.commerce.connect_wait).
      - If not set, the value of the E(CBC_CONNECT_API_KEY) environment variable is used.
    type: str
  validate_certs:
    description:
      - Whether to verify TLS certificates. Set to V(false) only for a test installation.
      - If not set, the value of the E(CBC_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file with the CA certificates to trust instead of the system bundle.
      - If not set, the value of the E(CBC_CA_PATH) environment variable is used.
    type: path
  client_cert:
    description:
      - PEM file with a TLS client certificate (and its key, unless O(client_key) is set).
      - If not set, the value of the E(CBC_CLIENT_CERT) environment variable is used.
    type: path
  client_key:
    description:
      - PEM file with the private key of O(client_cert).
      - If not set, the value of the E(CBC_CLIENT_KEY) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for one HTTP request, from sending it to the last byte of the reply.
      - If not set, the value of the E(CBC_TIMEOUT) environment variable is used.
    type: float
    default: 30
  retries:
    description:
      - How many times a read that failed transiently (connection refused or reset, timeout,
        HTTP 429, 502, 503 or 504) is tried again, with jittered exponential backoff. A
        C(Retry-After) header is honoured, up to 120 seconds.
      - A status change is never resent blindly; see M(cloudblue.commerce.order_resubmit).
      - If not set, the value of the E(CBC_RETRIES) environment variable is used.
    type: int
    default: 3
  lang:
    description:
      - Language of Billing messages, sent as the C(Lang) member of the C(Execute) struct, for
        example V(en). Not sent when unset.
      - If not set, the value of the E(CBC_LANG) environment variable is used.
    type: str
notes:
  - Proxies are taken from the usual E(HTTPS_PROXY), E(HTTP_PROXY) and E(NO_PROXY) environment
    variables.
  - Every module of the collection accepts all connection options, so
    C(module_defaults) with C(group/cloudblue.commerce.all) can set them once.
requirements:
  - requests
"""
