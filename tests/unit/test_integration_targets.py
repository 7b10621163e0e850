"""The second target's tables name tests that exist: a renamed test would otherwise silently run
(or stop running) on MiniStack."""

from __future__ import annotations

from pathlib import Path

from tests.integration.targets import NOT_ON_MINISTACK, QUICK_SELECTION, not_on_ministack

INTEGRATION = Path(__file__).resolve().parents[1] / "integration"


def test_every_listed_module_and_test_exists() -> None:
    for entry in NOT_ON_MINISTACK:
        module, _, test = entry.partition("::")
        source = (INTEGRATION / module).read_text()
        name = test.split("[", 1)[0]  # a parametrized case is listed by its id
        assert not name or f"def {name}(" in source, entry


def test_the_quick_selection_is_modules_that_run_on_ministack() -> None:
    for module in QUICK_SELECTION:
        assert (INTEGRATION / module).exists(), module
        assert module not in NOT_ON_MINISTACK, module


def test_a_reason_is_found_by_module_and_by_test_with_parameters() -> None:
    assert (
        not_on_ministack("tests/integration/test_timestream_writer.py::test_anything")
        == (NOT_ON_MINISTACK["test_timestream_writer.py"])
    )
    test = "test_api_auth.py::test_burst_over_the_plan_rate_gets_429_with_retry_after"
    assert not_on_ministack(f"tests/integration/{test}[case]") == NOT_ON_MINISTACK[test]
    other_case = "test_sample_events.py::test_each_event_source_sample_is_answered[WebFunction.WebShell.json]"
    assert not_on_ministack(f"tests/integration/{other_case}") is None
    assert not_on_ministack("tests/integration/test_api_auth.py::test_read_key_reads") is None
