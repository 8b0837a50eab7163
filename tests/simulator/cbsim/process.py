"""Start the simulator as a subprocess and talk to its control API, for tests and benchmarks.

Example::

    with SimulatorProcess(orders=500, failed_in_window=50, latency_ms=20) as simulator:
        billing_url = simulator.info["billing_url"]
        ...
        applied = [w for w in simulator.writes() if w["result"] == "applied"]

Keyword options become command-line options: ``failed_in_window=50`` is ``--failed-in-window 50``,
``tls=True`` is ``--tls``, a list repeats the option, and False or None leaves it out.
"""

import json
import os
import queue
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request

RUN_PY = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "run.py")


class SimulatorError(RuntimeError):
    """The simulator failed to start, or a control request failed."""


def options_to_argv(options):
    """Turn keyword options into command-line arguments."""
    argv = []
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if value is None or value is False:
            continue
        if value is True:
            argv.append(flag)
        elif isinstance(value, (list, tuple)):
            for item in value:
                argv.extend([flag, str(item)])
        else:
            argv.extend([flag, str(value)])
    return argv


class SimulatorProcess:
    """One simulator subprocess, used as a context manager that stops it with SIGTERM on exit."""

    def __init__(self, *args, python=None, start_timeout=60.0, env=None, **options):
        self.argv = [python or sys.executable, RUN_PY, *options_to_argv(options), *args]
        self.start_timeout = start_timeout
        self.env = env
        self.info = None
        self.process = None
        self._stderr = None
        self._ssl_context = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    # Life cycle

    def start(self):
        """Start the process and wait for its start line, or raise SimulatorError with its stderr."""
        self._stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=self._stderr, env=self.env)
        lines = queue.Queue()
        reader = threading.Thread(target=lambda: lines.put(self.process.stdout.readline()), daemon=True)
        reader.start()
        try:
            line = lines.get(timeout=self.start_timeout)
        except queue.Empty:
            self.stop()
            raise SimulatorError(f"simulator did not start within {self.start_timeout} s: "
                                 f"{' '.join(self.argv)}\n{self.stderr_text()}") from None
        if not line:
            self.process.wait(timeout=10)
            raise SimulatorError(f"simulator exited with status {self.process.returncode} before it started: "
                                 f"{' '.join(self.argv)}\n{self.stderr_text()}")
        try:
            self.info = json.loads(line)
        except ValueError:
            self.stop()
            raise SimulatorError(f"simulator printed an invalid start line {line!r}\n{self.stderr_text()}") from None
        if self.info.get("ca_path"):
            self._ssl_context = ssl.create_default_context(cafile=self.info["ca_path"])
        return self

    def stop(self, timeout=10.0):
        """Send SIGTERM, wait, and kill the process if it does not exit within timeout. Return its exit status."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()
        return self.process.returncode

    @property
    def returncode(self):
        return self.process.poll() if self.process else None

    def stderr_text(self):
        """Return everything the simulator logged so far."""
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", errors="replace")

    # Start line shortcuts

    @property
    def billing_url(self):
        return self.info["billing_url"]

    @property
    def connect_url(self):
        return self.info["connect_url"]

    @property
    def control_url(self):
        return self.info["control_url"]

    # Control API

    def control(self, method, path, body=None, expected=(200,)):
        """Send one control request and return the decoded JSON reply.

        Raises SimulatorError when the HTTP status is not in expected.
        """
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.control_url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60, context=self._ssl_context) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, payload = error.code, error.read()
        value = json.loads(payload) if payload else None
        if status not in expected:
            raise SimulatorError(f"control request {method} {path} failed with HTTP {status}: {value}")
        return value

    def writes(self):
        """Return every OrderStatusChange_API call received, in order."""
        return self.control("GET", "/writes")["writes"]

    def clear_writes(self):
        self.control("DELETE", "/writes")

    def order(self, order_id):
        """Return one order as a dict, or None when the simulator has no such order."""
        value = self.control("GET", f"/orders/{order_id}", expected=(200, 404))
        return None if "error" in value else value

    def orders(self, **filters):
        """Return orders matching filters: status, vendor_account_id, order_type, created_after, created_before, outcome, limit."""
        query = urllib.parse.urlencode({name: value for name, value in filters.items() if value is not None})
        return self.control("GET", "/orders" + (f"?{query}" if query else ""))["orders"]

    def put_orders(self, orders, merge=False):
        """Insert or replace orders (merge updates only the given keys of existing orders)."""
        return self.control("POST", "/orders", {"orders": list(orders), "merge": merge})["orders"]

    def set_faults(self, **settings):
        return self.control("POST", "/faults", settings)

    def faults(self):
        return self.control("GET", "/faults")

    def stats(self):
        return self.control("GET", "/stats")

    def reset(self, faults=False):
        """Restore the seeded orders, clear writes and counters, and with faults=True the start-up faults."""
        return self.control("POST", "/reset", {"faults": faults})
