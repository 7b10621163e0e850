from __future__ import annotations

import os
from pathlib import Path

import pytest

from fks_ninja import oif
from fks_ninja.errors import IncomingFolderMissing
from fks_ninja.oif_writer import OifWriter
from tests.fakes.fake_nt8 import check_line

CLOSE = oif.ClosePosition(account="Sim101", instrument="ES 12-25 Globex")


def test_write_puts_one_crlf_line_per_command_into_an_oif_named_file(tmp_path: Path) -> None:
    writer = OifWriter(tmp_path)

    path = writer.write([CLOSE, oif.Cancel(order_id="x1")])

    assert path.parent == tmp_path
    assert path.name.startswith("oif")
    assert path.suffix == ".txt"
    assert path.read_bytes() == b"CLOSEPOSITION;Sim101;ES 12-25 Globex;;;;;;;;;;\r\nCANCEL;;;;;;;;;;x1;;\r\n"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_written_lines_pass_the_fake_nt8_grammar(tmp_path: Path) -> None:
    place = oif.Place(
        account="A",
        instrument="ES 12-25",
        action=oif.Action.SELL,
        quantity=1,
        order_type=oif.OrderType.MARKET,
        order_id="o",
    )

    path = OifWriter(tmp_path).write([place])

    assert check_line(path.read_text().strip())[0] == "PLACE"


def test_each_write_gets_a_new_file_name(tmp_path: Path) -> None:
    writer = OifWriter(tmp_path)

    names = {writer.write([CLOSE]).name for _ in range(3)}

    assert len(names) == 3


def test_missing_incoming_folder_is_a_clear_error(tmp_path: Path) -> None:
    writer = OifWriter(tmp_path / "nope")

    with pytest.raises(IncomingFolderMissing, match="does not exist"):
        writer.write([CLOSE])


def test_failed_rename_leaves_no_file_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing_replace(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)

    with pytest.raises(OSError, match="disk full"):
        OifWriter(tmp_path).write([CLOSE])

    assert list(tmp_path.iterdir()) == []
