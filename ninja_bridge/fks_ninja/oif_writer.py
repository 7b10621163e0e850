"""Writes OIF lines into NT8's ``incoming`` folder so NT8 never sees a partial file."""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Sequence
from pathlib import Path

from fks_ninja.errors import IncomingFolderMissing, InvalidOrderInstruction
from fks_ninja.oif import OifCommand, render


class OifWriter:
    """NT8 processes ``oif*.txt`` the instant it appears, so each file is written under a name NT8
    ignores, flushed to disk, then renamed into place (atomic on one volume, on NTFS and POSIX)."""

    def __init__(self, incoming: Path) -> None:
        self.incoming = Path(incoming)
        # A per-process prefix plus a counter keeps names unique across restarts and in order
        # within one run; NT8 can skip a repeated name ("Ignore duplicate OIF files").
        self._prefix = uuid.uuid4().hex[:12]
        self._counter = itertools.count(1)

    def write(self, commands: Sequence[OifCommand]) -> Path:
        if not commands:
            raise InvalidOrderInstruction("an OIF file needs at least one command")
        if not self.incoming.is_dir():
            raise IncomingFolderMissing(
                f"NT8 incoming folder {self.incoming} does not exist; is NinjaTrader 8 installed and the "
                "path in the bridge config right?",
                details={"incoming": str(self.incoming)},
            )
        body = "".join(render(command) + "\r\n" for command in commands)
        final = self.incoming / f"oif{self._prefix}{next(self._counter):06d}.txt"
        temp = self.incoming / f".{final.stem}.tmp"
        try:
            with temp.open("w", encoding="ascii", newline="") as handle:
                handle.write(body)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, final)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return final
