"""The fake NT8 must reject what NT8 rejects, or the contract tests prove nothing."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.fakes.fake_nt8 import AtiGrammarError, FakeNt8, check_line


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("PLACE;A;ES 12-25;BUY;1;MARKET;;;DAY;;o1;", "13 fields"),
        ("BUYNOW;;;;;;;;;;;;", "unknown command"),
        ("PLACE;A;ES 12-25;BUY;1;MARKET;;;;;o1;;", "missing required field(s) [8]"),
        ("PLACE;A;ES 12-25;HOLD;1;MARKET;;;DAY;;o1;;", "ACTION"),
        ("PLACE;A;ES 12-25;BUY;1.5;MARKET;;;DAY;;o1;;", "QTY"),
        ("PLACE;A;ES 12-25;BUY;1;STOP;;;DAY;;o1;;", "ORDER TYPE"),
        ("PLACE;A;ES 12-25;BUY;1;LIMIT;5000,25;;DAY;;o1;;", "US decimal"),
        ("PLACE;A;ES 12-25;BUY;1;STOPMARKET;;;GTC;;o1;;", "STOP PRICE"),
        ("PLACE;A;ES 12-25;BUY;1;MARKET;;;IOC;;o1;;", "TIF"),
        ("CLOSEPOSITION;A;;;;;;;;;;;", "missing required field(s) [2]"),
        ("CANCEL;;;;;;;;;;;;", "missing required field(s) [10]"),
    ],
)
def test_line_nt8_would_reject_is_rejected_with_the_reason(line: str, reason: str) -> None:
    with pytest.raises(AtiGrammarError, match=re.escape(reason)):
        check_line(line)


def test_valid_stop_limit_line_is_accepted() -> None:
    fields = check_line("PLACE;A;ES 12-25;SELL;2;STOPLIMIT;4990.5;4991;GTC;oco1;o1;;")

    assert fields[5] == "STOPLIMIT"


def test_place_for_an_unknown_account_writes_a_rejected_order_file(tmp_path: Path) -> None:
    nt8 = FakeNt8(tmp_path / "in", tmp_path / "out", accounts={"Sim101"})
    (tmp_path / "in" / "oif1.txt").write_text("PLACE;Nobody;ES 12-25;BUY;1;MARKET;;;DAY;;o9;;\r\n")

    nt8.step()

    assert (tmp_path / "out" / "o9.txt").read_text() == "REJECTED;0;0"
    assert "unknown account" in nt8.rejections[0][1]
    assert not (tmp_path / "in" / "oif1.txt").exists()


def test_repeated_order_id_is_rejected(tmp_path: Path) -> None:
    nt8 = FakeNt8(tmp_path / "in", tmp_path / "out", accounts={"Sim101"})
    line = "PLACE;Sim101;ES 12-25;BUY;1;MARKET;;;DAY;;o1;;"
    (tmp_path / "in" / "oif1.txt").write_text(f"{line}\r\n{line}\r\n")

    nt8.step()

    assert [reason for _, reason in nt8.rejections] == ["ORDER ID 'o1' is not unique"]


def test_files_that_are_not_oif_named_are_ignored(tmp_path: Path) -> None:
    nt8 = FakeNt8(tmp_path / "in", tmp_path / "out", accounts={"Sim101"})
    (tmp_path / "in" / ".oif1.tmp").write_text("PLACE;Sim101;ES 12-25;BUY;1;MARKET;;;DAY;;o1;;")

    nt8.step()

    assert nt8.lines == []


def test_started_fake_fills_an_order_written_while_it_runs(tmp_path: Path) -> None:
    nt8 = FakeNt8(tmp_path / "in", tmp_path / "out", accounts={"Sim101"})
    nt8.start(interval=0.01)
    try:
        (tmp_path / "in" / "oif1.txt").write_text("PLACE;Sim101;ES 12-25;BUY;1;MARKET;;;DAY;;o1;;\r\n")
        order_file = tmp_path / "out" / "o1.txt"
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not (order_file.exists() and order_file.read_text().startswith("FILLED")):
            time.sleep(0.01)
    finally:
        nt8.stop()

    assert order_file.read_text() == "FILLED;1;100"
    assert nt8.positions[("Sim101", "ES 12-25")] == 1
