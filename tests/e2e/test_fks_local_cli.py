"""A user's session with the ``fks`` command: up, status, invoke, tick, down, in real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.stubs import SignalStubs

pytestmark = pytest.mark.moto_only


def _fks(state_dir: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FKS_LOCAL_STATE_DIR": str(state_dir)}
    return subprocess.run(
        [sys.executable, "-m", "fks_cli.cli", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, object]]]:
    state_dir = tmp_path_factory.mktemp("fks-cli")
    started = _fks(state_dir, "local", "up", "--no-schedules")
    assert started.returncode == 0, started.stdout + started.stderr
    try:
        yield state_dir, json.loads((state_dir / "stack.json").read_text())
    finally:
        stopped = _fks(state_dir, "local", "down")
        assert stopped.returncode == 0, stopped.stderr


def test_up_prints_where_everything_is(running: tuple[Path, dict[str, object]]) -> None:
    state_dir, state = running

    status = _fks(state_dir, "local", "status")

    assert status.returncode == 0
    assert str(state["endpoint_url"]) in status.stdout
    assert "/v1" in status.stdout
    assert "ValidateSignalFunction" in status.stdout


def test_second_up_reports_the_running_stack(running: tuple[Path, dict[str, object]]) -> None:
    state_dir, state = running

    again = _fks(state_dir, "local", "up")

    assert again.returncode == 0
    assert "already running" in again.stdout
    assert str(state["endpoint_url"]) in again.stdout


def test_invoke_by_logical_id_prints_the_handler_result(running: tuple[Path, dict[str, object]]) -> None:
    state_dir, _ = running

    result = _fks(
        state_dir, "local", "invoke", "ValidateSignalFunction", "--event", json.dumps(SignalStubs.market_buy())
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["valid"] is True


def test_invoke_failing_handler_exits_non_zero_with_the_error(running: tuple[Path, dict[str, object]]) -> None:
    state_dir, _ = running

    result = _fks(state_dir, "local", "invoke", "ValidateSignalFunction", "--event", "{}")

    assert result.returncode == 1
    assert json.loads(result.stdout)["errorType"] == "InvalidSignal"


def test_tick_fires_the_schedules(running: tuple[Path, dict[str, object]]) -> None:
    state_dir, _ = running

    result = _fks(state_dir, "local", "tick")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "MonitorFunction" in result.stdout


def test_local_api_answers_over_http(running: tuple[Path, dict[str, object]]) -> None:
    _, state = running
    api_urls = state["api_urls"]
    assert isinstance(api_urls, dict)

    response = requests.get(f"{api_urls['FksApi']}/health", timeout=30)

    assert response.status_code == 200


def test_up_on_a_taken_port_names_it(running: tuple[Path, dict[str, object]], tmp_path: Path) -> None:
    _, state = running
    taken = str(state["endpoint_url"]).rsplit(":", 1)[1]

    result = _fks(tmp_path, "local", "up", "--port", taken, "--no-simulator")

    assert result.returncode == 1
    assert f"port {taken} on 127.0.0.1 is taken" in result.stderr


def test_status_prints_health_alarms_and_latest_metrics(running: tuple[Path, dict[str, object]]) -> None:
    state_dir, _ = running
    assert _fks(state_dir, "local", "tick").returncode == 0  # the monitor's scheduled run publishes metrics

    result = _fks(state_dir, "status")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "stack fks-local: healthy" in result.stdout
    assert "function:fks-local-ValidateSignalFunction" in result.stdout
    assert "fks-dev-unhealthy-parts" in result.stdout
    assert "UnhealthyParts" in result.stdout
