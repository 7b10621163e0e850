"""The second target's tables name tests that exist: a renamed test would otherwise silently run
(or stop running) on MiniStack."""

from __future__ import annotations

from pathlib import Path

from tests.integration.targets import CI_SELECTION, NOT_ON_MINISTACK, in_ci_selection, not_on_ministack

INTEGRATION = Path(__file__).resolve().parents[1] / "integration"


def test_every_listed_module_and_test_exists() -> None:
    for entry in NOT_ON_MINISTACK:
        module, _, test = entry.partition("::")
        source = (INTEGRATION / module).read_text()
        assert not test or f"def {test}(" in source, entry


def test_the_ci_selection_is_modules_that_run_on_ministack() -> None:
    for module in CI_SELECTION:
        assert (INTEGRATION / module).exists(), module
        assert module not in NOT_ON_MINISTACK, module


def test_a_reason_is_found_by_module_and_by_test_with_parameters() -> None:
    assert (
        not_on_ministack("tests/integration/test_timestream_writer.py::test_anything")
        == (NOT_ON_MINISTACK["test_timestream_writer.py"])
    )
    test = "test_api_auth.py::test_hs256_token_with_scope_is_accepted"
    assert not_on_ministack(f"tests/integration/{test}[case]") == NOT_ON_MINISTACK[test]
    assert not_on_ministack("tests/integration/test_api_auth.py::test_read_key_reads") is None
    assert in_ci_selection(f"tests/integration/{CI_SELECTION[0]}::test_x")
    assert not in_ci_selection("tests/integration/test_api_auth.py::test_read_key_reads")
