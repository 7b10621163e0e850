"""The local Lambda runtime: runs a deployed function's real code through the Lambda Runtime API.

Each function instance is a process that polls its own Runtime API endpoint, the way AWS runs
both managed Python runtimes and native ``provided.al2023`` binaries, so a Rust ``bootstrap``
built with the ``lambda_runtime`` crate runs here unchanged.

Kept (issue 25): moto 5.2.5 runs function code only in Docker (its simple backend echoes the
payload); MiniStack runs it without Docker, but from `sam build`'s output, on the second target.
"""

from fks_local.lambda_runtime.invocation import InvocationResult
from fks_local.lambda_runtime.runtime import FunctionConfig, IsolatedPython, LocalLambdaRuntime

__all__ = ["FunctionConfig", "InvocationResult", "IsolatedPython", "LocalLambdaRuntime"]
