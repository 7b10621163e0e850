"""What the platform keeps of NinjaTrader 8 (the bridge's reports): contracts, orders, positions.

The bridge (``ninja_bridge/fks_ninja``) runs beside NT8 and posts its fills, order states,
position files and refusals to ``/ninja/*``; these modules are the platform side of that contract.
"""
