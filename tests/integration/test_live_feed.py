"""The live feed through the local stack: a real WebSocket client against the local WebSocket
gateway, the authorizer on $connect, collection pushing stored candles through @connections."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import jwt
import pytest
import websocket

from fks.errors import BadRequest, NotFound
from fks.live_feed import Feed
from fks.market_data import raw_frame_from_ccxt, validate_candles
from fks.market_data.collection import CollectionReport
from fks.market_data.timeframes import Timeframe
from fks_adapters.live_feed.connections import CONNECTION_ITEM, MAX_SUBSCRIPTIONS, ConnectionStore
from fks_adapters.live_feed.publisher import LiveFeedPublisher, PushReport
from fks_adapters.market_data.assets import Asset
from fks_local.ports import free_port
from tests.integration.market_data_helpers import BTC, enable, invoke, simulator_json, store, stored_json
from tests.stack_handle import StackHandle

pytestmark = pytest.mark.moto_only
MINUTE_MS = 60_000
SUBSCRIBE_BTC = {"action": "subscribe", "symbol": "BTC/USDT", "timeframe": "1m"}
UNSUBSCRIBE_BTC = {**SUBSCRIBE_BTC, "action": "unsubscribe"}


def _url(stack: StackHandle, token: str | None = None) -> str:
    base = stack.websocket_urls["LiveFeedApi"]
    return base if token is None else f"{base}?token={quote(token, safe='')}"


def _connect(stack: StackHandle, scope: str = "read") -> websocket.WebSocket:
    return websocket.create_connection(_url(stack, stack.api_keys[scope]), timeout=30)


def _ask(socket: websocket.WebSocket, message: dict[str, Any] | str) -> dict[str, Any]:
    socket.send(message if isinstance(message, str) else json.dumps(message))
    answer: dict[str, Any] = json.loads(socket.recv())
    return answer


def _connections(stack: StackHandle) -> ConnectionStore:
    return ConnectionStore(stack.output("LiveFeedConnectionsTableName"), stack.clients("dynamodb"))


def _open_connection_ids(stack: StackHandle) -> set[str]:
    table = stack.output("LiveFeedConnectionsTableName")
    items = stack.clients("dynamodb").scan(TableName=table)["Items"]
    return {i["connection_id"]["S"] for i in items if i["item"]["S"] == CONNECTION_ITEM}


def _connect_and_find_id(stack: StackHandle) -> tuple[websocket.WebSocket, str]:
    before = _open_connection_ids(stack)
    socket = _connect(stack)
    (new_id,) = _open_connection_ids(stack) - before
    return socket, new_id


def _collect_until_new_btc_candles(stack: StackHandle) -> dict[str, Any]:
    """Run collection until it stores new BTC candles: at once on a fresh series, else after
    the next minute closes (an earlier test may have collected up to the latest closed minute)."""
    for _ in range(3):
        body = invoke(stack, "CollectOhlcvFunction", {})
        btc = next(r for r in body["collected"] if r["asset"] == str(BTC))
        if btc["stored_new"]:
            return btc
        time.sleep(60 - time.time() % 60 + 1.5)
    raise AssertionError("collection stored no new BTC candles in three minutes")


def candles_frame(rows: list[list[Any]]) -> Any:
    return validate_candles(raw_frame_from_ccxt(rows), timeframe=BTC.timeframe, now_ms=int(time.time() * 1000)).accepted


def _receive_candles(socket: websocket.WebSocket, count: int) -> list[dict[str, Any]]:
    frames = []
    while len(frames) < count:
        frame = json.loads(socket.recv())
        if frame["type"] == "candle":
            frames.append(frame)
    return frames


@pytest.fixture(scope="module")
def pushed(local_stack: StackHandle) -> Iterator[dict[str, Any]]:
    """One collection run seen by: a subscriber, a connection that subscribed then unsubscribed,
    and a subscription whose connection has gone (no socket behind it)."""
    assert enable(local_stack, "BTC/USDT").status_code == 200
    # Before any socket opens: an idle WebSocket client answers no pings, and the gateway drops it.
    newest = store(local_stack).latest_open_time(BTC)
    if newest is not None and newest >= int(time.time() // 60) * 60_000 - MINUTE_MS:  # nothing new to collect yet
        time.sleep(60 - time.time() % 60 + 1.5)
    subscriber, leaver = _connect(local_stack), _connect(local_stack)
    connections = _connections(local_stack)
    gone_id = "gone-connection="
    connections.open(gone_id, principal="tests", kind="api_key", now_s=int(time.time()))
    connections.subscribe(gone_id, Feed("BTC/USDT", BTC.timeframe))
    acks = {
        "subscribe": _ask(subscriber, SUBSCRIBE_BTC),
        "leaver_subscribe": _ask(leaver, SUBSCRIBE_BTC),
        "leaver_unsubscribe": _ask(leaver, UNSUBSCRIBE_BTC),
    }
    report = _collect_until_new_btc_candles(local_stack)
    received = _receive_candles(subscriber, report["stored_new"])
    leaver.settimeout(1.0)
    try:
        leaver_frames: list[str] = [leaver.recv()]
    except websocket.WebSocketTimeoutException:
        leaver_frames = []
    try:
        yield {"acks": acks, "report": report, "received": received, "leaver": leaver_frames, "gone_id": gone_id}
    finally:
        subscriber.close()
        leaver.close()


def test_connect_without_token_is_refused_with_401(local_stack: StackHandle) -> None:
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(_url(local_stack), timeout=30)

    assert refused.value.status_code == 401


@pytest.mark.parametrize("token", ["fks_000000000000_" + "x" * 43, "not-a-key-nor-a-jwt"], ids=["unknown-key", "junk"])
def test_connect_with_bad_token_is_refused_with_401(local_stack: StackHandle, token: str) -> None:
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(_url(local_stack, token), timeout=30)

    assert refused.value.status_code == 401


def test_connect_with_jwt_in_query_is_accepted(local_stack: StackHandle) -> None:
    arn = local_stack.deployed.physical_id("JwtSigningSecret")
    secret = local_stack.clients("secretsmanager").get_secret_value(SecretId=arn)["SecretString"]
    claims = {"sub": "dashboard-user", "iss": "fks", "aud": "fks-api", "scope": "read"}
    token = jwt.encode({**claims, "exp": datetime.now(UTC) + timedelta(minutes=5)}, secret, algorithm="HS256")

    socket = websocket.create_connection(_url(local_stack, token), timeout=30)
    try:
        assert socket.connected
    finally:
        socket.close()


def test_subscriber_receives_the_candles_collection_stored(
    local_stack: StackHandle, pushed: dict[str, Any], aws_env: None
) -> None:
    # Arrange
    received = pushed["received"]
    first, last = received[0]["candle"]["open_time"], received[-1]["candle"]["open_time"]

    # Act
    stored = stored_json(store(local_stack).read(BTC, first, last + MINUTE_MS))

    # Assert
    assert pushed["acks"]["subscribe"] == {
        "type": "subscribed",
        "exchange": "binance",
        "symbol": "BTC/USDT",
        "timeframe": "1m",
    }
    assert [frame["candle"] for frame in received] == stored
    assert stored == simulator_json("BTC/USDT", "1m", first, last)
    assert {(f["exchange"], f["symbol"], f["timeframe"]) for f in received} == {("binance", "BTC/USDT", "1m")}
    assert all(isinstance(f["candle"]["close"], str) for f in received)  # exact decimals, never floats


def test_unsubscribed_connection_receives_nothing(pushed: dict[str, Any]) -> None:
    assert pushed["acks"]["leaver_unsubscribe"] == {
        "type": "unsubscribed",
        "exchange": "binance",
        "symbol": "BTC/USDT",
        "timeframe": "1m",
    }
    assert pushed["leaver"] == []


def test_push_to_a_gone_connection_removes_it(local_stack: StackHandle, pushed: dict[str, Any]) -> None:
    connections = _connections(local_stack)

    assert not connections.is_open(pushed["gone_id"])
    assert pushed["gone_id"] not in connections.subscribers(Feed("BTC/USDT", BTC.timeframe))


def test_disconnect_removes_the_connection_and_its_subscriptions(local_stack: StackHandle) -> None:
    # Arrange
    assert enable(local_stack, "BTC/USDT").status_code == 200
    socket, connection_id = _connect_and_find_id(local_stack)
    assert _ask(socket, SUBSCRIBE_BTC)["type"] == "subscribed"
    connections = _connections(local_stack)
    assert connections.subscriptions(connection_id) == ["binance:BTC/USDT#1m"]

    # Act
    socket.close()
    deadline = time.monotonic() + 30  # $disconnect runs after the close handshake, asynchronously
    while connections.is_open(connection_id) and time.monotonic() < deadline:
        time.sleep(0.1)

    # Assert
    assert not connections.is_open(connection_id)
    assert connections.subscriptions(connection_id) == []


@pytest.mark.parametrize(
    ("message", "named"),
    [
        ({"action": "subscribe", "symbol": "BTC/USDT"}, "timeframe: Field required"),
        ({"action": "subscribe", "symbol": "BTC/USDT", "timeframe": "7m"}, "'7m'"),
        ({"action": "subscribe", "symbol": "BTCUSDT", "timeframe": "1m"}, "BTCUSDT"),
        ({"action": "subscribe", "symbol": "DOGE/EUR", "timeframe": "1m"}, "DOGE/EUR is not collected"),
        ({"action": "subscribe", "symbol": "BTC/USDT", "timeframe": "1m", "depth": 5}, "depth: Extra inputs"),
        ({"action": "dance"}, "unknown action 'dance'"),
        ("hello", "message is not JSON"),
    ],
    ids=["no-timeframe", "bad-timeframe", "bad-symbol", "not-collected", "extra", "action", "text"],
)
def test_bad_message_gets_an_error_frame_naming_the_problem(
    local_stack: StackHandle, message: dict[str, Any] | str, named: str
) -> None:
    assert enable(local_stack, "BTC/USDT").status_code == 200
    socket = _connect(local_stack)
    try:
        answer = _ask(socket, message)
    finally:
        socket.close()

    assert answer["type"] == "error"
    assert named in answer["message"]


def test_unsubscribe_from_a_feed_not_subscribed_is_an_error(local_stack: StackHandle) -> None:
    socket = _connect(local_stack)
    try:
        answer = _ask(socket, {"action": "unsubscribe", "symbol": "ETH/USDT", "timeframe": "1m"})
    finally:
        socket.close()

    assert answer == {
        "type": "error",
        "error": "NotFound",
        "message": "not subscribed to ETH/USDT 1m",
        "action": "unsubscribe",
        "details": {"exchange": "binance", "symbol": "ETH/USDT", "timeframe": "1m"},
    }


def test_collection_reports_the_frames_it_pushed(pushed: dict[str, Any]) -> None:
    assert pushed["report"]["live_frames_sent"] >= len(pushed["received"]) > 0


def test_push_to_an_unreachable_endpoint_is_counted_not_raised(local_stack: StackHandle) -> None:
    # Arrange: a subscriber, and an @connections endpoint where nothing listens
    connections = _connections(local_stack)
    connections.open("unreachable=", principal="tests", kind="api_key", now_s=int(time.time()))
    connections.subscribe("unreachable=", Feed("BTC/USDT", BTC.timeframe))
    publisher = LiveFeedPublisher(f"http://127.0.0.1:{free_port()}/v1", connections)
    frame = candles_frame([[1_704_067_200_000, 1.0, 2.0, 0.5, 1.5, 3.0]])

    try:
        # Act
        report = publisher.publish(BTC, frame)
    finally:
        connections.close("unreachable=")

    # Assert
    assert report.failed == report.subscribers >= 1
    assert report.frames_sent == 0
    assert report.gone == 0  # a failed push is not a gone connection: its subscription stays


def test_collection_survives_a_push_that_raises(local_stack: StackHandle, monkeypatch: pytest.MonkeyPatch) -> None:
    # Arrange: the connections table does not exist, so finding subscribers fails. The function
    # reads its settings on import: the stack's names, as its template environment gives them.
    monkeypatch.setenv("FKS_DATA_BUCKET", local_stack.function("DataBucket"))
    monkeypatch.setenv("FKS_ASSETS_TABLE", local_stack.function("AssetsTable"))
    monkeypatch.setenv("FKS_BACKFILL_FUNCTION", local_stack.function("BackfillFunction"))
    from functions.collect_ohlcv import app

    broken = LiveFeedPublisher(
        "http://127.0.0.1:1/v1", ConnectionStore("no-such-table", local_stack.clients("dynamodb"))
    )
    monkeypatch.setattr(app, "_live_publisher", lambda: broken)
    report = CollectionReport(BTC, frame=candles_frame([[1_704_067_200_000, 1.0, 2.0, 0.5, 1.5, 3.0]]))
    asset = Asset("binance", "BTC/USDT", BTC.timeframe, True, 0, "2024-01-01T00:00:00+00:00")

    # Act
    pushed = app.push_live(asset, report)

    # Assert
    assert pushed == PushReport(failed=1)


def test_connection_store_finds_subscribers_by_feed_and_bounds_subscriptions(local_stack: StackHandle) -> None:
    # Arrange
    connections = _connections(local_stack)
    connections.open("store-a=", principal="tests", kind="api_key", now_s=int(time.time()))
    connections.open("store-b=", principal="tests", kind="api_key", now_s=int(time.time()))
    eth_5m = Feed("ETH/USDT", Timeframe("5m"))
    try:
        # Act
        first, again = connections.subscribe("store-a=", eth_5m), connections.subscribe("store-a=", eth_5m)
        connections.subscribe("store-b=", eth_5m)
        connections.subscribe("store-b=", Feed("ETH/USDT", Timeframe("1m")))
        for number in range(MAX_SUBSCRIPTIONS - 1):
            connections.subscribe("store-a=", Feed(f"C{number}/USDT", Timeframe("1m")))
        with pytest.raises(BadRequest, match=f"at most {MAX_SUBSCRIPTIONS} subscriptions"):
            connections.subscribe("store-a=", Feed("ONEMORE/USDT", Timeframe("1m")))
        with pytest.raises(NotFound, match="is not open"):
            connections.subscribe("never-opened=", eth_5m)

        # Assert
        assert (first, again) == (True, False)
        assert sorted(connections.subscribers(eth_5m)) == ["store-a=", "store-b="]
        assert connections.subscribers(Feed("ETH/USDT", Timeframe("1m"))) == ["store-b="]
    finally:
        connections.close("store-a=")
        connections.close("store-b=")
    assert connections.subscribers(eth_5m) == []


def test_a_subscriber_to_a_longer_timeframe_gets_each_bar_once_collection_stores_its_last_minute(
    local_stack: StackHandle,
) -> None:
    # Arrange: an asset collected at 1m, and the first minute that closes a 3m bar still uncollected
    assert enable(local_stack, "BTC/USDT").status_code == 200
    candles = store(local_stack)
    before = candles.latest_open_time(BTC)
    if before is not None:  # a fresh series gets an hour at once; else wait for a 3m bar to close
        now_s = time.time()
        time.sleep(180 - now_s % 180 + 1.5 if before >= int(now_s // 60) * 60_000 - 3 * MINUTE_MS else 0)
        before = candles.latest_open_time(BTC)
    # Connected only now: an idle WebSocket client answers no pings, and the gateway drops it.
    socket = _connect(local_stack)
    acked = _ask(socket, {"action": "subscribe", "symbol": "BTC/USDT", "timeframe": "3m"})
    try:
        # Act
        invoke(local_stack, "CollectOhlcvFunction", {})
        after = candles.latest_open_time(BTC)
        assert after is not None
        # A fresh series starts mid-bar: only bars whose every minute is stored are whole.
        first_stored = after - 59 * MINUTE_MS if before is None else before + MINUTE_MS
        closed = [
            t - 2 * MINUTE_MS
            for t in range(first_stored, after + 1, MINUTE_MS)
            if (t + MINUTE_MS) % (3 * MINUTE_MS) == 0 and (before is not None or t - 2 * MINUTE_MS >= first_stored)
        ]
        assert closed, (before, after)
        received = _receive_candles(socket, len(closed))
    finally:
        socket.close()

    # Assert: the bars the simulator (as Binance) draws for those 3 minutes, pushed once each
    assert acked == {"type": "subscribed", "exchange": "binance", "symbol": "BTC/USDT", "timeframe": "3m"}
    assert {f["timeframe"] for f in received} == {"3m"}
    expected = simulator_json("BTC/USDT", "3m", closed[0], closed[-1])
    assert [f["candle"] for f in received] == expected[-len(closed) :]
