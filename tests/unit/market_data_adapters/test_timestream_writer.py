"""The Timestream writer batches at the API limit and counts rejected records instead of losing them."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.stub import ANY, Stubber

from fks.market_data.storage import SeriesKey
from fks_adapters.market_data.timestream import TimestreamCandleWriter
from tests.unit.market_data.candle_stubs import JAN_1_2024, MINUTE, candle_frame

KEY = SeriesKey.of("binance", "BTC/USDT", "1m")


def _client() -> Any:
    return boto3.client(
        "timestream-write",
        region_name="us-east-1",
        endpoint_url="http://127.0.0.1:9",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _frame(count: int) -> Any:
    return candle_frame(
        [(JAN_1_2024 + i * MINUTE, "42000.5", "42010", "41990.25", "42005", "1.5") for i in range(count)]
    )


def test_writes_in_batches_of_one_hundred_records() -> None:
    client = _client()
    writer = TimestreamCandleWriter("db", "candles", client)
    with Stubber(client) as stub:
        for size in (100, 100, 50):
            stub.add_response(
                "write_records",
                {"RecordsIngested": {"Total": size}},
                {"DatabaseName": "db", "TableName": "candles", "CommonAttributes": ANY, "Records": ANY},
            )
        result = writer.write(KEY, _frame(250))
        stub.assert_no_pending_responses()

    assert (result.written, result.rejected) == (250, 0)


def test_rejected_records_are_counted_with_their_reasons() -> None:
    client = _client()
    writer = TimestreamCandleWriter("db", "candles", client)
    with Stubber(client) as stub:
        stub.add_client_error(
            "write_records",
            service_error_code="RejectedRecordsException",
            http_status_code=419,
            service_message="some records were rejected",
            response_meta={},
            modeled_fields={"RejectedRecords": [{"RecordIndex": 3, "Reason": "older than the memory store retention"}]},
        )
        result = writer.write(KEY, _frame(10))

    assert (result.written, result.rejected) == (9, 1)
    assert result.reasons == ["older than the memory store retention"]


def test_prices_are_written_as_exact_decimal_text() -> None:
    client = _client()
    writer = TimestreamCandleWriter("db", "candles", client)
    captured: list[Any] = []
    client.meta.events.register(
        "provide-client-params.timestream-write.WriteRecords", lambda params, **_: captured.append(params)
    )
    with Stubber(client) as stub:
        stub.add_response("write_records", {}, None)
        writer.write(KEY, _frame(1))

    values = captured[0]["Records"][0]["MeasureValues"]
    assert {v["Type"] for v in values} == {"VARCHAR"}
    assert "e" not in "".join(v["Value"] for v in values).lower()


def test_nothing_to_write_makes_no_call() -> None:
    client = _client()
    with Stubber(client):
        result = TimestreamCandleWriter("db", "candles", client).write(KEY, _frame(0))

    assert (result.written, result.rejected) == (0, 0)
