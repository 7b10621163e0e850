"""The signal-to-execution pipeline's domain: what each Step Functions state decides.

No boto3 here: the functions under ``functions/`` read and write storage through
``fks_adapters.pipeline`` and hand this package plain values.
"""
