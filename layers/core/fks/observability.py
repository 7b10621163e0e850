"""Logging, metrics and tracing for every function, wired the same way in each.

``observed`` puts a handler under powertools' Logger (JSON, with a correlation id: the API
request id, or the signal id along the signal's path), Metrics (EMF in the FKS namespace, with
the function as a dimension) and Tracer (X-Ray). One Lambda process runs one function, so one
Metrics and one Tracer per process is exactly what powertools expects.

Every metric series is a CloudWatch custom metric billed by the hour it receives data ($0.30 a
month when it does every hour), so only the figures an alarm or the dashboard reads become
metrics (``PUBLISHED_METRICS``), a zero count is not sent (the dashboard sums nothing as zero,
the alarms treat no data as not breaching), and a per-asset dimension is not one: the asset and
every other figure travel in the same EMF log line as metadata, searchable in Logs Insights.

The Tracer is built at the first invocation, not at import: building it imports the X-Ray SDK,
which a cold import would otherwise pay before any handler runs, and nothing when tracing is off
(``POWERTOOLS_TRACE_DISABLED``). What it traces (botocore, and requests where ccxt brings it) is
patched when that library is first imported, so an invocation that calls neither does not import
them for the patch's sake. Patching acts on classes, so clients built earlier are traced too.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from functools import cache, wraps
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar, cast

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics.provider.cloudwatch_emf.cloudwatch import AmazonCloudWatchEMFProvider

if TYPE_CHECKING:
    from aws_lambda_powertools import Tracer

# The figures the template's alarms and the operations dashboard (infra/dashboards) read from the
# functions' EMF lines; tests/unit/core/test_published_metrics.py keeps this list and theirs equal.
PUBLISHED_METRICS = frozenset(
    {
        "ApprovalsRequested",
        "CandlesCollected",
        "CandlesRejected",
        "ForeignFills",
        "GapsFound",
        "OrderSyncMisses",
        "OrderSyncMissesInARow",
        "PortfolioEquity",
        "ReconciliationMismatches",
        "SignalsCompleted",
        "SignalsDenied",
        "SignalsExpired",
        "SignalsFailed",
        "SignalsGenerated",
        "SignalsRefused",
        "SignalsRejected",
        "SignalsRouted",
        "SyncFillsBooked",
    }
)
# Levels rather than counts: a zero is a reading, sent like any other.
_GAUGES = frozenset({"PortfolioEquity"})
# The dimensions of every function's series (the alarms name both): powertools' service, and ours.
_KEPT_DIMENSIONS = frozenset({"service", "function"})


class _PublishedMetricsProvider(AmazonCloudWatchEMFProvider):
    """powertools' EMF provider, sending as metrics only what an alarm or the dashboard reads."""

    def add_metric(self, name: str, unit: Any, value: float, resolution: Any = 60) -> None:
        if name not in PUBLISHED_METRICS:
            self.add_metadata(key=name, value=value)
        elif value or name in _GAUGES:
            super().add_metric(name=name, unit=unit, value=value, resolution=resolution)

    def add_dimension(self, name: str, value: str) -> None:
        if name in _KEPT_DIMENSIONS:
            super().add_dimension(name=name, value=value)
        else:  # another dimension would multiply the series (one per asset): metadata
            self.add_metadata(key=name, value=value)

    def flush_metrics(self, raise_on_empty_metrics: bool = False) -> None:
        if self.metric_set:
            super().flush_metrics(raise_on_empty_metrics=raise_on_empty_metrics)
            return
        if self.metadata_set:  # figures only: one plain JSON log line, no metric
            print(json.dumps({"figures": self.metadata_set, **self.dimension_set}, default=str, separators=(",", ":")))
        self.clear_metrics()


metrics = Metrics(provider=_PublishedMetricsProvider())

API = correlation_paths.API_GATEWAY_REST
SIGNAL = "signal_id"  # the Step Functions input and every command on a signal's path carry it

Handler = TypeVar("Handler", bound=Callable[..., Any])
# What X-Ray traces: AWS calls (botocore) and the exchanges' HTTP calls (requests, under ccxt),
# the latter only where a layer brings requests. Not patch_all: it imports sqlite3, http.client
# and other libraries no function uses.
# Each is patched when the module named beside it is first imported: botocore's client, not the
# package, which powertools imports at once for its user agent.
_TRACED_LIBRARIES = {"botocore": "botocore.client", "requests": "requests"}


def tracing_enabled() -> bool:
    return os.environ.get("POWERTOOLS_TRACE_DISABLED", "").strip().lower() not in ("1", "true", "yes", "on")


@cache
def _tracer() -> Tracer:
    """The process's Tracer, built (X-Ray SDK imported) on first use. Each traced library is
    patched when it is first imported, not here: patching imports it (botocore's client, 150-250
    ms; requests, 50 ms), which a request that makes no AWS call (the dashboard's files, a route
    answered from memory) or reaches no exchange would pay for nothing. Patching wraps classes, so
    a client built after the patch is traced whenever it comes."""
    from aws_lambda_powertools import Tracer
    from wrapt import register_post_import_hook  # the X-Ray SDK's own dependency

    tracer = Tracer(auto_patch=False)

    def patcher(library: str) -> Callable[[ModuleType], None]:
        def patch(module: ModuleType) -> None:
            # The hook runs as the module's import ends, before the import system binds it on its
            # package; the patch reaches it as ``botocore.client``, so bind it now (the same object).
            package, _, name = module.__name__.rpartition(".")
            if package:
                setattr(sys.modules[package], name, module)
            tracer.patch([library])

        return patch

    for library, module in _TRACED_LIBRARIES.items():
        # Runs at once when the module is already imported, else right after its first import.
        register_post_import_hook(patcher(library), module)
    return tracer


def traced(method: Handler) -> Handler:
    """``_tracer().capture_method`` without building the Tracer at import: a subsegment per call."""
    wrapped: list[Callable[..., Any]] = []

    @wraps(method)
    def run(*args: Any, **kwargs: Any) -> Any:
        if not tracing_enabled():
            return method(*args, **kwargs)
        if not wrapped:
            wrapped.append(_tracer().capture_method(method))
        return wrapped[0](*args, **kwargs)

    return cast(Handler, run)


class _LazyTracer:
    """``@tracer.capture_method`` as powertools spells it, the Tracer built on the first call."""

    capture_method = staticmethod(traced)


tracer = _LazyTracer()


def observed(logger: Logger, *, correlation: str | None = None) -> Callable[[Handler], Handler]:
    """Decorate a ``lambda_handler``: context and correlation id in every log line, the function's
    metrics flushed at the end of each invocation, and a trace segment around it."""

    def decorate(handler: Handler) -> Handler:
        @wraps(handler)
        def run(event: Any, context: Any) -> Any:
            function = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "local")
            metrics.set_default_dimensions(function=function)
            return handler(event, context)

        traced_run: list[Callable[..., Any]] = []

        @wraps(handler)
        def trace(event: Any, context: Any) -> Any:
            if not tracing_enabled():
                return run(event, context)
            if not traced_run:
                traced_run.append(_tracer().capture_lambda_handler(run))
            return traced_run[0](event, context)

        logged = (
            logger.inject_lambda_context(correlation_id_path=correlation)(trace)
            if correlation
            else logger.inject_lambda_context(trace)
        )
        return cast(Handler, metrics.log_metrics(logged))

    return decorate
