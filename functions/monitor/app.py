"""Checks each part of the stack: serves GET /health and, on its schedule, publishes a metric per part."""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from fks import env
from fks_adapters.aws.health import HEALTHY, PartHealth, check_bucket, check_dead_letter_queue, check_table, report

logger = Logger()
metrics = Metrics()


def run_checks() -> list[PartHealth]:
    parts = [
        check_bucket(env.require(env.DATA_BUCKET)),
        check_table(env.require(env.ASSETS_TABLE)),
        check_table(env.require(env.SIGNALS_TABLE)),
    ]
    dlqs = [url for url in os.environ.get("FKS_DLQ_URLS", "").split(",") if url]
    parts.extend(check_dead_letter_queue(url) for url in dlqs)
    return parts


def _api_response(body: dict[str, Any]) -> dict[str, Any]:
    import json

    return {
        "statusCode": 200 if body["status"] == HEALTHY else 503,
        "headers": {"Content-Type": "application/json", "Cache-Control": "no-store"},
        "body": json.dumps(body),
    }


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    parts = run_checks()
    body = report(parts)
    for part in parts:
        if part.status != HEALTHY:
            logger.warning("part unhealthy", extra=part.as_dict())
    if "httpMethod" in event:
        return _api_response(body)
    for part in parts:
        metrics.add_dimension(name="part", value=part.part)
        metrics.add_metric(name="Healthy", unit=MetricUnit.Count, value=1 if part.status == HEALTHY else 0)
        metrics.flush_metrics()
    return body
