"""The local AWS stack: the AWS emulator (moto's server), the template deployer, the local Lambda
runtime, the local REST and WebSocket gateways, the schedules and the alarm evaluator.

The exchange simulators it starts live in ``fks_exchange_sim``; the ``fks`` command that drives
it (and works against real AWS too) lives in ``fks_cli``."""
