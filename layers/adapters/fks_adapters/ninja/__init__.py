"""DynamoDB storage of the NinjaTrader bridge's reports (orders, positions, refusals) in tables of
their own, and the reads of them."""

from fks_adapters.ninja.reads import NinjaReads
from fks_adapters.ninja.report_store import NinjaReportStore, Outcome
from fks_adapters.ninja.transactions import IdempotencyClaim

__all__ = ["IdempotencyClaim", "NinjaReads", "NinjaReportStore", "Outcome"]
