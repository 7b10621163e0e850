"""The operator CLI, ``fks``: keys, status, cost, backtests, data, strategies, models, the OpenAPI
and sample-event generators, and the local commands (``fks local``, ``fks sim``, ``fks replay``).

Most commands talk to a deployed stack (real AWS or the local one) through boto3 and the API;
the ``local``, ``sim`` and ``replay`` commands start the local stack (``fks_local``) and the
exchange simulators (``fks_exchange_sim``)."""
