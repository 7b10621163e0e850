"""The scheduled gap scan: find holes in each enabled asset's recent history, have ``backfill``
repair them, remember what is still missing, and tell the monitor."""

from fks_adapters.data_gaps.health import check_gaps
from fks_adapters.data_gaps.records import GapRecords
from fks_adapters.data_gaps.scanner import BackfillInvoker, GapScanner

__all__ = ["BackfillInvoker", "GapRecords", "GapScanner", "check_gaps"]
