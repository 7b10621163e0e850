"""fks_ai on the local stack: notes through the API, the retrieval index built by its schedule
from notes and pipeline-recorded signals, searches by text and by market state, and the briefing
each new signal gets on its record from the signals table's stream.

Only 1m candles are stored; the 1h bars whose market state the index keeps are the reader's."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from fks.market_data.storage import SeriesKey
from tests.integration.conftest import stack_of_its_own
from tests.integration.market_data_helpers import invoke, store_sample_candles
from tests.integration.pipeline_helpers import new_signal, run, signal_record
from tests.stack_handle import StackHandle

pytestmark = pytest.mark.moto_only

HOUR, DAY = 3_600_000, 86_400_000
START = 1_717_200_000_000  # 2024-06-01 UTC: the simulator's sample SOL/USDT history
SOL_1M = SeriesKey.of("binance", "SOL/USDT", "1m")
SIGNAL_BARS = (START + 5 * DAY + 7 * HOUR, START + 8 * DAY + 13 * HOUR, START + 11 * DAY + 2 * HOUR)
BUILD = {"schedule": "rebuild_ai_index"}
NOTES = (
    {"text": "SOL sold off hard every time funding turned deeply negative", "tags": ["funding"], "symbol": "SOL/USDT"},
    {"text": "Do not trade the hour around the CPI release: spreads blow out", "tags": ["macro"]},
)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackHandle]:
    with stack_of_its_own(tmp_path_factory, "ai") as handle:
        store_sample_candles(handle, SOL_1M, "SOLUSDT", START, START + 12 * DAY - 1)
        yield handle


@pytest.fixture(scope="module")
def built(stack: StackHandle) -> dict[str, Any]:
    """Two notes posted and indexed, three signals through the pipeline (the risk check decides
    their fate; each gets its briefing from the stream) and a backtest run, then the schedule's
    build again."""
    for note in NOTES:
        assert stack.api("POST", "/ai/notes", scope="trade", json=note).status_code == 200
    notes_build = invoke(stack, "AiFunction", BUILD)  # the notes, and every strategy's documentation
    types = stack.api("GET", "/strategy-types", scope="read")
    assert types.status_code == 200, types.text
    built_in = {e["name"]: e for e in types.json()["strategy_types"] if e["source"] == "built_in"}
    market = {"exchange": "binance", "symbol": "SOL/USDT", "timeframe": "1h"}
    backtest = stack.api("POST", "/backtests", scope="read", json={
        **market, "start_ms": START, "end_ms": START + 12 * DAY, "strategy": "sma_cross",
    })  # fmt: skip
    assert backtest.status_code == 201, backtest.text
    signal_ids = []
    for bar in SIGNAL_BARS:
        signal = new_signal(symbol="SOL/USDT", timeframe="1h", bar_time=bar, strategy_id="ai_probe")
        run(stack, signal)
        signal_ids.append(signal["signal_id"])
    return {
        "signals": signal_ids,
        "backtest": backtest.json()["id"],
        "notes_build": notes_build,
        "built_in": built_in,
        "build": invoke(stack, "AiFunction", BUILD),
    }


def briefing_of(stack: StackHandle, signal_id: str, timeout_s: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        record = signal_record(stack, signal_id)
        if "briefing" in record:
            briefing: dict[str, Any] = record["briefing"]
            return briefing
        time.sleep(0.5)
    raise AssertionError(f"signal {signal_id} got no briefing in {timeout_s} s")


def test_search_before_any_build_is_a_404_naming_the_schedule(stack: StackHandle) -> None:
    reply = stack.api("POST", "/ai/search", scope="read", json={"text": "anything"})
    assert reply.status_code == 404, reply.text
    assert "AiIndexBuild" in reply.text or "not been built" in reply.text


def test_the_same_note_twice_is_one_note(stack: StackHandle) -> None:
    first = stack.api("POST", "/ai/notes", scope="trade", json=NOTES[0])
    again = stack.api("POST", "/ai/notes", scope="trade", json=NOTES[0])
    assert first.status_code == again.status_code == 200, first.text
    assert again.json()["note_id"] == first.json()["note_id"]
    assert again.json()["created"] is False


def test_notes_refuse_unknown_fields_and_need_the_trade_scope(stack: StackHandle) -> None:
    unknown = stack.api("POST", "/ai/notes", scope="trade", json={"text": "x", "colour": "red"})
    assert unknown.status_code in (400, 422), unknown.text
    assert "colour" in unknown.text
    assert stack.api("POST", "/ai/notes", scope="read", json={"text": "x"}).status_code == 403


def test_a_market_search_at_a_time_out_of_range_is_refused_naming_it(stack: StackHandle) -> None:
    market = {"symbol": "SOL/USDT", "at_ms": 10**18}
    reply = stack.api("POST", "/ai/search", scope="read", json={"market": market})
    assert reply.status_code in (400, 422), reply.text
    assert "at_ms" in reply.text


def test_a_search_needs_exactly_one_query(stack: StackHandle) -> None:
    both = stack.api("POST", "/ai/search", scope="read", json={"text": "x", "market": {"symbol": "SOL/USDT"}})
    assert both.status_code in (400, 422)
    assert "exactly one" in both.text


def test_the_build_indexes_the_notes_and_the_signals_with_their_market_state(built: dict[str, Any]) -> None:
    # Every strategy the function can run; the built-ins at least (plugins come in its AI layer in AWS).
    strategies = built["notes_build"]["by_kind"]["strategy"]
    assert strategies >= len(built["built_in"])
    assert built["notes_build"]["embedded"] == len(NOTES) + strategies
    result = built["build"]
    assert result["embedded"] == len(SIGNAL_BARS) + 1  # and the backtest; the documentation had not changed
    assert result["documents"] == len(NOTES) + strategies + len(SIGNAL_BARS) + 1


def test_a_text_search_finds_the_note_about_it_first(stack: StackHandle, built: dict[str, Any]) -> None:
    reply = stack.api("POST", "/ai/search", scope="read", json={"text": "negative funding selloff", "k": 3})
    assert reply.status_code == 200, reply.text
    top = reply.json()["results"][0]
    assert top["kind"] == "note"
    assert top["tags"] == ["funding"]


def test_a_text_search_for_signals_answers_them_with_the_outcome_the_pipeline_recorded(
    stack: StackHandle, built: dict[str, Any]
) -> None:
    reply = stack.api(
        "POST", "/ai/search", scope="read", json={"text": "buy SOL/USDT ai_probe", "k": 5, "kinds": ["signal"]}
    )
    assert reply.status_code == 200, reply.text
    results = reply.json()["results"]
    assert {r["signal_id"] for r in results} == set(built["signals"])
    for result in results:
        assert result["status"] == signal_record(stack, result["signal_id"])["status"]


def test_a_market_search_at_a_signals_bar_finds_that_signal_first(stack: StackHandle, built: dict[str, Any]) -> None:
    market = {"exchange": "binance", "symbol": "SOL/USDT", "timeframe": "1h", "at_ms": SIGNAL_BARS[1]}
    reply = stack.api("POST", "/ai/search", scope="read", json={"market": market, "k": 3})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["query"]["bar_time"] == SIGNAL_BARS[1]
    assert len(body["query"]["state"]) == 22
    assert body["results"][0]["signal_id"] == built["signals"][1]
    assert body["results"][0]["score"] > 0.999
    assert len(body["results"]) == len(SIGNAL_BARS)


def test_a_market_search_on_too_little_history_is_a_400_naming_the_bars(
    stack: StackHandle, built: dict[str, Any]
) -> None:
    market = {"symbol": "SOL/USDT", "timeframe": "1h", "at_ms": START + 10 * HOUR}
    reply = stack.api("POST", "/ai/search", scope="read", json={"market": market})
    assert reply.status_code == 400, reply.text
    assert "whole bars" in reply.text


def test_a_second_build_embeds_only_what_changed(stack: StackHandle, built: dict[str, Any]) -> None:
    assert invoke(stack, "AiFunction", BUILD)["embedded"] == 0
    assert stack.api("POST", "/ai/notes", scope="trade", json={"text": "weekend liquidity is thin"}).status_code == 200
    again = invoke(stack, "AiFunction", BUILD)
    assert again["embedded"] == 1
    assert again["documents"] == len(NOTES) + again["by_kind"]["strategy"] + len(SIGNAL_BARS) + 2
    # Three builds with changes so far: the newest and the one it replaced are kept.
    listed = stack.clients("s3").list_objects_v2(Bucket=stack.output("DataBucketName"), Prefix="ai/index/")
    folders = {item["Key"].split("/")[2] for item in listed["Contents"] if item["Key"].count("/") == 3}
    assert len(folders) == 2
    assert again["build"] in folders


def test_a_new_signal_gets_a_briefing_from_the_history_before_its_bar(
    stack: StackHandle, built: dict[str, Any]
) -> None:
    briefing = briefing_of(stack, built["signals"][1])
    states = briefing["similar_states"]
    assert states["available"] is True, states
    assert states["neighbours_forward"]["count"] == 20
    assert states["baseline_forward"]["count"] >= 50
    # Only bars whose outcome was known at the signal's bar: nothing from after it.
    horizon_ms = states["horizon_bars"] * HOUR
    assert all(n["bar_time"] + horizon_ms <= SIGNAL_BARS[1] for n in states["neighbours"])
    assert briefing["regime"]["regime"] is None
    assert "POST /models/SOL-USDT/train" in briefing["regime"]["reason"]
    assert briefing["forecast"]["prob_up"] is None
    assert "no forecast model stored for SOL-USDT" in briefing["forecast"]["reason"]
    assert briefing["notes"][0]["kind"] == "note"
    assert (
        f"The 20 most similar past market states were followed over {states['horizon_bars']} bars"
        in (briefing["summary"])
    )
    assert briefing["notes"][0]["text"] in briefing["summary"]


def test_a_signal_with_too_little_history_gets_a_briefing_saying_so(stack: StackHandle, built: dict[str, Any]) -> None:
    states = briefing_of(stack, built["signals"][0])["similar_states"]
    assert states["available"] is False
    assert "needed" in states["reason"]


def test_a_text_search_finds_the_backtest_report(stack: StackHandle, built: dict[str, Any]) -> None:
    query = {"text": "backtest of sma_cross SOL/USDT", "kinds": ["backtest"]}
    reply = stack.api("POST", "/ai/search", scope="read", json=query)
    assert reply.status_code == 200, reply.text
    [found] = reply.json()["results"]
    assert found["backtest_id"] == built["backtest"]
    assert found["strategy"] == "sma_cross"
    assert "total_return" in found["text"]


def test_a_text_search_finds_a_strategys_documentation(stack: StackHandle, built: dict[str, Any]) -> None:
    for name in ("donchian_breakout", "regime_gate"):
        documented = built["built_in"][name]
        query = {"text": f"strategy {name}: {documented['description']}", "kinds": ["strategy"]}
        reply = stack.api("POST", "/ai/search", scope="read", json=query)
        assert reply.status_code == 200, reply.text
        top = reply.json()["results"][0]
        assert (top["strategy"], top["source"]) == (name, "built-in")
        assert top["parameters"] == [p["name"] for p in documented["parameters"]]
