"""A function's settings: read from the environment once, at import (Lambda's init); a missing or
unreadable variable fails there, named, instead of on the invocation that first needs it."""

from __future__ import annotations

import importlib
import sys
from decimal import Decimal

import pytest

from fks.function_settings import FunctionSettings, PortfolioSettings, SettingsError, flag, variable


class Example(PortfolioSettings):
    queue: str = variable("EXAMPLE_QUEUE")
    window_s: int = variable("EXAMPLE_WINDOW_S", int, default=3600)
    enabled: bool = variable("EXAMPLE_ENABLED", flag, default=False)
    webhook: str | None = variable("EXAMPLE_WEBHOOK", default=None)


def test_settings_are_read_typed_with_their_defaults() -> None:
    # Act
    settings = Example.from_environ(
        {"EXAMPLE_QUEUE": "q", "FKS_PORTFOLIO_TABLE": "p", "EXAMPLE_WINDOW_S": "60", "EXAMPLE_ENABLED": "True"}
    )

    # Assert
    assert settings == Example(queue="q", portfolio_table="p", window_s=60, enabled=True)
    assert settings.initial_capital == Decimal(100000)
    assert settings.webhook is None
    with pytest.raises(AttributeError, match="read once, at cold start"):
        settings.queue = "other"


def test_every_missing_or_unreadable_variable_is_named_in_one_error() -> None:
    # Act
    with pytest.raises(SettingsError) as raised:
        # An empty value is unset, as the template's conditional values leave a variable.
        Example.from_environ({"EXAMPLE_QUEUE": "", "EXAMPLE_WINDOW_S": "soon", "FKS_INITIAL_CAPITAL": "lots"})

    # Assert
    message = str(raised.value)
    assert "Example" in message
    assert "EXAMPLE_QUEUE is not set" in message
    assert "FKS_PORTFOLIO_TABLE is not set" in message
    assert "EXAMPLE_WINDOW_S='soon' is not a valid int" in message
    assert "FKS_INITIAL_CAPITAL='lots' is not a valid Decimal" in message


def test_a_readers_own_complaint_is_kept() -> None:
    # Arrange
    def chat_ids(text: str) -> tuple[int, ...]:
        if not text.isdigit():
            raise ValueError("chat ids are integers")
        return (int(text),)

    class Chats(FunctionSettings):
        chats: tuple[int, ...] = variable("EXAMPLE_CHATS", chat_ids)

    # Act
    with pytest.raises(SettingsError) as raised:
        Chats.from_environ({"EXAMPLE_CHATS": "general"})

    # Assert
    assert "EXAMPLE_CHATS='general' is not a valid chat_ids: chat ids are integers" in str(raised.value)


def test_a_function_without_a_variable_it_needs_fails_its_cold_start_naming_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Arrange: what the pipeline's outcome state needs, but its signals table
    monkeypatch.delenv("FKS_SIGNALS_TABLE", raising=False)
    monkeypatch.delitem(sys.modules, "functions.record_outcome.app", raising=False)

    # Act: Lambda's init imports the handler's module
    with pytest.raises(SettingsError) as raised:
        importlib.import_module("functions.record_outcome.app")

    # Assert
    assert "FKS_SIGNALS_TABLE is not set" in str(raised.value)
    assert "functions.record_outcome.app.Settings" in str(raised.value)


def test_the_same_function_starts_with_the_variable_and_builds_nothing_at_import(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Arrange
    monkeypatch.setenv("FKS_SIGNALS_TABLE", "signals")
    monkeypatch.delitem(sys.modules, "functions.record_outcome.app", raising=False)

    # Act
    app = importlib.import_module("functions.record_outcome.app")

    # Assert: the settings are read; the table's adapter waits for the first invocation
    assert app.SETTINGS.signals_table == "signals"
    assert app._history.cache_info().currsize == 0
    sys.modules.pop("functions.record_outcome.app")


def test_a_rule_across_variables_fails_the_cold_start_too() -> None:
    # Arrange
    class Pair(FunctionSettings):
        database: str | None = variable("EXAMPLE_DATABASE", default=None)
        table: str | None = variable("EXAMPLE_TABLE", default=None)

        def check(self) -> None:
            if bool(self.database) != bool(self.table):
                raise SettingsError("EXAMPLE_DATABASE and EXAMPLE_TABLE go together")

    # Act / Assert
    assert Pair.from_environ({"EXAMPLE_DATABASE": "d", "EXAMPLE_TABLE": "t"}).table == "t"
    with pytest.raises(SettingsError, match="go together"):
        Pair.from_environ({"EXAMPLE_DATABASE": "d"})


def test_a_settings_class_with_no_variables_reads_nothing() -> None:
    class Nothing(FunctionSettings):
        pass

    assert Nothing.from_environ({}) == Nothing()
