"""Local simulator of the CloudBlue Commerce Billing XML-RPC API and the Connect REST API.

Start it with ``tests/simulator/run.py``, or from Python with ``cbsim.process.SimulatorProcess``.
"""
