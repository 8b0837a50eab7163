# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudblue.commerce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""HTTP transport shared by the Billing and Connect clients.

This is a private module: its interface may change without notice.

It owns the requests session (TLS, client certificate, proxies from the environment), the
per-request timeout, the retry policy for reads and the limits on concurrency and request rate.
It contains no order logic.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import random
import threading
import time
import traceback

try:
    from urllib.parse import urlsplit, urlunsplit, unquote
except ImportError:  # pragma: no cover
    from urlparse import urlsplit, urlunsplit  # type: ignore
    from urllib import unquote  # type: ignore

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    import urllib3.exceptions
    from requests.adapters import HTTPAdapter
except ImportError:
    requests = None
    HTTPAdapter = object
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.cloudblue.commerce.plugins.module_utils._errors import (
    HTTPStatusError,
    InvalidInputError,
    RequestTimeoutError,
    TLSError,
    TransportError,
    register_secret,
    scrub,
)

RETRY_AFTER_MAX = 120.0
READ_CHUNK = 65536


def split_credentials(url):
    """Split user information off a URL.

    Returns ``(url_without_userinfo, username, password)``; the name and password are None when
    the URL has none. Messages and errors only ever show the cleaned URL.
    """
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url, None, None
    # Host and port are kept as written: parsing an invalid port here would raise before
    # validate_url can report it without the password.
    netloc = parts.netloc.rpartition("@")[2]
    clean = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    username = unquote(parts.username) if parts.username is not None else None
    password = unquote(parts.password) if parts.password is not None else None
    return clean, username, password


def register_basic_auth(username, password):
    """Register HTTP basic credentials as secrets: the password and the header token.

    The token is encoded as requests encodes it (Latin-1), so that a server which echoes the
    Authorization header cannot make it appear in an error.
    """
    register_secret(password)
    try:
        token = base64.b64encode(("%s:%s" % (username, password or "")).encode("latin-1"))
    except UnicodeEncodeError:
        return
    register_secret(token.decode("ascii"))


def validate_url(url, option):
    """Reject a URL that requests cannot use, naming the option.

    Messages show the URL without its user information, which may contain a password.
    """
    try:
        parts = urlsplit(url or "")
        clean_url = scrub(split_credentials(url or "")[0])
    except ValueError as error:
        raise InvalidInputError("%s is not a valid URL (%s); set it to the full address, for "
                                "example https://billing.example.com:5224/RPC2" % (option, error))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInputError(
            "%s %r is not a valid http:// or https:// URL; set it to the full address, for example "
            "https://billing.example.com:5224/RPC2" % (option, clean_url))
    try:
        parts.port
    except ValueError:
        raise InvalidInputError("%s %r has an invalid port number" % (option, clean_url))


def parse_retry_after(value):
    """Return the delay of a ``Retry-After`` header in seconds, or None.

    Only the delta-seconds form is honoured. An HTTP date is ignored, so the backoff applies, and
    the value is clamped to ``RETRY_AFTER_MAX`` so that a hostile header cannot stall a run.
    """
    if value is None:
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    if seconds < 0:
        return None
    return min(seconds, RETRY_AFTER_MAX)


class RetryPolicy:
    """Jittered exponential backoff for transient failures of idempotent requests."""

    def __init__(self, retries=3, backoff_base=0.5, backoff_max=30.0, sleep=time.sleep,
                 rng=None):
        self.retries = retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.sleep = sleep
        self.rng = rng or random.Random()

    @property
    def attempts(self):
        return self.retries + 1

    def delay(self, attempt, retry_after=None):
        """Return the delay before retry number ``attempt`` (1-based).

        The delay is drawn from [cap/2, cap] where cap doubles each attempt up to
        ``backoff_max``; a server's Retry-After, when larger, wins.
        """
        cap = min(self.backoff_max, self.backoff_base * (2 ** (attempt - 1)))
        delay = self.rng.uniform(cap / 2.0, cap)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return delay


