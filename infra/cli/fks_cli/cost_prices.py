"""Public on-demand list prices (USD) of what the stack uses, for ``fks cost``: us-east-1's and
ap-northeast-1's (Tokyo, docs/deploy.md's recommended region, as Binance refuses US addresses).

us-east-1: from each service's pricing page (aws.amazon.com/<service>/pricing), as published in
2026; the ones that matter here have not changed in years except DynamoDB on-demand (halved in
November 2024). Tokyo: the AWS Price List's ``APN1-`` usage types (effective 2026-07-01) for Lambda,
DynamoDB on-demand, S3 and CloudWatch Logs, which is where Tokyo differs; the rest
(``NOT_FOUND_FOR``) was not found priced for Tokyo and is counted at us-east-1's price, which the
output says. ``FREE`` is the always-free tier of an account (not the 12-month tier of new accounts).
"""

from __future__ import annotations

from dataclasses import dataclass

HOURS_PER_MONTH = 730  # AWS bills metrics and secrets per hour and quotes a month as 730 hours
MINUTES_PER_MONTH = HOURS_PER_MONTH * 60
DAYS_PER_MONTH = HOURS_PER_MONTH / 24


@dataclass(frozen=True)
class Prices:
    region: str = "us-east-1"
    lambda_request: float = 0.20 / 1e6
    lambda_gb_second: float = 0.0000166667  # x86_64
    api_rest_request: float = 3.50 / 1e6  # REST API, first 333 million a month
    sfn_transition: float = 0.025 / 1000  # Standard workflows
    dynamodb_write_unit: float = 0.625 / 1e6  # on-demand write request unit
    dynamodb_read_unit: float = 0.125 / 1e6  # on-demand read request unit
    s3_gb_month: float = 0.023  # S3 Standard, first 50 TB
    s3_put: float = 0.005 / 1000  # PUT, COPY, POST, LIST
    s3_get: float = 0.0004 / 1000  # GET and the rest
    metric_month: float = 0.30  # a custom metric sent every hour of the month, first 10,000
    alarm_metric_month: float = 0.10  # a standard-resolution alarm, per metric it reads
    dashboard_month: float = 3.00
    log_ingest_gb: float = 0.50
    log_store_gb_month: float = 0.03
    xray_trace: float = 5.00 / 1e6  # traces recorded
    secret_month: float = 0.40
    secret_api_call: float = 0.05 / 10_000
    sqs_request: float = 0.40 / 1e6  # standard queues


@dataclass(frozen=True)
class FreeTier:
    lambda_requests: float = 1_000_000
    lambda_gb_seconds: float = 400_000
    sfn_transitions: float = 4_000
    metrics: float = 10
    alarm_metrics: float = 10
    dashboards: float = 3
    log_gb: float = 5  # ingestion and storage together
    xray_traces: float = 100_000
    sqs_requests: float = 1_000_000


PRICES = Prices()
FREE = FreeTier()
TOKYO = Prices(
    region="ap-northeast-1",
    dynamodb_write_unit=0.715 / 1e6,  # APN1-WriteRequestUnits
    dynamodb_read_unit=0.1425 / 1e6,  # APN1-ReadRequestUnits
    s3_gb_month=0.025,  # APN1-TimedStorage-ByteHrs, first 50 TB
    s3_put=0.0047 / 1000,  # APN1-Requests-Tier1
    s3_get=0.00037 / 1000,  # APN1-Requests-Tier2
    log_ingest_gb=0.76,  # APN1-DataProcessing-Bytes
    log_store_gb_month=0.033,  # APN1-TimedStorage-ByteHrs (CloudWatch Logs)
)
REGION_PRICES = {PRICES.region: PRICES, TOKYO.region: TOKYO}
# Per region, the prices not found in its price list here and counted at us-east-1's.
NOT_FOUND_FOR = {
    TOKYO.region: ("api_rest_request", "sfn_transition", "xray_trace", "secret_api_call", "sqs_request"),
}
