"""Recent candles to Timestream, in batches of the API's 100-record limit.

Prices and volumes are written as VARCHAR measures holding the exact decimal text: a DOUBLE
measure would turn money into binary floats, and readers cast in SQL when they need arithmetic.
One multi-measure record per candle (dimensions exchange, symbol, timeframe; time = open_time).
Rewriting a candle with the same values is accepted by Timestream as a no-op, so collection
retries are idempotent here as in S3.

Rejected records are never dropped silently: each is logged with its reason and counted, and
the caller publishes the count as a metric.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from fks import env
from fks.market_data import CANDLE_COLUMNS, frame_to_arrow
from fks.market_data.serialise import decimal_text
from fks.market_data.storage import SeriesKey
from fks_adapters.aws.lazy import aws_client

if TYPE_CHECKING:
    from mypy_boto3_timestream_write import TimestreamWriteClient

BATCH_SIZE = 100  # WriteRecords accepts at most 100 records per call
log = logging.getLogger(__name__)


@dataclass
class TimestreamWriteResult:
    written: int = 0
    rejected: int = 0
    reasons: list[str] = field(default_factory=list)


def timestream_client(endpoint_url: str | None = None) -> TimestreamWriteClient:
    # Timestream uses endpoint discovery, which the emulator does not serve: pass the endpoint
    # explicitly when one is configured (docs/design.md), and let discovery run in AWS.
    url = endpoint_url or env.get(env.AWS_ENDPOINT_URL)
    client: TimestreamWriteClient = (
        aws_client("timestream-write", endpoint_url=url) if url else aws_client("timestream-write")
    )
    return client


class TimestreamCandleWriter:
    def __init__(self, database: str, table: str, client: TimestreamWriteClient | None = None) -> None:
        self.database = database
        self.table = table
        self._client = client or timestream_client()

    def write(self, key: SeriesKey, frame: pd.DataFrame) -> TimestreamWriteResult:
        result = TimestreamWriteResult()
        records = list(_records(frame))
        common: Any = {
            "Dimensions": [
                {"Name": "exchange", "Value": key.exchange},
                {"Name": "symbol", "Value": key.symbol},
                {"Name": "timeframe", "Value": key.timeframe.value},
            ],
            "MeasureName": "ohlcv",
            "MeasureValueType": "MULTI",
            "TimeUnit": "MILLISECONDS",
        }
        for start in range(0, len(records), BATCH_SIZE):
            batch = records[start : start + BATCH_SIZE]
            try:
                self._client.write_records(
                    DatabaseName=self.database, TableName=self.table, CommonAttributes=common, Records=batch
                )
                result.written += len(batch)
            except self._client.exceptions.RejectedRecordsException as error:
                rejected: list[Any] = list(error.response.get("RejectedRecords", []))  # type: ignore[call-overload]
                result.rejected += len(rejected)
                result.written += len(batch) - len(rejected)
                for record in rejected:
                    reason = str(record.get("Reason", "unknown"))
                    index = int(record.get("RecordIndex", -1))
                    open_time = batch[index]["Time"] if 0 <= index < len(batch) else None
                    log.warning("timestream rejected %s candle %s: %s", key, open_time, reason)
                    result.reasons.append(reason)
        return result


def _records(frame: pd.DataFrame) -> list[Any]:
    table = frame_to_arrow(frame)
    columns = [table.column(name).to_pylist() for name in CANDLE_COLUMNS]
    return [
        {
            "Time": str(open_time),
            "MeasureValues": [
                {"Name": name, "Value": decimal_text(value), "Type": "VARCHAR"}
                for name, value in zip(CANDLE_COLUMNS[1:], values, strict=True)
            ],
        }
        for open_time, *values in zip(*columns, strict=True)
    ]