class RetryReporter:
    """Collect retry notices; show the first few in full and count the rest."""

    SHOWN = 5

    def __init__(self, warn=None):
        self._warn = warn
        self._lock = threading.Lock()
        self.count = 0

    def report(self, text):
        with self._lock:
            self.count += 1
            shown = self.count <= self.SHOWN
        if shown and self._warn is not None:
            self._warn(scrub(text))

    def summary(self):
        """Emit one line for the notices that were counted but not shown."""
        hidden = self.count - self.SHOWN
        if hidden > 0 and self._warn is not None:
            self._warn("%d more retries were taken and not shown one by one" % hidden)


class RateLimiter:
    """Space request starts at least ``1 / rate`` seconds apart across threads."""

    def __init__(self, rate, clock=time.monotonic, sleep=time.sleep):
        self.interval = 1.0 / rate if rate else 0.0
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next = 0.0

    def wait(self):
        if not self.interval:
            return
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            self._sleep(start - now)


class _PooledAdapter(HTTPAdapter):
    pass


class HttpTransport:
    """One endpoint reached through a requests session with bounded concurrency.

    ``concurrency`` bounds the requests in flight, retries included, across every thread that
    shares this transport.
    """

    def __init__(self, base_url, option="url", timeout=30.0, validate_certs=True, ca_path=None,
                 client_cert=None, client_key=None, auth=None, headers=None, concurrency=1,
                 retry_policy=None, reporter=None, rate_limit=0.0, session=None,
                 clock=time.monotonic):
        validate_url(base_url, option)
        self.base_url, url_user, url_password = split_credentials(base_url)
        self.option = option
        self.timeout = timeout
        self.retry_policy = retry_policy or RetryPolicy()
        self.reporter = reporter or RetryReporter()
        self.rate_limiter = RateLimiter(rate_limit, clock=clock, sleep=self.retry_policy.sleep)
        self.clock = clock
        self._gate = threading.BoundedSemaphore(max(1, concurrency))

        if session is None:
            if requests is None:
                raise TransportError("the Python library requests is not installed")
            session = requests.Session()
            adapter = _PooledAdapter(pool_connections=1, pool_maxsize=max(4, concurrency))
            session.mount("http://", adapter)
            session.mount("https://", adapter)
        self.session = session
        # verify is passed with every request as well: requests lets REQUESTS_CA_BUNDLE and
        # CURL_CA_BUNDLE override a session-level setting, which would defeat both options.
        self.verify = ca_path if (ca_path and validate_certs) else bool(validate_certs)
        session.verify = self.verify
        if client_cert:
            session.cert = (client_cert, client_key) if client_key else client_cert
        if auth is None and url_user is not None:
            auth = (url_user, url_password or "")
        if isinstance(auth, tuple):
            register_basic_auth(*auth)
        if auth is not None:
            session.auth = auth
        if headers:
            session.headers.update(headers)
        self.validate_certs = validate_certs
        self.ca_path = ca_path

    def url(self, path=""):
        if not path:
            return self.base_url
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")

    def request(self, method, path="", operation=None, retry=True, **kwargs):
        """Send one request and return ``(status, headers, body_bytes)``.

        Transient failures (connection errors, timeouts, 429, 502, 503, 504) are retried when
        ``retry`` is true; callers pass ``retry=False`` for writes, which must be reconciled by a
        re-read instead. Other HTTP statuses are returned to the caller to classify.
        """
        attempt = 0
        while True:
            attempt += 1
            try:
                status, headers, body = self._send_once(method, path, operation, **kwargs)
                if status in HTTPStatusError.RETRYABLE_STATUSES:
                    raise HTTPStatusError(
                        "%s failed: HTTP %d from %s" % (operation or method, status, self.url(path)),
                        http_status=status,
                        retry_after=parse_retry_after(headers.get("Retry-After")),
                        operation=operation, endpoint=self.url(path),
                        body=body.decode("utf-8", "replace"))
                return status, headers, body
            except TransportError as error:
                if not retry or attempt >= self.retry_policy.attempts:
                    raise
                delay = self.retry_policy.delay(attempt, getattr(error, "retry_after", None))
                self.reporter.report("%s; retry %d of %d in %.1f s"
                                     % (error.message, attempt, self.retry_policy.retries, delay))
                self.retry_policy.sleep(delay)

    def _send_once(self, method, path, operation, **kwargs):
        url = self.url(path)
        label = operation or method
        self.rate_limiter.wait()
        with self._gate:
            deadline = self.clock() + self.timeout
            try:
                response = self.session.request(method, url, timeout=self.timeout, stream=True,
                                                verify=self.verify, **kwargs)
                try:
                    body = self._read_body(response, deadline, label, url)
                finally:
                    response.close()
            # "from None" leaves the library's exception out of tracebacks, because its text may
            # hold what scrub has not seen (a proxy URL with credentials, for example). The
            # message already gives its reason.
            except requests.exceptions.SSLError as error:
                raise TLSError(
                    "%s failed: TLS verification of %s failed (%s). Set ca_path to the PEM file of "
                    "the CA that signed the server certificate, or set validate_certs to false to "
                    "skip verification (not recommended)" % (label, url, _reason(error)),
                    operation=operation, endpoint=url) from None
            except requests.exceptions.Timeout as error:
                raise RequestTimeoutError(
                    "%s timed out after %s s waiting for %s (%s)"
                    % (label, self.timeout, url, _reason(error)),
                    operation=operation, endpoint=url) from None
            except (requests.exceptions.ConnectionError,
                    requests.exceptions.ChunkedEncodingError) as error:
                raise TransportError(
                    "%s failed: no reply from %s (%s)" % (label, url, _reason(error)),
                    operation=operation, endpoint=url) from None
            except requests.exceptions.RequestException as error:
                raise TransportError("%s failed on %s: %s" % (label, url, _reason(error)),
                                     operation=operation, endpoint=url) from None
            # urllib3 errors come from the raw reads of _read_body, which requests does not wrap.
            # requests wraps network errors, so a builtin TimeoutError or ConnectionError can
            # only come from such a read as well.
            except (urllib3.exceptions.TimeoutError, TimeoutError) as error:
                raise RequestTimeoutError(
                    "%s timed out after %s s waiting for %s (%s)"
                    % (label, self.timeout, url, _reason(error)),
                    operation=operation, endpoint=url) from None
            except (urllib3.exceptions.HTTPError, ConnectionError) as error:
                raise TransportError(
                    "%s failed: no reply from %s (%s)" % (label, url, _reason(error)),
                    operation=operation, endpoint=url) from None
            # Any other OSError comes from loading the CA bundle or the client certificate.
            except OSError as error:
                raise TLSError(
                    "%s failed: the TLS files could not be loaded (%s); check ca_path, "
                    "client_cert and client_key" % (label, _reason(error)),
                    operation=operation, endpoint=url) from None
        return response.status_code, response.headers, body

    def _read_body(self, response, deadline, label, url):
        # A server that trickles bytes would defeat the per-read timeout of requests, so the
        # whole body must arrive before a deadline (one timeout plus, at worst, one more read).
        # iter_content blocks until a whole chunk has arrived, so the body is read with the
        # read1 of urllib3 2, which returns what one socket read brought.
        read1 = getattr(getattr(response, "raw", None), "read1", None)
        pieces = None if read1 else response.iter_content(READ_CHUNK)
        chunks = []
        while True:
            chunk = read1(READ_CHUNK, decode_content=True) if read1 else next(pieces, None)
            if not chunk:
                break
            chunks.append(chunk)
            if self.clock() > deadline:
                raise RequestTimeoutError(
                    "%s timed out after %s s: %s did not finish its reply"
                    % (label, self.timeout, url), endpoint=url)
        return b"".join(chunks)


def _reason(error):
    """Return a short, secret-free reason for a requests exception."""
    reason = error
    while getattr(reason, "args", None) and isinstance(reason.args[0], Exception):
        reason = reason.args[0]
    text = str(reason) or type(reason).__name__
    return scrub(text)
