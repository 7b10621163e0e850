"""Adapters between the fks domain package and the outside world (AWS services, exchanges).

Each adapter takes its client as an argument and builds a default only when none is given, so
tests pass a client bound to the local emulator and Lambdas get one from the environment
(``AWS_ENDPOINT_URL`` is the only thing that tells the local stack from AWS).
"""
