"""The signal pipeline's ASL read as a graph: every way out of a failure is recorded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ASL = Path(__file__).parents[3] / "infra" / "statemachines" / "signal_to_execution.asl.json"
STATES: dict[str, Any] = json.loads(ASL.read_text())["States"]
# Runtime.ExitError: the instance died mid-invoke (killed, out of memory); a retry runs on a fresh one.
RETRYABLE = {"TemporaryError", "RateLimited", "Sandbox.Timedout", "Runtime.ExitError", "States.TaskFailed"}


def _reachable(start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        state = STATES[name]
        todo += [t for t in (state.get("Next"), state.get("Default")) if t]
        todo += [choice["Next"] for choice in state.get("Choices", [])]
    return seen


def test_every_catch_leads_through_record_outcome() -> None:
    after_recording = _reachable("RecordOutcome")  # the outcome is already recorded there
    for name, state in STATES.items():
        for catch in state.get("Catch", []):
            if name in after_recording:
                continue
            assert "RecordOutcome" in _reachable(catch["Next"]), f"{name} catch {catch['ErrorEquals']}"


def test_every_path_from_the_start_ends_after_record_outcome() -> None:
    terminal = {n for n, s in STATES.items() if s["Type"] in ("Succeed", "Fail") or s.get("End")}
    assert terminal == {"Done", "PipelineFailed", "NotRecorded"}
    after_recording = _reachable("RecordOutcome") | {"NotRecorded"}
    for name in set(STATES) - after_recording:
        assert "RecordOutcome" in _reachable(name), name


def test_retries_only_retry_what_may_pass() -> None:
    for name, state in STATES.items():
        for retry in state.get("Retry", []):
            names = set(retry["ErrorEquals"])
            assert "States.ALL" not in names, name
            assert names <= RETRYABLE | {n for n in names if n.startswith("Lambda.")}, name
            assert retry["BackoffRate"] > 1, name


def test_denials_and_refusals_are_caught_before_the_catch_all() -> None:
    execute = STATES["ExecuteOrder"]["Catch"]
    assert execute[-1]["ErrorEquals"] == ["States.ALL"]
    caught = {e for c in execute[:-1] for e in c["ErrorEquals"]}
    assert {"RiskDenied", "InsufficientFunds", "PermanentError"} <= caught
