"""Shared pytest fixtures."""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "simulator"))

from cbsim.process import SimulatorProcess  # noqa: E402


@pytest.fixture
def simulator():
    """Return a factory that starts simulator processes and stops every one at teardown.

    ``simulator(orders=100, failed_in_window=10)`` returns a started ``SimulatorProcess``
    whose ``info`` contains the start line (URLs, credentials, window bounds).
    """
    started = []

    def start(*args, **options):
        process = SimulatorProcess(*args, **options)
        started.append(process)
        return process.start()

    yield start
    for process in reversed(started):
        process.stop()
