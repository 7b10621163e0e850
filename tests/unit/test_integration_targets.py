"""The second target's tables name tests that exist: a renamed test would otherwise silently run
(or stop running) on MiniStack."""

from __future__ import annotations

from pathlib import Path

from tests.integration.targets import NOT_ON_MINISTACK, QUICK_SELECTION, not_on_ministack, table_key

TESTS = Path(__file__).resolve().parents[1]
INTEGRATION = TESTS / "integration"


def _source(module: str) -> Path:
    """A table's module: under tests/integration/, or ``e2e/...`` under tests/."""
    return TESTS / module if module.startswith("e2e/") else INTEGRATION / module


def test_every_listed_module_and_test_exists() -> None:
    for entry in NOT_ON_MINISTACK:
        module, _, test = entry.partition("::")
        source = _source(module).read_text()
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


def test_an_e2e_test_is_found_under_its_own_folder_and_not_as_an_integration_module() -> None:
    assert table_key("tests/e2e/test_demo.py::test_the_demo_completes_the_loop") == (
        "e2e/test_demo.py::test_the_demo_completes_the_loop"
    )
    assert (
        not_on_ministack("tests/e2e/test_demo.py::test_the_demo_completes_the_loop")
        == (NOT_ON_MINISTACK["e2e/test_demo.py"])
    )
    # The one e2e module on a deployed stack runs on MiniStack (a stack of its own there).
    own_strategy = "tests/e2e/test_own_strategy_to_signal.py::test_a_strategy_whose_informative_series_cannot_be_built"
    assert not_on_ministack(own_strategy) is None


def test_every_e2e_module_runs_on_ministack_or_has_a_reason() -> None:
    """A new e2e module is a choice: it runs on a deployed stack (``stack_of_its_own``) or it is listed."""
    for path in sorted((TESTS / "e2e").glob("test_*.py")):
        on_a_deployed_stack = "stack_of_its_own" in path.read_text()
        listed = f"e2e/{path.name}" in NOT_ON_MINISTACK
        assert on_a_deployed_stack != listed, path.name
