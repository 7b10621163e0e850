"""Where orders go in each mode: the mode is chosen once here, not checked all over the bridge."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from fks_ninja.config import BridgeConfig, Mode
from fks_ninja.oif import OifCommand, render
from fks_ninja.oif_writer import OifWriter

log = logging.getLogger(__name__)


class OrderSink(Protocol):
    mode: Mode

    def submit(self, commands: Sequence[OifCommand]) -> Path | None: ...


class OifSink:
    """Automatic (NT8's incoming folder) and dry-run (a folder NT8 does not watch) differ only in
    the folder, so a dry run exercises exactly the files NT8 would get."""

    def __init__(self, mode: Mode, folder: Path) -> None:
        self.mode = mode
        self._writer = OifWriter(folder)

    def submit(self, commands: Sequence[OifCommand]) -> Path:
        return self._writer.write(commands)


class ManualSink:
    """Manual mode places nothing: it keeps the instructions for the trader (and the chart)."""

    mode = Mode.MANUAL

    def __init__(self) -> None:
        self.recorded: list[str] = []

    def submit(self, commands: Sequence[OifCommand]) -> None:
        for command in commands:
            line = render(command)
            self.recorded.append(line)
            log.info("manual mode, not sent to NT8: %s", line)


def sink_for(config: BridgeConfig) -> OrderSink:
    if config.mode is Mode.MANUAL:
        return ManualSink()
    if config.mode is Mode.DRY_RUN:
        assert config.dry_run_folder is not None  # the config validator guarantees it
        return OifSink(Mode.DRY_RUN, config.dry_run_folder)
    return OifSink(Mode.AUTOMATIC, config.incoming)
