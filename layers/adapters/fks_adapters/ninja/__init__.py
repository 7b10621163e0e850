"""DynamoDB storage of the NinjaTrader bridge's reports (orders, positions, refusals)."""

from fks_adapters.ninja.report_store import NinjaReportStore, Outcome
from fks_adapters.ninja.transactions import IdempotencyClaim

__all__ = ["IdempotencyClaim", "NinjaReportStore", "Outcome"]
