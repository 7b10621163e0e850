from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from fks_ninja.outgoing import OrderState
from fks_ninja.tracker import OrderTracker, PlacedOrder
from fks_ninja.watcher import OutgoingWatcher, PositionBook


def _watcher(outgoing: Path, book: PositionBook | None = None) -> OutgoingWatcher:
    tracker = OrderTracker()
    tracker.track(PlacedOrder("fks1", "sig-1", "Sim101", "ES 12-25", "BUY", 1))
    return OutgoingWatcher(outgoing, tracker, book)


def test_poll_turns_order_position_and_connection_files_into_events(tmp_path: Path) -> None:
    (tmp_path / "fks1.txt").write_text("FILLED;1;5000.25")
    (tmp_path / "ES 12-25 Globex_Sim101_Position.txt").write_text("LONG;1;5000.25")
    (tmp_path / "Rithmic.txt").write_text("DISCONNECTED")

    result = _watcher(tmp_path).poll()

    assert [(f.order_id, f.quantity, f.price) for f in result.fills] == [("fks1", 1, Decimal("5000.25"))]
    assert [c.state for c in result.status_changes] == [OrderState.FILLED]
    assert [(p.instrument, p.signed_quantity) for p in result.positions] == [("ES 12-25 Globex", 1)]
    assert [(c.connection, c.connected) for c in result.connections] == [("Rithmic", False)]


def test_unchanged_files_are_not_reported_twice(tmp_path: Path) -> None:
    (tmp_path / "fks1.txt").write_text("FILLED;1;5000")
    watcher = _watcher(tmp_path)
    watcher.poll()

    again = watcher.poll()

    assert again.fills == []
    assert again.positions == []


def test_malformed_file_is_reported_as_a_problem_and_others_still_read(tmp_path: Path) -> None:
    (tmp_path / "bad_Sim101_Position.txt").write_text("SIDEWAYS;1;2")
    (tmp_path / "fks1.txt").write_text("FILLED;1;5000")

    result = _watcher(tmp_path).poll()

    assert len(result.problems) == 1
    assert "SIDEWAYS" in result.problems[0]
    assert len(result.fills) == 1


def test_reconcile_after_restart_reports_only_positions_that_changed(tmp_path: Path) -> None:
    outgoing = tmp_path / "outgoing"
    outgoing.mkdir()
    book_file = tmp_path / "positions.json"
    (outgoing / "ES 12-25 Globex_Sim101_Position.txt").write_text("LONG;1;5000")
    (outgoing / "NQ 12-25 Globex_Sim101_Position.txt").write_text("SHORT;2;21000")
    _watcher(outgoing, PositionBook(book_file)).poll()
    (outgoing / "NQ 12-25 Globex_Sim101_Position.txt").write_text("FLAT;0;0")

    changed = _watcher(outgoing, PositionBook(book_file)).reconcile()

    assert [(p.instrument, p.signed_quantity) for p in changed] == [("NQ 12-25 Globex", 0)]
