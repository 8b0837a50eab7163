# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Exception hierarchy of the collection.

This is a private module: its interface may change without notice.

Every error renders itself for ``fail_json`` as ``msg`` plus an ``error`` dict. The dict never
contains request headers, credentials or API keys, because errors are built from the operation, the
endpoint (without user information) and the server's reply text, and ``scrub`` removes any
registered secret from text before it is stored.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

BODY_EXCERPT_LENGTH = 500

_SECRETS = set()
_SECRETS_LOCK = threading.Lock()


def register_secret(value):
    """Remember a secret so that ``scrub`` masks it in every error text."""
    if value and len(str(value)) >= 3:
        with _SECRETS_LOCK:
            _SECRETS.add(str(value))


def scrub(text):
    """Replace every registered secret in text with a mask."""
    if text is None:
        return None
    text = str(text)
    with _SECRETS_LOCK:
        secrets = sorted(_SECRETS, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, "********")
    return text


class CommerceError(Exception):
    """Base class of every error the collection raises on purpose."""

    kind = "error"
    retryable = False
    result = None

    def __init__(self, message, operation=None, order_id=None, endpoint=None, http_status=None,
                 fault_code=None, fault_text=None, body=None):
        super(CommerceError, self).__init__(scrub(message))
        self.operation = operation
        self.order_id = order_id
        self.endpoint = endpoint
        self.http_status = http_status
        self.fault_code = fault_code
        self.fault_text = scrub(fault_text)
        # Scrubbed before truncation, so that a cut cannot leave part of a secret behind.
        body = scrub(body)
        if body is not None and len(body) > BODY_EXCERPT_LENGTH:
            body = body[:BODY_EXCERPT_LENGTH] + "...(truncated)"
        self.body = body

    @property
    def message(self):
        return str(self)

    def to_dict(self):
        """Return the structured part of the error, without secrets."""
        return {
            "kind": self.kind,
            "message": self.message,
            "operation": self.operation,
            "order_id": self.order_id,
            "endpoint": self.endpoint,
            "http_status": self.http_status,
            "fault_code": self.fault_code,
            "fault_text": self.fault_text,
            "body": self.body,
        }

    def fail_kwargs(self):
        """Return keyword arguments for ``AnsibleModule.fail_json``.

        ``result``, when a caller set it, adds the return values gathered before the failure.
        """
        kwargs = dict(self.result or {})
        kwargs.update(msg=self.message, error=self.to_dict())
        return kwargs


class InvalidInputError(CommerceError):
    """An option value is invalid; raised before any API call."""

    kind = "invalid_input"


class TransportError(CommerceError):
    """No usable HTTP reply: connection refused or reset, timeout, broken reply."""

    kind = "transport"
    retryable = True

    def __init__(self, message, reply_received=False, **kwargs):
        super(TransportError, self).__init__(message, **kwargs)
        # False when the request may have reached the server but no reply came back: a write in
        # that state must be reconciled by re-reading, never resent blindly.
        self.reply_received = reply_received


class RequestTimeoutError(TransportError):
    """The server did not respond within the timeout."""

    kind = "timeout"


class TLSError(CommerceError):
    """TLS handshake or certificate verification failed."""

    kind = "tls"


class HTTPStatusError(TransportError):
    """The server replied with an unexpected HTTP status."""

    kind = "http_status"
    RETRYABLE_STATUSES = frozenset([429, 502, 503, 504])

    def __init__(self, message, http_status, retry_after=None, **kwargs):
        super(HTTPStatusError, self).__init__(message, reply_received=True, http_status=http_status,
                                              **kwargs)
        self.retry_after = retry_after
        self.retryable = http_status in self.RETRYABLE_STATUSES


class ProtocolError(CommerceError):
    """The reply is not what the protocol promises (for example HTML instead of XML-RPC)."""

    kind = "protocol"


class AuthenticationError(CommerceError):
    """Credentials or the API key were rejected."""

    kind = "authentication"


class BillingFault(CommerceError):
    """An XML-RPC fault returned by the Billing API."""

    kind = "fault"


class OrderNotFoundError(BillingFault):
    kind = "not_found"


class SignatureError(BillingFault):
    kind = "bad_signature"


class TransitionError(BillingFault):
    kind = "transition_not_allowed"


class AlreadyExistsError(BillingFault):
    kind = "already_exists"


class BillingAuthenticationFault(BillingFault, AuthenticationError):
    kind = "authentication"


class ConnectAPIError(CommerceError):
    """The Connect API returned an error reply."""

    kind = "connect_api"


class WaitTimeoutError(CommerceError):
    """A wait for a condition ran out of time."""

    kind = "wait_timeout"


class UnknownOutcomeError(CommerceError):
    """A write whose reply was lost and whose effect could not be read back."""

    kind = "unknown_outcome"
