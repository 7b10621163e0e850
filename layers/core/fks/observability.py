"""Logging, metrics and tracing for every function, wired the same way in each.

``observed`` puts a handler under powertools' Logger (JSON, with a correlation id: the API
request id, or the signal id along the signal's path), Metrics (EMF in the FKS namespace, with
the function as a dimension) and Tracer (X-Ray). One Lambda process runs one function, so one
Metrics and one Tracer per process is exactly what powertools expects.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths

metrics = Metrics()
tracer = Tracer()

API = correlation_paths.API_GATEWAY_REST
SIGNAL = "signal_id"  # the Step Functions input and every command on a signal's path carry it

Handler = TypeVar("Handler", bound=Callable[..., Any])


def observed(logger: Logger, *, correlation: str | None = None) -> Callable[[Handler], Handler]:
    """Decorate a ``lambda_handler``: context and correlation id in every log line, the function's
    metrics flushed at the end of each invocation, and a trace segment around it."""

    def decorate(handler: Handler) -> Handler:
        @wraps(handler)
        def run(event: Any, context: Any) -> Any:
            function = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "local")
            metrics.set_default_dimensions(function=function)
            return handler(event, context)

        traced = tracer.capture_lambda_handler(run)
        logged = (
            logger.inject_lambda_context(correlation_id_path=correlation)(traced)
            if correlation
            else logger.inject_lambda_context(traced)
        )
        return cast(Handler, metrics.log_metrics(logged))

    return decorate
