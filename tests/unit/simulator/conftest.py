"""Fixtures for the simulator's own tests: an in-process server and XML-RPC helpers."""

import threading
import xmlrpc.client

import pytest

from cbsim.app import Simulator, SimulatorConfig
from cbsim.server import SimulatorServer


class FakeClock:
    """A monotonic clock that tests move by hand."""

    def __init__(self, start=1000.0):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def clock():
    return FakeClock()


def execute_body(method, params, **members):
    """Return the XML-RPC request body of one Execute call."""
    call = {"Server": "BM", "Method": method, "Params": list(params)}
    call.update(members)
    return xmlrpc.client.dumps((call,), "Execute").encode("utf-8")


def decode_reply(reply):
    """Return the Result payload of a reply, or raise xmlrpc.client.Fault."""
    params = xmlrpc.client.loads(reply)[0]
    return params[0]["Result"][0]


@pytest.fixture
def live_simulator():
    """Return a factory that runs simulators in this process on free ports and stops them at teardown."""
    servers = []

    def start(**options):
        options.setdefault("orders", 200)
        simulator = Simulator(SimulatorConfig(**options))
        server = SimulatorServer(simulator, port=0)
        simulator.urls = server.urls()
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        servers.append(server)
        return simulator

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
