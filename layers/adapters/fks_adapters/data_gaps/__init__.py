"""The gap scan's storage and its call to ``backfill``: what is still missing per series, and the
monitor's check of it. The scan itself is a use case (``fks_app.gap_scan``)."""

from fks_adapters.data_gaps.backfill import BackfillInvoker
from fks_adapters.data_gaps.health import check_gaps
from fks_adapters.data_gaps.records import GapRecords

__all__ = ["BackfillInvoker", "GapRecords", "check_gaps"]
