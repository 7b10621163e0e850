"""Bridge errors, named by what the caller should do next (see ``fks.errors``)."""

from __future__ import annotations

from fks.errors import BadRequest, PermanentError, TemporaryError
from fks.prop_firm import RuleViolation

__all__ = ["IncomingFolderMissing", "InvalidOrderInstruction", "RuleViolation", "UnknownAccount", "UnknownInstrument"]


class InvalidOrderInstruction(BadRequest):
    """An ATI command that NT8 would reject; never written to ``incoming``."""


class IncomingFolderMissing(TemporaryError):
    """NT8's ``incoming`` folder is absent: NT8 is not installed or not started on this host.

    Temporary so the SQS message stays for redrive instead of being lost while an operator fixes it.
    """


class UnknownAccount(PermanentError):
    """The signal names an account the bridge has no configuration for."""


class UnknownInstrument(PermanentError):
    """The signal's contract root has no instrument mapping."""


class MalformedOutgoingFile(PermanentError):
    """An ``outgoing`` file does not follow NT8's documented format."""
