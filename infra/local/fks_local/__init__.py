"""The local stack: the AWS emulator, the template deployer, the local Lambda runtime, the local
API gateway, the schedules, the exchange simulator and the ``fks`` command that drives them."""
